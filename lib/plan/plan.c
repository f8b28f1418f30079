/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rules + one user's identity -> the ordered list of mounts to make:
 * matching, variable expansion, precedence, parents first.  Pure.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "plan/plan.h"

static int
selector_matches(const struct selector *s, struct identity *id,
		 struct mntns_error *e)
{
	switch (s->kind) {
	case SEL_ALL:
		return 1;
	case SEL_USER:
		return !strcmp(s->name, id->user);
	case SEL_UID:
		return id->uid >= s->lo && id->uid <= s->hi;
	case SEL_GROUP:
		return ident_in_group(id, s->name, e);
	}
	return 0;
}

int
rule_matches(const struct rule *r, struct identity *id, struct mntns_error *e)
{
	bool positive = false, any_positive = false;
	size_t i;
	int m;

	for (i = 0; i < r->nwho; i++) {
		const struct selector *s = &r->who[i];

		/* Group lookups are the costly ones: skip what is decided. */
		if (!s->negate && positive)
			continue;
		m = selector_matches(s, id, e);
		if (m < 0)
			return m;
		if (s->negate && m)
			return 0;
		if (!s->negate) {
			any_positive = true;
			positive |= m;
		}
	}
	/* A list of only exclusions means everyone else. */
	return positive || !any_positive;
}

/* Appends @s to @buf at *@used, or fails with -ENAMETOOLONG. */
static int
append(char *buf, size_t *used, const char *s)
{
	size_t n = strlen(s);

	if (*used + n >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(buf + *used, s, n + 1);
	*used += n;
	return 0;
}

static int
unsafe(const char *what, const char *value, struct mntns_error *e)
{
	return err_set(e, -EINVAL, "%s '%s' is not safe in a path, refusing",
		       what, value);
}

static int
expand_var(char v, struct identity *id, char *num, const char **val,
	   struct mntns_error *e)
{
	switch (v) {
	case 'u':
		*val = id->user;
		return name_is_safe(*val) ? 0 : unsafe("name", *val, e);
	case 'g':
		*val = ident_group_name(id, e);
		if (!*val)
			return -ENOENT;
		return name_is_safe(*val) ? 0 : unsafe("group name", *val, e);
	case 'U':
	case 'G':
		snprintf(num, 16, "%u",
			 v == 'U' ? (unsigned)id->uid : (unsigned)id->gid);
		*val = num;
		return 0;
	case 'h':
		*val = id->home;
		/* "/" as a home would make ~/x name a system path. */
		if (!path_is_normalized(*val) || !strcmp(*val, "/"))
			return unsafe("home", *val, e);
		return 0;
	case '%':
		*val = "%";
		return 0;
	}
	return err_set(e, -EINVAL, "unknown variable '%%%c'", v);
}

int
expand_path(const char *tmpl, struct identity *id, char **out,
	    struct mntns_error *e)
{
	char buf[PATH_MAX], lit[2] = {0}, num[16];
	const char *val = NULL;
	size_t used = 0;
	int r = 0;

	buf[0] = '\0';
	/* r first: a failed lone '%' at the end has consumed the NUL. */
	for (; r == 0 && *tmpl; tmpl++) {
		if (*tmpl != '%') {
			lit[0] = *tmpl;
			r = append(buf, &used, lit);
			continue;
		}
		r = expand_var(*++tmpl, id, num, &val, e);
		if (r == 0)
			r = append(buf, &used, val);
	}
	if (r == -ENAMETOOLONG)
		return err_set(e, r, "expanded path is too long");
	if (r < 0)
		return r;
	if (!path_is_normalized(buf))
		return err_set(e, -EINVAL,
			       "'%s' is not a normalized absolute path, "
			       "refusing",
			       buf);
	*out = strdup(buf);
	return *out ? 0 : err_set(e, -ENOMEM, "out of memory");
}

static void
entry_free(struct plan_entry *pe)
{
	free(pe->target);
	free(pe->source);
	free(pe->overrode);
	memset(pe, 0, sizeof(*pe));
}

void
plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n + p->nexempt; i++)
		entry_free(&p->entries[i]);
	free(p->entries);
	memset(p, 0, sizeof(*p));
}

