/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * For the valgrind copy of pam_mntns.so only.  Valgrind 3.19 (Debian 12)
 * does not know openat2, open_tree, move_mount or mount_setattr and
 * fails them with ENOSYS, so under valgrind every session would stop at
 * its first path.  Linked with -Wl,--wrap for those calls, this file does
 * the same with older calls valgrind knows: a component-by-component
 * walk with O_NOFOLLOW for openat2, a bind mount on /proc/self/fd paths
 * for the rest.  It is not a security boundary: it lets valgrind see the
 * module's own memory handling on the path a real login takes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

long __real_syscall(long nr, ...);
long __wrap_syscall(long nr, ...);
int __wrap_open_tree(int dfd, const char *path, unsigned int flags);
int __wrap_mount_setattr(int dfd, const char *path, unsigned int flags,
			 struct mount_attr *attr, size_t size);
int __wrap_move_mount(int from, const char *fpath, int to, const char *tpath,
		      unsigned int flags);

/* Opens @path one component at a time, refusing any symlink on the way. */
static int
walk(int dirfd, const char *path, const struct open_how *how)
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

long
__wrap_syscall(long nr, ...)
{
	const struct open_how *how;
	long a[6];
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr != SYS_openat2)
		return __real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	how = (const struct open_how *)a[2];
	return walk((int)a[0], (const char *)a[1], how);
}

/* The detached tree of the emulation: the source fd and its flags. */
static struct {
	int fd;
	unsigned long set, clr;
} tree = {-1, 0, 0};

int
__wrap_open_tree(int dfd, const char *path, unsigned int flags)
{
	(void)path;
	(void)flags;
	tree.fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
	tree.set = tree.clr = 0;
	return tree.fd < 0 ? -1 : fcntl(tree.fd, F_DUPFD_CLOEXEC, 3);
}

int
__wrap_mount_setattr(int dfd, const char *path, unsigned int flags,
		     struct mount_attr *attr, size_t size)
{
	(void)dfd;
	(void)path;
	(void)flags;
	(void)size;
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

int
__wrap_move_mount(int from, const char *fpath, int to, const char *tpath,
		  unsigned int flags)
{
	char src[64], dst[64], where[PATH_MAX];
	ssize_t n;
	int r;

	(void)from;
	(void)fpath;
	(void)tpath;
	(void)flags;
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
	tree.fd = -1;
	return r;
}
