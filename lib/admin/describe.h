/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a login's plan will look like once applied, found without mounting
 * or creating anything: for each entry the owner, mode and mount flags the
 * session sees at TARGET, what the login creates on the way, or the
 * message it is refused with.  It is the module's own walk
 * (lib/mount/walk.c) and decisions (lib/plan/decide.c), run against a
 * simulated view (lib/admin/view.h) in which the plan's earlier entries
 * are mounted, so that nested TARGETs come out as the module makes them.
 */
#ifndef MNTNS_DESCRIBE_H
#define MNTNS_DESCRIBE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "plan/decide.h"

enum desc_state {
	DESC_OK,	  /* mounted as described */
	DESC_REFUSED,	  /* the login fails here, with the message in why */
	DESC_UNKNOWN,	  /* a path could not be looked at (why): not root */
	DESC_NOT_REACHED, /* the login fails on another entry */
};

/* Where the owner and mode the session sees at TARGET come from. */
enum desc_owner {
	OWNER_MODE,	    /* mode=: the user and the primary group */
	OWNER_TARGET,	    /* TARGET's own owner and mode */
	OWNER_SOURCE,	    /* a bind shows SOURCE as it is */
	OWNER_INSTANCE,	    /* the existing instance, as it is */
	OWNER_NEW_INSTANCE, /* a new instance, owned like TARGET */
	OWNER_HIDDEN,	    /* hide: root, mode 0000 */
};

/* A missing TARGET the login creates. */
enum desc_made {
	MADE_NONE,
	MADE_USER_DIR, /* in a directory the user owns: the user's, 0700 */
	MADE_IN_TMPFS, /* inside a tmpfs of the plan: root 0755 (file 0644) */
};

struct entry_desc {
	enum desc_state state;
	char why[1024];
	bool nested; /* TARGET is below an earlier TARGET of the plan */
	enum desc_made target_made;
	bool parent_made;   /* instance parent created root:root 0000 */
	bool instance_made; /* instance created */
	bool node_made;	    /* hide of a file: the hide node created */
	/* What the session sees at TARGET (state DESC_OK). */
	enum desc_owner owner;
	uid_t uid;
	gid_t gid;
	mode_t mode; /* type and permission bits */
	unsigned long flags;
	char fsdata[512]; /* tmpfs: the data given to mount(2) */
};

struct plan_desc {
	struct entry_desc *d;
	size_t n;
	int failed; /* the entry that refuses the login or is unknown, or -1 */
};

/* Describes @p for the calling process's view; -ENOMEM or 0. */
int describe_plan(const struct plan *p, struct plan_desc *out);
void plan_desc_free(struct plan_desc *pd);

#endif