static int
fill_entry(struct plan_entry *pe, const struct rule *r, struct identity *id,
	   struct mntns_error *e)
{
	int ret;

	pe->rule = r;
	pe->method = r->method;
	pe->instance = r->instance;
	pe->target_home = strstr(r->target, "%h") != NULL;
	pe->source_home = r->source && strstr(r->source, "%h") != NULL;
	pe->ms_set = r->ms_set;
	pe->ms_clr = r->ms_clr;
	pe->fsdata = r->fsdata;
	pe->selinux = r->selinux;
	pe->mode = r->mode;
	pe->uid = id->uid;
	pe->gid = id->gid;
	ret = expand_path(r->target, id, &pe->target, e);
	if (ret == 0 && r->method != METHOD_NONE &&
	    paths_overlap(pe->target, MNTNS_RUN_DIR))
		ret = err_set(e, -EPERM, RUN_DIR_REFUSAL, pe->target);
	if (ret == 0 && r->source)
		ret = expand_path(r->source, id, &pe->source, e);
	return ret;
}

/* An error of the plan is one of the rule that failed: its FILE:LINE. */
static int
blame_rule(const struct rule *r, int ret, struct mntns_error *e)
{
	return err_locate(e, ret, r->file, r->line);
}

/* '/' sorts before every other byte, so a parent precedes its children. */
static int
sort_key(unsigned char c)
{
	return c == '/' ? 1 : c ? c + 1 : 0;
}

/* Mounts before exemptions; among each, parents first. */
static int
cmp_entries(const void *a, const void *b)
{
	const struct plan_entry *pa = a, *pb = b;
	const char *x = pa->target, *y = pb->target;
	int xa = pa->method == METHOD_NONE, xb = pb->method == METHOD_NONE;

	if (xa != xb)
		return xa - xb;
	for (; *x && *x == *y; x++, y++)
		;
	return sort_key((unsigned char)*x) - sort_key((unsigned char)*y);
}

/* @pe replaces @old: it records @old's rule and what that overrode. */
static int
take_overridden(struct plan_entry *pe, struct plan_entry *old)
{
	const struct rule **grown;

	grown = reallocarray(old->overrode, old->noverrode + 1, sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	grown[old->noverrode] = old->rule;
	pe->overrode = grown;
	pe->noverrode = old->noverrode + 1;
	old->overrode = NULL;
	old->noverrode = 0;
	return 0;
}

/* Adds @pe, replacing an earlier entry for the same target. */
static int
merge_entry(struct plan *p, struct plan_entry *pe)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->entries[i].target, pe->target))
			break;
	if (i == p->n) {
		p->entries[p->n++] = *pe;
		return 0;
	}
	if (take_overridden(pe, &p->entries[i]) < 0)
		return -ENOMEM;
	entry_free(&p->entries[i]);
	p->entries[i] = *pe;
	return 0;
}

/* Sorts the plan, the exemptions moved after the entries to mount. */
static void
sort_plan(struct plan *p)
{
	size_t i;

	qsort(p->entries, p->n, sizeof(*p->entries), cmp_entries);
	for (i = 0; i < p->n; i++)
		if (p->entries[i].method == METHOD_NONE)
			break;
	p->nexempt = p->n - i;
	p->n = i;
}

int
plan_for_user(struct plan *p, const struct conf *c, struct identity *id,
	      struct mntns_error *e)
{
	struct plan_entry pe;
	size_t i;
	int r;

	memset(p, 0, sizeof(*p));
	if (c->nrules == 0)
		return 0;
	p->entries = calloc(c->nrules, sizeof(*p->entries));
	if (!p->entries)
		return err_set(e, -ENOMEM, "out of memory");
	for (i = 0; i < c->nrules; i++) {
		r = rule_matches(&c->rules[i], id, e);
		if (r == 0)
			continue;
		memset(&pe, 0, sizeof(pe));
		if (r > 0)
			r = fill_entry(&pe, &c->rules[i], id, e);
		if (r < 0)
			r = blame_rule(&c->rules[i], r, e);
		else if (merge_entry(p, &pe) < 0)
			r = err_set(e, -ENOMEM, "out of memory");
		if (r < 0) {
			entry_free(&pe);
			plan_free(p);
			return r;
		}
	}
	sort_plan(p);
	return 0;
}
