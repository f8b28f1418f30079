/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Record texts: a few space-separated KEY=VALUE words, short enough that
 * tmpfs keeps them inside the inode of the symlink that holds them (see
 * lib/session/registry.c): a longer target costs a page of its own,
 * allocated at login and freed at logout.  The keys of a namespace's
 * record:
 *   k  "u" for a scope=user namespace (absent: scope=session)
 *   u  uid             p  PID of the session that made it (or member)
 *   t  that PID's start time, only without kernel namespace IDs
 *   v  a process that was still in the namespace when its creator left
 *      (absent: p), w its start time, only without namespace IDs
 *   n  namespace ID    i  its inode (for the /proc walk; alone without IDs)
 *   b  ID of the namespace it was built from, j its inode
 *   q  a process of that namespace
 *   s  the PAM service, last (printable, no blanks)
 * A record's own modification time says when it was made.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

/* Copies @s for display: printable ASCII only, one line. */
static void
printable(char *dst, size_t len, const char *s)
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

/* " t=START" when it is needed, else nothing. */
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

	printable(svc, sizeof(svc), r->service);
	n = (size_t)snprintf(text, RECORD_MAX, "%su=%u p=%d",
			     r->scope == SCOPE_USER ? "k=u " : "",
			     (unsigned)r->uid, (int)r->pid);
	n += (size_t)put_start(text + n, RECORD_MAX - n, 't', r->start);
	if (r->voucher && r->voucher != r->pid) {
		n += (size_t)snprintf(text + n, RECORD_MAX - n, " v=%d",
				      (int)r->voucher);
		n += (size_t)put_start(text + n, RECORD_MAX - n, 'w',
				       r->vstart);
	}
	n += (size_t)put_ident(text + n, RECORD_MAX - n, 'n', 'i', &r->ns);
	n += (size_t)put_ident(text + n, RECORD_MAX - n, 'b', 'j', &r->base);
	snprintf(text + n, RECORD_MAX - n, " q=%d s=%s", (int)r->base_pid, svc);
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

/* A number; @out is 0 and the result -ENOENT when the word is absent. */
static int
record_u64(const char *text, char key, uint64_t *out)
{
	const char *v = record_value(text, key);
	char *end;

	*out = 0;
	if (!v)
		return -ENOENT;
	if (*v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(v, &end, 10);
	return errno || (*end && *end != ' ') ? -EINVAL : 0;
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
	if (record_u64(t, 'u', &uid) || record_u64(t, 'p', &pid) ||
	    !optional_ok(record_u64(t, 't', &r->start)) ||
	    !optional_ok(record_u64(t, 'v', &voucher)) ||
	    !optional_ok(record_u64(t, 'w', &r->vstart)) ||
	    record_ident(t, 'n', 'i', &r->ns) ||
	    record_ident(t, 'b', 'j', &r->base) ||
	    record_u64(t, 'q', &base_pid))
		return -EINVAL;
	record_str(t, 'k', scope, sizeof(scope));
	record_str(t, 's', r->service, sizeof(r->service));
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
member_format(const struct member_record *m, char text[RECORD_MAX])
{
	char svc[64];
	size_t n;

	printable(svc, sizeof(svc), m->service);
	n = (size_t)snprintf(text, RECORD_MAX, "p=%d", (int)m->pid);
	n += (size_t)put_start(text + n, RECORD_MAX - n, 't', m->start);
	n += (size_t)put_ident(text + n, RECORD_MAX - n, 'n', 'i', &m->ns);
	snprintf(text + n, RECORD_MAX - n, " s=%s", svc);
}

int
member_parse(const char *t, struct member_record *m)
{
	uint64_t pid;

	memset(m, 0, sizeof(*m));
	if (record_u64(t, 'p', &pid) ||
	    !optional_ok(record_u64(t, 't', &m->start)) ||
	    record_ident(t, 'n', 'i', &m->ns))
		return -EINVAL;
	record_str(t, 's', m->service, sizeof(m->service));
	m->pid = (pid_t)pid;
	return 0;
}

void
ns_ident_format(const struct ns_ident *ns, char text[RECORD_MAX])
{
	/* put_ident() writes a leading blank: the text starts after it. */
	char buf[RECORD_MAX];

	put_ident(buf, sizeof(buf), 'n', 'i', ns);
	snprintf(text, RECORD_MAX, "%s", buf + 1);
}

int
ns_ident_parse(const char *text, struct ns_ident *ns)
{
	int r = record_ident(text, 'n', 'i', ns);

	return r == 0 && (ns->id || ns->ino) ? 0 : -EINVAL;
}
