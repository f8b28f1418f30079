/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * show --json: the keys the man page lists, in its order.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "show.h"

static const char *const result_names[] = {
	[RESULT_MOUNTS] = "mounts", [RESULT_JOINS] = "joins",
	[RESULT_IGNORE] = "ignore", [RESULT_REFUSED] = "refused",
	[RESULT_NOFAIL] = "nofail", [RESULT_UNKNOWN] = "unknown",
};

static const char *const state_names[] = {
	[DESC_OK] = "ok",
	[DESC_REFUSED] = "refused",
	[DESC_UNKNOWN] = "unknown",
	[DESC_NOT_REACHED] = "not-reached",
};

static void
json_identity(struct json *j, const struct show *s)
{
	size_t i;

	json_open(j, "user", '{');
	json_str(j, "name", s->l.id.user);
	json_int(j, "uid", s->l.id.uid);
	json_int(j, "gid", s->l.id.gid);
	json_str(j, "group", s->group);
	json_str(j, "home", s->l.id.home);
	json_close(j, '}');
	json_open(j, "config", '[');
	for (i = 0; i < s->l.conf.nfiles; i++)
		json_str(j, NULL, s->l.conf.files[i]);
	json_close(j, ']');
	json_open(j, "settings", '{');
	json_str(j, "scope", scope_name(s->l.set.scope));
	json_int(j, "max_namespaces", s->l.set.max_namespaces);
	json_bool(j, "nofail", s->l.set.nofail);
	json_bool(j, "debug", s->l.set.debug);
	json_close(j, '}');
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
	const struct plan_entry *pe = &s->l.plan.entries[i];
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

/* The user's namespaces as a login finds them, when they were looked at. */
static void
json_namespaces(struct json *j, const struct show *s)
{
	char ns[NS_NAME_MAX];

	ns_name(&s->look.current, ns);
	json_str(j, "joins", s->look.joins ? ns : NULL);
	if (s->looked && !s->look.joins)
		json_int(j, "namespaces", s->look.namespaces);
	else
		json_null(j, "namespaces");
}

static void
json_live(struct json *j, const struct show *s)
{
	static const char *const change[] = {[PLAN_ADD] = "add",
					     [PLAN_REMOVE] = "remove",
					     [PLAN_CHANGE] = "change"};
	const struct live_plan *lp;
	size_t i, k;

	json_open(j, "live", '[');
	for (i = 0; i < s->nlive; i++) {
		lp = &s->live[i];
		json_open(j, NULL, '{');
		json_str(j, "ns", lp->ns);
		json_str(j, "scope", scope_name(lp->scope));
		json_int(j, "processes", (long long)lp->procs);
		json_str(j, "plan", plan_state_name(lp->state));
		if (lp->state == PLAN_CHANGED && !lp->kept) {
			json_null(j, "differences");
			json_close(j, '}');
			continue;
		}
		json_open(j, "differences", '[');
		for (k = 0; k < lp->nd; k++) {
			json_open(j, NULL, '{');
			json_str(j, "change", change[lp->d[k].c]);
			json_str(j, "was", lp->d[k].was);
			json_str(j, "now", lp->d[k].now);
			json_close(j, '}');
		}
		json_close(j, ']');
		json_close(j, '}');
	}
	json_close(j, ']');
}

void
show_json(const struct show *s)
{
	struct json j;
	size_t i;

	json_begin(&j, stdout);
	json_identity(&j, s);
	json_open(&j, "rules", '[');
	for (i = 0; s->out && i < s->l.conf.nrules; i++)
		if (s->out[i].matched)
			json_rule(&j, &s->l.conf.rules[i], &s->out[i]);
	json_close(&j, ']');
	json_open(&j, "plan", '[');
	for (i = 0; s->desc.d && i < s->l.plan.n; i++)
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
	json_namespaces(&j, s);
	json_live(&j, s);
	json_str(&j, "result", result_names[s->result]);
	json_str(&j, "reason", s->why[0] ? s->why : NULL);
	json_end(&j);
}
