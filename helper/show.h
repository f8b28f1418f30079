/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show: what a login gets (show.c), printed as text (show_text.c) or
 * JSON (show_json.c).
 */
#ifndef MNTNS_HELPER_SHOW_H
#define MNTNS_HELPER_SHOW_H

#include <limits.h>

#include "admin/describe.h"
#include "helper.h"
#include "live.h"
#include "plan/fingerprint.h"
#include "plan/login.h"
#include "session/session.h"

enum result {
	RESULT_MOUNTS,	/* a new namespace with the plan mounted */
	RESULT_JOINS,	/* scope=user: the user's namespace, as it is */
	RESULT_IGNORE,	/* no rule applies: PAM_IGNORE */
	RESULT_REFUSED, /* PAM_SESSION_ERR */
	RESULT_NOFAIL,	/* refused, and nofail lets it go on: PAM_IGNORE */
	RESULT_UNKNOWN, /* a path could not be looked at */
};

/* One mount in which a live namespace differs from the current plan. */
struct plan_diff {
	enum plan_change c;
	char *was, *now; /* lines of plan_text(); NULL on the side without */
};

/* A live namespace of the user, against the current plan. */
struct live_plan {
	char ns[NS_NAME_MAX];
	enum scope scope;
	size_t procs;
	enum plan_state state;
	bool kept; /* the text of its plan was kept: @d is known */
	struct plan_diff *d;
	size_t nd;
};

/* What became of a rule that applies to the user, as the plan says. */
struct outcome {
	bool matched;
	const char *exempts;   /* a "none" rule that won: its TARGET */
	int entry;	       /* the plan entry it made, or -1 */
	const struct rule *by; /* the later rule overriding it */
};

struct show {
	struct opts o;
	struct login l; /* as the module prepares it */
	const char *group;
	struct outcome *out;
	struct session_outlook look;
	bool looked; /* ... the namespaces were looked at */
	struct plan_desc desc;
	struct live_plan *live; /* as root: the user's live namespaces */
	size_t nlive;
	struct pam_services services;
	int services_err; /* reading PAM_DIR failed: -errno */
	enum result result;
	char why[1024];
};

/* A rule's fields as text, as a config line writes them. */
struct rule_text {
	char who[256], target[PATH_MAX], source[PATH_MAX], opts[512];
};

void rule_text(const struct rule *r, struct rule_text *t);

/* Fills s->live (as root; nothing otherwise): 0 or -ENOMEM. */
int show_live(struct show *s);
void show_live_free(struct show *s);

/* What show found, as text or as JSON, on stdout. */
void show_text(const struct show *s);
void show_json(const struct show *s);

#endif
