/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One login's namespace, from its base view to its records: which view
 * a new one is built from, joining for scope=user, what close removes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "apply.h"
#include "registry.h"
#include "session.h"

/* Where a new namespace is built from, and who vouches for that view. */
struct base {
	int fd; /* -1: the current view */
	struct ns_ident ns;
	pid_t pid;
	uid_t outer_uid; /* whose namespace the login starts in, if ours */
};

/*
 * A login that starts inside a namespace this module made (su -l bob
 * from alice's shell) is built from the view that one was built from,
 * never from alice's.  Records live as long as any process is in their
 * namespace, so a namespace of ours always has one.
 */
static int
find_base(int run, int cur_fd, const char *user, struct base *b,
	  struct mntns_error *e)
{
	struct ns_record outer;
	int r;

	b->fd = -1;
	b->pid = getppid();
	b->outer_uid = (uid_t)-1;
	r = ns_ident_of(cur_fd, &b->ns);
	if (r == 0)
		r = ns_record_read(run, &b->ns, &outer);
	/* Without kernel IDs a record may name a newer namespace with a
	 * reused inode: it counts only while a recorded process vouches. */
	if (r == 0 && !b->ns.id) {
		r = open_recorded_ns(run, &outer);
		if (r >= 0)
			close(r);
		r = r >= 0 ? 0 : r == -ESRCH ? -ENOENT : r;
	}
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return err_set(e, r,
			       "cannot read the record of the current "
			       "namespace: %s",
			       strerror(-r));
	b->outer_uid = outer.uid;
	b->fd = open_base_ns(&outer, &b->pid);
	if (b->fd < 0)
		return err_set(e, b->fd,
			       "this login starts inside the namespace made "
			       "for uid %u, and no process is left in the "
			       "view that one was built from; refusing to "
			       "give %s that view",
			       (unsigned)outer.uid, user);
	b->ns = outer.base;
	return 0;
}

static uint64_t
start_time_if_needed(const struct ns_ident *ns)
{
	uint64_t t = 0;

	/* Without kernel namespace IDs a PID must also match its start. */
	if (!ns->id && proc_start_time(getpid(), &t) < 0)
		t = 0;
	return t;
}

static int
record_member(int run, const struct identity *id, const char *service,
	      const struct ns_ident *ns, struct mntns_error *e)
{
	struct member_record m = {
		.pid = getpid(),
		.start = start_time_if_needed(ns),
		.ns = *ns,
	};

	snprintf(m.service, sizeof(m.service), "%s", service);
	return member_write(run, id->uid, &m, e);
}

static int
record_ns(int run, const struct identity *id, enum scope scope,
	  const char *service, const struct ns_ident *ns, const struct base *b,
	  struct mntns_error *e)
{
	struct ns_record rec = {
		.ns = *ns,
		.scope = scope,
		.uid = id->uid,
		.pid = getpid(),
		.start = start_time_if_needed(ns),
		.base = b->ns,
		.base_pid = b->pid,
	};

	rec.voucher = rec.pid;
	rec.vstart = rec.start;
	snprintf(rec.service, sizeof(rec.service), "%s", service);
	return ns_record_write(run, &rec, e);
}

static int
count_ns(const struct ns_record *r, int nsfd, void *ctx)
{
	(void)r;
	(void)nsfd;
	++*(unsigned *)ctx;
	return 0;
}

/*
 * A user's live namespaces are capped: each holds a copy of the host's
 * mount table in kernel memory, and its records a little of /run.
 * Counting prunes the records of namespaces nobody is left in, also
 * without a cap (max 0): a closed session leaves its record for the
 * next reader (ns_record_leave()), and this is where the user's go.
 */
static int
check_cap(int run, const struct identity *id, unsigned max,
	  struct mntns_error *e)
{
	unsigned n = 0;
	int r;

	r = user_ns_each(run, id->uid, count_ns, &n);
	if (r < 0)
		return err_set(e, r, "cannot read the namespaces of %s: %s",
			       id->user, strerror(-r));
	if (max && n >= max)
		return err_set(
			e, -EUSERS,
			"%s already has %u live mount namespaces, the "
			"most max_namespaces=%u allows; pam_mntns_helper "
			"list shows them and the processes left in them",
			id->user, n, max);
	return 0;
}

static int
create_ns(int run, const struct session_args *a, int cur_fd,
	  struct session_state *st, struct mntns_error *e)
{
	const struct identity *id = a->id;
	struct apply_result res;
	struct base b;
	int r;

