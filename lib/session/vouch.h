/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a record is worth: whether the namespace it names still exists,
 * whether a task is in it, and an fd to it proven to be that namespace,
 * by something no user process can move or recreate: the kernel's
 * namespace ID (never reused), or, on kernels without IDs, the pin root
 * holds (lib/session/pin.h).  A process found in a namespace proves only
 * that someone lives there.
 */
#ifndef MNTNS_VOUCH_H
#define MNTNS_VOUCH_H

#include <stdbool.h>
#include <sys/types.h>

#include "session/registry.h"

enum ns_life {
	NS_GONE, /* the kernel says it is gone, or (no IDs) its pin was
		    dropped once no task was left: the records go */
	NS_HELD, /* it exists and no task is in it (a descriptor or a bind
		    mount keeps it), or this view cannot tell */
	NS_LIVE, /* a task, thread included, is in it */
};

struct ns_proof {
	enum ns_life life;
	int fd;	      /* the namespace, proven to be the recorded one; -1
			 when it cannot be (no ID and no pin) */
	bool pinned;  /* held by a pin (kernels without namespace IDs) */
	pid_t pid;    /* the task found in it */
	bool creator; /* ... is the session that made it */
};

/*
 * Where proofs are made: the record directory, and the view this is (the
 * pins can be seen, made and dropped only from the one they live in).
 */
struct vouch {
	int run;
	struct ns_ident here;
	int pins;    /* the pins directory, once looked for */
	bool tried;  /* ... and whether it was */
	pid_t asked; /* the scope=user session of this PID was found
			closed (vouch_session()): not asked again */
};

#define VOUCH_INIT(run, here)                                                  \
	{                                                                      \
		(run), (here), -1, false, 0                                    \
	}

void vouch_close(struct vouch *v);

/* The pins directory of @v (pins_open()), or -errno (-EXDEV: the pins
 * live in another view). */
int vouch_pins(struct vouch *v, struct mntns_error *e);

/*
 * Proves what @r names.  A task counts as living there when it is not
 * @skip and, unless @uid is (uid_t)-1, has that real uid or is a
 * scope=user session of @r's user.  With @uid (uid_t)-1 and no task, a
 * pin is dropped (the namespace is then gone).  A task found by a walk
 * of /proc is written into the record as its voucher.  p->fd is the
 * caller's to close.
 */
int vouch_ns(struct vouch *v, struct ns_record *r, uid_t uid, pid_t skip,
	     struct ns_proof *p);

/*
 * Calls @fn for each namespace record (of @uid, unless (uid_t)-1) whose
 * namespace is not gone, with its proof; removes the records of gone
 * ones.  @fn returns 0 to go on, > 0 to stop, < 0 error.
 */
typedef int (*proven_fn)(const struct ns_record *r, const struct ns_proof *p,
			 void *ctx);
int vouch_each(struct vouch *v, uid_t uid, proven_fn fn, void *ctx);

/*
 * Calls @fn for each scope=user session of @uid whose process is alive
 * and in the namespace it recorded, with an fd to that namespace (closed
 * after the call unless @fn returns SESSION_FD_TAKEN: then it is @fn's,
 * and the walk stops with 1); removes the records of the others.
 */
#define SESSION_FD_TAKEN 2
typedef int (*session_fn)(const struct session_record *m, int nsfd, void *ctx);
int vouch_sessions(int run, uid_t uid, session_fn fn, void *ctx);

/*
 * An fd to @ns through the scope=user session of @uid whose process is
 * @pid, when that session is open and its process is in @ns, which must
 * have a kernel namespace ID (the only proof of which namespace a task
 * is in that no pin backs); else -ESRCH.
 */
int vouch_session(int run, uid_t uid, const struct ns_ident *ns, pid_t pid);

/* What happens to a namespace's records when a session leaves it. */
enum leave {
	LEAVE_KEPT,	/* another session or a process is in it */
	LEAVE_DEFERRED, /* it has a kernel ID: the next reader of the
			   record finds it gone (listmount(2), one call) */
	LEAVE_GONE,	/* nobody is left: the records were removed */
	LEAVE_UNPIN,	/* the same, and its pin is to be dropped */
};

/*
 * A session of @r ends; the caller, @self, is in the namespace (so, even
 * without IDs, its inode names no other while the walk runs).
 */
enum leave vouch_leave(int run, struct ns_record *r, pid_t self);

/*
 * An fd to the view @base (one a login was built from), proven by a
 * process of root's in it: @hint first, then init, then any on the host.
 * Without namespace IDs that process must also be in a view with no
 * mark (pin.h).  Sets *@pid; -ESRCH when none is found.
 */
int vouch_base(const struct ns_ident *base, pid_t hint, pid_t *pid);

#endif
