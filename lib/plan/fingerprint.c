/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The canonical text of a plan, its fingerprint, and the difference of
 * two such texts (plan/fingerprint.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/options.h"
#include "plan/decide.h"
#include "plan/fingerprint.h"

/* A growing string; @failed once memory ran out. */
struct text {
	char *s;
	size_t len, cap;
	bool failed;
};

static void
put(struct text *t, const char *s, size_t n)
{
	char *p;

	if (t->failed)
		return;
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		p = realloc(t->s, t->cap);
		if (!p) {
			t->failed = true;
			return;
		}
		t->s = p;
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void
put_str(struct text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* @path with blanks, backslashes and control bytes as \ooo. */
static void
put_path(struct text *t, const char *path)
{
	const unsigned char *p;
	char esc[5];

	for (p = (const unsigned char *)path; *p; p++) {
		if (*p > 0x20 && *p < 0x7f && *p != '\\') {
			put(t, (const char *)p, 1);
			continue;
		}
		snprintf(esc, sizeof(esc), "\\%03o", *p);
		put(t, esc, 4);
	}
}

/* One OPTIONS word, after a comma when it is not the first. */
static void
put_option(struct text *t, bool *first, const char *word)
{
	if (!*first)
		put(t, ",", 1);
	*first = false;
	put_str(t, word);
}

static void
put_options(struct text *t, const struct plan_entry *pe)
{
	bool first = true;
	unsigned long f;
	char buf[48];

	put(t, " ", 1);
	if (pe->instance)
		put_option(t, &first, "instance");
	if (pe->fsdata)
		put_option(t, &first, pe->fsdata);
	if (pe->selinux)
		put_option(t, &first, pe->selinux);
	if (pe->mode >= 0) {
		snprintf(buf, sizeof(buf), "mode=%04o,uid=%u,gid=%u",
			 (unsigned)pe->mode, (unsigned)pe->uid,
			 (unsigned)pe->gid);
		put_option(t, &first, buf);
	}
	for (f = 1; f <= MOUNT_MS_FLAGS; f <<= 1) {
		if (pe->ms_set & f)
			put_option(t, &first, mount_flag_word(f, true));
		else if (pe->ms_clr & f)
			put_option(t, &first, mount_flag_word(f, false));
	}
	if (first)
		put(t, "-", 1);
}

char *
plan_text(const struct plan *p)
{
	struct text t = {0};
	size_t i;

	put(&t, "", 0);
	for (i = 0; i < p->n; i++) {
		const struct plan_entry *pe = &p->entries[i];

		put_path(&t, pe->target);
		put(&t, " ", 1);
		put_str(&t, method_name(pe->method));
		put(&t, " ", 1);
		if (pe->source)
			put_path(&t, pe->source);
		else
			put(&t, "-", 1);
		put_options(&t, pe);
		put(&t, "\n", 1);
	}
	if (t.failed) {
		free(t.s);
		return NULL;
	}
	return t.s;
}

uint64_t
plan_fingerprint(const char *text)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const unsigned char *p;

	for (p = (const unsigned char *)text; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	return h ? h : 1;
}

/* A line of a plan's text: its start and length, without the newline. */
struct line {
	const char *s;
	size_t len;
};

/* The line starting at @s (the TARGET is up to the first blank). */
static struct line
line_at(const char *s)
{
	const char *nl = strchr(s, '\n');

	return (struct line){s, nl ? (size_t)(nl - s) : strlen(s)};
}

static size_t
target_len(struct line l)
{
	const char *b = memchr(l.s, ' ', l.len);

	return b ? (size_t)(b - l.s) : l.len;
}

/* The line of @text whose TARGET is @l's; .s NULL when none. */
static struct line
find_target(const char *text, struct line l)
{
	size_t n = target_len(l);
	struct line m;
	const char *s;

	for (s = text; *s; s = m.s + m.len + (m.s[m.len] == '\n')) {
		m = line_at(s);
		if (target_len(m) == n && !memcmp(m.s, l.s, n))
			return m;
	}
	return (struct line){NULL, 0};
}

/* Lines of @a with no line of @b for their TARGET, or (@changes) with
 * another one: @fn for each, as @c. */
static int
diff_pass(const char *a, const char *b, enum plan_change c, bool changes,
	  plan_change_fn fn, void *ctx, int *count)
{
	struct line l, m;
	const char *s;
	int r;

	for (s = a; *s; s = l.s + l.len + (l.s[l.len] == '\n')) {
		l = line_at(s);
		m = find_target(b, l);
		if (!m.s)
			r = c == PLAN_ADD ? fn(c, NULL, 0, l.s, l.len, ctx)
					  : fn(c, l.s, l.len, NULL, 0, ctx);
		else if (changes && (m.len != l.len || memcmp(m.s, l.s, l.len)))
			r = fn(PLAN_CHANGE, l.s, l.len, m.s, m.len, ctx);
		else
			continue;
		if (r < 0)
			return r;
		++*count;
	}
	return 0;
}

int
plan_text_diff(const char *was, const char *now, plan_change_fn fn, void *ctx)
{
	int count = 0;
	int r = diff_pass(was, now, PLAN_REMOVE, true, fn, ctx, &count);

	if (r == 0)
		r = diff_pass(now, was, PLAN_ADD, false, fn, ctx, &count);
	return r < 0 ? r : count;
}

/* A tmpfs size word, which a remount can change ("size=", "nr_inodes="). */
static bool
is_size_word(const char *w, size_t n)
{
	return (n > 5 && !strncmp(w, "size=", 5)) ||
	       (n > 10 && !strncmp(w, "nr_inodes=", 10));
}

/* Line @l without its flag words, and without its size words when
 * @sizes, into @out (@len bytes). */
static void
strip_words(const char *l, size_t n, bool sizes, char *out, size_t len)
{
	const char *opts = l, *w, *end = l + n;
	size_t used, k;
	int blanks = 0;
	bool set;

	/* OPTIONS is the fourth word. */
	while (opts < end && blanks < 3)
		blanks += *opts++ == ' ';
	used = (size_t)snprintf(out, len, "%.*s", (int)(opts - l), l);
	for (w = opts; w < end && used < len; w += k + (w + k < end)) {
		k = strcspn(w, ",\n");
		if (w + k > end)
			k = (size_t)(end - w);
		/* "-" (no OPTIONS) is no word either. */
		if (!mount_flag_of_word(w, k, &set) &&
		    !(sizes && is_size_word(w, k)) && !(k == 1 && *w == '-'))
			used += (size_t)snprintf(out + used, len - used,
						 "%.*s,", (int)k, w);
	}
}

static bool
same_but(const char *a, size_t a_len, const char *b, size_t b_len, bool sizes)
{
	char x[PATH_MAX * 3], y[PATH_MAX * 3];

	strip_words(a, a_len, sizes, x, sizeof(x));
	strip_words(b, b_len, sizes, y, sizeof(y));
	return !strcmp(x, y);
}

enum line_change
plan_lines_compare(const char *a, size_t a_len, const char *b, size_t b_len)
{
	const char *m = memchr(a, ' ', a_len);

	if (same_but(a, a_len, b, b_len, false))
		return LINE_FLAGS;
	/* The method is the second word: only a tmpfs is resized. */
	if (m && (size_t)(a + a_len - m) > 7 && !strncmp(m, " tmpfs ", 7) &&
	    same_but(a, a_len, b, b_len, true))
		return LINE_RESIZE;
	return LINE_OTHER;
}

int
plan_line_parse(const char *line, size_t len, struct plan_line *l)
{
	const char *w, *end = line + len, *opts;
	size_t n = strcspn(line, " \n");
	int blanks = 0;
	bool set;
	unsigned long f;

	memset(l, 0, sizeof(*l));
	if (n == 0 || n > len || n >= sizeof(l->target) || line[0] != '/')
		return -EINVAL;
	memcpy(l->target, line, n);
	if (unescape_octal(l->target, UNESCAPE_STRICT, NULL) < 0)
		return -EINVAL;
	l->tmpfs = len - n > 7 && !strncmp(line + n, " tmpfs ", 7);
	for (opts = line; opts < end && blanks < 3;)
		blanks += *opts++ == ' ';
	if (blanks < 3)
		return -EINVAL;
	for (w = opts; w < end; w += n + 1) {
		n = strcspn(w, ",\n");
		if (w + n > end)
			n = (size_t)(end - w);
		set = false;
		f = mount_flag_of_word(w, n, &set);
		if (set)
			l->ms_set |= f;
		else
			l->ms_clr |= f;
		if (is_size_word(w, n))
			snprintf(l->data + strlen(l->data),
				 sizeof(l->data) - strlen(l->data), "%s%.*s",
				 l->data[0] ? "," : "", (int)n, w);
	}
	return 0;
}
