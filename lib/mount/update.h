/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A live namespace brought to the current plan, from inside it: the
 * mounts of dropped entries taken away, the flags of changed ones set,
 * new entries mounted by the login's own walk (apply_entries()).  All
 * or nothing: on any failure what was done is undone, in reverse.
 */
#ifndef MNTNS_UPDATE_H
#define MNTNS_UPDATE_H

#include <stdbool.h>

#include "plan/change.h"

/*
 * Applies @u in the calling process's namespace (the caller has joined
 * it, single-threaded, with "/" as its working directory).  A mount to
 * remove that is busy is refused, naming the processes that use it,
 * unless u->lazy.  On failure @e names the TARGET and the namespace is
 * as it was.
 */
int update_apply(const struct update *u, struct mntns_error *e);

#endif
