/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The login's walk (lib/mount/walk.c) run against a simulated view
 * (lib/admin/view.c) instead of the system: each hook does what the
 * module's does (lib/mount/apply.c, target.c) to the model.  Every choice
 * and message comes from lib/plan/decide.c, lib/mount/resolve.c and the
 * walk, as the module's do.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "admin/describe.h"
#include "admin/view.h"
#include "mount/resolve.h"
#include "mount/target.h"
#include "mount/walk.h"

/* What the walk does not keep about an entry: flags and its instance. */
struct seen_at {
	unsigned long tflags; /* of TARGET, as opened */
	struct stat sst;      /* SOURCE or instance */
	unsigned long sflags;
};

struct sim {
	struct view v;
	struct entry_desc *d;
	struct seen_at *at;
	int failed;
	bool root;
	struct vnode cur; /* the TARGET the walk looked up last */
};

/* ---- failures, in the engine's words ---------------------------------- */

/*
 * The login fails on entry @i with @rc, as @e says: recorded in s->d[i],
 * and @rc, a -errno, stops the walk as it stops the login's.
 */
static int
fail(struct sim *s, size_t i, int rc, const struct mntns_error *e)
{
	struct entry_desc *d = &s->d[i];

	/* Not root: a path we may not see says nothing about the login. */
	d->state = !s->root && (rc == -EACCES || rc == -EPERM) ? DESC_UNKNOWN
							       : DESC_REFUSED;
	snprintf(d->why, sizeof(d->why), "%s", e->msg);
	s->failed = (int)i;
	return rc;
}

/* resolve() of lib/mount/resolve.c failing on @v; @dir: opened O_DIRECTORY. */
static int
fail_path(struct sim *s, size_t i, const char *what, const char *path,
	  const struct vnode *v, bool dir)
{
	struct mntns_error e;

	return fail(s, i, path_info_error(what, path, &v->pi, dir, &e), &e);
}

/* ---- TARGETs ---------------------------------------------------------- */

/* The walk goes on with s->cur as entry @i's TARGET. */
static int
found(struct sim *s, size_t i, struct walk_step *ws)
{
	ws->tst = s->cur.pi.st;
	s->at[i].tflags = s->cur.pi.mflags;
	return 0;
}

static int
sim_lookup(void *ctx, size_t i, size_t k, struct walk_step *ws,
	   struct mntns_error *e)
{
	struct sim *s = ctx;
	const char *target = s->v.p->entries[i].target;

	(void)e;
	view_lookup(&s->v, target, k, &s->cur);
	if (s->cur.pi.err == ENOENT)
		return -ENOENT;
	if (s->cur.pi.err)
		return fail_path(s, i, "target", target, &s->cur, false);
	return found(s, i, ws);
}

/* create_user_target() of target.c, in the view after @k entries. */
static int
sim_user_dir(void *ctx, size_t i, size_t k, struct walk_step *ws,
	     struct mntns_error *e)
{
	struct sim *s = ctx;
	const struct plan_entry *pe = &s->v.p->entries[i];
	_cleanup_(freep) char *parent = NULL;
	const char *name;
	struct vnode up;
	int r;

	if (split_path(pe->target, &parent, &name) < 0)
		return -ENOMEM;
	view_lookup(&s->v, parent, k, &up);
	if (up.pi.err || !S_ISDIR(up.pi.st.st_mode))
		return fail_path(s, i, "directory", parent, &up, true);
	if (!user_dir_allowed(pe, &up.pi.st))
		return fail(s, i, path_error("target", pe->target, ENOENT, e),
			    e);
	r = view_make(&s->v, &s->cur,
		      node_stat(S_IFDIR | 0700, pe->uid, pe->gid),
		      up.pi.mflags);
	s->d[i].target_made = MADE_USER_DIR;
	return r ? r : found(s, i, ws);
}

