/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test client: opens a PAM session through real libpam, reports the
 * result and the mount namespace before and after, runs a probe command
 * inside the session (as root or as the user), then closes the session.
 *
 *   pam-session -s SERVICE -u USER [-c CONFDIR] [-r] [-T] [-m] [-C]
 *               [-P SIGNAL] [-E] [-X] [-n CYCLES] [-L] [-t SECONDS]
 *               [-- CMD ARGS]
 *
 * -C reports the caller's credentials and process flags before and after
 * pam_open_session (creds_before=, creds_after=): ids, groups, the five
 * capability sets, securebits, keep-caps, no_new_privs, dumpable and the
 * parent-death signal.  -P sets that signal first, and -E takes
 * CAP_NET_RAW out of the effective set (it stays permitted), so that a
 * change of either shows.
 *
 * -m reports the mounts the session added to the caller's view and the
 * caller's open file descriptors before and after; the module's mark of
 * a namespace it made (a bind mount on /run/pam_mntns/view) is reported
 * on a line of its own, view_mark=, not among them.  -n/-t repeat whole
 * sessions (pam_start to pam_end) in this one process, going back to the
 * original namespace after each, until CYCLES sessions or SECONDS have
 * passed, and print totals: the open results, the mounts added (with -m),
 * failures that did not leave the caller where it was, and fd leaks.
 * -L goes on past CYCLES until some sessions were set up and some were
 * refused (a race test's proof that the race was live).
 *
 * -X, as a daemon that closes what it did not open may, closes every
 * descriptor above 2 between pam_open_session and pam_close_session and
 * puts a descriptor of "/" in each one's place (closed_fds=N).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const struct {
	int code;
	const char *name;
} codes[] = {
	{PAM_SUCCESS, "PAM_SUCCESS"},
	{PAM_IGNORE, "PAM_IGNORE"},
	{PAM_SESSION_ERR, "PAM_SESSION_ERR"},
	{PAM_SERVICE_ERR, "PAM_SERVICE_ERR"},
	{PAM_USER_UNKNOWN, "PAM_USER_UNKNOWN"},
	{PAM_SYSTEM_ERR, "PAM_SYSTEM_ERR"},
	{PAM_BUF_ERR, "PAM_BUF_ERR"},
	{PAM_PERM_DENIED, "PAM_PERM_DENIED"},
	{PAM_ABORT, "PAM_ABORT"},
};

static const char *
code_name(int c)
{
	static char buf[32];
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == c)
			return codes[i].name;
	snprintf(buf, sizeof(buf), "PAM_%d", c);
	return buf;
}

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
     void *data)
{
	const bool *quiet = data;
	int i;

	for (i = 0; i < n && !(quiet && *quiet); i++)
		fprintf(stderr, "conv[%d]: %s\n", msg[i]->msg_style,
			msg[i]->msg);
	*resp = calloc((size_t)n, sizeof(**resp));
	return *resp ? PAM_SUCCESS : PAM_BUF_ERR;
}

static unsigned long
ns_ino(void)
{
	struct stat st;

	return stat("/proc/self/ns/mnt", &st) == 0 ? (unsigned long)st.st_ino
						   : 0;
}

/* The extra thread of -T, whose namespace -m reports. */
static pid_t sleeper_tid;

static void *
sleeper(void *arg)
{
	(void)arg;
	__atomic_store_n(&sleeper_tid, gettid(), __ATOMIC_SEQ_CST);
	pause();
	return NULL;
}

static unsigned long
thread_ns_ino(void)
{
	char path[64];
	struct stat st;
	pid_t tid = __atomic_load_n(&sleeper_tid, __ATOMIC_SEQ_CST);

	snprintf(path, sizeof(path), "/proc/self/task/%d/ns/mnt", (int)tid);
	return tid && stat(path, &st) == 0 ? (unsigned long)st.st_ino : 0;
}

