/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The places mounts go to and come from: TARGETs, per-user instances and
 * their parents, opened (and created where the rules allow) through
 * lib/resolve, never by following a symlink.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "mount/resolve.h"
#include "mount/target.h"

/* An empty root 0644 file, for a file bind inside a plan's tmpfs. */
static int
make_file_at(int dirfd, const char *name)
{
	_cleanup_(closep) int fd = -1;

	fd = openat(dirfd, name,
		    O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST) {
		fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		return fd >= 0 ? steal_fd(&fd) : -errno;
	}
	/* The umask of the application must not change it. */
	if (fd < 0 || fchmod(fd, 0644) < 0)
		return -errno;
	return steal_fd(&fd);
}

int
open_instance_parent(const char *path, bool *created, struct mntns_error *e)
{
	_cleanup_(freep) char *up = NULL;
	_cleanup_(closep) int upfd = -1, fd = -1;
	const char *name;
	struct stat st;

	fd = resolve("instance parent", path, O_DIRECTORY, &st, e);
	if (fd == -ENOENT) {
		if (split_path(path, &up, &name) < 0)
			return err_set(e, -ENOMEM, "out of memory");
		upfd = resolve("directory", up, O_DIRECTORY, &st, e);
		if (upfd < 0)
			return upfd;
		fd = make_dir_at(upfd, name, 0, 0, 0, created);
		if (fd < 0)
			return err_set(e, fd,
				       "cannot create instance parent "
				       "%s: %s",
				       path, strerror(-fd));
		if (fstat(fd, &st) < 0)
			return err_set(e, -errno, "%s: %s", path,
				       strerror(errno));
	}
	if (fd < 0)
		return fd;
	return check_instance_parent(path, &st, e) ?: steal_fd(&fd);
}

static bool
dir_is_empty(int fd)
{
	char buf[512];
	struct dirent64 *d;
	ssize_t n, off;

	while ((n = getdents64(fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += d->d_reclen) {
			d = (struct dirent64 *)(buf + off);
			if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
				return false;
		}
	}
	return n == 0;
}

bool
instance_unfinished(int fd, const struct stat *st, uid_t uid, mode_t mode)
{
	return S_ISDIR(st->st_mode) && st->st_uid == 0 &&
	       (st->st_mode & 07777) == 0 && !(uid == 0 && mode == 0) &&
	       dir_is_empty(fd);
}

static int
adopt_unfinished(int fd, struct stat *st, uid_t uid, gid_t gid, mode_t mode)
{
	if (!instance_unfinished(fd, st, uid, mode))
		return 0;
	if (fchown(fd, uid, gid) < 0 || fchmod(fd, mode) < 0)
		return -1;
	return fstat(fd, st);
}

int
open_instance(const struct plan_entry *pe, uid_t uid, gid_t gid, mode_t mode,
	      struct mntns_error *e)
{
	_cleanup_(freep) char *parent = NULL;
	_cleanup_(closep) int pfd = -1, fd = -1;
	const char *name;
	struct stat st;
	bool created;

	if (split_path(pe->source, &parent, &name) < 0)
		return err_set(e, -ENOMEM, "out of memory");
	pfd = open_instance_parent(parent, &created, e);
	if (pfd < 0)
		return pfd;
	fd = make_dir_at(pfd, name, uid, gid, mode, &created);
	if (fd < 0)
		return instance_error(pe, fd, e);
	if (fstat(fd, &st) < 0 ||
	    (!created && adopt_unfinished(fd, &st, uid, gid, mode) < 0))
		return instance_error(pe, -errno, e);
	return check_instance_owner(pe, st.st_uid, uid, e) ?: steal_fd(&fd);
}

int
create_user_target(const struct plan_entry *pe, struct stat *st,
		   struct mntns_error *e)
{
	_cleanup_(freep) char *parent = NULL;
	_cleanup_(closep) int pfd = -1, fd = -1;
	const char *name;
	bool created;

	if (split_path(pe->target, &parent, &name) < 0)
		return err_set(e, -ENOMEM, "out of memory");
	pfd = resolve("directory", parent, O_DIRECTORY, st, e);
	if (pfd < 0)
		return pfd;
	if (!user_dir_allowed(pe, st))
		return path_error("target", pe->target, ENOENT, e);
	fd = make_dir_at(pfd, name, pe->uid, pe->gid, 0700, &created);
	if (fd < 0)
		return path_error("target", pe->target, -fd, e);
	if (fstat(fd, st) < 0)
		return err_set(e, -errno, "target %s: %s", pe->target,
			       strerror(errno));
	return steal_fd(&fd);
}

/*
 * Inside a tmpfs the plan itself mounted on @base, nobody but this
 * process can have been: the missing part of TARGET is created there,
 * directories root 0755, a file root 0644 and empty.
 */
int
create_in_tmpfs(const char *base, const struct plan_entry *pe,
		enum target_type want, struct stat *st, struct mntns_error *e)
{
	_cleanup_(closep) int fd = -1;
	const char *p = pe->target + strlen(base);
	char name[NAME_MAX + 1];
	size_t n;
	int next;
	bool created;

	fd = resolve("directory", base, O_DIRECTORY, st, e);
	while (fd >= 0 && *p == '/') {
		p++;
		n = strcspn(p, "/");
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		p += n;
		if (!*p && want == TARGET_FILE)
			next = make_file_at(fd, name);
		else
			next = make_dir_at(fd, name, 0, 0, 0755, &created);
		if (next < 0)
			return path_error("target", pe->target, -next, e);
		close(fd);
		fd = next;
	}
	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0)
		return err_set(e, -errno, "target %s: %s", pe->target,
			       strerror(errno));
	return check_target_type(pe, st, want, e) ?: steal_fd(&fd);
}

int
hide_node(struct mntns_error *e)
{
	const char *path = HIDE_NODE;
	_cleanup_(closep) int fd = -1;
	struct stat st;
	int r;

	fd = open_nofollow(path, O_PATH, 0);
	if (fd < 0 && errno == ENOENT) {
		r = own_dir(MNTNS_RUN_DIR, e);
		if (r < 0)
			return r;
		/* Mode 0 even under any umask; O_EXCL: it is ours. */
		fd = open_nofollow(path, O_RDONLY | O_CREAT | O_EXCL, 0);
		if (fd < 0 && errno == EEXIST)
			fd = open_nofollow(path, O_PATH, 0);
	}
	if (fd < 0 || fstat(fd, &st) < 0)
		return err_set(e, -errno, "%s: %s", path, open_strerror(errno));
	return check_hide_node(path, &st, e) ?: steal_fd(&fd);
}
