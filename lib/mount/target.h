/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The places mounts go to and come from (TARGETs, per-user instances and
 * their parents, the hide node bound over hidden files), opened and created
 * on file descriptors.
 */
#ifndef MNTNS_TARGET_H
#define MNTNS_TARGET_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "plan/decide.h"

/*
 * Creates a missing TARGET directory where user_dir_allowed() lets it be
 * made (in a directory the user owns, e.g. ~/.cache): the user's, 0700.
 */
int create_user_target(const struct plan_entry *pe, struct stat *st,
		       struct mntns_error *e);

/*
 * Creates the missing part of TARGET below @base, the root of a tmpfs the
 * plan mounted: directories root 0755, a file (TARGET_FILE) empty, 0644.
 */
int create_in_tmpfs(const char *base, const struct plan_entry *pe,
		    enum target_type want, struct stat *st,
		    struct mntns_error *e);

/*
 * Opens an instance parent, creating it root:root 0000 when missing
 * (*created says so), and refuses it unless it is a directory owned by
 * root with no group or other permission bits.
 */
int open_instance_parent(const char *path, bool *created,
			 struct mntns_error *e);

/*
 * An instance a login killed between creating it and handing it over
 * left behind: root's, mode 0000 and empty.  Only this code makes entries
 * in a root-only instance parent, so such a one is finished (given @uid
 * and @mode) rather than refused.  @fd must be open for reading.
 */
bool instance_unfinished(int fd, const struct stat *st, uid_t uid, mode_t mode);

/*
 * Opens (creating when missing) the per-user instance directory named by
 * @pe's SOURCE under its root-only parent (created root:root 0000 when
 * missing).  A new one gets @uid, @gid and @mode; an existing one must
 * already belong to @uid, or it is someone else's and is refused.
 */
int open_instance(const struct plan_entry *pe, uid_t uid, gid_t gid,
		  mode_t mode, struct mntns_error *e);

/*
 * An fd to the hide node, HIDE_NODE (created when missing; see
 * check_hide_node()).
 */
int hide_node(struct mntns_error *e);

#endif
