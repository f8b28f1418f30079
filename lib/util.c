/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

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
	struct open_how how = {
		.flags = (unsigned)(flags | O_NOFOLLOW | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
}
