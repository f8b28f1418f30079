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

int
registry_open(bool create, struct mntns_error *e)
{
	_cleanup_(closep) int fd = -1;
	int r;

	fd = open_nofollow(MNTNS_RUN_DIR, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0 && errno == ENOENT && create) {
		r = own_dir(MNTNS_RUN_DIR, e);
		if (r < 0)
			return r;
		fd = open_nofollow(MNTNS_RUN_DIR, O_RDONLY | O_DIRECTORY, 0);
	}
	if (fd < 0)
		return errno == ENOENT && !create
			       ? -ENOENT
			       : err_set(e, -errno, "cannot open %s: %s",
					 MNTNS_RUN_DIR, open_strerror(errno));
	r = own_dir_fd(fd, MNTNS_RUN_DIR, e);
	if (r < 0)
		return r;
	return steal_fd(&fd);
}

_printf_(3, 4) static void rel_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* Only root can write in the run directory: what is there is ours. */
static int
ensure_tree(int run, uid_t uid, struct mntns_error *e)
{
	char path[64];

	rel_path(path, sizeof(path), "users/%u", (unsigned)uid);
	if ((mkdirat(run, "ns", 0700) < 0 && errno != EEXIST) ||
	    (mkdirat(run, "users", 0700) < 0 && errno != EEXIST) ||
	    (uid != (uid_t)-1 && mkdirat(run, path, 0700) < 0 &&
	     errno != EEXIST))
		return err_set(e, -errno, "cannot create a directory in %s: %s",
			       MNTNS_RUN_DIR, strerror(errno));
	return 0;
}

/*
 * A record is a symlink whose target is its text: one symlink(2) makes a
 * whole record appear at once (no reader sees half of one) and costs a
 * third of open, write and close.  Nothing ever follows these links.
 * A record already there under the same name is stale (a reused PID, or
 * the previous value of "current") and is replaced.
 */
static int
write_record(int run, const char *path, uid_t uid, const char *text,
	     struct mntns_error *e)
{
	int r, tries;

