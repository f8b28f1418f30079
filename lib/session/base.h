/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The view a login's namespace is built from: the caller's, or, when the
 * login starts inside a namespace the module made (sudo -i, su - from a
 * user's shell), the view that one was built from, proven by a process
 * of root's there.
 */
#ifndef MNTNS_SESSION_BASE_H
#define MNTNS_SESSION_BASE_H

#include <sys/types.h>

#include "session/nsid.h"
#include "util.h"

/* Where a new namespace is built from, and who vouches for that view. */
struct base {
	int fd; /* the base view when the login started in another; -1 */
	struct ns_ident ns;
	pid_t pid;	 /* a process in it, for the record; 0: the parent */
	uid_t outer_uid; /* whose namespace the login started in, if known */
};

/*
 * The base view of a login whose caller is in the namespace @cur_fd,
 * with the records of @run: @b->fd -1 and @b->ns the caller's own, or
 * an fd to the view the caller's was built from.  A failure to find or
 * prove that view is fatal (nofail must not let the login go on).
 */
int base_find(int run, int cur_fd, struct base *b, const char *user,
	      struct mntns_error *e);

#endif
