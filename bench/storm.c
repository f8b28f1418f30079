/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Login storms (loadgen -S LOGINS): bursts of LOGINS logins that start
 * together, the logins of a burst spread over the column's users in
 * turn.  The children of a burst are forked first and wait on a pipe;
 * closing it releases them all at once.  A login's latency runs from
 * the release to the return of its pam_open_session (when its shell
 * would start), which includes the wait for the kernel's namespace lock
 * behind the logins before it; a burst lasts from the release until its
 * last child is reaped, so throughput includes the logouts and their
 * namespace teardown.  Every login checks that it did the job.  The
 * rounds run one burst of every column, in a shuffled order.
 *
 * Prints one line per column: NAME logins seconds logins/s p50_ms p99_ms
 * max_ms and the ratios to the floor column's logins/s, p50 and p99.
 */
#include "loadgen.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

struct storm_col {
	double *ms;	/* latency of every kept login */
	double seconds; /* sum of the kept bursts' durations */
};

/* One login of a burst: wait for the release, log in, log out. */
static void
storm_child(const struct run *run, const struct column *c, size_t i, int go,
	    double *opened)
{
	size_t user = i % c->nusers;
	enum child_status s;
	void *h = NULL;
	char b;

	if (run->name_children)
		prctl(PR_SET_NAME, c->name, 0, 0, 0);
	while (read(go, &b, 1) < 0 && errno == EINTR)
		;
	s = pam_login_open(run, c, user, &h);
	if (s != CHILD_OK)
		exit(s);
	opened[i] = now_us();
	if (!tmp_is_private(c, user))
		s = CHILD_CHECK;
	exit(pam_login_close(h, s));
}

/* Reaps the children of a burst; 0 when every login did its job. */
static int
reap(const struct column *c, const pid_t *pids, size_t n)
{
	size_t i;
	int st, rc = 0;

	for (i = 0; i < n; i++) {
		while (waitpid(pids[i], &st, 0) < 0)
			if (errno != EINTR) {
				st = -1;
				break;
			}
		if (st == 0)
			continue;
		if (rc == 0)
			fprintf(stderr,
				"loadgen: column %s, login %zu of a storm "
				"(user %s): %s\n",
				c->name, i, c->users[i % c->nusers],
				st < 0 ? "lost" : status_text(st));
		rc = -1;
	}
	return rc;
}

/* One burst of @c; the latencies (ms) to @ms, its duration to *seconds. */
static int
burst(const struct run *run, const struct column *c, double *opened,
      pid_t *pids, double *ms, double *seconds)
{
	size_t i, n = (size_t)run->storm;
	int go[2], rc = 0;
	double t0;

	if (pipe2(go, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close_held_fds(run);
			close(go[1]);
			storm_child(run, c, i, go[0], opened);
		}
		if (pids[i] < 0) {
			perror("loadgen: fork");
			n = i;
			rc = -1;
			break;
		}
	}
	close(go[0]);
	t0 = now_us();
	close(go[1]);
	if (reap(c, pids, n) < 0 || rc < 0)
		return -1;
	*seconds = (now_us() - t0) / 1e6;
	for (i = 0; i < n; i++)
		ms[i] = (opened[i] - t0) / 1e3;
	return 0;
}

static void
storm_report(const struct run *run, struct storm_col *sc)
{
	size_t i, n = (size_t)(run->rounds * run->storm);
	double rate, p50, p99, frate = 0, fp50 = 0, fp99 = 0;
	const struct column *floor = column_named(run, "floor");

	if (floor) {
		i = (size_t)(floor - run->cols);
		frate = (double)n / sc[i].seconds;
		fp50 = quantile(sc[i].ms, n, 0.5);
		fp99 = quantile(sc[i].ms, n, 0.99);
	}
	printf("%-22s %7s %8s %9s %9s %9s %9s %6s %6s %6s\n", "# column",
	       "logins", "seconds", "logins/s", "p50_ms", "p99_ms", "max_ms",
	       "tput_x", "p50_x", "p99_x");
	for (i = 0; i < run->ncols; i++) {
		rate = (double)n / sc[i].seconds;
		p50 = quantile(sc[i].ms, n, 0.5);
		p99 = quantile(sc[i].ms, n, 0.99);
		printf("%-22s %7zu %8.2f %9.1f %9.2f %9.2f %9.2f %6.2f %6.2f "
		       "%6.2f\n",
		       run->cols[i].name, n, sc[i].seconds, rate, p50, p99,
		       sc[i].ms[n - 1], frate > 0 ? rate / frate : 0,
		       fp50 > 0 ? p50 / fp50 : 0, fp99 > 0 ? p99 / fp99 : 0);
	}
}

static int
storm_rounds(struct run *run, struct storm_col *sc, double *opened, pid_t *pids)
{
	unsigned long long state = 0x9E3779B97F4A7C15ULL;
	long r, total = run->warmup + run->rounds;
	double seconds;
	size_t i, k;

	for (r = 0; r < total; r++) {
		shuffle(run->order, run->ncols, &state);
		for (i = 0; i < run->ncols; i++) {
			k = run->order[i];
			if (burst(run, &run->cols[k], opened, pids,
				  sc[k].ms + (r < run->warmup
						      ? 0
						      : (r - run->warmup) *
								run->storm),
				  &seconds) < 0)
				return -1;
			if (r >= run->warmup)
				sc[k].seconds += seconds;
		}
	}
	return 0;
}

int
storm(struct run *run)
{
	size_t i, n = (size_t)run->storm, kept = (size_t)run->rounds * n;
	struct storm_col *sc = calloc(run->ncols, sizeof(*sc));
	pid_t *pids = calloc(n, sizeof(*pids));
	double *opened;
	int rc = -1;

	run->storm_cols = sc;
	run->storm_pids = pids;

	opened = mmap(NULL, n * sizeof(*opened), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (opened == MAP_FAILED)
		opened = NULL;
	for (i = 0; sc && i < run->ncols; i++)
		if (!(sc[i].ms = calloc(kept + n, sizeof(double))))
			goto out;
	if (sc && pids && opened && storm_rounds(run, sc, opened, pids) == 0) {
		storm_report(run, sc);
		rc = 0;
	}
out:
	for (i = 0; sc && i < run->ncols; i++)
		free(sc[i].ms);
	free(sc);
	free(pids);
	run->storm_cols = NULL;
	run->storm_pids = NULL;
	if (opened)
		munmap(opened, n * sizeof(*opened));
	return rc;
}
