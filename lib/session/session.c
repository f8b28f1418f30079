/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One login's namespace, from its base view to its records: which view
 * a new one is built from, joining for scope=user, pinning on kernels
 * without namespace IDs, what close removes.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "mount/apply.h"
#include "plan/fingerprint.h"
#include "session/base.h"
#include "session/pin.h"
#include "session/session.h"
#include "session/switch.h"
#include "session/vouch.h"

/* One opening of a session: its handles. */
struct opening {
	const struct session_args *a;
	struct registry_hold run; /* the record directory, in the base view */
	struct vouch v;
	struct ns_saved saved; /* where the caller was */
	struct base b;
	char pinned[NS_KEY_MAX]; /* the pin this login made, if any */
	int lock; /* users/UID, locked by the opening (user_lock()), or -1 */
};

void
session_state_close(struct session_state *st)
{
	closep(&st->base_fd);
	closep(&st->run.fd);
	st->base_fd = st->run.fd = -1;
}

/* The view the login is built from: where the caller is, or, in a
 * namespace of the module, the one that was built from. */
static int
base_fd(const struct opening *l)
{
	return l->b.fd >= 0 ? l->b.fd : l->saved.ns;
}

/*
 * Into the base view before anything else: records, locks and pins are
 * opened there, the namespace to join or build from is found there.
 */
static int
enter_base(struct opening *l, struct mntns_error *e)
{
	struct registry_hold h = {.fd = -1};
	int r = ns_join(l->b.fd, &l->b.ns, e);

	if (r == 0)
		r = registry_open_held(&h, e);
	if (r < 0)
		return err_fatal(e, r);
	closep(&l->run.fd);
	l->run = h;
	return 0;
}

static uint64_t
start_time_if_needed(const struct ns_ident *ns)
{
	static pid_t pid;
	static uint64_t t;

	/* Without kernel namespace IDs a PID must also match its start;
	 * read once per process (a login's two records both name it). */
	if (ns->id)
		return 0;
	if (pid != self_pid()) {
		pid = self_pid();
		if (proc_start_time(pid, &t) < 0)
			t = 0;
	}
	return t;
}

static int
record_session(int run, const struct identity *id, const char *service,
	       const struct ns_ident *ns, struct mntns_error *e)
{
	struct session_record m = {
		.pid = self_pid(),
		.start = start_time_if_needed(ns),
		.ns = *ns,
	};

	snprintf(m.service, sizeof(m.service), "%s", service);
	return session_record_write(run, id->uid, &m, e);
}

static int
record_ns(const struct opening *l, const struct ns_ident *ns,
	  struct mntns_error *e)
{
	const struct session_args *a = l->a;
	struct ns_record rec = {
		.ns = *ns,
		.scope = a->scope,
		.uid = a->id->uid,
		.pid = self_pid(),
		.start = start_time_if_needed(ns),
		.base = l->b.ns,
		.base_pid = l->b.pid ? l->b.pid : getppid(),
	};

	_cleanup_(freep) char *text = plan_text(a->plan);

	rec.voucher = rec.pid;
	rec.vstart = rec.start;
	snprintf(rec.service, sizeof(rec.service), "%s", a->service);
	/* What it was built from, for list and show (without: unknown). */
	if (text) {
		rec.plan = plan_fingerprint(text);
		plan_text_keep(l->run.fd, rec.plan, text);
	}
	return ns_record_write(l->run.fd, &rec, e);
}

static int
count_ns(const struct ns_record *r, const struct ns_proof *p, void *ctx)
{
	(void)r;
	(void)p;
	++*(unsigned *)ctx;
	return 0;
}

/* -EUSERS when @n namespaces are as many as max_namespaces=@max allows. */
static int
cap_reached(const char *user, unsigned n, unsigned max, struct mntns_error *e)
{
	if (!max || n < max)
		return 0;
	return err_set(e, -EUSERS,
		       "%s already has %u mount namespaces, the most "
		       "max_namespaces=%u allows; pam_mntns_helper list shows "
		       "them and the processes left in them",
		       user, n, max);
}

