/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OPTIONS: a rule's words for its mount, checked against its method,
 * and the words of the mount flags for display.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "config/conf.h"
#include "config/options.h"
#include "config/where.h"

struct mount_flag_word {
	const char *name;
	unsigned long flag;
	int invert;
};

/* The table of flag words, generated from libmount's (tools/gen-optmap.c). */
#include "optmap.h"

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
		return line_error(w, "mode=%s: expected 3 or 4 octal digits",
				  v);
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '7')
			return line_error(w, "mode=%s is not octal", v);
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
		return line_error(w, "option '%.*s' applies only to tmpfs",
				  (int)(v - word - 1), word);
	if (!size_value_ok(v, is_size ? "kKmMgGtTpPeE%" : "kKmMgG"))
		return line_error(
			w,
			"invalid value in '%s' (expected a number with "
			"an optional %s suffix)",
			word, is_size ? "k, m, g, t, p, e or %" : "k, m or g");
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
			return line_error(
				w,
				"invalid character in '%s' (a context has "
				"no quotes inside, backslashes, '=', "
				"blanks or control characters)",
				word);
		colons += v[i] == ':';
	}
	if (colons < 2)
		return line_error(w,
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
		return line_error(
			w,
			"option '%.*s' applies only to tmpfs (a bind "
			"mount keeps the labels of the files it shows: "
			"relabel those instead)",
			nlen - 1, name);
	if (has_option(r->selinux, name))
		return line_error(w, "option '%.*s' is given twice", nlen - 1,
				  name);
	if (other && has_option(r->selinux, other))
		return line_error(
			w, "options 'context' and 'defcontext' cannot be "
			   "combined (context= labels every file)");
	ret = check_context(w, word, (size_t)nlen);
	return ret < 0 ? ret : add_word(&r->selinux, word);
}

static const struct mount_flag_word *
flag_word(const char *word, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mount_flag_words); i++)
		if (strlen(mount_flag_words[i].name) == len &&
		    !memcmp(mount_flag_words[i].name, word, len))
			return &mount_flag_words[i];
	return NULL;
}

static int
parse_option(const struct where *w, const char *word, struct rule *r)
{
	const struct mount_flag_word *f;
	const char *name;

	if (!*word)
		return line_error(w, "empty word in OPTIONS");
	if (!strncmp(word, "mode=", 5)) {
		if (r->method != METHOD_TMPFS && !r->instance)
			return line_error(
				w, "mode= applies only to tmpfs and to "
				   "per-user instances (a SOURCE with %%u "
				   "or %%U)");
		return parse_mode(w, word + 5, &r->mode);
	}
	if (!strncmp(word, "size=", 5) || !strncmp(word, "nr_inodes=", 10))
		return parse_fs_word(w, word, r);
	if ((name = selinux_name(word)))
		return parse_selinux(w, word, name, r);
	f = flag_word(word, strlen(word));
	if (!f)
		return line_error(w, "unknown option '%s'", word);
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

/* The words of @field, one by one. */
static int
parse_words(const struct where *w, char *field, struct rule *r)
{
	char *word, *next;
	int ret;

	if (!strcmp(field, "-"))
		return 0;
	if (r->method == METHOD_NONE || r->method == METHOD_HIDE)
		return line_error(w, "method %s takes no OPTIONS (use '-')",
				  method_name(r->method));
	for (word = field; word; word = next) {
		next = option_end(word);
		if (!next)
			return line_error(w, "unbalanced '\"' in OPTIONS");
		if (*next)
			*next++ = '\0';
		else
			next = NULL;
		ret = parse_option(w, word, r);
		if (ret < 0)
			return ret;
	}
	if (r->method == METHOD_RO && (r->ms_clr & MS_RDONLY))
		return line_error(w, "method ro cannot take 'rw'");
	return 0;
}

int
options_parse(const struct where *w, char *field, struct rule *r)
{
	int ret = parse_words(w, field, r);

	/* tmpfs and instances are fresh user-writable places. */
	if (ret == 0 && (r->method == METHOD_TMPFS || r->instance))
		r->ms_set |= (MS_NOSUID | MS_NODEV) & ~r->ms_clr;
	return ret;
}

unsigned long
mount_flag_of_word(const char *word, size_t len, bool *set)
{
	const struct mount_flag_word *f = flag_word(word, len);

	if (!f)
		return 0;
	*set = !f->invert;
	return f->flag;
}

const char *
mount_flag_word(unsigned long ms, bool set)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mount_flag_words); i++)
		if (mount_flag_words[i].flag == ms &&
		    !mount_flag_words[i].invert == set)
			return mount_flag_words[i].name;
	return "?";
}
