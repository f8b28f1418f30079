/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * oldkernel: runs a command as it would run on an older kernel, so that
 * the tests take the fallbacks the code has for kernel facilities newer
 * than the oldest supported one (Linux 5.14, RHEL 9).  Test tool only.
 *
 *   oldkernel [-k VERSION] [--] COMMAND [ARG...]
 *   oldkernel -p
 *
 * A seccomp filter, inherited by every child, answers as that kernel
 * (5.14 unless -k says otherwise, 5.1 at the oldest) would:
 *
 * - ENOSYS for every system call numbered 448 (process_mrelease, 5.15)
 *   or above: statmount, listmount, ... and for each older one the
 *   table below dates after VERSION (mount_setattr for -k 5.11);
 * - ENOTTY for ioctl requests of namespace files from NS_GET_MNTNS_ID
 *   on (6.11 and later) and for every pidfd ioctl
 *   (PIDFD_GET_MNT_NAMESPACE and the rest, 6.11 and later), as a 5.14
 *   nsfs or pidfd answers a request it does not know.
 *
 * What a filter cannot fake: statx(2) still reports STATX_MNT_ID_UNIQUE
 * (6.8), which a 5.14 statx leaves out of its mask.  The code never uses
 * that mount ID but for statmount(2), which fails here (lib/syscalls.h).
 *
 * Nor the order of namespaces.  A kernel refuses to bind-mount the file
 * of a mount namespace into one that is not older (a loop check); before
 * namespace IDs (6.11) "older" is creation order, which pins from the
 * view a namespace was built from always pass.  Newer kernels compare
 * IDs handed out in per-CPU batches, so a namespace made on another CPU
 * may rank as older than its base, and the pin fails (EINVAL) now and
 * then.  The command therefore runs on one CPU, the lowest it may use,
 * the same for every run of oldkernel, where IDs follow creation order
 * again, as on the kernels it stands in for.
 *
 * As root the filter needs no no_new_privs, so set-user-ID programs keep
 * working under it; otherwise no_new_privs is set first.
 *
 * -p prints, for each facility the code uses, "NAME=present" or
 * "NAME=missing" as this process finds it (a test's proof that a filter
 * is in force, or not).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/nsfs.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "syscalls.h"

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "oldkernel: no seccomp architecture for this machine"
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LOW(n) (offsetof(struct seccomp_data, args[n]))
#else
#define ARG_LOW(n) (offsetof(struct seccomp_data, args[n]) + 4)
#endif

#define KV(a, b)     ((a)*256 + (b))
#define FIRST_NEWER  448 /* process_mrelease, Linux 5.15 */
#define NSIO_MNTNSID 0xb705
#define PIDFS_IOCTLS 0xff00

/* System calls from 5.1 on (the same numbers on x86_64 and arm64). */
static const struct {
	unsigned first, last, version;
} calls[] = {
	{424, 427, KV(5, 1)},  /* pidfd_send_signal, io_uring_* */
	{428, 433, KV(5, 2)},  /* open_tree, move_mount, fs* */
	{434, 435, KV(5, 3)},  /* pidfd_open, clone3 */
	{436, 436, KV(5, 9)},  /* close_range */
	{437, 438, KV(5, 6)},  /* openat2, pidfd_getfd */
	{439, 439, KV(5, 8)},  /* faccessat2 */
	{440, 440, KV(5, 10)}, /* process_madvise */
	{441, 441, KV(5, 11)}, /* epoll_pwait2 */
	{442, 442, KV(5, 12)}, /* mount_setattr */
	{443, 443, KV(5, 14)}, /* quotactl_fd */
	{444, 446, KV(5, 13)}, /* landlock_* */
	{447, 447, KV(5, 14)}, /* memfd_secret */
	{FIRST_NEWER, 0xffffffff, KV(5, 15)},
};

#define ALLOW	  BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#define FAIL(err) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err))

