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
 *   inaccessible     an empty mode-0000 file, bound over hidden files
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

#include "util.h"

#ifndef MNTNS_RUN_DIR
#define MNTNS_RUN_DIR "/run/pam_mntns"
#endif

enum scope {
	SCOPE_SESSION,
	SCOPE_USER,
};

/*
 * A mount namespace.  @id is the kernel's 64-bit namespace ID, never
 * reused (0 on kernels without NS_GET_MNTNS_ID); inode numbers are reused
 * as soon as a namespace dies, so without @id a record also needs a live
 * process with the recorded start time to vouch for it.
 */
struct ns_ident {
	uint64_t id;
	uint64_t ino;
};

#define NS_KEY_MAX 32

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
 * An fd to MNTNS_RUN_DIR/inaccessible, an empty root-owned file with mode
 * 0000 (created when missing), bound over files that are hidden.
 */
int inaccessible_node(struct mntns_error *e);

/* Identifies the namespace @nsfd refers to. */
int ns_ident_of(int nsfd, struct ns_ident *out);

/*
 * An fd (O_CLOEXEC) to the calling process's mount namespace, or -1 with
 * errno set.  Taken through a pidfd of the process where the kernel can
 * (PIDFD_GET_MNT_NAMESPACE, Linux 6.11), which costs less than the walk
 * through /proc/self/ns/mnt that older kernels need.
 */
int self_ns_open(void);

/*
 * Identifies the calling process's mount namespace: by its ID alone
 * (inode 0) through statmount(2) where the kernel has that (6.11),
 * which opens nothing; else through self_ns_open().
 */
int self_ns_ident(struct ns_ident *out);
bool ns_ident_equal(const struct ns_ident *a, const struct ns_ident *b);
void ns_key(const struct ns_ident *ns, char key[NS_KEY_MAX]);

/* Start time of @pid from /proc/PID/stat, in clock ticks since boot. */
int proc_start_time(pid_t pid, uint64_t *out);

/*
 * Opens the mount namespace of @pid if, at the moment of the check, that
 * process is alive, in namespace @ns and (when @start is not 0) started
 * at @start.  Returns the fd, -ESRCH if not, or another -errno.
 */
int open_ns_of(pid_t pid, const struct ns_ident *ns, uint64_t start);

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
