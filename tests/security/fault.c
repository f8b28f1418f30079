/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fault injection for a test-only copy of pam_mntns.so, linked with
 * -Wl,--wrap=NAME for every function declared below with WRAPS (the
 * make fragment reads the list from this file).  The module itself has
 * no test hook: the linker sends its calls here, and only here.
 *
 *   MNTNS_FAULT=NAME:N[,NAME:N...]  the Nth call of NAME fails (errno
 *                                   EIO; ENOMEM for allocations)
 *   MNTNS_PAUSE=NAME:N              before the Nth call of NAME, create
 *   MNTNS_PAUSE_DIR=DIR             DIR/paused and wait (at most 20 s)
 *                                   until DIR/resume exists
 *   MNTNS_FAULT_COUNT=1             print every NAME's call count when
 *                                   the module is unloaded
 *   MNTNS_FAULT_ENOSPC=1            the failing unshare says ENOSPC, as
 *                                   at the kernel's namespace limit
 *   MNTNS_FAULT_EUID=1              print "unshare: euid=N" at each call
 *   MNTNS_TRACE_MOUNT=1             print every mount(2) call's type and
 *                                   data as "mount: TYPE DATA"
 *
 * Each failure made is reported on stderr as "fault: NAME#N".  syscall(2)
 * is counted under the name of the system call for those the module
 * makes through it (openat2, open_tree, setresuid, capset, ...) and as
 * "syscall" otherwise.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "syscalls.h"

/* Declares __real_NAME and __wrap_NAME with NAME's parameters. */
#define WRAPS(ret, name, params)                                               \
	ret __real_##name params;                                              \
	ret __wrap_##name params

enum fn {
	F_MOUNT,
	F_UNSHARE,
	F_SETNS,
	F_OPEN_TREE,
	F_MOVE_MOUNT,
	F_MOUNT_SETATTR,
	F_MKDIRAT,
	F_MKDIR,
	F_FCHOWN,
	F_FCHMOD,
	F_OPENAT,
	F_OPEN,
	F_OPENAT2,
	F_SYSCALL,
	F_FSTAT,
	F_STAT,
	F_LSTAT,
	F_FCHDIR,
	F_CHROOT,
	F_READ,
	F_WRITE,
	F_UNLINK,
	F_UNLINKAT,
	F_RENAMEAT,
	F_LINKAT,
	F_FSYNC,
	F_FLOCK,
	F_IOCTL,
	F_PIDFD_OPEN,
	F_PIDFD_SEND_SIGNAL,
	F_FDOPENDIR,
	F_OPENDIR,
	F_DUP,
	F_FCNTL,
	F_MALLOC,
	F_CALLOC,
	F_REALLOC,
	F_REALLOCARRAY,
	F_STRDUP,
	F_STRNDUP,
	F_ASPRINTF,
	F_GETPWNAM_R,
	F_GETGRGID_R,
	F_GETGRNAM_R,
	F_GETGROUPLIST,
	F_SETRESUID,
	F_CAPGET,
	F_CAPSET,
	F_PRCTL,
	F_COUNT
};

static const char *const fn_names[F_COUNT] = {
	"mount",      "unshare",	"setns",
	"open_tree",  "move_mount",	"mount_setattr",
	"mkdirat",    "mkdir",		"fchown",
	"fchmod",     "openat",		"open",
	"openat2",    "syscall",	"fstat",
	"stat",	      "lstat",		"fchdir",
	"chroot",     "read",		"write",
	"unlink",     "unlinkat",	"renameat",
	"linkat",     "fsync",		"flock",
	"ioctl",      "pidfd_open",	"pidfd_send_signal",
	"fdopendir",  "opendir",	"dup",
	"fcntl",      "malloc",		"calloc",
	"realloc",    "reallocarray",	"strdup",
	"strndup",    "__asprintf_chk", "getpwnam_r",
	"getgrgid_r", "getgrnam_r",	"getgrouplist",
	"setresuid",  "capget",		"capset",
	"prctl",
};

/* Test code: plain statics are fine here, never in the module. */
static unsigned long calls[F_COUNT], fail_at[F_COUNT], pause_at[F_COUNT];
static const char *pause_dir;
static bool parsed, count_report, trace_mount;

WRAPS(int, open, (const char *path, int flags, ...));
WRAPS(ssize_t, write, (int fd, const void *buf, size_t len));

static int
fn_index(const char *name, size_t len)
{
	int i;

	for (i = 0; i < F_COUNT; i++)
		if (strlen(fn_names[i]) == len &&
		    !strncmp(fn_names[i], name, len))
			return i;
	return -1;
}

