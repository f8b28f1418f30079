/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Paths, the one way the engine meets them: resolved once from "/",
 * refusing a symlink in any component (openat2 RESOLVE_NO_SYMLINKS), then
 * used only through the descriptor, which is checked with fstat.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "mount/resolve.h"

bool
find_symlink(const char *path, char *prefix, size_t len)
{
	const char *end = path;
	struct stat st;

	do {
		end = strchrnul(end + 1, '/');
		snprintf(prefix, len, "%.*s", (int)(end - path), path);
		if (lstat(prefix, &st) == 0 && S_ISLNK(st.st_mode))
			return true;
	} while (*end);
	return false;
}

int
path_error(const char *what, const char *path, int err, struct mntns_error *e)
{
	char link[PATH_MAX];
	struct stat st;

	/* O_DIRECTORY reports a trailing symlink as ENOTDIR: name it. */
	if ((err == ELOOP || err == ENOTDIR) &&
	    find_symlink(path, link, sizeof(link)))
		return err_set(e, -ELOOP, "%s %s: %s is a symlink, refusing it",
			       what, path, link);
	if (err == ELOOP)
		return err_set(e, -ELOOP,
			       "%s %s: a symlink is in the way, refusing", what,
			       path);
	if (err == ENOENT)
		return err_set(e, -err, "%s %s does not exist", what, path);
	if (err == ENOTDIR && lstat(path, &st) == 0 && !S_ISDIR(st.st_mode))
		return err_set(e, -err, "%s %s is a %s, not a directory", what,
			       path, type_name(st.st_mode));
	if (err == ENOTDIR)
		return err_set(e, -err,
			       "%s %s: not a directory (or a path "
			       "component is not one)",
			       what, path);
	return err_set(e, -err, "%s %s: %s", what, path, open_strerror(err));
}

int
symlink_error(const char *what, const char *path, struct mntns_error *e)
{
	return err_set(e, -ELOOP, "%s %s is a symlink, refusing it", what,
		       path);
}

int
resolve(const char *what, const char *path, int flags, struct stat *st,
	struct mntns_error *e)
{
	_cleanup_(closep) int fd = -1;

	fd = open_nofollow(path, O_PATH | flags, 0);
	if (fd < 0)
		return path_error(what, path, errno, e);
	if (fstat(fd, st) < 0)
		return err_set(e, -errno, "%s %s: %s", what, path,
			       strerror(errno));
	/* O_PATH|O_NOFOLLOW hands back a trailing symlink itself. */
	if (S_ISLNK(st->st_mode))
		return symlink_error(what, path, e);
	return steal_fd(&fd);
}

int
split_path(const char *path, char **parent, const char **name)
{
	const char *slash = strrchr(path, '/');

	*name = slash + 1;
	*parent = slash == path ? strdup("/")
				: strndup(path, (size_t)(slash - path));
	return *parent ? 0 : -ENOMEM;
}

int
open_dir_at(int dirfd, const char *name)
{
	return openat(dirfd, name,
		      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static int
finish_dir(int dirfd, const char *name, bool created, uid_t uid, gid_t gid,
	   mode_t mode)
{
	_cleanup_(closep) int fd = -1;
	struct stat st;

	fd = open_dir_at(dirfd, name);
	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	/* Only a directory this call made, still root's, gets chowned. */
	if (created && st.st_uid == 0 &&
	    (fchown(fd, uid, gid) < 0 || fchmod(fd, mode) < 0))
		return -errno;
	return steal_fd(&fd);
}

int
make_dir_at(int dirfd, const char *name, uid_t uid, gid_t gid, mode_t mode,
	    bool *created)
{
	int fd;

	*created = mkdirat(dirfd, name, 0) == 0;
	if (!*created && errno != EEXIST)
		return -errno;
	fd = finish_dir(dirfd, name, *created, uid, gid, mode);
	/* What this call made and could not finish is not left behind. */
	if (fd < 0 && *created) {
		unlinkat(dirfd, name, AT_REMOVEDIR);
		*created = false;
	}
	return fd;
}
