/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show USER: what a login of USER gets, computed as the module computes
 * it: the same config loading, NSS identity, rule matching and plan
 * (lib/plan/plan.c), then lib/admin/describe.c's dry run of lib/mount/apply.c for the
 * owner, mode and flags of every mount.  Nothing is created or mounted.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "describe.h"
#include "helper.h"
#include "ident.h"
#include "lint.h"
#include "plan.h"

enum result {
	RESULT_MOUNTS,	/* a new namespace with the plan mounted */
	RESULT_IGNORE,	/* no rule applies: PAM_IGNORE */
	RESULT_REFUSED, /* PAM_SESSION_ERR */
	RESULT_UNKNOWN, /* a path could not be looked at */
};

static const char *const result_names[] = {
	[RESULT_MOUNTS] = "mounts",
	[RESULT_IGNORE] = "ignore",
	[RESULT_REFUSED] = "refused",
	[RESULT_UNKNOWN] = "unknown",
};

static const char *const state_names[] = {
	[DESC_OK] = "ok",
	[DESC_REFUSED] = "refused",
	[DESC_UNKNOWN] = "unknown",
	[DESC_NOT_REACHED] = "not-reached",
};

/* What became of a rule that applies to the user, as the plan says. */
struct outcome {
	bool matched;
	const char *exempts;   /* a "none" rule that won: its TARGET */
	int entry;	       /* the plan entry it made, or -1 */
	const struct rule *by; /* the later rule overriding it */
};

struct show {
	struct opts o;
	struct conf conf;
	struct identity id;
	const char *group;
	struct outcome *out;
	struct plan plan;
	struct plan_desc desc;
	struct pam_services services;
	int services_err; /* reading PAM_DIR failed: -errno */
	enum result result;
	char why[1024];
};

/* ---- computing it ----------------------------------------------------- */

/* Plan entry @entry (-1: an exemption) and the rules it overrode. */
static void
note_entry(struct show *s, const struct plan_entry *pe, int entry)
{
	struct outcome *o = &s->out[pe->rule - s->conf.rules];
	size_t i;

	o->entry = entry;
	if (entry < 0)
		o->exempts = pe->target;
	for (i = 0; i < pe->noverrode; i++)
		s->out[pe->overrode[i] - s->conf.rules].by = pe->rule;
}

/* For the rules that apply: which one won each TARGET, from the plan. */
static void
settle(struct show *s)
{
	const struct plan *p = &s->plan;
	size_t i;

	for (i = 0; i < p->n + p->nexempt; i++)
		note_entry(s, &p->entries[i], i < p->n ? (int)i : -1);
}

/* Which rules apply, listed even when the plan is refused. */
static int
match_rules(struct show *s)
{
	size_t i;

	s->out = calloc(s->conf.nrules ? s->conf.nrules : 1, sizeof(*s->out));
	if (!s->out)
		return -ENOMEM;
	/* A failed group lookup fails the plan below, as it fails a login. */
	for (i = 0; i < s->conf.nrules; i++) {
		s->out[i].matched =
			rule_matches(&s->conf.rules[i], &s->id, NULL) > 0;
		s->out[i].entry = -1;
	}
	return 0;
}

static int
set_result(struct show *s, enum result r, const char *why)
{
	s->result = r;
	mask_text(s->why, sizeof(s->why), why ? why : "");
	return 0;
}

/* The plan; false when there is nothing to describe. */
static bool
make_plan(struct show *s)
{
	struct mntns_error e;

	if (s->conf.nrules == 0) {
		set_result(s, RESULT_IGNORE, NULL);
		return false;
	}
	if (plan_for_user(&s->plan, &s->conf, &s->id, &e) < 0) {
		s->result = RESULT_REFUSED;
		error_text(&e, s->why, sizeof(s->why));
		return false;
	}
	settle(s);
	if (s->plan.n == 0)
		set_result(s, RESULT_IGNORE, NULL);
	return s->plan.n > 0;
}

static int
build(struct show *s)
{
	const struct entry_desc *f;

	s->group = ident_group_name(&s->id, NULL);
	if (match_rules(s) < 0)
		return -ENOMEM;
	if (!make_plan(s))
		return 0;
	if (describe_plan(&s->plan, &s->desc) < 0)
		return -ENOMEM;
	if (s->desc.failed < 0)
		return set_result(s, RESULT_MOUNTS, NULL);
	f = &s->desc.d[s->desc.failed];
	return set_result(
		s, f->state == DESC_UNKNOWN ? RESULT_UNKNOWN : RESULT_REFUSED,
		f->why);
}

