/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Whether a live namespace was built from the plan the config gives its
 * user now: the fingerprint in its record against the current plan's
 * (plan/fingerprint.h), for list and show.
 */
#include <stdlib.h>

#include "live.h"
#include "plan/fingerprint.h"
#include "plan/login.h"
#include "session/registry.h"

char *
plan_now(const char *user, const char *conf)
{
	struct settings args;
	struct login l;
	char *text = NULL;

	settings_init(&args);
	args.conf = conf;
	login_prepare(&l, user, &args);
	/* No rule: no mount, which a namespace of the user's differs from. */
	if (l.outcome == LOGIN_PLAN || l.outcome == LOGIN_NO_RULE)
		text = plan_text(&l.plan);
	login_free(&l);
	return text;
}

enum plan_state
plan_state(const struct ns_record *r, const char *now)
{
	if (!r->plan || !now)
		return PLAN_UNKNOWN;
	return r->plan == plan_fingerprint(now) ? PLAN_CURRENT : PLAN_CHANGED;
}

const char *
plan_state_name(enum plan_state s)
{
	static const char *const names[] = {
		[PLAN_CURRENT] = "current",
		[PLAN_CHANGED] = "changed",
		[PLAN_UNKNOWN] = "unknown",
	};

	return (size_t)s < ARRAY_SIZE(names) ? names[s] : "?";
}

int
plan_text_kept(const struct ns_record *r, char **text)
{
	_cleanup_(closep) int run = registry_open(false, NULL);

	*text = NULL;
	return run < 0 ? run : plan_text_read(run, r->plan, text);
}

void
plan_texts_tidy(const struct live *l)
{
	_cleanup_(closep) int run = registry_open(false, NULL);
	_cleanup_(freep) uint64_t *keep = calloc(l->n + 1, sizeof(*keep));
	size_t i;

	if (run < 0 || !keep)
		return;
	for (i = 0; i < l->n; i++)
		keep[i] = l->ns[i].rec.plan;
	plan_texts_prune(run, keep, l->n);
}
