/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Record texts: a few space-separated KEY=VALUE words, short enough that
 * tmpfs keeps them inside the inode of the symlink that holds them (see
 * lib/session/registry.c): a longer target costs a page of its own,
 * allocated at login and freed at logout.  The keys are the table
 * below.  A record's own modification time says when it was made.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/record.h"

/* The keys of a record's words: a namespace's record (ns/KEY and
 * users/UID/KEY) or a scope=user session's (users/UID/PID, p t n i s). */
enum record_key {
	KEY_SCOPE = 'k',   /* "u" for a scope=user namespace; absent: session */
	KEY_UID = 'u',	   /* its user */
	KEY_PID = 'p',	   /* the session that made it (or the session) */
	KEY_START = 't',   /* that PID's start time, only without IDs */
	KEY_VOUCHER = 'v', /* a process still in it when its maker left;
			       absent: p */
	KEY_VSTART = 'w',  /* the voucher's start time, only without IDs */
	KEY_ID = 'n',	   /* the kernel's namespace ID (6.11 and later) */
	KEY_INO = 'i',	   /* its inode (for the /proc walk; alone without
			       IDs) */
	KEY_BASE_ID = 'b', /* the ID of the view it was built from */
	KEY_BASE_INO = 'j', /* ... that view's inode */
	KEY_BASE_PID = 'q', /* a process of that view */
	KEY_PLAN = 'f',	    /* the fingerprint of its plan, 16 hex digits */
	KEY_SERVICE = 's',  /* the PAM service, last: record_word() */
};

/*
 * @s as one word of a record: printable ASCII with no blank, as a record
 * is split at blanks (mask_text() keeps blanks and UTF-8, for terminals).
 */
static void
record_word(char *dst, size_t len, const char *s)
{
	size_t i;

	for (i = 0; s && s[i] && i + 1 < len; i++)
		dst[i] = (s[i] > 0x20 && s[i] < 0x7f) ? s[i] : '?';
	dst[i] = '\0';
}

static int
put_ident(char *buf, size_t len, char id_key, char ino_key,
	  const struct ns_ident *ns)
{
	if (ns->id && ns->ino)
		return snprintf(buf, len, " %c=%" PRIu64 " %c=%" PRIu64, id_key,
				ns->id, ino_key, ns->ino);
	if (ns->id)
		return snprintf(buf, len, " %c=%" PRIu64, id_key, ns->id);
	return snprintf(buf, len, " %c=%" PRIu64, ino_key, ns->ino);
}

/* " t=START" (@key) when it is needed, else nothing. */
static int
put_start(char *buf, size_t len, char key, uint64_t start)
{
	return start ? snprintf(buf, len, " %c=%" PRIu64, key, start)
		     : snprintf(buf, len, "%s", "");
}

void
ns_record_format(const struct ns_record *r, char text[RECORD_MAX])
{
	char svc[64];
	size_t n;

	record_word(svc, sizeof(svc), r->service);
	n = r->scope == SCOPE_USER
		    ? (size_t)snprintf(text, RECORD_MAX, "%c=u ", KEY_SCOPE)
		    : 0;
	n += (size_t)snprintf(text + n, RECORD_MAX - n, "%c=%u %c=%d", KEY_UID,
			      (unsigned)r->uid, KEY_PID, (int)r->pid);
	n += (size_t)put_start(text + n, RECORD_MAX - n, KEY_START, r->start);
	if (r->voucher && r->voucher != r->pid) {
		n += (size_t)snprintf(text + n, RECORD_MAX - n, " %c=%d",
				      KEY_VOUCHER, (int)r->voucher);
		n += (size_t)put_start(text + n, RECORD_MAX - n, KEY_VSTART,
				       r->vstart);
	}
	n += (size_t)put_ident(text + n, RECORD_MAX - n, KEY_ID, KEY_INO,
			       &r->ns);
	n += (size_t)put_ident(text + n, RECORD_MAX - n, KEY_BASE_ID,
			       KEY_BASE_INO, &r->base);
	if (r->plan)
		n += (size_t)snprintf(text + n, RECORD_MAX - n,
				      " %c=%016" PRIx64, KEY_PLAN, r->plan);
	snprintf(text + n, RECORD_MAX - n, " %c=%d %c=%s", KEY_BASE_PID,
		 (int)r->base_pid, KEY_SERVICE, svc);
}

/* The value of word "@key=" in a record's text; NULL when absent. */
static const char *
record_value(const char *text, char key)
{
	const char *p;

	for (p = text; p && *p; p = strchr(p, ' '), p = p ? p + 1 : NULL)
		if (p[0] == key && p[1] == '=')
			return p + 2;
	return NULL;
}

/*
 * A number in @base (10, or 16 for the plan's fingerprint); @out is 0 and
 * the result -ENOENT when the word is absent.
 */
static int
record_number(const char *text, char key, int base, uint64_t *out)
{
	const char *v = record_value(text, key);
	char *end;

	*out = 0;
	if (!v)
		return -ENOENT;
	if (!(base == 16 ? isxdigit((unsigned char)*v)
			 : isdigit((unsigned char)*v)))
		return -EINVAL;
	errno = 0;
	*out = strtoull(v, &end, base);
	return errno || (*end && *end != ' ') ? -EINVAL : 0;
}

