/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The namespaces the module made that still exist, for list and enter:
 * read from the records under /run/pam_mntns, each proven by
 * lib/session/vouch.c (by kernel namespace ID, or through its pin), so
 * that nothing listed or entered is a dead namespace, a reused PID or
 * one a user put in its place; the records of gone ones are pruned.
 */
#ifndef MNTNS_HELPER_LIVE_H
#define MNTNS_HELPER_LIVE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "session/vouch.h"

/* Whether @r's namespace was built from the plan whose text is @now. */
enum plan_state {
	PLAN_CURRENT, /* yes */
	PLAN_CHANGED, /* from another one */
	PLAN_UNKNOWN, /* @r has no fingerprint (an older module's), or @now
			 is NULL */
};

struct live_session {
	pid_t pid;
	char service[64];
	struct timespec created;
};

struct live_ns {
	struct ns_record rec;
	char user[64]; /* the name of rec.uid, for display */
	struct live_session *s;
	size_t n;
	size_t procs; /* processes in it */
	bool retired; /* scope=user, and no longer the user's current one */
	enum ns_life life; /* NS_HELD: no process is in it */
	bool pinned;	   /* held by a pin (kernels without namespace IDs) */
	bool proven;	   /* an fd to it proves which namespace it is */
	int fd;		   /* the namespace, when kept for enter */
	enum plan_state plan; /* list: plan_state() */
};

/* A process holding descriptors of mount namespaces nobody is in. */
struct held {
	pid_t pid;
	uid_t uid;
	size_t n;
};

struct live {
	struct live_ns *ns;
	size_t n;
	struct held *held;
	size_t nheld;
	uid_t only;   /* (uid_t)-1: every user */
	bool keep_fd; /* enter: keep an fd to each namespace */
	int run;
	int err;
};

/*
 * Fills @l (only, keep_fd set by the caller) with the live namespaces,
 * grouped by uid, oldest first, and with the processes in each; a
 * message on stderr and -errno when the records cannot be read.
 */
int live_collect(struct live *l);

void live_free(struct live *l);

/* "open": a session is open in it; "lingering": only processes are left;
 * "held": no process is, a descriptor or a bind mount keeps it;
 * "retired": a scope=user namespace no new login joins. */
const char *live_state(const struct live_ns *ns);

/* "yes": held by its pin; "no": a kernel without namespace IDs and no
 * pin, so that nothing proves which namespace it is (no login joins it,
 * enter does not take it); "-": the kernel's ID proves it, no pin. */
const char *live_pin(const struct live_ns *ns);

/*
 * The text of the plan the config @conf (NULL: the default) gives @user
 * now (plan_text(), malloc'd); NULL when it cannot be known: the user is
 * unknown, the config or the plan is refused, memory ran out.
 */
char *plan_now(const char *user, const char *conf);

enum plan_state plan_state(const struct ns_record *r, const char *now);

/* "current", "changed", "unknown": list's PLAN, JSON's "plan". */
const char *plan_state_name(enum plan_state s);

/* The kept text of the plan @r's namespace was built from (malloc'd), or
 * -ENOENT (not kept, or @r has no fingerprint), -ENOMEM. */
int plan_text_kept(const struct ns_record *r, char **text);

/* Removes the kept texts of plans that no namespace of @l has (a full
 * collection, only == -1). */
void plan_texts_tidy(const struct live *l);

/* The uid of @user, or -errno with a message naming the command @cmd. */
int user_uid(const char *cmd, const char *user, uid_t *uid);

#endif
