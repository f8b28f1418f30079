/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the module made, for the helper's list/enter and for scope=user:
 * root-only records under /run/pam_mntns, reached through a directory fd
 * opened before the login changes its view (registry_open()), so that no
 * mount of a plan can redirect them.
 *
 *   ns/KEY           one per namespace the module made, while any process
 *                    is in it: its owner, scope, creator, a process left
 *                    in it, and the namespace it was built from
 *   users/UID/KEY    the same record, so that a user's logins count and
 *                    prune that user's namespaces alone
 *   users/UID/lock   serializes the scope=user logins of one user
 *   users/UID/PID    one per scope=user session: the namespace it is in
 *   users/UID/current  the user's scope=user namespace (retire removes it)
 *
 * Each record is a symlink whose target is its text ("key=value" lines),
 * made with one symlink(2) and never followed.
 *
 * Nothing here is trusted because it exists: a record counts only while
 * a process is alive and in the namespace the record names, checked
 * through a pidfd.  Stale records are removed by whoever meets them.
 */
#ifndef MNTNS_REGISTRY_H
#define MNTNS_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "nsid.h"
#include "session.h"
#include "util.h"

struct ns_record {
	struct ns_ident ns;
	enum scope scope;
	uid_t uid;
	char service[64];     /* PAM service of the creating session */
	pid_t pid;	      /* the creating session's process */
	uint64_t start;	      /* its start time (clock ticks), 0 if unneeded */
	pid_t voucher;	      /* a process in the namespace (at first: pid) */
	uint64_t vstart;      /* its start time, 0 if unneeded */
	struct ns_ident base; /* the namespace it was built from */
	pid_t base_pid;	      /* a process that was in the base */
	int64_t created;      /* seconds since the epoch (when read) */
	bool creator_alive;   /* pid vouched at the last open (not stored) */
};

struct member_record {
	pid_t pid;
	uint64_t start;
	struct ns_ident ns;
	char service[64];
	int64_t created; /* when read */
};

/*
 * The text of a record (see registry.c for its KEY=VALUE words), apart
 * from where it is stored, so that the format can be tested on its own.
 * The parsers fill every field but @created; -EINVAL on a malformed text.
 */
#define RECORD_MAX 2048
void ns_record_format(const struct ns_record *r, char text[RECORD_MAX]);
int ns_record_parse(const char *text, struct ns_record *r);
void member_format(const struct member_record *m, char text[RECORD_MAX]);
int member_parse(const char *text, struct member_record *m);

/*
 * An fd (O_CLOEXEC) to MNTNS_RUN_DIR, refused unless it is root's with no
 * group or other permissions.  With @create it is made when missing;
 * without, -ENOENT says nothing was ever recorded.  Every call below
 * takes it as @run.
 */
int registry_open(bool create, struct mntns_error *e);

int ns_record_write(int run, const struct ns_record *r, struct mntns_error *e);
/* Reads ns/KEY for @ns (r->created is left 0): 0 found, -ENOENT none,
 * other -errno. */
int ns_record_read(int run, const struct ns_ident *ns, struct ns_record *r);
int ns_record_remove(int run, const struct ns_record *r);

/*
 * Opens the namespace @r describes if someone still lives in it: its
 * creator, a scope=user session, the process last found there, or any
 * process on the host (kernels with namespace IDs only); -ESRCH if not.
 * A process found by that last walk is written into the record.
 */
int open_recorded_ns(int run, struct ns_record *r);

/* The same, but only a session of @r's user or a process with that real
 * uid vouches: what a scope=user login may join. */
int open_user_ns(int run, struct ns_record *r);

/*
 * A session in the namespace of @r ends (the caller, @self, is still in
 * it).  Returns 1 when another session or process is in the namespace
 * (the record stays, naming that process); 2 when the namespace has a
 * kernel ID (the record stays until a reader finds the namespace gone);
 * else 0 once the record is removed (-ENOENT if it was gone already).
 */
int ns_record_leave(int run, struct ns_record *r, pid_t self);

/*
 * Finds a process in the namespace @r was built from (its recorded one,
 * else init) and opens that namespace; -ESRCH when none is left.
 */
int open_base_ns(const struct ns_record *r, pid_t *pid);

/* Takes the per-user lock (blocking); returns the fd to close. */
int user_lock(int run, uid_t uid, struct mntns_error *e);
int member_write(int run, uid_t uid, const struct member_record *m,
		 struct mntns_error *e);
int member_remove(int run, uid_t uid, pid_t pid);

/* The user's scope=user namespace: 0, or -ENOENT when there is none. */
int user_current_read(int run, uid_t uid, struct ns_ident *ns);
/* Under the user's lock: makes @ns the one the next login joins. */
int user_current_write(int run, uid_t uid, const struct ns_ident *ns,
		       struct mntns_error *e);
/* The next scope=user login of @uid builds a fresh namespace. */
int user_retire(int run, uid_t uid);

/*
 * Calls @fn for each live scope=user session of @uid, with an fd to its
 * namespace (closed after the call); removes the records of dead ones.
 * @fn returns 0 to go on, > 0 to stop (that value is returned), < 0 error.
 */
typedef int (*member_fn)(const struct member_record *m, int nsfd, void *ctx);
int members_each(int run, uid_t uid, member_fn fn, void *ctx);

/*
 * Calls @fn for each namespace record whose namespace is still alive
 * (open_recorded_ns()), with the record and an fd to the namespace;
 * stale records are removed.  user_ns_each() visits one user's only.
 */
typedef int (*ns_fn)(const struct ns_record *r, int nsfd, void *ctx);
int ns_records_each(int run, ns_fn fn, void *ctx);
int user_ns_each(int run, uid_t uid, ns_fn fn, void *ctx);

#endif
