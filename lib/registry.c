/* SPDX-License-Identifier: BSD-3-Clause */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/nsfs.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/stat.h>

#include "registry.h"

#ifndef NS_GET_MNTNS_ID
#define NS_GET_MNTNS_ID _IOR(NSIO, 0x5, uint64_t)
#endif

#define RECORD_MAX 2048

int
ns_ident_of(int nsfd, struct ns_ident *out)
{
	struct stat st;

	if (fstat(nsfd, &st) < 0)
		return -errno;
	out->ino = st.st_ino;
	out->id = 0;
	/* Older kernels have no namespace IDs: fall back to inodes. */
	if (ioctl(nsfd, NS_GET_MNTNS_ID, &out->id) < 0) {
		if (errno != ENOTTY && errno != EINVAL)
			return -errno;
		out->id = 0;
	}
	return 0;
}

bool
ns_ident_equal(const struct ns_ident *a, const struct ns_ident *b)
{
	if (a->id || b->id)
		return a->id == b->id;
	return a->ino == b->ino;
}

void
ns_key(const struct ns_ident *ns, char key[NS_KEY_MAX])
{
	if (ns->id)
		snprintf(key, NS_KEY_MAX, "id-%" PRIu64, ns->id);
	else
		snprintf(key, NS_KEY_MAX, "ino-%" PRIu64, ns->ino);
}

