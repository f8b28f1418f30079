/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The record store under MNTNS_RUN_DIR: what the module made, written
 * with one symlink(2) per record and trusted only while a live process
 * vouches for it (lib/session/nsid.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "registry.h"

/* ---- files under MNTNS_RUN_DIR ----------------------------------------- */

_printf_(3, 4) static void run_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(buf, len, "%s/", MNTNS_RUN_DIR);
	va_start(ap, fmt);
	vsnprintf(buf + n, len - (size_t)n, fmt, ap);
	va_end(ap);
}

static int
ensure_tree(uid_t uid, struct mntns_error *e)
{
	char path[128];
	int r;

	run_path(path, sizeof(path), "users/%u", (unsigned)uid);
	if ((r = own_dir(MNTNS_RUN_DIR, e)) < 0 ||
	    (r = own_dir(MNTNS_RUN_DIR "/ns", e)) < 0 ||
	    (r = own_dir(MNTNS_RUN_DIR "/users", e)) < 0)
		return r;
	return uid == (uid_t)-1 ? 0 : own_dir(path, e);
}

/*
 * A record is a symlink whose target is its text: one symlink(2) makes a
 * whole record appear at once (no reader sees half of one) and costs a
 * third of open, write and close.  Nothing ever follows these links.
 * A record already there under the same name is stale (a reused PID, or
 * the previous value of "current") and is replaced.
 */
static int
write_record(const char *path, uid_t uid, const char *text,
	     struct mntns_error *e)
{
	int r, tries;

	for (tries = 0; tries < 3; tries++) {
		if (symlink(text, path) == 0)
			return 0;
		if (errno == EEXIST && unlink(path) == 0)
			continue;
		if (errno != ENOENT)
			break;
		r = ensure_tree(uid, e);
		if (r < 0)
			return r;
	}
	return err_set(e, -errno, "cannot write %s: %s", path, strerror(errno));
}

/*
 * The text of a record; its length or -errno.  With @made, also when the
 * record was made (its own modification time: nothing changes a symlink).
 */
