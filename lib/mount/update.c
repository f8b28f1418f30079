/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A live namespace brought to the current plan (mount/update.h).  Unlike
 * a login, the user's processes are already inside while this runs, and
 * may swap paths under it: every TARGET is resolved without following a
 * symlink (resolve()), checked to be a mount's root, and unmounted by
 * its last name in its parent directory, which is held by a descriptor
 * (a mount point cannot be renamed while it is one).  A removed mount is
 * first cloned (open_tree), so that undoing puts the same tree back.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include "mount/apply.h"
#include "mount/resolve.h"
#include "mount/update.h"
#include "plan/decide.h"
#include "syscalls.h"

#ifndef UMOUNT_NOFOLLOW
#define UMOUNT_NOFOLLOW 0x00000008
#endif

/* One step done, and how to take it back. */
struct done {
	int fd;			/* flags: the mount; removed: its clone */
	int parent;		/* removed, added: the directory TARGET is in */
	char *name;		/* ... and TARGET's name there */
	unsigned long set, clr; /* flags: the MOUNT_ATTR_* to put back */
	const char *data;	/* resized: the size words to put back */
	unsigned long ms;	/* ... with these MS_* flags */
};

struct undo {
	struct done *d;
	size_t n;
};

static void
done_close(struct done *d)
{
	closep(&d->fd);
	closep(&d->parent);
	free(d->name);
}

/* TARGET @t, which must be the root of a mount: an O_PATH fd. */
static int
open_mount(const char *t, struct mntns_error *e)
{
	struct statx sx;
	struct stat st;
	int fd = resolve("target", t, 0, &st, e);

	if (fd < 0)
		return fd;
	if (statx(fd, "", AT_EMPTY_PATH, 0, &sx) < 0 ||
	    !(sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) ||
	    !(sx.stx_attributes & STATX_ATTR_MOUNT_ROOT)) {
		close(fd);
		return err_set(e, -ENOENT,
			       "%s: no mount there to change (was it "
			       "unmounted by hand?)",
			       t);
	}
	return fd;
}

/* The directory @t is in (an O_PATH fd) and @t's last name. */
static int
open_parent(const char *t, char **name, struct mntns_error *e)
{
	_cleanup_(freep) char *dir = NULL;
	const char *last;
	struct stat st;
	int fd, r = split_path(t, &dir, &last);

	if (r < 0)
		return err_set(e, r, "%s: %s", t, strerror(-r));
	fd = resolve("target", dir, O_DIRECTORY, &st, e);
	if (fd < 0)
		return fd;
	*name = strdup(last);
	if (!*name) {
		close(fd);
		return err_set(e, -ENOMEM, "out of memory");
	}
	return fd;
}

static int
note(struct undo *u, struct done d)
{
	struct done *grown = reallocarray(u->d, u->n + 1, sizeof(*u->d));

	if (!grown) {
		done_close(&d);
		return -ENOMEM;
	}
	u->d = grown;
	u->d[u->n++] = d;
	return 0;
}

static int
set_flags(int fd, unsigned long set, unsigned long clr)
{
	struct sys_mount_attr attr = {.attr_set = set, .attr_clr = clr};

	return sys_mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) <
			       0
		       ? -errno
		       : 0;
}

/* A tmpfs @fd remounted with size words @data and MS_* flags @ms. */
static int
resize(int fd, unsigned long ms, const char *data)
{
	int r = mount_on(fd, NULL, MS_REMOUNT | ms, data);

	if (chdir("/") < 0 && r == 0)
		r = -errno;
	return r;
}

static int
change_flags_of(const struct update_flags *f, struct undo *u,
		struct mntns_error *e)
{
	struct done d = {.fd = -1, .parent = -1};
	unsigned long was;
	struct statvfs vfs;
	int r;

	d.fd = open_mount(f->target, e);
	if (d.fd < 0)
		return d.fd;
	if (fstatvfs(d.fd, &vfs) < 0) {
		r = err_set(e, -errno, "%s: %s", f->target, strerror(errno));
		done_close(&d);
		return r;
	}
	was = st_to_ms(vfs.f_flag) & MOUNT_MS_FLAGS;
	d.set = ms_to_attr(was);
	d.clr = ms_to_attr(~was & MOUNT_MS_FLAGS);
	d.data = f->was;
	d.ms = was;
	if (f->data)
		r = resize(d.fd, f->set, f->data);
	else
		r = set_flags(d.fd, ms_to_attr(f->set), ms_to_attr(f->clr));
	if (r < 0) {
		done_close(&d);
		return err_set(e, r, "cannot change the %s of %s: %s",
			       f->data ? "size" : "flags", f->target,
			       strerror(-r));
	}
	return note(u, d);
}

