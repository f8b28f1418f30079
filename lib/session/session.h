/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One login's namespace: built from the right view (the host's, even
 * when the login starts inside another user's namespace), or joined for
 * scope=user, and recorded; all or nothing.
 */
#ifndef MNTNS_SESSION_H
#define MNTNS_SESSION_H

#include <stdbool.h>

#include "plan/ident.h"
#include "session/nsid.h"
#include "plan/plan.h"
#include "session/record.h"
#include "session/registry.h"

/*
 * What close needs to know, kept by the caller; session_state_close()
 * lets go of it.
 */
struct session_state {
	struct ns_ident ns;
	enum scope scope;
	uid_t uid;
	pid_t pid;     /* the process whose record this session wrote */
	bool joined;   /* scope=user: joined an existing namespace */
	size_t mounts; /* mounts made (0 when joined) */
	int base_fd;   /* the view the pins are in, to drop this
			  namespace's pin when the last session leaves it
			  (kernels without namespace IDs); else -1 */
	struct registry_hold run; /* the records, as open found them */
};

#define SESSION_STATE_INIT                                                     \
	{                                                                      \
		.base_fd = -1, .run = {.fd = -1 }                              \
	}

void session_state_close(struct session_state *st);

/* What a login asks for. */
struct session_args {
	const struct plan *plan;
	const struct identity *id;
	enum scope scope;
	const char *service;
	unsigned max_namespaces; /* namespaces per user; 0: no cap */
};

/*
 * Puts the calling process into the session's namespace: a new one with
 * the plan applied, or with scope=user the user's existing one while any
 * session or process of the user is in it.  On failure the process is
 * back where it was (or -ENOTRECOVERABLE says it is not); e->fatal says
 * that nofail must not let the login go on (it would stay in another
 * user's view).
 */
int session_open(const struct session_args *a, struct session_state *st,
		 struct mntns_error *e);

/* What session_open() would find, for a dry run (show). */
struct session_outlook {
	bool joins;		 /* scope=user: the login joins @current */
	struct ns_ident current; /* ... the user's namespace */
	unsigned namespaces;	 /* else: the user's that exist */
};

/*
 * The namespaces of a login with @a (its plan unused) as session_open()
 * would find them, looked at from this view: the one it joins, or how
 * many the user has, and -EUSERS with the module's message when that is
 * the cap.  Read only, but for the records of namespaces found gone,
 * which go as they do when list reads them.
 */
int session_outlook(const struct session_args *a, struct session_outlook *o,
		    struct mntns_error *e);

/*
 * A login with no rule (root under "*,!root", an "@admins ... none"
 * member): when it starts inside a namespace this module made, or a copy
 * of one (sudo -i or su - from a user's shell), it goes back to the view
 * that one was built from, the host's.  Returns 1 (and the view in @to)
 * when it moved, 0 when it already was in a view the module did not
 * make, < 0 when it could not move (the process stays where it was;
 * e->fatal when it is in another user's view).
 */
int session_host_view(const char *user, struct ns_ident *to,
		      struct mntns_error *e);

/*
 * A session ends: its records go, unless a process is left in its
 * namespace (a detached tmux, a nohup job): then the namespace record
 * stays, for list, for nested logins and for scope=user to join.
 * Returns what became of the records (enum leave of vouch.h), or -ENOENT
 * when the record was gone already, or another -errno.
 *
 * With kernel namespace IDs a namespace's record stays for the next
 * reader, who learns in one listmount(2) whether it is gone: a
 * scope=session close then reads nothing, a scope=user close removes its
 * session's record alone (LEAVE_DEFERRED), unless @tell asks what became
 * of the records (for a debug line).
 */
int session_close(const struct session_state *st, bool tell);

#endif
