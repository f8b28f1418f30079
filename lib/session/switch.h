/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Moving the calling process between mount namespaces: where it was, to
 * go back if anything fails; joining a namespace proven to be the one
 * expected; refusing a chrooted caller.
 */
#ifndef MNTNS_SWITCH_H
#define MNTNS_SWITCH_H

#include "session/nsid.h"
#include "util.h"

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
 * Refuses (-EPERM) a caller whose root is not its mount namespace's root:
 * setns() would reset root and working directory and take it out of its
 * chroot.  Joining its own namespace to find out, it puts both back
 * (-ENOTRECOVERABLE if it cannot).
 */
int refuse_chrooted(struct mntns_error *e);

/*
 * Joins the namespace @nsfd, checking before and after that it is @expect
 * and, before, that it belongs to the caller's own user namespace (which
 * an @expect with a kernel namespace ID proves) and that the caller is
 * not chrooted (refuse_chrooted()).
 */
int ns_join(int nsfd, const struct ns_ident *expect, struct mntns_error *e);

/*
 * ns_join() for a caller that is still where @here saved (or NULL); with
 * @here, @nsfd is one the caller has just proven to be @expect (an fd
 * names one namespace for good), and is not checked again before; the
 * chroot check uses what @here saved and opens nothing.
 */
int ns_join_from(int nsfd, const struct ns_ident *expect,
		 const struct ns_saved *here, struct mntns_error *e);

#endif