/* Reads a small file whole; returns its length or -errno. */
static int
read_small(int dirfd, const char *name, char *buf, size_t len)
{
	_cleanup_(closep) int fd = -1;
	ssize_t n;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

int
proc_start_time(pid_t pid, uint64_t *out)
{
	char path[64], buf[1024], *p;
	int n, field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	n = read_small(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT ? -ESRCH : n;
	/* The command name may hold anything: count from its last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -EIO;
	for (field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%" SCNu64, out) != 1)
		return -EIO;
	return 0;
}

int
open_ns_of(pid_t pid, const struct ns_ident *ns, uint64_t start)
{
	_cleanup_(closep) int pidfd = -1, nsfd = -1;
	struct ns_ident got;
	uint64_t st;
	char path[64];

	if (pid <= 0)
		return -ESRCH;
	/* Pinned first: if it is still alive after the checks, the /proc
	 * reads below were about this very process, not a PID reuse. */
	pidfd = (int)pidfd_open(pid, 0);
	if (pidfd < 0)
		return errno == ESRCH ? -ESRCH : -errno;
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	if (ns_ident_of(nsfd, &got) < 0 || !ns_ident_equal(&got, ns))
		return -ESRCH;
	if (start && (proc_start_time(pid, &st) < 0 || st != start))
		return -ESRCH;
	if (pidfd_send_signal(pidfd, 0, NULL, 0) < 0)
		return -ESRCH;
	return steal_fd(&nsfd);
}

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

/* A directory of ours: created root 0700, refused if anyone else's. */
static int
ensure_dir(const char *path, struct mntns_error *e)
{
	_cleanup_(closep) int fd = -1;
	struct stat st;

	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return err_set(e, -errno, "cannot create %s: %s", path,
			       strerror(errno));
	fd = open_nofollow(path, O_PATH | O_DIRECTORY, 0);
	if (fd < 0 || fstat(fd, &st) < 0)
		return err_set(e, -errno, "%s: %s", path, strerror(errno));
	if (st.st_uid != 0 || (st.st_mode & 077))
		return err_set(e, -EPERM,
			       "%s is owned by uid %u with mode %04o; it must "
			       "be root's with no group or other permissions",
			       path, (unsigned)st.st_uid,
			       (unsigned)(st.st_mode & 07777));
	return 0;
}

static int
ensure_tree(uid_t uid, struct mntns_error *e)
{
	char path[128];
	int r;

	run_path(path, sizeof(path), "users/%u", (unsigned)uid);
	if ((r = ensure_dir(MNTNS_RUN_DIR, e)) < 0 ||
	    (r = ensure_dir(MNTNS_RUN_DIR "/ns", e)) < 0 ||
	    (r = ensure_dir(MNTNS_RUN_DIR "/users", e)) < 0)
		return r;
	return uid == (uid_t)-1 ? 0 : ensure_dir(path, e);
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

/* The text of a record; its length or -errno. */
static int
read_record(int dirfd, const char *name, char *buf, size_t len)
{
	ssize_t n = readlinkat(dirfd, name, buf, len - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
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

int
inaccessible_node(struct mntns_error *e)
{
	const char *path = MNTNS_RUN_DIR "/inaccessible";
	_cleanup_(closep) int fd = -1;
	struct stat st;
	int r;

	fd = open_nofollow(path, O_PATH, 0);
	if (fd < 0 && errno == ENOENT) {
		r = ensure_tree((uid_t)-1, e);
		if (r < 0)
			return r;
		/* Mode 0 even under any umask; O_EXCL: it is ours. */
		fd = open_nofollow(path, O_RDONLY | O_CREAT | O_EXCL, 0);
		if (fd < 0 && errno == EEXIST)
			fd = open_nofollow(path, O_PATH, 0);
	}
	if (fd < 0 || fstat(fd, &st) < 0)
		return err_set(e, -errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 07777) ||
	    st.st_size != 0)
		return err_set(e, -EPERM,
			       "%s must be an empty root-owned file with mode "
			       "0000",
			       path);
	return steal_fd(&fd);
}

/* ---- namespace records ------------------------------------------------- */

int
ns_record_write(const struct ns_record *r, struct mntns_error *e)
{
	char key[NS_KEY_MAX], path[128], text[RECORD_MAX], user[64], svc[64];

	ns_key(&r->ns, key);
	run_path(path, sizeof(path), "ns/%s", key);
	printable(user, sizeof(user), r->user);
	printable(svc, sizeof(svc), r->service);
	snprintf(text, sizeof(text),
		 "scope=%s\nuid=%u\nuser=%s\nservice=%s\npid=%d\n"
		 "start=%" PRIu64 "\nns_id=%" PRIu64 "\nns_ino=%" PRIu64
		 "\nbase_id=%" PRIu64 "\nbase_ino=%" PRIu64 "\nbase_pid=%d\n"
		 "created=%" PRId64 "\n",
		 r->scope == SCOPE_USER ? "user" : "session", (unsigned)r->uid,
		 user, svc, (int)r->pid, r->start, r->ns.id, r->ns.ino,
		 r->base.id, r->base.ino, (int)r->base_pid, r->created);
	return write_record(path, r->uid, text, e);
}

/* Looks up "KEY=" in a record's text; NULL when absent. */
static const char *
record_value(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *p;

	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == '=')
			return p + n + 1;
	return NULL;
}

static int
record_u64(const char *text, const char *key, uint64_t *out)
{
	const char *v = record_value(text, key);

	return v && sscanf(v, "%" SCNu64, out) == 1 ? 0 : -EINVAL;
}

static void
record_str(const char *text, const char *key, char *out, size_t len)
{
	const char *v = record_value(text, key);
	size_t n = v ? strcspn(v, "\n") : 0;

	snprintf(out, len, "%.*s", (int)n, v ? v : "");
}

static int
parse_ns_record(const char *t, struct ns_record *r)
{
	uint64_t uid, pid, base_pid, created;
	char scope[16];

	memset(r, 0, sizeof(*r));
	if (record_u64(t, "uid", &uid) || record_u64(t, "pid", &pid) ||
	    record_u64(t, "start", &r->start) ||
	    record_u64(t, "ns_id", &r->ns.id) ||
	    record_u64(t, "ns_ino", &r->ns.ino) ||
	    record_u64(t, "base_id", &r->base.id) ||
	    record_u64(t, "base_ino", &r->base.ino) ||
	    record_u64(t, "base_pid", &base_pid) ||
	    record_u64(t, "created", &created))
		return -EINVAL;
	record_str(t, "scope", scope, sizeof(scope));
	record_str(t, "user", r->user, sizeof(r->user));
	record_str(t, "service", r->service, sizeof(r->service));
	r->scope = !strcmp(scope, "user") ? SCOPE_USER : SCOPE_SESSION;
	r->uid = (uid_t)uid;
	r->pid = (pid_t)pid;
	r->base_pid = (pid_t)base_pid;
	r->created = (int64_t)created;
	return 0;
}

static int
read_ns_record_at(int dirfd, const char *name, struct ns_record *r)
{
	char text[RECORD_MAX];
	int n = read_record(dirfd, name, text, sizeof(text));

	return n < 0 ? n : parse_ns_record(text, r);
}

int
ns_record_read(const struct ns_ident *ns, struct ns_record *r)
{
	char key[NS_KEY_MAX], path[128], text[RECORD_MAX];
	int n;

	ns_key(ns, key);
	run_path(path, sizeof(path), "ns/%s", key);
	n = read_record(AT_FDCWD, path, text, sizeof(text));
	if (n < 0)
		return n;
	n = parse_ns_record(text, r);
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
			       strerror(errno));
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return err_set(e, -errno, "cannot lock %s: %s", path,
				       strerror(errno));
	return steal_fd(&fd);
}

int
member_write(uid_t uid, const struct member_record *m, struct mntns_error *e)
{
	char path[128], text[RECORD_MAX], svc[64];

	run_path(path, sizeof(path), "users/%u/%d", (unsigned)uid, (int)m->pid);
	printable(svc, sizeof(svc), m->service);
	snprintf(text, sizeof(text),
		 "pid=%d\nstart=%" PRIu64 "\nns_id=%" PRIu64 "\nns_ino=%" PRIu64
		 "\nservice=%s\ncreated=%" PRId64 "\n",
		 (int)m->pid, m->start, m->ns.id, m->ns.ino, svc, m->created);
	return write_record(path, uid, text, e);
}

int
user_current_swap(uid_t uid, const struct ns_ident *ns, struct mntns_error *e)
{
	char path[128], text[RECORD_MAX];
	struct ns_ident old;

	run_path(path, sizeof(path), "users/%u/current", (unsigned)uid);
	if (read_record(AT_FDCWD, path, text, sizeof(text)) >= 0 &&
	    record_u64(text, "ns_id", &old.id) == 0 &&
	    record_u64(text, "ns_ino", &old.ino) == 0 &&
	    !ns_ident_equal(&old, ns))
		ns_record_remove(&old);
	snprintf(text, sizeof(text), "ns_id=%" PRIu64 "\nns_ino=%" PRIu64 "\n",
		 ns->id, ns->ino);
	return write_record(path, uid, text, e);
}

int
member_remove(uid_t uid, pid_t pid)
{
	char path[128];

	run_path(path, sizeof(path), "users/%u/%d", (unsigned)uid, (int)pid);
	return unlink(path) < 0 ? -errno : 0;
}

static int
parse_member(const char *t, struct member_record *m)
{
	uint64_t pid, created;

	memset(m, 0, sizeof(*m));
	if (record_u64(t, "pid", &pid) || record_u64(t, "start", &m->start) ||
	    record_u64(t, "ns_id", &m->ns.id) ||
	    record_u64(t, "ns_ino", &m->ns.ino) ||
	    record_u64(t, "created", &created))
		return -EINVAL;
	record_str(t, "service", m->service, sizeof(m->service));
	m->pid = (pid_t)pid;
	m->created = (int64_t)created;
	return 0;
}

static bool
is_pid_name(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* Checks one member file; prunes it when its process is gone. */
static int
visit_member(int dirfd, const char *name, member_fn fn, void *ctx)
{
	char text[RECORD_MAX];
	struct member_record m;
	int nsfd, r;

	if (read_record(dirfd, name, text, sizeof(text)) < 0 ||
	    parse_member(text, &m) < 0)
		return 0;
	nsfd = open_ns_of(m.pid, &m.ns, m.start);
	if (nsfd == -ESRCH) {
		unlinkat(dirfd, name, 0);
		return 0;
	}
	if (nsfd < 0)
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
	if (nsfd == -ESRCH) {
		unlinkat(dirfd, name, 0);
		return 0;
	}
	if (nsfd < 0)
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
