/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The config language: one file's text parsed into rules, every error
 * at its FILE:LINE.  Reading files from disk is lib/config/conffile.c's job.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "conf.h"

struct mount_flag_word {
	const char *name;
	unsigned long flag;
	int invert;
};

#include "optmap.h"

#define MAX_FIELDS 5

/* Where in which file we are, for messages. */
struct where {
	const char *file;
	unsigned line;
	struct mntns_error *e;
};

#define bad(w, ...) line_error(w, __VA_ARGS__)

_printf_(2, 3) static int line_error(const struct where *w, const char *fmt,
				     ...)
{
	va_list ap;

	if (w->e) {
		va_start(ap, fmt);
		vsnprintf(w->e->msg, sizeof(w->e->msg), fmt, ap);
		va_end(ap);
	}
	return err_locate(w->e, -EINVAL, w->file, w->line);
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

/*
 * Decodes fstab-style \NNN octal escapes in place.  An escaped byte is
 * always literal: in a path template (@pct) an escaped '%' becomes "%%".
 */
static int
unescape(const struct where *w, char *s, bool pct)
{
	char *out = s;
	int v, i;

	for (; *s; s++) {
		if (*s != '\\') {
			*out++ = *s;
			continue;
		}
		for (v = 0, i = 1; i <= 3; i++) {
			if (s[i] < '0' || s[i] > '7')
				return bad(w,
					   "invalid escape '\\%.3s' (write "
					   "a byte as \\ and three octal "
					   "digits, e.g. \\040)",
					   s + 1);
			v = v * 8 + (s[i] - '0');
		}
		if (v == 0 || v > 0xff)
			return bad(w, "escape '\\%.3s' is not allowed", s + 1);
		*out++ = (char)v;
		if (pct && v == '%')
			*out++ = '%';
		s += 3;
	}
	*out = '\0';
	return 0;
}

static int
parse_selector(const struct where *w, const char *tok, struct selector *sel)
{
	const char *dash;
	int r;

	memset(sel, 0, sizeof(*sel));
	if (*tok == '!') {
		sel->negate = true;
		tok++;
	}
	if (*tok == '!')
		return bad(w, "double negation in selector '!%s'", tok);
	if (!*tok)
		return bad(w, "empty selector in WHO");
	if (has_control(tok))
		return bad(w, "control character in selector");
	if (!strcmp(tok, "*")) {
		sel->kind = SEL_ALL;
		return 0;
	}
	if (*tok == '@') {
		if (!tok[1])
			return bad(w, "empty group name in selector '@'");
		sel->kind = SEL_GROUP;
		sel->name = strdup(tok + 1);
		return sel->name ? 0 : -ENOMEM;
	}
	if (*tok >= '0' && *tok <= '9') {
		sel->kind = SEL_UID;
		dash = strchr(tok, '-');
		r = parse_id(tok, dash ? (size_t)(dash - tok) : strlen(tok),
			     &sel->lo);
		if (r == 0 && dash)
			r = parse_id(dash + 1, strlen(dash + 1), &sel->hi);
		else
			sel->hi = sel->lo;
		if (r < 0)
			return bad(w, "invalid uid or uid range '%s'", tok);
		if (sel->lo > sel->hi)
			return bad(w, "uid range '%s' is empty (%u > %u)", tok,
				   sel->lo, sel->hi);
		return 0;
	}
	if (*tok == '-' || strchr(tok, '/') || strchr(tok, ':'))
		return bad(w, "invalid user name '%s' in selector", tok);
	sel->kind = SEL_USER;
	sel->name = strdup(tok);
	return sel->name ? 0 : -ENOMEM;
}

static int
parse_who(const struct where *w, char *field, struct rule *r)
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
		ret = unescape(w, tok, false);
		if (ret == 0)
			ret = parse_selector(w, tok, &r->who[i]);
		if (ret < 0)
			return ret;
		r->nwho = ++i;
		if (!save)
			return 0;
	}
}

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
				return bad(w, "%%h must start the %s", what);
			if (p[2] && p[2] != '/')
				return bad(w,
					   "%%h must be followed by '/' or "
					   "end the %s",
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
			return bad(w,
				   "%s ends in a lone '%%' (write %%%% for "
				   "a percent sign)",
				   what);
		default:
			return bad(w,
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
			return bad(w,
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

static int
parse_path(const struct where *w, const char *what, const char *raw, char **out,
	   unsigned *needs)
{
	_cleanup_(freep) char *field = strdup(raw), *s = NULL;
	int r;

	if (!field)
		return -ENOMEM;
	r = unescape(w, field, true);
	if (r < 0)
		return r;
	if (field[0] == '~') {
		if (field[1] && field[1] != '/')
			return bad(w,
				   "%s '%s': only ~ and ~/... are "
				   "supported, not ~user",
				   what, field);
		if (asprintf(&s, "%%h%s", field + 1) < 0)
			return -ENOMEM;
	} else {
		s = strdup(field);
		if (!s)
			return -ENOMEM;
	}
	if (s[0] != '/' && strncmp(s, "%h", 2))
		return bad(w, "%s '%s' is not an absolute path", what, field);
	if (has_control(s))
		return bad(w, "control character in %s", what);
	if (strlen(s) >= PATH_MAX)
		return bad(w, "%s is too long", what);
	r = check_vars(w, what, s, needs);
	if (r == 0)
		r = s[0] == '/' ? normalize(w, what, s, false)
				: normalize(w, what, s + 2, true);
	if (r < 0)
		return r;
	*out = steal_ptr(&s);
	return 0;
}

static bool
size_value_ok(const char *v, const char *suffixes)
{
	size_t n = strspn(v, "0123456789");

	if (n == 0 || n > 19)
		return false;
	return !v[n] || (!v[n + 1] && strchr(suffixes, v[n]));
}

static int
parse_mode(const struct where *w, const char *v, int *mode)
{
	size_t n = strlen(v), i;
	int m = 0;

	if (n < 3 || n > 4)
		return bad(w, "mode=%s: expected 3 or 4 octal digits", v);
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '7')
			return bad(w, "mode=%s is not octal", v);
		m = m * 8 + (v[i] - '0');
	}
	*mode = m;
	return 0;
}

/* Appends @word to the comma list *@list (NULL: empty). */
static int
add_word(char **list, const char *word)
{
	char *s;

	if (asprintf(&s, "%s%s%s", *list ? *list : "", *list ? "," : "", word) <
	    0)
		return -ENOMEM;
	free(*list);
	*list = s;
	return 0;
}

static int
parse_fs_word(const struct where *w, const char *word, struct rule *r)
{
	const char *v = strchr(word, '=') + 1;
	bool is_size = !strncmp(word, "size=", 5);

	if (r->method != METHOD_TMPFS)
		return bad(w, "option '%.*s' applies only to tmpfs",
			   (int)(v - word - 1), word);
	if (!size_value_ok(v, is_size ? "kKmMgGtTpPeE%" : "kKmMgG"))
		return bad(w,
			   "invalid value in '%s' (expected a number with "
			   "an optional %s suffix)",
			   word,
			   is_size ? "k, m, g, t, p, e or %" : "k, m or g");
	return add_word(&r->fsdata, word);
}

/*
 * SELinux's mount options: the kernel reads them for any file system, but
 * only a new one, a tmpfs here, can take them; a bind mount shows files
 * with the labels they have.
 */
static const char *const selinux_names[] = {
	"context=",
	"fscontext=",
	"defcontext=",
	"rootcontext=",
};

static const char *
selinux_name(const char *word)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(selinux_names); i++)
		if (!strncmp(word, selinux_names[i], strlen(selinux_names[i])))
			return selinux_names[i];
	return NULL;
}

