/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the module made, for the helper's list/enter and for scope=user:
 * root-only records under /run/pam_mntns, reached through a directory fd
 * opened before the login changes its view (registry_open()), so that no
 * mount of a plan can redirect them.
 *
 *   ns/KEY           one per namespace the module made, while it exists:
 *                    its owner, scope, creator, a process left in it, and
 *                    the namespace it was built from
 *   users/UID/KEY    the same record, so that a user's logins count and
 *                    prune that user's namespaces alone
 *   users/UID        the directory is also the per-user lock (flock(2)),
 *                    which serializes the logins of one user that make or
 *                    join a namespace
 *   users/UID/PID    one per scope=user session: the namespace it is in
 *   users/UID/current  the user's scope=user namespace and the session that
 *                    made it (retire removes it)
 *   plans/FP         the text of a plan some namespace was built from,
 *                    named by the fingerprint its record holds
 *   pins/KEY, view/, bases/KEY   lib/session/pin.h
 *
 * Each record is a symlink whose target is its text (lib/session/record.h),
 * made with one symlink(2) and never followed.  Nothing here is trusted
 * because it exists: lib/session/vouch.c proves what a record names.
 */
#ifndef MNTNS_REGISTRY_H
#define MNTNS_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "session/nsid.h"
#include "session/record.h"
#include "util.h"

/*
 * An fd (O_CLOEXEC) to MNTNS_RUN_DIR, refused unless it is root's with no
 * group or other permissions.  With @create it is made when missing;
 * without, -ENOENT says nothing was ever recorded.  Every call below
 * takes it as @run.
 */
int registry_open(bool create, struct mntns_error *e);

/*
 * The run directory a session keeps from its open to its close, where
 * the view may have changed (a plan's mount on /run): opened in the
 * caller's view, as registry_open(true) opens it.
 */
struct registry_hold {
	int fd;
	dev_t dev;
	ino_t ino;
};

int registry_open_held(struct registry_hold *h, struct mntns_error *e);
/* Whether @h's fd still is that directory (one fstat(2)): the
 * application may have closed the number, which may name another file. */
bool registry_still(const struct registry_hold *h);

/* ns/KEY and users/UID/KEY of namespace @ns. */
void ns_record_paths(const struct ns_ident *ns, uid_t uid, char global[64],
		     char own[64]);

int ns_record_write(int run, const struct ns_record *r, struct mntns_error *e);
/* ns_record_write() of a record just read (a new voucher): each name is
 * replaced at once, as one already there would be. */
int ns_record_rewrite(int run, const struct ns_record *r);
/* Reads ns/KEY for @ns (r->created is left 0): 0 found, -ENOENT none,
 * other -errno. */
int ns_record_read(int run, const struct ns_ident *ns, struct ns_record *r);
/*
 * Removes the records of @r: its user's copy, and ns/KEY only while it
 * still says what @r says (without namespace IDs the key may by now name
 * another namespace, whose record is someone else's).
 */
int ns_record_remove(int run, const struct ns_record *r);

/*
 * Takes the per-user lock on the directory users/UID (made if missing),
 * waiting at most LOCK_WAIT_MS; the refusal names the process that holds
 * it.  Returns the directory's fd, not read yet, to close.
 */
int user_lock(int run, uid_t uid, struct mntns_error *e);
int session_record_write(int run, uid_t uid, const struct session_record *m,
			 struct mntns_error *e);
int session_record_remove(int run, uid_t uid, pid_t pid);
/* Reads users/UID/PID: 0, -ENOENT, or -EINVAL when it does not parse. */
int session_record_read(int run, uid_t uid, pid_t pid,
			struct session_record *m);

/* The user's scope=user namespace: 0, or -ENOENT when there is none;
 * the session that made it in *@pid unless @pid is NULL (0: unknown). */
int user_current_read(int run, uid_t uid, struct ns_ident *ns, pid_t *pid);
/* Under the user's lock: makes @ns, which session @pid made, the one the
 * next login joins. */
int user_current_write(int run, uid_t uid, const struct ns_ident *ns, pid_t pid,
		       struct mntns_error *e);
/* The next scope=user login of @uid builds a fresh namespace. */
int user_retire(int run, uid_t uid);

/*
 * Calls @fn for each scope=user session record of @uid, parsed, with the
 * directory and name it was read from.  @fn returns 0 to go on, > 0 to
 * stop (that value is returned), < 0 error.
 */
typedef int (*session_file_fn)(int dirfd, const char *name,
			       const struct session_record *m, void *ctx);
int session_files_each(int run, uid_t uid, session_file_fn fn, void *ctx);

/*
 * Calls @fn for each namespace record (ns/, or users/UID/ for
 * user_ns_files_each()), parsed; r->created (m->created for sessions)
 * is when it was made after registry_record_times(true), else 0.
 */
void registry_record_times(bool on);

/*
 * With kernel namespace IDs: how many of @uid's namespaces exist, by
 * listmount(2) on the ID in each name of users/UID/ (an ID is never
 * reused, so the name alone says which namespace it is; of one that
 * exists, ns/KEY is read to tell that it is the user's, and a copy that
 * is not goes).
 * The records (the user's and ns/) of the gone ones are removed, and so
 * are the session records of killed sessions whose namespace is gone.
 * 0 with *n, -EOPNOTSUPP when a record has no ID or the kernel cannot
 * tell, or another -errno; then vouch_each() counts.  @locked is the
 * directory as user_lock() returned it, read from its start, or -1.
 */
int user_ns_count_by_id(int run, int locked, uid_t uid, unsigned *n);
typedef int (*ns_file_fn)(int dirfd, const char *name,
			  const struct ns_record *r, void *ctx);
int ns_files_each(int run, ns_file_fn fn, void *ctx);
int user_ns_files_each(int run, uid_t uid, ns_file_fn fn, void *ctx);

/*
 * The text of a plan with fingerprint @fp (plan/fingerprint.h), kept in
 * plans/FP for "show" to say how a namespace differs from the current
 * plan.  Keeping is best effort: a text that cannot be kept costs only
 * that difference.  plan_text_read() gives a malloc'd copy, or -ENOENT.
 */
void plan_text_keep(int run, uint64_t fp, const char *text);
int plan_text_read(int run, uint64_t fp, char **text);

/*
 * Removes the texts of plans that none of @keep names and that are older
 * than PLAN_TEXT_GRACE seconds (a login may be about to record it).
 */
#define PLAN_TEXT_GRACE 600
int plan_texts_prune(int run, const uint64_t *keep, size_t nkeep);

#endif