static int
drop_to(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (!pw || initgroups(user, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0)
		return -1;
	if (setenv("HOME", pw->pw_dir, 1) < 0 || setenv("USER", user, 1) < 0)
		return -1;
	return chdir("/");
}

static int
run(char **cmd, const char *as_user)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (as_user && drop_to(as_user) < 0) {
			perror("pam-session: dropping privileges");
			_exit(126);
		}
		execvp(cmd[0], cmd);
		perror(cmd[0]);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* One mount of /proc/self/mountinfo: "MOUNTPOINT ROOT SOURCE". */
struct mounts {
	char **keys;
	size_t n;
};

static void
mounts_free(struct mounts *m)
{
	while (m->n > 0)
		free(m->keys[--m->n]);
	free(m->keys);
	m->keys = NULL;
}

static int
cmp_keys(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
mount_key(char *line, char **key)
{
	char *f[10], *sep, *save = NULL;
	int i;

	sep = strstr(line, " - ");
	if (!sep)
		return -1;
	*sep = '\0';
	f[0] = strtok_r(line, " ", &save);
	for (i = 1; i < 5 && f[i - 1]; i++)
		f[i] = strtok_r(NULL, " ", &save);
	save = NULL;
	f[5] = strtok_r(sep + 3, " ", &save);
	f[6] = f[5] ? strtok_r(NULL, " ", &save) : NULL;
	if (!f[4] || !f[6])
		return -1;
	return asprintf(key, "%s %s %s", f[4], f[3], f[6]) < 0 ? -1 : 0;
}

/* Reads this process's mount table, sorted. */
static int
mounts_read(struct mounts *m)
{
	FILE *fp = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *key, **grown;
	size_t cap = 0;

	memset(m, 0, sizeof(*m));
	if (!fp)
		return -1;
	while (getline(&line, &cap, fp) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (mount_key(line, &key) < 0)
			continue;
		grown = reallocarray(m->keys, m->n + 1, sizeof(*grown));
		if (!grown) {
			free(key);
			break;
		}
		m->keys = grown;
		m->keys[m->n++] = key;
	}
	free(line);
	fclose(fp);
	qsort(m->keys, m->n, sizeof(*m->keys), cmp_keys);
	return 0;
}

/* Calls @fn for every mount of @after that @before does not have. */
static void
mounts_added(const struct mounts *before, const struct mounts *after,
	     void (*fn)(const char *key, void *ctx), void *ctx)
{
	size_t i = 0, j = 0;
	int c;

	while (j < after->n) {
		c = i < before->n ? strcmp(before->keys[i], after->keys[j]) : 1;
		if (c == 0) {
			i++;
			j++;
		} else if (c < 0) {
			i++;
		} else {
			fn(after->keys[j++], ctx);
		}
	}
}

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	/* Not counting the one opendir used. */
	return n - 1;
}

/* -X: every descriptor above 2 closed, and "/" opened under its number. */
static int
swap_fds(void)
{
	int fd, n = 0, max = (int)sysconf(_SC_OPEN_MAX);
	int root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	for (fd = 3; root >= 0 && fd < max && fd < 1024; fd++) {
		if (fd == root || fcntl(fd, F_GETFD) < 0)
			continue;
		close(fd);
		dup3(root, fd, O_CLOEXEC);
		n++;
	}
	if (root >= 0)
		close(root);
	return n;
}

/* Distinct strings with how often each was seen. */
struct tally {
	char **keys;
	unsigned long *counts;
	size_t n;
};

static void
tally_add(struct tally *t, const char *key)
{
	char **k;
	unsigned long *c;
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (!strcmp(t->keys[i], key)) {
			t->counts[i]++;
			return;
		}
	}
	k = reallocarray(t->keys, t->n + 1, sizeof(*k));
	if (k)
		t->keys = k;
	c = k ? reallocarray(t->counts, t->n + 1, sizeof(*c)) : NULL;
	if (c)
		t->counts = c;
	if (!k || !c || !(t->keys[t->n] = strdup(key)))
		return;
	t->counts[t->n++] = 1;
}

static void
tally_print(const struct tally *t, const char *what)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		printf("%s=%s count=%lu\n", what, t->keys[i], t->counts[i]);
}

static void
tally_free(struct tally *t)
{
	while (t->n > 0)
		free(t->keys[--t->n]);
	free(t->keys);
	free(t->counts);
	memset(t, 0, sizeof(*t));
}

/* The mount that marks a namespace of the module (lib/session/pin.h). */
static bool
is_view_mark(const char *key)
{
	static const char mark[] = "/run/pam_mntns/view ";

	return !strncmp(key, mark, sizeof(mark) - 1);
}

