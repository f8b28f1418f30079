/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Path templates: from a config field to a normalized template, and what
 * can be said of one before it is expanded for a user.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "config/conf.h"
#include "config/template.h"
#include "config/where.h"

/* Checks the %-variables of a path template. */
static int
check_vars(const struct where *w, const char *what, const char *s,
	   unsigned *needs)
{
	const char *p;

	for (p = s; (p = strchr(p, '%')); p += 2) {
		switch (p[1]) {
		case 'h':
			if (p != s)
				return line_error(w, "%%h must start the %s",
						  what);
			if (p[2] && p[2] != '/')
				return line_error(w,
						  "%%h must be followed by '/' "
						  "or end the %s",
						  what);
			break;
		case 'g':
			*needs |= CONF_NEEDS_GROUP_NAME;
			break;
		case 'u':
		case 'U':
		case 'G':
		case '%':
			break;
		case '\0':
			return line_error(w,
					  "%s ends in a lone '%%' (write %%%% "
					  "for a percent sign)",
					  what);
		default:
			return line_error(
				w,
				"unknown variable '%%%c' in %s (known: "
				"%%u %%U %%g %%G %%h %%%%)",
				p[1], what);
		}
	}
	return 0;
}

/*
 * Collapses repeated and trailing slashes and refuses "." and ".."
 * components, in place.  The caller has checked the path's start.  After
 * %h (@home) an empty result is the home itself, not "/".
 */
static int
normalize(const struct where *w, const char *what, char *s, bool home)
{
	char *in = s, *out = s, *comp;
	size_t n;

	while (*in) {
		while (*in == '/')
			in++;
		if (!*in)
			break;
		comp = in;
		n = strcspn(in, "/");
		if ((n == 1 && comp[0] == '.') ||
		    (n == 2 && !strncmp(comp, "..", 2)))
			return line_error(w,
					  "%s must not contain '.' or '..' "
					  "components",
					  what);
		if (out != s || s[0] == '/')
			*out++ = '/';
		memmove(out, comp, n);
		out += n;
		in = comp + n;
	}
	if (out == s && !home)
		*out++ = '/';
	*out = '\0';
	return 0;
}

/* The unescaped field @field with a leading ~ written %h, into *@out. */
static int
home_as_var(const struct where *w, const char *what, const char *field,
	    char **out)
{
	char *s;

	if (field[0] != '~') {
		*out = strdup(field);
		return *out ? 0 : -ENOMEM;
	}
	if (field[1] && field[1] != '/')
		return line_error(w,
				  "%s '%s': only ~ and ~/... are supported, "
				  "not ~user",
				  what, field);
	if (asprintf(&s, "%%h%s", field + 1) < 0)
		return -ENOMEM;
	*out = s;
	return 0;
}

int
template_parse(const struct where *w, const char *what, const char *raw,
	       char **out, unsigned *needs)
{
	_cleanup_(freep) char *field = strdup(raw), *s = NULL;
	int r;

	if (!field)
		return -ENOMEM;
	r = line_unescape(w, field, true);
	if (r == 0)
		r = home_as_var(w, what, field, &s);
	if (r < 0)
		return r;
	if (s[0] != '/' && strncmp(s, "%h", 2))
		return line_error(w, "%s '%s' is not an absolute path", what,
				  field);
	if (has_control(s))
		return line_error(w, "control character in %s", what);
	if (strlen(s) >= PATH_MAX)
		return line_error(w, "%s is too long", what);
	r = check_vars(w, what, s, needs);
	if (r == 0)
		r = s[0] == '/' ? normalize(w, what, s, false)
				: normalize(w, what, s + 2, true);
	if (r < 0)
		return r;
	*out = steal_ptr(&s);
	return 0;
}

bool
template_uses_var(const char *tmpl, char v)
{
	for (; (tmpl = strchr(tmpl, '%')) && tmpl[1]; tmpl += 2)
		if (tmpl[1] == v)
			return true;
	return false;
}

/* Copies @len bytes of @t, "%%" as "%"; 0 if a variable is in them. */
static int
literal_copy(const char *t, size_t len, char **out)
{
	char *s = malloc(len + 1), *o = s;
	size_t i;

	if (!s)
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		if (t[i] == '%' && (i + 1 >= len || t[i + 1] != '%')) {
			free(s);
			return 0;
		}
		*o++ = t[i];
		i += t[i] == '%';
	}
	*o = '\0';
	*out = s;
	return 1;
}

int
template_literal(const char *tmpl, char **out)
{
	return literal_copy(tmpl, strlen(tmpl), out);
}

int
template_literal_parent(const char *tmpl, char **out)
{
	const char *slash = strrchr(tmpl, '/');

	if (tmpl[0] != '/' || !slash)
		return 0;
	return literal_copy(tmpl, slash == tmpl ? 1 : (size_t)(slash - tmpl),
			    out);
}

int
template_literal_dirs(const char *tmpl, char **out)
{
	const char *p = tmpl, *slash = NULL;

	for (; *p && !(p[0] == '%' && p[1] != '%'); p++) {
		if (*p == '/')
			slash = p;
		p += *p == '%';
	}
	if (!*p || !slash || slash == tmpl)
		return 0;
	return literal_copy(tmpl, (size_t)(slash - tmpl), out);
}

void
template_format(const char *tmpl, char *buf, size_t len)
{
	if (!strncmp(tmpl, "%h", 2) && (!tmpl[2] || tmpl[2] == '/'))
		snprintf(buf, len, "~%s", tmpl + 2);
	else
		snprintf(buf, len, "%s", tmpl);
}
