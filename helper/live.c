/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The namespaces the module made that still exist (live.h): the records,
 * proven, and one walk of /proc for the processes in them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helper.h"
#include "live.h"
#include "plan/ident.h"

void
live_free(struct live *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->ns[i].s);
		closep(&l->ns[i].fd);
	}
	free(l->ns);
	free(l->held);
	memset(l, 0, sizeof(*l));
}

static int
add_session(struct live_ns *ns, pid_t pid, const char *svc,
	    struct timespec created)
{
	struct live_session *grown;

	grown = reallocarray(ns->s, ns->n + 1, sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	ns->s = grown;
	grown[ns->n].pid = pid;
	snprintf(grown[ns->n].service, sizeof(grown[ns->n].service), "%s", svc);
	grown[ns->n++].created = created;
	return 0;
}

static int
collect_session(const struct session_record *m, int nsfd, void *ctx)
{
	struct live_ns *ns = ctx;

	(void)nsfd;
	if (!ns_ident_equal(&m->ns, &ns->rec.ns))
		return 0;
	return add_session(ns, m->pid, m->service, m->created);
}

/*
 * scope=user: the sessions are those of its session records; else the
 * creator, while it lives.  A namespace whose sessions all ended lingers
 * while processes are left in it.
 */
static int
collect_sessions(int run, struct live_ns *ns, const struct ns_proof *p)
{
	const struct ns_record *r = &ns->rec;
	struct ns_ident cur;

	if (r->scope == SCOPE_USER) {
		ns->retired = user_current_read(run, r->uid, &cur, NULL) < 0 ||
			      !ns_ident_equal(&cur, &r->ns);
		return vouch_sessions(run, r->uid, collect_session, ns);
	}
	/* vouch_ns() tried the creator first. */
	if (!p->creator)
		return 0;
	return add_session(ns, r->pid, r->service, r->created);
}

static int
collect_ns(const struct ns_record *r, const struct ns_proof *p, void *ctx)
{
	struct live *l = ctx;
	struct live_ns *grown, *ns;
	struct ns_ident live;
	int err;

	if (l->only != (uid_t)-1 && r->uid != l->only)
		return 0;
	grown = reallocarray(l->ns, l->n + 1, sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	l->ns = grown;
	ns = &grown[l->n++];
	memset(ns, 0, sizeof(*ns));
	ns->rec = *r;
	ns->life = p->life;
	ns->pinned = p->pinned;
	ns->proven = p->fd >= 0;
	ns->fd = -1;
	uid_name(r->uid, ns->user, sizeof(ns->user));
	/* Records name a namespace by its ID; lsns(8) shows its inode. */
	if (p->fd >= 0) {
		err = ns_ident_of(p->fd, &live);
		if (err < 0)
			return err;
		ns->rec.ns.ino = live.ino;
	}
	if (l->keep_fd && p->fd >= 0) {
		ns->fd = fcntl(p->fd, F_DUPFD_CLOEXEC, 3);
		if (ns->fd < 0)
			return -errno;
	}
	return collect_sessions(l->run, ns, p);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Counts @pid's descriptors of mount namespaces not in @inuse. */
static size_t
held_by(int procfd, const char *pid, const uint64_t *inuse, size_t n)
{
	char path[64];
	struct dirent *de;
	size_t count = 0;
	uint64_t ino;
	DIR *d;

	snprintf(path, sizeof(path), "%s/fd", pid);
	d = opendir_at(procfd, path);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' &&
		    (ino = ns_link_ino(dirfd(d), de->d_name)) &&
		    !bsearch(&ino, inuse, n, sizeof(*inuse), cmp_u64))
			count++;
	closedir(d);
	return count;
}

/*
 * One walk of /proc: how many processes are in each listed namespace,
 * then which processes hold descriptors of mount namespaces that no
 * process is in (a /proc/PID/ns/mnt file passed elsewhere): the kernel
 * still counts those against the uid that made them.
 */
static int
count_procs(struct live *l)
{
	uint64_t *inuse = NULL, *grown, ino;
	struct held *more;
	size_t n = 0, i, count;
	struct dirent *de;
	struct stat st;
	pid_t pid;
	DIR *d = opendir("/proc");
	int r = 0;

	while (d && r == 0 && (de = readdir(d))) {
		if (!pid_parse(de->d_name, NULL))
			continue;
		/* A process whose leader has exited counts by its threads. */
		if (!(ino = proc_ns_ino(dirfd(d), de->d_name)))
			continue;
		for (i = 0; i < l->n; i++)
			if (l->ns[i].rec.ns.ino == ino)
				l->ns[i].procs++;
		grown = reallocarray(inuse, n + 1, sizeof(*inuse));
		if (!grown)
			r = -ENOMEM;
		else
			(inuse = grown)[n++] = ino;
	}
	if (n > 1)
		qsort(inuse, n, sizeof(*inuse), cmp_u64);
	if (d)
		rewinddir(d);
	while (d && r == 0 && (de = readdir(d))) {
		if (!pid_parse(de->d_name, &pid) ||
		    !(count = held_by(dirfd(d), de->d_name, inuse, n)) ||
		    fstatat(dirfd(d), de->d_name, &st, 0) < 0)
			continue;
		more = reallocarray(l->held, l->nheld + 1, sizeof(*more));
		if (!more) {
			r = -ENOMEM;
			break;
		}
		l->held = more;
		more[l->nheld].pid = pid;
		more[l->nheld].uid = st.st_uid;
		more[l->nheld++].n = count;
	}
	if (d)
		closedir(d);
	free(inuse);
	return r;
}

/* Older first, to the nanosecond: not by PID first, as PIDs wrap. */
static int
cmp_made(const struct timespec *x, pid_t xpid, const struct timespec *y,
	 pid_t ypid)
{
	if (x->tv_sec != y->tv_sec)
		return x->tv_sec < y->tv_sec ? -1 : 1;
	if (x->tv_nsec != y->tv_nsec)
		return x->tv_nsec < y->tv_nsec ? -1 : 1;
	return (xpid > ypid) - (xpid < ypid);
}

static int
cmp_session(const void *a, const void *b)
{
	const struct live_session *x = a, *y = b;

	return cmp_made(&x->created, x->pid, &y->created, y->pid);
}

/* Grouped per user (by uid), oldest first. */
static int
cmp_ns(const void *a, const void *b)
{
	const struct ns_record *x = &((const struct live_ns *)a)->rec;
	const struct ns_record *y = &((const struct live_ns *)b)->rec;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return cmp_made(&x->created, x->pid, &y->created, y->pid);
}

int
live_collect(struct live *l)
{
	size_t i;
	int r;

	struct ns_ident here = {0, 0};
	struct vouch v;

	l->run = registry_open(false, NULL);
	if (l->run == -ENOENT)
		return count_procs(l); /* nothing was ever recorded */
	registry_record_times(true);
	/* Pins are seen (and dropped) only from the view they live in. */
	if (self_ns_ident(&here) == 0)
		ns_add_inode(&here);
	v = (struct vouch)VOUCH_INIT(l->run, here);
	r = l->run < 0 ? l->run : vouch_each(&v, (uid_t)-1, collect_ns, l);
	vouch_close(&v);
	closep(&l->run);
	if (r < 0) {
		fprintf(stderr, PROG ": cannot read %s: %s\n", MNTNS_RUN_DIR,
			strerror(-r));
		return r;
	}
	for (i = 0; i < l->n; i++)
		if (l->ns[i].n > 1)
			qsort(l->ns[i].s, l->ns[i].n, sizeof(*l->ns[i].s),
			      cmp_session);
	/* qsort(NULL, 0, ...) is undefined. */
	if (l->n > 1)
		qsort(l->ns, l->n, sizeof(*l->ns), cmp_ns);
	return count_procs(l);
}

const char *
live_state(const struct live_ns *ns)
{
	if (ns->retired)
		return "retired";
	if (ns->life == NS_HELD)
		return "held";
	return ns->n ? "open" : "lingering";
}

const char *
live_pin(const struct live_ns *ns)
{
	if (ns->rec.ns.id)
		return "-";
	return ns->pinned ? "yes" : "no";
}

int
user_uid(const char *cmd, const char *user, uid_t *uid)
{
	struct identity id;
	char who[64];
	int r = ident_lookup(&id, user, NULL);

	mask_text(who, sizeof(who), user);
	if (r == -ENOENT)
		fprintf(stderr, PROG ": %s: no such user '%s'\n", cmd, who);
	else if (r < 0)
		fprintf(stderr, PROG ": %s: %s: user lookup failed: %s\n", cmd,
			who, strerror(-r));
	*uid = id.uid;
	ident_free(&id);
	return r;
}
