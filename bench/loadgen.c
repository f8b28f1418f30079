/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * loadgen: the load generator of `make bench`.
 *
 *   loadgen -c CONFDIR [-n ROUNDS] [-w WARMUP] [-b BLOCKS] [-r RAWFILE]
 *           [-l] [-N] [-T | -S LOGINS | -M SESSIONS[/STEP]]
 *           NAME=SERVICE:USER[,USER...][:tmp][:hold|:linger] ...
 *
 * One sample is one login as the application sees it: fork a child that
 * runs pam_start_confdir, pam_open_session, pam_close_session, pam_end
 * and exits; the parent times fork..waitpid on CLOCK_MONOTONIC.  The
 * columns are interleaved: each round runs every column once, in an
 * order shuffled anew each round, so that drift of the machine falls on
 * all columns alike and no column always follows the same neighbour (a
 * session that forks ten processes leaves colder caches to whichever
 * session comes next).  A login one at a time takes the column's first
 * user.
 *
 * With -l the child first looks the user up (getpwnam), as login, su and
 * sshd have done before they open a session; by default it does not, and
 * the first user lookup in the child is the module's.  With -N each
 * child is named after its column (PR_SET_NAME), so that a profiler
 * watching one interleaved run can tell the columns apart.
 *
 * Flags of a column: "tmp" checks that /tmp and /var/tmp are a private
 * nosuid,nodev tmpfs owned by the user with mode 0700 (every module gets
 * the same work): in the warm-up rounds, in every login of a storm and
 * in every held session; "hold" keeps one session of each of the
 * column's users open while it is measured, for modules whose later
 * sessions join a namespace the first one made; "linger" opens one,
 * leaves a process of the user's in it (a detached tmux) and closes it,
 * for the logins that come back to that process's namespace.
 *
 * Prints one line per column: NAME median p90 mean min spread faults n
 * R Rmin Rmax, times in microseconds; spread is the range of the medians
 * of BLOCKS consecutive groups of rounds, in percent of the median;
 * faults is the median count of minor page faults of a session child;
 * R = (median - permit's) / (floor's - permit's), from the columns named
 * permit and floor (0 without them), and Rmin, Rmax its range over the
 * blocks.
 *
 * -S LOGINS runs login storms instead (storm.c), -M SESSIONS measures
 * the kernel memory of sessions held open (memory.c), -T counts the
 * system calls of one login per column (syscount.c).
 */
#include "loadgen.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TMPFS_MAGIC_NUMBER 0x01021994

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
     void *data)
{
	(void)msg;
	(void)data;
	*resp = calloc((size_t)n, sizeof(**resp));
	return *resp ? PAM_SUCCESS : PAM_BUF_ERR;
}

static bool
private_tmp(const char *path, const struct column *c, uid_t uid)
{
	struct statvfs vfs;
	struct statfs fs;
	struct stat st;

	if (stat(path, &st) < 0 || statfs(path, &fs) < 0 ||
	    statvfs(path, &vfs) < 0)
		return false;
	return fs.f_type == TMPFS_MAGIC_NUMBER && st.st_uid == uid &&
	       (st.st_mode & 07777) == 0700 && (vfs.f_flag & ST_NOSUID) &&
	       (vfs.f_flag & ST_NODEV) &&
	       (strcmp(path, "/tmp") || st.st_dev != c->host_tmp_dev);
}

/* Whether this process sees the private /tmp and /var/tmp of @user. */
bool
tmp_is_private(const struct column *c, size_t user)
{
	return !c->check_tmp || (private_tmp("/tmp", c, c->uids[user]) &&
				 private_tmp("/var/tmp", c, c->uids[user]));
}

