/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which mount namespace is which: the kernel's identity of a namespace,
 * of the calling process's, and of a live process's, checked through a
 * pidfd so that a reused PID cannot vouch for a namespace.
 */
#ifndef MNTNS_NSID_H
#define MNTNS_NSID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * A mount namespace.  @id is the kernel's 64-bit namespace ID, never
 * reused (0 on kernels without NS_GET_MNTNS_ID); inode numbers are reused
 * as soon as a namespace dies, so without @id a record also needs a live
 * process with the recorded start time to vouch for it.
 */
struct ns_ident {
	uint64_t id;
	uint64_t ino;
};

#define NS_KEY_MAX 32

/* Identifies the namespace @nsfd refers to. */
int ns_ident_of(int nsfd, struct ns_ident *out);

/*
 * An fd (O_CLOEXEC) to the calling process's mount namespace, or -1 with
 * errno set.  Taken through a pidfd of the process where the kernel can
 * (PIDFD_GET_MNT_NAMESPACE, Linux 6.11), which costs less than the walk
 * through /proc/self/ns/mnt that older kernels need.
 */
int self_ns_open(void);

/*
 * Whether @nsfd is the namespace @ns: by the kernel's ID alone where @ns
 * has one (one ioctl(2)), else by inode.
 */
bool ns_is(int nsfd, const struct ns_ident *ns);

/*
 * ns_ident_of() without the inode where the kernel has an ID (one
 * ioctl(2)), for a namespace whose inode may never be needed;
 * ns_add_inode_of() adds it when it is.
 */
int ns_id_of(int nsfd, struct ns_ident *out);
void ns_add_inode_of(int nsfd, struct ns_ident *ns);

/*
 * Identifies the calling process's mount namespace: by its ID alone
 * (inode 0) through statmount(2) where the kernel has that (6.11),
 * which opens nothing; else through self_ns_open().
 */
int self_ns_ident(struct ns_ident *out);
bool ns_ident_equal(const struct ns_ident *a, const struct ns_ident *b);

/* A file name for @ns: "id-ID", or "ino-INODE" without kernel IDs. */
void ns_key(const struct ns_ident *ns, char key[NS_KEY_MAX]);

#define NS_NAME_MAX 48

/*
 * @ns as people compare it with /proc/PID/ns/mnt: "mnt:[INODE]" when the
 * inode is known, else "mnt id ID" (statmount(2) gives the ID alone).
 */
void ns_name(const struct ns_ident *ns, char name[NS_NAME_MAX]);

/* Adds the inode to @ns, the calling process's namespace, if missing. */
void ns_add_inode(struct ns_ident *ns);

/*
 * Whether @s is a PID as /proc and the records name one: decimal digits
 * without a leading 0, 1 to INT_MAX; the value in *@pid (if not NULL).
 */
bool pid_parse(const char *s, pid_t *pid);

/* Start time of @pid from /proc/PID/stat, in clock ticks since boot. */
int proc_start_time(pid_t pid, uint64_t *out);

/* The real uid of @pid from /proc/PID/status. */
int proc_uid(pid_t pid, uid_t *out);

/*
 * An fd (O_CLOEXEC) to the mount namespace of a live thread of process
 * @pid: the leader's, or, when the leader has exited while other threads
 * go on (its /proc/PID/ns/mnt then names nothing), another thread's.
 * -ESRCH when no thread is left.
 */
int proc_ns_open(pid_t pid);

/*
 * Opens the mount namespace of @pid if, at the moment of the check, that
 * process is alive, in namespace @ns (unless @ns is NULL) and (when
 * @start is not 0) started at @start.  Returns the fd, -ESRCH if not, or
 * another -errno.
 */
int open_ns_of(pid_t pid, const struct ns_ident *ns, uint64_t start);

/*
 * open_ns_of() that also requires the process's real uid to be @uid
 * (unless @uid is (uid_t)-1): a process of that user vouches.
 */
int open_ns_of_user(pid_t pid, const struct ns_ident *ns, uint64_t start,
		    uid_t uid);

/*
 * Whether mount namespace @nsfd belongs to the caller's own user
 * namespace: 0 if it does, -EPERM if it belongs to another (an ordinary
 * user's "unshare -Urm": its owner controls every mount in it), or
 * another -errno.  Only a process privileged in the caller's user
 * namespace can make a namespace that passes.
 */
int ns_owned_here(int nsfd);

/*
 * Whether mount namespace @ns still exists, as the kernel knows it by
 * its ID (listmount(2), Linux 6.11): 1 yes, 0 no (IDs are never reused,
 * so a namespace once gone never comes back), or -errno when the kernel
 * cannot tell (no ID, an older kernel).  A namespace kept by an open
 * descriptor or a bind mount of its file exists: only 0 is a proof.
 */
int ns_exists(const struct ns_ident *ns);

/*
 * The inode that the "mnt:[N]" link @name under @dirfd names (a
 * /proc/PID/ns/mnt link or a descriptor in /proc/PID/fd), or 0 when it
 * names no mount namespace.
 */
uint64_t ns_link_ino(int dirfd, const char *name);

/*
 * The inode of the mount namespace of process @pid (a directory name
 * under /proc, whose fd is @procfd): its leader's, or, when the leader
 * has exited, another live thread's.  0 when none is left.
 */
uint64_t proc_ns_ino(int procfd, const char *pid);

/* Whether process @pid, found in a namespace by a walk, may vouch. */
typedef bool (*proc_filter)(pid_t pid, void *ctx);

/* What ns_find_process() looks for. */
struct proc_search {
	uid_t uid;	    /* one of @uid's, unless (uid_t)-1 */
	pid_t skip;	    /* any process but this one */
	pid_t after;	    /* PIDs above this one are tried first */
	proc_filter accept; /* takes the process, if not NULL */
	void *ctx;	    /* for @accept */
};

/*
 * Looks through /proc for a live process in namespace @ns (which must
 * carry its inode) that @s describes.  Threads count: a process whose
 * leader has exited is in the namespace of its live threads.  Returns an
 * fd to the namespace and sets *@pid (and *@start when it is not NULL),
 * or -ESRCH.  The cost grows with the number of processes on the host,
 * never with its mount table; with s->after the namespace's maker, whose
 * later children and joiners have higher PIDs until the PIDs wrap, one
 * left in it is found after the processes started since, not after all.
 * Without kernel namespace IDs an inode may name a newer namespace:
 * callers scan only for a namespace known to be alive (their own, or one
 * held by a pin).
 */
int ns_find_process(const struct ns_ident *ns, const struct proc_search *s,
		    pid_t *pid, uint64_t *start);

#endif
