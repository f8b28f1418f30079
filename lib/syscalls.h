/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The system calls the C library of the oldest supported hosts has no
 * wrapper for (glibc 2.34, RHEL 9: open_tree, move_mount, mount_setattr,
 * pidfd_open and pidfd_send_signal came in 2.36, openat2 and statmount
 * are in none), made through syscall(2), with the numbers, constants and
 * structures older headers lack.  The wrappers have names of their own,
 * so that a newer glibc's declarations neither collide with them nor get
 * linked in unseen: tests/glibc.sh fails the build's check if the module or the
 * helper needs a symbol newer than GLIBC_2.34.  Every kernel facility
 * newer than Linux 5.14 is defined here too, next to its fallback's note.
 */
#ifndef MNTNS_SYSCALLS_H
#define MNTNS_SYSCALLS_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * Numbers from Linux 5.1 on are the same on every architecture but
 * alpha, ia64 and mips, whose 5.14 headers have all of these but
 * statmount.
 */
#ifndef __NR_open_tree
#define __NR_open_tree 428
#endif
#ifndef __NR_move_mount
#define __NR_move_mount 429
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal 424
#endif
#ifndef __NR_openat2
#define __NR_openat2 437
#endif
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif
#ifndef __NR_statmount
#if defined(__alpha__) || defined(__ia64__) || defined(__mips__)
#error "no statmount(2) number for this architecture"
#endif
#define __NR_statmount 457
#endif
#ifndef __NR_listmount
#define __NR_listmount 458
#endif

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV  0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#endif

/* openat2(2), Linux 5.6: struct open_how and RESOLVE_* of <linux/openat2.h>. */
struct sys_open_how {
	uint64_t flags, mode, resolve;
};
#ifndef RESOLVE_NO_MAGICLINKS
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS   0x04
#endif
#ifndef RESOLVE_BENEATH
#define RESOLVE_BENEATH 0x08
#endif

static inline int
sys_openat2(int dfd, const char *path, const struct sys_open_how *how)
{
	return (int)syscall(__NR_openat2, dfd, path, how, sizeof(*how));
}

/* The mount API, Linux 5.2 (mount_setattr 5.12): struct mount_attr. */
struct sys_mount_attr {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};

static inline int
sys_open_tree(int dfd, const char *path, unsigned int flags)
{
	return (int)syscall(__NR_open_tree, dfd, path, flags);
}

static inline int
sys_move_mount(int from_dfd, const char *from_path, int to_dfd,
	       const char *to_path, unsigned int flags)
{
	return (int)syscall(__NR_move_mount, from_dfd, from_path, to_dfd,
			    to_path, flags);
}

static inline int
sys_mount_setattr(int dfd, const char *path, unsigned int flags,
		  const struct sys_mount_attr *attr)
{
	return (int)syscall(__NR_mount_setattr, dfd, path, flags, attr,
			    sizeof(*attr));
}

/* pidfds: pidfd_send_signal Linux 5.1, pidfd_open 5.3. */
static inline int
sys_pidfd_open(pid_t pid, unsigned int flags)
{
	return (int)syscall(__NR_pidfd_open, pid, flags);
}

static inline int
sys_pidfd_send_signal(int pidfd, int sig, siginfo_t *info, unsigned int flags)
{
	return (int)syscall(__NR_pidfd_send_signal, pidfd, sig, info, flags);
}

/*
 * Newer than Linux 5.14, each with a fallback (lib/session/nsid.c), which
 * the tests take under tests/lib/oldkernel.c:
 *
 * - NS_GET_MNTNS_ID on a namespace file (6.11): ENOTTY before; the
 *   namespace is then known by its inode.
 * - PIDFD_GET_MNT_NAMESPACE on a pidfd (6.11): ENOTTY before; then
 *   /proc/self/ns/mnt.
 * - PIDFD_GET_INFO on a pidfd (6.13), for the process's real uid:
 *   ENOTTY before; then /proc/PID/status, and a signal 0 through the
 *   pidfd to tell that it was not a reused PID.
 * - statmount(2) (6.8, the namespace ID in its answer since 6.11) of the
 *   root's unique mount ID, statx's STATX_MNT_ID_UNIQUE (6.8): a 5.14
 *   statx leaves that bit out of stx_mask, and ENOSYS or a missing
 *   STATMOUNT_MNT_NS_ID bit in the answer falls back too, so neither
 *   is ever trusted without the other.
 * - listmount(2) (6.8) of another namespace, named by its ID (6.11):
 *   ENOSYS before 6.8 and E2BIG or EINVAL for the longer request before
 *   6.11; whether a namespace still exists is then found by a walk of
 *   /proc.
 */
#ifndef NS_GET_MNTNS_ID
#define NS_GET_MNTNS_ID _IOR(0xb7, 0x5, uint64_t)
#endif
#ifndef PIDFD_GET_MNT_NAMESPACE
#define PIDFD_GET_MNT_NAMESPACE _IO(0xFF, 3)
#endif
/* Its first version (6.13): larger ones came later, and a kernel answers
 * the size asked for. */
struct sys_pidfd_info {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid;
	uint32_t fsuid, fsgid, spare;
};
#define SYS_PIDFD_GET_INFO   _IOWR(0xFF, 11, struct sys_pidfd_info)
#define SYS_PIDFD_INFO_CREDS (1ULL << 1)
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif
#define SYS_STATMOUNT_MNT_NS_ID 0x00000040U

struct sys_mnt_id_req {
	uint32_t size, spare;
	uint64_t mnt_id, param;
};

struct sys_statmount {
	uint32_t size, mnt_opts;
	uint64_t mask;
	uint32_t sb_dev_major, sb_dev_minor;
	uint64_t sb_magic;
	uint32_t sb_flags, fs_type;
	uint64_t mnt_id, mnt_parent_id;
	uint32_t mnt_id_old, mnt_parent_id_old;
	uint64_t mnt_attr, mnt_propagation, mnt_peer_group, mnt_master;
	uint64_t propagate_from;
	uint32_t mnt_root, mnt_point;
	uint64_t mnt_ns_id;
	uint64_t spare[32];
};

/* statmount(2) of mount @mnt_id for @param (STATMOUNT_* bits). */
static inline int
sys_statmount(uint64_t mnt_id, uint64_t param, struct sys_statmount *out)
{
	struct sys_mnt_id_req req = {
		.size = 24, .mnt_id = mnt_id, .param = param};

	memset(out, 0, sizeof(*out));
	return (int)syscall(__NR_statmount, &req, out, sizeof(*out), 0);
}

#define SYS_LSMT_ROOT 0xffffffffffffffffULL

/*
 * listmount(2) of namespace @ns_id, the first mount under its root only:
 * 1 (or 0) while the namespace exists, -1 with errno ENOENT once it has
 * gone.
 */
static inline int
sys_listmount_ns(uint64_t ns_id)
{
	struct {
		struct sys_mnt_id_req req;
		uint64_t mnt_ns_id;
	} r = {{.size = 32, .mnt_id = SYS_LSMT_ROOT}, ns_id};
	uint64_t first;

	return (int)syscall(__NR_listmount, &r, &first, 1, 0);
}

/*
 * strerror(@err), but for ENOSYS the system call @call the kernel lacks
 * and the Linux version that brought it: a raw "Function not
 * implemented" would not tell an administrator what to upgrade.
 */
#define sys_strerror(err, call, version)                                       \
	((err) == ENOSYS ? "the kernel lacks " call "(2), which came in "      \
			   "Linux " version                                    \
			 : strerror(err))

#endif
