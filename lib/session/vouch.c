/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Proofs about recorded namespaces (vouch.h): which exist, who lives in
 * them, and fds to them that no user could have swapped: by kernel
 * namespace ID, or through root's pin where the kernel has no IDs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "session/pin.h"
#include "session/vouch.h"

void
vouch_close(struct vouch *v)
{
	closep(&v->pins);
	v->pins = -1;
	v->tried = false;
}

int
vouch_pins(struct vouch *v, struct mntns_error *e)
{
	if (!v->tried)
		v->pins = pins_open(v->run, &v->here, e);
	v->tried = true;
	return v->pins;
}

/* ---- scope=user sessions ------------------------------------------------ */

struct session_walk {
	session_fn fn;
	void *ctx;
};

static int
visit_session(int dirfd, const char *name, const struct session_record *m,
	      void *ctx)
{
	struct session_walk *w = ctx;
	int nsfd, r;

	nsfd = open_ns_of(m->pid, &m->ns, m->start);
	if (nsfd == -ESRCH)
		unlinkat(dirfd, name, 0);
	if (nsfd < 0)
		return 0;
	r = w->fn(m, nsfd, w->ctx);
	if (r == SESSION_FD_TAKEN)
		return 1;
	close(nsfd);
	return r;
}

int
vouch_sessions(int run, uid_t uid, session_fn fn, void *ctx)
{
	struct session_walk w = {fn, ctx};

	return session_files_each(run, uid, visit_session, &w);
}

struct session_ns {
	const struct ns_ident *ns;
	pid_t skip;
	pid_t pid;
	int fd;
};

static int
find_session_ns(const struct session_record *m, int nsfd, void *ctx)
{
	struct session_ns *w = ctx;

	if (m->pid == w->skip || !ns_ident_equal(&m->ns, w->ns))
		return 0;
	w->fd = nsfd;
	w->pid = m->pid;
	return SESSION_FD_TAKEN;
}

/* A live scope=user session of @uid in @ns other than @skip: its fd,
 * and its process in *@pid. */
static int
open_session_ns(int run, uid_t uid, const struct ns_ident *ns, pid_t skip,
		pid_t *pid)
{
	struct session_ns w = {ns, skip, 0, -1};

	if (vouch_sessions(run, uid, find_session_ns, &w) < 0 || w.fd < 0)
		return -ESRCH;
	*pid = w.pid;
	return w.fd;
}

/* The session of @pid, if it is one of @uid's, alive in @ns. */
static int
open_one_session_ns(int run, uid_t uid, const struct ns_ident *ns, pid_t pid)
{
	struct session_record m;

	if (pid <= 0 || session_record_read(run, uid, pid, &m) < 0 ||
	    !ns_ident_equal(&m.ns, ns))
		return -ESRCH;
	return open_ns_of(m.pid, &m.ns, m.start);
}

int
vouch_session(int run, uid_t uid, const struct ns_ident *ns, pid_t pid)
{
	/* Only an ID proves which namespace a live task is in. */
	return ns->id ? open_one_session_ns(run, uid, ns, pid) : -ESRCH;
}

/* ---- who lives in a namespace ------------------------------------------ */

/* The task a walk of /proc found in the namespace of @r before. */
static int
open_voucher(const struct ns_record *r, uid_t uid, pid_t skip, pid_t *pid)
{
	if (r->voucher == r->pid || r->voucher == skip)
		return -ESRCH;
	*pid = r->voucher;
	return open_ns_of_user(r->voucher, &r->ns, r->vstart, uid);
}

/*
 * A task in the namespace of @r that the records name (see vouch_ns() for
 * who counts): cheapest first, as joins go through here.  A scope=user
 * namespace: the creator's session, which is often still open (unless
 * the caller found it closed), then the task a walk of /proc found
 * before (a detached tmux, once its sessions have closed); a session of
 * the user's counts without a uid check (it may be root's su).  Then,
 * unless the kernel says the namespace is gone (*@exists 0), the
 * creator's process of another scope, the voucher, any other session.
 * Returns an fd to the namespace (from that task's pidfd or /proc
 * entry), or -ESRCH.
 */
static int
find_named_task(const struct vouch *v, const struct ns_record *r, uid_t uid,
		pid_t skip, struct ns_proof *p, int *exists)
{
	bool user = r->scope == SCOPE_USER;
	pid_t pid = 0;
	int fd = -ESRCH;

	if (user && r->pid != skip && r->pid != v->asked &&
	    (fd = open_one_session_ns(v->run, r->uid, &r->ns, r->pid)) >= 0)
		pid = r->pid;
	if (fd < 0 && user)
		fd = open_voucher(r, uid, skip, &pid);
	if (fd < 0 && exists && r->ns.id && (*exists = ns_exists(&r->ns)) == 0)
		return -ESRCH;
	if (fd == -ESRCH && r->pid != skip && !user) {
		fd = open_ns_of_user(r->pid, &r->ns, r->start, uid);
		p->creator = fd >= 0;
		pid = r->pid;
	}
	if (fd == -ESRCH && !user)
		fd = open_voucher(r, uid, skip, &pid);
	if (fd < 0 && user)
		fd = open_session_ns(v->run, r->uid, &r->ns, skip, &pid);
	p->pid = fd >= 0 ? pid : 0;
	return fd;
}

