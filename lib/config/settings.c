/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The table of settings that both PAM arguments and "set" lines are
 * parsed by (settings.h).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config/settings.h"

#define ARGUMENT_USAGE                                                         \
	"expected debug, nofail, scope=session|user, max_namespaces=N or "     \
	"conf=PATH"

typedef int (*setting_fn)(struct settings *s, const char *value,
			  struct mntns_error *e);

static int
set_scope(struct settings *s, const char *value, struct mntns_error *e)
{
	if (!strcmp(value, "session"))
		s->scope = SCOPE_SESSION;
	else if (!strcmp(value, "user"))
		s->scope = SCOPE_USER;
	else
		return err_set(e, -EINVAL,
			       "unknown scope '%s' (expected session or user)",
			       value);
	return 0;
}

/* A count: decimal, 0 (no cap) to 100000. */
static int
set_max(struct settings *s, const char *value, struct mntns_error *e)
{
	unsigned v;

	if (parse_id(value, strlen(value), &v) < 0 || v > 100000)
		return err_set(e, -EINVAL,
			       "max_namespaces must be a number from 0 (no "
			       "cap) to 100000, not '%s'",
			       value);
	s->max_namespaces = v;
	return 0;
}

static int
set_conf(struct settings *s, const char *value, struct mntns_error *e)
{
	if (value[0] != '/')
		return err_set(e, -EINVAL,
			       "conf= takes an absolute path, not '%s'", value);
	s->conf = value;
	return 0;
}

static const struct {
	const char *name; /* with a trailing '=' when it takes a value */
	enum setting_bit bit;
	setting_fn set; /* NULL: a flag, the bool at @flag set on */
	size_t flag;
} table[] = {
	{"debug", SET_DEBUG, NULL, offsetof(struct settings, debug)},
	{"nofail", SET_NOFAIL, NULL, offsetof(struct settings, nofail)},
	{"scope=", SET_SCOPE, set_scope, 0},
	{"max_namespaces=", SET_MAX, set_max, 0},
	{"conf=", SET_CONF, set_conf, 0},
};

void
settings_init(struct settings *s)
{
	memset(s, 0, sizeof(*s));
	s->scope = SCOPE_SESSION;
	s->max_namespaces = SETTINGS_MAX_NAMESPACES;
}

int
setting_parse(struct settings *s, const char *word, enum setting_origin from,
	      struct mntns_error *e)
{
	size_t i, n;
	int r;

	for (i = 0; i < ARRAY_SIZE(table); i++) {
		n = strlen(table[i].name);
		if (table[i].name[n - 1] == '='
			    ? strncmp(word, table[i].name, n) != 0
			    : strcmp(word, table[i].name) != 0)
			continue;
		if (table[i].bit == SET_CONF && from == SETTING_CONF)
			return err_set(e, -EINVAL,
				       "conf= is a module argument only, not "
				       "a setting");
		r = 0;
		if (table[i].set)
			r = table[i].set(s, word + n, e);
		else
			*(bool *)((char *)s + table[i].flag) = true;
		if (r == 0)
			s->given |= table[i].bit;
		return r;
	}
	return err_set(e, -EINVAL, "unknown setting '%s' (%s)", word,
		       from == SETTING_CONF ? SETTINGS_SET_USAGE
					    : ARGUMENT_USAGE);
}

void
settings_merge(struct settings *out, const struct settings *pam,
	       const struct settings *conf)
{
	*out = *pam;
	out->debug |= conf->debug;
	out->nofail |= conf->nofail;
	if (!(pam->given & SET_SCOPE) && (conf->given & SET_SCOPE))
		out->scope = conf->scope;
	if (!(pam->given & SET_MAX) && (conf->given & SET_MAX))
		out->max_namespaces = conf->max_namespaces;
	out->given |= conf->given;
	out->nlines = conf->nlines;
}

const char *
scope_name(enum scope s)
{
	return s == SCOPE_USER ? "user" : "session";
}

void
settings_format(const struct settings *s, char *buf, size_t len)
{
	snprintf(buf, len, "scope=%s max_namespaces=%u%s%s",
		 scope_name(s->scope), s->max_namespaces,
		 s->nofail ? " nofail" : "", s->debug ? " debug" : "");
}
