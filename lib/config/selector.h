/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WHO, the first field of a rule: the users it applies to, as a comma
 * list of selectors ("*", a user name, "@group", a uid or a uid range,
 * each negated by a leading "!"), parsed and written back for display.
 */
#ifndef MNTNS_SELECTOR_H
#define MNTNS_SELECTOR_H

#include <stdbool.h>
#include <stddef.h>

struct rule;
struct where;

enum sel_kind {
	SEL_ALL,
	SEL_USER,
	SEL_GROUP,
	SEL_UID,
};

struct selector {
	enum sel_kind kind;
	bool negate;
	char *name;	 /* SEL_USER, SEL_GROUP */
	unsigned lo, hi; /* SEL_UID: inclusive range */
};

/*
 * Parses WHO field @field (split and unescaped in place) into @r->who and
 * @r->nwho: 0, -EINVAL with the error at @w, or -ENOMEM.
 */
int selectors_parse(const struct where *w, char *field, struct rule *r);

/* Renders a rule's WHO field back to text, for display. */
int selectors_format(const struct rule *r, char *buf, size_t len);

#endif
