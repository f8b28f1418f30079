/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Every path is resolved once, from "/", refusing symlinks anywhere in it
 * (openat2 RESOLVE_NO_SYMLINKS); everything after that works on the file
 * descriptor: fstat to check, mkdirat/fchown/fchmod to create, mounts on
 * /proc/self/fd/N or through open_tree/move_mount.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "apply.h"
#include "resolve.h"
#include "target.h"

#define TMPFS_DATA_MAX 512

/*
 * unshare(CLONE_THREAD) and setns(CLONE_NEWNS) refuse (EINVAL) a process
 * with more than one thread: a namespace switch would cover only the
 * calling thread.  That refusal is the check; this says why.
 */
static int
switch_error(const char *what, struct mntns_error *e)
{
	int err = errno;
	struct stat st;

	/* procfs counts a task directory's links as 2 + its threads. */
	if (err == EINVAL && stat("/proc/self/task", &st) == 0 &&
	    st.st_nlink > 3)
		return err_set(e, -EBUSY,
			       "the calling process has %ld threads; a mount "
			       "namespace can only be set up for a "
			       "single-threaded process",
			       (long)st.st_nlink - 2);
	return err_set(e, -err, "%s: %s", what, strerror(err));
}

/*
 * Mounts on the directory @fd, checked before: made the working
 * directory and named ".", which costs less than a /proc/self/fd walk.
 * The caller puts the working directory back.
 */
static int
mount_on(int fd, const char *type, unsigned long flags, const char *data)
{
	if (fchdir(fd) < 0)
		return -errno;
	return mount("pam_mntns", ".", type, flags, data) < 0 ? -errno : 0;
}

/* One entry of the plan on its way to the kernel. */
struct step {
	int sfd; /* mounted from: source, instance, hidden node */
	int tfd; /* the TARGET, once opened */
	struct stat tst;
	enum target_type want; /* what TARGET must be */
	int parent;	       /* nearest earlier entry holding this TARGET */
};

static void
steps_free(struct step *s, size_t n)
{
	while (n-- > 0) {
		closep(&s[n].sfd);
		closep(&s[n].tfd);
	}
	free(s);
}

static bool
is_below(const char *parent, const char *path)
{
	size_t n = strlen(parent);

	return !strncmp(parent, path, n) && path[n] == '/';
}

/* Sorted parents first, so the nearest parent is the last one before. */
static int
nearest_parent(const struct plan *p, size_t i)
{
	size_t j;

	for (j = i; j-- > 0;)
		if (is_below(p->entries[j].target, p->entries[i].target))
			return (int)j;
	return -1;
}

static int
mount_tmpfs(const struct plan_entry *pe, const struct step *s,
	    struct mntns_error *e)
{
	char data[TMPFS_DATA_MAX];
	bool own = pe->mode >= 0;
	int n, r;

	n = snprintf(data, sizeof(data), "%s%smode=%04o,uid=%u,gid=%u",
		     pe->fsdata ? pe->fsdata : "", pe->fsdata ? "," : "",
		     own ? (unsigned)pe->mode
			 : (unsigned)(s->tst.st_mode & 07777),
		     own ? (unsigned)pe->uid : (unsigned)s->tst.st_uid,
		     own ? (unsigned)pe->gid : (unsigned)s->tst.st_gid);
	if (n < 0 || (size_t)n >= sizeof(data))
		return err_set(e, -E2BIG, "target %s: tmpfs options too long",
			       pe->target);
	r = mount_on(s->tfd, "tmpfs", pe->ms_set, data);
	if (r < 0)
		return err_set(e, r, "cannot mount tmpfs on %s: %s", pe->target,
			       strerror(-r));
	return 0;
}

/* An empty, read-only tmpfs no one may enter, for a hidden directory. */
static int
mount_hidden_dir(const struct plan_entry *pe, int tfd, struct mntns_error *e)
{
	int r = mount_on(tfd, "tmpfs",
			 MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			 "mode=0000,uid=0,gid=0,size=4k");

	if (r < 0)
		return err_set(e, r, "cannot hide %s: %s", pe->target,
			       strerror(-r));
	return 0;
}

static unsigned long
ms_to_attr(unsigned long ms)
{
	return ((ms & MS_RDONLY) ? MOUNT_ATTR_RDONLY : 0) |
	       ((ms & MS_NOSUID) ? MOUNT_ATTR_NOSUID : 0) |
	       ((ms & MS_NODEV) ? MOUNT_ATTR_NODEV : 0) |
	       ((ms & MS_NOEXEC) ? MOUNT_ATTR_NOEXEC : 0);
}

/*
 * Clones the tree at @from (recursively), sets flags on the whole clone
 * (other flags are kept: nosuid, nodev, noexec are never dropped) and
 * attaches it on @to.
 */
