/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One login decided once, for every front end: the config loaded, its
 * settings under the PAM line's, the user looked up, the plan made, and
 * what a login does with it.  The module acts on it; show describes it.
 */
#ifndef MNTNS_LOGIN_H
#define MNTNS_LOGIN_H

#include <stdbool.h>

#include "config/conf.h"
#include "config/settings.h"
#include "plan/ident.h"
#include "plan/plan.h"

enum login_outcome {
	LOGIN_PLAN,    /* a namespace with the plan */
	LOGIN_NO_RULE, /* no rule applies: no namespace of the user's */
	LOGIN_NO_USER, /* NSS does not know the user: PAM_USER_UNKNOWN */
	LOGIN_REFUSED, /* the config or the plan fails: PAM_SESSION_ERR */
};

/* The step a refusal came from. */
enum login_step {
	LOGIN_AT_CONF, /* loading the config */
	LOGIN_AT_USER, /* looking the user up */
	LOGIN_AT_PLAN, /* making the plan */
};

struct login {
	struct settings set; /* in effect: the PAM line's over the config's */
	struct conf conf;
	struct identity id;
	struct plan plan;
	enum login_outcome outcome;
	enum login_step step; /* the last step taken */
	int err;	      /* LOGIN_NO_USER, LOGIN_REFUSED: -errno */
	struct mntns_error e;
};

/*
 * Prepares the login of @user, with the arguments of its PAM line @args
 * (settings_init() for none): the outcome and everything it was decided
 * from, which login_free() lets go of.  A config that fails to load
 * still gives its settings, so that "set nofail" covers a typo
 * elsewhere in it.
 */
void login_prepare(struct login *l, const char *user,
		   const struct settings *args);
void login_free(struct login *l);

/*
 * Whether a failure @err (with @e) of the login lets the session go on in
 * the caller's view: nofail is on, the caller is back where it was, and
 * that is not another user's view.
 */
bool login_goes_on(const struct login *l, int err, const struct mntns_error *e);

#endif