/* Opens a session of @c's user @user; on success *h is the live handle. */
enum child_status
pam_login_open(const struct run *run, const struct column *c, size_t user,
	       void **h)
{
	struct pam_conv pc = {conv, NULL};
	pam_handle_t *ph = NULL;

	if (pam_start_confdir(c->service, c->users[user], &pc, run->confdir,
			      &ph) != PAM_SUCCESS)
		return CHILD_START;
	if (pam_open_session(ph, 0) != PAM_SUCCESS) {
		pam_end(ph, PAM_SESSION_ERR);
		return CHILD_OPEN;
	}
	*h = ph;
	return CHILD_OK;
}

/* Closes and ends the session @h; @s is the status so far. */
enum child_status
pam_login_close(void *h, enum child_status s)
{
	if (pam_close_session(h, 0) != PAM_SUCCESS && s == CHILD_OK)
		s = CHILD_CLOSE;
	pam_end(h, PAM_SUCCESS);
	return s;
}

/* A child must not keep a held session's pipe open: it would never end. */
void
close_held_fds(const struct run *run)
{
	size_t i;

	for (i = 0; i < run->ncols; i++)
		if (run->cols[i].held.release >= 0)
			close(run->cols[i].held.release);
	if (run->mem.release >= 0)
		close(run->mem.release);
}

/* The child of one sample: the whole login, then exit. */
void
session_child(const struct run *run, const struct column *c, bool check)
{
	enum child_status s;
	void *h = NULL;

	close_held_fds(run);
	if (run->name_children)
		prctl(PR_SET_NAME, c->name, 0, 0, 0);
	if (run->lookup && !getpwnam(c->users[0]))
		exit(CHILD_START);
	s = pam_login_open(run, c, 0, &h);
	if (s != CHILD_OK)
		exit(s);
	if (check && !tmp_is_private(c, 0))
		s = CHILD_CHECK;
	exit(pam_login_close(h, s));
}

double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

const char *
status_text(int st)
{
	static char buf[64];

	if (WIFSIGNALED(st)) {
		snprintf(buf, sizeof(buf), "killed by signal %d", WTERMSIG(st));
		return buf;
	}
	switch (WEXITSTATUS(st)) {
	case CHILD_START:
		return "pam_start_confdir failed";
	case CHILD_OPEN:
		return "pam_open_session failed";
	case CHILD_CLOSE:
		return "pam_close_session failed";
	case CHILD_CHECK:
		return "/tmp or /var/tmp is not the user's private 0700 tmpfs";
	}
	snprintf(buf, sizeof(buf), "exit status %d", WEXITSTATUS(st));
	return buf;
}

/*
 * One login of @c; returns its wall time in microseconds, or -1, and
 * the child's minor page faults in *faults.
 */
double
login_sample(const struct run *run, const struct column *c, bool check,
	     double *faults)
{
	struct rusage ru;
	double t0, t1;
	pid_t pid;
	int st;

	fflush(NULL);
	t0 = now_us();
	pid = fork();
	if (pid < 0) {
		perror("loadgen: fork");
		return -1;
	}
	if (pid == 0)
		session_child(run, c, check);
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR)
			return -1;
	t1 = now_us();
	*faults = (double)ru.ru_minflt;
	if (WIFEXITED(st) && WEXITSTATUS(st) == CHILD_OK)
		return t1 - t0;
	fprintf(stderr, "loadgen: column %s (service %s, user %s): %s\n",
		c->name, c->service, c->users[0], status_text(st));
	return -1;
}

/* Until the parent closes the release pipe (or dies). */
static void
wait_release(int wait_fd)
{
	char b;

	while (read(wait_fd, &b, 1) < 0 && errno == EINTR)
		;
}

/*
 * "linger": a process of the user's, forked inside the session, that
 * stays in its namespace after the session has closed, until @wait_fd
 * reaches EOF.
 */
