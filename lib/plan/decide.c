/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The decisions about a plan entry that the login path, "show" and
 * "check" share, and the text of each refusal: pure functions, so that a
 * dry run reaches the same verdict in the same words as the module.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include "plan/decide.h"
#include "syscalls.h"

/*
 * Each per-mount flag (MOUNT_MS_FLAGS) in the three ways the kernel
 * spells it; its words are libmount's (config/options.h).
 */
enum { AS_MS, AS_ATTR, AS_ST };
static const unsigned long flag_spellings[][3] = {
	{MS_RDONLY, MOUNT_ATTR_RDONLY, ST_RDONLY},
	{MS_NOSUID, MOUNT_ATTR_NOSUID, ST_NOSUID},
	{MS_NODEV, MOUNT_ATTR_NODEV, ST_NODEV},
	{MS_NOEXEC, MOUNT_ATTR_NOEXEC, ST_NOEXEC},
};

static unsigned long
flags_as(unsigned long f, int from, int to)
{
	unsigned long out = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flag_spellings); i++)
		if (f & flag_spellings[i][from])
			out |= flag_spellings[i][to];
	return out;
}

int
plan_parent(const struct plan *p, size_t i)
{
	size_t j;

	for (j = i; j-- > 0;)
		if (path_below(p->entries[i].target, p->entries[j].target))
			return (int)j;
	return -1;
}

enum target_type
target_want(enum mntns_method m, bool instance)
{
	return m == METHOD_TMPFS || instance ? TARGET_DIR : TARGET_ANY;
}

bool
target_type_ok(mode_t m, enum target_type want)
{
	switch (want) {
	case TARGET_DIR:
		return S_ISDIR(m);
	case TARGET_FILE:
		return S_ISREG(m);
	case TARGET_ANY:
		return S_ISDIR(m) || S_ISREG(m);
	}
	return false;
}

const char *
target_type_wanted(enum target_type want)
{
	return want == TARGET_DIR    ? "a directory"
	       : want == TARGET_FILE ? "a regular file"
				     : "a directory or a regular file";
}

int
check_type(const char *what, const char *path, mode_t m, enum target_type want,
	   struct mntns_error *e)
{
	if (target_type_ok(m, want))
		return 0;
	return err_set(e, -ENOTDIR, "%s %s is a %s, expected %s", what, path,
		       type_name(m), target_type_wanted(want));
}

int
check_target_type(const struct plan_entry *pe, const struct stat *st,
		  enum target_type want, struct mntns_error *e)
{
	return check_type("target", pe->target, st->st_mode, want, e);
}

int
check_home_owner(const char *what, const char *path, const struct stat *st,
		 uid_t uid, struct mntns_error *e)
{
	if (uid != 0 && st->st_uid == uid)
		return 0;
	return err_set(e, -EPERM,
		       "%s %s comes from the home directory but is owned by "
		       "uid %u, not by the user (uid %u); refusing to mount "
		       "there (is the home in NSS a system directory?)",
		       what, path, (unsigned)st->st_uid, (unsigned)uid);
}

int
source_type(const char *what, const char *path, mode_t m,
	    enum target_type *want, struct mntns_error *e)
{
	if (S_ISDIR(m) || S_ISREG(m)) {
		*want = S_ISDIR(m) ? TARGET_DIR : TARGET_FILE;
		return 0;
	}
	return err_set(e, -EINVAL,
		       "%s %s is a %s; only directories and regular files "
		       "can be bound",
		       what, path, type_name(m));
}

/*
 * Inside a tmpfs the plan itself mounted nobody but the login can have
 * been, so what is missing there is made; an ANY TARGET (ro, hide) is
 * never made: there is nothing to protect in a path that is not there.
 */
enum missing_target
missing_target(const struct plan *p, int parent, enum target_type want)
{
	if (parent >= 0 && p->entries[parent].method == METHOD_TMPFS &&
	    want != TARGET_ANY)
		return MISSING_IN_TMPFS;
	return want == TARGET_DIR ? MISSING_USER_DIR : MISSING_REFUSED;
}

bool
user_dir_allowed(const struct plan_entry *pe, const struct stat *dir)
{
	return pe->uid != 0 && dir->st_uid == pe->uid;
}

/* A new instance with TARGET absent before any mount: like a new dir. */
struct stat
fresh_root(const struct plan_entry *pe, const struct stat *target)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFDIR | 0755;
	if (pe->mode >= 0) {
		st.st_mode = S_IFDIR | (mode_t)pe->mode;
		st.st_uid = pe->uid;
		st.st_gid = pe->gid;
	} else if (target) {
		st.st_mode = S_IFDIR | (target->st_mode & 07777);
		st.st_uid = target->st_uid;
		st.st_gid = target->st_gid;
	}
	return st;
}

