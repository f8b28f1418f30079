/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show USER: what a login of USER gets, prepared as the module prepares
 * it (lib/plan/login.c: config, settings, identity, plan), with the
 * user's namespaces as a login finds them (session_outlook()), then
 * lib/admin/describe.c's dry run of the mounts for the owner, mode and
 * flags of each, and how the user's live namespaces differ from the plan
 * (show_live.c).  Nothing is created or mounted.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "show.h"

/* ---- computing it ----------------------------------------------------- */

/* Plan entry @entry (-1: an exemption) and the rules it overrode. */
static void
note_entry(struct show *s, const struct plan_entry *pe, int entry)
{
	struct outcome *o = &s->out[pe->rule - s->l.conf.rules];
	size_t i;

	o->entry = entry;
	if (entry < 0)
		o->exempts = pe->target;
	for (i = 0; i < pe->noverrode; i++)
		s->out[pe->overrode[i] - s->l.conf.rules].by = pe->rule;
}

/* For the rules that apply: which one won each TARGET, from the plan. */
static void
settle(struct show *s)
{
	const struct plan *p = &s->l.plan;
	size_t i;

	for (i = 0; i < p->n + p->nexempt; i++)
		note_entry(s, &p->entries[i], i < p->n ? (int)i : -1);
}

/* Which rules apply, listed even when the plan is refused. */
static int
match_rules(struct show *s)
{
	const struct conf *c = &s->l.conf;
	size_t i;

	s->out = calloc(c->nrules ? c->nrules : 1, sizeof(*s->out));
	if (!s->out)
		return -ENOMEM;
	/* A failed group lookup fails the plan, as it fails a login. */
	for (i = 0; i < c->nrules; i++) {
		s->out[i].matched =
			rule_matches(&c->rules[i], &s->l.id, NULL) > 0;
		s->out[i].entry = -1;
	}
	return 0;
}

static void
set_result(struct show *s, enum result r, const char *why)
{
	s->result = r;
	mask_text(s->why, sizeof(s->why), why ? why : "");
}

/* A refusal of @e, unless nofail lets the login go on (as the module's
 * login_goes_on() says); unknown when not root could not look. */
static void
refuse(struct show *s, enum result r, int err, const struct mntns_error *e)
{
	error_text(e, s->why, sizeof(s->why));
	s->result = r == RESULT_REFUSED && login_goes_on(&s->l, err, e)
			    ? RESULT_NOFAIL
			    : r;
}

/* The namespaces the user has: one to join, or the cap reached. */
static bool
look(struct show *s)
{
	struct session_args a = {
		.plan = &s->l.plan,
		.id = &s->l.id,
		.scope = s->l.set.scope,
		.max_namespaces = s->l.set.max_namespaces,
	};
	struct mntns_error e;
	int r = session_outlook(&a, &s->look, &e);

	/* The cap reached: the count is known. */
	s->looked = r == 0 || r == -EUSERS;
	if (r < 0) {
		refuse(s,
		       r == -EUSERS || geteuid() == 0 ? RESULT_REFUSED
						      : RESULT_UNKNOWN,
		       r, &e);
		return false;
	}
	if (s->look.joins)
		set_result(s, RESULT_JOINS, NULL);
	return !s->look.joins;
}

/* The dry run of the mounts, and what it finds. */
static int
describe(struct show *s)
{
	const struct entry_desc *f;
	struct mntns_error e;

	if (describe_plan(&s->l.plan, &s->desc) < 0)
		return -ENOMEM;
	if (s->result != RESULT_MOUNTS || s->desc.failed < 0)
		return 0;
	f = &s->desc.d[s->desc.failed];
	refuse(s, f->state == DESC_UNKNOWN ? RESULT_UNKNOWN : RESULT_REFUSED,
	       err_set(&e, -EPERM, "%s", f->why), &e);
	return 0;
}

