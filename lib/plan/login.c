/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One login decided once (login.h): config, settings, identity, plan.
 */
#include <errno.h>
#include <string.h>

#include "plan/login.h"

/* Ends the preparation with @outcome; returns @err. */
static int
decided(struct login *l, enum login_outcome outcome, int err)
{
	l->outcome = outcome;
	l->err = err;
	return err;
}

void
login_prepare(struct login *l, const char *user, const struct settings *args)
{
	int r;

	memset(l, 0, sizeof(*l));
	l->step = LOGIN_AT_CONF;
	r = conf_load(&l->conf, args->conf, &l->e);
	settings_merge(&l->set, args, &l->conf.settings);
	if (r < 0) {
		decided(l, LOGIN_REFUSED, r);
		return;
	}
	if (l->conf.nrules == 0) {
		decided(l, LOGIN_NO_RULE, 0);
		return;
	}
	l->step = LOGIN_AT_USER;
	r = ident_lookup(&l->id, user, &l->e);
	if (r < 0) {
		decided(l, r == -ENOENT ? LOGIN_NO_USER : LOGIN_REFUSED, r);
		return;
	}
	l->step = LOGIN_AT_PLAN;
	r = plan_for_user(&l->plan, &l->conf, &l->id, &l->e);
	if (r < 0)
		decided(l, LOGIN_REFUSED, r);
	else
		decided(l, l->plan.n ? LOGIN_PLAN : LOGIN_NO_RULE, 0);
}

void
login_free(struct login *l)
{
	plan_free(&l->plan);
	ident_free(&l->id);
	conf_free(&l->conf);
}

bool
login_goes_on(const struct login *l, int err, const struct mntns_error *e)
{
	return l->set.nofail && err != -ENOTRECOVERABLE && !e->fatal;
}
