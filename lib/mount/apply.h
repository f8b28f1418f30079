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

struct apply_result {
	struct ns_ident ns; /* the session's namespace */
	size_t mounts;	    /* mounts made */
};

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
 * A new namespace built from the current one (or from @base_fd's, when
 * not -1), charged to @uid's count of namespaces: "/" made recursively
 * slave, then every entry of @p.  On error the caller restores; @e names
 * the failing path.
 */
int apply_plan(const struct plan *p, int base_fd, uid_t uid,
	       struct apply_result *res, struct mntns_error *e);

/*
 * Refuses (-EPERM) a caller whose root is not its mount namespace's root:
 * setns() would reset root and working directory and take it out of its
 * chroot.  Joining its own namespace to find out, it puts both back
 * (-ENOTRECOVERABLE if it cannot).
 */
int refuse_chrooted(struct mntns_error *e);

/*
 * Joins the namespace @nsfd, checking before and after that it is @expect
 * and, before, that the caller is not chrooted (refuse_chrooted()).
 */
int apply_join(int nsfd, const struct ns_ident *expect, struct mntns_error *e);

#endif
