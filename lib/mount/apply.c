/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The namespace switch and the login's walk (lib/mount/walk.c) run against the
 * system.  Every path is resolved once, from "/", refusing symlinks
 * anywhere in it (openat2 RESOLVE_NO_SYMLINKS); everything after that
 * works on the file descriptor: fstat to check, mkdirat/fchown/fchmod to
 * create, mounts on the fd or through open_tree/move_mount.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mount/apply.h"
#include "mount/resolve.h"
#include "syscalls.h"
#include "mount/target.h"
#include "mount/walk.h"

#define TMPFS_DATA_MAX 512

/*
 * unshare(CLONE_THREAD) and setns(CLONE_NEWNS) refuse (EINVAL) a process
 * with more than one thread: a namespace switch would cover only the
 * calling thread.  That refusal is the check; this says why.
 */
int
ns_switch_error(const char *what, struct mntns_error *e)
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

int
mount_on(int fd, const char *type, unsigned long flags, const char *data)
{
	if (fchdir(fd) < 0)
		return -errno;
	return mount("pam_mntns", ".", type, flags, data) < 0 ? -errno : 0;
}

/* The module's side of the walk: what it opened, per entry. */
struct run {
	const struct plan *p;
	int *sfd; /* mounted from: source, instance, hide node */
	int *tfd; /* the TARGET, once opened */
	size_t mounts;
};

/* Keeps @fd in @slot: 0, or the error it is. */
static int
keep(int *slot, int fd)
{
	*slot = fd;
	return fd < 0 ? fd : 0;
}

static int
mount_tmpfs(const struct plan_entry *pe, int tfd, const struct stat *tst,
	    unsigned long set, struct mntns_error *e)
{
	struct stat root = fresh_root(pe, tst);
	char data[TMPFS_DATA_MAX];
	int r;

	r = tmpfs_data(pe, &root, data, sizeof(data), e);
	if (r < 0)
		return r;
	r = mount_on(tfd, "tmpfs", set, data);
	return r < 0 ? tmpfs_mount_error(pe, r, e) : 0;
}

/* An empty, read-only tmpfs no one may enter, for a hidden directory. */
static int
mount_hidden_dir(const struct plan_entry *pe, int tfd, unsigned long set,
		 struct mntns_error *e)
{
	int r = mount_on(tfd, "tmpfs", set, "mode=0000,uid=0,gid=0,size=4k");

	if (r < 0)
		return err_set(e, r, "cannot hide %s: %s", pe->target,
			       strerror(-r));
	return 0;
}

/*
 * Clones the tree at @from (recursively), sets flags on the whole clone
 * (other flags are kept: nosuid, nodev, noexec are never dropped), makes
 * it private when @private (see mount_private()) and attaches it on @to.
 */
