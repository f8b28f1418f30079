/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show's view of the user's live namespaces: each one's plan against the
 * plan the config gives the user now (helper/plans.c), and, where the
 * text of its plan was kept, the mounts that differ.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live.h"
#include "show.h"

static int
add_diff(enum plan_change c, const char *old, size_t old_len, const char *new,
	 size_t new_len, void *ctx)
{
	struct live_plan *lp = ctx;
	struct plan_diff *grown, *d;

	grown = reallocarray(lp->d, lp->nd + 1, sizeof(*lp->d));
	if (!grown)
		return -ENOMEM;
	lp->d = grown;
	d = &lp->d[lp->nd];
	*d = (struct plan_diff){.c = c};
	d->was = old ? strndup(old, old_len) : NULL;
	d->now = new ? strndup(new, new_len) : NULL;
	lp->nd++;
	if ((old && !d->was) || (new && !d->now))
		return -ENOMEM;
	return 0;
}

/* @lp from the live namespace @ns, against @now. */
static int
compare(struct live_plan *lp, const struct live_ns *ns, const char *now)
{
	_cleanup_(freep) char *was = NULL;
	int r;

	ns_name(&ns->rec.ns, lp->ns);
	lp->scope = ns->rec.scope;
	lp->procs = ns->procs;
	lp->state = plan_state(&ns->rec, now);
	if (lp->state != PLAN_CHANGED)
		return 0;
	r = plan_text_kept(&ns->rec, &was);
	if (r == -ENOMEM)
		return r;
	lp->kept = r == 0;
	r = lp->kept ? plan_text_diff(was, now, add_diff, lp) : 0;
	return r < 0 ? r : 0;
}

int
show_live(struct show *s)
{
	struct live l = {.only = s->l.id.uid};
	_cleanup_(freep) char *now = NULL;
	size_t i;
	int r = 0;

	if (geteuid() != 0 || !s->l.id.user)
		return 0;
	if (s->l.outcome == LOGIN_PLAN || s->l.outcome == LOGIN_NO_RULE) {
		now = plan_text(&s->l.plan);
		if (!now)
			return -ENOMEM;
	}
	if (live_collect(&l) < 0)
		return 0; /* said on stderr; the plan still stands */
	s->live = calloc(l.n ? l.n : 1, sizeof(*s->live));
	if (!s->live)
		r = -ENOMEM;
	for (i = 0; r == 0 && i < l.n; i++, s->nlive++)
		r = compare(&s->live[i], &l.ns[i], now);
	live_free(&l);
	return r;
}

void
show_live_free(struct show *s)
{
	size_t i, k;

	for (i = 0; i < s->nlive; i++) {
		for (k = 0; k < s->live[i].nd; k++) {
			free(s->live[i].d[k].was);
			free(s->live[i].d[k].now);
		}
		free(s->live[i].d);
	}
	free(s->live);
}
