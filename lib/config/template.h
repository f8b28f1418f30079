/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Path templates, a rule's TARGET and SOURCE: absolute, or starting with
 * %h (written ~ in a config), with the variables %u %U %g %G and "%%" for
 * a percent sign.  Parsed and normalized here; what is known of one
 * without a user (its literal part) and its text for display too.
 * Expanding one for a user is lib/plan/plan.c's.
 */
#ifndef MNTNS_TEMPLATE_H
#define MNTNS_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

struct where;

/*
 * Parses path field @raw (a @what: "TARGET", "SOURCE") into a malloc'd
 * normalized template in *@out, adding to *@needs (CONF_NEEDS_*) what
 * its variables need: 0, -EINVAL with the error at @w, or -ENOMEM.
 */
int template_parse(const struct where *w, const char *what, const char *raw,
		   char **out, unsigned *needs);

/* Whether template @tmpl uses variable %@v ("%%" is none). */
bool template_uses_var(const char *tmpl, char v);

/*
 * @tmpl when it has no variable in it ("%%" written "%"): 1 and a
 * malloc'd path in *@out; 0 when it has one; -ENOMEM.
 */
int template_literal(const char *tmpl, char **out);

/* Likewise for the parent directory of @tmpl. */
int template_literal_parent(const char *tmpl, char **out);

/*
 * Likewise for the directories of @tmpl before its first variable
 * ("/srv/x" of "/srv/x/%u/y"); 0 too when it has no variable or none is
 * below "/".
 */
int template_literal_dirs(const char *tmpl, char **out);

/* A path template for display: "%h" at the start written "~". */
void template_format(const char *tmpl, char *buf, size_t len);

#endif