	for (tries = 0; tries < 3; tries++) {
		if (symlinkat(text, run, path) == 0)
			return 0;
		if (errno == EEXIST && unlinkat(run, path, 0) == 0)
			continue;
		if (errno != ENOENT)
			break;
		r = ensure_tree(run, uid, e);
		if (r < 0)
			return r;
	}
	return err_set(e, -errno, "cannot write %s/%s: %s", MNTNS_RUN_DIR, path,
		       strerror(errno));
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
 * that tmpfs keeps them inside the symlink's inode: a longer target
 * costs a page of its own, allocated at login and freed at logout.  The
 * keys:
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

/* ns/KEY, and its copy users/UID/KEY that a user's logins count. */
static void
ns_record_paths(const struct ns_ident *ns, uid_t uid, char global[64],
		char own[64])
{
	char key[NS_KEY_MAX];

	ns_key(ns, key);
	rel_path(global, 64, "ns/%s", key);
	rel_path(own, 64, "users/%u/%s", (unsigned)uid, key);
}

int
ns_record_write(int run, const struct ns_record *r, struct mntns_error *e)
{
	char global[64], own[64], text[RECORD_MAX];
	int err;

	ns_record_paths(&r->ns, r->uid, global, own);
	ns_record_format(r, text);
	err = write_record(run, own, r->uid, text, e);
	if (err == 0)
		err = write_record(run, global, (uid_t)-1, text, e);
	if (err < 0)
		unlinkat(run, own, 0);
	return err;
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

/* With @when, r->created from the link's time: one more system call. */
static int
read_ns_record(int dirfd, const char *name, struct ns_record *r, bool when)
{
	char text[RECORD_MAX];
	int64_t made = 0;
	int n = read_record(dirfd, name, text, sizeof(text),
			    when ? &made : NULL);

	if (n >= 0)
		n = ns_record_parse(text, r);
	if (n >= 0)
		r->created = made;
	return n;
}

int
ns_record_read(int run, const struct ns_ident *ns, struct ns_record *r)
{
	char key[NS_KEY_MAX], path[64];
	int n;

	ns_key(ns, key);
	rel_path(path, sizeof(path), "ns/%s", key);
	n = read_ns_record(run, path, r, false);
	/* Without kernel IDs an inode may name a newer namespace. */
	if (n == 0 && !ns_ident_equal(&r->ns, ns))
		return -ENOENT;
	return n;
}

int
ns_record_remove(int run, const struct ns_record *r)
{
	char global[64], own[64];
	int err;

	ns_record_paths(&r->ns, r->uid, global, own);
	unlinkat(run, own, 0);
	err = unlinkat(run, global, 0) < 0 ? -errno : 0;
	return err;
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
	/* Else any process there: namespace IDs are never reused. */
	if (fd == -ESRCH && r->base.id)
		fd = ns_find_process(&r->base, (uid_t)-1, 0, pid, NULL);
	return fd;
}

/* ---- scope=user members ------------------------------------------------ */

int
user_lock(int run, uid_t uid, struct mntns_error *e)
{
	_cleanup_(closep) int fd = -1;
	char path[64];
	int r;

	rel_path(path, sizeof(path), "users/%u/lock", (unsigned)uid);
	fd = openat(run, path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == ENOENT) {
		r = ensure_tree(run, uid, e);
		if (r < 0)
			return r;
		fd = openat(run, path,
			    O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (fd < 0)
		return err_set(e, -errno, "cannot open %s/%s: %s",
			       MNTNS_RUN_DIR, path, open_strerror(errno));
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return err_set(e, -errno, "cannot lock %s/%s: %s",
				       MNTNS_RUN_DIR, path, strerror(errno));
	return steal_fd(&fd);
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
member_write(int run, uid_t uid, const struct member_record *m,
	     struct mntns_error *e)
{
	char path[64], text[RECORD_MAX];

	rel_path(path, sizeof(path), "users/%u/%d", (unsigned)uid, (int)m->pid);
	member_format(m, text);
	return write_record(run, path, uid, text, e);
}

int
user_current_read(int run, uid_t uid, struct ns_ident *ns)
{
	char path[64], text[RECORD_MAX];
	int r;

	rel_path(path, sizeof(path), "users/%u/current", (unsigned)uid);
	r = read_record(run, path, text, sizeof(text), NULL);
	if (r < 0)
		return r;
	return record_ident(text, 'n', 'i', ns);
}

int
user_current_write(int run, uid_t uid, const struct ns_ident *ns,
		   struct mntns_error *e)
{
	char path[64], text[RECORD_MAX];

	rel_path(path, sizeof(path), "users/%u/current", (unsigned)uid);
	/* put_ident() writes a leading blank: the text starts after it. */
	put_ident(text, sizeof(text), 'n', 'i', ns);
	return write_record(run, path, uid, text + 1, e);
}

int
user_retire(int run, uid_t uid)
{
	char path[64];

	rel_path(path, sizeof(path), "users/%u/current", (unsigned)uid);
	return unlinkat(run, path, 0) < 0 ? -errno : 0;
}

int
member_remove(int run, uid_t uid, pid_t pid)
{
	char path[64];

	rel_path(path, sizeof(path), "users/%u/%d", (unsigned)uid, (int)pid);
	return unlinkat(run, path, 0) < 0 ? -errno : 0;
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

/* A namespace record's name: "id-N" or "ino-N" (see ns_key()). */
static bool
is_ns_name(const char *s)
{
	return !strncmp(s, "id-", 3) || !strncmp(s, "ino-", 4);
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

/* Calls @visit for each entry of users/UID for which @want is true. */
static int
user_dir_each(int run, uid_t uid, bool (*want)(const char *),
	      int (*visit)(int dirfd, const char *name, void *ctx), void *ctx)
{
	struct dirent *de;
	char path[64];
	DIR *d;
	int fd, r = 0;

	rel_path(path, sizeof(path), "users/%u", (unsigned)uid);
	fd = openat(run, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while (r == 0 && (de = readdir(d)))
		if (want(de->d_name))
			r = visit(dirfd(d), de->d_name, ctx);
	closedir(d);
	return r;
}

struct member_walk {
	member_fn fn;
	void *ctx;
};

static int
visit_member_cb(int dirfd, const char *name, void *ctx)
{
	struct member_walk *w = ctx;

	return visit_member(dirfd, name, w->fn, w->ctx);
}

int
members_each(int run, uid_t uid, member_fn fn, void *ctx)
{
	struct member_walk w = {fn, ctx};

	return user_dir_each(run, uid, is_pid_name, visit_member_cb, &w);
}

/* ---- is anyone left in a namespace? ------------------------------------- */

struct member_ns {
	const struct ns_ident *ns;
	pid_t skip;
	pid_t pid;
	int fd;
};

static int
find_member_ns(const struct member_record *m, int nsfd, void *ctx)
{
	struct member_ns *w = ctx;

	if (m->pid == w->skip || !ns_ident_equal(&m->ns, w->ns))
		return 0;
	w->fd = fcntl(nsfd, F_DUPFD_CLOEXEC, 3);
	w->pid = m->pid;
	return w->fd < 0 ? -errno : 1;
}

/* A live scope=user session of @uid in @ns other than @skip: its fd,
 * and its process in *@pid. */
static int
open_member_ns(int run, uid_t uid, const struct ns_ident *ns, pid_t skip,
	       pid_t *pid)
{
	struct member_ns w = {ns, skip, 0, -1};

	if (members_each(run, uid, find_member_ns, &w) < 0 || w.fd < 0)
		return -ESRCH;
	*pid = w.pid;
	return w.fd;
}

/*
 * Someone in the namespace of @r, a process of @uid unless that is -1:
 * its sessions first, then the process the record names, then (with
 * kernel namespace IDs, which are never reused) any process on the host.
 * A process found that way is written into the record for next time.
 */
static int
open_ns_vouched(int run, struct ns_record *r, uid_t uid, pid_t skip)
{
	uint64_t start = 0;
	pid_t pid = 0;
	int fd = -ESRCH;

	r->creator_alive = false;
	/* A session of the user's vouches without a uid check (it may be
	 * root's su): cheapest first, as joins go through here. */
	if (r->scope == SCOPE_USER)
		fd = open_member_ns(run, r->uid, &r->ns, skip, &pid);
	if (fd == -ESRCH && r->pid != skip && r->scope != SCOPE_USER) {
		fd = open_ns_of_user(r->pid, &r->ns, r->start, uid);
		r->creator_alive = fd >= 0;
	}
	if (fd == -ESRCH && r->voucher != r->pid && r->voucher != skip)
		fd = open_ns_of_user(r->voucher, &r->ns, r->vstart, uid);
	/* The walk costs a readlink per process on the host: not for a
	 * namespace the kernel says is gone. */
	if (fd != -ESRCH || !r->ns.id || ns_exists(&r->ns) == 0)
		return fd;
	fd = ns_find_process(&r->ns, uid, skip, &pid, &start);
	if (fd >= 0 && pid != r->voucher) {
		r->voucher = pid;
		r->vstart = start;
		ns_record_write(run, r, NULL);
	}
	return fd;
}

int
open_recorded_ns(int run, struct ns_record *r)
{
	return open_ns_vouched(run, r, (uid_t)-1, 0);
}

int
open_user_ns(int run, struct ns_record *r)
{
	return open_ns_vouched(run, r, r->uid, 0);
}

int
ns_record_leave(int run, struct ns_record *r, pid_t self)
{
	uint64_t start = 0;
	pid_t pid = 0;
	int fd;

	/* Only scope=user namespaces have sessions other than their
	 * creator's; a session left keeps the record as it is. */
	if (r->scope == SCOPE_USER &&
	    (fd = open_member_ns(run, r->uid, &r->ns, self, &pid)) >= 0) {
		close(fd);
		return 1;
	}
	/* With a kernel namespace ID, which is never reused, whoever reads
	 * the record next can tell whether the namespace is gone
	 * (open_ns_vouched(): listmount(2) in one call, else a walk, which
	 * is safe with IDs): the record stays, a logout costs no walk of
	 * /proc, and the walk that finds a process left behind runs only
	 * for a namespace that outlived its sessions. */
	if (r->ns.id)
		return 2;
	/* Else the walk runs now, from inside: the caller is in the
	 * namespace, so its inode cannot be reused while the walk runs. */
	fd = ns_find_process(&r->ns, (uid_t)-1, self, &pid, &start);
	if (fd < 0)
		return ns_record_remove(run, r) < 0 ? -ENOENT : 0;
	close(fd);
	if (pid != r->voucher) {
		r->voucher = pid;
		r->vstart = start;
		return ns_record_write(run, r, NULL) < 0 ? -EIO : 1;
	}
	return 1;
}

/* ---- walking the namespace records ------------------------------------- */

struct ns_walk {
	int run;
	ns_fn fn;
	void *ctx;
};

static int
visit_ns(int dirfd, const char *name, void *ctx)
{
	struct ns_walk *w = ctx;
	struct ns_record rec;
	int nsfd, r;

	if (read_ns_record(dirfd, name, &rec, true) < 0)
		return 0;
	nsfd = open_recorded_ns(w->run, &rec);
	if (nsfd == -ESRCH) {
		ns_record_remove(w->run, &rec);
		return 0;
	}
	if (nsfd < 0)
		return 0;
	r = w->fn(&rec, nsfd, w->ctx);
	close(nsfd);
	return r;
}

int
ns_records_each(int run, ns_fn fn, void *ctx)
{
	struct ns_walk w = {run, fn, ctx};
	struct dirent *de;
	DIR *d;
	int fd, r = 0;

	fd = openat(run, "ns", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while (r == 0 && (de = readdir(d)))
		if (is_ns_name(de->d_name))
			r = visit_ns(dirfd(d), de->d_name, &w);
	closedir(d);
	return r;
}

int
user_ns_each(int run, uid_t uid, ns_fn fn, void *ctx)
{
	struct ns_walk w = {run, fn, ctx};

	return user_dir_each(run, uid, is_ns_name, visit_ns, &w);
}
