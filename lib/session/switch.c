/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Moving the calling process between mount namespaces: saving where it
 * is, going back there, joining another namespace checked to be the one
 * expected, and refusing a chrooted caller, which setns(2) would take
 * out of its chroot.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mount/apply.h"
#include "session/switch.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif

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

/* Where @fd (or "/" for AT_FDCWD) is: its mount and inode. */
static int
root_where(int fd, struct statx *sx, struct mntns_error *e)
{
	if (statx(fd, fd == AT_FDCWD ? "/" : "", AT_EMPTY_PATH,
		  STATX_INO | STATX_MNT_ID, sx) == 0)
		return 0;
	return err_set(e, -errno, "cannot look at the root directory: %s",
		       strerror(errno));
}

static bool
same_place(const struct statx *a, const struct statx *b)
{
	if ((a->stx_mask & b->stx_mask & STATX_MNT_ID) &&
	    a->stx_mnt_id != b->stx_mnt_id)
		return false;
	return a->stx_dev_major == b->stx_dev_major &&
	       a->stx_dev_minor == b->stx_dev_minor && a->stx_ino == b->stx_ino;
}

static int
chrooted_error(struct mntns_error *e)
{
	return err_set(e, -EPERM,
		       "the calling process is chrooted (its "
		       "root is not its mount namespace's "
		       "root); entering a namespace would take "
		       "it out of the chroot: refusing");
}

/*
 * Joining its own namespace moves a process to the namespace's root, as
 * joining any would; a root elsewhere is a chroot.  The root is put back
 * at once; so is the working directory, unless @joins says that a join
 * follows, which sets it anew (the caller puts it back if that fails).
 */
static int
chroot_check(const struct ns_saved *s, bool joins, struct mntns_error *e)
{
	struct statx have, ns_root;
	bool moved;
	int r;

	r = root_where(s->root, &have, e);
	if (r == 0 && setns(s->ns, CLONE_NEWNS) < 0)
		r = ns_switch_error("cannot enter the current namespace", e);
	if (r < 0)
		return r;
	r = root_where(AT_FDCWD, &ns_root, e);
	moved = r < 0 || !same_place(&have, &ns_root);
	if (moved && (fchdir(s->root) < 0 || chroot(".") < 0))
		r = -ENOTRECOVERABLE;
	if ((moved || !joins) && fchdir(s->cwd) < 0)
		r = -ENOTRECOVERABLE;
	if (r == -ENOTRECOVERABLE)
		return err_set(e, r,
			       "cannot return to the root and working "
			       "directory: %s",
			       strerror(errno));
	return r == 0 && moved ? chrooted_error(e) : r;
}

int
refuse_chrooted(struct mntns_error *e)
{
	struct ns_saved s = NS_SAVED_INIT;
	int r;

	r = ns_save(&s, e);
	if (r == 0)
		r = chroot_check(&s, false, e);
	ns_saved_close(&s);
	return r;
}

int
ns_join(int nsfd, const struct ns_ident *expect, struct mntns_error *e)
{
	return ns_join_from(nsfd, expect, NULL, e);
}

int
ns_join_from(int nsfd, const struct ns_ident *expect,
	     const struct ns_saved *here, struct mntns_error *e)
{
	struct ns_ident got;
	int r;

	/* Checked on the fd before (unless just proven), and on ourselves
	 * after. */
	if (!here && !ns_is(nsfd, expect))
		return err_set(e, -ESTALE, "the namespace to join changed");
	/* Only a privileged process makes one that passes: never a user's
	 * own (unshare -Urm), whose mounts that user controls.  A kernel
	 * namespace ID is that check already: the module recorded it from
	 * the namespace it made itself, and no other namespace ever has
	 * it. */
	r = expect->id ? 0 : ns_owned_here(nsfd);
	if (r < 0)
		return err_set(e, r,
			       "the namespace to join belongs to another user "
			       "namespace than this process's: %s; refusing",
			       strerror(-r));
	r = here ? chroot_check(here, true, e) : refuse_chrooted(e);
	if (r < 0)
		return r;
	if (setns(nsfd, CLONE_NEWNS) < 0) {
		r = ns_switch_error("cannot join the namespace", e);
		/* The check left the working directory to the join. */
		if (here && fchdir(here->cwd) < 0)
			r = err_set(e, -ENOTRECOVERABLE,
				    "cannot join the namespace, nor return "
				    "to the working directory: %s",
				    strerror(errno));
		return r;
	}
	/* An fd names one namespace for good: one just proven is where
	 * setns(2) went. */
	if (here)
		return 0;
	r = self_ns(&got, e);
	if (r == 0 && !ns_ident_equal(&got, expect))
		r = err_set(e, -ESTALE,
			    "joined a namespace other than the "
			    "one recorded");
	return r;
}
