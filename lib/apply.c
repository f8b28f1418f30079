/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every path is resolved once, from "/", refusing symlinks anywhere in it
 * (openat2 RESOLVE_NO_SYMLINKS); everything after that works on the file
 * descriptor: fstat to check, mkdirat/fchown/fchmod to create, mounts on
 * /proc/self/fd/N or through open_tree/move_mount.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "apply.h"

#define PROC_FD_PATH_MAX sizeof("/proc/self/fd/-2147483648")
#define TMPFS_DATA_MAX	 512

int
check_single_threaded(struct mntns_error *e)
{
	struct stat st;

	/* procfs counts a task directory's links as 2 + its threads. */
	if (stat("/proc/self/task", &st) < 0)
		return err_set(e, -errno,
			       "cannot count this process's threads: "
			       "/proc/self/task: %s",
			       strerror(errno));
	if (st.st_nlink != 3)
		return err_set(e, -EBUSY,
			       "the calling process has %ld threads; a mount "
			       "namespace can only be set up for a "
			       "single-threaded process",
			       (long)st.st_nlink - 2);
	return 0;
}

static const char *
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

/* Error path only: finds the first symlink in @path for the message. */
static int
symlink_error(const char *what, const char *path, struct mntns_error *e)
{
	char prefix[PATH_MAX];
	const char *end = path;
	struct stat st;

	do {
		end = strchrnul(end + 1, '/');
		snprintf(prefix, sizeof(prefix), "%.*s", (int)(end - path),
			 path);
		if (lstat(prefix, &st) == 0 && S_ISLNK(st.st_mode))
			return err_set(e, -ELOOP,
				       "%s %s: %s is a symlink, refusing it",
				       what, path, prefix);
	} while (*end);
	return err_set(e, -ELOOP, "%s %s: a symlink is in the way, refusing",
		       what, path);
}

static int
path_error(const char *what, const char *path, int err, struct mntns_error *e)
{
	if (err == ELOOP)
		return symlink_error(what, path, e);
	if (err == ENOENT)
		return err_set(e, -err, "%s %s does not exist", what, path);
	if (err == ENOTDIR)
		return err_set(e, -err,
			       "%s %s: not a directory (or a path "
			       "component is not one)",
			       what, path);
	if (err == ENOSYS)
		return err_set(e, -err, "%s %s: the kernel lacks openat2(2)",
			       what, path);
	return err_set(e, -err, "%s %s: %s", what, path, strerror(err));
}

/*
 * Opens @path as an O_PATH descriptor without following a symlink in any
 * component, the last one included.  Returns the fd or -errno with @e set.
 */
static int
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
		return err_set(e, -ELOOP, "%s %s is a symlink, refusing it",
			       what, path);
	return steal_fd(&fd);
}

/* Splits @path into a malloc'd parent and a pointer to its last name. */
static int
split_path(const char *path, char **parent, const char **name)
{
	const char *slash = strrchr(path, '/');

	*name = slash + 1;
	*parent = slash == path ? strdup("/")
				: strndup(path, (size_t)(slash - path));
	return *parent ? 0 : -ENOMEM;
}