static void
print_added(const char *key, void *ctx)
{
	(void)ctx;
	printf("%s=%s\n", is_view_mark(key) ? "view_mark" : "new_mount", key);
}

static void
tally_added(const char *key, void *ctx)
{
	if (!is_view_mark(key))
		tally_add(ctx, key);
}

struct options {
	const char *service, *user, *confdir;
	bool as_user, threaded, mounts, until_live, creds, drop_eff, swap_fds;
	int pdeathsig;
	unsigned long cycles;
	double seconds;
	char **cmd;
};

/* The lines of /proc/self/status about credentials, and the flags. */
static void
print_creds(const char *when)
{
	static const char *const keys[] = {
		"Uid:",	   "Gid:",    "Groups:", "CapInh:",	"CapPrm:",
		"CapEff:", "CapBnd:", "CapAmb:", "NoNewPrivs:",
	};
	char line[512];
	int sig = -1;
	size_t i;
	FILE *f = fopen("/proc/self/status", "re");

	printf("creds_%s=", when);
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strncmp(line, keys[i], strlen(keys[i])))
				printf("%s;", line);
	}
	if (f)
		fclose(f);
	prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
	printf("securebits=%d;keepcaps=%d;dumpable=%d;pdeathsig=%d\n",
	       prctl(PR_GET_SECUREBITS, 0, 0, 0, 0),
	       prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0),
	       prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), sig);
}

/* -P and -E: state the module must give back as it found it. */
static int
set_creds(const struct options *o)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct cap[2];

	if (o->pdeathsig && prctl(PR_SET_PDEATHSIG, o->pdeathsig, 0, 0, 0) < 0)
		return -1;
	if (!o->drop_eff)
		return 0;
	memset(cap, 0, sizeof(cap));
	if (syscall(SYS_capget, &hdr, cap) < 0)
		return -1;
	cap[0].effective &= ~(1U << CAP_NET_RAW);
	return (int)syscall(SYS_capset, &hdr, cap);
}

static int
start(const struct options *o, struct pam_conv *pc, pam_handle_t **h)
{
	return o->confdir ? pam_start_confdir(o->service, o->user, pc,
					      o->confdir, h)
			  : pam_start(o->service, o->user, pc, h);
}

static int
one_session(const struct options *o)
{
	struct pam_conv pc = {conv, NULL};
	struct mounts before = {0}, after = {0};
	pam_handle_t *h = NULL;
	int r, fds = count_fds();

	r = start(o, &pc, &h);
	if (r != PAM_SUCCESS) {
		printf("start=%s\n", code_name(r));
		return 1;
	}
	printf("ns_before=%lu\n", ns_ino());
	if (o->mounts)
		mounts_read(&before);
	if (o->creds)
		print_creds("before");
	r = pam_open_session(h, 0);
	printf("open=%s\n", code_name(r));
	printf("ns_after=%lu\n", ns_ino());
	if (o->creds)
		print_creds("after");
	if (o->mounts) {
		mounts_read(&after);
		mounts_added(&before, &after, print_added, NULL);
		printf("fds_before=%d\nfds_after=%d\n", fds, count_fds());
		if (o->threaded)
			printf("thread_ns=%lu\n", thread_ns_ino());
		mounts_free(&before);
		mounts_free(&after);
	}
	if ((r == PAM_SUCCESS || r == PAM_IGNORE) && o->cmd)
		printf("cmd_status=%d\n",
		       run(o->cmd, o->as_user ? o->user : NULL));
	if (r == PAM_SUCCESS && o->swap_fds)
		printf("closed_fds=%d\n", swap_fds());
	if (r == PAM_SUCCESS)
		printf("close=%s\n", code_name(pam_close_session(h, 0)));
	pam_end(h, r);
	return 0;
}

