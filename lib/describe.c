/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A dry run of apply.c.  Paths are looked at the way the engine opens
 * them (openat2 without symlinks, fstat, never a read), and what the
 * login would create or mount is kept in a small model instead: "made"
 * directories, and one layer per entry already mounted, through which
 * later (nested) TARGETs are looked up.  Messages are the engine's own,
 * built with the same lib/resolve and lib/target functions.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include "describe.h"
#include "resolve.h"
#include "target.h"

#define TMPFS_DATA_MAX 512

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

/* One entry on its way through the two phases of apply_entries(). */
struct step {
	enum target_type want;
	int parent; /* the nearest earlier entry whose TARGET holds this */
	bool topen; /* TARGET opened */
	struct stat tst;
	unsigned long tflags;
	struct stat sst; /* source or instance */
	unsigned long sflags;
};

struct sim {
	const struct plan *p;
	struct entry_desc *d;
	struct layer *l;
	struct step *s;
	struct made *m;
	size_t nm;
	int failed;
	bool root;
};

/* ---- looking at host paths -------------------------------------------- */

static unsigned long
st_to_ms(unsigned long f)
{
	return ((f & ST_RDONLY) ? MS_RDONLY : 0) |
	       ((f & ST_NOSUID) ? MS_NOSUID : 0) |
	       ((f & ST_NODEV) ? MS_NODEV : 0) |
	       ((f & ST_NOEXEC) ? MS_NOEXEC : 0);
}

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

_printf_(4, 5) static int fail(struct sim *s, size_t i, int err,
			       const char *fmt, ...)
{
	struct entry_desc *d = &s->d[i];
	va_list ap;

	/* Not root: a path we may not see says nothing about the login. */
	d->state = !s->root && (err == EACCES || err == EPERM) ? DESC_UNKNOWN
							       : DESC_REFUSED;
	va_start(ap, fmt);
	vsnprintf(d->why, sizeof(d->why), fmt, ap);
	va_end(ap);
	s->failed = (int)i;
	return STOP;
}

/* resolve() of lib/resolve.c failing on @v; @dir: opened O_DIRECTORY. */
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
		return fail(s, i, err, "%s %s is a symlink, refusing it", what,
			    path);
	path_error(what, path, err, &e);
	return fail(s, i, err, "%s", e.msg);
}

static int
sim_type(struct sim *s, size_t i, const struct stat *st)
{
	struct mntns_error e;

	if (check_target_type(&s->p->entries[i], st, s->s[i].want, &e) < 0)
		return fail(s, i, ENOTDIR, "%s", e.msg);
	return 0;
}

/* ---- TARGETs ---------------------------------------------------------- */

/* create_user_target() of target.c. */
static int
sim_user_target(struct sim *s, size_t i, size_t k, struct vnode *t)
{
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
	if (pe->uid == 0 || up.pi.st.st_uid != pe->uid)
		return fail(s, i, ENOENT, "target %s does not exist",
			    pe->target);
	r = make_here(s, t, node_stat(S_IFDIR | 0700, pe->uid, pe->gid),
		      up.pi.mflags);
	s->d[i].target_made = MADE_USER_DIR;
	return r;
}

