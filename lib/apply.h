/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Plan -> kernel.  The calling process gets a new mount namespace with "/"
 * recursively slave and every entry of the plan mounted, or, on any
 * failure, is put back into the namespace (and root and cwd) it had.
 */
#ifndef MNTNS_APPLY_H
#define MNTNS_APPLY_H

#include <sys/types.h>

#include "plan.h"

struct apply_result {
	ino_t ns_ino;  /* the session's namespace, for logs and records */
	size_t mounts; /* mounts made */
};

/*
 * Returns 0 on success, -errno after a failure that was rolled back, or
 * -ENOTRECOVERABLE when even the rollback failed (the caller must not go
 * on with the session).  @e names the failing path.
 */
int apply_plan(const struct plan *p, struct apply_result *res,
	       struct mntns_error *e);

/* Fails with a message when the caller has more than one thread. */
int check_single_threaded(struct mntns_error *e);

#endif