static int
leave_process(const struct column *c, size_t user, int wait_fd)
{
	struct passwd *pw = getpwuid(c->uids[user]);
	pid_t pid;

	if (!pw)
		return -1;
	pid = fork();
	if (pid != 0)
		return pid < 0 ? -1 : 0;
	/* As a shell's exec would: none of the session's descriptors. */
	if (wait_fd > 3)
		close_range(3, (unsigned)wait_fd - 1, 0);
	close_range((unsigned)wait_fd + 1, ~0U, 0);
	if (setgroups(0, NULL) < 0 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0)
		_exit(1);
	wait_release(wait_fd);
	_exit(0);
}

/*
 * A session that stays open until its release pipe reaches EOF (the
 * parent closed it, or died): the child writes one byte once its
 * session is open and checked.  For "linger" the session closes at once
 * and the process it left stays instead.
 */
static void
holder_child(const struct run *run, const struct column *c, size_t user,
	     int ready, int wait_fd)
{
	enum child_status s;
	void *h = NULL;
	char b = 0;

	s = pam_login_open(run, c, user, &h);
	if (s != CHILD_OK)
		exit(s);
	if (!tmp_is_private(c, user))
		exit(pam_login_close(h, CHILD_CHECK));
	if (c->linger) {
		s = leave_process(c, user, wait_fd) < 0 ? CHILD_OPEN : CHILD_OK;
		s = pam_login_close(h, s);
		if (s != CHILD_OK)
			exit(s);
	}
	if (write(ready, &b, 1) != 1)
		exit(CHILD_OPEN);
	if (c->linger)
		exit(CHILD_OK);
	close(ready);
	wait_release(wait_fd);
	exit(pam_login_close(h, CHILD_OK));
}

static int
held_add(struct held *held, pid_t pid)
{
	pid_t *p;

	if (held->n == held->cap) {
		p = realloc(held->pids, (held->cap * 2 + 8) * sizeof(*p));
		if (!p)
			return -1;
		held->pids = p;
		held->cap = held->cap * 2 + 8;
	}
	held->pids[held->n++] = pid;
	return 0;
}

/* Opens a session of @c's user @user that stays open in @held. */
int
hold_session(const struct run *run, const struct column *c, size_t user,
	     struct held *held)
{
	int ready[2], hold[2], st;
	pid_t pid;
	char b;