/* open_target() of target.c, in the view after @k entries. */
static int
sim_open_target(struct sim *s, size_t i, size_t k, struct vnode *t)
{
	const struct plan_entry *pe = &s->p->entries[i];

	vlookup(s, pe->target, k, t);
	if (t->pi.err == ENOENT && s->s[i].want == TARGET_DIR)
		return sim_user_target(s, i, k, t);
	if (t->pi.err)
		return fail_path(s, i, "target", pe->target, t, false);
	return sim_type(s, i, &t->pi.st);
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
sim_in_tmpfs(struct sim *s, size_t i, struct vnode *t)
{
	const struct plan_entry *pe = &s->p->entries[i];
	const char *base = s->p->entries[s->s[i].parent].target;
	const char *p = pe->target + strlen(base);
	char path[PATH_MAX];
	int r;

	while (*p == '/') {
		p += 1 + strcspn(p + 1, "/");
		snprintf(path, sizeof(path), "%.*s", (int)(p - pe->target),
			 pe->target);
		vlookup(s, path, i, t);
		/* The layer's flags hold for what is made in it. */
		if (t->pi.err == ENOENT)
			t->pi.mflags = s->l[s->s[i].parent].mflags;
		r = sim_tmpfs_component(s, i, t,
					!*p && s->s[i].want == TARGET_FILE);
		if (r)
			return r;
	}
	return sim_type(s, i, &t->pi.st);
}

/* open_nested_target() of apply.c: in the view as mounted so far. */
static int
sim_nested_target(struct sim *s, size_t i, struct vnode *t)
{
	const struct plan_entry *pe = &s->p->entries[i];
	const struct plan_entry *up = &s->p->entries[s->s[i].parent];

	vlookup(s, pe->target, i, t);
	if (t->pi.err == ENOENT && up->method == METHOD_TMPFS &&
	    s->s[i].want != TARGET_ANY)
		return sim_in_tmpfs(s, i, t);
	if (t->pi.err == ENOENT)
		return sim_open_target(s, i, i, t);
	if (t->pi.err)
		return fail_path(s, i, "target", pe->target, t, false);
	return sim_type(s, i, &t->pi.st);
}

/* ---- SOURCEs, instances, the hidden node ------------------------------ */

static int
sim_source(struct sim *s, size_t i)
{
	const struct plan_entry *pe = &s->p->entries[i];
	struct step *st = &s->s[i];
	struct vnode v;

	vlookup(s, pe->source, 0, &v);
	if (v.pi.err)
		return fail_path(s, i, "source", pe->source, &v, false);
	if (!S_ISDIR(v.pi.st.st_mode) && !S_ISREG(v.pi.st.st_mode))
		return fail(s, i, EINVAL,
			    "source %s is a %s; only directories and regular "
			    "files can be bound",
			    pe->source, type_name(v.pi.st.st_mode));
	st->want = S_ISDIR(v.pi.st.st_mode) ? TARGET_DIR : TARGET_FILE;
	st->sst = v.pi.st;
	st->sflags = v.pi.mflags;
	return 0;
}

/* open_instance_parent() of target.c. */
static int
sim_instance_parent(struct sim *s, size_t i, const char *path, struct vnode *v)
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
	if (v->pi.st.st_uid != 0 || (v->pi.st.st_mode & 077))
		return fail(s, i, EPERM,
			    "instance parent %s is owned by uid %u with mode "
			    "%04o; it must be owned by root with no group or "
			    "other permissions (someone may be attacking: "
			    "inspect it before removing it)",
			    path, (unsigned)v->pi.st.st_uid,
			    (unsigned)(v->pi.st.st_mode & 07777));
	return 0;
}

/*
 * open_instance() of target.c; a new one gets @want's owner and mode, on
 * the mount of its parent (@pflags).
 */
/* An instance on the host that the login would finish (target.c). */
static bool
host_unfinished(const struct vnode *v, struct stat want)
{
	_cleanup_(closep) int fd = -1;

	if (v->layer >= 0)
		return false;
	fd = open_nofollow(v->path, O_RDONLY | O_DIRECTORY, 0);
	return fd >= 0 && instance_unfinished(fd, &v->pi.st, want.st_uid,
					      want.st_mode & 07777);
}

static int
sim_instance_dir(struct sim *s, size_t i, struct stat want,
		 unsigned long pflags, struct vnode *v)
{
	const struct plan_entry *pe = &s->p->entries[i];
	int err;

	vlookup(s, pe->source, 0, v);
	err = v->pi.err;
	if (err == ENOENT) {
		s->d[i].instance_made = true;
		return make_here(s, v, want, pflags);
	}
	if (err == ELOOP || err == ENOTDIR ||
	    (!err && !S_ISDIR(v->pi.st.st_mode)))
		return fail(s, i, ENOTDIR,
			    "instance %s is not a directory (a symlink or "
			    "another file is there)",
			    pe->source);
	if (err)
		return fail(s, i, err, "instance %s: %s", pe->source,
			    strerror(err));
	if (v->pi.st.st_uid != want.st_uid && host_unfinished(v, want)) {
		s->d[i].instance_made = true;
		return make_here(s, v, want, pflags);
	}
	if (v->pi.st.st_uid != want.st_uid)
		return fail(s, i, EPERM,
			    "instance %s is owned by uid %u, expected %u; "
			    "refusing it (remove it if it is stale)",
			    pe->source, (unsigned)v->pi.st.st_uid,
			    (unsigned)want.st_uid);
	return 0;
}

