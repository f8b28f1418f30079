/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers shared by the unit tests.  Each check that can fail returns
 * false after printing what it saw, so that the caller's assert_true()
 * reports the caller's line.
 */
#ifndef MNTNS_UNIT_H
#define MNTNS_UNIT_H

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/conf.h"

/* The name conf_parse_buffer() is given, and so the prefix of messages. */
#define TEST_FILE "test.conf"

/* True if @e says "@prefix..." and contains @part after the prefix. */
static inline bool
msg_matches(const struct mntns_error *e, const char *prefix, const char *part)
{
	char text[sizeof(e->file) + sizeof(e->msg) + 16];
	size_t n = strlen(prefix);

	err_format(e, text, sizeof(text));
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

/* ---- a temporary directory per test ------------------------------------ */

/* What setup hands the tests through *state: a fresh mkdtemp directory. */
struct tmpdir {
	char path[PATH_MAX]; /* absolute, no symlink in it */
};

/* cmocka setup: a new directory in $TMPDIR (or /tmp). */
static inline int
tmpdir_setup(void **state)
{
	const char *base = getenv("TMPDIR");
	char tmpl[PATH_MAX];
	struct tmpdir *t = calloc(1, sizeof(*t));

	snprintf(tmpl, sizeof(tmpl), "%s/mntns-unit.XXXXXX",
		 base && *base ? base : "/tmp");
	/* The engine refuses symlinks in paths: resolve TMPDIR's own. */
	if (!t || !mkdtemp(tmpl) || !realpath(tmpl, t->path)) {
		print_error("cannot make a directory from %s: %s\n", tmpl,
			    strerror(errno));
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static inline int
tmpdir_remove_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	/* A test may have left a directory without permissions. */
	if (flag == FTW_DNR)
		chmod(path, 0700);
	return remove(path) < 0 ? -1 : 0;
}

/* cmocka teardown: the directory and everything in it. */
static inline int
tmpdir_teardown(void **state)
{
	struct tmpdir *t = *state;
	int r;

	r = nftw(t->path, tmpdir_remove_one, 16, FTW_DEPTH | FTW_PHYS);
	if (r < 0)
		print_error("cannot remove %s: %s\n", t->path, strerror(errno));
	free(t);
	return r < 0 ? -1 : 0;
}

/* @buf: the path @rel inside @t; returns @buf. */
static inline const char *
tmp_path(const struct tmpdir *t, const char *rel, char buf[PATH_MAX])
{
	snprintf(buf, PATH_MAX, "%s/%s", t->path, rel);
	return buf;
}

/* Makes a directory inside @t with @mode (chmod'ed: no umask); 0 or -1. */
static inline int
tmp_mkdir(const struct tmpdir *t, const char *rel, mode_t mode)
{
	char p[PATH_MAX];

	tmp_path(t, rel, p);
	return mkdir(p, 0700) == 0 && chmod(p, mode) == 0 ? 0 : -1;
}

/* An empty regular file inside @t; 0 or -1. */
static inline int
tmp_file(const struct tmpdir *t, const char *rel)
{
	char p[PATH_MAX];
	FILE *f = fopen(tmp_path(t, rel, p), "w");

	return f && fclose(f) == 0 ? 0 : -1;
}

/* A symlink inside @t pointing to @to; 0 or -1. */
static inline int
tmp_symlink(const struct tmpdir *t, const char *to, const char *rel)
{
	char p[PATH_MAX];

	return symlink(to, tmp_path(t, rel, p));
}

/*
 * Parses @text as TEST_FILE into @c after putting @t's path in place of
 * every "@D@", so that a config can name paths in the test's directory.
 */
static inline int
parse_in_dir(struct conf *c, const struct tmpdir *t, const char *text)
{
	char buf[8192], *o = buf;
	const char *p;

	for (p = text; *p && o < buf + sizeof(buf) - PATH_MAX - 1; p++) {
		if (!strncmp(p, "@D@", 3)) {
			o += snprintf(o, PATH_MAX, "%s", t->path);
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return parse_text(c, buf);
}

#define assert_parses_in(c, t, text)                                           \
	assert_int_equal(parse_in_dir(c, t, text), 0)

#endif
