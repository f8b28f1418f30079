/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rules + one user's identity -> the ordered list of mounts to make.
 * Pure: nothing here touches the system beyond NSS lookups.
 */
#ifndef MNTNS_PLAN_H
#define MNTNS_PLAN_H

#include <sys/types.h>

#include "config/conf.h"
#include "plan/ident.h"

struct plan_entry {
	enum mntns_method method;      /* METHOD_TMPFS or METHOD_BIND */
	char *target;		       /* absolute, normalized */
	char *source;		       /* bind only */
	bool instance;		       /* source is a per-user instance */
	bool target_home, source_home; /* from ~ or %h: must be the user's */
	unsigned long ms_set, ms_clr;
	const char *fsdata;  /* owned by the rule */
	const char *selinux; /* owned by the rule: context=... words */
	int mode;	     /* -1: take TARGET's owner and mode */
	uid_t uid;	     /* owner when mode >= 0 */
	gid_t gid;
	const struct rule *rule; /* the rule that won */

	/*
	 * How the entry came to be, for display: the earlier rules for the
	 * same TARGET that @rule overrode, in file order.  Nothing applies
	 * them; "show" reads them instead of matching the rules again.
	 */
	const struct rule **overrode;
	size_t noverrode;
};

struct plan {
	struct plan_entry *entries; /* the @n mounts, then the exemptions */
	size_t n;
	/*
	 * The TARGETs a "none" rule won (method METHOD_NONE), after the @n
	 * entries to mount: nothing is mounted for them, they are kept so
	 * that what they overrode can be shown.
	 */
	size_t nexempt;
};

/* Matches @r's WHO against @id: 1 yes, 0 no, -errno on lookup error. */
int rule_matches(const struct rule *r, struct identity *id,
		 struct mntns_error *e);

/*
 * Expands %u %U %g %G %h %% in @tmpl for @id into a malloc'd string, and
 * refuses names and homes that are unsafe in a path.
 */
int expand_path(const char *tmpl, struct identity *id, char **out,
		struct mntns_error *e);

/*
 * Builds the plan: rules that match @id in file order, the last one per
 * TARGET winning, "none" exempting the TARGET, sorted parents first.
 */
int plan_for_user(struct plan *p, const struct conf *c, struct identity *id,
		  struct mntns_error *e);

void plan_free(struct plan *p);

#endif
