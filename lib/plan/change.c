/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What turns a namespace built from one plan into one of another
 * (plan/change.h), from the old plan's text (plan/fingerprint.h) and the
 * new plan.  Pure.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plan/change.h"
#include "plan/fingerprint.h"

struct prep {
	struct update *u;
	const struct plan *now;
	bool *adding; /* per entry of @now */
};

static int
add_target(struct prep *p, const char *line, size_t len)
{
	struct plan_line l;
	size_t i;

	if (plan_line_parse(line, len, &l) < 0)
		return -EINVAL;
	for (i = 0; i < p->now->n; i++)
		if (!strcmp(p->now->entries[i].target, l.target))
			p->adding[i] = true;
	return 0;
}

static int
remove_target(struct prep *p, const char *line, size_t len)
{
	struct plan_line l;

	struct update *u = p->u;
	struct update_remove *grown;

	if (plan_line_parse(line, len, &l) < 0)
		return -EINVAL;
	grown = reallocarray(u->remove, u->nremove + 1, sizeof(*u->remove));
	if (!grown)
		return -ENOMEM;
	u->remove = grown;
	u->remove[u->nremove] =
		(struct update_remove){strdup(l.target), l.tmpfs};
	return u->remove[u->nremove++].target ? 0 : -ENOMEM;
}

static int
change_flags(struct prep *p, const char *old, size_t old_len, const char *new,
	     size_t new_len, bool resize)
{
	struct update *u = p->u;
	struct update_flags *grown, *f;
	struct plan_line a, b;

	if (plan_line_parse(old, old_len, &a) < 0 ||
	    plan_line_parse(new, new_len, &b) < 0)
		return -EINVAL;
	grown = reallocarray(u->flags, u->nflags + 1, sizeof(*u->flags));
	if (!grown)
		return -ENOMEM;
	u->flags = grown;
	f = &u->flags[u->nflags];
	/* A flag the old OPTIONS set and the new ones do not is cleared. */
	*f = (struct update_flags){
		.target = strdup(b.target),
		.set = b.ms_set,
		.clr = b.ms_clr | (a.ms_set & ~b.ms_set),
		.data = resize ? strdup(b.data) : NULL,
		.was = resize ? strdup(a.data) : NULL,
	};
	u->nflags++;
	if (!f->target || (resize && (!f->data || !f->was)))
		return -ENOMEM;
	return 0;
}

static int
prepare_one(enum plan_change c, const char *old, size_t old_len,
	    const char *new, size_t new_len, void *ctx)
{
	struct prep *p = ctx;
	int r;

	if (c == PLAN_ADD)
		return add_target(p, new, new_len);
	if (c == PLAN_REMOVE)
		return remove_target(p, old, old_len);
	switch (plan_lines_compare(old, old_len, new, new_len)) {
	case LINE_FLAGS:
		return change_flags(p, old, old_len, new, new_len, false);
	case LINE_RESIZE:
		return change_flags(p, old, old_len, new, new_len, true);
	case LINE_OTHER:
		break;
	}
	r = remove_target(p, old, old_len);
	return r < 0 ? r : add_target(p, new, new_len);
}

int
update_prepare(struct update *u, const char *was, const struct plan *now)
{
	struct prep p = {.u = u, .now = now};
	_cleanup_(freep) char *text = plan_text(now);
	struct update_remove t;
	size_t i, k;
	int r;

	memset(u, 0, sizeof(*u));
	p.adding = calloc(now->n ? now->n : 1, sizeof(*p.adding));
	u->add.entries = calloc(now->n ? now->n : 1, sizeof(*u->add.entries));
	if (!p.adding || !u->add.entries || !text) {
		free(p.adding);
		return -ENOMEM;
	}
	r = plan_text_diff(was, text, prepare_one, &p);
	for (i = 0; r >= 0 && i < now->n; i++)
		if (p.adding[i])
			u->add.entries[u->add.n++] = now->entries[i];
	free(p.adding);
	/* @was lists parents first: the deepest mounts go first. */
	for (i = 0, k = u->nremove; r >= 0 && i < k / 2; i++) {
		t = u->remove[i];
		u->remove[i] = u->remove[k - 1 - i];
		u->remove[k - 1 - i] = t;
	}
	return r < 0 ? r : 0;
}

void
update_free(struct update *u)
{
	size_t i;

	for (i = 0; i < u->nremove; i++)
		free(u->remove[i].target);
	free(u->remove);
	for (i = 0; i < u->nflags; i++) {
		free(u->flags[i].target);
		free(u->flags[i].data);
		free(u->flags[i].was);
	}
	free(u->flags);
	free(u->add.entries);
	memset(u, 0, sizeof(*u));
}

bool
update_empty(const struct update *u)
{
	return !u->nremove && !u->nflags && !u->add.n;
}
