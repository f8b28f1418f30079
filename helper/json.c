/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A small JSON writer: objects and arrays pretty-printed two spaces per
 * level, keys in the order the caller writes them, strings escaped.
 */
#include <string.h>

#include "helper.h"

static void
json_quote(FILE *f, const char *s)
{
	unsigned char c;

	fputc('"', f);
	for (; (c = (unsigned char)*s); s++) {
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Starts a value: the separator, the indentation and the key. */
static void
json_key(struct json *j, const char *key)
{
	fputs(j->first ? "\n" : ",\n", j->f);
	fprintf(j->f, "%*s", j->depth * 2, "");
	if (key) {
		json_quote(j->f, key);
		fputs(": ", j->f);
	}
	j->first = false;
}

void
json_begin(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 1;
	j->first = true;
	fputc('{', f);
}

void
json_end(struct json *j)
{
	json_close(j, '}');
	fputc('\n', j->f);
}

void
json_open(struct json *j, const char *key, char bracket)
{
	json_key(j, key);
	fputc(bracket, j->f);
	j->depth++;
	j->first = true;
}

void
json_close(struct json *j, char bracket)
{
	j->depth--;
	if (!j->first)
		fprintf(j->f, "\n%*s", j->depth * 2, "");
	fputc(bracket, j->f);
	j->first = false;
}

void
json_str(struct json *j, const char *key, const char *v)
{
	if (!v)
		return json_null(j, key);
	json_key(j, key);
	json_quote(j->f, v);
}

void
json_int(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	fprintf(j->f, "%lld", v);
}

void
json_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	fputs(v ? "true" : "false", j->f);
}

void
json_null(struct json *j, const char *key)
{
	json_key(j, key);
	fputs("null", j->f);
}
