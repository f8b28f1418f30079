/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The steps a login takes over a plan, in their order: run by the module
 * against the system (lib/mount/apply.c) and by "show" against a simulated view
 * (lib/admin/describe.c), so that the dry run takes the login's steps and no
 * others.  Phase one, before any mount, looks at every SOURCE, instance
 * and TARGET that no earlier entry covers; phase two opens the TARGETs
 * below earlier ones in the view as mounted so far, and mounts.
 */
#ifndef MNTNS_WALK_H
#define MNTNS_WALK_H

#include <stdbool.h>
#include <sys/stat.h>

#include "plan/decide.h"

/* One entry of the plan on its way. */
struct walk_step {
	enum target_type want; /* what TARGET must be */
	int parent;	       /* nearest earlier entry holding TARGET, or -1 */
	bool opened;	       /* TARGET looked up: tst holds it */
	struct stat tst;
	struct stat sst; /* SOURCE of a plain bind */
};

/*
 * What a walker does at each step, for entry @i.  A hook returns 0 to go
 * on; anything else stops the walk and is what it returns (the module: a
 * -errno with @e set; a dry run: its own verdict).
 */
struct walk_ops {
	/* SOURCE of a plain bind, its stat into s->sst. */
	int (*source)(void *ctx, size_t i, struct walk_step *s,
		      struct mntns_error *e);
	/* The hide node, bound over a file that entry @i hides. */
	int (*hide_node)(void *ctx, size_t i, struct mntns_error *e);
	/*
	 * TARGET in the view once the first @k entries are mounted, its
	 * stat into s->tst; -ENOENT (alone) when it is missing.
	 */
	int (*lookup)(void *ctx, size_t i, size_t k, struct walk_step *s,
		      struct mntns_error *e);
	/* A missing TARGET made in the user's directory (view after @k). */
	int (*make_user_dir)(void *ctx, size_t i, size_t k, struct walk_step *s,
			     struct mntns_error *e);
	/* A missing TARGET made inside the tmpfs of entry s->parent. */
	int (*make_in_tmpfs)(void *ctx, size_t i, struct walk_step *s,
			     struct mntns_error *e);
	/* The instance of entry @i; a new one is made like @fresh. */
	int (*instance)(void *ctx, size_t i, const struct stat *fresh,
			struct mntns_error *e);
	int (*mount)(void *ctx, size_t i, const struct walk_step *s,
		     struct mntns_error *e);
	/* The walk itself refuses entry @i: @rc, a -errno, with @e set. */
	int (*refuse)(void *ctx, size_t i, int rc, struct mntns_error *e);
};

/* Walks @p; @steps has room for p->n entries. */
int walk_plan(const struct plan *p, struct walk_step *steps,
	      const struct walk_ops *ops, void *ctx, struct mntns_error *e);

#endif