/* Where a loop cycle must return to. */
struct origin {
	int ns, cwd;
	unsigned long ino;
	int fds;
	struct mounts mounts;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct totals {
	struct tally results, added;
	unsigned long cycles, stray, fd_leaks, lost, won, refused;
};

/* One session of a loop; then back to @org, whatever the result. */
static void
cycle(const struct options *o, struct origin *org, struct totals *t)
{
	bool quiet = true;
	struct pam_conv pc = {conv, &quiet};
	struct mounts after = {0};
	pam_handle_t *h = NULL;
	int r;

	r = start(o, &pc, &h);
	if (r != PAM_SUCCESS) {
		tally_add(&t->results, "start_failed");
		return;
	}
	r = pam_open_session(h, 0);
	tally_add(&t->results, code_name(r));
	if (r == PAM_SUCCESS)
		t->won++;
	else
		t->refused++;
	/* A failed session must leave the caller where it was. */
	if (r != PAM_SUCCESS && ns_ino() != org->ino)
		t->stray++;
	if (o->mounts && mounts_read(&after) == 0) {
		mounts_added(&org->mounts, &after, tally_added, &t->added);
		mounts_free(&after);
	}
	if (r == PAM_SUCCESS)
		pam_close_session(h, 0);
	pam_end(h, r);
	if (ns_ino() != org->ino &&
	    (setns(org->ns, CLONE_NEWNS) < 0 || fchdir(org->cwd) < 0))
		t->lost++;
	if (count_fds() > org->fds)
		t->fd_leaks++;
	t->cycles++;
}

/*
 * -n N: N cycles; with -L, at least N and until some logins were set up
 * and some refused (a race is live only when both happened).  -t caps
 * the loop's time either way.
 */
static bool
more_cycles(const struct options *o, const struct totals *t)
{
	if (o->cycles && t->cycles < o->cycles)
		return true;
	if (o->until_live)
		return !t->won || !t->refused;
	return !o->cycles;
}

static int
loop_sessions(const struct options *o)
{
	struct origin org = {.ino = ns_ino()};
	struct totals t = {0};
	double end = now() + o->seconds;

	org.ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	org.cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (org.ns < 0 || org.cwd < 0 || mounts_read(&org.mounts) < 0) {
		perror("pam-session: saving the namespace");
		return 1;
	}
	org.fds = count_fds();
	while (more_cycles(o, &t) && (o->seconds <= 0 || now() < end) &&
	       !t.lost)
		cycle(o, &org, &t);
	printf("cycles=%lu\n", t.cycles);
	tally_print(&t.results, "open");
	tally_print(&t.added, "new_mount");
	printf("stray=%lu\nlost=%lu\nfd_leaks=%lu\n", t.stray, t.lost,
	       t.fd_leaks);
	tally_free(&t.results);
	tally_free(&t.added);
	mounts_free(&org.mounts);
	close(org.ns);
	close(org.cwd);
	return t.lost ? 1 : 0;
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt(argc, argv, "s:u:c:rTmCP:EXLn:t:")) != -1) {
		switch (c) {
		case 's':
			o->service = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'c':
			o->confdir = optarg;
			break;
		case 'r':
			o->as_user = true;
			break;
		case 'T':
			o->threaded = true;
			break;
		case 'm':
			o->mounts = true;
			break;
		case 'C':
			o->creds = true;
			break;
		case 'P':
			o->pdeathsig = atoi(optarg);
			break;
		case 'E':
			o->drop_eff = true;
			break;
		case 'X':
			o->swap_fds = true;
			break;
		case 'L':
			o->until_live = true;
			break;
		case 'n':
			o->cycles = strtoul(optarg, NULL, 10);
			break;
		case 't':
			o->seconds = strtod(optarg, NULL);
			break;
		default:
			return -1;
		}
	}
	if (optind < argc)
		o->cmd = argv + optind;
	return o->service && o->user ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct options o;
	pthread_t t;

	if (parse_options(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: pam-session -s SERVICE -u USER "
				"[-c CONFDIR] [-r] [-T] [-m] [-C] [-P SIGNAL] "
				"[-E] [-X] [-n CYCLES] [-L] [-t SECONDS] [-- "
				"CMD...]\n");
		return 2;
	}
	if (set_creds(&o) < 0) {
		perror("pam-session: -P/-E");
		return 3;
	}
	if (o.threaded && pthread_create(&t, NULL, sleeper, NULL) != 0)
		return 3;
	while (o.threaded && !__atomic_load_n(&sleeper_tid, __ATOMIC_SEQ_CST))
		usleep(1000);
	if (o.cycles || o.until_live || o.seconds > 0)
		return loop_sessions(&o);
	return one_session(&o);
}
