/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One login's namespace: built from the right view (the host's, even
 * when the login starts inside another user's namespace), or joined for
 * scope=user, and recorded; all or nothing.
 */
#ifndef MNTNS_SESSION_H
#define MNTNS_SESSION_H

#include <stdbool.h>

#include "ident.h"
#include "nsid.h"
#include "plan.h"

enum scope {
	SCOPE_SESSION, /* a namespace per session */
	SCOPE_USER,    /* one namespace for all of a user's sessions */
};

/* What close needs to know; plain data, kept by the caller. */
struct session_state {
	struct ns_ident ns;
	enum scope scope;
	uid_t uid;
	pid_t pid;     /* the process whose record this session wrote */
	bool joined;   /* scope=user: joined an existing namespace */
	size_t mounts; /* mounts made (0 when joined) */
};

/*
 * Puts the calling process into the session's namespace: a new one with
 * @p applied, or with scope=user the user's existing one.  On failure the
 * process is back where it was (or -ENOTRECOVERABLE says it is not).
 */
int session_open(const struct plan *p, const struct identity *id,
		 enum scope scope, const char *service,
		 struct session_state *st, struct mntns_error *e);

/* Removes the session's records; the namespace itself dies with its
 * last process. */
int session_close(const struct session_state *st);

#endif