/*
 * A user's namespaces that exist are capped: each holds a copy of the
 * host's mount table in kernel memory, and its records a little of /run.
 * Counting (under the user's lock, with the creation that follows)
 * prunes the records of namespaces that are gone, also without a cap
 * (max 0): a closed session may leave its record for the next reader
 * (vouch_leave()), and this is where the user's go.
 */
static int
check_cap(struct opening *l, struct mntns_error *e)
{
	const struct identity *id = l->a->id;
	unsigned n = 0, max = l->a->max_namespaces;
	int r = -EOPNOTSUPP;

	if (l->b.ns.id)
		r = user_ns_count_by_id(l->run.fd, l->lock, id->uid, &n);
	if (r == -EOPNOTSUPP) {
		n = 0;
		r = vouch_each(&l->v, id->uid, count_ns, &n);
	}
	if (r < 0)
		return err_set(e, r, "cannot read the namespaces of %s: %s",
			       id->user, strerror(-r));
	return cap_reached(id->user, n, max, e);
}

/* The view was reset by setns(2): root and working directory of @u. */
struct place {
	int root, cwd;
};

static int
place_back(const struct place *p)
{
	return fchdir(p->root) < 0 || chroot(".") < 0 || fchdir(p->cwd) < 0
		       ? -errno
		       : 0;
}

/*
 * Kernels without namespace IDs: the new namespace @u is pinned from the
 * base view, where the next login and the helper find it (pin.h).  A pin
 * that cannot be made leaves a namespace that cannot linger: no login
 * joins it and enter does not take it, but the session goes on.  The
 * caller comes back with the root and working directory it had in @u.
 */
static int
pin_new_ns(struct opening *l, int u, const struct ns_ident *ns,
	   struct session_state *st, struct mntns_error *e)
{
	struct place here = {open("/", O_PATH | O_DIRECTORY | O_CLOEXEC),
			     open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)};
	int made = -EBADF, r = 0;

	ns_key(ns, l->pinned);
	if (here.root >= 0 && here.cwd >= 0 && l->v.pins >= 0 &&
	    setns(base_fd(l), CLONE_NEWNS) == 0) {
		made = pin_make(l->v.pins, u, l->pinned);
		if (setns(u, CLONE_NEWNS) < 0 || place_back(&here) < 0)
			r = err_set(e, -errno,
				    "cannot return to the new namespace after "
				    "pinning it: %s",
				    strerror(errno));
	}
	closep(&here.root);
	closep(&here.cwd);
	if (made < 0)
		l->pinned[0] = '\0';
	if (r == 0 && made == 0)
		st->base_fd = fcntl(base_fd(l), F_DUPFD_CLOEXEC, 3);
	return r;
}

