/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The load generator's parts (loadgen.c: columns, sessions and the
 * one-at-a-time rounds; storm.c: concurrent logins; memory.c: kernel
 * memory of live sessions; syscount.c: system calls per login) share
 * these.
 */
#ifndef MNTNS_BENCH_LOADGEN_H
#define MNTNS_BENCH_LOADGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Exit codes of a session child: which step failed. */
enum child_status {
	CHILD_OK = 0,
	CHILD_START = 10,
	CHILD_OPEN = 11,
	CHILD_CLOSE = 12,
	CHILD_CHECK = 13,
};

/* Sessions held open together and released together (pipe EOF). */
struct held {
	pid_t *pids;
	size_t n, cap;
	int release, wait; /* the pipe's ends; -1 when none is held */
};

struct column {
	const char *name, *service;
	const char **users; /* a login of the column takes one in turn */
	uid_t *uids;
	size_t nusers;
	bool check_tmp, hold, linger;
	dev_t host_tmp_dev;
	struct held held; /* "hold": one open session per user; "linger":
			     the process one closed session left */
	double *us, *faults;
};

struct run {
	const char *confdir, *rawfile;
	long rounds, warmup, blocks;
	long storm;	     /* -S: logins per burst, 0 for one at a time */
	long sessions, step; /* -M: sessions held, sampled every step */
	bool lookup, name_children, count;
	struct column *cols;
	size_t ncols;
	size_t *order;	 /* this round's order of the columns */
	struct held mem; /* the sessions memory.c holds */
	/* storm.c's buffers, here where a session child's leak check
	 * (a SANITIZE=1 build) finds them still in use */
	struct storm_col *storm_cols;
	pid_t *storm_pids;
};

double now_us(void);
double quantile(double *v, size_t n, double q);
const char *status_text(int st);
void shuffle(size_t *order, size_t n, unsigned long long *state);
struct column *column_named(const struct run *run, const char *name);

void close_held_fds(const struct run *run);
void session_child(const struct run *run, const struct column *c, bool check);
double login_sample(const struct run *run, const struct column *c, bool check,
		    double *faults);
bool tmp_is_private(const struct column *c, size_t user);
enum child_status pam_login_open(const struct run *run, const struct column *c,
				 size_t user, void **h);
enum child_status pam_login_close(void *h, enum child_status s);
int hold_session(const struct run *run, const struct column *c, size_t user,
		 struct held *held);
void release_held(struct held *held);

int storm(struct run *run);
int memory(struct run *run);
int syscount(struct run *run);

#endif