/*
 * Any task on the host in the namespace of @r, which must be known to be
 * the recorded one (by ID, or held by a pin): a walk of /proc, threads
 * included, from the processes started after its maker.  The task found
 * is written into the record as its voucher.
 */
static int
find_any_task(int run, struct ns_record *r, uid_t uid, pid_t skip,
	      struct ns_proof *p)
{
	const struct proc_search s = {
		.uid = uid, .skip = skip, .after = r->pid};
	uint64_t start = 0;
	pid_t pid = 0;
	int fd;

	fd = ns_find_process(&r->ns, &s, &pid, r->ns.id ? NULL : &start);
	if (fd >= 0 && pid != r->voucher) {
		r->voucher = pid;
		r->vstart = start;
		ns_record_rewrite(run, r);
	}
	p->pid = fd >= 0 ? pid : 0;
	return fd;
}

/* Kernels with namespace IDs: the ID proves, listmount(2) tells death. */
static int
vouch_by_id(struct vouch *v, struct ns_record *r, uid_t uid, pid_t skip,
	    struct ns_proof *p)
{
	int exists = 1;

	/* Not for a namespace the kernel says is gone: the walks of the
	 * sessions and of /proc (a readlink per process on the host). */
	p->fd = find_named_task(v, r, uid, skip, p, &exists);
	if (p->fd == -ESRCH && exists != 0)
		p->fd = find_any_task(v->run, r, uid, skip, p);
	if (p->fd >= 0) {
		p->life = NS_LIVE;
		return 0;
	}
	if (p->fd != -ESRCH)
		return p->fd;
	/* Kept by a descriptor or a bind mount: it exists, so its record
	 * stays and it counts.  When the kernel cannot tell (no listmount),
	 * nobody found in it is as good as gone. */
	p->life = exists > 0 || (exists < 0 && uid != (uid_t)-1) ? NS_HELD
								 : NS_GONE;
	return 0;
}

/*
 * Kernels without IDs: an inode proves nothing once its namespace may be
 * gone, so only a pin does; a task found in a pinned namespace's inode is
 * in that very namespace.
 */
static int
vouch_by_pin(struct vouch *v, struct ns_record *r, uid_t uid, pid_t skip,
	     struct ns_proof *p)
{
	_cleanup_(closep) int pin = -1, task = -1;
	int pins = vouch_pins(v, NULL);
	char key[NS_KEY_MAX];

	ns_key(&r->ns, key);
	pin = pins < 0 ? -ENOENT : pin_open(pins, key, r->ns.ino);
	p->pinned = pin >= 0;
	task = find_named_task(v, r, uid, skip, p, NULL);
	if (task == -ESRCH && p->pinned)
		task = find_any_task(v->run, r, uid, skip, p);
	if (task < 0 && task != -ESRCH)
		return task;
	if (task >= 0) {
		/* Alive; but unpinned, nothing proves which namespace. */
		p->life = NS_LIVE;
		p->fd = steal_fd(&pin);
		return 0;
	}
	/* Unpinned where the pins can be seen: nothing proves it lives. */
	p->life = pins >= 0 ? NS_GONE : NS_HELD;
	if (!p->pinned)
		return 0;
	/* Nobody left: the pin alone keeps it.  Dropped, it is gone for
	 * good (a descriptor may keep it, but no task can enter it again
	 * without privilege). */
	closep(&pin);
	if (uid != (uid_t)-1 || pin_drop(pins, key) < 0)
		p->life = NS_HELD;
	return 0;
}

int
vouch_ns(struct vouch *v, struct ns_record *r, uid_t uid, pid_t skip,
	 struct ns_proof *p)
{
	int rc;

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	rc = r->ns.id ? vouch_by_id(v, r, uid, skip, p)
		      : vouch_by_pin(v, r, uid, skip, p);
	if (rc < 0 || p->life != NS_LIVE || p->fd < 0) {
		closep(&p->fd);
		p->fd = -1;
	}
	return rc;
}

/* ---- walking the records ----------------------------------------------- */

struct ns_walk {
	struct vouch *v;
	proven_fn fn;
	void *ctx;
	bool copies; /* walking users/UID/: copies of ns/KEY */
};

