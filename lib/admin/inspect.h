/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A host path as the engine would find it (openat2 without symlinks,
 * fstat, never a read), for the dry runs "show" (lib/admin/describe.c)
 * and "check" (lib/admin/lint.c), and the words in which a login refuses
 * what is found there.
 */
#ifndef MNTNS_INSPECT_H
#define MNTNS_INSPECT_H

#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "util.h"

/* A path as the engine would find it: no symlink followed, no FIFO read. */
struct path_info {
	int err;	      /* 0, or the errno of the lookup */
	struct stat st;	      /* when err is 0 */
	unsigned long mflags; /* MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC */
	char link[PATH_MAX];  /* err ELOOP: the first symlink on the way */
};

/*
 * Looks at @path as resolve() of lib/mount/resolve.c opens it, into @pi:
 * its stat and mount flags, or the errno (and the symlink) that stops it.
 */
void path_inspect(const char *path, struct path_info *pi);

/*
 * Why resolve() of lib/mount/resolve.c fails on @path (a @what: "target",
 * ...) that @pi describes, in its words: @pi's error, or ENOTDIR for
 * anything but a directory; @dir: opened O_DIRECTORY, so that a symlink
 * itself is refused as a login refuses it.  Returns the -errno, @e set.
 */
int path_info_error(const char *what, const char *path,
		    const struct path_info *pi, bool dir,
		    struct mntns_error *e);

#endif
