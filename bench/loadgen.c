/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * loadgen: the load generator of `make bench`.
 *
 *   loadgen -c CONFDIR [-n ROUNDS] [-w WARMUP] [-b BLOCKS] [-r RAWFILE]
 *           [-l] [-N]
 *           NAME=SERVICE:USER[:tmp][:hold] ...
 *
 * One sample is one login as the application sees it: fork a child that
 * runs pam_start_confdir, pam_open_session, pam_close_session, pam_end
 * and exits; the parent times fork..waitpid on CLOCK_MONOTONIC.  The
 * columns are interleaved: each round runs every column once, in an
 * order shuffled anew each round, so that drift of the machine falls on
 * all columns alike and no column always follows the same neighbour (a
 * session that forks ten processes leaves colder caches to whichever
 * session comes next).
 *
 * With -l the child first looks the user up (getpwnam), as login, su and
 * sshd have done before they open a session; by default it does not, and
 * the first user lookup in the child is the module's.  With -N each
 * child is named after its column (PR_SET_NAME), so that a profiler
 * watching one interleaved run can tell the columns apart.
 *
 * Flags of a column: "tmp" checks, in the warm-up sessions, that /tmp and
 * /var/tmp are a private nosuid,nodev tmpfs owned by USER with mode 0700
 * (every module gets the same work); "hold" keeps one session of the
 * column open while it is measured, for modules whose later sessions
 * join a namespace the first one made.
 *
 * Prints one line per column: NAME median p90 mean min spread faults n,
 * times in microseconds; spread is the range of the medians of BLOCKS
 * consecutive groups of rounds, in percent of the median; faults is the
 * median count of minor page faults of a session child.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <signal.h>
#include <stdbool.h>
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

/* Exit codes of a session child: which step failed. */
enum child_status {
	CHILD_OK = 0,
	CHILD_START = 10,
	CHILD_OPEN = 11,
	CHILD_CLOSE = 12,
	CHILD_CHECK = 13,
};

struct column {
	const char *name, *service, *user;
	bool check_tmp, hold;
	uid_t uid;
	dev_t host_tmp_dev;
	pid_t holder;
	int holder_fd;
	double *us, *faults;
};

struct run {
	const char *confdir, *rawfile;
	long rounds, warmup, blocks;
	bool lookup, name_children;
	struct column *cols;
	size_t ncols;
	size_t *order; /* this round's order of the columns */
};

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
private_tmp(const char *path, const struct column *c)
{
	struct statvfs vfs;
	struct statfs fs;
	struct stat st;

	if (stat(path, &st) < 0 || statfs(path, &fs) < 0 ||
	    statvfs(path, &vfs) < 0)
		return false;
	return fs.f_type == TMPFS_MAGIC_NUMBER && st.st_uid == c->uid &&
	       (st.st_mode & 07777) == 0700 && (vfs.f_flag & ST_NOSUID) &&
	       (vfs.f_flag & ST_NODEV) &&
	       (strcmp(path, "/tmp") || st.st_dev != c->host_tmp_dev);
}

/* Opens a session of @c; on success *h is the live handle. */
static enum child_status
session_open(const struct run *run, const struct column *c, pam_handle_t **h)
{
	struct pam_conv pc = {conv, NULL};

	if (pam_start_confdir(c->service, c->user, &pc, run->confdir, h) !=
	    PAM_SUCCESS)
		return CHILD_START;
	if (pam_open_session(*h, 0) != PAM_SUCCESS) {
		pam_end(*h, PAM_SESSION_ERR);
		return CHILD_OPEN;
	}
	return CHILD_OK;
}

/* A child must not keep a held session's pipe open: it would never end. */
static void
close_holder_fds(const struct run *run)
{
	size_t i;

	for (i = 0; i < run->ncols; i++)
		if (run->cols[i].holder > 0)
			close(run->cols[i].holder_fd);
}

/* The child of one sample: the whole login, then exit. */
static void
session_child(const struct run *run, const struct column *c, bool check)
{
	pam_handle_t *h = NULL;
	enum child_status s;

	close_holder_fds(run);
	if (run->name_children)
		prctl(PR_SET_NAME, c->name, 0, 0, 0);
	if (run->lookup && !getpwnam(c->user))
		exit(CHILD_START);
	s = session_open(run, c, &h);

	if (s != CHILD_OK)
		exit(s);
	if (check && c->check_tmp &&
	    !(private_tmp("/tmp", c) && private_tmp("/var/tmp", c)))
		s = CHILD_CHECK;
	if (pam_close_session(h, 0) != PAM_SUCCESS && s == CHILD_OK)
		s = CHILD_CLOSE;
	pam_end(h, PAM_SUCCESS);
	exit(s);
}

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static const char *
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
static double
sample(const struct run *run, const struct column *c, bool check,
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
		c->name, c->service, c->user, status_text(st));
	return -1;
}