	if (held->release < 0) {
		if (pipe2(hold, O_CLOEXEC) < 0)
			return -1;
		held->wait = hold[0];
		held->release = hold[1];
	}
	if (pipe2(ready, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close_held_fds(run);
		close(ready[0]);
		holder_child(run, c, user, ready[1], held->wait);
	}
	close(ready[1]);
	if (pid < 0 || held_add(held, pid) < 0 || read(ready[0], &b, 1) != 1) {
		st = 0;
		if (pid > 0)
			waitpid(pid, &st, 0);
		fprintf(stderr,
			"loadgen: column %s, user %s: the held session did "
			"not open: %s\n",
			c->name, c->users[user], status_text(st));
		close(ready[0]);
		return -1;
	}
	close(ready[0]);
	/* "linger": the session is closed and its child ends at once; its
	 * process left (not ours) ends when the pipe does. */
	if (c->linger && waitpid(held->pids[--held->n], &st, 0) > 0 &&
	    !(WIFEXITED(st) && WEXITSTATUS(st) == CHILD_OK)) {
		fprintf(stderr,
			"loadgen: column %s, user %s: the session left "
			"behind did not close: %s\n",
			c->name, c->users[user], status_text(st));
		return -1;
	}
	return 0;
}

/* Ends every session of @held (pipe EOF) and reaps them. */
void
release_held(struct held *held)
{
	size_t i;
	int st;

	if (held->release >= 0) {
		close(held->release);
		close(held->wait);
	}
	for (i = 0; i < held->n; i++)
		waitpid(held->pids[i], &st, 0);
	held->n = 0;
	held->release = held->wait = -1;
}

/* The users of a column: "NAME,NAME..." with their uids. */
static int
parse_users(char *list, struct column *c)
{
	char *save = NULL, *u;
	struct passwd *pw;

	for (u = list; *u; u++)
		c->nusers += *u == ',';
	c->nusers++;
	c->users = calloc(c->nusers, sizeof(*c->users));
	c->uids = calloc(c->nusers, sizeof(*c->uids));
	if (!c->users || !c->uids)
		return -1;
	c->nusers = 0;
	for (u = strtok_r(list, ",", &save); u;
	     u = strtok_r(NULL, ",", &save)) {
		pw = getpwnam(u);
		if (!pw)
			return -1;
		c->users[c->nusers] = u;
		c->uids[c->nusers++] = pw->pw_uid;
	}
	return c->nusers ? 0 : -1;
}

static int
parse_column(const char *spec, struct column *c)
{
	char *s = strdup(spec), *eq, *tok, *users, *save = NULL;
	struct stat st;

	eq = s ? strchr(s, '=') : NULL;
	if (!eq) {
		free(s);
		return -1;
	}
	*eq = '\0';
	c->name = s;
	c->service = strtok_r(eq + 1, ":", &save);
	users = strtok_r(NULL, ":", &save);
	while ((tok = strtok_r(NULL, ":", &save))) {
		if (!strcmp(tok, "tmp"))
			c->check_tmp = true;
		else if (!strcmp(tok, "hold"))
			c->hold = true;
		else if (!strcmp(tok, "linger"))
			c->linger = true;
		else
			return -1;
	}
	if (!*c->name || !c->service || !users || parse_users(users, c) < 0 ||
	    stat("/tmp", &st) < 0)
		return -1;
	c->host_tmp_dev = st.st_dev;
	return 0;
}

struct column *
column_named(const struct run *run, const char *name)
{
	size_t i;

	for (i = 0; i < run->ncols; i++)
		if (!strcmp(run->cols[i].name, name))
			return &run->cols[i];
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts @v in place; returns the @q quantile (nearest rank). */
double
quantile(double *v, size_t n, double q)
{
	size_t k;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	if (q == 0.5 && n % 2 == 0)
		return (v[n / 2 - 1] + v[n / 2]) / 2;
	k = (size_t)(q * (double)n + 0.999999);
	return v[k ? k - 1 : 0];
}

/* The median of @c's rounds of block @b of @blocks (0 without @c). */
static double
block_median(const struct column *c, size_t n, size_t b, size_t blocks,
	     double *tmp)
{
	size_t from = b * n / blocks, len = (b + 1) * n / blocks - from;

	if (!c)
		return 0;
	memcpy(tmp, c->us + from, len * sizeof(*tmp));
	return quantile(tmp, len, 0.5);
}

static double
r_of(double x, double permit, double floor)
{
	return floor - permit > 0 ? (x - permit) / (floor - permit) : 0;
}

/* What the blocks of consecutive rounds say about @c's noise. */
struct blocks {
	double lo, hi;	 /* range of the block medians */
	double rlo, rhi; /* range of R of the blocks */
};

static void
block_ranges(const struct run *run, const struct column *c, struct blocks *r)
{
	const struct column *permit = column_named(run, "permit"),
			    *floor = column_named(run, "floor");
	size_t b, n = (size_t)run->rounds, nb = (size_t)run->blocks;
	double *tmp = malloc(n * sizeof(*tmp)), m, x;

	memset(r, 0, sizeof(*r));
	if (nb > n)
		nb = n;
	for (b = 0; tmp && b < nb; b++) {
		m = block_median(c, n, b, nb, tmp);
		x = r_of(m, block_median(permit, n, b, nb, tmp),
			 block_median(floor, n, b, nb, tmp));
		r->lo = b == 0 || m < r->lo ? m : r->lo;
		r->hi = b == 0 || m > r->hi ? m : r->hi;
		r->rlo = b == 0 || x < r->rlo ? x : r->rlo;
		r->rhi = b == 0 || x > r->rhi ? x : r->rhi;
	}
	free(tmp);
}

static double
median_of(const struct column *c, size_t n, double *tmp)
{
	if (!c)
		return 0;
	memcpy(tmp, c->us, n * sizeof(*tmp));
	return quantile(tmp, n, 0.5);
}

static void
report(const struct run *run)
{
	size_t i, k, n = (size_t)run->rounds;
	double *v = malloc(n * sizeof(*v)), med, sum, permit, floor;
	const struct column *c;
	struct blocks bl;

	if (!v)
		return;
	permit = median_of(column_named(run, "permit"), n, v);
	floor = median_of(column_named(run, "floor"), n, v);
	printf("%-22s %10s %10s %10s %10s %8s %7s %6s %6s %6s %6s\n",
	       "# column", "median_us", "p90_us", "mean_us", "min_us",
	       "spread%", "faults", "n", "R", "Rmin", "Rmax");
	for (i = 0; i < run->ncols; i++) {
		c = &run->cols[i];
		memcpy(v, c->us, n * sizeof(*v));
		for (sum = 0, k = 0; k < n; k++)
			sum += v[k];
		med = quantile(v, n, 0.5);
		block_ranges(run, c, &bl);
		printf("%-22s %10.1f %10.1f %10.1f %10.1f %8.1f", c->name, med,
		       quantile(v, n, 0.9), sum / (double)n, v[0],
		       med > 0 ? 100 * (bl.hi - bl.lo) / med : 0);
		memcpy(v, c->faults, n * sizeof(*v));
		printf(" %7.0f %6zu %6.2f %6.2f %6.2f\n", quantile(v, n, 0.5),
		       n, r_of(med, permit, floor), bl.rlo, bl.rhi);
	}
	free(v);
}

static int
write_raw(const struct run *run)
{
	FILE *f;
	long r;
	size_t i;

	if (!run->rawfile)
		return 0;
	f = fopen(run->rawfile, "w");
	if (!f)
		return -1;
	fprintf(f, "# round column us\n");
	for (r = 0; r < run->rounds; r++)
		for (i = 0; i < run->ncols; i++)
			fprintf(f, "%ld %s %.1f\n", r, run->cols[i].name,
				run->cols[i].us[r]);
	return fclose(f);
}

/* xorshift64*: a fixed seed, so that a run's orders can be repeated. */
static uint64_t
next_random(unsigned long long *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545F4914F6CDD1DULL;
}

/* A new random order of the columns (Fisher-Yates). */
void
shuffle(size_t *order, size_t n, unsigned long long *state)
{
	size_t i, j, t;

	for (i = n; i > 1; i--) {
		j = (size_t)(next_random(state) % i);
		t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
}

/* Warm-up rounds (checked, not kept), then the measured rounds. */
static int
measure(struct run *run)
{
	long r, total = run->warmup + run->rounds;
	unsigned long long state = 0x9E3779B97F4A7C15ULL;
	struct column *c;
	double us, faults;
	size_t i;

	for (r = 0; r < total; r++) {
		shuffle(run->order, run->ncols, &state);
		for (i = 0; i < run->ncols; i++) {
			c = &run->cols[run->order[i]];
			us = login_sample(run, c, r < run->warmup, &faults);
			if (us < 0)
				return -1;
			if (r < run->warmup)
				continue;
			c->us[r - run->warmup] = us;
			c->faults[r - run->warmup] = faults;
		}
	}
	report(run);
	return write_raw(run) < 0 ? -1 : 0;
}

/* "hold" columns: one open session per user while the column runs;
 * "linger" columns: one process per user, left by a closed session. */
static int
start_holders(struct run *run)
{
	struct column *c;
	size_t i, u;

	for (i = 0; i < run->ncols; i++) {
		c = &run->cols[i];
		for (u = 0; (c->hold || c->linger) && u < c->nusers; u++)
			if (hold_session(run, c, u, &c->held) < 0)
				return -1;
	}
	return 0;
}

static void
stop_holders(struct run *run)
{
	size_t i;

	for (i = 0; i < run->ncols; i++)
		release_held(&run->cols[i].held);
	release_held(&run->mem);
}

static long
number(const char *s, long min)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || (*end && *end != '/') || v < min) {
		fprintf(stderr, "loadgen: '%s' is not a number >= %ld\n", s,
			min);
		exit(2);
	}
	return v;
}

static void
usage(void)
{
	fprintf(stderr, "usage: loadgen -c CONFDIR [-n ROUNDS] [-w WARMUP] "
			"[-b BLOCKS] [-r RAWFILE] [-l] [-N]\n"
			"               [-T | -S LOGINS | -M SESSIONS[/STEP]]\n"
			"               "
			"NAME=SERVICE:USER[,USER...][:tmp][:hold|:linger] "
			"...\n");
	exit(2);
}

static void
parse_cmdline(int argc, char **argv, struct run *run)
{
	int o;

	while ((o = getopt(argc, argv, "c:n:w:b:r:lNTS:M:")) != -1) {
		switch (o) {
		case 'c':
			run->confdir = optarg;
			break;
		case 'n':
			run->rounds = number(optarg, 1);
			break;
		case 'w':
			run->warmup = number(optarg, 0);
			break;
		case 'b':
			run->blocks = number(optarg, 1);
			break;
		case 'r':
			run->rawfile = optarg;
			break;
		case 'l':
			run->lookup = true;
			break;
		case 'N':
			run->name_children = true;
			break;
		case 'T':
			run->count = true;
			break;
		case 'S':
			run->storm = number(optarg, 1);
			break;
		case 'M':
			run->sessions = number(optarg, 1);
			run->step = strchr(optarg, '/')
					    ? number(strchr(optarg, '/') + 1, 1)
					    : 1;
			break;
		default:
			usage();
		}
	}
	if (!run->confdir || optind == argc || (run->storm && run->sessions))
		usage();
}

static void
run_free(struct run *run)
{
	struct column *c;
	size_t i;

	for (i = 0; i < run->ncols; i++) {
		c = &run->cols[i];
		free(c->us);
		free(c->faults);
		free(c->users);
		free(c->uids);
		free(c->held.pids);
		/* name points at the strdup'd spec the other fields live in */
		free((char *)c->name);
	}
	free(run->cols);
	free(run->order);
	free(run->mem.pids);
}

static int
setup(int argc, char **argv, struct run *run)
{
	struct column *c;
	size_t i;

	run->ncols = (size_t)(argc - optind);
	run->cols = calloc(run->ncols, sizeof(*run->cols));
	run->order = calloc(run->ncols, sizeof(*run->order));
	if (!run->cols || !run->order)
		return -1;
	for (i = 0; i < run->ncols; i++) {
		c = &run->cols[i];
		c->held.release = c->held.wait = -1;
		run->order[i] = i;
		c->us = calloc((size_t)run->rounds, sizeof(double));
		c->faults = calloc((size_t)run->rounds, sizeof(double));
		if (!c->us || !c->faults ||
		    parse_column(argv[optind + (int)i], c) < 0) {
			fprintf(stderr, "loadgen: bad column '%s'\n",
				argv[optind + (int)i]);
			return -1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct run run = {.rounds = 100, .warmup = 2, .blocks = 5};
	int rc = 2;

	run.mem.release = run.mem.wait = -1;
	parse_cmdline(argc, argv, &run);
	/* A holder that outlives a crash of ours sees EOF and ends. */
	signal(SIGPIPE, SIG_IGN);
	if (setup(argc, argv, &run) == 0) {
		rc = 1;
		if (run.sessions)
			rc = memory(&run) < 0;
		else if (start_holders(&run) == 0)
			rc = (run.storm	  ? storm(&run)
			      : run.count ? syscount(&run)
					  : measure(&run)) < 0;
		rc = fflush(stdout) != 0 || rc;
	}
	stop_holders(&run);
	run_free(&run);
	return rc;
}