/* One component of create_in_tmpfs(): @last, and a file is wanted. */
static int
sim_tmpfs_component(struct sim *s, size_t i, struct vnode *t, bool file)
{
	const struct plan_entry *pe = &s->v.p->entries[i];
	mode_t m = file ? S_IFREG | 0644 : S_IFDIR | 0755;

	if (t->pi.err == ENOENT) {
		s->d[i].target_made = MADE_IN_TMPFS;
		return view_make(&s->v, t, node_stat(m, 0, 0), t->pi.mflags);
	}
	if (t->pi.err == 0 && (file || S_ISDIR(t->pi.st.st_mode)))
		return 0;
	if (t->pi.err == 0)
		t->pi.err = ENOTDIR;
	return fail_path(s, i, "target", pe->target, t, false);
}

/* create_in_tmpfs() of target.c: the missing part, below the tmpfs. */
static int
sim_in_tmpfs(void *ctx, size_t i, struct walk_step *ws, struct mntns_error *e)
{
	struct sim *s = ctx;
	const struct plan_entry *pe = &s->v.p->entries[i];
	const char *p = pe->target + strlen(s->v.p->entries[ws->parent].target);
	char path[PATH_MAX];
	int r;

	(void)e;
	while (*p == '/') {
		p += 1 + strcspn(p + 1, "/");
		snprintf(path, sizeof(path), "%.*s", (int)(p - pe->target),
			 pe->target);
		view_lookup(&s->v, path, i, &s->cur);
		/* The layer's flags hold for what is made in it. */
		if (s->cur.pi.err == ENOENT)
			s->cur.pi.mflags = s->v.l[ws->parent].mflags;
		r = sim_tmpfs_component(s, i, &s->cur,
					!*p && ws->want == TARGET_FILE);
		if (r)
			return r;
	}
	return found(s, i, ws);
}

/* ---- SOURCEs, instances, the hide node -------------------------------- */

static int
sim_source(void *ctx, size_t i, struct walk_step *ws, struct mntns_error *e)
{
	struct sim *s = ctx;
	const char *source = s->v.p->entries[i].source;
	struct vnode v;

	(void)e;
	view_lookup(&s->v, source, 0, &v);
	if (v.pi.err)
		return fail_path(s, i, "source", source, &v, false);
	ws->sst = s->at[i].sst = v.pi.st;
	s->at[i].sflags = v.pi.mflags;
	return 0;
}

/* open_instance_parent() of target.c. */
static int
sim_instance_parent(struct sim *s, size_t i, const char *path, struct vnode *v,
		    struct mntns_error *e)
{
	_cleanup_(freep) char *up = NULL;
	const char *name;
	struct vnode u;
	int r;

	view_lookup(&s->v, path, 0, v);
	if (v->pi.err == ENOENT) {
		if (split_path(path, &up, &name) < 0)
			return -ENOMEM;
		view_lookup(&s->v, up, 0, &u);
		if (u.pi.err || !S_ISDIR(u.pi.st.st_mode))
			return fail_path(s, i, "directory", up, &u, true);
		r = view_make(&s->v, v, node_stat(S_IFDIR, 0, 0), u.pi.mflags);
		s->d[i].parent_made = true;
		return r;
	}
	if (v->pi.err || !S_ISDIR(v->pi.st.st_mode))
		return fail_path(s, i, "instance parent", path, v, true);
	r = check_instance_parent(path, &v->pi.st, e);
	return r ? fail(s, i, r, e) : 0;
}

/* An instance on the host that the login would finish (target.c). */
static bool
host_unfinished(const struct vnode *v, const struct stat *want)
{
	_cleanup_(closep) int fd = -1;

	if (v->layer >= 0)
		return false;
	fd = open_nofollow(v->path, O_RDONLY | O_DIRECTORY, 0);
	return fd >= 0 && instance_unfinished(fd, &v->pi.st, want->st_uid,
					      want->st_mode & 07777);
}

/*
 * open_instance() of target.c; a new one is made like @want, on the
 * mount of its parent (@pflags).
 */