/* open_step_instance() of apply.c. */
static int
sim_instance(struct sim *s, size_t i)
{
	const struct plan_entry *pe = &s->p->entries[i];
	struct step *st = &s->s[i];
	bool own = pe->mode >= 0, known = st->topen;
	_cleanup_(freep) char *parent = NULL;
	struct vnode par, inst;
	const char *name;
	struct stat want;
	int r;

	want = node_stat(S_IFDIR | (own	    ? (mode_t)pe->mode
				    : known ? st->tst.st_mode & 07777
					    : 0755),
			 own	 ? pe->uid
			 : known ? st->tst.st_uid
				 : 0,
			 own	 ? pe->gid
			 : known ? st->tst.st_gid
				 : 0);
	if (split_path(pe->source, &parent, &name) < 0)
		return -ENOMEM;
	r = sim_instance_parent(s, i, parent, &par);
	if (r == 0)
		r = sim_instance_dir(s, i, want, par.pi.mflags, &inst);
	if (r)
		return r;
	st->sst = inst.pi.st;
	st->sflags = inst.pi.mflags;
	return 0;
}

/* inaccessible_node() of target.c. */
static int
sim_node(struct sim *s, size_t i)
{
	const char *path = MNTNS_RUN_DIR "/inaccessible";
	const struct stat *st;
	struct vnode v;

	vlookup(s, path, 0, &v);
	if (v.pi.err == ENOENT) {
		s->d[i].node_made = true;
		return make_here(s, &v, node_stat(S_IFREG, 0, 0), 0);
	}
	if (v.pi.err)
		return fail(s, i, v.pi.err, "%s: %s", path, strerror(v.pi.err));
	st = &v.pi.st;
	if (!S_ISREG(st->st_mode) || st->st_uid != 0 || (st->st_mode & 07777) ||
	    st->st_size != 0)
		return fail(s, i, EPERM,
			    "%s must be an empty root-owned file with mode "
			    "0000",
			    path);
	return 0;
}

/* ---- the two phases --------------------------------------------------- */

static int
nearest_parent(const struct plan *p, size_t i)
{
	const char *t = p->entries[i].target;
	size_t j, n;

	for (j = i; j-- > 0;) {
		n = strlen(p->entries[j].target);
		if (!strncmp(p->entries[j].target, t, n) && t[n] == '/')
			return (int)j;
	}
	return -1;
}

static void
target_opened(struct step *st, const struct vnode *t)
{
	st->topen = true;
	st->tst = t->pi.st;
	st->tflags = t->pi.mflags;
}

/* prepare_step() of apply.c: phase one, before anything is mounted. */
static int
prepare_entry(struct sim *s, size_t i)
{
	const struct plan_entry *pe = &s->p->entries[i];
	struct step *st = &s->s[i];
	struct vnode t;
	int r = 0;

	st->parent = nearest_parent(s->p, i);
	s->d[i].nested = st->parent >= 0;
	st->want = pe->method == METHOD_TMPFS || pe->instance ? TARGET_DIR
							      : TARGET_ANY;
	if (pe->method == METHOD_BIND && !pe->instance)
		r = sim_source(s, i);
	else if (pe->method == METHOD_HIDE)
		r = sim_node(s, i);
	if (r == 0 && st->parent < 0) {
		r = sim_open_target(s, i, 0, &t);
		if (r == 0)
			target_opened(st, &t);
	}
	return r == 0 && pe->instance ? sim_instance(s, i) : r;
}

static void
seen(struct entry_desc *d, enum desc_owner o, const struct stat *st)
{
	d->owner = o;
	d->uid = st->st_uid;
	d->gid = st->st_gid;
	d->mode = st->st_mode & (S_IFMT | 07777);
}

static int
mount_tmpfs(struct sim *s, size_t i)
{
	const struct plan_entry *pe = &s->p->entries[i];
	struct entry_desc *d = &s->d[i];
	struct layer *l = &s->l[i];
	bool own = pe->mode >= 0;
	int n;

	l->root = own ? node_stat(S_IFDIR | (mode_t)pe->mode, pe->uid, pe->gid)
		      : s->s[i].tst;
	seen(d, own ? OWNER_MODE : OWNER_TARGET, &l->root);
	n = snprintf(d->fsdata, sizeof(d->fsdata),
		     "%s%smode=%04o,uid=%u,gid=%u",
		     pe->fsdata ? pe->fsdata : "", pe->fsdata ? "," : "",
		     (unsigned)(d->mode & 07777), (unsigned)d->uid,
		     (unsigned)d->gid);
	if (n < 0 || n >= TMPFS_DATA_MAX)
		return fail(s, i, E2BIG, "target %s: tmpfs options too long",
			    pe->target);
	d->flags = l->mflags = pe->ms_set & DESC_MS_FLAGS;
	l->kind = LAYER_TMPFS;
	return 0;
}