/* Reads "NAME:N[,NAME:N...]" into @at. */
static void
parse_spec(const char *spec, unsigned long *at)
{
	const char *p = spec, *colon;
	int i;

	while (p && *p) {
		colon = strchr(p, ':');
		if (!colon)
			return;
		i = fn_index(p, (size_t)(colon - p));
		if (i >= 0)
			at[i] = strtoul(colon + 1, NULL, 10);
		p = strchr(colon, ',');
		if (p)
			p++;
	}
}

static void
say(const char *msg)
{
	if (__real_write(2, msg, strlen(msg)) < 0)
		return;
}

static void
parse_env(void)
{
	parsed = true;
	parse_spec(getenv("MNTNS_FAULT"), fail_at);
	parse_spec(getenv("MNTNS_PAUSE"), pause_at);
	pause_dir = getenv("MNTNS_PAUSE_DIR");
	count_report = getenv("MNTNS_FAULT_COUNT") != NULL;
	trace_mount = getenv("MNTNS_TRACE_MOUNT") != NULL;
}

static void
wait_for_resume(enum fn f)
{
	struct timespec tick = {0, 10 * 1000 * 1000};
	char path[PATH_MAX], msg[128];
	int fd, i;

	snprintf(msg, sizeof(msg), "pause: %s#%lu\n", fn_names[f], calls[f]);
	say(msg);
	snprintf(path, sizeof(path), "%s/paused", pause_dir);
	fd = __real_open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "%s/resume", pause_dir);
	for (i = 0; i < 2000 && access(path, F_OK) < 0; i++)
		nanosleep(&tick, NULL);
}

/* Counts a call; true when this one must fail. */
static bool
hit(enum fn f)
{
	char msg[128];

	if (!parsed)
		parse_env();
	calls[f]++;
	if (pause_dir && pause_at[f] == calls[f])
		wait_for_resume(f);
	if (fail_at[f] != calls[f])
		return false;
	snprintf(msg, sizeof(msg), "fault: %s#%lu\n", fn_names[f], calls[f]);
	say(msg);
	return true;
}

__attribute__((destructor)) static void
report_counts(void)
{
	char msg[96];
	int i;

	if (!count_report)
		return;
	for (i = 0; i < F_COUNT; i++) {
		if (!calls[i])
			continue;
		snprintf(msg, sizeof(msg), "calls: %s=%lu\n", fn_names[i],
			 calls[i]);
		say(msg);
	}
}

#define FAIL_IF(f, err, value)                                                 \
	do {                                                                   \
		if (hit(f)) {                                                  \
			errno = (err);                                         \
			return (value);                                        \
		}                                                              \
	} while (0)

/* ---- mounts and namespaces ------------------------------------------- */

WRAPS(int, mount,
      (const char *src, const char *dst, const char *type, unsigned long fl,
       const void *data));
int
__wrap_mount(const char *src, const char *dst, const char *type,
	     unsigned long fl, const void *data)
{
	char msg[1024];

	FAIL_IF(F_MOUNT, EIO, -1);
	/* The data exactly as the kernel gets it (a tmpfs's is text). */
	if (trace_mount && type) {
		snprintf(msg, sizeof(msg), "mount: %s %s\n", type,
			 data ? (const char *)data : "-");
		say(msg);
	}
	return __real_mount(src, dst, type, fl, data);
}

WRAPS(int, unshare, (int flags));
int
__wrap_unshare(int flags)
{
	char msg[64];

	if (getenv("MNTNS_FAULT_EUID")) {
		snprintf(msg, sizeof(msg), "unshare: euid=%u\n",
			 (unsigned)geteuid());
		say(msg);
	}
	FAIL_IF(F_UNSHARE, getenv("MNTNS_FAULT_ENOSPC") ? ENOSPC : EIO, -1);
	return __real_unshare(flags);
}

WRAPS(int, setns, (int fd, int type));
int
__wrap_setns(int fd, int type)
{
	FAIL_IF(F_SETNS, EIO, -1);
	return __real_setns(fd, type);
}

WRAPS(int, fchdir, (int fd));
int
__wrap_fchdir(int fd)
{
	FAIL_IF(F_FCHDIR, EIO, -1);
	return __real_fchdir(fd);
}

WRAPS(int, chroot, (const char *path));
int
__wrap_chroot(const char *path)
{
	FAIL_IF(F_CHROOT, EIO, -1);
	return __real_chroot(path);
}

WRAPS(int, ioctl, (int fd, unsigned long req, ...));
int
__wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	FAIL_IF(F_IOCTL, EIO, -1);
	return __real_ioctl(fd, req, arg);
}