/* Whether the comma list @list has an option @name ("context="). */
static bool
has_option(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	/* A value holds no '=', so a match after a comma starts a word. */
	for (p = list; p && (p = strstr(p, name)); p += n)
		if (p == list || p[-1] == ',')
			return true;
	return false;
}

/*
 * A context is USER:ROLE:TYPE[:LEVEL]; whether the policy knows it is
 * the kernel's to say.  A value with a comma (categories, s0:c0,c1) is
 * written in double quotes, as for mount(8), and passed on with them.
 */
static int
check_context(const struct where *w, const char *word, size_t nlen)
{
	const char *v = word + nlen;
	size_t n = strlen(v), i, colons = 0;

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	}
	for (i = 0; i < n; i++) {
		if (v[i] == '"' || v[i] == '\\' || v[i] == '=' ||
		    (unsigned char)v[i] <= ' ' || (unsigned char)v[i] >= 0x7f)
			return bad(w,
				   "invalid character in '%s' (a context has "
				   "no quotes inside, backslashes, '=', "
				   "blanks or control characters)",
				   word);
		colons += v[i] == ':';
	}
	if (colons < 2)
		return bad(w,
			   "'%s' is not an SELinux context (expected "
			   "USER:ROLE:TYPE[:LEVEL], e.g. "
			   "%.*ssystem_u:object_r:tmp_t:s0)",
			   word, (int)nlen, word);
	return 0;
}

