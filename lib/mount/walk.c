/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The order of a login's steps and the choices between them, once, for
 * both the module and its dry run: which TARGETs are opened before any
 * mount, what a TARGET must be, what happens when one is missing.
 */
#include <errno.h>
#include <string.h>

#include "mount/resolve.h"
#include "mount/walk.h"

struct walk {
	const struct plan *p;
	struct walk_step *s;
	const struct walk_ops *ops;
	void *ctx;
	struct mntns_error *e;
};

static int
refuse(const struct walk *w, size_t i, int rc)
{
	return rc ? w->ops->refuse(w->ctx, i, rc, w->e) : 0;
}

/* TARGET of entry @i in the view after @k entries, made when missing. */
static int
open_target(const struct walk *w, size_t i, size_t k)
{
	const struct plan_entry *pe = &w->p->entries[i];
	struct walk_step *s = &w->s[i];
	int r;

	r = w->ops->lookup(w->ctx, i, k, s, w->e);
	if (r == -ENOENT) {
		switch (missing_target(w->p, s->parent, s->want)) {
		case MISSING_IN_TMPFS:
			r = w->ops->make_in_tmpfs(w->ctx, i, s, w->e);
			break;
		case MISSING_USER_DIR:
			r = w->ops->make_user_dir(w->ctx, i, k, s, w->e);
			break;
		case MISSING_REFUSED:
			return refuse(
				w, i,
				path_error("target", pe->target, ENOENT, w->e));
		}
	}
	if (r)
		return r;
	s->opened = true;
	r = refuse(w, i, check_target_type(pe, &s->tst, s->want, w->e));
	/* Inside the plan's own tmpfs there is no system directory. */
	if (r == 0 && pe->target_home &&
	    missing_target(w->p, s->parent, s->want) != MISSING_IN_TMPFS)
		r = refuse(w, i,
			   check_home_owner("target", pe->target, &s->tst,
					    pe->uid, w->e));
	return r;
}

/* A plain bind's TARGET must be what its SOURCE is. */
static int
look_at_source(const struct walk *w, size_t i)
{
	const struct plan_entry *pe = &w->p->entries[i];
	struct walk_step *s = &w->s[i];
	int r;

	r = w->ops->source(w->ctx, i, s, w->e);
	if (r == 0 && pe->source_home)
		r = refuse(w, i,
			   check_home_owner("source", pe->source, &s->sst,
					    pe->uid, w->e));
	if (r)
		return r;
	return refuse(w, i,
		      source_type("source", pe->source, s->sst.st_mode,
				  &s->want, w->e));
}

/*
 * Phase one: SOURCEs and instances first of all, so that a source may
 * come from under a path the plan covers; a bad path fails before
 * anything is mounted.
 */
static int
open_entry(const struct walk *w, size_t i)
{
	const struct plan_entry *pe = &w->p->entries[i];
	struct walk_step *s = &w->s[i];
	struct stat fresh;
	int r = 0;

	s->parent = plan_parent(w->p, i);
	s->want = target_want(pe->method, pe->instance);
	if (pe->method == METHOD_BIND && !pe->instance)
		r = look_at_source(w, i);
	else if (pe->method == METHOD_HIDE)
		r = w->ops->hide_node(w->ctx, i, w->e);
	if (r == 0 && s->parent < 0)
		r = open_target(w, i, 0);
	if (r || !pe->instance)
		return r;
	fresh = fresh_root(pe, s->opened ? &s->tst : NULL);
	return w->ops->instance(w->ctx, i, &fresh, w->e);
}

/* Phase two: a TARGET below an earlier one, then the mount. */
static int
mount_entry(const struct walk *w, size_t i)
{
	int r = 0;

	if (!w->s[i].opened)
		r = open_target(w, i, i);
	return r ? r : w->ops->mount(w->ctx, i, &w->s[i], w->e);
}

int
walk_plan(const struct plan *p, struct walk_step *steps,
	  const struct walk_ops *ops, void *ctx, struct mntns_error *e)
{
	struct walk w = {.p = p, .s = steps, .ops = ops, .ctx = ctx, .e = e};
	size_t i;
	int r = 0;

	memset(steps, 0, p->n * sizeof(*steps));
	/* Not reached (yet): not known to be below anything. */
	for (i = 0; i < p->n; i++)
		steps[i].parent = -1;
	for (i = 0; r == 0 && i < p->n; i++)
		r = open_entry(&w, i);
	for (i = 0; r == 0 && i < p->n; i++)
		r = mount_entry(&w, i);
	return r;
}