int
tmpfs_data(const struct plan_entry *pe, const struct stat *root, char *buf,
	   size_t len, struct mntns_error *e)
{
	int n;

	/* The SELinux options as written: quotes are the kernel's syntax. */
	n = snprintf(buf, len, "%s%s%s%smode=%04o,uid=%u,gid=%u",
		     pe->fsdata ? pe->fsdata : "", pe->fsdata ? "," : "",
		     pe->selinux ? pe->selinux : "", pe->selinux ? "," : "",
		     (unsigned)(root->st_mode & 07777), (unsigned)root->st_uid,
		     (unsigned)root->st_gid);
	if (n < 0 || (size_t)n >= len)
		return err_set(e, -E2BIG, "target %s: tmpfs options too long",
			       pe->target);
	return 0;
}

int
tmpfs_mount_error(const struct plan_entry *pe, int rc, struct mntns_error *e)
{
	/* Without SELinux, tmpfs reports a context option as unknown. */
	if (rc == -EINVAL && pe->selinux)
		return err_set(e, rc,
			       "cannot mount tmpfs on %s with %s: %s (is "
			       "SELinux enabled? Without it tmpfs has no "
			       "context options; with it, each context must "
			       "be valid in the loaded policy)",
			       pe->target, pe->selinux, strerror(-rc));
	return err_set(e, rc, "cannot mount tmpfs on %s: %s", pe->target,
		       strerror(-rc));
}

void
mount_flags(const struct plan_entry *pe, unsigned long *set, unsigned long *clr)
{
	*set = pe->ms_set;
	*clr = pe->method == METHOD_TMPFS ? 0 : pe->ms_clr;
	if (pe->method == METHOD_RO)
		*set |= MS_RDONLY;
	if (pe->method == METHOD_HIDE) {
		*set = MOUNT_MS_FLAGS;
		*clr = 0;
	}
}

bool
mount_private(const struct plan_entry *pe)
{
	unsigned long set, clr;

	mount_flags(pe, &set, &clr);
	return pe->method != METHOD_TMPFS && (set & MS_RDONLY);
}

unsigned long
ms_to_attr(unsigned long ms)
{
	return flags_as(ms, AS_MS, AS_ATTR);
}

unsigned long
st_to_ms(unsigned long st)
{
	return flags_as(st, AS_ST, AS_MS);
}

bool
instance_parent_safe(const struct stat *st)
{
	return S_ISDIR(st->st_mode) && st->st_uid == 0 && !(st->st_mode & 077);
}

int
check_instance_parent(const char *path, const struct stat *st,
		      struct mntns_error *e)
{
	if (!S_ISDIR(st->st_mode))
		return err_set(e, -ENOTDIR,
			       "instance parent %s is a %s, not a directory",
			       path, type_name(st->st_mode));
	if (!instance_parent_safe(st))
		return err_set(e, -EPERM,
			       "instance parent %s is owned by uid %u with "
			       "mode %04o; it must be owned by root with no "
			       "group or other permissions (someone may be "
			       "attacking: inspect it before removing it)",
			       path, (unsigned)st->st_uid,
			       (unsigned)(st->st_mode & 07777));
	return 0;
}

int
instance_error(const struct plan_entry *pe, int rc, struct mntns_error *e)
{
	if (rc == -ELOOP || rc == -ENOTDIR)
		return err_set(e, rc,
			       "instance %s is not a directory "
			       "(a symlink or another file is there)",
			       pe->source);
	return err_set(e, rc, "instance %s: %s", pe->source, strerror(-rc));
}

int
check_instance_owner(const struct plan_entry *pe, uid_t owner, uid_t uid,
		     struct mntns_error *e)
{
	if (owner == uid)
		return 0;
	return err_set(e, -EPERM,
		       "instance %s is owned by uid %u, expected %u; "
		       "refusing it (remove it if it is stale)",
		       pe->source, (unsigned)owner, (unsigned)uid);
}

int
check_hide_node(const char *path, const struct stat *st, struct mntns_error *e)
{
	if (S_ISREG(st->st_mode) && st->st_uid == 0 && !(st->st_mode & 07777) &&
	    st->st_size == 0)
		return 0;
	return err_set(e, -EPERM,
		       "%s must be an empty root-owned file with mode 0000",
		       path);
}