/*
 * A session that stays open until the parent closes the pipe (or dies):
 * the child writes one byte when its session is open.
 */
static void
holder_child(const struct run *run, const struct column *c, int ready,
	     int wait_fd)
{
	pam_handle_t *h = NULL;
	enum child_status s = session_open(run, c, &h);
	char b = 0;

	if (s != CHILD_OK)
		exit(s);
	if (write(ready, &b, 1) != 1)
		exit(CHILD_OPEN);
	close(ready);
	while (read(wait_fd, &b, 1) < 0 && errno == EINTR)
		;
	s = pam_close_session(h, 0) == PAM_SUCCESS ? CHILD_OK : CHILD_CLOSE;
	pam_end(h, PAM_SUCCESS);
	exit(s);
}

static int
holder_start(const struct run *run, struct column *c)
{
	int ready[2], hold[2];
	char b;

	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(hold, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	c->holder = fork();
	if (c->holder == 0) {
		close_holder_fds(run);
		close(ready[0]);
		close(hold[1]);
		holder_child(run, c, ready[1], hold[0]);
	}
	close(ready[1]);
	close(hold[0]);
	c->holder_fd = hold[1];
	if (c->holder < 0 || read(ready[0], &b, 1) != 1) {
		fprintf(stderr,
			"loadgen: column %s: the held session did "
			"not open\n",
			c->name);
		close(ready[0]);
		return -1;
	}
	close(ready[0]);
	return 0;
}

static void
holders_stop(struct run *run)
{
	size_t i;
	int st;

	for (i = 0; i < run->ncols; i++) {
		if (run->cols[i].holder <= 0)
			continue;
		close(run->cols[i].holder_fd);
		waitpid(run->cols[i].holder, &st, 0);
		run->cols[i].holder = 0;
	}
}

static int
parse_column(const char *spec, struct column *c)
{
	char *s = strdup(spec), *eq, *tok, *save = NULL;
	struct passwd *pw;
	struct stat st;

	eq = s ? strchr(s, '=') : NULL;
	if (!eq) {
		free(s);
		return -1;
	}
	*eq = '\0';
	c->name = s;
	c->service = strtok_r(eq + 1, ":", &save);
	c->user = strtok_r(NULL, ":", &save);
	while ((tok = strtok_r(NULL, ":", &save))) {
		if (!strcmp(tok, "tmp"))
			c->check_tmp = true;
		else if (!strcmp(tok, "hold"))
			c->hold = true;
		else
			return -1;
	}
	if (!*c->name || !c->service || !c->user)
		return -1;
	pw = getpwnam(c->user);
	if (!pw || stat("/tmp", &st) < 0)
		return -1;
	c->uid = pw->pw_uid;
	c->host_tmp_dev = st.st_dev;
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts @v in place; returns the @q quantile (nearest rank). */
static double
quantile(double *v, size_t n, double q)
{
	size_t k;

	qsort(v, n, sizeof(*v), cmp_double);
	if (q == 0.5 && n % 2 == 0)
		return (v[n / 2 - 1] + v[n / 2]) / 2;
	k = (size_t)(q * (double)n + 0.999999);
	return v[k ? k - 1 : 0];
}

/* Range of the medians of @blocks consecutive groups, in % of @median. */
static double
spread(const double *us, size_t n, size_t blocks, double median)
{
	double lo = 0, hi = 0, m, *tmp = malloc(n * sizeof(*tmp));
	size_t b, from, len;

	if (!tmp || blocks < 2 || n < blocks) {
		free(tmp);
		return 0;
	}
	for (b = 0; b < blocks; b++) {
		from = b * n / blocks;
		len = (b + 1) * n / blocks - from;
		memcpy(tmp, us + from, len * sizeof(*tmp));
		m = quantile(tmp, len, 0.5);
		lo = b == 0 || m < lo ? m : lo;
		hi = b == 0 || m > hi ? m : hi;
	}
	free(tmp);
	return median > 0 ? 100 * (hi - lo) / median : 0;
}

static void
report(const struct run *run)
{
	size_t i, n = (size_t)run->rounds;
	double *v = malloc(n * sizeof(*v)), med, sum;
	const struct column *c;
	size_t k;

	if (!v)
		return;
	printf("%-22s %10s %10s %10s %10s %8s %7s %6s\n", "# column",
	       "median_us", "p90_us", "mean_us", "min_us", "spread%", "faults",
	       "n");
	for (i = 0; i < run->ncols; i++) {
		c = &run->cols[i];
		memcpy(v, c->us, n * sizeof(*v));
		for (sum = 0, k = 0; k < n; k++)
			sum += v[k];
		med = quantile(v, n, 0.5);
		printf("%-22s %10.1f %10.1f %10.1f %10.1f %8.1f", c->name, med,
		       quantile(v, n, 0.9), sum / (double)n, v[0],
		       spread(c->us, n, (size_t)run->blocks, med));
		memcpy(v, c->faults, n * sizeof(*v));
		printf(" %7.0f %6zu\n", quantile(v, n, 0.5), n);
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
next_random(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545F4914F6CDD1DULL;
}

/* A new random order of the columns (Fisher-Yates). */
static void
shuffle(size_t *order, size_t n, uint64_t *state)
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
	uint64_t state = 0x9E3779B97F4A7C15ULL;
	struct column *c;
	double us, faults;
	size_t i;

	/* In struct run, where a session child's leak check finds it. */
	run->order = calloc(run->ncols, sizeof(*run->order));
	if (!run->order)
		return -1;
	for (i = 0; i < run->ncols; i++)
		run->order[i] = i;
	for (r = 0; r < total; r++) {
		shuffle(run->order, run->ncols, &state);
		for (i = 0; i < run->ncols; i++) {
			c = &run->cols[run->order[i]];
			us = sample(run, c, r < run->warmup, &faults);
			if (us < 0)
				return -1;
			if (r < run->warmup)
				continue;
			c->us[r - run->warmup] = us;
			c->faults[r - run->warmup] = faults;
		}
	}
	return 0;
}

static int
start_holders(struct run *run)
{
	size_t i;

	for (i = 0; i < run->ncols; i++)
		if (run->cols[i].hold && holder_start(run, &run->cols[i]) < 0)
			return -1;
	return 0;
}

static long
number(const char *s, long min)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min) {
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
			"               NAME=SERVICE:USER[:tmp][:hold] ...\n");
	exit(2);
}

static void
parse_cmdline(int argc, char **argv, struct run *run)
{
	int o;

	while ((o = getopt(argc, argv, "c:n:w:b:r:lN")) != -1) {
		switch (o) {
		case 'c':
			run->confdir = optarg;
			break;
		case 'n':
			run->rounds = number(optarg, 1);
			break;
		case 'w':
			run->warmup = number(optarg, 1);
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
		default:
			usage();
		}
	}
	if (!run->confdir || optind == argc)
		usage();
}

static void
run_free(struct run *run)
{
	size_t i;

	for (i = 0; i < run->ncols; i++) {
		free(run->cols[i].us);
		free(run->cols[i].faults);
		/* name points at the strdup'd spec the other fields live in */
		free((char *)run->cols[i].name);
	}
	free(run->cols);
	free(run->order);
}

int
main(int argc, char **argv)
{
	struct run run = {.rounds = 100, .warmup = 2, .blocks = 5};
	size_t i;
	int rc = 1;

	parse_cmdline(argc, argv, &run);
	run.ncols = (size_t)(argc - optind);
	run.cols = calloc(run.ncols, sizeof(*run.cols));
	if (!run.cols)
		return 1;
	for (i = 0; i < run.ncols; i++) {
		run.cols[i].us = calloc((size_t)run.rounds, sizeof(double));
		run.cols[i].faults = calloc((size_t)run.rounds, sizeof(double));
		if (!run.cols[i].us || !run.cols[i].faults ||
		    parse_column(argv[optind + (int)i], &run.cols[i]) < 0) {
			fprintf(stderr, "loadgen: bad column '%s'\n",
				argv[optind + (int)i]);
			run.ncols = i + 1;
			run_free(&run);
			return 2;
		}
	}
	/* A holder that outlives a crash of ours sees EOF and ends. */
	signal(SIGPIPE, SIG_IGN);
	if (start_holders(&run) == 0 && measure(&run) == 0) {
		report(&run);
		rc = write_raw(&run) < 0 || fflush(stdout) != 0;
	}
	holders_stop(&run);
	run_free(&run);
	return rc;
}
