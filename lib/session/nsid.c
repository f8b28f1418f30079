/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which mount namespace is which.  The kernel's namespace ID where it has
 * one (NS_GET_MNTNS_ID, statmount(2)), the inode elsewhere; a process
 * vouches for a namespace only while a pidfd proves it alive in it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "session/nsid.h"
#include "syscalls.h"
#include "util.h"

/* The inode of the namespace file @nsfd into out->ino. */
static int
ns_inode_of(int nsfd, struct ns_ident *out)
{
	struct stat st;

	if (fstat(nsfd, &st) < 0)
		return -errno;
	out->ino = st.st_ino;
	return 0;
}

int
ns_id_of(int nsfd, struct ns_ident *out)
{
	out->id = out->ino = 0;
	if (ioctl(nsfd, NS_GET_MNTNS_ID, &out->id) < 0) {
		/* Older kernels have no namespace IDs: the inode names it. */
		if (errno != ENOTTY && errno != EINVAL)
			return -errno;
		out->id = 0;
	}
	return out->id ? 0 : ns_inode_of(nsfd, out);
}

int
ns_ident_of(int nsfd, struct ns_ident *out)
{
	int r = ns_id_of(nsfd, out);

	return r < 0 || out->ino ? r : ns_inode_of(nsfd, out);
}

/* Set once PIDFD_GET_MNT_NAMESPACE was refused: not asked again. */
static bool no_pidfd_ns;

int
self_ns_open(void)
{
	_cleanup_(closep) int pidfd = -1;
	int fd = -1;

	if (!no_pidfd_ns) {
		pidfd = sys_pidfd_open(self_pid(), 0);
		fd = pidfd < 0 ? -1 : ioctl(pidfd, PIDFD_GET_MNT_NAMESPACE, 0);
		/* A kernel before 6.11 (pidfd_open(2) from 5.3), or a
		 * seccomp filter that refuses either call. */
		no_pidfd_ns = fd < 0 && (errno == ENOTTY || errno == EINVAL ||
					 errno == ENOSYS || errno == EPERM);
	}
	/* The namespace file in procfs names the same namespace. */
	return fd >= 0 ? fd : open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
}

int
self_ns_ident(struct ns_ident *out)
{
	struct sys_statmount sm;
	_cleanup_(closep) int fd = -1;
	struct statx sx;

	/* The namespace of the process's root mount, with no file opened.
	 * Each step may be missing (lib/syscalls.h): only an answer with
	 * the namespace ID in it is taken. */
	if (statx(AT_FDCWD, "/", 0, STATX_MNT_ID_UNIQUE, &sx) == 0 &&
	    (sx.stx_mask & STATX_MNT_ID_UNIQUE)) {
		if (sys_statmount(sx.stx_mnt_id, SYS_STATMOUNT_MNT_NS_ID,
				  &sm) == 0 &&
		    (sm.mask & SYS_STATMOUNT_MNT_NS_ID) && sm.mnt_ns_id) {
			out->id = sm.mnt_ns_id;
			out->ino = 0;
			return 0;
		}
	}
	fd = self_ns_open();
	return fd < 0 ? -errno : ns_ident_of(fd, out);
}

void
ns_add_inode_of(int nsfd, struct ns_ident *ns)
{
	if (!ns->ino)
		ns_inode_of(nsfd, ns);
}

bool
ns_is(int nsfd, const struct ns_ident *ns)
{
	struct ns_ident got;
	uint64_t id;

	if (ns->id)
		return ioctl(nsfd, NS_GET_MNTNS_ID, &id) == 0 && id == ns->id;
	return ns_ident_of(nsfd, &got) == 0 && ns_ident_equal(&got, ns);
}

bool
ns_ident_equal(const struct ns_ident *a, const struct ns_ident *b)
{
	if (a->id || b->id)
		return a->id == b->id;
	return a->ino == b->ino;
}

void
ns_key(const struct ns_ident *ns, char key[NS_KEY_MAX])
{
	if (ns->id)
		snprintf(key, NS_KEY_MAX, "id-%" PRIu64, ns->id);
	else
		snprintf(key, NS_KEY_MAX, "ino-%" PRIu64, ns->ino);
}

void
ns_name(const struct ns_ident *ns, char name[NS_NAME_MAX])
{
	if (ns->ino)
		snprintf(name, NS_NAME_MAX, "mnt:[%" PRIu64 "]", ns->ino);
	else
		snprintf(name, NS_NAME_MAX, "mnt id %" PRIu64, ns->id);
}

void
ns_add_inode(struct ns_ident *ns)
{
	struct stat st;

	/* One stat(2) through the magic link: nothing is opened. */
	if (!ns->ino && stat("/proc/self/ns/mnt", &st) == 0)
		ns->ino = st.st_ino;
}

