/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Small helpers every part of the engine shares: the error buffer,
 * path checks, the one way paths are opened, the run directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "syscalls.h"
#include "util.h"

int
err_set(struct mntns_error *e, int rc, const char *fmt, ...)
{
	va_list ap;

	if (e) {
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return err_locate(e, rc, NULL, 0);
}

int
err_fatal(struct mntns_error *e, int rc)
{
	if (e)
		e->fatal = true;
	return rc;
}

void
err_format(const struct mntns_error *e, char *buf, size_t len)
{
	if (!e->file[0])
		snprintf(buf, len, "%s", e->msg);
	else if (e->line)
		snprintf(buf, len, "%s:%u: %s", e->file, e->line, e->msg);
	else
		snprintf(buf, len, "%s: %s", e->file, e->msg);
}

int
err_set_at(struct mntns_error *e, int rc, const char *file, unsigned line,
	   const char *fmt, ...)
{
	va_list ap;

	if (e) {
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return err_locate(e, rc, file, line);
}

int
err_locate(struct mntns_error *e, int rc, const char *file, unsigned line)
{
	/* Moving an error to another line of its own file copies nothing. */
	if (e && file != e->file)
		snprintf(e->file, sizeof(e->file), "%s", file ? file : "");
	if (e)
		e->line = file ? line : 0;
	return rc;
}

const char *
type_name(mode_t m)
{
	if (S_ISDIR(m))
		return "directory";
	if (S_ISREG(m))
		return "regular file";
	if (S_ISLNK(m))
		return "symlink";
	if (S_ISFIFO(m))
		return "FIFO";
	if (S_ISSOCK(m))
		return "socket";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "device";
	return "special file";
}

bool
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Length of the UTF-8 sequence at @s if it is a printable character
 * (U+00A0 and up, shortest form), else 0. */
static size_t
printable_utf8(const unsigned char *s)
{
	static const unsigned min[] = {0, 0, 0xa0, 0x800, 0x10000};
	unsigned cp;
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	return cp >= min[n] && cp <= 0x10ffff ? n : 0;
}

char *
mask_text(char *dst, size_t len, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, n;

	if (!len)
		return dst;
	while (*s && o + 1 < len) {
		n = *s >= 0x20 && *s < 0x7f ? 1 : printable_utf8(s);
		if (!n) {
			dst[o++] = '?';
			s++;
			continue;
		}
		if (o + n >= len)
			break;
		memmove(dst + o, s, n);
		o += n;
		s += n;
	}
	dst[o] = '\0';
	return dst;
}

bool
name_is_safe(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > NAME_MAX || s[0] == '-')
		return false;
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	return !strchr(s, '/') && !has_control(s);
}

bool
path_is_normalized(const char *s)
{
	const char *c, *end;
	size_t n;

	if (s[0] != '/' || strlen(s) >= PATH_MAX || has_control(s))
		return false;
	if (!strcmp(s, "/"))
		return true;
	for (c = s + 1;; c = end + 1) {
		end = strchrnul(c, '/');
		n = (size_t)(end - c);
		if (n == 0 || n > NAME_MAX)
			return false;
		if ((n == 1 && c[0] == '.') || (n == 2 && !strncmp(c, "..", 2)))
			return false;
		if (!*end)
			return true;
	}
}

/* The length of @p without its trailing slashes: "/" has none left. */
static size_t
trimmed_len(const char *p)
{
	size_t n = strlen(p);

	while (n > 0 && p[n - 1] == '/')
		n--;
	return n;
}

bool
path_at_or_below(const char *path, const char *top)
{
	size_t n = trimmed_len(top);

	return !strncmp(path, top, n) && (!path[n] || path[n] == '/');
}

bool
path_below(const char *path, const char *top)
{
	size_t n = trimmed_len(top);

	return path_at_or_below(path, top) && path[n + strspn(path + n, "/")];
}

bool
paths_overlap(const char *a, const char *b)
{
	return path_at_or_below(a, b) || path_at_or_below(b, a);
}

/* The value of the three octal digits after the backslash @s, or -1. */
static int
octal_escape(const char *s)
{
	int v = 0, i;

	for (i = 1; i <= 3; i++) {
		if (s[i] < '0' || s[i] > '7')
			return -1;
		v = v * 8 + (s[i] - '0');
	}
	return v;
}

int
unescape_octal(char *s, unsigned flags, const char **bad)
{
	char *out = s;
	int v;

	for (; *s; s++) {
		v = *s == '\\' ? octal_escape(s) : -1;
		if (*s == '\\' && (flags & UNESCAPE_STRICT) &&
		    (v < 1 || v > 0xff)) {
			if (bad)
				*bad = s;
			return v < 0 ? -EINVAL : -ERANGE;
		}
		if (v < 0 || v > 0xff) {
			*out++ = *s;
			continue;
		}
		*out++ = (char)v;
		if ((flags & UNESCAPE_PERCENT) && v == '%')
			*out++ = '%';
		s += 3;
	}
	*out = '\0';
	return 0;
}

int
parse_id(const char *s, size_t len, unsigned *out)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 10)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	/* (uid_t)-1 means "no change" to chown and is never a real id. */
	if (v >= 0xffffffffUL)
		return -ERANGE;
	*out = (unsigned)v;
	return 0;
}

