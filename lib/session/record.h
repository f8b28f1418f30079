/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The text of what the module records under /run/pam_mntns: a record of
 * a namespace it made, a record of a scope=user session, and the
 * namespace named in each.  Pure: no system call, so that the format is
 * tested on its own (tests/unit/test_record.c).
 */
#ifndef MNTNS_RECORD_H
#define MNTNS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "config/settings.h"
#include "session/nsid.h"

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
	uint64_t plan;	      /* plan_fingerprint() of its plan; 0: unknown */
	struct timespec created; /* when it was made (when read) */
};

struct session_record {
	pid_t pid;
	uint64_t start;
	struct ns_ident ns;
	char service[64];
	struct timespec created; /* when read */
};

/*
 * The texts of the records (record.c lists their KEY=VALUE words).  The
 * parsers fill every field but @created; -EINVAL on a malformed text.
 */
#define RECORD_MAX 2048
void ns_record_format(const struct ns_record *r, char text[RECORD_MAX]);
int ns_record_parse(const char *text, struct ns_record *r);
void session_record_format(const struct session_record *m,
			   char text[RECORD_MAX]);
int session_record_parse(const char *text, struct session_record *m);

/* The same namespace made by the same session (vouchers may differ). */
bool ns_record_same(const struct ns_record *a, const struct ns_record *b);

/*
 * A namespace alone ("n=ID i=INODE", either may be missing): the user's
 * current scope=user namespace, the base a view was built from.
 */
void ns_ident_format(const struct ns_ident *ns, char text[RECORD_MAX]);
int ns_ident_parse(const char *text, struct ns_ident *ns);

/* users/UID/current: the namespace, and the session that made it
 * ("p=PID n=ID i=INODE"; *@pid 0 when the word is missing). */
void current_format(const struct ns_ident *ns, pid_t pid,
		    char text[RECORD_MAX]);
int current_parse(const char *text, struct ns_ident *ns, pid_t *pid);

#endif
