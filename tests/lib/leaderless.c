/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * leaderless: a process whose thread-group leader has exited while
 * another of its threads lives on.  Its /proc/PID/ns/mnt then names no
 * namespace (ENOENT), so a walk of /proc that reads only that link does
 * not see it in the namespace it is in.  Test tool only.
 *
 *   leaderless STOPFILE PIDFILE
 *
 * Writes "PID TID" (the process and its live thread) to PIDFILE, then the
 * leader exits; the thread runs until STOPFILE exists, checked every
 * 50 ms, and then ends the process.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static const char *stop_file;
static pid_t thread_id;

static void *
wait_for_stop(void *arg)
{
	struct timespec tick = {0, 50 * 1000 * 1000};

	(void)arg;
	__atomic_store_n(&thread_id, gettid(), __ATOMIC_SEQ_CST);
	while (access(stop_file, F_OK) < 0)
		nanosleep(&tick, NULL);
	exit(0);
}

int
main(int argc, char **argv)
{
	pthread_t t;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: leaderless STOPFILE PIDFILE\n");
		return 2;
	}
	stop_file = argv[1];
	if (pthread_create(&t, NULL, wait_for_stop, NULL) != 0)
		return 1;
	while (!__atomic_load_n(&thread_id, __ATOMIC_SEQ_CST))
		usleep(1000);
	f = fopen(argv[2], "w");
	if (!f || fprintf(f, "%d %d\n", (int)getpid(), (int)thread_id) < 0 ||
	    fclose(f) != 0)
		return 1;
	/* The leader goes; the process lives on in its other thread. */
	pthread_exit(NULL);
}