static int
install(unsigned version)
{
	struct sock_filter f[64] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
		ALLOW,
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		/* ioctl: the request's type and number, its low 16 bits. */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 0, 7),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LOW(1)),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xffff),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, PIDFS_IOCTLS, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, NSIO_MNTNSID, 0, 1),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 0xb7ff, 0, 1),
		ALLOW,
		FAIL(ENOTTY),
	};
	struct sock_fprog prog;
	size_t i, n = 12;

	/* Each system call range: ENOSYS when first <= nr <= last. */
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		if (calls[i].version <= version)
			continue;
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
						      calls[i].first, 0, 2);
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K,
						      calls[i].last, 1, 0);
		f[n++] = (struct sock_filter)FAIL(ENOSYS);
	}
	f[n++] = (struct sock_filter)ALLOW;
	prog.len = (unsigned short)n;
	prog.filter = f;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0)
		return 0;
	if (errno != EACCES || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static void
report(const char *name, int r, int missing_errno)
{
	printf("%s=%s\n", name,
	       r < 0 && errno == missing_errno ? "missing" : "present");
}

/* Each facility called so that it fails harmlessly when present. */
static int
probe(void)
{
	struct sys_open_how how = {.flags = O_PATH | O_CLOEXEC,
				   .resolve = RESOLVE_NO_SYMLINKS};
	struct sys_mount_attr attr = {0};
	struct sys_statmount sm;
	struct statx sx;
	uint64_t id;
	int nsfd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	int pidfd = sys_pidfd_open(getpid(), 0), r;

	if (nsfd < 0 || pidfd < 0) {
		perror("oldkernel: cannot open this process's namespace");
		return 1;
	}
	r = sys_openat2(AT_FDCWD, "/", &how);
	report("openat2", r, ENOSYS);
	report("open_tree", sys_open_tree(-1, "", 0), ENOSYS);
	report("mount_setattr", sys_mount_setattr(-1, "", 0, &attr), ENOSYS);
	report("pidfd_open", pidfd, ENOSYS);
	/* A mount ID that is not one: EINVAL or ENOENT where it exists. */
	if (statx(AT_FDCWD, "/", 0, STATX_MNT_ID_UNIQUE, &sx) < 0 ||
	    !(sx.stx_mask & STATX_MNT_ID_UNIQUE))
		sx.stx_mnt_id = 0;
	report("statmount", sys_statmount(sx.stx_mnt_id, 0, &sm), ENOSYS);
	report("process_mrelease", (int)syscall(FIRST_NEWER, -1, 0), ENOSYS);
	report("NS_GET_USERNS", ioctl(nsfd, NS_GET_USERNS), ENOTTY);
	report("NS_GET_MNTNS_ID", ioctl(nsfd, NS_GET_MNTNS_ID, &id), ENOTTY);
	report("PIDFD_GET_MNT_NAMESPACE",
	       ioctl(pidfd, PIDFD_GET_MNT_NAMESPACE, 0), ENOTTY);
	return 0;
}

/* The lowest CPU this process may use, alone: inherited by every child. */
static int
one_cpu(void)
{
	cpu_set_t set;
	int cpu;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return -1;
	for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set); cpu++)
		;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* "5.14" as KV(5, 14); 0 if it is not a version from 5.1 on. */
static unsigned
parse_version(const char *s)
{
	unsigned a, b;
	char end;

	if (sscanf(s, "%u.%u%c", &a, &b, &end) != 2 || a > 255 || b > 255 ||
	    KV(a, b) < KV(5, 1))
		return 0;
	return KV(a, b);
}

static int
usage(void)
{
	fprintf(stderr, "usage: oldkernel [-k VERSION] [--] COMMAND [ARG...]\n"
			"       oldkernel -p\n");
	return 2;
}

int
main(int argc, char **argv)
{
	unsigned version = KV(5, 14);
	int c;

	while ((c = getopt(argc, argv, "+k:p")) != -1) {
		if (c == 'p')
			return probe();
		if (c != 'k' || !(version = parse_version(optarg)))
			return usage();
	}
	if (optind >= argc)
		return usage();
	if (one_cpu() < 0) {
		perror("oldkernel: cannot keep to one CPU");
		return 1;
	}
	if (install(version) < 0) {
		perror("oldkernel: cannot install the seccomp filter");
		return 1;
	}
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "oldkernel: %s: %s\n", argv[optind], strerror(errno));
	return 127;
}