static int
bind_tree(int from, int to, unsigned long set, unsigned long clr,
	  const char *what, struct mntns_error *e)
{
	_cleanup_(closep) int tree = -1;
	struct mount_attr attr = {.attr_set = set, .attr_clr = clr};

	tree = open_tree(from, "",
			 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
				 AT_RECURSIVE);
	if (tree < 0)
		return err_set(e, -errno, "cannot clone %s: %s", what,
			       strerror(errno));
	if ((set || clr) &&
	    mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
			  sizeof(attr)) < 0)
		return err_set(e, -errno, "cannot set flags on %s: %s", what,
			       strerror(errno));
	if (move_mount(tree, "", to, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return err_set(e, -errno, "cannot mount %s: %s", what,
			       strerror(errno));
	return 0;
}

static int
mount_step(const struct plan_entry *pe, const struct step *s,
	   struct mntns_error *e)
{
	const unsigned long hidden = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
				     MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;

	switch (pe->method) {
	case METHOD_TMPFS:
		return mount_tmpfs(pe, s, e);
	case METHOD_BIND:
		return bind_tree(s->sfd, s->tfd, ms_to_attr(pe->ms_set),
				 ms_to_attr(pe->ms_clr), pe->source, e);
	case METHOD_RO:
		return bind_tree(s->tfd, s->tfd,
				 MOUNT_ATTR_RDONLY | ms_to_attr(pe->ms_set),
				 ms_to_attr(pe->ms_clr), pe->target, e);
	case METHOD_HIDE:
		if (S_ISDIR(s->tst.st_mode))
			return mount_hidden_dir(pe, s->tfd, e);
		return bind_tree(s->sfd, s->tfd, hidden, 0, pe->target, e);
	case METHOD_NONE:
		break;
	}
	return err_set(e, -EINVAL, "%s: nothing to mount", pe->target);
}

static int
open_source(const struct plan_entry *pe, struct step *s, struct mntns_error *e)
{
	struct stat st;

	s->sfd = resolve("source", pe->source, 0, &st, e);
	if (s->sfd < 0)
		return s->sfd;
	if (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)) {
		s->want = S_ISDIR(st.st_mode) ? TARGET_DIR : TARGET_FILE;
		return 0;
	}
	return err_set(e, -EINVAL,
		       "source %s is a %s; only directories and regular "
		       "files can be bound",
		       pe->source, type_name(st.st_mode));
}

/*
 * A new instance is owned and moded like TARGET (when TARGET is there
 * before any mount; else like what the plan would create, root 0755),
 * or by the user with mode=.
 */
static int
open_step_instance(const struct plan_entry *pe, struct step *s,
		   struct mntns_error *e)
{
	bool own = pe->mode >= 0, known = s->tfd >= 0;

	s->sfd = open_instance(pe,
			       own     ? pe->uid
			       : known ? s->tst.st_uid
				       : 0,
			       own     ? pe->gid
			       : known ? s->tst.st_gid
				       : 0,
			       own     ? (mode_t)pe->mode
			       : known ? s->tst.st_mode & 07777
				       : 0755,
			       e);
	return s->sfd < 0 ? s->sfd : 0;
}

/*
 * Phase one, before any mount: open every SOURCE and instance, and every
 * TARGET that no earlier entry covers, so that a source may come from
 * under a path the plan covers and a bad path fails before anything is
 * mounted.
 */
static int
prepare_step(const struct plan *p, size_t i, struct step *s,
	     struct mntns_error *e)
{
	const struct plan_entry *pe = &p->entries[i];
	int r = 0;

	s->parent = nearest_parent(p, i);
	s->want = pe->method == METHOD_TMPFS || pe->instance ? TARGET_DIR
							     : TARGET_ANY;
	if (pe->method == METHOD_BIND && !pe->instance)
		r = open_source(pe, s, e);
	else if (pe->method == METHOD_HIDE)
		s->sfd = r = inaccessible_node(e);
	if (r < 0)
		return r;
	if (s->parent < 0) {
		s->tfd = open_target(pe, s->want, &s->tst, e);
		if (s->tfd < 0)
			return s->tfd;
	}
	return pe->instance ? open_step_instance(pe, s, e) : 0;
}

/* Phase two: a TARGET below an earlier one, in the view as mounted. */
static int
open_nested_target(const struct plan *p, size_t i, struct step *s,
		   struct mntns_error *e)
{
	const struct plan_entry *pe = &p->entries[i];
	const struct plan_entry *up = &p->entries[s->parent];
	int fd, r;

	fd = resolve("target", pe->target, 0, &s->tst, e);
	if (fd == -ENOENT && up->method == METHOD_TMPFS &&
	    s->want != TARGET_ANY)
		return create_in_tmpfs(up->target, pe, s->want, &s->tst, e);
	if (fd == -ENOENT)
		return open_target(pe, s->want, &s->tst, e);
	if (fd < 0)
		return fd;
	r = check_target_type(pe, &s->tst, s->want, e);
	if (r < 0)
		close(fd);
	return r < 0 ? r : fd;
}

