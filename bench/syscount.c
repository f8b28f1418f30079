/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * loadgen -T: the system calls of one login per column, counted.
 *
 * Times drift with the machine (a system call cost 3-10 us on one day
 * and under 1 us on another); a count does not.  After the warm-up
 * rounds, each column runs one more login whose session child is traced
 * from its first instruction after the fork to its exit: the child asks
 * to be traced and stops itself, and from then on every system call it
 * enters (and every one that a process or thread it makes enters) is
 * counted, through PTRACE_GET_SYSCALL_INFO.  The child is the same as a
 * measured one: pam_start_confdir, pam_open_session, pam_close_session,
 * pam_end, exit (no check of /tmp: that is the load generator's work).
 * Each traced login comes after a pause in which the namespaces of the
 * logins before it have ended.
 *
 * Prints one line per column: NAME TOTAL followed by NAME=COUNT for every
 * system call made, the most frequent first.
 */
#include "loadgen.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sysnames.h"

#define NSYSCALLS 1024

struct tally {
	unsigned long n[NSYSCALLS];
	unsigned long other, total;
};

static const char *
syscall_name(unsigned long nr)
{
	static char buf[32];

	if (nr < sizeof(sysnames) / sizeof(sysnames[0]) && sysnames[nr])
		return sysnames[nr];
	snprintf(buf, sizeof(buf), "syscall_%lu", nr);
	return buf;
}

static void
count_entry(pid_t tid, struct tally *t)
{
	struct __ptrace_syscall_info info;
	long r;

	r = ptrace((enum __ptrace_request)PTRACE_GET_SYSCALL_INFO, tid,
		   (void *)sizeof(info), &info);
	if (r <= 0 || info.op != PTRACE_SYSCALL_INFO_ENTRY)
		return;
	t->total++;
	if (info.entry.nr < NSYSCALLS)
		t->n[info.entry.nr]++;
	else
		t->other++;
}

/*
 * Follows @child, stopped by its own SIGSTOP, and every task it makes
 * until all have exited; *status is @child's wait status.
 */
static int
trace(pid_t child, struct tally *t, int *status)
{
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK |
		    PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
		    PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
	int st, sig, live = 1;
	pid_t tid;

	if (waitpid(child, &st, __WALL) != child || !WIFSTOPPED(st) ||
	    ptrace(PTRACE_SETOPTIONS, child, NULL, (void *)opts) < 0 ||
	    ptrace(PTRACE_SYSCALL, child, NULL, NULL) < 0) {
		perror("loadgen: tracing a session child");
		kill(child, SIGKILL);
		waitpid(child, status, __WALL);
		return -1;
	}
	while (live > 0) {
		tid = waitpid(-1, &st, __WALL);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			perror("loadgen: waitpid");
			return -1;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			live--;
			if (tid == child)
				*status = st;
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		sig = WSTOPSIG(st);
		if (sig == (SIGTRAP | 0x80)) {
			count_entry(tid, t);
			sig = 0;
		} else if (sig == SIGTRAP && (st >> 16) != 0) {
			/* fork, vfork or clone: the new task comes stopped */
			if ((st >> 16) != PTRACE_EVENT_EXEC)
				live++;
			sig = 0;
		} else if (sig == SIGSTOP) {
			/* a new task's first stop, or a stop we do not pass */
			sig = 0;
		}
		ptrace(PTRACE_SYSCALL, tid, NULL, (void *)(long)sig);
	}
	return 0;
}

/* One traced login of @c: the counts in @t. */
static int
traced_login(const struct run *run, const struct column *c, struct tally *t)
{
	pid_t pid;
	int st = 0;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("loadgen: fork");
		return -1;
	}
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0 ||
		    raise(SIGSTOP) != 0)
			_exit(CHILD_START);
		session_child(run, c, false);
	}
	if (trace(pid, t, &st) < 0)
		return -1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == CHILD_OK)
		return 0;
	fprintf(stderr, "loadgen: column %s (service %s, user %s): %s\n",
		c->name, c->service, c->users[0], status_text(st));
	return -1;
}

static void
print_tally(const struct column *c, const struct tally *t)
{
	unsigned long shown = 0, best;
	size_t i, at;
	bool *done = calloc(NSYSCALLS, sizeof(*done));

	printf("%s %lu", c->name, t->total);
	while (done && shown < t->total - t->other) {
		best = 0;
		at = 0;
		for (i = 0; i < NSYSCALLS; i++)
			if (!done[i] && t->n[i] > best) {
				best = t->n[i];
				at = i;
			}
		if (!best)
			break;
		done[at] = true;
		shown += best;
		printf(" %s=%lu", syscall_name(at), best);
	}
	if (t->other)
		printf(" other=%lu", t->other);
	putchar('\n');
	free(done);
}

/* Warm-up rounds (checked), then one traced login per column. */
int
syscount(struct run *run)
{
	struct tally *t = malloc(sizeof(*t));
	double faults;
	long r;
	size_t i;
	int rc = 0;

	if (!t)
		return -1;
	for (r = 0; r < run->warmup && rc == 0; r++)
		for (i = 0; i < run->ncols && rc == 0; i++)
			if (login_sample(run, &run->cols[i], true, &faults) < 0)
				rc = -1;
	printf("# column syscalls name=count...\n");
	for (i = 0; i < run->ncols && rc == 0; i++) {
		/* The kernel ends a namespace after its last process has
		 * gone, not at once: the pause lets the previous login's
		 * end, so that every count finds the same state. */
		nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL);
		memset(t, 0, sizeof(*t));
		rc = traced_login(run, &run->cols[i], t);
		if (rc == 0)
			print_tally(&run->cols[i], t);
	}
	free(t);
	return rc;
}
