/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vgshim.so, preloaded into programs that load pam_mntns.so under
 * valgrind (the memory tests, and the benchmark's callgrind profiles);
 * never installed.  Valgrind 3.19 (Debian 12) does not know openat2,
 * open_tree, move_mount or mount_setattr and fails them with ENOSYS, so
 * under valgrind every session would stop at its first path.  This does
 * the same with older calls valgrind knows: a component-by-component
 * walk with O_NOFOLLOW for openat2, a bind mount on /proc/self/fd paths
 * for the rest.  The module makes them all through syscall(2)
 * (lib/syscalls.h), which is what this replaces.
 * It is not a security boundary: it lets valgrind see the module's own
 * code on the path a real login takes.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "syscalls.h"

typedef long (*syscall_fn)(long, long, long, long, long, long, long);

long syscall(long nr, ...);

/* Opens @path one component at a time, refusing any symlink on the way. */
static int
walk(int dirfd, const char *path, const struct sys_open_how *how)
{
	char comp[NAME_MAX + 1];
	const char *p = path, *end;
	int fd, next;
	size_t n;

	fd = *p == '/' ? open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)
		       : fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	while (fd >= 0) {
		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		n = (size_t)(end - p);
		if (n > NAME_MAX) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, n ? p : ".", n ? n : 1);
		comp[n ? n : 1] = '\0';
		while (*end == '/')
			end++;
		if (!*end) {
			next = openat(fd, comp, (int)how->flags | O_NOFOLLOW,
				      (mode_t)how->mode);
			close(fd);
			return next;
		}
		next = openat(fd, comp,
			      O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
		if (next < 0 && errno == ENOTDIR) {
			struct stat st;

			if (fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(st.st_mode))
				errno = ELOOP;
		}
		close(fd);
		fd = next;
		p = end;
	}
	return -1;
}

/* The detached tree of the emulation: the source fd and its flags. */
static struct {
	int fd;
	unsigned long set, clr;
} tree = {-1, 0, 0};

/* @dfd itself for an empty @path, else @path below it. */
static int
emu_at(int dfd, const char *path)
{
	return *path ? openat(dfd, path, O_PATH | O_NOFOLLOW | O_CLOEXEC)
		     : fcntl(dfd, F_DUPFD_CLOEXEC, 3);
}

static int
emu_open_tree(int dfd, const char *path)
{
	tree.fd = emu_at(dfd, path);
	tree.set = tree.clr = 0;
	return tree.fd < 0 ? -1 : fcntl(tree.fd, F_DUPFD_CLOEXEC, 3);
}

static int
emu_mount_setattr(const struct sys_mount_attr *attr)
{
	tree.set = attr->attr_set;
	tree.clr = attr->attr_clr;
	return 0;
}

static unsigned long
attr_to_ms(unsigned long a)
{
	return ((a & MOUNT_ATTR_RDONLY) ? MS_RDONLY : 0) |
	       ((a & MOUNT_ATTR_NOSUID) ? MS_NOSUID : 0) |
	       ((a & MOUNT_ATTR_NODEV) ? MS_NODEV : 0) |
	       ((a & MOUNT_ATTR_NOEXEC) ? MS_NOEXEC : 0);
}

static int
emu_move_mount(int to_dfd, const char *to_path)
{
	char src[64], dst[64], where[PATH_MAX];
	int to = emu_at(to_dfd, to_path);
	ssize_t n;
	int r;

	if (to < 0)
		return -1;
	snprintf(src, sizeof(src), "/proc/self/fd/%d", tree.fd);
	snprintf(dst, sizeof(dst), "/proc/self/fd/%d", to);
	n = readlink(dst, where, sizeof(where) - 1);
	r = n < 0 ? -1 : mount(src, dst, NULL, MS_BIND | MS_REC, NULL);
	if (r == 0 && tree.set) {
		where[n] = '\0';
		r = mount(NULL, where, NULL,
			  MS_BIND | MS_REMOUNT | attr_to_ms(tree.set), NULL);
	}
	close(tree.fd);
	close(to);
	tree.fd = -1;
	return r;
}

long
syscall(long nr, ...)
{
	static syscall_fn real;
	long a[6];
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	switch (nr) {
	case __NR_openat2:
		return walk((int)a[0], (const char *)a[1],
			    (const struct sys_open_how *)a[2]);
	case __NR_open_tree:
		return emu_open_tree((int)a[0], (const char *)a[1]);
	case __NR_mount_setattr:
		return emu_mount_setattr((const struct sys_mount_attr *)a[3]);
	case __NR_move_mount:
		return emu_move_mount((int)a[2], (const char *)a[3]);
	}
	if (!real)
		real = (syscall_fn)dlsym(RTLD_NEXT, "syscall");
	return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