static int
apply_entries(const struct plan *p, struct apply_result *res,
	      struct mntns_error *e)
{
	struct step *steps = calloc(p->n, sizeof(*steps));
	_cleanup_(closep) int here = -1;
	size_t i, n = 0;
	int r = 0;

	/* The working directory in the new namespace, to come back to. */
	here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (!steps || here < 0) {
		r = here < 0 ? -errno : -ENOMEM;
		free(steps);
		return err_set(e, r, "cannot start applying: %s", strerror(-r));
	}
	for (; r == 0 && n < p->n; n++) {
		steps[n].sfd = steps[n].tfd = -1;
		r = prepare_step(p, n, &steps[n], e);
	}
	for (i = 0; r == 0 && i < p->n; i++) {
		if (steps[i].tfd < 0) {
			steps[i].tfd = open_nested_target(p, i, &steps[i], e);
			r = steps[i].tfd < 0 ? steps[i].tfd : 0;
		}
		if (r == 0)
			r = mount_step(&p->entries[i], &steps[i], e);
		res->mounts += r == 0;
	}
	steps_free(steps, n);
	if (r == 0 && fchdir(here) < 0)
		r = err_set(e, -errno,
			    "cannot return to the working "
			    "directory: %s",
			    strerror(errno));
	return r;
}

static int
self_ns(struct ns_ident *out, struct mntns_error *e)
{
	int r = self_ns_ident(out);

	if (r < 0)
		return err_set(e, r,
			       "cannot open the current mount namespace: %s",
			       strerror(-r));
	return 0;
}

int
ns_save(struct ns_saved *s, struct mntns_error *e)
{
	s->ns = self_ns_open();
	if (s->ns < 0)
		return err_set(e, -errno,
			       "cannot open the current mount namespace: %s",
			       strerror(errno));
	s->root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	s->cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->root < 0 || s->cwd < 0)
		return err_set(e, -errno, "cannot save root and cwd: %s",
			       strerror(errno));
	return 0;
}

void
ns_saved_close(struct ns_saved *s)
{
	closep(&s->ns);
	closep(&s->root);
	closep(&s->cwd);
	s->ns = s->root = s->cwd = -1;
}

int
ns_restore(struct ns_saved *s, int err, struct mntns_error *e)
{
	struct ns_ident old, cur;
	char msg[sizeof(e->msg)];

	/* Failed before any switch (say, threads): nothing to undo. */
	if (ns_ident_of(s->ns, &old) == 0 && self_ns(&cur, NULL) == 0 &&
	    ns_ident_equal(&old, &cur))
		return err;
	if (setns(s->ns, CLONE_NEWNS) == 0 && fchdir(s->root) == 0 &&
	    chroot(".") == 0 && fchdir(s->cwd) == 0)
		return err;
	snprintf(msg, sizeof(msg), "%s", e ? e->msg : "");
	return err_set(e, -ENOTRECOVERABLE,
		       "%s; then returning to the original namespace "
		       "failed: %s",
		       msg, strerror(errno));
}

static int
enter_new_ns(int base_fd, struct mntns_error *e)
{
	if (base_fd >= 0 && setns(base_fd, CLONE_NEWNS) < 0)
		return switch_error("cannot enter the namespace to build from",
				    e);
	if (unshare(CLONE_NEWNS | CLONE_THREAD) < 0)
		return switch_error("unshare(CLONE_NEWNS)", e);
	/* Before anything else: host mounts flow in, nothing flows out. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return err_set(e, -errno, "cannot make / a recursive slave: %s",
			       strerror(errno));
	return 0;
}

int
apply_plan(const struct plan *p, int base_fd, struct apply_result *res,
	   struct mntns_error *e)
{
	int r;

	memset(res, 0, sizeof(*res));
	r = enter_new_ns(base_fd, e);
	if (r == 0)
		r = apply_entries(p, res, e);
	if (r == 0)
		r = self_ns(&res->ns, e);
	return r;
}

int
apply_join(int nsfd, const struct ns_ident *expect, struct mntns_error *e)
{
	struct ns_ident got;
	int r;

	/* Checked on the fd before, and on ourselves after. */
	r = ns_ident_of(nsfd, &got);
	if (r < 0 || !ns_ident_equal(&got, expect))
		return err_set(e, -ESTALE, "the namespace to join changed");
	if (setns(nsfd, CLONE_NEWNS) < 0)
		return switch_error("cannot join the namespace", e);
	r = self_ns(&got, e);
	if (r == 0 && !ns_ident_equal(&got, expect))
		r = err_set(e, -ESTALE,
			    "joined a namespace other than the "
			    "one recorded");
	return r;
}
