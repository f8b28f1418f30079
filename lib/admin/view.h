/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The simulated view of a dry run (lib/admin/describe.c): the host's
 * paths, what the login would have made by then, and one layer per plan
 * entry already mounted, through which later (nested) TARGETs are looked
 * up.  Nothing is created or mounted.
 */
#ifndef MNTNS_VIEW_H
#define MNTNS_VIEW_H

#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "admin/inspect.h"
#include "plan/plan.h"

/* A path in the simulated view, and the tree it is in. */
struct vnode {
	struct path_info pi;
	int layer;	     /* -1: the host's tree; else a plan entry's */
	char path[PATH_MAX]; /* in that tree: absolute, or below its root */
};

/* Something the login would have created by then. */
struct made {
	int layer;
	char *path;
	struct stat st;
	unsigned long mflags;
};

enum layer_kind {
	LAYER_NONE,	 /* not mounted (yet) */
	LAYER_TMPFS,	 /* a fresh tmpfs: only what the login made in it */
	LAYER_EMPTY,	 /* hide of a directory: nothing below */
	LAYER_HIDE_NODE, /* hide of a file: the hide node */
	LAYER_BIND,	 /* SOURCE, as opened before any mount */
	LAYER_SAME,	 /* ro: the view below, with other flags */
};

struct layer {
	enum layer_kind kind;
	struct stat root;
	unsigned long mflags;	/* TMPFS, EMPTY, HIDE_NODE */
	unsigned long set, clr; /* BIND, SAME */
	const char *source;
};

struct view {
	const struct plan *p;
	struct layer *l; /* one per entry of p */
	struct made *m;	 /* in the order made */
	size_t nm;
};

/* A stat of @mode (type and permissions), owned by @uid and @gid. */
struct stat node_stat(mode_t mode, uid_t uid, gid_t gid);

/* Looks @path up in @vw once the first @k entries are mounted. */
void view_lookup(const struct view *vw, const char *path, size_t k,
		 struct vnode *v);

/*
 * Records that the login creates @v (looked up, missing) as @st, with
 * mount flags @mflags, and makes @v so: 0, or -ENOMEM.
 */
int view_make(struct view *vw, struct vnode *v, struct stat st,
	      unsigned long mflags);

/* Frees what @vw made and its layers (not its plan). */
void view_free(struct view *vw);

#endif
