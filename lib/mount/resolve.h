/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Paths, opened once from "/" without following a symlink, and the
 * messages that say why one could not be.
 */
#ifndef MNTNS_RESOLVE_H
#define MNTNS_RESOLVE_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "util.h"

/*
 * Describes why @path (a @what: "target", "source", ...) could not be
 * opened, naming the symlink on ELOOP; returns -@err.
 */
int path_error(const char *what, const char *path, int err,
	       struct mntns_error *e);

/* Refuses @path, a @what, for being a symlink itself; returns -ELOOP. */
int symlink_error(const char *what, const char *path, struct mntns_error *e);

/*
 * Opens @path as an O_PATH descriptor (plus @flags, e.g. O_DIRECTORY)
 * without following a symlink in any component, the last one included,
 * and fstat()s it into @st.  Returns the fd, or -errno with @e set.
 */
int resolve(const char *what, const char *path, int flags, struct stat *st,
	    struct mntns_error *e);

/*
 * Error paths only: the first symlink on @path (by lstat, each prefix in
 * turn) into @prefix; false if there is none.
 */
bool find_symlink(const char *path, char *prefix, size_t len);

/* Splits @path into a malloc'd parent and a pointer to its last name. */
int split_path(const char *path, char **parent, const char **name);

/* Opens a directory we may need to fchown/fchmod: never O_PATH. */
int open_dir_at(int dirfd, const char *name);

/*
 * Creates directory @name in @dirfd with the given owner and mode and
 * returns an fd to it.  A directory that appeared meanwhile is opened and
 * left as it is; *created says which happened.  -errno on failure.
 */
int make_dir_at(int dirfd, const char *name, uid_t uid, gid_t gid, mode_t mode,
		bool *created);

#endif
