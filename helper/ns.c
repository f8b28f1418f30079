/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * list and enter: the namespaces the module made that still exist, from
 * the records under /run/pam_mntns.  lib/session/vouch.c proves each
 * (by kernel namespace ID, or through its pin) and prunes the records of
 * gone ones, so nothing listed or entered is a dead namespace, a reused
 * PID or one a user put in its place.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <dirent.h>
#include <stdio.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "apply.h"
#include "helper.h"
#include "ident.h"
#include "syscalls.h"
#include "vouch.h"

struct live_session {
	pid_t pid;
	char service[64];
	int64_t created;
};

struct live_ns {
	struct ns_record rec;
	char user[64]; /* the name of rec.uid, for display */
	struct live_session *s;
	size_t n;
	size_t procs; /* processes in it */
	bool retired; /* scope=user, and no longer the user's current one */
	enum ns_life life; /* NS_HELD: no process is in it */
	bool pinned;	   /* held by a pin (kernels without namespace IDs) */
	bool proven;	   /* an fd to it proves which namespace it is */
	int fd;		   /* the namespace, when kept for enter */
};

/* A process holding descriptors of mount namespaces nobody is in. */
struct held {
	pid_t pid;
	uid_t uid;
	size_t n;
};

struct live {
	struct live_ns *ns;
	size_t n;
	struct held *held;
	size_t nheld;
	uid_t only;   /* (uid_t)-1: every user */
	bool keep_fd; /* enter: keep an fd to each namespace */
	int run;
	int err;
};

static void
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
add_session(struct live_ns *ns, pid_t pid, const char *svc, int64_t created)
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
collect_member(const struct member_record *m, int nsfd, void *ctx)
{
	struct live_ns *ns = ctx;

	(void)nsfd;
	if (!ns_ident_equal(&m->ns, &ns->rec.ns))
		return 0;
	return add_session(ns, m->pid, m->service, m->created);
}

/*
 * scope=user: the sessions are the members; else the creator, while it
 * lives.  A namespace whose sessions all ended lingers while processes
 * are left in it.
 */