static int
visit_ns(int dirfd, const char *name, const struct ns_record *rec, void *ctx)
{
	struct ns_walk *w = ctx;
	struct ns_record r = *rec, global;
	struct ns_proof p;
	int rc;

	/* A user's copy that ns/KEY no longer matches is stale: without
	 * namespace IDs its key may by now name another user's namespace,
	 * which must neither count for this user nor lose its record. */
	if (w->copies && (ns_record_read(w->v->run, &r.ns, &global) < 0 ||
			  !ns_record_same(&global, &r))) {
		unlinkat(dirfd, name, 0);
		return 0;
	}
	if (vouch_ns(w->v, &r, (uid_t)-1, 0, &p) < 0)
		return 0;
	if (p.life == NS_GONE) {
		ns_record_remove(w->v->run, &r);
		return 0;
	}
	rc = w->fn(&r, &p, w->ctx);
	closep(&p.fd);
	return rc;
}

/*
 * A pin whose namespace has no record (a login that died between the two,
 * or records removed by hand) is found by no login; with no task left
 * in its namespace it goes.
 */
static void
drop_orphan_pins(struct vouch *v)
{
	const struct proc_search anyone = {.uid = (uid_t)-1};
	struct ns_ident ns = {0, 0};
	struct ns_record r;
	struct dirent *de;
	uint64_t ino;
	pid_t pid;
	int pins = vouch_pins(v, NULL), nsfd;
	DIR *d = pins < 0 ? NULL : opendir_at(pins, ".");

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (sscanf(de->d_name, "ino-%" SCNu64, &ino) != 1)
			continue;
		ns.ino = ino;
		if (ns_record_read(v->run, &ns, &r) != -ENOENT)
			continue;
		nsfd = pin_open(pins, de->d_name, ino);
		if (nsfd < 0)
			continue;
		close(nsfd);
		nsfd = ns_find_process(&ns, &anyone, &pid, NULL);
		if (nsfd >= 0)
			close(nsfd);
		else
			pin_drop(pins, de->d_name);
	}
	closedir(d);
}

int
vouch_each(struct vouch *v, uid_t uid, proven_fn fn, void *ctx)
{
	struct ns_walk w = {v, fn, ctx, uid != (uid_t)-1};
	int r;

	if (uid != (uid_t)-1)
		return user_ns_files_each(v->run, uid, visit_ns, &w);
	r = ns_files_each(v->run, visit_ns, &w);
	if (r >= 0)
		drop_orphan_pins(v);
	return r;
}

/* ---- a session leaves -------------------------------------------------- */

enum leave
vouch_leave(int run, struct ns_record *r, pid_t self)
{
	const struct proc_search others = {
		.uid = (uid_t)-1, .skip = self, .after = r->pid};
	uint64_t start = 0;
	pid_t pid = 0;
	int fd;

	/* Only scope=user namespaces have sessions other than their
	 * creator's; a session left keeps the record as it is. */
	if (r->scope == SCOPE_USER &&
	    (fd = open_session_ns(run, r->uid, &r->ns, self, &pid)) >= 0) {
		close(fd);
		return LEAVE_KEPT;
	}
	/* With a kernel namespace ID, which is never reused, whoever reads
	 * the record next can tell whether the namespace is gone (vouch_ns():
	 * listmount(2) in one call, else a walk, which is safe with IDs): the
	 * record stays, a logout costs no walk of /proc, and the walk that
	 * finds a process left behind runs only for a namespace that
	 * outlived its sessions. */
	if (r->ns.id)
		return LEAVE_DEFERRED;
	/* Else the walk runs now, from inside: the caller is in the
	 * namespace, so its inode cannot be reused while the walk runs. */
	fd = ns_find_process(&r->ns, &others, &pid, &start);
	if (fd >= 0) {
		close(fd);
		if (pid != r->voucher) {
			r->voucher = pid;
			r->vstart = start;
			ns_record_rewrite(run, r);
		}
		return LEAVE_KEPT;
	}
	ns_record_remove(run, r);
	return LEAVE_UNPIN;
}

/* ---- the view a namespace was built from -------------------------------- */

/*
 * Without namespace IDs the base's inode could, once the base is gone,
 * name a namespace of the module (where root's sessions run too): a
 * process in the base must be in a view with no mark.
 */
static bool
in_unmarked_view(pid_t pid, void *ctx)
{
	const struct ns_ident *base = ctx;
	struct ns_ident other;

	return base->id || view_base_of(pid, &other) == -ENOENT;
}

int
vouch_base(const struct ns_ident *base, pid_t hint, pid_t *pid)
{
	const pid_t tries[] = {hint, 1};
	const struct proc_search roots = {
		.uid = 0, .accept = in_unmarked_view, .ctx = (void *)base};
	size_t i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(tries); i++) {
		if (tries[i] <= 0 || (i > 0 && tries[i] == hint))
			continue;
		/* Any failure (init's namespace may be unreadable: EACCES
		 * in containers and under some LSM policies) leads on. */
		fd = open_ns_of_user(tries[i], base, 0, 0);
		if (fd >= 0 && in_unmarked_view(tries[i], (void *)base)) {
			*pid = tries[i];
			return fd;
		}
		if (fd >= 0)
			close(fd);
	}
	return ns_find_process(base, &roots, pid, NULL);
}
