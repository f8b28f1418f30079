/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The config language: one file's text parsed into rules, line by line,
 * every error at its FILE:LINE.  A rule's fields have parsers of their
 * own (selector.c, template.c, options.c); reading files from disk is
 * lib/config/conffile.c's job.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config/conf.h"
#include "config/options.h"
#include "config/template.h"
#include "config/where.h"

#define MAX_FIELDS 5

int
line_error(const struct where *w, const char *fmt, ...)
{
	va_list ap;

	if (w->e) {
		va_start(ap, fmt);
		vsnprintf(w->e->msg, sizeof(w->e->msg), fmt, ap);
		va_end(ap);
	}
	return err_locate(w->e, -EINVAL, w->file, w->line);
}

int
line_unescape(const struct where *w, char *s, bool pct)
{
	const char *bad = NULL;
	int r;

	r = unescape_octal(s, UNESCAPE_STRICT | (pct ? UNESCAPE_PERCENT : 0),
			   &bad);
	if (r == -EINVAL)
		return line_error(w,
				  "invalid escape '\\%.3s' (write a byte as \\ "
				  "and three octal digits, e.g. \\040)",
				  bad + 1);
	if (r == -ERANGE)
		return line_error(w, "escape '\\%.3s' is not allowed", bad + 1);
	return r;
}