static int
build_ns(struct opening *l, struct session_state *st, struct mntns_error *e)
{
	const struct session_args *a = l->a;
	_cleanup_(closep) int u = -1, cwd = -1;
	int r;

	/* The pins are opened while this is still the base view. */
	if (!l->b.ns.id)
		vouch_pins(&l->v, NULL);
	/* The base's inode, which base_find() left out, goes into the mark
	 * and the record: a walk of /proc for the base compares it. */
	ns_add_inode_of(base_fd(l), &l->b.ns);
	r = apply_new_ns(a->id->uid, e);
	/* The caller's working directory as unshare(2) moved it into the
	 * new namespace: the mark and the mounts leave it, and come back. */
	if (r == 0 && (cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		r = err_set(e, -errno, "cannot start applying: %s",
			    strerror(errno));
	if (r == 0)
		r = view_mark(l->run.fd, &l->b.ns, e);
	if (r == 0)
		r = apply_entries(a->plan, &st->mounts, cwd, e);
	if (r < 0)
		return r;
	/* With IDs, from the root mount (nothing opened; the inode names it
	 * in messages and for nsenter); without, the pin needs the file. */
	if (l->b.ns.id && self_ns_ident(&st->ns) == 0 && st->ns.id) {
		ns_add_inode(&st->ns);
		return 0;
	}
	u = self_ns_open();
	r = u < 0 ? -errno : ns_ident_of(u, &st->ns);
	if (r < 0)
		return err_set(e, r, "cannot open the new namespace: %s",
			       strerror(-r));
	return st->ns.id ? 0 : pin_new_ns(l, u, &st->ns, st, e);
}

static int
create_ns(struct opening *l, struct session_state *st, struct mntns_error *e)
{
	const struct session_args *a = l->a;
	int r;

	r = check_cap(l, e);
	if (r == 0)
		r = build_ns(l, st, e);
	if (r < 0)
		return r;
	if (a->scope == SCOPE_USER) {
		r = user_current_write(l->run.fd, a->id->uid, &st->ns,
				       self_pid(), e);
		if (r == 0)
			r = record_session(l->run.fd, a->id, a->service,
					   &st->ns, e);
		if (r < 0)
			return r;
	}
	r = record_ns(l, &st->ns, e);
	if (r < 0 && a->scope == SCOPE_USER)
		session_record_remove(l->run.fd, a->id->uid, self_pid());
	return r;
}

/*
 * The user's scope=user namespace if a session or a process of that user
 * is still in it (a detached tmux, a nohup job), proven to be the one
 * recorded; else -ESRCH.
 */
static int
open_current(struct opening *l, uid_t uid, struct ns_ident *ns)
{
	struct ns_record rec;
	struct ns_proof p;
	pid_t maker = 0;
	int r;

	r = user_current_read(l->run.fd, uid, ns, &maker);
	/* The session that made it, still open in it, is the proof that
	 * vouch_ns() tries first; with an ID it needs no other record.
	 * Found closed, vouch_ns() does not ask again. */
	if (r == 0 && maker > 0 && ns->id) {
		int fd = vouch_session(l->run.fd, uid, ns, maker);

		if (fd >= 0)
			return fd;
		l->v.asked = maker;
	}
	if (r == 0)
		r = ns_record_read(l->run.fd, ns, &rec);
	if (r == 0 && rec.uid != uid)
		r = -ESRCH;
	if (r == -ENOENT || r == -EINVAL)
		return -ESRCH;
	if (r == 0)
		r = vouch_ns(&l->v, &rec, uid, 0, &p);
	if (r < 0)
		return r;
	*ns = rec.ns;
	return p.fd >= 0 ? p.fd : -ESRCH;
}

/* scope=user: join the user's live namespace, or make it. */
static int
open_user_scope(struct opening *l, struct session_state *st,
		struct mntns_error *e)
{
	const struct identity *id = l->a->id;
	_cleanup_(closep) int lock = -1, fd = -ESRCH;
	struct ns_ident ns = {0, 0}, seen;
	int r;

	/* With kernel IDs a live namespace is joined without the lock: the
	 * lock keeps two first logins from making two namespaces, and the
	 * last session out from dropping a pin a join still needs; an ID
	 * names one namespace for good, and has no pin.  What the proof
	 * found alive, the fd keeps. */
	if (l->b.ns.id)
		fd = open_current(l, id->uid, &ns);
	if (fd == -ESRCH) {
		seen = ns;
		lock = user_lock(l->run.fd, id->uid, e);
		if (lock < 0)
			return lock;
		l->lock = lock;
		/* A namespace the kernel says is gone stays gone (an ID is
		 * never reused): not proven again unless another replaced it.
		 * One not found live may have been caught between two
		 * writers, or may have gained a process: proven again. */
		ns = (struct ns_ident){0, 0};
		if (!seen.id ||
		    user_current_read(l->run.fd, id->uid, &ns, NULL) < 0 ||
		    !ns_ident_equal(&ns, &seen) || ns_exists(&seen) != 0)
			fd = open_current(l, id->uid, &ns);
	}
	if (fd == -ESRCH)
		return create_ns(l, st, e);
	if (fd < 0)
		return err_set(e, fd, "cannot read the namespace of %s: %s",
			       id->user, strerror(-fd));
	/* Still where the caller was, unless it went to its base view. */
	r = ns_join_from(fd, &ns, l->b.fd < 0 ? &l->saved : NULL, e);
	if (r == 0)
		r = record_session(l->run.fd, id, l->a->service, &ns, e);
	st->ns = ns;
	st->joined = true;
	/* The last session to leave drops the pin. */
	if (r == 0 && !ns.id)
		st->base_fd = fcntl(base_fd(l), F_DUPFD_CLOEXEC, 3);
	return r;
}

/* scope=session: under the user's lock when capped, so that logins made
 * at the same moment cannot pass the cap together. */
static int
open_session_scope(struct opening *l, struct session_state *st,
		   struct mntns_error *e)
{
	_cleanup_(closep) int lock = -1;

	if (l->a->max_namespaces) {
		lock = user_lock(l->run.fd, l->a->id->uid, e);
		if (lock < 0)
			return lock;
		l->lock = lock;
	}
	return create_ns(l, st, e);
}

/*
 * All or nothing: a pin this login made goes (from the base view, where
 * it is), and the caller goes back to its namespace, root and cwd.
 */
static int
undo(struct opening *l, int err, struct mntns_error *e)
{
	if (l->pinned[0] && setns(base_fd(l), CLONE_NEWNS) == 0) {
		pin_drop(l->v.pins, l->pinned);
		/* Back in the caller's own namespace (the login was built
		 * from it), where ns_restore() sees nothing to undo: setns(2)
		 * reset root and cwd, which go back here. */
		if (l->b.fd < 0 && place_back(&(struct place){
					   l->saved.root, l->saved.cwd}) < 0)
			return err_set(e, -ENOTRECOVERABLE,
				       "cannot return to the original root "
				       "and working directory: %s",
				       strerror(errno));
	}
	return l->saved.ns >= 0 ? ns_restore(&l->saved, err, e) : err;
}

static int
session_open_held(const struct session_args *a, struct session_state *st,
		  struct mntns_error *e)
{
	struct opening l = {.a = a,
			    .saved = NS_SAVED_INIT,
			    .b = {.fd = -1},
			    .v = {.pins = -1},
			    .lock = -1};
	int r;

	*st = (struct session_state)SESSION_STATE_INIT;
	st->scope = a->scope;
	st->uid = a->id->uid;
	st->pid = self_pid();
	/* Opened in the caller's view, before any switch; kept for close. */
	r = registry_open_held(&l.run, e);
	if (r < 0)
		return r;
	r = ns_save(&l.saved, e);
	if (r == 0)
		r = base_find(l.run.fd, l.saved.ns, &l.b, a->id->user, e);
	if (r == 0 && l.b.fd >= 0)
		r = enter_base(&l, e);
	/* From here on this is the base view: proofs are made here. */
	l.v = (struct vouch)VOUCH_INIT(l.run.fd, l.b.ns);
	/* Without namespace IDs the pins prove; a caller that cannot see
	 * them through its root (chrooted) joins nothing and pins nothing:
	 * it is refused, as any join from a chroot is. */
	if (r == 0 && !l.b.ns.id && vouch_pins(&l.v, NULL) == -EXDEV)
		r = refuse_chrooted(e);
	if (r == 0)
		r = a->scope == SCOPE_USER ? open_user_scope(&l, st, e)
					   : open_session_scope(&l, st, e);
	if (r < 0)
		r = undo(&l, r, e);
	if (r < 0)
		session_state_close(st);
	if (r == 0) {
		st->run = l.run;
		l.run.fd = -1;
	}
	vouch_close(&l.v);
	ns_saved_close(&l.saved);
	closep(&l.b.fd);
	closep(&l.run.fd);
	return r;
}

int
session_open(const struct session_args *a, struct session_state *st,
	     struct mntns_error *e)
{
	int r;

	self_pid_hold();
	r = session_open_held(a, st, e);
	self_pid_release();
	return r;
}

int
session_outlook(const struct session_args *a, struct session_outlook *o,
		struct mntns_error *e)
{
	struct opening l = {.a = a, .b = {.fd = -1}};
	struct ns_ident here = {0, 0};
	int fd, r = 0;

	memset(o, 0, sizeof(*o));
	l.run.fd = registry_open(false, e);
	if (l.run.fd == -ENOENT)
		return 0; /* nothing was ever recorded */
	if (l.run.fd < 0)
		return l.run.fd;
	/* Pins are seen only from the view they live in: this one. */
	if (self_ns_ident(&here) == 0)
		ns_add_inode(&here);
	l.v = (struct vouch)VOUCH_INIT(l.run.fd, here);
	fd = a->scope == SCOPE_USER ? open_current(&l, a->id->uid, &o->current)
				    : -ESRCH;
	if (fd >= 0) {
		o->joins = true;
		close(fd);
	} else if (fd != -ESRCH) {
		r = err_set(e, fd, "cannot read the namespace of %s: %s",
			    a->id->user, strerror(-fd));
	} else {
		r = vouch_each(&l.v, a->id->uid, count_ns, &o->namespaces);
		r = r < 0 ? err_set(e, r,
				    "cannot read the namespaces of %s: %s",
				    a->id->user, strerror(-r))
			  : cap_reached(a->id->user, o->namespaces,
					a->max_namespaces, e);
	}
	vouch_close(&l.v);
	closep(&l.run.fd);
	return r;
}

/*
 * Kernels without namespace IDs: the last session out drops the pin,
 * from the base view its state kept, and comes back.
 */
static void
drop_pin_from_inside(const struct session_state *st)
{
	struct place here = {open("/", O_PATH | O_DIRECTORY | O_CLOEXEC),
			     open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)};
	_cleanup_(closep) int u = self_ns_open(), run = -1, pins = -1;
	char key[NS_KEY_MAX];

	ns_key(&st->ns, key);
	if (u >= 0 && here.root >= 0 && here.cwd >= 0 &&
	    setns(st->base_fd, CLONE_NEWNS) == 0) {
		run = registry_open(false, NULL);
		pins = run < 0 ? -1
			       : openat(run, "pins",
					O_PATH | O_DIRECTORY | O_NOFOLLOW |
						O_CLOEXEC);
		if (pins >= 0)
			pin_drop(pins, key);
		if (setns(u, CLONE_NEWNS) == 0)
			place_back(&here);
	}
	closep(&here.root);
	closep(&here.cwd);
}

int
session_close(const struct session_state *st, bool tell)
{
	_cleanup_(closep) int opened = -1, lock = -1;
	struct ns_record rec;
	enum leave left;
	int run, r;

	/* With an ID the record stays (vouch_leave()): no pin to drop, no
	 * walk, and so no lock; scope=user drops its session's record. */
	if (st->ns.id && !tell && st->scope != SCOPE_USER)
		return LEAVE_DEFERRED;
	/* The directory open found, unless its fd was taken from us. */
	run = registry_still(&st->run) ? st->run.fd
				       : (opened = registry_open(false, NULL));
	if (run < 0)
		return run;
	if (st->ns.id && !tell) {
		session_record_remove(run, st->uid, st->pid);
		return LEAVE_DEFERRED;
	}
	if (st->scope == SCOPE_USER) {
		lock = user_lock(run, st->uid, NULL);
		if (lock < 0)
			return lock;
		session_record_remove(run, st->uid, st->pid);
	}
	r = ns_record_read(run, &st->ns, &rec);
	if (r < 0)
		return r;
	/* Kept while a detached tmux or a nohup job lives in it. */
	left = vouch_leave(run, &rec, st->pid);
	if (left == LEAVE_UNPIN && st->base_fd >= 0)
		drop_pin_from_inside(st);
	return (int)left;
}
