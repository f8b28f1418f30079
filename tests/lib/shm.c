/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * POSIX shared memory as programs use it (shm_open(3), in /dev/shm), for
 * the tests of a private /dev/shm:
 *
 *   shm create NAME TEXT   creates /NAME (O_EXCL) holding TEXT
 *   shm read NAME          prints what /NAME holds; exit 1 if there is none
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int
create(const char *name, const char *text)
{
	size_t len = strlen(text);
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		fprintf(stderr, "shm create %s: %s\n", name, strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}

static int
show(const char *name)
{
	char buf[256];
	ssize_t n;
	int fd = shm_open(name, O_RDONLY, 0);

	if (fd < 0) {
		fprintf(stderr, "shm read %s: %s\n", name, strerror(errno));
		return 1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return 1;
	buf[n] = '\0';
	printf("%s\n", buf);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "create"))
		return create(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "read"))
		return show(argv[2]);
	fprintf(stderr, "usage: shm create NAME TEXT | shm read NAME\n");
	return 2;
}