WRAPS(int, prctl, (int option, ...));
int
__wrap_prctl(int option, ...)
{
	unsigned long a[4];
	va_list ap;
	int i;

	va_start(ap, option);
	for (i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	FAIL_IF(F_PRCTL, EIO, -1);
	return __real_prctl(option, a[0], a[1], a[2], a[3]);
}

/* ---- files and directories ------------------------------------------- */

WRAPS(int, mkdirat, (int dfd, const char *name, mode_t mode));
int
__wrap_mkdirat(int dfd, const char *name, mode_t mode)
{
	FAIL_IF(F_MKDIRAT, EIO, -1);
	return __real_mkdirat(dfd, name, mode);
}

WRAPS(int, mkdir, (const char *path, mode_t mode));
int
__wrap_mkdir(const char *path, mode_t mode)
{
	FAIL_IF(F_MKDIR, EIO, -1);
	return __real_mkdir(path, mode);
}

WRAPS(int, fchown, (int fd, uid_t uid, gid_t gid));
int
__wrap_fchown(int fd, uid_t uid, gid_t gid)
{
	FAIL_IF(F_FCHOWN, EIO, -1);
	return __real_fchown(fd, uid, gid);
}

WRAPS(int, fchmod, (int fd, mode_t mode));
int
__wrap_fchmod(int fd, mode_t mode)
{
	FAIL_IF(F_FCHMOD, EIO, -1);
	return __real_fchmod(fd, mode);
}

static mode_t
mode_arg(int flags, va_list ap)
{
	return (flags & (O_CREAT | __O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
}

WRAPS(int, openat, (int dfd, const char *path, int flags, ...));
int
__wrap_openat(int dfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	FAIL_IF(F_OPENAT, EIO, -1);
	return __real_openat(dfd, path, flags, mode);
}

int
__wrap_open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	FAIL_IF(F_OPEN, EIO, -1);
	return __real_open(path, flags, mode);
}

/* The module makes these through syscall(2) (lib/syscalls.h): each is
 * counted under its own name, as if it were a function. */
static enum fn
syscall_fn(long nr)
{
	switch (nr) {
	case __NR_openat2:
		return F_OPENAT2;
	case __NR_open_tree:
		return F_OPEN_TREE;
	case __NR_move_mount:
		return F_MOVE_MOUNT;
	case __NR_mount_setattr:
		return F_MOUNT_SETATTR;
	case __NR_pidfd_open:
		return F_PIDFD_OPEN;
	case __NR_pidfd_send_signal:
		return F_PIDFD_SEND_SIGNAL;
	case SYS_setresuid:
		return F_SETRESUID;
	case SYS_capget:
		return F_CAPGET;
	case SYS_capset:
		return F_CAPSET;
	}
	return F_SYSCALL;
}

WRAPS(long, syscall, (long nr, ...));
long
__wrap_syscall(long nr, ...)
{
	long a[6];
	va_list ap;
	int i;

	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	FAIL_IF(syscall_fn(nr), EIO, -1);
	return __real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

WRAPS(int, fstat, (int fd, struct stat *st));
int
__wrap_fstat(int fd, struct stat *st)
{
	FAIL_IF(F_FSTAT, EIO, -1);
	return __real_fstat(fd, st);
}

WRAPS(int, stat, (const char *path, struct stat *st));
int
__wrap_stat(const char *path, struct stat *st)
{
	FAIL_IF(F_STAT, EIO, -1);
	return __real_stat(path, st);
}

WRAPS(int, lstat, (const char *path, struct stat *st));
int
__wrap_lstat(const char *path, struct stat *st)
{
	FAIL_IF(F_LSTAT, EIO, -1);
	return __real_lstat(path, st);
}

WRAPS(ssize_t, read, (int fd, void *buf, size_t len));
ssize_t
__wrap_read(int fd, void *buf, size_t len)
{
	FAIL_IF(F_READ, EIO, -1);
	return __real_read(fd, buf, len);
}

ssize_t
__wrap_write(int fd, const void *buf, size_t len)
{
	FAIL_IF(F_WRITE, EIO, -1);
	return __real_write(fd, buf, len);
}

WRAPS(int, unlink, (const char *path));
int
__wrap_unlink(const char *path)
{
	FAIL_IF(F_UNLINK, EIO, -1);
	return __real_unlink(path);
}

WRAPS(int, unlinkat, (int dfd, const char *name, int flags));
int
__wrap_unlinkat(int dfd, const char *name, int flags)
{
	FAIL_IF(F_UNLINKAT, EIO, -1);
	return __real_unlinkat(dfd, name, flags);
}

WRAPS(int, renameat, (int ofd, const char *old, int nfd, const char *new));
int
__wrap_renameat(int ofd, const char *old, int nfd, const char *new)
{
	FAIL_IF(F_RENAMEAT, EIO, -1);
	return __real_renameat(ofd, old, nfd, new);
}

WRAPS(int, linkat,
      (int ofd, const char *old, int nfd, const char *new, int flags));
int
__wrap_linkat(int ofd, const char *old, int nfd, const char *new, int flags)
{
	FAIL_IF(F_LINKAT, EIO, -1);
	return __real_linkat(ofd, old, nfd, new, flags);
}

WRAPS(int, fsync, (int fd));
int
__wrap_fsync(int fd)
{
	FAIL_IF(F_FSYNC, EIO, -1);
	return __real_fsync(fd);
}

WRAPS(int, flock, (int fd, int op));
int
__wrap_flock(int fd, int op)
{
	FAIL_IF(F_FLOCK, EIO, -1);
	return __real_flock(fd, op);
}

WRAPS(DIR *, fdopendir, (int fd));
DIR *
__wrap_fdopendir(int fd)
{
	FAIL_IF(F_FDOPENDIR, EIO, NULL);
	return __real_fdopendir(fd);
}

WRAPS(DIR *, opendir, (const char *path));
DIR *
__wrap_opendir(const char *path)
{
	FAIL_IF(F_OPENDIR, EIO, NULL);
	return __real_opendir(path);
}

WRAPS(int, dup, (int fd));
int
__wrap_dup(int fd)
{
	FAIL_IF(F_DUP, EMFILE, -1);
	return __real_dup(fd);
}

WRAPS(int, fcntl, (int fd, int cmd, ...));
int
__wrap_fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	FAIL_IF(F_FCNTL, EMFILE, -1);
	return __real_fcntl(fd, cmd, arg);
}

/* ---- memory ----------------------------------------------------------- */

WRAPS(void *, malloc, (size_t n));
void *
__wrap_malloc(size_t n)
{
	FAIL_IF(F_MALLOC, ENOMEM, NULL);
	return __real_malloc(n);
}

WRAPS(void *, calloc, (size_t n, size_t size));
void *
__wrap_calloc(size_t n, size_t size)
{
	FAIL_IF(F_CALLOC, ENOMEM, NULL);
	return __real_calloc(n, size);
}

WRAPS(void *, realloc, (void *p, size_t n));
void *
__wrap_realloc(void *p, size_t n)
{
	FAIL_IF(F_REALLOC, ENOMEM, NULL);
	return __real_realloc(p, n);
}

WRAPS(void *, reallocarray, (void *p, size_t n, size_t size));
void *
__wrap_reallocarray(void *p, size_t n, size_t size)
{
	FAIL_IF(F_REALLOCARRAY, ENOMEM, NULL);
	return __real_reallocarray(p, n, size);
}

WRAPS(char *, strdup, (const char *s));
char *
__wrap_strdup(const char *s)
{
	FAIL_IF(F_STRDUP, ENOMEM, NULL);
	return __real_strdup(s);
}

WRAPS(char *, strndup, (const char *s, size_t n));
char *
__wrap_strndup(const char *s, size_t n)
{
	FAIL_IF(F_STRNDUP, ENOMEM, NULL);
	return __real_strndup(s, n);
}

/* What asprintf() becomes with _FORTIFY_SOURCE. */
WRAPS(int, __asprintf_chk, (char **out, int flag, const char *fmt, ...));
int
__wrap___asprintf_chk(char **out, int flag, const char *fmt, ...)
{
	va_list ap;
	int r;

	(void)flag;
	FAIL_IF(F_ASPRINTF, ENOMEM, -1);
	va_start(ap, fmt);
	r = vasprintf(out, fmt, ap);
	va_end(ap);
	return r;
}

/* ---- NSS: these report an error number instead of setting errno ------- */

WRAPS(int, getpwnam_r,
      (const char *name, struct passwd *pw, char *buf, size_t len,
       struct passwd **res));
int
__wrap_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len,
		  struct passwd **res)
{
	*res = NULL;
	FAIL_IF(F_GETPWNAM_R, EIO, EIO);
	return __real_getpwnam_r(name, pw, buf, len, res);
}

WRAPS(int, getgrgid_r,
      (gid_t gid, struct group *gr, char *buf, size_t len, struct group **res));
int
__wrap_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len,
		  struct group **res)
{
	*res = NULL;
	FAIL_IF(F_GETGRGID_R, EIO, EIO);
	return __real_getgrgid_r(gid, gr, buf, len, res);
}

WRAPS(int, getgrnam_r,
      (const char *name, struct group *gr, char *buf, size_t len,
       struct group **res));
int
__wrap_getgrnam_r(const char *name, struct group *gr, char *buf, size_t len,
		  struct group **res)
{
	*res = NULL;
	FAIL_IF(F_GETGRNAM_R, EIO, EIO);
	return __real_getgrnam_r(name, gr, buf, len, res);
}

WRAPS(int, getgrouplist, (const char *user, gid_t gid, gid_t *groups, int *n));
int
__wrap_getgrouplist(const char *user, gid_t gid, gid_t *groups, int *n)
{
	FAIL_IF(F_GETGROUPLIST, EIO, -1);
	return __real_getgrouplist(user, gid, groups, n);
}
