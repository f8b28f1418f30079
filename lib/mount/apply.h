/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Plan -> kernel: a new mount namespace with "/" recursively slave and
 * every entry of the plan mounted, or an existing one joined.  The caller
 * saves where the process was first and goes back there on any failure.
 */
#ifndef MNTNS_APPLY_H
#define MNTNS_APPLY_H

#include <sys/types.h>

#include "nsid.h"
#include "plan.h"

/* Where the process was, to go back to if anything fails. */
struct ns_saved {
	int ns, root, cwd;
};
#define NS_SAVED_INIT                                                          \
	{                                                                      \
		-1, -1, -1                                                     \
	}

/*
 * Saves the current namespace, root and cwd.  (A caller with more than
 * one thread is refused by the switch itself: unshare and setns would
 * cover only the calling thread.)
 */
int ns_save(struct ns_saved *s, struct mntns_error *e);

/*
 * Goes back to what @s saved and returns @err, or -ENOTRECOVERABLE when
 * even that failed (the caller must not go on with the session).
 */
int ns_restore(struct ns_saved *s, int err, struct mntns_error *e);

/* Forgets what @s saved: the new namespace is final. */
void ns_saved_close(struct ns_saved *s);

/*
 * A new namespace made from the current one, charged to @uid's count of
 * namespaces, with "/" made recursively slave.  The caller is left with
 * the credentials it had; on error @e names the step that failed, and
 * -ENOTRECOVERABLE says that root's euid could not come back.
 */
int apply_new_ns(uid_t uid, struct mntns_error *e);

/*
 * Every entry of @p, in the current (new) namespace; *@mounts counts
 * those made.  On error the caller restores; @e names the failing path.
 */
int apply_entries(const struct plan *p, size_t *mounts, struct mntns_error *e);

/*
 * Refuses (-EPERM) a caller whose root is not its mount namespace's root:
 * setns() would reset root and working directory and take it out of its
 * chroot.  Joining its own namespace to find out, it puts both back
 * (-ENOTRECOVERABLE if it cannot).
 */
int refuse_chrooted(struct mntns_error *e);

/*
 * Joins the namespace @nsfd, checking before and after that it is @expect
 * and, before, that it belongs to the caller's own user namespace and
 * that the caller is not chrooted (refuse_chrooted()).
 */
int apply_join(int nsfd, const struct ns_ident *expect, struct mntns_error *e);

#endif