static int
collect_sessions(int run, struct live_ns *ns, const struct ns_proof *p)
{
	const struct ns_record *r = &ns->rec;
	struct ns_ident cur;

	if (r->scope == SCOPE_USER) {
		ns->retired = user_current_read(run, r->uid, &cur) < 0 ||
			      !ns_ident_equal(&cur, &r->ns);
		return vouch_members(run, r->uid, collect_member, ns);
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
	DIR *d = opendir("/proc");
	int r = 0;

	while (d && r == 0 && (de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
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
		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    !(count = held_by(dirfd(d), de->d_name, inuse, n)) ||
		    fstatat(dirfd(d), de->d_name, &st, 0) < 0)
			continue;
		more = reallocarray(l->held, l->nheld + 1, sizeof(*more));
		if (!more) {
			r = -ENOMEM;
			break;
		}
		l->held = more;
		more[l->nheld].pid = (pid_t)atoi(de->d_name);
		more[l->nheld].uid = st.st_uid;
		more[l->nheld++].n = count;
	}
	if (d)
		closedir(d);
	free(inuse);
	return r;
}

static int
cmp_session(const void *a, const void *b)
{
	const struct live_session *x = a, *y = b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Grouped per user (by uid), oldest first. */
static int
cmp_ns(const void *a, const void *b)
{
	const struct ns_record *x = &((const struct live_ns *)a)->rec;
	const struct ns_record *y = &((const struct live_ns *)b)->rec;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int
collect(struct live *l)
{
	size_t i;
	int r;

	struct ns_ident here = {0, 0};
	struct vouch v;

	l->run = registry_open(false, NULL);
	if (l->run == -ENOENT)
		return count_procs(l); /* nothing was ever recorded */
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

/* "open": a session is open in it; "lingering": only processes are left;
 * "held": no process is, a descriptor or a bind mount keeps it;
 * "retired": a scope=user namespace no new login joins. */
static const char *
ns_state(const struct live_ns *ns)
{
	if (ns->retired)
		return "retired";
	if (ns->life == NS_HELD)
		return "held";
	return ns->n ? "open" : "lingering";
}

/* "yes": held by its pin; "no": a kernel without namespace IDs and no
 * pin, so that nothing proves which namespace it is (no login joins it,
 * enter does not take it); "-": the kernel's ID proves it, no pin. */
static const char *
pin_state(const struct live_ns *ns)
{
	if (ns->rec.ns.id)
		return "-";
	return ns->pinned ? "yes" : "no";
}

/* ---- list ------------------------------------------------------------- */

#define NCOLS 11

static const char *const headers[NCOLS] = {
	"USER",	 "UID", "NS",	   "NSID",    "PIN",   "SCOPE",
	"STATE", "PID", "SERVICE", "CREATED", "PROCS",
};

struct row {
	char c[NCOLS][64];
};

static void
fill_row(struct row *row, const struct live_ns *ns,
	 const struct live_session *s)
{
	const struct ns_record *r = &ns->rec;

	snprintf(row->c[0], 64, "%s", ns->user);
	snprintf(row->c[1], 64, "%u", (unsigned)r->uid);
	snprintf(row->c[2], 64, "mnt:[%" PRIu64 "]", r->ns.ino);
	if (r->ns.id)
		snprintf(row->c[3], 64, "%" PRIu64, r->ns.id);
	else
		snprintf(row->c[3], 64, "-");
	snprintf(row->c[4], 64, "%s", pin_state(ns));
	snprintf(row->c[5], 64, "%s",
		 r->scope == SCOPE_USER ? "user" : "session");
	snprintf(row->c[6], 64, "%s", ns_state(ns));
	/* With no session left, the process that keeps it. */
	if (s)
		snprintf(row->c[7], 64, "%d", (int)s->pid);
	else if (ns->life == NS_HELD)
		snprintf(row->c[7], 64, "-");
	else
		snprintf(row->c[7], 64, "%d", (int)r->voucher);
	mask_text(row->c[8], 64, s ? s->service : "-");
	format_time(s ? s->created : r->created, row->c[9], 64);
	snprintf(row->c[10], 64, "%zu", ns->procs);
}

static void
print_row(const char *const *cells, const size_t *w)
{
	int i;

	for (i = 0; i < NCOLS - 1; i++)
		printf("%-*s  ", (int)w[i], cells[i]);
	printf("%s\n", cells[NCOLS - 1]);
}

static int
print_table(const struct row *rows, size_t n)
{
	const char *cells[NCOLS];
	size_t w[NCOLS], i;
	int c;

	for (c = 0; c < NCOLS; c++) {
		w[c] = strlen(headers[c]);
		for (i = 0; i < n; i++)
			if (strlen(rows[i].c[c]) > w[c])
				w[c] = strlen(rows[i].c[c]);
	}
	print_row(headers, w);
	for (i = 0; i < n; i++) {
		for (c = 0; c < NCOLS; c++)
			cells[c] = rows[i].c[c];
		print_row(cells, w);
	}
	return 0;
}

/* One row per session; a namespace whose sessions all left shows one. */
static int
list_text(const struct live *l)
{
	struct row *rows = NULL, *grown;
	size_t i, k, n = 0;
	char who[64];

	for (i = 0; i < l->n; i++) {
		for (k = 0; k == 0 || k < l->ns[i].n; k++) {
			grown = reallocarray(rows, n + 1, sizeof(*rows));
			if (!grown) {
				free(rows);
				return -ENOMEM;
			}
			rows = grown;
			fill_row(&rows[n++], &l->ns[i],
				 l->ns[i].n ? &l->ns[i].s[k] : NULL);
		}
	}
	if (n > 0)
		print_table(rows, n);
	free(rows);
	for (i = 0; i < l->nheld; i++)
		printf("PID %d (%s) holds %zu mount namespace%s that no "
		       "process "
		       "is in, through open descriptors\n",
		       (int)l->held[i].pid,
		       uid_name(l->held[i].uid, who, sizeof(who)), l->held[i].n,
		       l->held[i].n == 1 ? "" : "s");
	return 0;
}

static void
json_ns(struct json *j, const struct live_ns *ns)
{
	char name[64];
	size_t k;

	snprintf(name, sizeof(name), "mnt:[%" PRIu64 "]", ns->rec.ns.ino);
	json_open(j, NULL, '{');
	json_str(j, "ns", name);
	json_int(j, "ino", (long long)ns->rec.ns.ino);
	json_int(j, "id", (long long)ns->rec.ns.id);
	json_bool(j, "pinned", ns->pinned);
	json_str(j, "scope", ns->rec.scope == SCOPE_USER ? "user" : "session");
	json_str(j, "state", ns_state(ns));
	json_int(j, "created", ns->rec.created);
	json_int(j, "processes", (long long)ns->procs);
	json_int(j, "pid",
		 ns->n		       ? ns->s[0].pid
		 : ns->life == NS_HELD ? 0
				       : ns->rec.voucher);
	json_open(j, "sessions", '[');
	for (k = 0; k < ns->n; k++) {
		json_open(j, NULL, '{');
		json_int(j, "pid", ns->s[k].pid);
		json_str(j, "service", ns->s[k].service);
		json_int(j, "created", ns->s[k].created);
		json_close(j, '}');
	}
	json_close(j, ']');
	json_close(j, '}');
}

static void
json_user_end(struct json *j)
{
	json_close(j, ']');
	json_close(j, '}');
}

/* {"users": [{user, uid, namespaces: [...]}, ...]}, sorted by uid. */
static int
list_json(const struct live *l)
{
	struct json j;
	char who[64];
	size_t i;

	json_begin(&j, stdout);
	json_open(&j, "users", '[');
	for (i = 0; i < l->n; i++) {
		if (i == 0 || l->ns[i].rec.uid != l->ns[i - 1].rec.uid) {
			if (i > 0)
				json_user_end(&j);
			json_open(&j, NULL, '{');
			json_str(&j, "user", l->ns[i].user);
			json_int(&j, "uid", l->ns[i].rec.uid);
			json_open(&j, "namespaces", '[');
		}
		json_ns(&j, &l->ns[i]);
	}
	if (l->n > 0)
		json_user_end(&j);
	json_close(&j, ']');
	json_open(&j, "held", '[');
	for (i = 0; i < l->nheld; i++) {
		json_open(&j, NULL, '{');
		json_int(&j, "pid", l->held[i].pid);
		json_str(&j, "user",
			 uid_name(l->held[i].uid, who, sizeof(who)));
		json_int(&j, "uid", l->held[i].uid);
		json_int(&j, "namespaces", (long long)l->held[i].n);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_end(&j);
	return 0;
}

int
cmd_list(int argc, char **argv)
{
	struct live l = {.only = (uid_t)-1};
	struct opts o;
	int r;

	r = parse_opts(argc, argv, OPT_JSON | OPT_NO_OPERANDS, &o);
	if (r)
		return opts_status(r);
	if (need_root("list"))
		return 1;
	r = collect(&l);
	if (r == 0)
		r = o.json ? list_json(&l) : list_text(&l);
	if (r == -ENOMEM)
		fprintf(stderr, PROG ": list: out of memory\n");
	live_free(&l);
	return r < 0;
}

/* ---- enter ------------------------------------------------------------ */

/* Where enter goes: an fd to the namespace, and what it must be. */
struct dest {
	int fd;
	struct ns_ident ns;
	bool check; /* compare with @ns when joining */
};

static bool
parse_pid(const char *s, pid_t *pid)
{
	char *end;
	long v;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v <= 0 || v > INT_MAX)
		return false;
	*pid = (pid_t)v;
	return true;
}

/* The namespace of @pid, pinned by a pidfd against PID reuse. */
static int
pid_dest(pid_t pid, struct dest *d)
{
	_cleanup_(closep) int pidfd = -1;

	pidfd = sys_pidfd_open(pid, 0);
	d->fd = pidfd < 0 ? -1 : proc_ns_open(pid);
	if (d->fd < 0 || sys_pidfd_send_signal(pidfd, 0, NULL, 0) < 0) {
		closep(&d->fd);
		d->fd = -1;
		fprintf(stderr, PROG ": enter: no process with PID %d\n",
			(int)pid);
		return -ESRCH;
	}
	/* The owner of every mount in a user's own namespace is that user:
	 * a root command there could run that user's programs. */
	if (ns_owned_here(d->fd) < 0) {
		fprintf(stderr,
			PROG ": enter: PID %d is in a mount namespace of "
			     "another user namespace, whose mounts its owner "
			     "controls; refusing to run a command there as "
			     "root\n",
			(int)pid);
		return -EPERM;
	}
	return 0;
}

static void
print_choices(const struct live *l)
{
	char when[64];
	size_t i, k;

	for (i = 0; i < l->n; i++) {
		if (l->ns[i].life != NS_LIVE)
			continue;
		for (k = 0; k < l->ns[i].n; k++) {
			format_time(l->ns[i].s[k].created, when, sizeof(when));
			fprintf(stderr, "  PID %d  mnt:[%" PRIu64 "]  %s  %s\n",
				(int)l->ns[i].s[k].pid, l->ns[i].rec.ns.ino,
				l->ns[i].s[k].service, when);
		}
		if (l->ns[i].n == 0)
			fprintf(stderr, "  PID %d  mnt:[%" PRIu64 "]  %s\n",
				(int)l->ns[i].rec.voucher, l->ns[i].rec.ns.ino,
				ns_state(&l->ns[i]));
	}
}

/* The uid of @user, or -errno with a message. */
static int
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

/* The one live namespace in @l, or a message saying why there is none.
 * A namespace no process is in (held by a descriptor) is not one. */
static int
only_ns(struct live *l, const char *user, struct dest *d)
{
	size_t i, n = 0, k = 0;

	for (i = 0; i < l->n; i++)
		if (l->ns[i].life == NS_LIVE)
			n++, k = i;
	if (n == 0) {
		fprintf(stderr, PROG ": enter: %s has no live namespace\n",
			user);
		return -ESRCH;
	}
	if (n > 1) {
		fprintf(stderr,
			PROG ": enter: %s has %zu live namespaces; "
			     "enter one by PID:\n",
			user, n);
		print_choices(l);
		return -ESRCH;
	}
	if (l->ns[k].fd < 0) {
		fprintf(stderr,
			PROG ": enter: the namespace of %s, mnt:[%" PRIu64
			     "], has no pin: on a kernel without namespace "
			     "IDs nothing else proves that it is the one "
			     "pam_mntns made; enter it by PID if you trust "
			     "that process\n",
			user, l->ns[k].rec.ns.ino);
		return -ESRCH;
	}
	d->fd = steal_fd(&l->ns[k].fd);
	d->ns = l->ns[k].rec.ns;
	d->check = true;
	return 0;
}

static int
user_dest(const char *user, struct dest *d)
{
	struct live l = {.keep_fd = true};
	int r = user_uid("enter", user, &l.only);

	if (r == 0)
		r = collect(&l);
	if (r == 0)
		r = only_ns(&l, user, d);
	live_free(&l);
	return r;
}

static int
join(const struct dest *d)
{
	struct mntns_error e;
	int r;

	if (d->check)
		r = apply_join(d->fd, &d->ns, &e);
	else if ((r = refuse_chrooted(&e)) == 0 &&
		 (r = setns(d->fd, CLONE_NEWNS)) < 0)
		snprintf(e.msg, sizeof(e.msg), "cannot join the namespace: %s",
			 strerror(errno));
	if (r == 0 && chdir("/") < 0) {
		r = -errno;
		snprintf(e.msg, sizeof(e.msg), "chdir /: %s", strerror(errno));
	}
	if (r < 0)
		fprintf(stderr, PROG ": enter: %s\n", e.msg);
	return r;
}

/*
 * The program enter runs, found and opened in the host's view before
 * joining: a PATH lookup or a name resolved inside the user's view could
 * land on a file the user planted there.  Not O_CLOEXEC: a script is
 * read through /dev/fd/N by its interpreter.
 */
struct program {
	int fd;
	char argv0[PATH_MAX];
	char **argv;
	char *shell_argv[2];
};

static int
open_executable(const char *path)
{
	struct stat st;
	int fd = open(path, O_PATH);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    !(st.st_mode & 0111)) {
		close(fd);
		return -EACCES;
	}
	return fd;
}

/* @name as execvp(3) would find it in PATH, but in this view. */
static int
find_in_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *end;
	char file[PATH_MAX];
	int fd, r = -ENOENT;

	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		       "/sbin:/bin";
	for (p = path; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		/* An empty or relative entry would name the cwd. */
		if (*p != '/' ||
		    (size_t)snprintf(file, sizeof(file), "%.*s/%s",
				     (int)(end - p), p, name) >= sizeof(file))
			continue;
		fd = open_executable(file);
		if (fd >= 0)
			return fd;
		if (fd != -ENOENT)
			r = fd;
	}
	return r;
}

/* The command, or the invoking root's shell as a login shell ("-sh"). */
static int
open_program(char **cmd, struct program *pg)
{
	const char *shell = getenv("SHELL"), *what;

	if (cmd[0]) {
		what = cmd[0];
		pg->argv = cmd;
		pg->fd = strchr(what, '/') ? open_executable(what)
					   : find_in_path(what);
	} else {
		if (!shell || shell[0] != '/')
			shell = "/bin/sh";
		what = shell;
		snprintf(pg->argv0, sizeof(pg->argv0), "-%s",
			 strrchr(shell, '/') + 1);
		pg->shell_argv[0] = pg->argv0;
		pg->argv = pg->shell_argv;
		pg->fd = open_executable(shell);
	}
	if (pg->fd >= 0)
		return 0;
	fprintf(stderr, PROG ": enter: cannot run %s: %s\n", what,
		strerror(-pg->fd));
	return pg->fd == -ENOENT ? 127 : 126;
}

static int
exec_program(const struct program *pg)
{
	syscall(SYS_execveat, pg->fd, "", pg->argv, environ, AT_EMPTY_PATH);
	fprintf(stderr, PROG ": enter: cannot run %s: %s\n", pg->argv[0],
		strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

int
cmd_enter(int argc, char **argv)
{
	struct dest d = {.fd = -1};
	struct program pg = {.fd = -1};
	struct mntns_error e;
	struct opts o;
	char **cmd;
	pid_t pid;
	int r;

	r = parse_opts(argc, argv, OPT_IN_ORDER, &o);
	if (r)
		return opts_status(r);
	if (o.argc < 1)
		return misuse("enter: expected USER or PID");
	if (need_root("enter"))
		return 1;
	cmd = o.argv + 1;
	if (cmd[0] && !strcmp(cmd[0], "--"))
		cmd++;
	/* Before anything: from a chroot neither a namespace's pin nor the
	 * way out of the chroot that setns(2) would be are to be had. */
	r = refuse_chrooted(&e);
	if (r < 0) {
		fprintf(stderr, PROG ": enter: %s\n", e.msg);
		return 1;
	}
	r = parse_pid(o.argv[0], &pid) ? pid_dest(pid, &d)
				       : user_dest(o.argv[0], &d);
	if (r == 0 && (r = open_program(cmd, &pg)) > 0) {
		closep(&d.fd);
		return r;
	}
	if (r == 0)
		r = join(&d);
	closep(&d.fd);
	if (r < 0)
		return 1;
	/* Nothing was written to stdout; the command owns it now. */
	fflush(NULL);
	return exec_program(&pg);
}

/* ---- retire ----------------------------------------------------------- */

/*
 * Under the user's lock, so that no login joins the namespace between
 * the read and the removal: the next scope=user login builds a fresh
 * one; processes in the old one keep their view.
 */
static int
retire_user(int run, const char *user)
{
	_cleanup_(closep) int lock = -1;
	char name[NS_NAME_MAX], who[64];
	struct mntns_error e;
	struct ns_ident ns;
	uid_t uid;
	int r;

	mask_text(who, sizeof(who), user);
	r = user_uid("retire", user, &uid);
	if (r < 0)
		return r;
	lock = user_lock(run, uid, &e);
	if (lock < 0) {
		fprintf(stderr, PROG ": retire: %s\n", e.msg);
		return lock;
	}
	r = user_current_read(run, uid, &ns);
	if (r == 0)
		r = user_retire(run, uid);
	if (r == -ENOENT) {
		printf("%s has no scope=user namespace to retire\n", who);
		return 0;
	}
	if (r < 0) {
		fprintf(stderr, PROG ": retire: %s: %s\n", who, strerror(-r));
		return r;
	}
	ns_name(&ns, name);
	printf("%s: retired %s; the next login builds a fresh namespace, "
	       "processes in the old one keep it\n",
	       who, name);
	return 0;
}

int
cmd_retire(int argc, char **argv)
{
	_cleanup_(closep) int run = -1;
	char who[64];
	struct opts o;
	uid_t uid;
	int i, r, failed = 0;

	r = parse_opts(argc, argv, 0, &o);
	if (r)
		return opts_status(r);
	if (o.argc < 1)
		return misuse("retire: expected USER");
	if (need_root("retire"))
		return 1;
	run = registry_open(false, NULL);
	for (i = 0; i < o.argc; i++) {
		if (run == -ENOENT) {
			r = user_uid("retire", o.argv[i], &uid);
			failed |= r < 0;
			if (r == 0)
				printf("%s has no scope=user namespace to "
				       "retire\n",
				       mask_text(who, sizeof(who), o.argv[i]));
			continue;
		}
		if (run < 0) {
			fprintf(stderr, PROG ": retire: cannot open %s: %s\n",
				MNTNS_RUN_DIR, strerror(-run));
			return 1;
		}
		failed |= retire_user(run, o.argv[i]) < 0;
	}
	return failed;
}