static int
sim_instance_dir(struct sim *s, size_t i, const struct stat *want,
		 unsigned long pflags, struct vnode *v, struct mntns_error *e)
{
	const struct plan_entry *pe = &s->v.p->entries[i];
	int err, r;

	view_lookup(&s->v, pe->source, 0, v);
	err = v->pi.err;
	if (err == 0 && !S_ISDIR(v->pi.st.st_mode))
		err = ENOTDIR;
	if (err == ENOENT || (!err && v->pi.st.st_uid != want->st_uid &&
			      host_unfinished(v, want))) {
		s->d[i].instance_made = true;
		return view_make(&s->v, v, *want, pflags);
	}
	r = err ? instance_error(pe, -err, e)
		: check_instance_owner(pe, v->pi.st.st_uid, want->st_uid, e);
	return r ? fail(s, i, r, e) : 0;
}

static int
sim_instance(void *ctx, size_t i, const struct stat *fresh,
	     struct mntns_error *e)
{
	struct sim *s = ctx;
	_cleanup_(freep) char *parent = NULL;
	struct vnode par, inst;
	const char *name;
	int r;

	if (split_path(s->v.p->entries[i].source, &parent, &name) < 0)
		return -ENOMEM;
	r = sim_instance_parent(s, i, parent, &par, e);
	if (r == 0)
		r = sim_instance_dir(s, i, fresh, par.pi.mflags, &inst, e);
	if (r)
		return r;
	s->at[i].sst = inst.pi.st;
	s->at[i].sflags = inst.pi.mflags;
	return 0;
}

/* hide_node() of target.c. */
static int
sim_hide_node(void *ctx, size_t i, struct mntns_error *e)
{
	struct sim *s = ctx;
	const char *path = HIDE_NODE;
	struct vnode v;
	int r;

	view_lookup(&s->v, path, 0, &v);
	if (v.pi.err == ENOENT) {
		s->d[i].node_made = true;
		return view_make(&s->v, &v, node_stat(S_IFREG, 0, 0), 0);
	}
	r = v.pi.err ? err_set(e, -v.pi.err, "%s: %s", path, strerror(v.pi.err))
		     : check_hide_node(path, &v.pi.st, e);
	return r ? fail(s, i, r, e) : 0;
}

/* ---- the mounts ------------------------------------------------------- */

static void
seen(struct entry_desc *d, enum desc_owner o, const struct stat *st)
{
	d->owner = o;
	d->uid = st->st_uid;
	d->gid = st->st_gid;
	d->mode = st->st_mode & (S_IFMT | 07777);
}

static int
mount_tmpfs(struct sim *s, size_t i, const struct walk_step *ws,
	    struct mntns_error *e)
{
	const struct plan_entry *pe = &s->v.p->entries[i];
	struct entry_desc *d = &s->d[i];
	struct layer *l = &s->v.l[i];
	int r;

	l->root = fresh_root(pe, &ws->tst);
	seen(d, pe->mode >= 0 ? OWNER_MODE : OWNER_TARGET, &l->root);
	r = tmpfs_data(pe, &l->root, d->fsdata, sizeof(d->fsdata), e);
	if (r)
		return fail(s, i, r, e);
	d->flags = l->mflags = l->set & MOUNT_MS_FLAGS;
	l->kind = LAYER_TMPFS;
	return 0;
}

/* A bind (@kind LAYER_BIND) or ro (LAYER_SAME): @st with @below's flags. */
static void
mount_view(struct sim *s, size_t i, enum desc_owner o, const struct stat *st,
	   unsigned long below)
{
	const struct plan_entry *pe = &s->v.p->entries[i];
	struct layer *l = &s->v.l[i];

	seen(&s->d[i], o, st);
	l->set &= MOUNT_MS_FLAGS;
	l->clr &= MOUNT_MS_FLAGS;
	s->d[i].flags = (below | l->set) & ~l->clr;
	l->source = pe->source;
	l->kind = pe->method == METHOD_BIND ? LAYER_BIND : LAYER_SAME;
}

