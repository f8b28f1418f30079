/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The view a dry run's login sees, in a small model: a path is looked up
 * through the layers of the entries mounted so far, in what the login
 * made, or on the host (as the engine opens it: admin/inspect.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "admin/view.h"

struct stat
node_stat(mode_t mode, uid_t uid, gid_t gid)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_mode = mode;
	st.st_uid = uid;
	st.st_gid = gid;
	return st;
}

/* What the login made at @path in @layer, or made above it (@below). */
static const struct made *
made_find(const struct view *vw, int layer, const char *path, bool *below)
{
	size_t i;

	for (i = vw->nm; i-- > 0;) {
		if (vw->m[i].layer != layer ||
		    !path_at_or_below(path, vw->m[i].path))
			continue;
		*below = path_below(path, vw->m[i].path);
		return &vw->m[i];
	}
	return NULL;
}

static void
made_node(const struct made *m, bool below, struct vnode *v)
{
	v->pi.st = m->st;
	v->pi.mflags = m->mflags;
	/* What the login creates is new: nothing is below it yet. */
	if (below)
		v->pi.err = S_ISDIR(m->st.st_mode) ? ENOENT : ENOTDIR;
}

int
view_make(struct view *vw, struct vnode *v, struct stat st,
	  unsigned long mflags)
{
	struct made *grown;

	grown = reallocarray(vw->m, vw->nm + 1, sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	vw->m = grown;
	grown[vw->nm].path = strdup(v->path);
	if (!grown[vw->nm].path)
		return -ENOMEM;
	grown[vw->nm].layer = v->layer;
	grown[vw->nm].st = st;
	grown[vw->nm].mflags = mflags;
	vw->nm++;
	v->pi.err = 0;
	v->pi.st = st;
	v->pi.mflags = mflags;
	return 0;
}

static void
vnode_at(struct vnode *v, int layer, const char *path)
{
	memset(&v->pi, 0, sizeof(v->pi));
	v->layer = layer;
	snprintf(v->path, sizeof(v->path), "%s", path);
}

static void
host_lookup(const struct view *vw, const char *path, struct vnode *v)
{
	const struct made *m;
	bool below = false;

	vnode_at(v, -1, path);
	m = made_find(vw, -1, path, &below);
	if (m)
		made_node(m, below, v);
	else
		path_inspect(path, &v->pi);
}

static void
layer_lookup(const struct view *vw, int j, const char *rel, struct vnode *v)
{
	const struct layer *l = &vw->l[j];
	const struct made *m;
	bool below = false;

	vnode_at(v, j, rel);
	v->pi.mflags = l->mflags;
	if (!*rel) {
		v->pi.st = l->root;
		return;
	}
	m = l->kind == LAYER_TMPFS ? made_find(vw, j, rel, &below) : NULL;
	if (m)
		made_node(m, below, v);
	else
		v->pi.err = l->kind == LAYER_HIDE_NODE ? ENOTDIR : ENOENT;
}

/* The latest of the first @k entries, mounted, whose TARGET holds @path. */
static int
cover(const struct view *vw, const char *path, size_t k, size_t *len)
{
	const char *t;
	size_t i, n;
	int best = -1;

	for (i = 0; i < k; i++) {
		t = vw->p->entries[i].target;
		n = strlen(t);
		if (vw->l[i].kind == LAYER_NONE || !path_at_or_below(path, t))
			continue;
		if (best < 0 || n > *len) {
			best = (int)i;
			*len = n;
		}
	}
	return best;
}

void
view_lookup(const struct view *vw, const char *path, size_t k, struct vnode *v)
{
	char buf[PATH_MAX];
	const struct layer *l;
	size_t n = 0;
	int j = cover(vw, path, k, &n);

	if (j < 0)
		return host_lookup(vw, path, v);
	l = &vw->l[j];
	if (l->kind != LAYER_BIND && l->kind != LAYER_SAME)
		return layer_lookup(vw, j, path + n, v);
	if (l->kind == LAYER_SAME) {
		view_lookup(vw, path, (size_t)j, v);
	} else if (snprintf(buf, sizeof(buf), "%s%s", l->source, path + n) <
		   (int)sizeof(buf)) {
		host_lookup(vw, buf, v);
	} else {
		vnode_at(v, -1, path);
		v->pi.err = ENAMETOOLONG;
	}
	v->pi.mflags = (v->pi.mflags | l->set) & ~l->clr;
}

void
view_free(struct view *vw)
{
	while (vw->nm > 0)
		free(vw->m[--vw->nm].path);
	free(vw->m);
	free(vw->l);
	vw->m = NULL;
	vw->l = NULL;
}
