/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show's text: the identity and settings, the rules that apply, the plan
 * entry by entry, the result and the PAM services that run the module.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "config/template.h"
#include "show.h"

static void
print_identity(const struct show *s)
{
	char t[PATH_MAX];
	size_t i;

	printf("user    %s\n", mask_text(t, sizeof(t), s->l.id.user));
	printf("uid     %u\n", (unsigned)s->l.id.uid);
	printf("gid     %u (%s)\n", (unsigned)s->l.id.gid,
	       mask_text(t, sizeof(t), s->group ? s->group : "no name"));
	printf("home    %s\n", mask_text(t, sizeof(t), s->l.id.home));
	for (i = 0; i < s->l.conf.nfiles; i++)
		printf("%s  %s\n", i ? "      " : "config", s->l.conf.files[i]);
	settings_format(&s->l.set, t, sizeof(t));
	printf("set     %s\n", t);
}

void
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
	for (i = 0; s->out && i < s->l.conf.nrules; i++) {
		if (!s->out[i].matched)
			continue;
		print_rule(&s->l.conf.rules[i]);
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
		printf(DETAIL HIDE_NODE "%s\n", "source",
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
	const struct plan_entry *pe = &s->l.plan.entries[i];
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
	char ns[NS_NAME_MAX];

	ns_name(&s->look.current, ns);
	if (s->result == RESULT_MOUNTS)
		printf("\nResult: a new mount namespace with %zu mount%s "
		       "(PAM_SUCCESS).\n",
		       s->l.plan.n, s->l.plan.n == 1 ? "" : "s");
	else if (s->result == RESULT_JOINS)
		printf("\nResult: joins %s, the namespace of the user's "
		       "earlier sessions, as it is (scope=user, PAM_SUCCESS); "
		       "the plan is for the next one.\n",
		       ns);
	else if (s->result == RESULT_IGNORE)
		printf("\nResult: no rule applies: the login keeps its "
		       "namespace (PAM_IGNORE).\n");
	else if (s->result == RESULT_REFUSED)
		printf("\nResult: the login is refused (PAM_SESSION_ERR): "
		       "%s\n",
		       s->why);
	else if (s->result == RESULT_NOFAIL)
		printf("\nResult: the login goes on without private mounts "
		       "(nofail, PAM_IGNORE): %s\n",
		       s->why);
	else
		printf("\nResult: unknown, not running as root: %s\n", s->why);
}

/* The user's live namespaces against this plan, when there are any. */
static void
print_live(const struct show *s)
{
	const struct live_plan *lp;
	size_t i, k;

	if (s->nlive == 0)
		return;
	printf("\nLive namespaces of the user, against this plan:\n");
	for (i = 0; i < s->nlive; i++) {
		lp = &s->live[i];
		printf("  %s  scope=%s  %zu process%s  ", lp->ns,
		       scope_name(lp->scope), lp->procs,
		       lp->procs == 1 ? "" : "es");
		if (lp->state == PLAN_CURRENT)
			printf("built from this plan\n");
		else if (lp->state == PLAN_UNKNOWN)
			printf("built from a plan not known (made by an older "
			       "module, or this plan is refused)\n");
		else if (!lp->kept)
			printf("built from another plan, whose text was not "
			       "kept\n");
		else
			printf("built from another plan; to bring it to this "
			       "one:\n");
		for (k = 0; k < lp->nd; k++)
			plan_change_print("    ", lp->d[k].c, lp->d[k].was,
					  lp->d[k].now);
	}
}

/* A plan only reaches logins of services that run the module. */
static void
print_services(const struct show *s)
{
	size_t i;

	if (s->services_err) {
		printf("PAM services: cannot read " PAM_DIR
		       " or " PAM_VENDOR_DIR ": %s\n",
		       strerror(-s->services_err));
		return;
	}
	if (s->services.n == 0) {
		printf("PAM services: no file in " PAM_DIR " or " PAM_VENDOR_DIR
		       " names pam_mntns.so: no login runs the module yet\n");
		return;
	}
	printf("PAM services using pam_mntns.so (" PAM_DIR ", " PAM_VENDOR_DIR
	       "):");
	for (i = 0; i < s->services.n; i++)
		printf("%s %s", i ? "," : "", s->services.names[i]);
	printf("\n");
}

void
show_text(const struct show *s)
{
	size_t i;

	print_identity(s);
	print_rules(s);
	if (s->desc.d) {
		printf("\nPlan, mounted in this order:\n");
		for (i = 0; i < s->l.plan.n; i++)
			print_entry(s, i);
	}
	print_result(s);
	print_live(s);
	print_services(s);
}
