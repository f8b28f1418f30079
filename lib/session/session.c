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
};

/*
 * A login that starts inside a namespace this module made (su -l bob
 * from alice's shell) is built from the view that one was built from,
 * never from alice's.
 */
static int
find_base(int cur_fd, const struct identity *id, struct base *b,
	  struct mntns_error *e)
{
	struct ns_record outer;
	int r;

	b->fd = -1;
	b->pid = getppid();
	r = ns_ident_of(cur_fd, &b->ns);
	if (r == 0)
		r = ns_record_read(&b->ns, &outer);
	/* Without kernel IDs a record may name a newer namespace with a
	 * reused inode: it counts only while a recorded process vouches. */
	if (r == 0 && !b->ns.id) {
		r = open_recorded_ns(&outer);
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
	b->fd = open_base_ns(&outer, &b->pid);
	if (b->fd < 0)
		return err_set(e, b->fd,
			       "this login starts inside the namespace made "
			       "for uid %u, and no process is left in the "
			       "view that one was built from; refusing to "
			       "build %s's view from it",
			       (unsigned)outer.uid, id->user);
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
record_member(const struct identity *id, const char *service,
	      const struct ns_ident *ns, struct mntns_error *e)
{
	struct member_record m = {
		.pid = getpid(),
		.start = start_time_if_needed(ns),
		.ns = *ns,
	};

	snprintf(m.service, sizeof(m.service), "%s", service);
	return member_write(id->uid, &m, e);
}

static int
record_ns(const struct identity *id, enum scope scope, const char *service,
	  const struct ns_ident *ns, const struct base *b,
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

	snprintf(rec.service, sizeof(rec.service), "%s", service);
	return ns_record_write(&rec, e);
}

static int
create_ns(const struct plan *p, const struct identity *id, enum scope scope,
	  const char *service, int cur_fd, struct session_state *st,
	  struct mntns_error *e)
{
	struct apply_result res;
	struct base b;
	int r;

	r = find_base(cur_fd, id, &b, e);
	if (r < 0)
		return r;
	r = apply_plan(p, b.fd, &res, e);
	closep(&b.fd);
	if (r < 0)
		return r;
	st->ns = res.ns;
	st->mounts = res.mounts;
	if (scope == SCOPE_USER) {
		r = user_current_swap(id->uid, &res.ns, e);
		if (r == 0)
			r = record_member(id, service, &res.ns, e);
		if (r < 0)
			return r;
	}
	r = record_ns(id, scope, service, &res.ns, &b, e);
	if (r < 0 && scope == SCOPE_USER)
		member_remove(id->uid, getpid());
	return r;
}

struct candidate {
	struct ns_ident ns;
	int fd;
};

static int
take_first(const struct member_record *m, int nsfd, void *ctx)
{
	struct candidate *c = ctx;

	c->fd = fcntl(nsfd, F_DUPFD_CLOEXEC, 3);
	if (c->fd < 0)
		return -errno;
	c->ns = m->ns;
	return 1;
}

/* scope=user: join the user's live namespace, or make it. */
static int
open_user_scope(const struct plan *p, const struct identity *id,
		const char *service, int cur_fd, struct session_state *st,
		struct mntns_error *e)
{
	_cleanup_(closep) int lock = -1;
	struct candidate c = {.fd = -1};
	int r;

	lock = user_lock(id->uid, e);
	if (lock < 0)
		return lock;
	r = members_each(id->uid, take_first, &c);
	if (r < 0)
		return err_set(e, r, "cannot read the sessions of %s: %s",
			       id->user, strerror(-r));
	if (c.fd < 0)
		return create_ns(p, id, SCOPE_USER, service, cur_fd, st, e);
	r = apply_join(c.fd, &c.ns, e);
	close(c.fd);
	if (r == 0)
		r = record_member(id, service, &c.ns, e);
	st->ns = c.ns;
	st->joined = true;
	return r;
}

int
session_open(const struct plan *p, const struct identity *id, enum scope scope,
	     const char *service, struct session_state *st,
	     struct mntns_error *e)
{
	struct ns_saved saved = NS_SAVED_INIT;
	int r;

	memset(st, 0, sizeof(*st));
	st->scope = scope;
	st->uid = id->uid;
	st->pid = getpid();
	r = ns_save(&saved, e);
	if (r == 0)
		r = scope == SCOPE_USER
			    ? open_user_scope(p, id, service, saved.ns, st, e)
			    : create_ns(p, id, scope, service, saved.ns, st, e);
	if (r < 0 && saved.ns >= 0)
		r = ns_restore(&saved, r, e);
	ns_saved_close(&saved);
	return r;
}

struct same_ns {
	const struct ns_ident *ns;
	pid_t self;
	bool found;
};

static int
other_member(const struct member_record *m, int nsfd, void *ctx)
{
	struct same_ns *s = ctx;

	(void)nsfd;
	if (m->pid == s->self || !ns_ident_equal(&m->ns, s->ns))
		return 0;
	s->found = true;
	return 1;
}

int
session_close(const struct session_state *st)
{
	_cleanup_(closep) int lock = -1;
	struct same_ns s = {.ns = &st->ns, .self = st->pid};

	if (st->scope == SCOPE_SESSION)
		return ns_record_remove(&st->ns);
	lock = user_lock(st->uid, NULL);
	if (lock < 0)
		return lock;
	member_remove(st->uid, st->pid);
	members_each(st->uid, other_member, &s);
	/* The last session of the namespace: nobody may join it again. */
	if (!s.found)
		ns_record_remove(&st->ns);
	return 0;
}