/* Whether the link @pid/@name of /proc names a path at or below @t. */
static bool
link_under(unsigned pid, const char *name, const char *t)
{
	char path[64], link[PATH_MAX];
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%u/%s", pid, name);
	len = readlink(path, link, sizeof(link) - 1);
	link[len > 0 ? len : 0] = '\0';
	return len > 0 && path_at_or_below(link, t);
}

/* Whether process @pid has its working directory, root or a file at or
 * below @t. */
static bool
uses(unsigned pid, const char *t)
{
	char path[64], name[32];
	struct dirent *de;
	bool hit = link_under(pid, "cwd", t) || link_under(pid, "root", t);
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%u/fd", pid);
	d = hit ? NULL : opendir(path);
	while (d && !hit && (de = readdir(d))) {
		snprintf(name, sizeof(name), "fd/%.16s", de->d_name);
		hit = link_under(pid, name, t);
	}
	if (d)
		closedir(d);
	return hit;
}

/* "PID N (comm), ..." of the processes of this namespace that use @t. */
static void
busy_users(const char *t, char *buf, size_t len)
{
	char self[64], ns[64], path[64], comm[64];
	struct dirent *de;
	size_t used = 0, found = 0;
	unsigned pid;
	ssize_t n;
	DIR *d = opendir("/proc");

	buf[0] = '\0';
	n = readlink("/proc/self/ns/mnt", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	while (d && (de = readdir(d)) && used < len) {
		if (parse_id(de->d_name, strlen(de->d_name), &pid) < 0 ||
		    pid == (unsigned)getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%u/ns/mnt", pid);
		n = readlink(path, ns, sizeof(ns) - 1);
		ns[n > 0 ? n : 0] = '\0';
		if (strcmp(ns, self) || !uses(pid, t))
			continue;
		/* A command name is the user's to choose: masked. */
		proc_comm((int)pid, comm, sizeof(comm));
		if (++found <= 8)
			used += (size_t)snprintf(buf + used, len - used,
						 "%sPID %u (%s)",
						 used ? ", " : "", pid, comm);
	}
	if (d)
		closedir(d);
	if (found > 8 && used < len)
		snprintf(buf + used, len - used, " and %zu more", found - 8);
}

static int
busy_error(const char *t, struct mntns_error *e)
{
	char who[512];

	busy_users(t, who, sizeof(who));
	return err_set(e, -EBUSY,
		       "cannot remove the mount on %s: it is busy (%s); "
		       "--lazy detaches it, and processes keep what they "
		       "have open in it",
		       t,
		       who[0] ? who
			      : "a mount below it, or a file no process "
				"here shows");
}

/* A tmpfs entry's mount must be a tmpfs, not a mount made there since. */
static int
check_kind(int fd, const struct update_remove *rm, struct mntns_error *e)
{
	struct statfs sfs;

	if (!rm->tmpfs)
		return 0;
	if (fstatfs(fd, &sfs) < 0)
		return err_set(e, -errno, "%s: %s", rm->target,
			       strerror(errno));
	if (sfs.f_type != TMPFS_MAGIC)
		return err_set(e, -EPERM,
			       "the mount on %s is not the tmpfs pam_mntns "
			       "made there (mounted over since?); "
			       "refusing to remove it",
			       rm->target);
	return 0;
}

static int
remove_mount(const struct update_remove *rm, bool lazy, struct undo *u,
	     struct mntns_error *e)
{
	struct done d = {.fd = -1, .parent = -1};
	const char *t = rm->target;
	struct statx a, b;
	int fd, r;

	fd = open_mount(t, e);
	if (fd < 0)
		return fd;
	r = check_kind(fd, rm, e);
	if (r < 0) {
		close(fd);
		return r;
	}
	d.parent = open_parent(t, &d.name, e);
	/* The name in its directory is the mount just checked. */
	if (d.parent >= 0 &&
	    (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &a) < 0 ||
	     statx(d.parent, d.name, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &b) <
		     0 ||
	     a.stx_mnt_id != b.stx_mnt_id))
		r = err_set(e, -EAGAIN, "%s changed while it was looked at", t);
	else if (d.parent >= 0)
		r = 0;
	else
		r = d.parent;
	if (r == 0) {
		d.fd = sys_open_tree(fd, "",
				     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					     AT_EMPTY_PATH | AT_RECURSIVE);
		if (d.fd < 0)
			r = err_set(e, -errno, "cannot keep a copy of %s: %s",
				    t, strerror(errno));
	}
	close(fd);
	/* No descriptor of this process is on the mount now. */
	if (r == 0 && fchdir(d.parent) < 0)
		r = err_set(e, -errno, "%s: %s", t, strerror(errno));
	if (r == 0 &&
	    umount2(d.name, UMOUNT_NOFOLLOW | (lazy ? MNT_DETACH : 0)) < 0)
		r = errno == EBUSY ? busy_error(t, e)
				   : err_set(e, -errno, "cannot unmount %s: %s",
					     t, strerror(errno));
	if (chdir("/") < 0 && r == 0)
		r = err_set(e, -errno, "chdir /: %s", strerror(errno));
	if (r < 0) {
		done_close(&d);
		return r;
	}
	return note(u, d);
}

/* The IDs of the mounts of this namespace (sorted), for unmount_added(). */
struct ids {
	uint64_t *v;
	size_t n;
};

static int
cmp_id(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int
mount_ids(struct ids *ids)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	unsigned long long id;
	uint64_t *grown;
	char line[4096];

	ids->v = NULL;
	ids->n = 0;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llu", &id) != 1 || !strchr(line, '\n'))
			continue;
		grown = reallocarray(ids->v, ids->n + 1, sizeof(*ids->v));
		if (!grown) {
			fclose(f);
			return -ENOMEM;
		}
		ids->v = grown;
		ids->v[ids->n++] = id;
	}
	fclose(f);
	if (ids->n > 1)
		qsort(ids->v, ids->n, sizeof(*ids->v), cmp_id);
	return 0;
}