static int
parse_selinux(const struct where *w, const char *word, const char *name,
	      struct rule *r)
{
	const char *other = !strcmp(name, "context=")	   ? "defcontext="
			    : !strcmp(name, "defcontext=") ? "context="
							   : NULL;
	int nlen = (int)strlen(name), ret;

	if (r->method != METHOD_TMPFS)
		return bad(w,
			   "option '%.*s' applies only to tmpfs (a bind "
			   "mount keeps the labels of the files it shows: "
			   "relabel those instead)",
			   nlen - 1, name);
	if (has_option(r->selinux, name))
		return bad(w, "option '%.*s' is given twice", nlen - 1, name);
	if (other && has_option(r->selinux, other))
		return bad(w, "options 'context' and 'defcontext' cannot be "
			      "combined (context= labels every file)");
	ret = check_context(w, word, (size_t)nlen);
	return ret < 0 ? ret : add_word(&r->selinux, word);
}

static const struct mount_flag_word *
flag_word(const char *word)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mount_flag_words); i++)
		if (!strcmp(mount_flag_words[i].name, word))
			return &mount_flag_words[i];
	return NULL;
}

static int
parse_option(const struct where *w, const char *word, struct rule *r)
{
	const struct mount_flag_word *f;
	const char *name;

	if (!*word)
		return bad(w, "empty word in OPTIONS");
	if (!strncmp(word, "mode=", 5)) {
		if (r->method != METHOD_TMPFS && !r->instance)
			return bad(w, "mode= applies only to tmpfs and to "
				      "per-user instances (a SOURCE with %%u "
				      "or %%U)");
		return parse_mode(w, word + 5, &r->mode);
	}
	if (!strncmp(word, "size=", 5) || !strncmp(word, "nr_inodes=", 10))
		return parse_fs_word(w, word, r);
	if ((name = selinux_name(word)))
		return parse_selinux(w, word, name, r);
	f = flag_word(word);
	if (!f)
		return bad(w, "unknown option '%s'", word);
	if (f->invert) {
		r->ms_clr |= f->flag;
		r->ms_set &= ~f->flag;
	} else {
		r->ms_set |= f->flag;
		r->ms_clr &= ~f->flag;
	}
	return 0;
}

/*
 * The end of the option at @s: the next comma outside double quotes
 * (which only a context value has), or its NUL; NULL if a quote is open.
 */
static char *
option_end(char *s)
{
	bool quoted = false;

	for (; *s && (quoted || *s != ','); s++)
		quoted ^= *s == '"';
	return quoted ? NULL : s;
}

static int
parse_options(const struct where *w, char *field, struct rule *r)
{
	char *word, *next;
	int ret;

	if (!strcmp(field, "-"))
		return 0;
	if (r->method == METHOD_NONE || r->method == METHOD_HIDE)
		return bad(w, "method %s takes no OPTIONS (use '-')",
			   method_name(r->method));
	for (word = field; word; word = next) {
		next = option_end(word);
		if (!next)
			return bad(w, "unbalanced '\"' in OPTIONS");
		if (*next)
			*next++ = '\0';
		else
			next = NULL;
		ret = parse_option(w, word, r);
		if (ret < 0)
			return ret;
	}
	if (r->method == METHOD_RO && (r->ms_clr & MS_RDONLY))
		return bad(w, "method ro cannot take 'rw'");
	return 0;
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
	return bad(w,
		   "unknown method '%s' (expected tmpfs, bind, none, ro or "
		   "hide)",
		   field);
}

/* True if template @s uses %@v; "%%" is a literal percent sign. */
static bool
uses_var(const char *s, char v)
{
	for (; (s = strchr(s, '%')) && s[1]; s += 2)
		if (s[1] == v)
			return true;
	return false;
}

