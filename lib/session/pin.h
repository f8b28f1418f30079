/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Two things the module leaves in the kernel that no user process can
 * move, remove or recreate, under MNTNS_RUN_DIR:
 *
 * Pins (kernels without namespace IDs).  There a namespace is known by
 * its inode number, which the kernel reuses once the namespace is gone,
 * and a process that vouched for it can leave it (unshare -Urm keeps its
 * PID and start time).  So every namespace the module makes is pinned:
 * its namespace file is bind-mounted on pins/KEY, in the view it was
 * built from, as "ip netns" and "unshare --mount=FILE" keep namespaces.
 * A pinned namespace cannot die, so its inode cannot name another while
 * the pin lasts; the module enters it only through the pin, and drops
 * the pin when no task is left in it.  pins/ is a private mount of
 * itself (a pin under a shared mount would fail to propagate, EINVAL),
 * made in the view namespaces are built from; pins/.view names that view
 * and the mount /run/pam_mntns is on there, so that pins are used only
 * where they can be seen (not from a copy of the view, nor through
 * another mount of the directory, as from a chroot), and the mount of
 * pins/ is made again when an unmount propagated from a peer took it.
 *
 * View marks (every kernel).  In every namespace it makes, the module
 * binds bases/KEY onto view/, where bases/KEY/base names the view the
 * namespace was built from.  So a login started inside a namespace of
 * the module (or inside a copy of one, unshare -m from there) knows it,
 * and where the host's view is, even when the records are gone; the
 * host's own view/ is empty.
 */
#ifndef MNTNS_PIN_H
#define MNTNS_PIN_H

#include <stdint.h>
#include <sys/types.h>

#include "session/nsid.h"
#include "util.h"

/*
 * An fd (O_PATH) to the pins directory of @run, made a private mount of
 * itself first if it is not a mount yet, in the current view, @here.
 * Pins live in one view, the one namespaces are built from (pins/.view
 * names it); from any other (a copy of it, a namespace of the module)
 * they cannot be seen, made or dropped: -EXDEV.
 */
int pins_open(int run, const struct ns_ident *here, struct mntns_error *e);

/* Pins the mount namespace @nsfd as @key; 0 or -errno. */
int pin_make(int pins, int nsfd, const char *key);

/*
 * The namespace pinned as @key: an fd (O_CLOEXEC), after checking that it
 * is a mount namespace with inode @ino; -ENOENT when there is no pin.
 */
int pin_open(int pins, const char *key, uint64_t ino);

/* Drops the pin @key (the namespace dies with its last reference). */
int pin_drop(int pins, const char *key);

/*
 * The view @run was opened in: 0 with the view it was built from in
 * @base when it is a namespace of the module or a copy of one, -ENOENT
 * when it is not, or another -errno.
 */
int view_base(int run, struct ns_ident *base);

/* The same for the view process @pid is in (its root). */
int view_base_of(pid_t pid, struct ns_ident *base);

/*
 * Marks the current view, a namespace just made from @base (before any
 * mount of the plan): @run is the record directory.  Leaves the working
 * directory in the record directory of this view: the caller goes back
 * to its own.
 */
int view_mark(int run, const struct ns_ident *base, struct mntns_error *e);

#endif