	r = find_base(run, cur_fd, id->user, &b, e);
	if (r == 0)
		r = check_cap(run, id, a->max_namespaces, e);
	if (r < 0) {
		closep(&b.fd);
		return r;
	}
	r = apply_plan(a->plan, b.fd, id->uid, &res, e);
	closep(&b.fd);
	if (r < 0)
		return r;
	/* Records carry the inode too: the /proc walk compares it. */
	ns_add_inode(&res.ns);
	st->ns = res.ns;
	st->mounts = res.mounts;
	if (a->scope == SCOPE_USER) {
		r = user_current_write(run, id->uid, &res.ns, e);
		if (r == 0)
			r = record_member(run, id, a->service, &res.ns, e);
		if (r < 0)
			return r;
	}
	r = record_ns(run, id, a->scope, a->service, &res.ns, &b, e);
	if (r < 0 && a->scope == SCOPE_USER)
		member_remove(run, id->uid, getpid());
	return r;
}

/*
 * The user's scope=user namespace if a session or a process of that user
 * is still in it (a detached tmux, a nohup job), else -ESRCH.
 */
static int
open_current(int run, uid_t uid, struct ns_ident *ns)
{
	struct ns_record rec;
	int r;

	r = user_current_read(run, uid, ns);
	if (r == 0)
		r = ns_record_read(run, ns, &rec);
	if (r == 0 && rec.uid != uid)
		r = -ESRCH;
	if (r == -ENOENT || r == -EINVAL)
		return -ESRCH;
	if (r < 0)
		return r;
	*ns = rec.ns;
	return open_user_ns(run, &rec);
}

/* scope=user: join the user's live namespace, or make it. */
static int
open_user_scope(int run, const struct session_args *a, int cur_fd,
		struct session_state *st, struct mntns_error *e)
{
	const struct identity *id = a->id;
	_cleanup_(closep) int lock = -1, fd = -1;
	struct ns_ident ns;
	int r;

	lock = user_lock(run, id->uid, e);
	if (lock < 0)
		return lock;
	fd = open_current(run, id->uid, &ns);
	if (fd == -ESRCH)
		return create_ns(run, a, cur_fd, st, e);
	if (fd < 0)
		return err_set(e, fd, "cannot read the namespace of %s: %s",
			       id->user, strerror(-fd));
	r = apply_join(fd, &ns, e);
	if (r == 0)
		r = record_member(run, id, a->service, &ns, e);
	st->ns = ns;
	st->joined = true;
	return r;
}

int
session_open(const struct session_args *a, struct session_state *st,
	     struct mntns_error *e)
{
	struct ns_saved saved = NS_SAVED_INIT;
	_cleanup_(closep) int run = -1;
	int r;

	memset(st, 0, sizeof(*st));
	st->scope = a->scope;
	st->uid = a->id->uid;
	st->pid = getpid();
	/* Opened in the caller's view, before any switch. */
	run = registry_open(true, e);
	if (run < 0)
		return run;
	r = ns_save(&saved, e);
	if (r == 0)
		r = a->scope == SCOPE_USER
			    ? open_user_scope(run, a, saved.ns, st, e)
			    : create_ns(run, a, saved.ns, st, e);
	if (r < 0 && saved.ns >= 0)
		r = ns_restore(&saved, r, e);
	ns_saved_close(&saved);
	return r;
}

int
session_host_view(const char *user, struct ns_ident *to, struct mntns_error *e)
{
	struct ns_saved saved = NS_SAVED_INIT;
	_cleanup_(closep) int run = -1;
	struct base b = {.fd = -1};
	struct ns_record rec;
	struct ns_ident cur;
	int r;

	memset(to, 0, sizeof(*to));
	run = registry_open(false, e);
	if (run == -ENOENT)
		return 0; /* nothing was ever made: this is the host's view */
	if (run < 0)
		return run;
	/* The common case, a login from a view that is not ours, costs a
	 * statmount(2) and a readlink: nothing is saved for it. */
	if (self_ns_ident(&cur) == 0 &&
	    ns_record_read(run, &cur, &rec) == -ENOENT)
		return 0;
	r = ns_save(&saved, e);
	if (r == 0)
		r = find_base(run, saved.ns, user, &b, e);
	if (r == 0 && b.fd >= 0) {
		r = apply_join(b.fd, &b.ns, e);
		if (r == 0)
			*to = b.ns;
		else
			r = ns_restore(&saved, r, e);
	}
	closep(&b.fd);
	ns_saved_close(&saved);
	return r < 0 ? r : to->id || to->ino ? 1 : 0;
}

int
session_close(const struct session_state *st)
{
	_cleanup_(closep) int run = -1, lock = -1;
	struct ns_record rec;
	int r;

	run = registry_open(false, NULL);
	if (run < 0)
		return run;
	if (st->scope == SCOPE_USER) {
		lock = user_lock(run, st->uid, NULL);
		if (lock < 0)
			return lock;
		member_remove(run, st->uid, st->pid);
	}
	r = ns_record_read(run, &st->ns, &rec);
	if (r < 0)
		return r;
	/* Kept while a detached tmux or a nohup job lives in it. */
	return ns_record_leave(run, &rec, st->pid);
}
