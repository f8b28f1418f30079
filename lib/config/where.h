/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The line of a config file being parsed: where every error of the
 * parser (lib/config/conf.c, and the parsers of a rule's fields that it
 * calls) is located.
 */
#ifndef MNTNS_WHERE_H
#define MNTNS_WHERE_H

#include <stdbool.h>

#include "util.h"

struct where {
	const char *file;
	unsigned line;
	struct mntns_error *e; /* NULL: no message wanted */
};

/* Sets the error of @w (if any) at its FILE:LINE; returns -EINVAL. */
int line_error(const struct where *w, const char *fmt, ...) _printf_(2, 3);

/*
 * Decodes the escapes of field @s of @w's line in place, strictly
 * (unescape_octal()): a bad one is an error at @w.  @pct: @s is a path
 * template, in which an escaped '%' stays a literal percent sign.
 */
int line_unescape(const struct where *w, char *s, bool pct);

#endif
