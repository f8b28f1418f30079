/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel memory of live sessions (loadgen -M SESSIONS[/STEP]): for each
 * column in turn, SESSIONS sessions are opened and held open, taking
 * the column's users in turn, and the kernel's memory is read every
 * STEP sessions and after the first session of each user: Slab,
 * SUnreclaim and Percpu of /proc/meminfo and the mnt_cache slab (struct
 * mount, one per mount of every namespace) of /proc/slabinfo, after
 * folding the kernel's per-CPU counters.  The growth per session is the
 * least-squares slope of those readings against the number of sessions
 * from the users' first sessions on ("later" sessions: with scope=user
 * they join a namespace that lives already); the growth of the first
 * session of each user ("first") is the growth at that point divided by
 * the users.  Every held session checks that it did the job.  The readings are
 * machine-wide: whatever else runs adds its noise.
 *
 * Prints one line per column: NAME users sessions, the growth per first
 * and per later session in kB of Slab and of mnt_cache, per later
 * session of SUnreclaim and Percpu (kB) and in mnt_cache objects;
 * -r RAWFILE gets every reading.
 */
#include "loadgen.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { SLAB, SUNRECLAIM, PERCPU, MNT_KB, MNT_OBJS, NFIELDS };

/* The /proc/meminfo fields we read, in kB. */
static int
read_meminfo(double *m)
{
	static const char *const keys[] = {"Slab:", "SUnreclaim:", "Percpu:"};
	FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	size_t i, found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		for (i = 0; i < 3; i++)
			if (!strncmp(line, keys[i], strlen(keys[i]))) {
				m[SLAB + i] =
					strtod(line + strlen(keys[i]), NULL);
				found++;
			}
	fclose(f);
	return found == 3 ? 0 : -1;
}

/* mnt_cache's active objects and their size from /proc/slabinfo. */
static int
read_mnt_cache(double *m)
{
	FILE *f = fopen("/proc/slabinfo", "re");
	unsigned long active, total, size;
	char line[512];
	int rc = -1;

	if (!f)
		return -1;
	while (rc < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "mnt_cache %lu %lu %lu", &active, &total,
			   &size) == 3) {
			m[MNT_OBJS] = (double)active;
			m[MNT_KB] = (double)active * (double)size / 1024;
			rc = 0;
		}
	fclose(f);
	return rc;
}

/*
 * The kernel keeps its memory counters per CPU and folds them in about
 * once a second; stat_refresh folds them now, so a reading is exact.
 */
static void
refresh_counters(void)
{
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, "1", 1) < 0)
		perror("loadgen: /proc/sys/vm/stat_refresh");
	close(fd);
}

static int
reading(double *m)
{
	refresh_counters();
	if (read_meminfo(m) < 0 || read_mnt_cache(m) < 0) {
		fprintf(stderr, "loadgen: cannot read /proc/meminfo or "
				"/proc/slabinfo\n");
		return -1;
	}
	return 0;
}

/* The least-squares slope of @y against @x. */
static double
slope(const double *x, const double *y, size_t n)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, d;
	size_t i;

	for (i = 0; i < n; i++) {
		sx += x[i];
		sy += y[i];
		sxx += x[i] * x[i];
		sxy += x[i] * y[i];
	}
	d = (double)n * sxx - sx * sx;
	return d > 0 ? ((double)n * sxy - sx * sy) / d : 0;
}

/* Holds @run->sessions sessions of @c, reading memory every step. */
static int
hold_many(struct run *run, struct column *c, double *x, double (*y)[NFIELDS],
	  size_t *npoints)
{
	double base[NFIELDS], m[NFIELDS];
	long k;
	int f;

	/* The last column's namespaces are freed after an RCU grace period. */
	sleep(1);
	if (reading(base) < 0)
		return -1;
	*npoints = 0;
	x[0] = 0;
	memset(y[0], 0, sizeof(y[0]));
	for (k = 1, *npoints = 1; k <= run->sessions; k++) {
		if (hold_session(run, c, (size_t)(k - 1) % c->nusers,
				 &run->mem) < 0)
			return -1;
		if (k % run->step && k != run->sessions && k != (long)c->nusers)
			continue;
		if (reading(m) < 0)
			return -1;
		x[*npoints] = (double)k;
		for (f = 0; f < NFIELDS; f++)
			y[*npoints][f] = m[f] - base[f];
		(*npoints)++;
	}
	release_held(&run->mem);
	return 0;
}

/* The slope of field @f from the users' first sessions on, and *first. */
static double
growth(const struct column *c, const double *x, double (*y)[NFIELDS], size_t n,
       int f, double *first)
{
	double xs[n], ys[n];
	size_t i, k = 0;

	*first = 0;
	for (i = 0; i < n; i++) {
		if (x[i] == (double)c->nusers)
			*first = y[i][f] / (double)c->nusers;
		if (x[i] < (double)c->nusers)
			continue;
		xs[k] = x[i];
		ys[k++] = y[i][f];
	}
	return slope(xs, ys, k);
}

static void
print_column(const struct column *c, long sessions, const double *x,
	     double (*y)[NFIELDS], size_t n, FILE *raw)
{
	double later[NFIELDS], first[NFIELDS];
	size_t i;
	int f;

	for (f = 0; f < NFIELDS; f++)
		later[f] = growth(c, x, y, n, f, &first[f]);
	printf("%-22s %5zu %8ld %10.1f %10.1f %10.1f %10.1f %10.1f %10.2f "
	       "%10.1f\n",
	       c->name, c->nusers, sessions, first[SLAB], later[SLAB],
	       first[MNT_KB], later[MNT_KB], later[SUNRECLAIM], later[PERCPU],
	       later[MNT_OBJS]);
	for (i = 0; raw && i < n; i++) {
		fprintf(raw, "%s %.0f", c->name, x[i]);
		for (f = 0; f < NFIELDS; f++)
			fprintf(raw, " %.0f", y[i][f]);
		fprintf(raw, "\n");
	}
}

int
memory(struct run *run)
{
	size_t i, n, max = (size_t)(run->sessions / run->step) + 3;
	double *x = calloc(max, sizeof(*x));
	double(*y)[NFIELDS] = calloc(max, sizeof(*y));
	FILE *raw = run->rawfile ? fopen(run->rawfile, "w") : NULL;
	int rc = -1;

	if (!x || !y || (run->rawfile && !raw))
		goto out;
	printf("%-22s %5s %8s %10s %10s %10s %10s %10s %10s %10s\n", "# column",
	       "users", "sessions", "slab_1st", "slab_kB", "mnt_1st", "mnt_kB",
	       "sunrecl_kB", "percpu_kB", "mnt_objs");
	if (raw)
		fprintf(raw, "# column sessions slab_kB sunreclaim_kB "
			     "percpu_kB mnt_cache_kB mnt_objs\n");
	for (i = 0; i < run->ncols; i++) {
		if (hold_many(run, &run->cols[i], x, y, &n) < 0)
			goto out;
		print_column(&run->cols[i], run->sessions, x, y, n, raw);
	}
	rc = 0;
out:
	if (raw && fclose(raw) != 0)
		rc = -1;
	free(x);
	free(y);
	return rc;
}