const char *
method_name(enum mntns_method m)
{
	switch (m) {
	case METHOD_TMPFS:
		return "tmpfs";
	case METHOD_BIND:
		return "bind";
	case METHOD_NONE:
		return "none";
	case METHOD_RO:
		return "ro";
	case METHOD_HIDE:
		return "hide";
	}
	return "?";
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
parse_method(const struct where *w, const char *field, struct rule *r)
{
	static const enum mntns_method all[] = {
		METHOD_TMPFS, METHOD_BIND, METHOD_NONE, METHOD_RO, METHOD_HIDE,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++) {
		if (!strcmp(field, method_name(all[i]))) {
			r->method = all[i];
			return 0;
		}
	}
	return line_error(
		w,
		"unknown method '%s' (expected tmpfs, bind, none, ro or "
		"hide)",
		field);
}

static int
parse_source(const struct where *w, const char *field, struct rule *r,
	     unsigned *needs)
{
	int ret;

	if (r->method != METHOD_BIND) {
		if (strcmp(field, "-"))
			return line_error(w,
					  "method %s takes no SOURCE (use '-')",
					  method_name(r->method));
		return 0;
	}
	if (!strcmp(field, "-"))
		return line_error(w, "method bind needs a SOURCE path");
	ret = template_parse(w, "SOURCE", field, &r->source, needs);
	if (ret < 0)
		return ret;
	r->instance = template_uses_var(r->source, 'u') ||
		      template_uses_var(r->source, 'U');
	return 0;
}

static void
rule_free(struct rule *r)
{
	size_t i;

	for (i = 0; i < r->nwho; i++)
		free(r->who[i].name);
	free(r->who);
	free(r->target);
	free(r->source);
	free(r->fsdata);
	free(r->selinux);
}

static int
fill_rule(const struct where *w, char **f, size_t nf, struct rule *r,
	  unsigned *needs)
{
	size_t i;
	int ret;

	r->mode = -1;
	if (nf < 3)
		return line_error(
			w, "expected WHO TARGET METHOD [SOURCE [OPTIONS]]");
	if ((ret = selectors_parse(w, f[0], r)) < 0 ||
	    (ret = parse_method(w, f[2], r)) < 0 ||
	    (ret = template_parse(w, "TARGET", f[1], &r->target, needs)) < 0 ||
	    (ret = parse_source(w, nf > 3 ? f[3] : "-", r, needs)) < 0 ||
	    (ret = options_parse(w, nf > 4 ? f[4] : (char[]){"-"}, r)) < 0)
		return ret;
	if (!strcmp(r->target, "/"))
		return line_error(w, "TARGET / cannot be replaced");
	if (r->method != METHOD_NONE && paths_overlap(r->target, MNTNS_RUN_DIR))
		return line_error(w, RUN_DIR_REFUSAL, r->target);
	for (i = 0; i < r->nwho; i++)
		if (r->who[i].kind == SEL_GROUP)
			*needs |= CONF_NEEDS_GROUPS;
	return 0;
}

static int
add_rule(struct conf *c, const struct where *w, char **f, size_t nf)
{
	struct rule r = {.file = w->file, .line = w->line};
	struct rule *grown;
	int ret;

	ret = fill_rule(w, f, nf, &r, &c->needs);
	if (ret < 0) {
		rule_free(&r);
		return ret;
	}
	if (c->nrules == c->cap) {
		grown = reallocarray(c->rules, c->cap ? c->cap * 2 : 16,
				     sizeof(*grown));
		if (!grown) {
			rule_free(&r);
			return -ENOMEM;
		}
		c->rules = grown;
		c->cap = c->cap ? c->cap * 2 : 16;
	}
	c->rules[c->nrules++] = r;
	return 0;
}

static int
parse_setting(struct conf *c, const struct where *w, char **f, size_t nf)
{
	struct mntns_error e;

	if (nf != 2)
		return line_error(w, "%s", SETTINGS_SET_USAGE);
	if (setting_parse(&c->settings, f[1], SETTING_CONF, &e) < 0)
		return line_error(w, "%s", e.msg);
	c->settings.nlines++;
	return 0;
}

/*
 * "set" followed by anything but a path is a setting; a rule's second
 * field is always its TARGET, a path, so a user named "set" keeps rules.
 */
static bool
is_setting(char **f, size_t nf)
{
	return !strcmp(f[0], "set") && (nf < 2 || !strchr("/~%\\", f[1][0]));
}

/* Splits one line (NUL-terminated, writable) into fields. */
static int
parse_line(struct conf *c, const struct where *w, char *line)
{
	char *f[MAX_FIELDS];
	size_t nf = 0;

	for (;;) {
		while (is_blank(*line))
			line++;
		if (!*line || *line == '#')
			break;
		if (nf == MAX_FIELDS)
			return line_error(
				w, "too many fields (expected WHO TARGET "
				   "METHOD [SOURCE [OPTIONS]])");
		f[nf++] = line;
		while (*line && !is_blank(*line))
			line++;
		if (*line)
			*line++ = '\0';
	}
	if (nf == 0)
		return 0;
	if (is_setting(f, nf))
		return parse_setting(c, w, f, nf);
	return add_rule(c, w, f, nf);
}

/* A copy of @file's name that lives as long as @c, or NULL. */
static const char *
remember_file(struct conf *c, const char *file)
{
	if (strv_append(&c->files, &c->nfiles, file) < 0)
		return NULL;
	return c->files[c->nfiles - 1];
}

int
conf_parse_buffer(struct conf *c, const char *file, const char *buf, size_t len,
		  struct mntns_error *e)
{
	struct where w = {.e = e};
	_cleanup_(freep) char *copy = NULL;
	size_t first = c->nerrors;
	char *line, *end;
	int r;

	w.file = remember_file(c, file);
	copy = malloc(len + 1);
	if (!w.file || !copy)
		return err_set_at(e, -ENOMEM, file, 0, "out of memory");
	memcpy(copy, buf, len);
	copy[len] = '\0';
	for (line = copy; line < copy + len; line = end + 1) {
		w.line++;
		end = memchr(line, '\n', (size_t)(copy + len - line));
		if (!end)
			end = copy + len;
		*end = '\0';
		if (strlen(line) != (size_t)(end - line))
			r = line_error(&w, "NUL byte in line");
		else
			r = parse_line(c, &w, line);
		if (r == -ENOMEM)
			return err_set_at(e, r, file, 0, "out of memory");
		if (r < 0 && conf_keep_error(c, r, e) < 0)
			return -ENOMEM;
	}
	return conf_first_error(c, first, e);
}

/* The error in @e gave way to running out of memory, in the same file. */
static int
out_of_memory(struct mntns_error *e)
{
	snprintf(e->msg, sizeof(e->msg), "out of memory");
	return err_locate(e, -ENOMEM, e->file[0] ? e->file : NULL, 0);
}

int
conf_keep_error(struct conf *c, int rc, struct mntns_error *e)
{
	struct conf_error *grown, *ce;

	grown = reallocarray(c->errors, c->nerrors + 1, sizeof(*grown));
	if (!grown)
		return out_of_memory(e);
	c->errors = grown;
	ce = &c->errors[c->nerrors];
	ce->rc = rc;
	ce->line = e->line;
	ce->file = e->file[0] ? strdup(e->file) : NULL;
	ce->msg = strdup(e->msg);
	if (!ce->msg || (e->file[0] && !ce->file)) {
		free(ce->file);
		free(ce->msg);
		return out_of_memory(e);
	}
	c->nerrors++;
	return 0;
}

int
conf_first_error(const struct conf *c, size_t from, struct mntns_error *e)
{
	const struct conf_error *ce;

	if (from >= c->nerrors)
		return 0;
	ce = &c->errors[from];
	err_set_at(e, ce->rc, ce->file, ce->line, "%s", ce->msg);
	return ce->rc;
}

void
conf_free(struct conf *c)
{
	size_t i;

	for (i = 0; i < c->nrules; i++)
		rule_free(&c->rules[i]);
	free(c->rules);
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	for (i = 0; i < c->nerrors; i++) {
		free(c->errors[i].file);
		free(c->errors[i].msg);
	}
	free(c->errors);
	memset(c, 0, sizeof(*c));
}