static int
record_u64(const char *text, char key, uint64_t *out)
{
	return record_number(text, key, 10, out);
}

/* Optional numbers may be absent; present, they must be numbers. */
static bool
optional_ok(int r)
{
	return r == 0 || r == -ENOENT;
}

/* A namespace: its ID under @id_key and/or its inode under @ino_key. */
static int
record_ident(const char *text, char id_key, char ino_key, struct ns_ident *ns)
{
	int a = record_u64(text, id_key, &ns->id);
	int b = record_u64(text, ino_key, &ns->ino);

	if (!optional_ok(a) || !optional_ok(b) || (a && b))
		return -EINVAL;
	return 0;
}

static void
record_str(const char *text, char key, char *out, size_t len)
{
	const char *v = record_value(text, key);
	size_t n = v ? strcspn(v, " ") : 0;

	snprintf(out, len, "%.*s", (int)n, v ? v : "");
}

int
ns_record_parse(const char *t, struct ns_record *r)
{
	uint64_t uid, pid, base_pid, voucher;
	char scope[8];

	memset(r, 0, sizeof(*r));
	if (record_u64(t, KEY_UID, &uid) || record_u64(t, KEY_PID, &pid) ||
	    !optional_ok(record_u64(t, KEY_START, &r->start)) ||
	    !optional_ok(record_u64(t, KEY_VOUCHER, &voucher)) ||
	    !optional_ok(record_u64(t, KEY_VSTART, &r->vstart)) ||
	    record_ident(t, KEY_ID, KEY_INO, &r->ns) ||
	    record_ident(t, KEY_BASE_ID, KEY_BASE_INO, &r->base) ||
	    record_u64(t, KEY_BASE_PID, &base_pid) ||
	    !optional_ok(record_number(t, KEY_PLAN, 16, &r->plan)))
		return -EINVAL;
	record_str(t, KEY_SCOPE, scope, sizeof(scope));
	record_str(t, KEY_SERVICE, r->service, sizeof(r->service));
	r->scope = !strcmp(scope, "u") ? SCOPE_USER : SCOPE_SESSION;
	r->uid = (uid_t)uid;
	r->pid = (pid_t)pid;
	r->voucher = voucher ? (pid_t)voucher : r->pid;
	if (!voucher)
		r->vstart = r->start;
	r->base_pid = (pid_t)base_pid;
	return 0;
}

bool
ns_record_same(const struct ns_record *a, const struct ns_record *b)
{
	return ns_ident_equal(&a->ns, &b->ns) && a->uid == b->uid &&
	       a->pid == b->pid && a->start == b->start && a->scope == b->scope;
}

void
session_record_format(const struct session_record *m, char text[RECORD_MAX])
{
	char svc[64];
	size_t n;

	record_word(svc, sizeof(svc), m->service);
	n = (size_t)snprintf(text, RECORD_MAX, "%c=%d", KEY_PID, (int)m->pid);
	n += (size_t)put_start(text + n, RECORD_MAX - n, KEY_START, m->start);
	n += (size_t)put_ident(text + n, RECORD_MAX - n, KEY_ID, KEY_INO,
			       &m->ns);
	snprintf(text + n, RECORD_MAX - n, " %c=%s", KEY_SERVICE, svc);
}

int
session_record_parse(const char *t, struct session_record *m)
{
	uint64_t pid;

	memset(m, 0, sizeof(*m));
	if (record_u64(t, KEY_PID, &pid) ||
	    !optional_ok(record_u64(t, KEY_START, &m->start)) ||
	    record_ident(t, KEY_ID, KEY_INO, &m->ns))
		return -EINVAL;
	record_str(t, KEY_SERVICE, m->service, sizeof(m->service));
	m->pid = (pid_t)pid;
	return 0;
}

void
ns_ident_format(const struct ns_ident *ns, char text[RECORD_MAX])
{
	/* put_ident() writes a leading blank: the text starts after it. */
	char buf[RECORD_MAX];

	put_ident(buf, sizeof(buf), KEY_ID, KEY_INO, ns);
	snprintf(text, RECORD_MAX, "%s", buf + 1);
}

int
ns_ident_parse(const char *text, struct ns_ident *ns)
{
	int r = record_ident(text, KEY_ID, KEY_INO, ns);

	return r == 0 && (ns->id || ns->ino) ? 0 : -EINVAL;
}

void
current_format(const struct ns_ident *ns, pid_t pid, char text[RECORD_MAX])
{
	char buf[RECORD_MAX];

	put_ident(buf, sizeof(buf), KEY_ID, KEY_INO, ns);
	snprintf(text, RECORD_MAX, "%c=%d%s", KEY_PID, (int)pid, buf);
}

int
current_parse(const char *text, struct ns_ident *ns, pid_t *pid)
{
	uint64_t p = 0;
	int r = ns_ident_parse(text, ns);

	if (r == 0 && !optional_ok(record_u64(text, KEY_PID, &p)))
		r = -EINVAL;
	if (pid)
		*pid = r == 0 ? (pid_t)p : 0;
	return r;
}
