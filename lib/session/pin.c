/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pins and view marks under MNTNS_RUN_DIR (see pin.h for why): mounts
 * made by root in root's 0700 directory, which a user can neither make,
 * move nor take away.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "session/pin.h"
#include "session/record.h"
#include "syscalls.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif
#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif

static bool
is_mount_root(int dirfd, const char *name)
{
	struct statx sx;

	return statx(dirfd, name, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, 0,
		     &sx) == 0 &&
	       (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	       (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/* The mount @dirfd is on: pins belong to one, in one view. */
static int
mount_id_of(int dirfd, uint64_t *id)
{
	struct statx sx;

	if (statx(dirfd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0)
		return -errno;
	if (!(sx.stx_mask & STATX_MNT_ID))
		return -EOPNOTSUPP;
	*id = sx.stx_mnt_id;
	return 0;
}

/*
 * Whose pins these are (pins/.view: the view, and the mount the record
 * directory is on there): 0 for this view and mount, -EXDEV for another
 * (a namespace of the module, a copy of this view, or this directory seen
 * through another mount, as from a chroot), -ENOENT when unclaimed.
 */
static int
pins_view(int run, const struct ns_ident *here)
{
	char text[RECORD_MAX];
	struct ns_ident owner;
	uint64_t mnt, have;
	const char *m;
	ssize_t n = readlinkat(run, "pins/.view", text, sizeof(text) - 1);

	if (n < 0)
		return -errno;
	text[n] = '\0';
	m = strstr(text, " m=");
	if (ns_ident_parse(text, &owner) < 0 || !m ||
	    sscanf(m, " m=%" SCNu64, &mnt) != 1 || mount_id_of(run, &have) < 0)
		return -EXDEV;
	return ns_ident_equal(&owner, here) && mnt == have ? 0 : -EXDEV;
}

/*
 * pins/ bound onto itself, private, and claimed for @here, under a lock
 * on the directory: once, and again if something took the mount away
 * (an unmount that propagated from a peer of the mount above it).
 * Private once attached: a mount attached below a shared one is made
 * shared, whatever it was before.
 */
static int
make_pins(int run, const struct ns_ident *here, struct mntns_error *e)
{
	struct sys_mount_attr attr = {.propagation = MS_PRIVATE};
	_cleanup_(closep) int dir = -1, tree = -1;
	char who[96], text[RECORD_MAX];
	uint64_t mnt;
	int r;

	dir = openat(run, "pins",
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return err_set(e, -errno, "cannot open %s/pins: %s",
			       MNTNS_RUN_DIR, strerror(errno));
	r = flock_bounded(dir, LOCK_WAIT_MS);
	if (r == -ETIMEDOUT) {
		lock_holder(dir, who, sizeof(who));
		return err_set(e, r, "cannot lock %s/pins: %s holds it",
			       MNTNS_RUN_DIR, who);
	}
	if (r < 0)
		return err_set(e, r, "cannot lock %s/pins: %s", MNTNS_RUN_DIR,
			       strerror(-r));
	r = pins_view(run, here);
	if (r == -EXDEV)
		return r;
	if (!is_mount_root(run, "pins")) {
		tree = sys_open_tree(run, "pins",
				     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					     AT_SYMLINK_NOFOLLOW);
		if (tree < 0 ||
		    sys_move_mount(tree, "", run, "pins",
				   MOVE_MOUNT_F_EMPTY_PATH) < 0 ||
		    sys_mount_setattr(run, "pins", AT_SYMLINK_NOFOLLOW, &attr) <
			    0)
			return err_set(e, -errno,
				       "cannot make %s/pins a private mount: "
				       "%s",
				       MNTNS_RUN_DIR, strerror(errno));
	}
	if (r == 0)
		return 0;
	ns_ident_format(here, text);
	r = mount_id_of(run, &mnt);
	if (r == 0)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 " m=%" PRIu64, mnt);
	if (r < 0 || symlinkat(text, run, "pins/.view") < 0)
		return err_set(e, r < 0 ? r : -errno,
			       "cannot write %s/pins/.view: %s", MNTNS_RUN_DIR,
			       strerror(r < 0 ? -r : errno));
	return 0;
}

int
pins_open(int run, const struct ns_ident *here, struct mntns_error *e)
{
	int r, fd;

	r = pins_view(run, here);
	if (r == -EXDEV)
		return r;
	if (r < 0 && mkdirat(run, "pins", 0700) < 0 && errno != EEXIST)
		return err_set(e, -errno, "cannot create %s/pins: %s",
			       MNTNS_RUN_DIR, strerror(errno));
	if (r < 0 || !is_mount_root(run, "pins"))
		r = make_pins(run, here, e);
	if (r < 0)
		return r;
	fd = openat(run, "pins", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, -errno, "cannot open %s/pins: %s",
			       MNTNS_RUN_DIR, strerror(errno));
	return fd;
}

/* "/proc/self/fd/N": how mount(2) is given a file already opened. */
static void
fd_path(int fd, char buf[32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
}

static bool
is_mnt_ns(int fd)
{
	return ioctl(fd, NS_GET_NSTYPE) == CLONE_NEWNS;
}

int
pin_make(int pins, int nsfd, const char *key)
{
	_cleanup_(closep) int fd = -1;
	char src[32], dst[32];

	/* A pin file left by a namespace long gone is reused. */
	fd = openat(pins, key, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		    0600);
	if (fd < 0)
		return -errno;
	if (is_mnt_ns(fd))
		return -EEXIST;
	fd_path(nsfd, src);
	fd_path(fd, dst);
	return mount(src, dst, NULL, MS_BIND, NULL) < 0 ? -errno : 0;
}

int
pin_open(int pins, const char *key, uint64_t ino)
{
	_cleanup_(closep) int fd = -1;
	struct stat st;

	fd = openat(pins, key, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	/* Unmounted, it is the empty file the pin was made on. */
	if (!is_mnt_ns(fd))
		return -ENOENT;
	if (fstat(fd, &st) < 0)
		return -errno;
	return (uint64_t)st.st_ino == ino ? steal_fd(&fd) : -ENOENT;
}

int
pin_drop(int pins, const char *key)
{
	_cleanup_(closep) int fd = -1;
	char path[32];
	int r = 0;

	fd = openat(pins, key, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (is_mnt_ns(fd)) {
		fd_path(fd, path);
		/* Detached: this very descriptor still holds the mount. */
		if (umount2(path, MNT_DETACH) < 0)
			r = -errno;
	}
	if (r == 0 && unlinkat(pins, key, 0) < 0 && errno != ENOENT)
		r = -errno;
	return r;
}

/* ---- view marks --------------------------------------------------------- */

static int
read_mark(int dirfd, const char *name, struct ns_ident *base)
{
	char text[RECORD_MAX];
	ssize_t n = readlinkat(dirfd, name, text, sizeof(text) - 1);

	if (n < 0)
		return -errno;
	text[n] = '\0';
	return ns_ident_parse(text, base);
}

int
view_base(int run, struct ns_ident *base)
{
	/* One call: view/ is root's 0700 directory, its mark root's. */
	return read_mark(run, "view/base", base);
}

int
view_base_of(pid_t pid, struct ns_ident *base)
{
	struct sys_open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
			   RESOLVE_BENEATH,
	};
	_cleanup_(closep) int root = -1, view = -1;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
	root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	/* The walk from that root crosses that view's mounts. */
	snprintf(path, sizeof(path), "%s/view", &MNTNS_RUN_DIR[1]);
	view = sys_openat2(root, path, &how);
	if (view < 0)
		return -errno;
	return read_mark(view, "base", base);
}

/*
 * bases/KEY with its "base" link, made under another name and renamed
 * into place, so that no login ever binds a half-made one (a view whose
 * mark has no "base" would pass for the host's).
 */
static int
make_base_dir(int run, const char *dir, const struct ns_ident *base,
	      struct mntns_error *e)
{
	char tmp[64], link[80], text[RECORD_MAX];

	snprintf(tmp, sizeof(tmp), "bases/.new-%d", (int)self_pid());
	snprintf(link, sizeof(link), "%s/base", tmp);
	ns_ident_format(base, text);
	if ((mkdirat(run, "view", 0700) < 0 && errno != EEXIST) ||
	    (mkdirat(run, "bases", 0700) < 0 && errno != EEXIST) ||
	    (mkdirat(run, tmp, 0700) < 0 && errno != EEXIST) ||
	    (symlinkat(text, run, link) < 0 && errno != EEXIST))
		return err_set(e, -errno, "cannot create %s/%s: %s",
			       MNTNS_RUN_DIR, tmp, strerror(errno));
	if (renameat(run, tmp, run, dir) == 0)
		return 0;
	/* Another login made it first: the same text. */
	unlinkat(run, link, 0);
	unlinkat(run, tmp, AT_REMOVEDIR);
	return errno == EEXIST || errno == ENOTEMPTY
		       ? 0
		       : err_set(e, -errno, "cannot create %s/%s: %s",
				 MNTNS_RUN_DIR, dir, strerror(errno));
}

int
view_mark(int run, const struct ns_ident *base, struct mntns_error *e)
{
	_cleanup_(closep) int here = -1;
	char key[NS_KEY_MAX], dir[NS_KEY_MAX + 8];
	int r;

	ns_key(base, key);
	snprintf(dir, sizeof(dir), "bases/%s", key);
	/* The directory in this view (a mount needs both ends here), as
	 * the working directory: both names below are its entries, which
	 * only root can make or rename. */
	here = open_nofollow(MNTNS_RUN_DIR, O_PATH | O_DIRECTORY, 0);
	if (here < 0)
		return err_set(e, -errno, "%s: %s", MNTNS_RUN_DIR,
			       open_strerror(errno));
	if (fchdir(here) < 0)
		return err_set(e, -errno, "cannot mark the new namespace: %s",
			       strerror(errno));
	r = mount(dir, "view", NULL, MS_BIND, NULL) < 0 ? -errno : 0;
	if (r == -ENOENT) {
		r = make_base_dir(run, dir, base, e);
		if (r < 0)
			return r;
		r = mount(dir, "view", NULL, MS_BIND, NULL) < 0 ? -errno : 0;
	}
	if (r < 0)
		return err_set(e, r, "cannot mark the new namespace: %s",
			       strerror(-r));
	return 0;
}
