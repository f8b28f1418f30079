/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The attacker's side of the race tests, run as an ordinary user:
 *
 *   swapper exchange STOP SECONDS A B   swap A and B (say a directory
 *                                  and a symlink to /etc) atomically, again
 *                                  and again (renameat2 RENAME_EXCHANGE)
 *   swapper flip STOP SECONDS PATH DEST  make PATH a symlink to DEST,
 *                                  remove it, remove whatever directory
 *                                  appeared there meanwhile, again and again
 *   swapper mksock PATH            leave a Unix socket at PATH
 *
 * The loops end when the file STOP exists (the test makes it when its
 * logins are done) or when SECONDS have passed, whichever comes first,
 * and print "swaps=N".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Looked at every 256 rounds: the swaps, not the checks, fill the loop. */
static bool
go_on(unsigned long i, const char *stop, double end)
{
	return (i & 255) || (access(stop, F_OK) < 0 && now() < end);
}

static int
exchange(const char *stop, double seconds, const char *a, const char *b)
{
	double end = now() + seconds;
	unsigned long n = 0;

	do {
		if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) < 0) {
			perror("renameat2");
			return 1;
		}
		n++;
	} while (go_on(n, stop, end));
	printf("swaps=%lu\n", n);
	return 0;
}

static int
flip(const char *stop, double seconds, const char *path, const char *dest)
{
	double end = now() + seconds;
	unsigned long n = 0, i = 0;

	do {
		if (symlink(dest, path) == 0)
			n++;
		if (unlink(path) < 0 && errno == EISDIR)
			rmdir(path);
		rmdir(path);
	} while (go_on(++i, stop, end));
	printf("swaps=%lu\n", n);
	return 0;
}

static int
mksock(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd < 0 || strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "swapper: cannot make a socket\n");
		return 1;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror(path);
		return 1;
	}
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "exchange"))
		return exchange(argv[2], strtod(argv[3], NULL), argv[4],
				argv[5]);
	if (argc == 6 && !strcmp(argv[1], "flip"))
		return flip(argv[2], strtod(argv[3], NULL), argv[4], argv[5]);
	if (argc == 3 && !strcmp(argv[1], "mksock"))
		return mksock(argv[2]);
	fprintf(stderr, "usage: swapper exchange STOP SECONDS A B | "
			"flip STOP SECONDS PATH DEST | mksock PATH\n");
	return 2;
}
