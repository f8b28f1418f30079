/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Plan -> kernel: a new mount namespace with "/" recursively slave and
 * every entry of the plan mounted.  The caller saves where the process
 * was first and goes back there on any failure (lib/session/switch.h).
 */
#ifndef MNTNS_APPLY_H
#define MNTNS_APPLY_H

#include <sys/types.h>

#include "plan/plan.h"

/*
 * Says why switching namespaces (unshare, setns: @what) failed with
 * errno: for EINVAL from a multithreaded caller, that it has threads.
 */
int ns_switch_error(const char *what, struct mntns_error *e);

/*
 * Mounts (mount(2) with @type, @flags and @data) on the directory @fd,
 * checked before: made the working directory and named ".", which costs
 * less than a /proc/self/fd walk.  0 or -errno; the caller puts the
 * working directory back.
 */
int mount_on(int fd, const char *type, unsigned long flags, const char *data);

/*
 * A new namespace made from the current one, charged to @uid's count of
 * namespaces, with "/" made recursively slave.  The caller is left with
 * the credentials it had; on error @e names the step that failed, and
 * -ENOTRECOVERABLE says that root's euid could not come back.
 */
int apply_new_ns(uid_t uid, struct mntns_error *e);

/*
 * Every entry of @p, in the current (new) namespace; *@mounts counts
 * those made.  The working directory ends in @back, a directory of this
 * namespace (-1: where it was).  On error the caller restores; @e names
 * the failing path.
 */
int apply_entries(const struct plan *p, size_t *mounts, int back,
		  struct mntns_error *e);

#endif
