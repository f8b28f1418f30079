/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the unit tests.  Each check that can fail returns
 * false after printing what it saw, so that the caller's assert_true()
 * reports the caller's line.
 */
#ifndef MNTNS_UNIT_H
#define MNTNS_UNIT_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "conf.h"

/* The name conf_parse_buffer() is given, and so the prefix of messages. */
#define TEST_FILE "test.conf"

/* @e as the module logs it: "FILE:LINE: message", "FILE: message". */
static inline void
error_line(const struct mntns_error *e, char *buf, size_t len)
{
	if (!e->file[0])
		snprintf(buf, len, "%s", e->msg);
	else if (e->line)
		snprintf(buf, len, "%s:%u: %s", e->file, e->line, e->msg);
	else
		snprintf(buf, len, "%s: %s", e->file, e->msg);
}

/* True if @e says "@prefix..." and contains @part after the prefix. */
static inline bool
msg_matches(const struct mntns_error *e, const char *prefix, const char *part)
{
	char text[sizeof(e->file) + sizeof(e->msg) + 16];
	size_t n = strlen(prefix);

	error_line(e, text, sizeof(text));
	if (!strncmp(text, prefix, n) && strstr(text + n, part))
		return true;
	print_error("message: '%s'\nwanted:  '%s' ... '%s'\n", text, prefix,
		    part);
	return false;
}

#define assert_msg(e, prefix, part) assert_true(msg_matches(e, prefix, part))

/* Parses @text as TEST_FILE into @c, printing the error if any. */
static inline int
parse_text(struct conf *c, const char *text)
{
	struct mntns_error e = {0};
	int r;

	r = conf_parse_buffer(c, TEST_FILE, text, strlen(text), &e);
	if (r < 0)
		print_error("%s: unexpected error %d: %s\n", text, r, e.msg);
	return r;
}

/* Parses @text, which must be valid, and returns its last rule. */
static inline const struct rule *
parse_last(struct conf *c, const char *text)
{
	size_t before = c->nrules;

	if (parse_text(c, text) < 0 || c->nrules <= before)
		return NULL;
	return &c->rules[c->nrules - 1];
}

#define assert_parses(c, text) assert_int_equal(parse_text(c, text), 0)

/*
 * True if @text (of @len bytes) fails to parse with -EINVAL and the
 * message "test.conf:@line: ...@part...".
 */
static inline bool
parse_fails_len(const char *text, size_t len, unsigned line, const char *part)
{
	struct conf c = {0};
	struct mntns_error e = {0};
	char prefix[64];
	int r;

	r = conf_parse_buffer(&c, TEST_FILE, text, len, &e);
	conf_free(&c);
	if (r != -EINVAL) {
		print_error("'%s': returned %d, wanted %d (%s)\n", text, r,
			    -EINVAL, e.msg);
		return false;
	}
	snprintf(prefix, sizeof(prefix), "%s:%u: ", TEST_FILE, line);
	return msg_matches(&e, prefix, part);
}

#define assert_parse_error(text, line, part)                                   \
	assert_true(parse_fails_len(text, strlen(text), line, part))

#endif
