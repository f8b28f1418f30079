/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every choice a login makes about a plan entry, and the one text of each
 * refusal, as pure functions (no system calls): the module
 * (lib/mount/apply.c), its dry run for "show" (lib/admin/describe.c) and
 * "check" (lib/admin/lint.c) all call these, so that what the helper
 * predicts is what a login does, in the same words.
 */
#ifndef MNTNS_DECIDE_H
#define MNTNS_DECIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "plan/plan.h"

enum target_type {
	TARGET_DIR,
	TARGET_FILE,
	TARGET_ANY, /* a directory or a regular file */
};

/* The per-mount flags a plan sets or keeps (MS_RDONLY, MS_NOSUID, ...). */
#define MOUNT_MS_FLAGS 0xfUL

/*
 * The nearest earlier entry of @p whose TARGET holds entry @i's, or -1.
 * The plan is sorted parents first, so it is the last one before @i.
 */
int plan_parent(const struct plan *p, size_t i);

/*
 * What TARGET must be for method @m: a directory for a tmpfs or an
 * instance, else a directory or a regular file (a plain bind narrows
 * that to SOURCE's type, see source_type()).
 */
enum target_type target_want(enum mntns_method m, bool instance);

/* Whether a TARGET of type @m fits @want. */
bool target_type_ok(mode_t m, enum target_type want);

/* "a directory", "a regular file", ... for messages. */
const char *target_type_wanted(enum target_type want);

/*
 * Refuses a @what ("target") at @path, of type @m, that is not what
 * @want asks for: the one wording of that refusal.
 */
int check_type(const char *what, const char *path, mode_t m,
	       enum target_type want, struct mntns_error *e);

/* check_type() of @pe's TARGET, @st. */
int check_target_type(const struct plan_entry *pe, const struct stat *st,
		      enum target_type want, struct mntns_error *e);

/*
 * A TARGET or SOURCE (@what at @path) that the home from NSS names: it
 * must be the (non-root) user's own, @uid's, or a home that points at a
 * system directory would give the user a mount over it that root code
 * later runs in.
 */
int check_home_owner(const char *what, const char *path, const struct stat *st,
		     uid_t uid, struct mntns_error *e);

/*
 * A bind's SOURCE (a @what at @path) of type @m: *@want becomes the
 * TARGET type it needs, or it is refused (only directories and regular
 * files can be bound).
 */
int source_type(const char *what, const char *path, mode_t m,
		enum target_type *want, struct mntns_error *e);

/* What a login does about a missing TARGET. */
enum missing_target {
	MISSING_REFUSED,  /* the login fails: TARGET does not exist */
	MISSING_USER_DIR, /* created, if its directory is the user's */
	MISSING_IN_TMPFS, /* created inside the plan's tmpfs above it */
};

/* For a TARGET needing @want, below entry @parent of @p (or -1). */
enum missing_target missing_target(const struct plan *p, int parent,
				   enum target_type want);

/*
 * Whether a missing TARGET may be created in directory @dir: only where
 * the (non-root) user could have made it, e.g. ~/.cache.
 */
bool user_dir_allowed(const struct plan_entry *pe, const struct stat *dir);

/*
 * The owner and mode of a new instance or tmpfs root: mode= makes it the
 * user's; else TARGET's (@target, when it was there before any mount;
 * NULL: what the plan would create there, root 0755).
 */
struct stat fresh_root(const struct plan_entry *pe, const struct stat *target);

/* The data for mount(2) of @pe's tmpfs with root @root, into @buf. */
int tmpfs_data(const struct plan_entry *pe, const struct stat *root, char *buf,
	       size_t len, struct mntns_error *e);

/*
 * The error of @pe's tmpfs mount failing with @rc (-errno); a refused
 * SELinux option is named.
 */
int tmpfs_mount_error(const struct plan_entry *pe, int rc,
		      struct mntns_error *e);

/*
 * The MS_* flags @pe's mount sets and clears (a tmpfs clears none, ro
 * adds MS_RDONLY, a hide gets all of MOUNT_MS_FLAGS).
 */
void mount_flags(const struct plan_entry *pe, unsigned long *set,
		 unsigned long *clr);

/*
 * Whether @pe's mount, a read-only clone of a tree (ro, bind ... ro),
 * stops receiving mounts from the host: a clone stays a slave like the
 * rest of the view, and a mount the host makes below it later would
 * arrive read-write.  Host mounts and unmounts below it are then no
 * longer seen by the session.
 */
bool mount_private(const struct plan_entry *pe);

/* MS_* flags as mount_setattr(2) MOUNT_ATTR_* ones. */
unsigned long ms_to_attr(unsigned long ms);

/* statvfs(3) ST_* flags as MS_* ones (of MOUNT_MS_FLAGS). */
unsigned long st_to_ms(unsigned long st);

/* An instance parent: a root-owned directory, no group or other bits. */
bool instance_parent_safe(const struct stat *st);

/* Refuses instance parent @path unless instance_parent_safe(@st). */
int check_instance_parent(const char *path, const struct stat *st,
			  struct mntns_error *e);

/* Instance @pe's SOURCE could not be made or opened: @rc, -errno. */
int instance_error(const struct plan_entry *pe, int rc, struct mntns_error *e);

/* Refuses an existing instance of @pe owned by @owner, not by @uid. */
int check_instance_owner(const struct plan_entry *pe, uid_t owner, uid_t uid,
			 struct mntns_error *e);

/*
 * The hide node: an empty root-owned file with mode 0000, bound over a
 * file that a hide rule hides.
 */
#define HIDE_NODE MNTNS_RUN_DIR "/inaccessible"

/* Refuses the hide node @path unless it is empty, root's, mode 0000. */
int check_hide_node(const char *path, const struct stat *st,
		    struct mntns_error *e);

#endif