static int
bind_tree(int from, int to, unsigned long set, unsigned long clr, bool private,
	  const char *what, struct mntns_error *e)
{
	_cleanup_(closep) int tree = -1;
	struct sys_mount_attr attr = {.attr_set = set,
				      .attr_clr = clr,
				      .propagation = private ? MS_PRIVATE : 0};

	tree = sys_open_tree(from, "",
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				     AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return err_set(e, -errno, "cannot clone %s: %s", what,
			       sys_strerror(errno, "open_tree", "5.2"));
	if ((set || clr || private) &&
	    sys_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) <
		    0)
		return err_set(e, -errno, "cannot set flags on %s: %s", what,
			       sys_strerror(errno, "mount_setattr", "5.12"));
	if (sys_move_mount(tree, "", to, "",
			   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return err_set(e, -errno, "cannot mount %s: %s", what,
			       sys_strerror(errno, "move_mount", "5.2"));
	return 0;
}

static int
run_mount(void *ctx, size_t i, const struct walk_step *s, struct mntns_error *e)
{
	struct run *x = ctx;
	const struct plan_entry *pe = &x->p->entries[i];
	int sfd = x->sfd[i], tfd = x->tfd[i], r = -EINVAL;
	unsigned long set, clr;
	bool priv = mount_private(pe);

	mount_flags(pe, &set, &clr);
	if (pe->method == METHOD_TMPFS)
		r = mount_tmpfs(pe, tfd, &s->tst, set, e);
	else if (pe->method == METHOD_BIND)
		r = bind_tree(sfd, tfd, ms_to_attr(set), ms_to_attr(clr), priv,
			      pe->source, e);
	else if (pe->method == METHOD_RO)
		r = bind_tree(tfd, tfd, ms_to_attr(set), ms_to_attr(clr), priv,
			      pe->target, e);
	else if (pe->method == METHOD_HIDE && S_ISDIR(s->tst.st_mode))
		r = mount_hidden_dir(pe, tfd, set, e);
	else if (pe->method == METHOD_HIDE)
		r = bind_tree(sfd, tfd, ms_to_attr(set), 0, priv, pe->target,
			      e);
	else
		return err_set(e, r, "%s: nothing to mount", pe->target);
	x->mounts += r == 0;
	return r;
}

static int
run_source(void *ctx, size_t i, struct walk_step *s, struct mntns_error *e)
{
	struct run *x = ctx;

	return keep(&x->sfd[i],
		    resolve("source", x->p->entries[i].source, 0, &s->sst, e));
}

static int
run_hide_node(void *ctx, size_t i, struct mntns_error *e)
{
	struct run *x = ctx;

	return keep(&x->sfd[i], hide_node(e));
}

static int
run_lookup(void *ctx, size_t i, size_t k, struct walk_step *s,
	   struct mntns_error *e)
{
	struct run *x = ctx;

	(void)k; /* the view is the one mounted so far */
	return keep(&x->tfd[i],
		    resolve("target", x->p->entries[i].target, 0, &s->tst, e));
}

static int
run_user_dir(void *ctx, size_t i, size_t k, struct walk_step *s,
	     struct mntns_error *e)
{
	struct run *x = ctx;

	(void)k;
	return keep(&x->tfd[i],
		    create_user_target(&x->p->entries[i], &s->tst, e));
}

static int
run_in_tmpfs(void *ctx, size_t i, struct walk_step *s, struct mntns_error *e)
{
	struct run *x = ctx;
	const struct plan_entry *up = &x->p->entries[s->parent];

	return keep(&x->tfd[i], create_in_tmpfs(up->target, &x->p->entries[i],
						s->want, &s->tst, e));
}

static int
run_instance(void *ctx, size_t i, const struct stat *fresh,
	     struct mntns_error *e)
{
	struct run *x = ctx;

	return keep(&x->sfd[i],
		    open_instance(&x->p->entries[i], fresh->st_uid,
				  fresh->st_gid, fresh->st_mode & 07777, e));
}

static int
run_refuse(void *ctx, size_t i, int rc, struct mntns_error *e)
{
	(void)ctx;
	(void)i;
	(void)e;
	return rc;
}

/* In the order of struct walk_ops. */
static const struct walk_ops run_ops = {
	run_source,   run_hide_node, run_lookup, run_user_dir,
	run_in_tmpfs, run_instance,  run_mount,	 run_refuse};

static void
run_free(struct run *x, struct walk_step *steps)
{
	size_t n;

	for (n = x->p->n; x->sfd && n-- > 0;) {
		closep(&x->sfd[n]);
		closep(&x->tfd[n]);
	}
	free(x->sfd);
	free(steps);
}

int
apply_entries(const struct plan *p, size_t *mounts, int back,
	      struct mntns_error *e)
{
	size_t i, n = p->n ? p->n : 1;
	struct walk_step *steps = calloc(n, sizeof(*steps));
	struct run x = {.p = p, .sfd = malloc(2 * n * sizeof(int))};
	_cleanup_(closep) int here = -1;
	int r;

	for (i = 0; x.sfd && i < 2 * n; i++)
		x.sfd[i] = -1;
	x.tfd = x.sfd ? x.sfd + n : NULL;
	/* The working directory in the new namespace, to come back to. */
	if (back < 0)
		back = here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (!steps || !x.sfd || back < 0) {
		r = back < 0 ? -errno : -ENOMEM;
		run_free(&x, steps);
		return err_set(e, r, "cannot start applying: %s", strerror(-r));
	}
	r = walk_plan(p, steps, &run_ops, &x, e);
	*mounts = x.mounts;
	run_free(&x, steps);
	if (r == 0 && fchdir(back) < 0)
		r = err_set(e, -errno,
			    "cannot return to the working "
			    "directory: %s",
			    strerror(errno));
	return r;
}

/*
 * The kernel charges a new mount namespace to the effective uid of its
 * maker (user.max_mnt_namespaces counts per uid).  Made with root's, every
 * namespace a user kept alive would count against root's limit, and one
 * user could stop everyone's logins; so the namespace is made with the
 * user's euid and CAP_SYS_ADMIN raised again for the one call.  Only the
 * calling thread's credentials change (the raw system calls; the module
 * runs single-threaded, see ns_switch_error()).
 *
 * The caller is left as it was: the kernel clears the parent-death
 * signal and the dumpable flag on any change of euid, and fills the
 * effective capabilities from the permitted ones on the way back to euid
 * 0; all three are put back.
 */
struct caller_creds {
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct cap[2];
	int dumpable, pdeathsig;
};

static int
creds_save(struct caller_creds *c, struct mntns_error *e)
{
	/* Zeroed first: not every checker (valgrind) knows that capget
	 * fills both halves of version 3. */
	memset(c, 0, sizeof(*c));
	c->hdr = (struct __user_cap_header_struct){_LINUX_CAPABILITY_VERSION_3,
						   0};
	c->dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	if (c->dumpable < 0 ||
	    prctl(PR_GET_PDEATHSIG, (unsigned long)&c->pdeathsig, 0, 0, 0) < 0)
		return err_set(e, -errno,
			       "cannot read the caller's process flags "
			       "(prctl): %s",
			       strerror(errno));
	if (syscall(SYS_capget, &c->hdr, c->cap) < 0)
		return err_set(e, -errno,
			       "cannot read the caller's capabilities "
			       "(capget): %s",
			       strerror(errno));
	return 0;
}

/* Back to euid 0 and the saved flags; -ENOTRECOVERABLE if euid 0 is not
 * back (the caller then keeps the user's euid and no capability). */
static int
creds_restore(const struct caller_creds *c, int err, struct mntns_error *e)
{
	struct __user_cap_header_struct hdr = c->hdr;
	struct __user_cap_data_struct none[2] = {{0, 0, 0}, {0, 0, 0}};
	int saved;

	if (syscall(SYS_setresuid, -1, 0, -1) < 0) {
		saved = errno;
		/* Not even the CAP_SYS_ADMIN raised for unshare is left. */
		none[0].permitted = c->cap[0].permitted;
		none[1].permitted = c->cap[1].permitted;
		none[0].inheritable = c->cap[0].inheritable;
		none[1].inheritable = c->cap[1].inheritable;
		syscall(SYS_capset, &hdr, none);
		return err_set(e, -ENOTRECOVERABLE,
			       "cannot take back root's euid after making the "
			       "namespace (setresuid): %s; the caller keeps "
			       "the user's euid and no effective capability",
			       strerror(saved));
	}
	/* The effective set is now the permitted one: put back the saved
	 * one if it was smaller. */
	if ((c->cap[0].effective != c->cap[0].permitted ||
	     c->cap[1].effective != c->cap[1].permitted) &&
	    syscall(SYS_capset, &hdr, c->cap) < 0 && err == 0)
		err = err_set(e, -errno,
			      "cannot restore the caller's effective "
			      "capabilities (capset): %s",
			      strerror(errno));
	if (c->dumpable >= 0)
		prctl(PR_SET_DUMPABLE, c->dumpable, 0, 0, 0);
	if (c->pdeathsig &&
	    prctl(PR_SET_PDEATHSIG, c->pdeathsig, 0, 0, 0) < 0 && err == 0)
		err = err_set(e, -errno,
			      "cannot restore the caller's parent-death "
			      "signal (prctl): %s",
			      strerror(errno));
	return err;
}

static int
unshare_error(int err, uid_t uid, struct mntns_error *e)
{
	char max[32] = "?";
	FILE *f;

	if (err != ENOSPC) {
		errno = err;
		return ns_switch_error("unshare(CLONE_NEWNS)", e);
	}
	f = fopen("/proc/sys/user/max_mnt_namespaces", "re");
	if (f) {
		if (!fgets(max, sizeof(max), f))
			snprintf(max, sizeof(max), "?");
		max[strcspn(max, "\n")] = '\0';
		fclose(f);
	}
	return err_set(e, -err,
		       "unshare(CLONE_NEWNS): uid %u has as many mount "
		       "namespaces as the kernel allows one user "
		       "(user.max_mnt_namespaces = %s); namespaces kept alive "
		       "by that user's processes or open files count; "
		       "pam_mntns_helper list shows them",
		       (unsigned)uid, max);
}

/* Returns 0, -errno with @e naming the step that failed, or
 * -ENOTRECOVERABLE when root's euid could not come back. */
static int
unshare_charged(uid_t uid, struct mntns_error *e)
{
	struct caller_creds c;
	struct __user_cap_data_struct raised[2];
	int r;

	if (uid == 0 || geteuid() != 0)
		return unshare(CLONE_NEWNS | CLONE_THREAD) < 0
			       ? unshare_error(errno, uid, e)
			       : 0;
	r = creds_save(&c, e);
	if (r < 0)
		return r;
	if (syscall(SYS_setresuid, -1, uid, -1) < 0)
		return err_set(e, -errno,
			       "cannot take uid %u's euid to make the "
			       "namespace (setresuid): %s",
			       (unsigned)uid, strerror(errno));
	/* Leaving euid 0 cleared the effective set; permitted is kept. */
	memcpy(raised, c.cap, sizeof(raised));
	raised[0].effective = 1U << CAP_SYS_ADMIN;
	raised[1].effective = 0;
	if (syscall(SYS_capset, &c.hdr, raised) < 0)
		r = err_set(e, -errno,
			    "cannot raise CAP_SYS_ADMIN with uid %u's euid "
			    "(capset): %s",
			    (unsigned)uid, strerror(errno));
	else if (unshare(CLONE_NEWNS | CLONE_THREAD) < 0)
		r = unshare_error(errno, uid, e);
	return creds_restore(&c, r, e);
}

int
apply_new_ns(uid_t uid, struct mntns_error *e)
{
	int r = unshare_charged(uid, e);

	if (r < 0)
		return r;
	/* Before anything else: host mounts flow in, nothing flows out. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return err_set(e, -errno, "cannot make / a recursive slave: %s",
			       strerror(errno));
	return 0;
}
