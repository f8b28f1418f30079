/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Config files on disk: the main file, then its drop-in directory in
 * lexical order, each trusted only when root owns it and nobody else can
 * write it, and never through a symlink.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"

/* The rules every config file must pass before it is trusted. */
static int
check_trusted(const char *path, const struct stat *st, bool dir,
	      struct mntns_error *e)
{
	if (dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode))
		return err_set(e, -EINVAL, "%s: not a %s", path,
			       dir ? "directory" : "regular file");
	if (st->st_uid != 0)
		return err_set(e, -EPERM,
			       "%s: owned by uid %u, must be owned by root",
			       path, (unsigned)st->st_uid);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return err_set(e, -EPERM,
			       "%s: writable by group or others (mode %04o), "
			       "refusing it",
			       path, (unsigned)(st->st_mode & 07777));
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
		return err_set(e, -ELOOP, "%s: is a symlink, refusing it",
			       path);
	if (err == ENOTDIR && dir)
		return err_set(e, -ENOTDIR, "%s: not a directory", path);
	return err_set(e, -err, "%s: cannot open: %s", path, strerror(err));
}

static int
read_all(int fd, const char *path, size_t size, char **out,
	 struct mntns_error *e)
{
	_cleanup_(freep) char *buf = malloc(size + 1);
	size_t have = 0;
	ssize_t n;

	if (!buf)
		return err_set(e, -ENOMEM, "%s: out of memory", path);
	/*
	 * One byte more than fstat said, to notice a file still growing; a
	 * regular file reads short only at its end, which saves a read.
	 */
	while (have <= size) {
		n = read(fd, buf + have, size + 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(e, -errno, "%s: read error: %s", path,
				       strerror(errno));
		have += (size_t)n;
		if (n == 0 || have <= size)
			break;
	}
	if (have > size)
		return err_set(e, -EAGAIN, "%s: changed while being read",
			       path);
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
		return err_set(e, -errno, "%s: %s", path, strerror(errno));
	r = check_trusted(path, &st, false, e);
	if (r < 0)
		return r;
	if (st.st_size > CONF_MAX_SIZE)
		return err_set(e, -EFBIG, "%s: larger than %d bytes", path,
			       CONF_MAX_SIZE);
	return read_all(fd, path, (size_t)st.st_size, buf, e);
}

/*
 * Loads one file.  With a reporter (struct conf), every error but
 * running out of memory has been reported when this returns.
 */
static int
load_file(struct conf *c, int dirfd, const char *name, const char *path,
	  struct mntns_error *e)
{
	_cleanup_(freep) char *buf = NULL;
	int r = read_trusted(dirfd, name, path, &buf, e);

	if (r < 0) {
		conf_report(c, r, e);
		return r;
	}
	return conf_parse_buffer(c, path, buf, (size_t)r, e);
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

static int
load_dropins(struct conf *c, const char *dir, struct mntns_error *e)
{
	_cleanup_(closep) int fd = -1;
	char **names = NULL, *path;
	size_t n = 0, i;
	int r, first = 0;

	r = open_dropins(dir, &fd, &names, &n, e);
	if (r < 0) {
		conf_report(c, r, e);
		return r;
	}
	for (i = 0; i < n; i++) {
		if (asprintf(&path, "%s/%s", dir, names[i]) < 0) {
			first = err_set(e, -ENOMEM, "%s: out of memory", dir);
			break;
		}
		r = load_file(c, fd, names[i], path, e);
		free(path);
		if (r < 0 && !conf_goes_on(c, r)) {
			first = r;
			break;
		}
		if (r < 0 && first == 0)
			first = r;
	}
	free_names(names, n);
	return first;
}

int
conf_load(struct conf *c, const char *path, struct mntns_error *e)
{
	_cleanup_(freep) char *dir = NULL;
	int r, first;

	if (!path)
		path = MNTNS_DEFAULT_CONF;
	first = load_file(c, AT_FDCWD, path, path, e);
	if (first < 0 && !conf_goes_on(c, first))
		return first;
	dir = conf_dropin_dir(path);
	if (!dir)
		return err_set(e, -ENOMEM, "%s: out of memory", path);
	r = load_dropins(c, dir, e);
	return first < 0 && r != -ENOMEM ? first : r;
}