static enum desc_owner
bind_owner(const struct plan_entry *pe, const struct entry_desc *d)
{
	if (!pe->instance)
		return OWNER_SOURCE;
	if (!d->instance_made)
		return OWNER_INSTANCE;
	return pe->mode >= 0 ? OWNER_MODE : OWNER_NEW_INSTANCE;
}

static void
mount_hide(struct sim *s, size_t i, const struct walk_step *ws)
{
	struct layer *l = &s->v.l[i];
	bool dir = S_ISDIR(ws->tst.st_mode);

	/* An empty mode 0000 tmpfs, or the hide node bound. */
	l->root = node_stat(dir ? S_IFDIR : S_IFREG, 0, 0);
	l->mflags = l->set;
	l->kind = dir ? LAYER_EMPTY : LAYER_HIDE_NODE;
	seen(&s->d[i], OWNER_HIDDEN, &l->root);
	s->d[i].flags = l->set;
}

static int
sim_mount(void *ctx, size_t i, const struct walk_step *ws,
	  struct mntns_error *e)
{
	struct sim *s = ctx;
	const struct plan_entry *pe = &s->v.p->entries[i];
	const struct seen_at *at = &s->at[i];

	mount_flags(pe, &s->v.l[i].set, &s->v.l[i].clr);
	switch (pe->method) {
	case METHOD_TMPFS:
		return mount_tmpfs(s, i, ws, e);
	case METHOD_BIND:
		mount_view(s, i, bind_owner(pe, &s->d[i]), &at->sst,
			   at->sflags);
		break;
	case METHOD_RO:
		mount_view(s, i, OWNER_TARGET, &ws->tst, at->tflags);
		break;
	case METHOD_HIDE:
		mount_hide(s, i, ws);
		break;
	case METHOD_NONE:
		break;
	}
	return 0;
}

static int
sim_refuse(void *ctx, size_t i, int rc, struct mntns_error *e)
{
	return fail(ctx, i, rc, e);
}

/* In the order of struct walk_ops. */
static const struct walk_ops sim_ops = {
	sim_source,   sim_hide_node, sim_lookup, sim_user_dir,
	sim_in_tmpfs, sim_instance,  sim_mount,	 sim_refuse};

static void
sim_free(struct sim *s, struct walk_step *steps)
{
	view_free(&s->v);
	free(s->at);
	free(s->d);
	free(steps);
}

int
describe_plan(const struct plan *p, struct plan_desc *out)
{
	struct sim s = {.v.p = p, .failed = -1, .root = geteuid() == 0};
	size_t i, n = p->n ? p->n : 1;
	struct walk_step *steps = calloc(n, sizeof(*steps));
	struct mntns_error e;
	int r = 0;

	memset(out, 0, sizeof(*out));
	s.d = calloc(n, sizeof(*s.d));
	s.v.l = calloc(n, sizeof(*s.v.l));
	s.at = calloc(n, sizeof(*s.at));
	if (!steps || !s.d || !s.v.l || !s.at)
		r = -ENOMEM;
	if (r == 0)
		r = walk_plan(p, steps, &sim_ops, &s, &e);
	/* The login's refusal is the description's, not a failure of ours. */
	if (s.failed >= 0)
		r = 0;
	for (i = 0; r == 0 && i < p->n; i++) {
		s.d[i].nested = steps[i].parent >= 0;
		if (s.failed >= 0 && (int)i != s.failed)
			s.d[i].state = DESC_NOT_REACHED;
	}
	if (r == 0) {
		out->d = steal_ptr(&s.d);
		out->n = p->n;
		out->failed = s.failed;
	}
	sim_free(&s, steps);
	return r;
}

void
plan_desc_free(struct plan_desc *pd)
{
	free(pd->d);
	memset(pd, 0, sizeof(*pd));
}
