/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WHO: the selectors of a rule, from the config's text and back to it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/conf.h"
#include "config/where.h"

static int
parse_uid_range(const struct where *w, const char *tok, struct selector *sel)
{
	const char *dash = strchr(tok, '-');
	int r;

	sel->kind = SEL_UID;
	r = parse_id(tok, dash ? (size_t)(dash - tok) : strlen(tok), &sel->lo);
	if (r == 0 && dash)
		r = parse_id(dash + 1, strlen(dash + 1), &sel->hi);
	else
		sel->hi = sel->lo;
	if (r < 0)
		return line_error(w, "invalid uid or uid range '%s'", tok);
	if (sel->lo > sel->hi)
		return line_error(w, "uid range '%s' is empty (%u > %u)", tok,
				  sel->lo, sel->hi);
	return 0;
}

static int
parse_selector(const struct where *w, const char *tok, struct selector *sel)
{
	memset(sel, 0, sizeof(*sel));
	if (*tok == '!') {
		sel->negate = true;
		tok++;
	}
	if (*tok == '!')
		return line_error(w, "double negation in selector '!%s'", tok);
	if (!*tok)
		return line_error(w, "empty selector in WHO");
	if (has_control(tok))
		return line_error(w, "control character in selector");
	if (!strcmp(tok, "*")) {
		sel->kind = SEL_ALL;
		return 0;
	}
	if (*tok == '@') {
		if (!tok[1])
			return line_error(w,
					  "empty group name in selector '@'");
		sel->kind = SEL_GROUP;
		sel->name = strdup(tok + 1);
		return sel->name ? 0 : -ENOMEM;
	}
	if (*tok >= '0' && *tok <= '9')
		return parse_uid_range(w, tok, sel);
	if (*tok == '-' || strchr(tok, '/') || strchr(tok, ':'))
		return line_error(w, "invalid user name '%s' in selector", tok);
	sel->kind = SEL_USER;
	sel->name = strdup(tok);
	return sel->name ? 0 : -ENOMEM;
}

int
selectors_parse(const struct where *w, char *field, struct rule *r)
{
	size_t n = 1, i = 0;
	char *tok, *save = NULL;
	const char *p;
	int ret;

	for (p = field; *p; p++)
		n += *p == ',';
	r->who = calloc(n, sizeof(*r->who));
	if (!r->who)
		return -ENOMEM;
	/* strtok_r would skip empty items; an empty one is an error. */
	for (tok = field;; tok = save) {
		save = strchr(tok, ',');
		if (save)
			*save++ = '\0';
		/* After the split: an escaped comma is part of a name. */
		ret = line_unescape(w, tok, false);
		if (ret == 0)
			ret = parse_selector(w, tok, &r->who[i]);
		if (ret < 0)
			return ret;
		r->nwho = ++i;
		if (!save)
			return 0;
	}
}

static int
format_selector(const struct selector *s, char *buf, size_t len)
{
	const char *neg = s->negate ? "!" : "";

	switch (s->kind) {
	case SEL_ALL:
		return snprintf(buf, len, "%s*", neg);
	case SEL_USER:
		return snprintf(buf, len, "%s%s", neg, s->name);
	case SEL_GROUP:
		return snprintf(buf, len, "%s@%s", neg, s->name);
	case SEL_UID:
		if (s->lo == s->hi)
			return snprintf(buf, len, "%s%u", neg, s->lo);
		return snprintf(buf, len, "%s%u-%u", neg, s->lo, s->hi);
	}
	return -1;
}

int
selectors_format(const struct rule *r, char *buf, size_t len)
{
	size_t i, used = 0;
	int n;

	for (i = 0; i < r->nwho; i++) {
		if (i > 0 && used + 1 < len)
			buf[used++] = ',';
		n = format_selector(&r->who[i], buf + used,
				    used < len ? len - used : 0);
		if (n < 0 || used + (size_t)n >= len)
			return -ENAMETOOLONG;
		used += (size_t)n;
	}
	if (len)
		buf[used < len ? used : len - 1] = '\0';
	return 0;
}