/* Opens a directory we may need to fchown/fchmod: never O_PATH. */
static int
open_dir_at(int dirfd, const char *name)
{
	return openat(dirfd, name,
		      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/*
 * Creates directory @name in @dirfd with the given owner and mode and
 * returns an fd to it.  A directory that appeared meanwhile is opened and
 * left as it is; *created says which happened.
 */
static int
make_dir_at(int dirfd, const char *name, uid_t uid, gid_t gid, mode_t mode,
	    bool *created)
{
	_cleanup_(closep) int fd = -1;
	struct stat st;

	*created = mkdirat(dirfd, name, 0) == 0;
	if (!*created && errno != EEXIST)
		return -errno;
	fd = open_dir_at(dirfd, name);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	/* Only a directory this call made, still root's, gets chowned. */
	if (*created && st.st_uid == 0) {
		if (fchown(fd, uid, gid) < 0 || fchmod(fd, mode) < 0)
			return -errno;
	}
	return steal_fd(&fd);
}

static int
check_instance_parent(const char *path, const struct stat *st,
		      struct mntns_error *e)
{
	if (!S_ISDIR(st->st_mode))
		return err_set(e, -ENOTDIR,
			       "instance parent %s is a %s, not a directory",
			       path, type_name(st->st_mode));
	if (st->st_uid != 0 || (st->st_mode & 077))
		return err_set(e, -EPERM,
			       "instance parent %s is owned by uid %u with "
			       "mode %04o; it must be owned by root with no "
			       "group or other permissions (someone may be "
			       "attacking: inspect it before removing it)",
			       path, (unsigned)st->st_uid,
			       (unsigned)(st->st_mode & 07777));
	return 0;
}

/* Opens the instance parent, creating it root:root 0000 when missing. */
static int
open_instance_parent(const char *path, struct mntns_error *e)
{
	_cleanup_(freep) char *up = NULL;
	_cleanup_(closep) int upfd = -1, fd = -1;
	const char *name;
	struct stat st;
	bool created;

	fd = resolve("instance parent", path, O_DIRECTORY, &st, e);
	if (fd == -ENOENT) {
		if (split_path(path, &up, &name) < 0)
			return err_set(e, -ENOMEM, "out of memory");
		upfd = resolve("directory", up, O_DIRECTORY, &st, e);
		if (upfd < 0)
			return upfd;
		fd = make_dir_at(upfd, name, 0, 0, 0, &created);
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

/*
 * Opens (creating when missing) the per-user instance directory.  New:
 * owned and moded like TARGET, or by the user with mode=.  Existing: must
 * have the owner a new one would get, or it is someone else's.
 */
static int
open_instance(const struct plan_entry *pe, const struct stat *tst,
	      struct mntns_error *e)
{
	_cleanup_(freep) char *parent = NULL;
	_cleanup_(closep) int pfd = -1, fd = -1;
	uid_t uid = pe->mode >= 0 ? pe->uid : tst->st_uid;
	gid_t gid = pe->mode >= 0 ? pe->gid : tst->st_gid;
	mode_t mode = pe->mode >= 0 ? (mode_t)pe->mode : tst->st_mode & 07777;
	const char *name;
	struct stat st;
	bool created;

	if (split_path(pe->source, &parent, &name) < 0)
		return err_set(e, -ENOMEM, "out of memory");
	pfd = open_instance_parent(parent, e);
	if (pfd < 0)
		return pfd;
	fd = make_dir_at(pfd, name, uid, gid, mode, &created);
	if (fd == -ELOOP || fd == -ENOTDIR)
		return err_set(e, fd,
			       "instance %s is not a directory "
			       "(a symlink or another file is there)",
			       pe->source);
	if (fd < 0)
		return err_set(e, fd, "instance %s: %s", pe->source,
			       strerror(-fd));
	if (fstat(fd, &st) < 0)
		return err_set(e, -errno, "instance %s: %s", pe->source,
			       strerror(errno));
	if (st.st_uid != uid)
		return err_set(e, -EPERM,
			       "instance %s is owned by uid %u, expected %u; "
			       "refusing it (remove it if it is stale)",
			       pe->source, (unsigned)st.st_uid, (unsigned)uid);
	return steal_fd(&fd);
}

/*
 * A missing TARGET directory is created only where the user could have
 * made it: in a directory the (non-root) user owns, e.g. ~/.cache.
 */
static int
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
	if (pe->uid == 0 || st->st_uid != pe->uid)
		return err_set(e, -ENOENT, "target %s does not exist",
			       pe->target);
	fd = make_dir_at(pfd, name, pe->uid, pe->gid, 0700, &created);
	if (fd < 0)
		return path_error("target", pe->target, -fd, e);
	if (fstat(fd, st) < 0)
		return err_set(e, -errno, "target %s: %s", pe->target,
			       strerror(errno));
	return steal_fd(&fd);
}

static int
open_target(const struct plan_entry *pe, bool dir, struct stat *st,
	    struct mntns_error *e)
{
	int fd = resolve("target", pe->target, 0, st, e);

	if (fd == -ENOENT && dir)
		fd = create_user_target(pe, st, e);
	if (fd < 0)
		return fd;
	if (S_ISDIR(st->st_mode) == dir && (dir || S_ISREG(st->st_mode)))
		return fd;
	close(fd);
	return err_set(e, -ENOTDIR, "target %s is a %s, expected a %s",
		       pe->target, type_name(st->st_mode),
		       dir ? "directory" : "regular file");
}

static void
proc_fd_path(char *buf, int fd)
{
	snprintf(buf, PROC_FD_PATH_MAX, "/proc/self/fd/%d", fd);
}

static int
mount_tmpfs(const struct plan_entry *pe, struct mntns_error *e)
{
	_cleanup_(closep) int fd = -1;
	char path[PROC_FD_PATH_MAX], data[TMPFS_DATA_MAX];
	struct stat st;
	bool own = pe->mode >= 0;
	int n;

	fd = open_target(pe, true, &st, e);
	if (fd < 0)
		return fd;
	n = snprintf(data, sizeof(data), "%s%smode=%04o,uid=%u,gid=%u",
		     pe->fsdata ? pe->fsdata : "", pe->fsdata ? "," : "",
		     own ? (unsigned)pe->mode : (unsigned)(st.st_mode & 07777),
		     own ? (unsigned)pe->uid : (unsigned)st.st_uid,
		     own ? (unsigned)pe->gid : (unsigned)st.st_gid);
	if (n < 0 || (size_t)n >= sizeof(data))
		return err_set(e, -E2BIG, "target %s: tmpfs options too long",
			       pe->target);
	proc_fd_path(path, fd);
	if (mount("pam_mntns", path, "tmpfs", pe->ms_set, data) < 0)
		return err_set(e, -errno, "cannot mount tmpfs on %s: %s",
			       pe->target, strerror(errno));
	return 0;
}

static unsigned long
ms_to_attr(unsigned long ms)
{
	return ((ms & MS_RDONLY) ? MOUNT_ATTR_RDONLY : 0) |
	       ((ms & MS_NOSUID) ? MOUNT_ATTR_NOSUID : 0) |
	       ((ms & MS_NODEV) ? MOUNT_ATTR_NODEV : 0) |
	       ((ms & MS_NOEXEC) ? MOUNT_ATTR_NOEXEC : 0);
}

static int
bind_fds(const struct plan_entry *pe, int sfd, int tfd, struct mntns_error *e)
{
	_cleanup_(closep) int tree = -1;
	struct mount_attr attr = {
		.attr_set = ms_to_attr(pe->ms_set),
		.attr_clr = ms_to_attr(pe->ms_clr),
	};

	tree = open_tree(sfd, "",
			 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
				 AT_RECURSIVE);
	if (tree < 0)
		return err_set(e, -errno, "cannot clone %s: %s", pe->source,
			       strerror(errno));
	if ((attr.attr_set || attr.attr_clr) &&
	    mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
			  sizeof(attr)) < 0)
		return err_set(e, -errno, "cannot set flags on %s: %s",
			       pe->source, strerror(errno));
	if (move_mount(tree, "", tfd, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return err_set(e, -errno, "cannot bind %s on %s: %s",
			       pe->source, pe->target, strerror(errno));
	return 0;
}

static int
mount_bind(const struct plan_entry *pe, struct mntns_error *e)
{
	_cleanup_(closep) int sfd = -1, tfd = -1;
	struct stat sst, tst;
	bool dir = true;

	if (!pe->instance) {
		sfd = resolve("source", pe->source, 0, &sst, e);
		if (sfd < 0)
			return sfd;
		dir = S_ISDIR(sst.st_mode);
		if (!dir && !S_ISREG(sst.st_mode))
			return err_set(e, -EINVAL,
				       "source %s is a %s; only "
				       "directories and regular "
				       "files can be bound",
				       pe->source, type_name(sst.st_mode));
	}
	tfd = open_target(pe, dir, &tst, e);
	if (tfd < 0)
		return tfd;
	if (pe->instance) {
		sfd = open_instance(pe, &tst, e);
		if (sfd < 0)
			return sfd;
	}
	return bind_fds(pe, sfd, tfd, e);
}

int
ns_save(struct ns_saved *s, struct mntns_error *e)
{
	int r = check_single_threaded(e);

	if (r < 0)
		return r;
	s->ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (s->ns < 0)
		return err_set(e, -errno, "/proc/self/ns/mnt: %s",
			       strerror(errno));
	s->root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	s->cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->root < 0 || s->cwd < 0)
		return err_set(e, -errno, "cannot save root and cwd: %s",
			       strerror(errno));
	return 0;
}

void
ns_saved_close(struct ns_saved *s)
{
	closep(&s->ns);
	closep(&s->root);
	closep(&s->cwd);
	s->ns = s->root = s->cwd = -1;
}

int
ns_restore(struct ns_saved *s, int err, struct mntns_error *e)
{
	char msg[sizeof(e->msg)];

	if (setns(s->ns, CLONE_NEWNS) == 0 && fchdir(s->root) == 0 &&
	    chroot(".") == 0 && fchdir(s->cwd) == 0)
		return err;
	snprintf(msg, sizeof(msg), "%s", e ? e->msg : "");
	return err_set(e, -ENOTRECOVERABLE,
		       "%s; then returning to the original namespace "
		       "failed: %s",
		       msg, strerror(errno));
}

static int
enter_new_ns(int base_fd, struct mntns_error *e)
{
	if (base_fd >= 0 && setns(base_fd, CLONE_NEWNS) < 0)
		return err_set(e, -errno,
			       "cannot enter the namespace to build from: %s",
			       strerror(errno));
	if (unshare(CLONE_NEWNS) < 0)
		return err_set(e, -errno, "unshare(CLONE_NEWNS): %s",
			       strerror(errno));
	/* Before anything else: host mounts flow in, nothing flows out. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return err_set(e, -errno, "cannot make / a recursive slave: %s",
			       strerror(errno));
	return 0;
}

static int
apply_entries(const struct plan *p, struct apply_result *res,
	      struct mntns_error *e)
{
	const struct plan_entry *pe;
	size_t i;
	int r;

	for (i = 0; i < p->n; i++) {
		pe = &p->entries[i];
		r = pe->method == METHOD_TMPFS ? mount_tmpfs(pe, e)
					       : mount_bind(pe, e);
		if (r < 0)
			return r;
		res->mounts++;
	}
	return 0;
}

static int
self_ns(struct ns_ident *out, struct mntns_error *e)
{
	_cleanup_(closep) int fd =
		open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || ns_ident_of(fd, out) < 0)
		return err_set(e, -errno, "/proc/self/ns/mnt: %s",
			       strerror(errno));
	return 0;
}

int
apply_plan(const struct plan *p, int base_fd, struct apply_result *res,
	   struct mntns_error *e)
{
	int r;

	memset(res, 0, sizeof(*res));
	r = enter_new_ns(base_fd, e);
	if (r == 0)
		r = apply_entries(p, res, e);
	if (r == 0)
		r = self_ns(&res->ns, e);
	return r;
}

int
apply_join(int nsfd, const struct ns_ident *expect, struct mntns_error *e)
{
	struct ns_ident got;
	int r;

	/* Checked on the fd before, and on ourselves after. */
	r = ns_ident_of(nsfd, &got);
	if (r < 0 || !ns_ident_equal(&got, expect))
		return err_set(e, -ESTALE, "the namespace to join changed");
	if (setns(nsfd, CLONE_NEWNS) < 0)
		return err_set(e, -errno, "cannot join the namespace: %s",
			       strerror(errno));
	r = self_ns(&got, e);
	if (r == 0 && !ns_ident_equal(&got, expect))
		r = err_set(e, -ESTALE,
			    "joined a namespace other than the "
			    "one recorded");
	return r;
}