static int
read_record(int dirfd, const char *name, char *buf, size_t len, int64_t *made)
{
	ssize_t n = readlinkat(dirfd, name, buf, len - 1);
	struct stat st;

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (made && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (made)
		*made = (int64_t)st.st_mtim.tv_sec;
	return (int)n;
}

/* Copies @s for display: printable ASCII only, one line. */
static void
printable(char *dst, size_t len, const char *s)
{
	size_t i;

	for (i = 0; s && s[i] && i + 1 < len; i++)
		dst[i] = (s[i] > 0x20 && s[i] < 0x7f) ? s[i] : '?';
	dst[i] = '\0';
}

/* ---- namespace records ------------------------------------------------- */

/*
 * Record texts are a few space-separated KEY=VALUE words, short enough
 * (under 60 bytes for common values) that tmpfs keeps them inside the
 * symlink's inode: a longer target costs a page of its own, allocated at
 * login and freed at logout.  The keys:
 *   k  "u" for a scope=user namespace (absent: scope=session)
 *   u  uid             p  PID of the session that made it (or member)
 *   t  that PID's start time, only without kernel namespace IDs
 *   n  namespace ID    i  its inode, only without namespace IDs
 *   b  ID of the namespace it was built from, j its inode (without IDs)
 *   q  a process of that namespace
 *   s  the PAM service, last (printable, no blanks)
 * A record's own modification time says when it was made.
 */
static int
put_ident(char *buf, size_t len, char id_key, char ino_key,
	  const struct ns_ident *ns)
{
	if (ns->id)
		return snprintf(buf, len, " %c=%" PRIu64, id_key, ns->id);
	return snprintf(buf, len, " %c=%" PRIu64, ino_key, ns->ino);
}

/* " t=START" when it is needed, else nothing. */
static int
put_start(char *buf, size_t len, uint64_t start)
{
	return start ? snprintf(buf, len, " t=%" PRIu64, start)
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
	n += (size_t)put_start(text + n, RECORD_MAX - n, r->start);
	n += (size_t)put_ident(text + n, RECORD_MAX - n, 'n', 'i', &r->ns);
	n += (size_t)put_ident(text + n, RECORD_MAX - n, 'b', 'j', &r->base);
	snprintf(text + n, RECORD_MAX - n, " q=%d s=%s", (int)r->base_pid, svc);
}

int
ns_record_write(const struct ns_record *r, struct mntns_error *e)
{
	char key[NS_KEY_MAX], path[128], text[RECORD_MAX];

	ns_key(&r->ns, key);
	run_path(path, sizeof(path), "ns/%s", key);
	ns_record_format(r, text);
	return write_record(path, (uid_t)-1, text, e);
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

/* A namespace: its ID under @id_key, or its inode under @ino_key. */
static int
record_ident(const char *text, char id_key, char ino_key, struct ns_ident *ns)
{
	int r = record_u64(text, id_key, &ns->id);

	ns->ino = 0;
	if (r == -ENOENT)
		r = record_u64(text, ino_key, &ns->ino);
	return r;
}

static void
record_str(const char *text, char key, char *out, size_t len)
{
	const char *v = record_value(text, key);
	size_t n = v ? strcspn(v, " ") : 0;

	snprintf(out, len, "%.*s", (int)n, v ? v : "");
}

/* Optional numbers may be absent; present, they must be numbers. */
static bool
optional_ok(int r)
{
	return r == 0 || r == -ENOENT;
}

int
ns_record_parse(const char *t, struct ns_record *r)
{
	uint64_t uid, pid, base_pid;
	char scope[8];

	memset(r, 0, sizeof(*r));
	if (record_u64(t, 'u', &uid) || record_u64(t, 'p', &pid) ||
	    !optional_ok(record_u64(t, 't', &r->start)) ||
	    record_ident(t, 'n', 'i', &r->ns) ||
	    record_ident(t, 'b', 'j', &r->base) ||
	    record_u64(t, 'q', &base_pid))
		return -EINVAL;
	record_str(t, 'k', scope, sizeof(scope));
	record_str(t, 's', r->service, sizeof(r->service));
	r->scope = !strcmp(scope, "u") ? SCOPE_USER : SCOPE_SESSION;
	r->uid = (uid_t)uid;
	r->pid = (pid_t)pid;
	r->base_pid = (pid_t)base_pid;
	return 0;
}

static int
read_ns_record_at(int dirfd, const char *name, struct ns_record *r)
{
	char text[RECORD_MAX];
	int64_t made;
	int n = read_record(dirfd, name, text, sizeof(text), &made);

	if (n >= 0)
		n = ns_record_parse(text, r);
	if (n >= 0)
		r->created = made;
	return n;
}

int
ns_record_read(const struct ns_ident *ns, struct ns_record *r)
{
	char key[NS_KEY_MAX], path[128], text[RECORD_MAX];
	int n;

	ns_key(ns, key);
	run_path(path, sizeof(path), "ns/%s", key);
	n = read_record(AT_FDCWD, path, text, sizeof(text), NULL);
	if (n < 0)
		return n;
	n = ns_record_parse(text, r);
	/* Without kernel IDs an inode may name a newer namespace. */
	if (n == 0 && !ns_ident_equal(&r->ns, ns))
		return -ENOENT;
	return n;
}

int
ns_record_remove(const struct ns_ident *ns)
{
	char key[NS_KEY_MAX], path[128];

	ns_key(ns, key);
	run_path(path, sizeof(path), "ns/%s", key);
	return unlink(path) < 0 ? -errno : 0;
}

int
open_base_ns(const struct ns_record *r, pid_t *pid)
{
	int fd = open_ns_of(r->base_pid, &r->base, 0);

	*pid = r->base_pid;
	/* The process may be gone; init usually lives in the host's view. */
	if (fd == -ESRCH && r->base_pid != 1) {
		fd = open_ns_of(1, &r->base, 0);
		*pid = 1;
	}
	return fd;
}

/* ---- scope=user members ------------------------------------------------ */

int
user_lock(uid_t uid, struct mntns_error *e)
{
	_cleanup_(closep) int fd = -1;
	char path[128];
	int r;

	run_path(path, sizeof(path), "users/%u/lock", (unsigned)uid);
	fd = open_nofollow(path, O_RDWR | O_CREAT, 0600);
	if (fd < 0 && errno == ENOENT) {
		r = ensure_tree(uid, e);
		if (r < 0)
			return r;
		fd = open_nofollow(path, O_RDWR | O_CREAT, 0600);
	}
	if (fd < 0)
		return err_set(e, -errno, "cannot open %s: %s", path,
			       open_strerror(errno));
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return err_set(e, -errno, "cannot lock %s: %s", path,
				       strerror(errno));
	return steal_fd(&fd);
}

void
member_format(const struct member_record *m, char text[RECORD_MAX])
{
	char svc[64];
	size_t n;

	printable(svc, sizeof(svc), m->service);
	n = (size_t)snprintf(text, RECORD_MAX, "p=%d", (int)m->pid);
	n += (size_t)put_start(text + n, RECORD_MAX - n, m->start);
	n += (size_t)put_ident(text + n, RECORD_MAX - n, 'n', 'i', &m->ns);
	snprintf(text + n, RECORD_MAX - n, " s=%s", svc);
}

int
member_write(uid_t uid, const struct member_record *m, struct mntns_error *e)
{
	char path[128], text[RECORD_MAX];

	run_path(path, sizeof(path), "users/%u/%d", (unsigned)uid, (int)m->pid);
	member_format(m, text);
	return write_record(path, uid, text, e);
}

int
user_current_swap(uid_t uid, const struct ns_ident *ns, struct mntns_error *e)
{
	char path[128], text[RECORD_MAX];
	struct ns_ident old;

	run_path(path, sizeof(path), "users/%u/current", (unsigned)uid);
	if (read_record(AT_FDCWD, path, text, sizeof(text), NULL) >= 0 &&
	    record_ident(text, 'n', 'i', &old) == 0 &&
	    !ns_ident_equal(&old, ns))
		ns_record_remove(&old);
	/* put_ident() writes a leading blank: the text starts after it. */
	put_ident(text, sizeof(text), 'n', 'i', ns);
	return write_record(path, uid, text + 1, e);
}

int
member_remove(uid_t uid, pid_t pid)
{
	char path[128];

	run_path(path, sizeof(path), "users/%u/%d", (unsigned)uid, (int)pid);
	return unlink(path) < 0 ? -errno : 0;
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

static bool
is_pid_name(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/*
 * After opening the namespace that record @name of @dirfd names: removes
 * the record when nobody vouches for the namespace any more (-ESRCH);
 * true when @nsfd is an open namespace to use.
 */
static bool
record_live(int dirfd, const char *name, int nsfd)
{
	if (nsfd == -ESRCH)
		unlinkat(dirfd, name, 0);
	return nsfd >= 0;
}

/* Checks one member file; prunes it when its process is gone. */
static int
visit_member(int dirfd, const char *name, member_fn fn, void *ctx)
{
	char text[RECORD_MAX];
	struct member_record m;
	int64_t made;
	int nsfd, r;

	if (read_record(dirfd, name, text, sizeof(text), &made) < 0 ||
	    member_parse(text, &m) < 0)
		return 0;
	m.created = made;
	nsfd = open_ns_of(m.pid, &m.ns, m.start);
	if (!record_live(dirfd, name, nsfd))
		return 0;
	r = fn(&m, nsfd, ctx);
	close(nsfd);
	return r;
}

int
members_each(uid_t uid, member_fn fn, void *ctx)
{
	struct dirent *de;
	char path[128];
	DIR *d;
	int r = 0;

	run_path(path, sizeof(path), "users/%u", (unsigned)uid);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (r == 0 && (de = readdir(d)))
		if (is_pid_name(de->d_name))
			r = visit_member(dirfd(d), de->d_name, fn, ctx);
	closedir(d);
	return r;
}

/* ---- walking the namespace records ------------------------------------- */

struct member_ns {
	const struct ns_ident *ns;
	int fd;
};

static int
find_member_ns(const struct member_record *m, int nsfd, void *ctx)
{
	struct member_ns *w = ctx;

	if (!ns_ident_equal(&m->ns, w->ns))
		return 0;
	w->fd = fcntl(nsfd, F_DUPFD_CLOEXEC, 3);
	return w->fd < 0 ? -errno : 1;
}

int
open_recorded_ns(const struct ns_record *r)
{
	struct member_ns w = {&r->ns, -1};
	int fd = open_ns_of(r->pid, &r->ns, r->start);

	if (fd != -ESRCH || r->scope != SCOPE_USER)
		return fd;
	if (members_each(r->uid, find_member_ns, &w) < 0 || w.fd < 0)
		return -ESRCH;
	return w.fd;
}

static int
visit_ns(int dirfd, const char *name, ns_fn fn, void *ctx)
{
	struct ns_record rec;
	int nsfd, r;

	if (read_ns_record_at(dirfd, name, &rec) < 0)
		return 0;
	nsfd = open_recorded_ns(&rec);
	if (!record_live(dirfd, name, nsfd))
		return 0;
	r = fn(&rec, nsfd, ctx);
	close(nsfd);
	return r;
}

int
ns_records_each(ns_fn fn, void *ctx)
{
	struct dirent *de;
	DIR *d;
	int r = 0;

	d = opendir(MNTNS_RUN_DIR "/ns");
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (r == 0 && (de = readdir(d)))
		if (de->d_name[0] != '.')
			r = visit_ns(dirfd(d), de->d_name, fn, ctx);
	closedir(d);
	return r;
}
