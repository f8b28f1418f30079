/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Config files on disk: the main file, then its drop-in directory in
 * lexical order, each trusted only when root owns it and nobody else can
 * write it, and never through a symlink.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "config/conf.h"

/*
 * An error about @path.  A config file is the error's location, which
 * the front ends show gcc-style; the drop-in directory holds no lines
 * of config, so it is named in the message instead.
 */
_printf_(5, 6) static int file_error(struct mntns_error *e, int rc,
				     const char *path, bool dir,
				     const char *fmt, ...)
{
	char msg[sizeof(e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (dir)
		return err_set(e, rc, "%s: %s", path, msg);
	return err_set_at(e, rc, path, 0, "%s", msg);
}

/* The rules every config file must pass before it is trusted. */
static int
check_trusted(const char *path, const struct stat *st, bool dir,
	      struct mntns_error *e)
{
	if (dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode))
		return file_error(e, -EINVAL, path, dir, "not a %s",
				  dir ? "directory" : "regular file");
	if (st->st_uid != 0)
		return file_error(e, -EPERM, path, dir,
				  "owned by uid %u, must be owned by root",
				  (unsigned)st->st_uid);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return file_error(e, -EPERM, path, dir,
				  "writable by group or others (mode %04o), "
				  "refusing it",
				  (unsigned)(st->st_mode & 07777));
	return 0;
}

static int
open_error(const char *path, int err, bool dir, struct mntns_error *e)
{
	struct stat st;

	/* O_DIRECTORY reports a symlink as ENOTDIR: name it for what it is. */
	if (err == ENOTDIR && dir && lstat(path, &st) == 0 &&
	    S_ISLNK(st.st_mode))
		err = ELOOP;
	if (err == ELOOP)
		return file_error(e, -ELOOP, path, dir,
				  "is a symlink, refusing it");
	if (err == ENOTDIR && dir)
		return file_error(e, -ENOTDIR, path, dir, "not a directory");
	return file_error(e, -err, path, dir, "cannot open: %s", strerror(err));
}

static int
read_all(int fd, const char *path, size_t size, char **out,
	 struct mntns_error *e)
{
	_cleanup_(freep) char *buf = malloc(size + 1);
	size_t have = 0;
	ssize_t n;

	if (!buf)
		return err_set_at(e, -ENOMEM, path, 0, "out of memory");
	/*
	 * One byte more than fstat said, to notice a file still growing; a
	 * regular file reads short only at its end, which saves a read.
	 */
	while (have <= size) {
		n = read(fd, buf + have, size + 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set_at(e, -errno, path, 0, "read error: %s",
					  strerror(errno));
		have += (size_t)n;
		if (n == 0 || have <= size)
			break;
	}
	if (have > size)
		return err_set_at(e, -EAGAIN, path, 0,
				  "changed while being read");
	buf[have] = '\0';
	*out = steal_ptr(&buf);
	return (int)have;
}

/* A file's text, if the file is one to trust; its length or -errno. */
static int
read_trusted(int dirfd, const char *name, const char *path, char **buf,
	     struct mntns_error *e)
{
	_cleanup_(closep) int fd = -1;
	struct stat st;
	int r;

	fd = openat(dirfd, name,
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return open_error(path, errno, false, e);
	if (fstat(fd, &st) < 0)
		return err_set_at(e, -errno, path, 0, "%s", strerror(errno));
	r = check_trusted(path, &st, false, e);
	if (r < 0)
		return r;
	if (st.st_size > CONF_MAX_SIZE)
		return err_set_at(e, -EFBIG, path, 0, "larger than %d bytes",
				  CONF_MAX_SIZE);
	return read_all(fd, path, (size_t)st.st_size, buf, e);
}

/*
 * Keeps the error @r (in @e) and goes on, unless it is running out of
 * memory, which ends the load.
 */
static int
keep_going(struct conf *c, int r, struct mntns_error *e)
{
	if (r == -ENOMEM)
		return r;
	return r < 0 ? conf_keep_error(c, r, e) : 0;
}

/* Loads one file into @c, its errors into @c->errors; 0 or -ENOMEM. */
static int
load_file(struct conf *c, int dirfd, const char *name, const char *path,
	  struct mntns_error *e)
{
	_cleanup_(freep) char *buf = NULL;
	int r = read_trusted(dirfd, name, path, &buf, e);

	if (r < 0)
		return keep_going(c, r, e);
	r = conf_parse_buffer(c, path, buf, (size_t)r, e);
	return r == -ENOMEM ? r : 0;
}

char *
conf_dropin_dir(const char *path)
{
	size_t n = strlen(path);
	char *d;

	if (n > 5 && !strcmp(path + n - 5, ".conf")) {
		d = strdup(path);
		if (d)
			strcpy(d + n - 5, ".d");
		return d;
	}
	return asprintf(&d, "%s.d", path) < 0 ? NULL : d;
}

static bool
is_dropin_name(const char *n)
{
	size_t len = strlen(n);

	return n[0] != '.' && len > 5 && !strcmp(n + len - 5, ".conf");
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
free_names(char **names, size_t n)
{
	while (n > 0)
		free(names[--n]);
	free(names);
}

/* Lists *.conf in @fd, sorted; takes over @fd. */
static int
list_dropins(int fd, const char *dir, char ***out, size_t *count,
	     struct mntns_error *e)
{
	DIR *d = fdopendir(fd);
	char **names = NULL, **grown;
	struct dirent *de;
	size_t n = 0;

	if (!d) {
		close(fd);
		return err_set(e, -errno, "%s: %s", dir, strerror(errno));
	}
	while ((errno = 0, de = readdir(d))) {
		if (!is_dropin_name(de->d_name))
			continue;
		grown = reallocarray(names, n + 1, sizeof(*names));
		if (!grown || !(grown[n] = strdup(de->d_name))) {
			free_names(grown ? grown : names, n);
			closedir(d);
			return err_set(e, -ENOMEM, "%s: out of memory", dir);
		}
		names = grown;
		n++;
	}
	closedir(d);
	/* qsort(NULL, 0, ...) is undefined: an empty directory is common. */
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	*out = names;
	*count = n;
	return 0;
}

/* An fd to the drop-in directory @dir, if it is one to trust, and the
 * sorted names of its *.conf files; 0 with *@fd -1 when it is missing. */
static int
open_dropins(const char *dir, int *fd, char ***names, size_t *n,
	     struct mntns_error *e)
{
	struct stat st;
	int r;

	*fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0 && errno == ENOENT)
		return 0;
	if (*fd < 0)
		return open_error(dir, errno, true, e);
	if (fstat(*fd, &st) < 0)
		return err_set(e, -errno, "%s: %s", dir, strerror(errno));
	r = check_trusted(dir, &st, true, e);
	if (r < 0)
		return r;
	return list_dropins(fcntl(*fd, F_DUPFD_CLOEXEC, 3), dir, names, n, e);
}

/* Loads the drop-ins of @dir, as load_file() does: 0 or -ENOMEM. */
static int
load_dropins(struct conf *c, const char *dir, struct mntns_error *e)
{
	_cleanup_(closep) int fd = -1;
	char **names = NULL, *path;
	size_t n = 0, i;
	int r;

	r = open_dropins(dir, &fd, &names, &n, e);
	if (r < 0)
		return keep_going(c, r, e);
	for (i = 0; r == 0 && i < n; i++) {
		if (asprintf(&path, "%s/%s", dir, names[i]) < 0) {
			r = err_set(e, -ENOMEM, "%s: out of memory", dir);
			break;
		}
		r = load_file(c, fd, names[i], path, e);
		free(path);
	}
	free_names(names, n);
	return r;
}

int
conf_load(struct conf *c, const char *path, struct mntns_error *e)
{
	_cleanup_(freep) char *dir = NULL;
	size_t first = c->nerrors;
	int r;

	if (!path)
		path = MNTNS_DEFAULT_CONF;
	r = load_file(c, AT_FDCWD, path, path, e);
	if (r < 0)
		return r;
	dir = conf_dropin_dir(path);
	if (!dir)
		return err_set_at(e, -ENOMEM, path, 0, "out of memory");
	r = load_dropins(c, dir, e);
	return r < 0 ? r : conf_first_error(c, first, e);
}
