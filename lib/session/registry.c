/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The record store under MNTNS_RUN_DIR: what the module made, written
 * with one symlink(2) per record, and the per-user lock.  What a record
 * is worth is for lib/session/vouch.c to prove.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "session/registry.h"

/* ---- files under MNTNS_RUN_DIR ----------------------------------------- */

static int
open_run(bool create, struct stat *st, struct mntns_error *e)
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
	r = own_dir_fd(fd, MNTNS_RUN_DIR, st, e);
	if (r < 0)
		return r;
	return steal_fd(&fd);
}

int
registry_open(bool create, struct mntns_error *e)
{
	return open_run(create, NULL, e);
}

int
registry_open_held(struct registry_hold *h, struct mntns_error *e)
{
	struct stat st;

	h->fd = open_run(true, &st, e);
	if (h->fd >= 0) {
		h->dev = st.st_dev;
		h->ino = st.st_ino;
	}
	return h->fd;
}

bool
registry_still(const struct registry_hold *h)
{
	struct stat st;

	return h->fd >= 0 && fstat(h->fd, &st) == 0 && st.st_dev == h->dev &&
	       st.st_ino == h->ino;
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
 * A record already there under the same name (a reused PID, the previous
 * value of "current", a namespace's record with a new voucher) is
 * replaced by a rename(2) of the new one over it, so that a reader (a
 * join takes no lock) never finds the name missing.
 */
static int
replace_record(int run, const char *path, const char *text)
{
	const char *slash = strrchr(path, '/');
	size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
	char tmp[96];
	int r;

	/* ".NAME.PID" beside it: no reader takes a name with a dot first. */
	snprintf(tmp, sizeof(tmp), "%.*s.%s.%d", (int)dir, path, path + dir,
		 (int)self_pid());
	if (symlinkat(text, run, tmp) < 0)
		return -1;
	r = renameat(run, tmp, run, path);
	if (r < 0)
		unlinkat(run, tmp, 0);
	return r;
}

static int
write_record(int run, const char *path, uid_t uid, const char *text,
	     struct mntns_error *e)
{
	int r, tries;

	for (tries = 0; tries < 3; tries++) {
		if (symlinkat(text, run, path) == 0)
			return 0;
		if (errno == EEXIST && replace_record(run, path, text) == 0)
			return 0;
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
read_record(int dirfd, const char *name, char *buf, size_t len,
	    struct timespec *made)
{
	ssize_t n = readlinkat(dirfd, name, buf, len - 1);
	struct stat st;

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (made && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (made)
		*made = st.st_mtim;
	return (int)n;
}

/* ---- namespace records ------------------------------------------------- */

void
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

int
ns_record_rewrite(int run, const struct ns_record *r)
{
	char global[64], own[64], text[RECORD_MAX];

	ns_record_paths(&r->ns, r->uid, global, own);
	ns_record_format(r, text);
	if (replace_record(run, own, text) == 0 &&
	    replace_record(run, global, text) == 0)
		return 0;
	return ns_record_write(run, r, NULL);
}

/* With @when, r->created from the link's time: one more system call. */
static int
read_ns_record(int dirfd, const char *name, struct ns_record *r, bool when)
{
	char text[RECORD_MAX];
	struct timespec made = {0, 0};
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

/*
 * ns/KEY is moved aside first, so that a record written under the same
 * key meanwhile (a newer namespace with the inode of a gone one) is never
 * the one removed: what was moved aside is compared, and put back if it
 * is not @r's.  A kernel namespace ID is never reused: its key names one
 * namespace for good, and the record goes at once.
 */
static int
remove_global(int run, const char *global, const struct ns_record *r)
{
	struct ns_record found;
	char aside[64];

	if (r->ns.id)
		return unlinkat(run, global, 0) < 0 ? -errno : 0;
	rel_path(aside, sizeof(aside), "ns/.gone-%d", (int)self_pid());
	if (renameat(run, global, run, aside) < 0)
		return -errno;
	if (read_ns_record(run, aside, &found, false) == 0 &&
	    !ns_record_same(&found, r) &&
	    renameat2(run, aside, run, global, RENAME_NOREPLACE) == 0)
		return -ENOENT;
	unlinkat(run, aside, 0);
	return 0;
}

int
ns_record_remove(int run, const struct ns_record *r)
{
	char global[64], own[64];

	ns_record_paths(&r->ns, r->uid, global, own);
	unlinkat(run, own, 0);
	return remove_global(run, global, r);
}

/* ---- scope=user sessions ------------------------------------------------ */

int
user_lock(int run, uid_t uid, struct mntns_error *e)
{
	_cleanup_(closep) int fd = -1;
	char path[64], who[96];
	int r;

	/* The user's directory itself: the count that a login makes under
	 * the lock reads this descriptor (user_ns_count_by_id()). */
	rel_path(path, sizeof(path), "users/%u", (unsigned)uid);
	fd = openat(run, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		r = ensure_tree(run, uid, e);
		if (r < 0)
			return r;
		fd = openat(run, path,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return err_set(e, -errno, "cannot open %s/%s: %s",
			       MNTNS_RUN_DIR, path, open_strerror(errno));
	r = flock_bounded(fd, LOCK_WAIT_MS);
	if (r == -ETIMEDOUT) {
		lock_holder(fd, who, sizeof(who));
		return err_set(e, r,
			       "%s/%s is held by %s for more than %d s (a "
			       "login or logout of uid %u that is stopped?); "
			       "refusing to wait longer",
			       MNTNS_RUN_DIR, path, who, LOCK_WAIT_MS / 1000,
			       (unsigned)uid);
	}
	if (r < 0)
		return err_set(e, r, "cannot lock %s/%s: %s", MNTNS_RUN_DIR,
			       path, strerror(-r));
	return steal_fd(&fd);
}

int
session_record_write(int run, uid_t uid, const struct session_record *m,
		     struct mntns_error *e)
{
	char path[64], text[RECORD_MAX];

	rel_path(path, sizeof(path), "users/%u/%d", (unsigned)uid, (int)m->pid);
	session_record_format(m, text);
	return write_record(run, path, uid, text, e);
}

int
user_current_read(int run, uid_t uid, struct ns_ident *ns, pid_t *pid)
{
	char path[64], text[RECORD_MAX];
	int r;

	rel_path(path, sizeof(path), "users/%u/current", (unsigned)uid);
	r = read_record(run, path, text, sizeof(text), NULL);
	if (r < 0)
		return r;
	return current_parse(text, ns, pid);
}

int
user_current_write(int run, uid_t uid, const struct ns_ident *ns, pid_t pid,
		   struct mntns_error *e)
{
	char path[64], text[RECORD_MAX];

	rel_path(path, sizeof(path), "users/%u/current", (unsigned)uid);
	current_format(ns, pid, text);
	return write_record(run, path, uid, text, e);
}

int
user_retire(int run, uid_t uid)
{
	char path[64];

	rel_path(path, sizeof(path), "users/%u/current", (unsigned)uid);
	return unlinkat(run, path, 0) < 0 ? -errno : 0;
}

/* users/UID/PID as @name below @dirfd, parsed; with @when, m->created
 * from the link's time (one more system call), else 0. */
static int
read_session_record(int dirfd, const char *name, struct session_record *m,
		    bool when)
{
	char text[RECORD_MAX];
	struct timespec made = {0, 0};
	int r;

	r = read_record(dirfd, name, text, sizeof(text), when ? &made : NULL);
	if (r < 0)
		return r;
	if (session_record_parse(text, m) < 0)
		return -EINVAL;
	m->created = made;
	return 0;
}

int
session_record_read(int run, uid_t uid, pid_t pid, struct session_record *m)
{
	char path[64];
	int r;

	rel_path(path, sizeof(path), "users/%u/%d", (unsigned)uid, (int)pid);
	r = read_session_record(run, path, m, false);
	return r == 0 && m->pid != pid ? -EINVAL : r;
}

int
session_record_remove(int run, uid_t uid, pid_t pid)
{
	char path[64];

	rel_path(path, sizeof(path), "users/%u/%d", (unsigned)uid, (int)pid);
	return unlinkat(run, path, 0) < 0 ? -errno : 0;
}

static bool
is_pid_name(const char *s)
{
	return pid_parse(s, NULL);
}

/* A namespace record's name: "id-N" or "ino-N" (see ns_key()). */
static bool
is_ns_name(const char *s)
{
	return !strncmp(s, "id-", 3) || !strncmp(s, "ino-", 4);
}

/* Calls @visit for each entry of the directory @path for which @want is
 * true. */
struct dir_walk {
	bool (*want)(const char *);
	int (*visit)(int dirfd, const char *name, void *ctx);
	void *ctx;
};

static int
visit_wanted(int dirfd, const char *name, void *ctx)
{
	struct dir_walk *w = ctx;

	return w->want(name) ? w->visit(dirfd, name, w->ctx) : 0;
}

static int
dir_each(int run, const char *path, bool (*want)(const char *),
	 int (*visit)(int dirfd, const char *name, void *ctx), void *ctx)
{
	struct dir_walk w = {want, visit, ctx};
	int r = dir_names(run, path, visit_wanted, &w);

	return r == -ENOENT ? 0 : r;
}

/* Whether walks read when each record was made: only the helper shows
 * it, and it costs a system call per record. */
static bool record_times;

void
registry_record_times(bool on)
{
	record_times = on;
}

struct file_walk {
	session_file_fn session;
	ns_file_fn ns;
	void *ctx;
};

static int
visit_session_file(int dirfd, const char *name, void *ctx)
{
	struct file_walk *w = ctx;
	struct session_record m;

	/* A record being written or half gone is skipped, not an error. */
	if (read_session_record(dirfd, name, &m, record_times) < 0)
		return 0;
	return w->session(dirfd, name, &m, w->ctx);
}

int
session_files_each(int run, uid_t uid, session_file_fn fn, void *ctx)
{
	struct file_walk w = {.session = fn, .ctx = ctx};
	char path[64];

	rel_path(path, sizeof(path), "users/%u", (unsigned)uid);
	return dir_each(run, path, is_pid_name, visit_session_file, &w);
}

static int
visit_ns_file(int dirfd, const char *name, void *ctx)
{
	struct file_walk *w = ctx;
	struct ns_record rec;

	if (read_ns_record(dirfd, name, &rec, record_times) < 0)
		return 0;
	return w->ns(dirfd, name, &rec, w->ctx);
}

int
ns_files_each(int run, ns_file_fn fn, void *ctx)
{
	struct file_walk w = {.ns = fn, .ctx = ctx};

	return dir_each(run, "ns", is_ns_name, visit_ns_file, &w);
}

int
user_ns_files_each(int run, uid_t uid, ns_file_fn fn, void *ctx)
{
	struct file_walk w = {.ns = fn, .ctx = ctx};
	char path[64];

	rel_path(path, sizeof(path), "users/%u", (unsigned)uid);
	return dir_each(run, path, is_ns_name, visit_ns_file, &w);
}

struct id_count {
	int run;
	uid_t uid;
	unsigned n;
};

/* A session record (users/UID/PID) left by a process killed before its
 * close: removed once the kernel says its namespace is gone. */
static void
prune_session_file(int dirfd, const char *name)
{
	struct session_record m;

	if (read_session_record(dirfd, name, &m, false) == 0 && m.ns.id &&
	    ns_exists(&m.ns) == 0)
		unlinkat(dirfd, name, 0);
}

static int
count_by_id(int dirfd, const char *name, void *ctx)
{
	struct id_count *c = ctx;
	struct ns_ident ns = {0, 0};
	struct ns_record global;
	char path[64];
	unsigned long long id;
	int used = 0, r;

	if (is_pid_name(name)) {
		prune_session_file(dirfd, name);
		return 0;
	}
	if (!is_ns_name(name))
		return 0;
	if (sscanf(name, "id-%llu%n", &id, &used) != 1 ||
	    (size_t)used != strlen(name) || !id)
		return -EOPNOTSUPP;
	ns.id = id;
	r = ns_exists(&ns);
	if (r < 0)
		return -EOPNOTSUPP;
	rel_path(path, sizeof(path), "ns/%s", name);
	if (r == 0) {
		unlinkat(c->run, path, 0);
		unlinkat(dirfd, name, 0);
		return 0;
	}
	/* It exists: it counts if ns/KEY says it is this user's (a copy
	 * that does not is not the user's and goes alone).  The ID is never
	 * reused, so the copy needs no reading of its own: what vouch_each()
	 * compares, without IDs, is whether a reused key now names another
	 * namespace. */
	if (read_ns_record(c->run, path, &global, false) < 0 ||
	    global.uid != c->uid || global.ns.id != id) {
		unlinkat(dirfd, name, 0);
		return 0;
	}
	c->n++;
	return 0;
}

int
user_ns_count_by_id(int run, int locked, uid_t uid, unsigned *n)
{
	struct id_count c = {run, uid, 0};
	char path[64];
	int r;

	rel_path(path, sizeof(path), "users/%u", (unsigned)uid);
	r = locked >= 0 ? dir_names_fd(locked, count_by_id, &c)
			: dir_names(run, path, count_by_id, &c);
	*n = c.n;
	return r == -ENOENT ? 0 : r;
}

/* ---- the texts of plans ------------------------------------------------ */

/*
 * plans/FINGERPRINT holds the text of a plan (plan/fingerprint.h) as a
 * symlink's target, like a record: one symlinkat(2) per new namespace,
 * none when a namespace of the same plan made it before.  A text too long
 * for a symlink is not kept: the fingerprint alone still says whether a
 * namespace's plan is the current one.
 */
static void
plan_path(uint64_t fp, char path[32])
{
	rel_path(path, 32, "plans/%016" PRIx64, fp);
}

void
plan_text_keep(int run, uint64_t fp, const char *text)
{
	char path[32];

	if (!fp || strlen(text) >= PATH_MAX)
		return;
	plan_path(fp, path);
	if (symlinkat(text, run, path) == 0 || errno != ENOENT)
		return; /* EEXIST: an earlier namespace's plan was this one */
	if ((mkdirat(run, "plans", 0700) == 0 || errno == EEXIST) &&
	    symlinkat(text, run, path) < 0)
		return; /* best effort: only the difference is lost */
}

int
plan_text_read(int run, uint64_t fp, char **text)
{
	char path[32], *buf = malloc(PATH_MAX);
	ssize_t n;

	*text = NULL;
	if (!buf)
		return -ENOMEM;
	plan_path(fp, path);
	n = fp ? readlinkat(run, path, buf, PATH_MAX - 1)
	       : (errno = ENOENT, -1);
	if (n < 0) {
		free(buf);
		return -errno;
	}
	buf[n] = '\0';
	*text = buf;
	return 0;
}

static bool
is_plan_name(const char *s)
{
	return strlen(s) == 16 && strspn(s, "0123456789abcdef") == 16;
}

struct plan_prune {
	const uint64_t *keep;
	size_t nkeep;
	time_t before;
};

static int
prune_plan(int dirfd, const char *name, void *ctx)
{
	const struct plan_prune *pp = ctx;
	uint64_t fp = strtoull(name, NULL, 16);
	struct stat st;
	size_t i;

	for (i = 0; i < pp->nkeep; i++)
		if (pp->keep[i] == fp)
			return 0;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode) && st.st_mtime < pp->before)
		(void)unlinkat(dirfd, name, 0);
	return 0;
}

int
plan_texts_prune(int run, const uint64_t *keep, size_t nkeep)
{
	struct plan_prune pp = {keep, nkeep, time(NULL) - PLAN_TEXT_GRACE};

	return dir_each(run, "plans", is_plan_name, prune_plan, &pp);
}