/* ---- text ------------------------------------------------------------- */

static void
print_identity(const struct show *s)
{
	char t[PATH_MAX];
	size_t i;

	printf("user    %s\n", mask_text(t, sizeof(t), s->id.user));
	printf("uid     %u\n", (unsigned)s->id.uid);
	printf("gid     %u (%s)\n", (unsigned)s->id.gid,
	       mask_text(t, sizeof(t), s->group ? s->group : "no name"));
	printf("home    %s\n", mask_text(t, sizeof(t), s->id.home));
	for (i = 0; i < s->conf.nfiles; i++)
		printf("%s  %s\n", i ? "      " : "config", s->conf.files[i]);
}

/* A rule's fields as text, as a config line writes them. */
struct rule_text {
	char who[256], target[PATH_MAX], source[PATH_MAX], opts[512];
};

static void
rule_text(const struct rule *r, struct rule_text *t)
{
	if (selectors_format(r, t->who, sizeof(t->who)) < 0)
		snprintf(t->who, sizeof(t->who), "...");
	template_format(r->target, t->target, sizeof(t->target));
	template_format(r->source ? r->source : "-", t->source,
			sizeof(t->source));
	rule_options_format(r, t->opts, sizeof(t->opts));
}

static void
print_rule(const struct rule *r)
{
	struct rule_text t;

	rule_text(r, &t);
	printf("  %s:%u: %s %s %s %s %s\n", r->file, r->line, t.who, t.target,
	       method_name(r->method), t.source, t.opts);
}

static void
print_outcome(const struct outcome *o)
{
	if (o->by)
		printf("      overridden by %s:%u\n", o->by->file, o->by->line);
	else if (o->exempts)
		printf("      exempts %s: nothing is mounted there\n",
		       o->exempts);
	else if (o->entry >= 0)
		printf("      plan entry %d\n", o->entry + 1);
}

static void
print_rules(const struct show *s)
{
	size_t i, n = 0;

	printf("\nRules that apply, in file order:\n");
	for (i = 0; s->out && i < s->conf.nrules; i++) {
		if (!s->out[i].matched)
			continue;
		print_rule(&s->conf.rules[i]);
		print_outcome(&s->out[i]);
		n++;
	}
	if (n == 0)
		printf("  none\n");
}

#define DETAIL "       %-7s "

static void
print_made(const struct plan_entry *pe, const struct entry_desc *d)
{
	if (d->target_made == MADE_USER_DIR)
		printf(DETAIL "missing: created at login, the user's, 0700\n",
		       "target");
	else if (d->target_made == MADE_IN_TMPFS)
		printf(DETAIL "missing: created at login in the plan's tmpfs, "
			      "root, %s\n",
		       "target", S_ISREG(d->mode) ? "0644" : "0755");
	if (pe->instance)
		printf(DETAIL "%s\n" DETAIL "%s\n", "parent",
		       d->parent_made ? "created at login, root:root 0000"
				      : "exists",
		       "source",
		       d->instance_made ? "instance, created at login"
					: "instance, exists");
	if (pe->method == METHOD_HIDE && !S_ISDIR(d->mode))
		printf(DETAIL "%s/inaccessible%s\n", "source", MNTNS_RUN_DIR,
		       d->node_made ? ", created at login" : "");
}

static void
print_owner(const struct entry_desc *d)
{
	char u[64], g[64], flags[64];

	printf(DETAIL "%s:%s (%u:%u)\n", "owner",
	       uid_name(d->uid, u, sizeof(u)), gid_name(d->gid, g, sizeof(g)),
	       (unsigned)d->uid, (unsigned)d->gid);
	printf(DETAIL "%04o %s, from %s\n", "mode", (unsigned)(d->mode & 07777),
	       S_ISDIR(d->mode) ? "directory" : "file",
	       desc_owner_name(d->owner));
	mount_flags_format(d->flags, flags, sizeof(flags));
	printf(DETAIL "%s\n", "flags", flags);
	if (d->fsdata[0])
		printf(DETAIL "%s\n", "data", d->fsdata);
}

static void
print_state(const struct show *s, const struct entry_desc *d)
{
	int f = s->desc.failed + 1;

	char why[sizeof(d->why)];

	mask_text(why, sizeof(why), d->why);
	if (d->state == DESC_REFUSED)
		printf(DETAIL "%s\n", "refused", why);
	else if (d->state == DESC_UNKNOWN)
		printf(DETAIL "%s (not running as root)\n", "unknown", why);
	else if (s->desc.d[f - 1].state == DESC_REFUSED)
		printf(DETAIL "the login is refused at entry %d\n", "not made",
		       f);
	else
		printf(DETAIL "entry %d could not be looked at\n", "unknown",
		       f);
}