/* Reads a small file whole; returns its length or -errno. */
static int
read_small(int dirfd, const char *name, char *buf, size_t len)
{
	_cleanup_(closep) int fd = -1;
	ssize_t n;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

int
proc_start_time(pid_t pid, uint64_t *out)
{
	char path[64], buf[1024], *p;
	int n, field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	n = read_small(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT ? -ESRCH : n;
	/* The command name may hold anything: count from its last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -EIO;
	for (field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%" SCNu64, out) != 1)
		return -EIO;
	return 0;
}

int
proc_uid(pid_t pid, uid_t *out)
{
	char path[64], buf[2048], *p;
	unsigned u;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	n = read_small(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT ? -ESRCH : n;
	p = strstr(buf, "\nUid:");
	if (!p || sscanf(p + 5, "%u", &u) != 1)
		return -EIO;
	*out = (uid_t)u;
	return 0;
}

bool
pid_parse(const char *s, pid_t *pid)
{
	unsigned long v = 0;
	const char *c;

	if (s[0] < '1' || s[0] > '9')
		return false;
	for (c = s; *c; c++) {
		if (*c < '0' || *c > '9')
			return false;
		v = v * 10 + (unsigned long)(*c - '0');
		if (v > INT_MAX)
			return false;
	}
	if (pid)
		*pid = (pid_t)v;
	return true;
}

/* A name of /proc or /proc/PID/task that is a PID. */
static bool
is_pid_name(const char *s)
{
	return pid_parse(s, NULL);
}

/*
 * Calls @fn(dirfd, "TID/ns/mnt", @ctx) for each thread of process @pid
 * (a name under @procfd, /proc) but the leader, until it returns >= 0;
 * that result, or -ESRCH.  All threads of a process share one mount
 * namespace: setns and unshare refuse a multithreaded caller.
 */
static int
each_thread_ns(int procfd, const char *pid,
	       int (*fn)(int dirfd, const char *name, void *ctx), void *ctx)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int r = -ESRCH;

	snprintf(path, sizeof(path), "%s/task", pid);
	d = opendir_at(procfd, path);
	if (!d)
		return -ESRCH;
	while (r < 0 && (de = readdir(d))) {
		if (!is_pid_name(de->d_name) || !strcmp(de->d_name, pid))
			continue;
		snprintf(path, sizeof(path), "%s/ns/mnt", de->d_name);
		r = fn(dirfd(d), path, ctx);
	}
	closedir(d);
	return r;
}

static int
open_ns_file(int dirfd, const char *name, void *ctx)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);

	(void)ctx;
	return fd < 0 ? -errno : fd;
}

/*
 * A leader that has exited leaves its /proc/PID/ns/mnt naming nothing
 * (ENOENT) while its other threads live on in the namespace.
 */
int
proc_ns_open(pid_t pid)
{
	_cleanup_(closep) int procfd = -1;
	char name[32];
	int fd;

	snprintf(name, sizeof(name), "/proc/%d/ns/mnt", (int)pid);
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : -errno;
	procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -errno;
	snprintf(name, sizeof(name), "%d", (int)pid);
	return each_thread_ns(procfd, name, open_ns_file, NULL);
}

/*
 * Whether the process of @pidfd has real uid @uid, from the pidfd itself
 * (Linux 6.13): 1 or 0, -ESRCH once it has gone, -EOPNOTSUPP where the
 * kernel cannot tell.
 */
static int
pidfd_has_ruid(int pidfd, uid_t uid)
{
	struct sys_pidfd_info info = {.mask = SYS_PIDFD_INFO_CREDS};

	if (ioctl(pidfd, SYS_PIDFD_GET_INFO, &info) < 0)
		return errno == ESRCH ? -ESRCH : -EOPNOTSUPP;
	if (!(info.mask & SYS_PIDFD_INFO_CREDS))
		return -EOPNOTSUPP;
	return info.ruid == (uint32_t)uid;
}