static int
build(struct show *s)
{
	struct login *l = &s->l;

	s->group = ident_group_name(&l->id, NULL);
	if (match_rules(s) < 0)
		return -ENOMEM;
	if (l->outcome == LOGIN_REFUSED) {
		refuse(s, RESULT_REFUSED, l->err, &l->e);
		return 0;
	}
	settle(s);
	if (l->outcome == LOGIN_NO_RULE) {
		set_result(s, RESULT_IGNORE, NULL);
		return 0;
	}
	set_result(s, RESULT_MOUNTS, NULL);
	look(s);
	return describe(s);
}

/* ---- the command ------------------------------------------------------ */

static void
show_free(struct show *s)
{
	free(s->out);
	show_live_free(s);
	pam_services_free(&s->services);
	plan_desc_free(&s->desc);
	login_free(&s->l);
}

/*
 * A login decided before its plan: a config that does not load, a user
 * NSS does not know or cannot give.  Nothing to show but why; 1.
 */
static int
cannot_prepare(const struct show *s, const char *user)
{
	char who[256], msg[sizeof(s->l.e.msg)];

	mask_text(who, sizeof(who), user);
	if (s->l.step == LOGIN_AT_CONF)
		conf_errors_print(&s->l.conf, s->l.err, &s->l.e);
	else if (s->l.outcome == LOGIN_NO_USER)
		fprintf(stderr, PROG ": show: no such user '%s'\n", who);
	else
		fprintf(stderr, PROG ": show: %s: %s\n", who,
			mask_text(msg, sizeof(msg), s->l.e.msg));
	if (login_goes_on(&s->l, s->l.err, &s->l.e))
		fprintf(stderr,
			PROG ": show: nofail: a login of %s would go on "
			     "without private mounts (PAM_IGNORE)\n",
			who);
	return 1;
}

/* The identity for a config with no rule, where the module looks none up. */
static int
lookup_user(struct show *s, const char *user)
{
	int r;

	if (s->l.id.user)
		return 0;
	r = ident_lookup(&s->l.id, user, &s->l.e);
	if (r < 0) {
		s->l.outcome = r == -ENOENT ? LOGIN_NO_USER : LOGIN_REFUSED;
		s->l.step = LOGIN_AT_USER;
		s->l.err = r;
	}
	return r;
}

static int
report(const struct show *s)
{
	char who[256];

	if (s->o.json)
		show_json(s);
	else
		show_text(s);
	mask_text(who, sizeof(who), s->l.id.user);
	if (s->result == RESULT_REFUSED)
		fprintf(stderr,
			PROG ": show: the login of %s would be refused: %s\n",
			who, s->why);
	else if (s->result == RESULT_NOFAIL)
		fprintf(stderr,
			PROG ": show: the login of %s would go on without "
			     "private mounts (nofail): %s\n",
			who, s->why);
	return s->result == RESULT_REFUSED || s->result == RESULT_NOFAIL;
}

int
cmd_show(int argc, char **argv)
{
	struct settings args;
	struct show s;
	int r;

	memset(&s, 0, sizeof(s));
	r = parse_opts(argc, argv, OPT_CONF | OPT_JSON, &s.o);
	if (r)
		return opts_status(r);
	if (s.o.argc != 1)
		return misuse("show: expected one USER");
	settings_init(&args);
	args.conf = s.o.conf;
	login_prepare(&s.l, s.o.argv[0], &args);
	if (s.l.outcome == LOGIN_NO_RULE)
		r = lookup_user(&s, s.o.argv[0]);
	if (r < 0 ||
	    (s.l.outcome != LOGIN_NO_RULE && s.l.step != LOGIN_AT_PLAN))
		r = cannot_prepare(&s, s.o.argv[0]);
	else
		r = build(&s);
	if (r == 0)
		r = show_live(&s);
	if (r == 0)
		s.services_err = pam_services_find(&s.services);
	if (s.services_err == -ENOMEM)
		r = -ENOMEM;
	if (r == -ENOMEM)
		fprintf(stderr, PROG ": show: out of memory\n");
	if (r == 0)
		r = report(&s);
	show_free(&s);
	return r != 0;
}
