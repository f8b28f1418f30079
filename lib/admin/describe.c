/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The login's walk (lib/mount/walk.c) run against a simulated view instead of
 * the system.  Paths are looked at the way the engine opens them (openat2
 * without symlinks, fstat, never a read), and what the login would create
 * or mount is kept in a small model: "made" directories, and one layer
 * per entry already mounted, through which later (nested) TARGETs are
 * looked up.  Every choice and message comes from lib/plan/decide.c,
 * lib/mount/resolve.c and the walk, as the module's do.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "describe.h"
#include "resolve.h"
#include "target.h"
#include "walk.h"

/* Stops the simulation: the login fails on the current entry. */
#define STOP 1

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
	LAYER_NONE,  /* not mounted (yet) */
	LAYER_TMPFS, /* a fresh tmpfs: only what the login made in it */
	LAYER_EMPTY, /* hide of a directory: nothing below */
	LAYER_NODE,  /* hide of a file */
	LAYER_BIND,  /* SOURCE, as opened before any mount */
	LAYER_SAME,  /* ro: the view below, with other flags */
};

struct layer {
	enum layer_kind kind;
	struct stat root;
	unsigned long mflags;	/* TMPFS, EMPTY, NODE */
	unsigned long set, clr; /* BIND, SAME */
	const char *source;
};

/* What the walk does not keep about an entry: flags and its instance. */
struct seen_at {
	unsigned long tflags; /* of TARGET, as opened */
	struct stat sst;      /* SOURCE or instance */
	unsigned long sflags;
};

struct sim {
	const struct plan *p;
	struct entry_desc *d;
	struct layer *l;
	struct seen_at *at;
	struct made *m;
	size_t nm;
	int failed;
	bool root;
	struct vnode cur; /* the TARGET the walk looked up last */
};

/* ---- looking at host paths -------------------------------------------- */

void
path_inspect(const char *path, struct path_info *pi)
{
	_cleanup_(closep) int fd = -1;
	struct statvfs sv;

	memset(pi, 0, sizeof(*pi));
	fd = open_nofollow(path, O_PATH, 0);
	if (fd < 0 || fstat(fd, &pi->st) < 0) {
		pi->err = errno;
		if (pi->err == ELOOP &&
		    !find_symlink(path, pi->link, sizeof(pi->link)))
			pi->link[0] = '\0';
		return;
	}
	/* O_PATH|O_NOFOLLOW hands back a trailing symlink itself. */
	if (S_ISLNK(pi->st.st_mode)) {
		pi->err = ELOOP;
		snprintf(pi->link, sizeof(pi->link), "%s", path);
		return;
	}
	if (fstatvfs(fd, &sv) == 0)
		pi->mflags = st_to_ms(sv.f_flag);
}

/* ---- the simulated view ----------------------------------------------- */