int
strv_append(char ***v, size_t *n, const char *s)
{
	char **grown, *copy = strdup(s);

	grown = copy ? reallocarray(*v, *n + 1, sizeof(*grown)) : NULL;
	if (!grown) {
		free(copy);
		return -ENOMEM;
	}
	*v = grown;
	grown[(*n)++] = copy;
	return 0;
}

int
open_nofollow(const char *path, int flags, mode_t mode)
{
	struct sys_open_how how = {
		.flags = (unsigned)(flags | O_NOFOLLOW | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	return sys_openat2(AT_FDCWD, path, &how);
}

const char *
open_strerror(int err)
{
	return sys_strerror(err, "openat2", "5.6");
}

int
own_dir(const char *path, struct mntns_error *e)
{
	_cleanup_(closep) int fd = -1;

	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return err_set(e, -errno, "cannot create %s: %s", path,
			       strerror(errno));
	fd = open_nofollow(path, O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return err_set(e, -errno, "%s: %s", path, open_strerror(errno));
	return own_dir_fd(fd, path, NULL, e);
}

int
own_dir_fd(int fd, const char *path, struct stat *out, struct mntns_error *e)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return err_set(e, -errno, "%s: %s", path, strerror(errno));
	if (st.st_uid != 0 || (st.st_mode & 077))
		return err_set(e, -EPERM,
			       "%s is owned by uid %u with mode %04o; it must "
			       "be root's with no group or other permissions",
			       path, (unsigned)st.st_uid,
			       (unsigned)(st.st_mode & 07777));
	if (out)
		*out = st;
	return 0;
}

DIR *
opendir_at(int dirfd, const char *path)
{
	int fd = openat(dirfd, path,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	int err = errno;

	if (!d && fd >= 0) {
		close(fd);
		errno = err;
	}
	return d;
}

int
dir_names(int dirfd, const char *path,
	  int (*fn)(int dirfd, const char *name, void *ctx), void *ctx)
{
	_cleanup_(closep) int fd = openat(
		dirfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	return fd < 0 ? -errno : dir_names_fd(fd, fn, ctx);
}

int
dir_names_fd(int fd, int (*fn)(int dirfd, const char *name, void *ctx),
	     void *ctx)
{
	_Alignas(struct dirent64) char buf[4096];
	struct dirent64 *de;
	ssize_t n, off;
	int r = 0;

	while (r == 0 && (n = getdents64(fd, buf, sizeof(buf))) > 0)
		for (off = 0; r == 0 && off < n; off += de->d_reclen) {
			de = (struct dirent64 *)(void *)(buf + off);
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				r = fn(fd, de->d_name, ctx);
		}
	return r == 0 && n < 0 ? -errno : r;
}

static pid_t held_pid;

pid_t
self_pid(void)
{
	return held_pid ? held_pid : getpid();
}

void
self_pid_hold(void)
{
	held_pid = getpid();
}

void
self_pid_release(void)
{
	held_pid = 0;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * flock(2) has no timeout: try, then sleep 1 ms, then 2 ms between
 * tries, so that an uncontended lock costs one call and a contended one
 * is taken soon after it is free.  (Naps growing to 50 ms left the lock
 * free for most of a login storm: 16 logins of a user at once went at a
 * third of the floor's rate.)
 */
int
flock_bounded(int fd, unsigned ms)
{
	struct timespec t0, nap = {0, 1000000};

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		if (ms_since(&t0) >= (long)ms)
			return -ETIMEDOUT;
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 2000000)
			nap.tv_nsec *= 2;
	}
}

void
proc_comm(int pid, char *buf, size_t len)
{
	char path[64], comm[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (f) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		fclose(f);
	}
	comm[strcspn(comm, "\n")] = '\0';
	mask_text(buf, len, comm[0] ? comm : "?");
}

/*
 * /proc/locks names the holder of a flock(2) lock by its PID and the
 * locked file's device and inode: "1: FLOCK ADVISORY WRITE PID
 * MAJ:MIN:INODE 0 EOF" (waiters are the lines with "->").
 */
void
lock_holder(int fd, char *buf, size_t len)
{
	char line[256], comm[64], want[64];
	struct stat st;
	FILE *f;
	int pid;

	snprintf(buf, len, "an unknown process");
	if (fstat(fd, &st) < 0)
		return;
	snprintf(want, sizeof(want), " %02x:%02x:%lu ", major(st.st_dev),
		 minor(st.st_dev), (unsigned long)st.st_ino);
	f = fopen("/proc/locks", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, " FLOCK ") || strstr(line, "->") ||
		    !strstr(line, want) ||
		    sscanf(strstr(line, " FLOCK "), " FLOCK %*s %*s %d",
			   &pid) != 1)
			continue;
		proc_comm(pid, comm, sizeof(comm));
		snprintf(buf, len, "PID %d (%s)", pid, comm);
		break;
	}
	fclose(f);
}
