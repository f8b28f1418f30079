/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A live namespace's way from the plan it was built from to the current
 * one: the mounts whose flags (or a tmpfs's size) change, those that go,
 * and the entries to mount.  Pure; lib/mount/update.c applies it.
 */
#ifndef MNTNS_CHANGE_H
#define MNTNS_CHANGE_H

#include <stdbool.h>

#include "plan/plan.h"

/*
 * A mount whose flags change: TARGET, and the MS_* bits to set and clear;
 * for a tmpfs whose size= or nr_inodes= changes too, the new ones in
 * @data and the old in @was (a remount: its files stay).
 */
struct update_flags {
	char *target;
	unsigned long set, clr;
	char *data, *was;
};

/* A mount that goes: TARGET, and whether the module made it a tmpfs. */
struct update_remove {
	char *target;
	bool tmpfs;
};

struct update {
	struct update_remove *remove; /* deepest first */
	size_t nremove;
	struct update_flags *flags;
	size_t nflags;
	struct plan add; /* entries of the current plan to mount (shallow) */
	bool lazy;	 /* detach busy mounts instead of refusing */
};

/*
 * What turns the namespace built from the plan whose text is @was
 * (plan_text()) into one of @now: a mount that differs in its flags alone
 * changes them, a tmpfs that also differs in size= or nr_inodes= is
 * resized, any other difference is a removal and an addition.
 * @u->add points into @now.  0, -EINVAL (a line of @was is not one),
 * -ENOMEM.
 */
int update_prepare(struct update *u, const char *was, const struct plan *now);
void update_free(struct update *u);

/* Nothing to do. */
bool update_empty(const struct update *u);

#endif