static struct stat
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
made_find(const struct sim *s, int layer, const char *path, bool *below)
{
	size_t i, n;

	for (i = s->nm; i-- > 0;) {
		n = strlen(s->m[i].path);
		if (s->m[i].layer != layer || strncmp(s->m[i].path, path, n))
			continue;
		if (!path[n] || path[n] == '/') {
			*below = path[n] == '/';
			return &s->m[i];
		}
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

/* Records that the login creates @v (looked up, missing) as @st. */
static int
make_here(struct sim *s, struct vnode *v, struct stat st, unsigned long mflags)
{
	struct made *grown;

	grown = reallocarray(s->m, s->nm + 1, sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	s->m = grown;
	grown[s->nm].path = strdup(v->path);
	if (!grown[s->nm].path)
		return -ENOMEM;
	grown[s->nm].layer = v->layer;
	grown[s->nm].st = st;
	grown[s->nm].mflags = mflags;
	s->nm++;
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
host_lookup(const struct sim *s, const char *path, struct vnode *v)
{
	const struct made *m;
	bool below = false;

	vnode_at(v, -1, path);
	m = made_find(s, -1, path, &below);
	if (m)
		made_node(m, below, v);
	else
		path_inspect(path, &v->pi);
}

static void
layer_lookup(const struct sim *s, int j, const char *rel, struct vnode *v)
{
	const struct layer *l = &s->l[j];
	const struct made *m;
	bool below = false;

	vnode_at(v, j, rel);
	v->pi.mflags = l->mflags;
	if (!*rel) {
		v->pi.st = l->root;
		return;
	}
	m = l->kind == LAYER_TMPFS ? made_find(s, j, rel, &below) : NULL;
	if (m)
		made_node(m, below, v);
	else
		v->pi.err = l->kind == LAYER_NODE ? ENOTDIR : ENOENT;
}

/* The latest of the first @k entries, mounted, whose TARGET holds @path. */
static int
cover(const struct sim *s, const char *path, size_t k, size_t *len)
{
	const char *t;
	size_t i, n;
	int best = -1;

	for (i = 0; i < k; i++) {
		t = s->p->entries[i].target;
		n = strlen(t);
		if (s->l[i].kind == LAYER_NONE || strncmp(t, path, n) ||
		    (path[n] && path[n] != '/'))
			continue;
		if (best < 0 || n > *len) {
			best = (int)i;
			*len = n;
		}
	}
	return best;
}

/* Looks @path up in the view once the first @k entries are mounted. */
static void
vlookup(const struct sim *s, const char *path, size_t k, struct vnode *v)
{
	char buf[PATH_MAX];
	const struct layer *l;
	size_t n = 0;
	int j = cover(s, path, k, &n);

	if (j < 0)
		return host_lookup(s, path, v);
	l = &s->l[j];
	if (l->kind != LAYER_BIND && l->kind != LAYER_SAME)
		return layer_lookup(s, j, path + n, v);
	if (l->kind == LAYER_SAME) {
		vlookup(s, path, (size_t)j, v);
	} else if (snprintf(buf, sizeof(buf), "%s%s", l->source, path + n) <
		   (int)sizeof(buf)) {
		host_lookup(s, buf, v);
	} else {
		vnode_at(v, -1, path);
		v->pi.err = ENAMETOOLONG;
	}
	v->pi.mflags = (v->pi.mflags | l->set) & ~l->clr;
}

/* ---- failures, in the engine's words ---------------------------------- */

/* The login fails on entry @i with @rc, as @e says. */
static int
fail(struct sim *s, size_t i, int rc, const struct mntns_error *e)
{
	struct entry_desc *d = &s->d[i];

	/* Not root: a path we may not see says nothing about the login. */
	d->state = !s->root && (rc == -EACCES || rc == -EPERM) ? DESC_UNKNOWN
							       : DESC_REFUSED;
	snprintf(d->why, sizeof(d->why), "%s", e->msg);
	s->failed = (int)i;
	return STOP;
}

/* resolve() of lib/mount/resolve.c failing on @v; @dir: opened O_DIRECTORY. */
static int
fail_path(struct sim *s, size_t i, const char *what, const char *path,
	  const struct vnode *v, bool dir)
{
	struct mntns_error e;
	int err = v->pi.err;
	bool trailing = err == ELOOP && !strcmp(v->pi.link, path);

	if ((err == 0 && !S_ISDIR(v->pi.st.st_mode)) || (trailing && dir))
		err = ENOTDIR;
	else if (trailing)
		return fail(s, i, symlink_error(what, path, &e), &e);
	return fail(s, i, path_error(what, path, err, &e), &e);
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
	const char *target = s->p->entries[i].target;

	(void)e;
	vlookup(s, target, k, &s->cur);
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
	const struct plan_entry *pe = &s->p->entries[i];
	_cleanup_(freep) char *parent = NULL;
	const char *name;
	struct vnode up;
	int r;

	if (split_path(pe->target, &parent, &name) < 0)
		return -ENOMEM;
	vlookup(s, parent, k, &up);
	if (up.pi.err || !S_ISDIR(up.pi.st.st_mode))
		return fail_path(s, i, "directory", parent, &up, true);
	if (!user_dir_allowed(pe, &up.pi.st))
		return fail(s, i, path_error("target", pe->target, ENOENT, e),
			    e);
	r = make_here(s, &s->cur, node_stat(S_IFDIR | 0700, pe->uid, pe->gid),
		      up.pi.mflags);
	s->d[i].target_made = MADE_USER_DIR;
	return r ? r : found(s, i, ws);
}

/* One component of create_in_tmpfs(): @last, and a file is wanted. */
static int
sim_tmpfs_component(struct sim *s, size_t i, struct vnode *t, bool file)
{
	const struct plan_entry *pe = &s->p->entries[i];
	mode_t m = file ? S_IFREG | 0644 : S_IFDIR | 0755;

	if (t->pi.err == ENOENT) {
		s->d[i].target_made = MADE_IN_TMPFS;
		return make_here(s, t, node_stat(m, 0, 0), t->pi.mflags);
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
	const struct plan_entry *pe = &s->p->entries[i];
	const char *p = pe->target + strlen(s->p->entries[ws->parent].target);
	char path[PATH_MAX];
	int r;

	(void)e;
	while (*p == '/') {
		p += 1 + strcspn(p + 1, "/");
		snprintf(path, sizeof(path), "%.*s", (int)(p - pe->target),
			 pe->target);
		vlookup(s, path, i, &s->cur);
		/* The layer's flags hold for what is made in it. */
		if (s->cur.pi.err == ENOENT)
			s->cur.pi.mflags = s->l[ws->parent].mflags;
		r = sim_tmpfs_component(s, i, &s->cur,
					!*p && ws->want == TARGET_FILE);
		if (r)
			return r;
	}
	return found(s, i, ws);
}

/* ---- SOURCEs, instances, the hidden node ------------------------------ */

static int
sim_source(void *ctx, size_t i, struct walk_step *ws, struct mntns_error *e)
{
	struct sim *s = ctx;
	const char *source = s->p->entries[i].source;
	struct vnode v;

	(void)e;
	vlookup(s, source, 0, &v);
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

	vlookup(s, path, 0, v);
	if (v->pi.err == ENOENT) {
		if (split_path(path, &up, &name) < 0)
			return -ENOMEM;
		vlookup(s, up, 0, &u);
		if (u.pi.err || !S_ISDIR(u.pi.st.st_mode))
			return fail_path(s, i, "directory", up, &u, true);
		r = make_here(s, v, node_stat(S_IFDIR, 0, 0), u.pi.mflags);
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
	const struct plan_entry *pe = &s->p->entries[i];
	int err, r;

	vlookup(s, pe->source, 0, v);
	err = v->pi.err;
	if (err == 0 && !S_ISDIR(v->pi.st.st_mode))
		err = ENOTDIR;
	if (err == ENOENT || (!err && v->pi.st.st_uid != want->st_uid &&
			      host_unfinished(v, want))) {
		s->d[i].instance_made = true;
		return make_here(s, v, *want, pflags);
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

	if (split_path(s->p->entries[i].source, &parent, &name) < 0)
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

/* inaccessible_node() of target.c. */
static int
sim_node(void *ctx, size_t i, struct mntns_error *e)
{
	struct sim *s = ctx;
	const char *path = MNTNS_RUN_DIR "/inaccessible";
	struct vnode v;
	int r;

	vlookup(s, path, 0, &v);
	if (v.pi.err == ENOENT) {
		s->d[i].node_made = true;
		return make_here(s, &v, node_stat(S_IFREG, 0, 0), 0);
	}
	r = v.pi.err ? err_set(e, -v.pi.err, "%s: %s", path, strerror(v.pi.err))
		     : check_hidden_node(path, &v.pi.st, e);
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
	const struct plan_entry *pe = &s->p->entries[i];
	struct entry_desc *d = &s->d[i];
	struct layer *l = &s->l[i];
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
	const struct plan_entry *pe = &s->p->entries[i];
	struct layer *l = &s->l[i];

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
	struct layer *l = &s->l[i];
	bool dir = S_ISDIR(ws->tst.st_mode);

	/* An empty mode 0000 tmpfs, or the inaccessible node bound. */
	l->root = node_stat(dir ? S_IFDIR : S_IFREG, 0, 0);
	l->mflags = l->set;
	l->kind = dir ? LAYER_EMPTY : LAYER_NODE;
	seen(&s->d[i], OWNER_HIDDEN, &l->root);
	s->d[i].flags = l->set;
}

static int
sim_mount(void *ctx, size_t i, const struct walk_step *ws,
	  struct mntns_error *e)
{
	struct sim *s = ctx;
	const struct plan_entry *pe = &s->p->entries[i];
	const struct seen_at *at = &s->at[i];

	mount_flags(pe, &s->l[i].set, &s->l[i].clr);
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
	sim_source,   sim_node,	    sim_lookup, sim_user_dir,
	sim_in_tmpfs, sim_instance, sim_mount,	sim_refuse};

static void
sim_free(struct sim *s, struct walk_step *steps)
{
	while (s->nm > 0)
		free(s->m[--s->nm].path);
	free(s->m);
	free(s->l);
	free(s->at);
	free(s->d);
	free(steps);
}

int
describe_plan(const struct plan *p, struct plan_desc *out)
{
	struct sim s = {.p = p, .failed = -1, .root = geteuid() == 0};
	size_t i, n = p->n ? p->n : 1;
	struct walk_step *steps = calloc(n, sizeof(*steps));
	struct mntns_error e;
	int r = 0;

	memset(out, 0, sizeof(*out));
	s.d = calloc(n, sizeof(*s.d));
	s.l = calloc(n, sizeof(*s.l));
	s.at = calloc(n, sizeof(*s.at));
	if (!steps || !s.d || !s.l || !s.at)
		r = -ENOMEM;
	if (r == 0)
		r = walk_plan(p, steps, &sim_ops, &s, &e);
	for (i = 0; r >= 0 && i < p->n; i++) {
		s.d[i].nested = steps[i].parent >= 0;
		if (r == STOP && (int)i != s.failed)
			s.d[i].state = DESC_NOT_REACHED;
	}
	if (r >= 0) {
		out->d = steal_ptr(&s.d);
		out->n = p->n;
		out->failed = s.failed;
	}
	sim_free(&s, steps);
	return r < 0 ? r : 0;
}

void
plan_desc_free(struct plan_desc *pd)
{
	free(pd->d);
	memset(pd, 0, sizeof(*pd));
}