static void
print_entry(const struct show *s, size_t i)
{
	const struct plan_entry *pe = &s->plan.entries[i];
	const struct entry_desc *d = &s->desc.d[i];
	char t[PATH_MAX], src[PATH_MAX];

	mask_text(t, sizeof(t), pe->target);
	mask_text(src, sizeof(src), pe->source ? pe->source : "");
	printf("  %zu  %s  %s%s%s  (%s:%u)\n", i + 1, t,
	       method_name(pe->method), pe->source ? " " : "", src,
	       pe->rule->file, pe->rule->line);
	if (d->state != DESC_OK)
		return print_state(s, d);
	print_made(pe, d);
	print_owner(d);
}

static void
print_result(const struct show *s)
{
	if (s->result == RESULT_MOUNTS)
		printf("\nResult: a new mount namespace with %zu mount%s "
		       "(PAM_SUCCESS).\n",
		       s->plan.n, s->plan.n == 1 ? "" : "s");
	else if (s->result == RESULT_IGNORE)
		printf("\nResult: no rule applies: the login keeps its "
		       "namespace (PAM_IGNORE).\n");
	else if (s->result == RESULT_REFUSED)
		printf("\nResult: the login is refused (PAM_SESSION_ERR): "
		       "%s\n",
		       s->why);
	else
		printf("\nResult: unknown, not running as root: %s\n", s->why);
}

/* A plan only reaches logins of services that run the module. */
static void
print_services(const struct show *s)
{
	size_t i;

	if (s->services_err) {
		printf("PAM services: cannot read " PAM_DIR ": %s\n",
		       strerror(-s->services_err));
		return;
	}
	if (s->services.n == 0) {
		printf("PAM services: no file in " PAM_DIR " names "
		       "pam_mntns.so: no login runs the module yet\n");
		return;
	}
	printf("PAM services using pam_mntns.so (" PAM_DIR "):");
	for (i = 0; i < s->services.n; i++)
		printf("%s %s", i ? "," : "", s->services.names[i]);
	printf("\n");
}

static void
print_text(const struct show *s)
{
	size_t i;

	print_identity(s);
	print_rules(s);
	if (s->desc.d) {
		printf("\nPlan, mounted in this order:\n");
		for (i = 0; i < s->plan.n; i++)
			print_entry(s, i);
	}
	print_result(s);
	print_services(s);
}

/* ---- JSON ------------------------------------------------------------- */

static void
json_identity(struct json *j, const struct show *s)
{
	size_t i;

	json_open(j, "user", '{');
	json_str(j, "name", s->id.user);
	json_int(j, "uid", s->id.uid);
	json_int(j, "gid", s->id.gid);
	json_str(j, "group", s->group);
	json_str(j, "home", s->id.home);
	json_close(j, '}');
	json_open(j, "config", '[');
	for (i = 0; i < s->conf.nfiles; i++)
		json_str(j, NULL, s->conf.files[i]);
	json_close(j, ']');
}

static void
json_outcome(struct json *j, const struct outcome *o)
{
	char by[PATH_MAX + 16];

	json_str(j, "outcome",
		 o->by		 ? "overridden"
		 : o->exempts	 ? "exempts"
		 : o->entry >= 0 ? "entry"
				 : NULL);
	if (o->entry >= 0)
		json_int(j, "entry", o->entry + 1);
	else
		json_null(j, "entry");
	snprintf(by, sizeof(by), "%s:%u", o->by ? o->by->file : "",
		 o->by ? o->by->line : 0);
	json_str(j, "overridden_by", o->by ? by : NULL);
}

static void
json_rule(struct json *j, const struct rule *r, const struct outcome *o)
{
	struct rule_text t;

	rule_text(r, &t);
	json_open(j, NULL, '{');
	json_str(j, "file", r->file);
	json_int(j, "line", r->line);
	json_str(j, "who", t.who);
	json_str(j, "target", t.target);
	json_str(j, "method", method_name(r->method));
	json_str(j, "source", r->source ? t.source : NULL);
	json_str(j, "options", t.opts);
	json_outcome(j, o);
	json_close(j, '}');
}

static const char *
made_name(enum desc_made m)
{
	return m == MADE_USER_DIR   ? "user"
	       : m == MADE_IN_TMPFS ? "tmpfs"
				    : NULL;
}