/* Whether the mount at @name is not one of @before (the IDs mountinfo
 * gives, as STATX_MNT_ID does). */
static bool
is_new_mount(int parent, const char *name, const struct ids *before)
{
	struct statx sx;
	uint64_t id;

	if (statx(parent, name, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) < 0 ||
	    !(sx.stx_mask & STATX_MNT_ID))
		return false;
	id = sx.stx_mnt_id;
	return !bsearch(&id, before->v, before->n, sizeof(id), cmp_id);
}

/*
 * Takes back the mounts of the first @n entries of @p (newest first):
 * only mounts that were not there before (@before), so that a user who
 * moved directories around meanwhile gets no other mount taken away.
 */
static void
unmount_added(const struct plan *p, size_t n, const struct ids *before)
{
	struct mntns_error e;
	char *name = NULL;
	int parent;

	while (n-- > 0) {
		parent = open_parent(p->entries[n].target, &name, &e);
		if (parent >= 0 && is_new_mount(parent, name, before) &&
		    fchdir(parent) == 0)
			(void)umount2(name, UMOUNT_NOFOLLOW | MNT_DETACH);
		closep(&parent);
		free(name);
		name = NULL;
	}
	if (chdir("/") < 0)
		return; /* the process ends here */
}

static void
undo(struct undo *u)
{
	struct done *d;

	while (u->n > 0) {
		d = &u->d[--u->n];
		if (d->name)
			(void)sys_move_mount(d->fd, "", d->parent, d->name,
					     MOVE_MOUNT_F_EMPTY_PATH);
		else if (d->data)
			(void)resize(d->fd, d->ms, d->data);
		else
			(void)set_flags(d->fd, d->set, d->clr);
		done_close(d);
	}
}

int
update_apply(const struct update *u, struct mntns_error *e)
{
	struct undo log = {0};
	struct ids before = {0};
	size_t i, mounts = 0;
	int r = 0;

	for (i = 0; r == 0 && i < u->nflags; i++)
		r = change_flags_of(&u->flags[i], &log, e);
	for (i = 0; r == 0 && i < u->nremove; i++)
		r = remove_mount(&u->remove[i], u->lazy, &log, e);
	if (r == 0 && u->add.n) {
		r = mount_ids(&before);
		if (r < 0)
			err_set(e, r, "cannot read /proc/self/mountinfo: %s",
				strerror(-r));
		else
			r = apply_entries(&u->add, &mounts, -1, e);
		if (r < 0 && before.v)
			unmount_added(&u->add, mounts, &before);
		free(before.v);
	}
	if (r < 0)
		undo(&log);
	while (log.n > 0)
		done_close(&log.d[--log.n]);
	free(log.d);
	return r;
}