static void
mount_bind(struct sim *s, size_t i)
{
	const struct plan_entry *pe = &s->p->entries[i];
	struct entry_desc *d = &s->d[i];
	struct layer *l = &s->l[i];
	enum desc_owner o = OWNER_SOURCE;

	if (pe->instance)
		o = !d->instance_made ? OWNER_INSTANCE
		    : pe->mode >= 0   ? OWNER_MODE
				      : OWNER_NEW_INSTANCE;
	seen(d, o, &s->s[i].sst);
	l->set = pe->ms_set & DESC_MS_FLAGS;
	l->clr = pe->ms_clr & DESC_MS_FLAGS;
	d->flags = (s->s[i].sflags | l->set) & ~l->clr;
	l->source = pe->source;
	l->kind = LAYER_BIND;
}

static void
mount_ro(struct sim *s, size_t i)
{
	const struct plan_entry *pe = &s->p->entries[i];
	struct layer *l = &s->l[i];

	seen(&s->d[i], OWNER_TARGET, &s->s[i].tst);
	l->set = MS_RDONLY | (pe->ms_set & DESC_MS_FLAGS);
	l->clr = pe->ms_clr & DESC_MS_FLAGS;
	s->d[i].flags = (s->s[i].tflags | l->set) & ~l->clr;
	l->kind = LAYER_SAME;
}

static void
mount_hide(struct sim *s, size_t i)
{
	struct layer *l = &s->l[i];
	bool dir = S_ISDIR(s->s[i].tst.st_mode);

	/* An empty mode 0000 tmpfs, or the inaccessible node bound. */
	l->root = node_stat(dir ? S_IFDIR : S_IFREG, 0, 0);
	l->mflags = DESC_MS_FLAGS;
	l->kind = dir ? LAYER_EMPTY : LAYER_NODE;
	seen(&s->d[i], OWNER_HIDDEN, &l->root);
	s->d[i].flags = DESC_MS_FLAGS;
}

/* Phase two: the nested TARGET is opened, then the mount made. */
static int
mount_entry(struct sim *s, size_t i)
{
	struct vnode t;
	int r;

	if (!s->s[i].topen) {
		r = sim_nested_target(s, i, &t);
		if (r)
			return r;
		target_opened(&s->s[i], &t);
	}
	switch (s->p->entries[i].method) {
	case METHOD_TMPFS:
		return mount_tmpfs(s, i);
	case METHOD_BIND:
		mount_bind(s, i);
		break;
	case METHOD_RO:
		mount_ro(s, i);
		break;
	case METHOD_HIDE:
		mount_hide(s, i);
		break;
	case METHOD_NONE:
		break;
	}
	return 0;
}

static void
sim_free(struct sim *s)
{
	while (s->nm > 0)
		free(s->m[--s->nm].path);
	free(s->m);
	free(s->l);
	free(s->s);
	free(s->d);
}

int
describe_plan(const struct plan *p, struct plan_desc *out)
{
	struct sim s = {.p = p, .failed = -1, .root = geteuid() == 0};
	size_t i, n = p->n ? p->n : 1;
	int r = 0;

	memset(out, 0, sizeof(*out));
	s.d = calloc(n, sizeof(*s.d));
	s.l = calloc(n, sizeof(*s.l));
	s.s = calloc(n, sizeof(*s.s));
	if (!s.d || !s.l || !s.s)
		r = -ENOMEM;
	for (i = 0; r == 0 && i < p->n; i++)
		r = prepare_entry(&s, i);
	for (i = 0; r == 0 && i < p->n; i++)
		r = mount_entry(&s, i);
	for (i = 0; r == STOP && i < p->n; i++)
		if ((int)i != s.failed)
			s.d[i].state = DESC_NOT_REACHED;
	if (r >= 0) {
		out->d = steal_ptr(&s.d);
		out->n = p->n;
		out->failed = s.failed;
	}
	sim_free(&s);
	return r < 0 ? r : 0;
}

void
plan_desc_free(struct plan_desc *pd)
{
	free(pd->d);
	memset(pd, 0, sizeof(*pd));
}
