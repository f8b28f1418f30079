/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Small helpers every part of the engine shares: the error buffer,
 * path checks, the one way paths are opened, the run directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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
	return own_dir_fd(fd, path, e);
}

int
own_dir_fd(int fd, const char *path, struct mntns_error *e)
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
	return 0;
}