int
open_ns_of_user(pid_t pid, const struct ns_ident *ns, uint64_t start, uid_t uid)
{
	_cleanup_(closep) int pidfd = -1, nsfd = -1;
	bool by_pidfd, by_proc;
	int has = -EOPNOTSUPP;
	uint64_t st;
	uid_t owner;

	if (pid <= 0)
		return -ESRCH;
	/* Pinned first: if it is still alive after the checks, the /proc
	 * reads below were about this very process, not a PID reuse. */
	pidfd = sys_pidfd_open(pid, 0);
	if (pidfd < 0)
		return errno == ESRCH ? -ESRCH : -errno;
	/* 6.11 and later: the namespace of this very process, from its
	 * pidfd (ESRCH once it has exited); else through /proc. */
	nsfd = no_pidfd_ns ? -1 : ioctl(pidfd, PIDFD_GET_MNT_NAMESPACE, 0);
	by_pidfd = nsfd >= 0;
	/* A leader that has exited (ESRCH here) may leave threads: /proc. */
	if (nsfd < 0)
		nsfd = proc_ns_open(pid);
	if (nsfd < 0)
		return nsfd;
	if (ns && !ns_is(nsfd, ns))
		return -ESRCH;
	if (start && (proc_start_time(pid, &st) < 0 || st != start))
		return -ESRCH;
	/* The uid of this very process, asked of its pidfd, needs no check
	 * against a PID reuse; one read through /proc does. */
	if (uid != (uid_t)-1 && by_pidfd)
		has = pidfd_has_ruid(pidfd, uid);
	if (has == 0 || has == -ESRCH)
		return -ESRCH;
	by_proc = uid != (uid_t)-1 && has < 0;
	if (by_proc && (proc_uid(pid, &owner) < 0 || owner != uid))
		return -ESRCH;
	/* The process, not a PID reuse, was read through /proc. */
	if ((!by_pidfd || start || by_proc) &&
	    sys_pidfd_send_signal(pidfd, 0, NULL, 0) < 0)
		return -ESRCH;
	return steal_fd(&nsfd);
}

int
open_ns_of(pid_t pid, const struct ns_ident *ns, uint64_t start)
{
	return open_ns_of_user(pid, ns, start, (uid_t)-1);
}

int
ns_owned_here(int nsfd)
{
	_cleanup_(closep) int owner = ioctl(nsfd, NS_GET_USERNS);
	struct stat theirs, ours;

	if (owner < 0 || fstat(owner, &theirs) < 0 ||
	    stat("/proc/self/ns/user", &ours) < 0)
		return -errno;
	return theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino
		       ? 0
		       : -EPERM;
}

int
ns_exists(const struct ns_ident *ns)
{
	if (!ns->id)
		return -EOPNOTSUPP;
	if (sys_listmount_ns(ns->id) >= 0)
		return 1;
	return errno == ENOENT ? 0 : -errno;
}

uint64_t
ns_link_ino(int dirfd, const char *name)
{
	char link[NS_NAME_MAX];
	uint64_t ino;
	ssize_t n = readlinkat(dirfd, name, link, sizeof(link) - 1);

	if (n < 0)
		return 0;
	link[n] = '\0';
	if (sscanf(link, "mnt:[%" SCNu64 "]", &ino) == 1)
		return ino;
	errno = EINVAL;
	return 0;
}

static int
thread_ns_ino(int dirfd, const char *name, void *ctx)
{
	uint64_t *ino = ctx;

	*ino = ns_link_ino(dirfd, name);
	return *ino ? 0 : -ESRCH;
}

uint64_t
proc_ns_ino(int procfd, const char *pid)
{
	char name[64];
	uint64_t ino;

	snprintf(name, sizeof(name), "%s/ns/mnt", pid);
	ino = ns_link_ino(procfd, name);
	if (ino || errno != ENOENT)
		return ino;
	/* The leader has exited: a live thread's namespace. */
	return each_thread_ns(procfd, pid, thread_ns_ino, &ino) == 0 ? ino : 0;
}

/*
 * One pass of ns_find_process() over /proc: the PIDs above s->after, or
 * (@low) the others.
 */
static int
find_in_proc(DIR *d, const struct ns_ident *ns, const struct proc_search *s,
	     bool low, pid_t *pid, uint64_t *start)
{
	struct dirent *de;
	pid_t p;
	int fd = -ESRCH;

	while (fd < 0 && (de = readdir(d))) {
		if (!pid_parse(de->d_name, &p) || p == s->skip ||
		    (p > s->after) == low)
			continue;
		/* The link's text names the inode: cheap to compare. */
		if (proc_ns_ino(dirfd(d), de->d_name) != ns->ino)
			continue;
		fd = open_ns_of_user(p, ns, 0, s->uid);
		if (fd >= 0 && ((start && proc_start_time(p, start) < 0) ||
				(s->accept && !s->accept(p, s->ctx)))) {
			close(fd);
			fd = -ESRCH;
		}
		if (fd >= 0)
			*pid = p;
	}
	return fd;
}

int
ns_find_process(const struct ns_ident *ns, const struct proc_search *s,
		pid_t *pid, uint64_t *start)
{
	DIR *d;
	int fd;

	if (!ns->ino)
		return -ESRCH;
	d = opendir("/proc");
	if (!d)
		return -errno;
	fd = find_in_proc(d, ns, s, false, pid, start);
	if (fd < 0 && s->after > 0) {
		rewinddir(d);
		fd = find_in_proc(d, ns, s, true, pid, start);
	}
	closedir(d);
	return fd >= 0 ? fd : -ESRCH;
}