static int
parse_source(const struct where *w, const char *field, struct rule *r,
	     unsigned *needs)
{
	int ret;

	if (r->method != METHOD_BIND) {
		if (strcmp(field, "-"))
			return bad(w, "method %s takes no SOURCE (use '-')",
				   method_name(r->method));
		return 0;
	}
	if (!strcmp(field, "-"))
		return bad(w, "method bind needs a SOURCE path");
	ret = parse_path(w, "SOURCE", field, &r->source, needs);
	if (ret < 0)
		return ret;
	r->instance = uses_var(r->source, 'u') || uses_var(r->source, 'U');
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
default_flags(struct rule *r)
{
	/* tmpfs and instances are fresh user-writable places. */
	if (r->method == METHOD_TMPFS || r->instance)
		r->ms_set |= (MS_NOSUID | MS_NODEV) & ~r->ms_clr;
	return 0;
}

static int
fill_rule(const struct where *w, char **f, size_t nf, struct rule *r,
	  unsigned *needs)
{
	size_t i;
	int ret;

	r->mode = -1;
	if (nf < 3)
		return bad(w, "expected WHO TARGET METHOD [SOURCE [OPTIONS]]");
	if ((ret = parse_who(w, f[0], r)) < 0 ||
	    (ret = parse_method(w, f[2], r)) < 0 ||
	    (ret = parse_path(w, "TARGET", f[1], &r->target, needs)) < 0 ||
	    (ret = parse_source(w, nf > 3 ? f[3] : "-", r, needs)) < 0 ||
	    (ret = parse_options(w, nf > 4 ? f[4] : (char[]){"-"}, r)) < 0)
		return ret;
	if (!strcmp(r->target, "/"))
		return bad(w, "TARGET / cannot be replaced");
	if (r->method != METHOD_NONE && paths_overlap(r->target, MNTNS_RUN_DIR))
		return bad(w, RUN_DIR_REFUSAL, r->target);
	for (i = 0; i < r->nwho; i++)
		if (r->who[i].kind == SEL_GROUP)
			*needs |= CONF_NEEDS_GROUPS;
	return default_flags(r);
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

#define SETTING_USAGE                                                          \
	"expected 'set debug', 'set nofail', 'set scope=session|user' or "     \
	"'set max_namespaces=N'"

/* A count for max_namespaces=: decimal, 0 (no cap) to 100000. */
long
conf_parse_count(const char *s)
{
	unsigned v;

	if (parse_id(s, strlen(s), &v) < 0 || v > 100000)
		return -1;
	return (long)v;
}

static int
parse_setting(struct conf *c, const struct where *w, char **f, size_t nf)
{
	struct conf_settings *s = &c->settings;

	if (nf != 2)
		return bad(w, SETTING_USAGE);
	if (!strcmp(f[1], "debug"))
		s->debug = true;
	else if (!strcmp(f[1], "nofail"))
		s->nofail = true;
	else if (!strcmp(f[1], "scope=session"))
		s->scope = CONF_SCOPE_SESSION;
	else if (!strcmp(f[1], "scope=user"))
		s->scope = CONF_SCOPE_USER;
	else if (!strncmp(f[1], "scope=", 6))
		return bad(w, "unknown scope '%s' (expected session or user)",
			   f[1] + 6);
	else if (!strncmp(f[1], "max_namespaces=", 15)) {
		long n = conf_parse_count(f[1] + 15);

		if (n < 0)
			return bad(w,
				   "max_namespaces must be a number from 0 "
				   "(no cap) to 100000, not '%s'",
				   f[1] + 15);
		s->max_given = true;
		s->max_namespaces = (unsigned)n;
	} else if (!strncmp(f[1], "conf=", 5))
		return bad(w, "conf= is a module argument only, not a "
			      "setting");
	else
		return bad(w, "unknown setting '%s' (%s)", f[1], SETTING_USAGE);
	s->nlines++;
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
			return bad(w, "too many fields (expected WHO TARGET "
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

static const char *
remember_file(struct conf *c, const char *file)
{
	char **grown, *copy;

	copy = strdup(file);
	grown = copy ? reallocarray(c->files, c->nfiles + 1, sizeof(*grown))
		     : NULL;
	if (!grown) {
		free(copy);
		return NULL;
	}
	c->files = grown;
	c->files[c->nfiles++] = copy;
	return copy;
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
			r = bad(&w, "NUL byte in line");
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