static void
json_owner(struct json *j, const struct entry_desc *d)
{
	char u[64], g[64], mode[8], flags[64];
	bool ok = d->state == DESC_OK;

	snprintf(mode, sizeof(mode), "%04o", (unsigned)(d->mode & 07777));
	mount_flags_format(d->flags, flags, sizeof(flags));
	if (ok) {
		json_int(j, "owner_uid", d->uid);
		json_int(j, "owner_gid", d->gid);
	} else {
		json_null(j, "owner_uid");
		json_null(j, "owner_gid");
	}
	json_str(j, "owner_user", ok ? uid_name(d->uid, u, sizeof(u)) : NULL);
	json_str(j, "owner_group", ok ? gid_name(d->gid, g, sizeof(g)) : NULL);
	json_str(j, "mode", ok ? mode : NULL);
	json_str(j, "type",
		 !ok		    ? NULL
		 : S_ISDIR(d->mode) ? "directory"
				    : "file");
	json_str(j, "owner_from", ok ? desc_owner_name(d->owner) : NULL);
	json_str(j, "flags", ok ? flags : NULL);
	json_str(j, "tmpfs_data", ok && d->fsdata[0] ? d->fsdata : NULL);
}

static void
json_entry(struct json *j, const struct show *s, size_t i)
{
	const struct plan_entry *pe = &s->plan.entries[i];
	const struct entry_desc *d = &s->desc.d[i];

	json_open(j, NULL, '{');
	json_int(j, "entry", (long long)i + 1);
	json_str(j, "target", pe->target);
	json_str(j, "method", method_name(pe->method));
	json_str(j, "source", pe->source);
	json_bool(j, "instance", pe->instance);
	json_str(j, "file", pe->rule->file);
	json_int(j, "line", pe->rule->line);
	json_str(j, "state", state_names[d->state]);
	json_str(j, "reason", d->why[0] ? d->why : NULL);
	json_bool(j, "nested", d->nested);
	json_str(j, "target_created", made_name(d->target_made));
	json_bool(j, "instance_parent_created", d->parent_made);
	json_bool(j, "instance_created", d->instance_made);
	json_owner(j, d);
	json_close(j, '}');
}

static void
print_json(const struct show *s)
{
	struct json j;
	size_t i;

	json_begin(&j, stdout);
	json_identity(&j, s);
	json_open(&j, "rules", '[');
	for (i = 0; s->out && i < s->conf.nrules; i++)
		if (s->out[i].matched)
			json_rule(&j, &s->conf.rules[i], &s->out[i]);
	json_close(&j, ']');
	json_open(&j, "plan", '[');
	for (i = 0; s->desc.d && i < s->plan.n; i++)
		json_entry(&j, s, i);
	json_close(&j, ']');
	if (s->services_err) {
		json_null(&j, "pam_services");
	} else {
		json_open(&j, "pam_services", '[');
		for (i = 0; i < s->services.n; i++)
			json_str(&j, NULL, s->services.names[i]);
		json_close(&j, ']');
	}
	json_str(&j, "result", result_names[s->result]);
	json_str(&j, "reason", s->why[0] ? s->why : NULL);
	json_end(&j);
}

/* ---- the command ------------------------------------------------------ */

static void
show_free(struct show *s)
{
	free(s->out);
	pam_services_free(&s->services);
	plan_desc_free(&s->desc);
	plan_free(&s->plan);
	ident_free(&s->id);
	conf_free(&s->conf);
}

static int
lookup_user(struct show *s, const char *user)
{
	struct mntns_error e;
	int r = ident_lookup(&s->id, user, &e);

	if (r == -ENOENT)
		fprintf(stderr, PROG ": show: no such user '%s'\n", user);
	else if (r < 0)
		fprintf(stderr, PROG ": show: %s: %s\n", user,
			mask_text(e.msg, sizeof(e.msg), e.msg));
	return r;
}

static int
report(const struct show *s)
{
	char who[256];

	if (s->o.json)
		print_json(s);
	else
		print_text(s);
	if (s->result != RESULT_REFUSED)
		return 0;
	fprintf(stderr, PROG ": show: the login of %s would be refused: %s\n",
		mask_text(who, sizeof(who), s->id.user), s->why);
	return 1;
}

int
cmd_show(int argc, char **argv)
{
	struct show s;
	int r;

	memset(&s, 0, sizeof(s));
	r = parse_opts(argc, argv, OPT_CONF | OPT_JSON, &s.o);
	if (r)
		return opts_status(r);
	if (s.o.argc != 1)
		return misuse("show: expected one USER");
	r = load_conf(&s.conf, s.o.conf);
	if (r == 0)
		r = lookup_user(&s, s.o.argv[0]);
	if (r == 0)
		r = build(&s);
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
