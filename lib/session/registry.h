/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the module made, for the helper's list/enter and for scope=user:
 * root-only records under /run/pam_mntns.
 *
 *   ns/KEY           one per namespace the module made: its owner, scope,
 *                    creator and the namespace it was built from
 *   users/UID/lock   serializes the scope=user logins of one user
 *   users/UID/PID    one per scope=user session: the namespace it is in
 *   users/UID/current  the user's scope=user namespace
 *
 * Each record is a symlink whose target is its text ("key=value" lines),
 * made with one symlink(2) and never followed.
 *
 * Nothing here is trusted because it exists: a record counts only while
 * its process is alive and in the namespace the record names, checked
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
	struct ns_ident base; /* the namespace it was built from */
	pid_t base_pid;	      /* a process that was in the base */
	int64_t created;      /* seconds since the epoch (when read) */
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

int ns_record_write(const struct ns_record *r, struct mntns_error *e);
/* Reads ns/KEY for @ns: 0 found, -ENOENT none, other -errno. */
int ns_record_read(const struct ns_ident *ns, struct ns_record *r);
int ns_record_remove(const struct ns_ident *ns);

/*
 * Opens the namespace @r describes if someone still vouches for it: its
 * creator, or for scope=user any member, alive and in it; -ESRCH if not.
 */
int open_recorded_ns(const struct ns_record *r);

/*
 * Finds a process in the namespace @r was built from (its recorded one,
 * else init) and opens that namespace; -ESRCH when none is left.
 */
int open_base_ns(const struct ns_record *r, pid_t *pid);

/* Takes the per-user lock (blocking); returns the fd to close. */
int user_lock(uid_t uid, struct mntns_error *e);
int member_write(uid_t uid, const struct member_record *m,
		 struct mntns_error *e);
int member_remove(uid_t uid, pid_t pid);

/*
 * Under the user's lock, when no member is left: makes @ns the user's
 * scope=user namespace and drops the record of the previous one, whose
 * sessions are all gone (killed ones never closed).
 */
int user_current_swap(uid_t uid, const struct ns_ident *ns,
		      struct mntns_error *e);

/*
 * Calls @fn for each live scope=user session of @uid, with an fd to its
 * namespace (closed after the call); removes the records of dead ones.
 * @fn returns 0 to go on, > 0 to stop (that value is returned), < 0 error.
 */
typedef int (*member_fn)(const struct member_record *m, int nsfd, void *ctx);
int members_each(uid_t uid, member_fn fn, void *ctx);

/*
 * Calls @fn for each namespace record whose namespace is still alive
 * (its creator, or for scope=user any member, vouches for it), with the
 * record and an fd to the namespace; stale records are removed.
 */
typedef int (*ns_fn)(const struct ns_record *r, int nsfd, void *ctx);
int ns_records_each(ns_fn fn, void *ctx);

#endif
