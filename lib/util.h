/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Small helpers shared by every part of the engine: cleanup attributes,
 * the error buffer the library fills instead of logging, path checks.
 */
#ifndef MNTNS_UTIL_H
#define MNTNS_UTIL_H

#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define _cleanup_(f)   __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a)  (sizeof(a) / sizeof((a)[0]))

/* Where the module keeps what it made: records, locks, the hide node. */
#ifndef MNTNS_RUN_DIR
#define MNTNS_RUN_DIR "/run/pam_mntns"
#endif

/*
 * Library code never logs: it describes the failure here, once, and the
 * caller decides where it goes and how it is written.  An error in a
 * config file carries the file and line as fields, not in its text, so
 * that each front end formats them its own way (gcc style for people).
 */
struct mntns_error {
	char msg[1024];	     /* what is wrong, without the location */
	char file[PATH_MAX]; /* the config file it is in, or "" */
	unsigned line;	     /* the line in @file; 0: the file as a whole */
	bool fatal;	     /* nofail must not let the login go on: it
				would stay in, or build from, another
				user's view */
};

/*
 * Fills @e (if not NULL) with no location and returns @rc, which must be
 * a negative errno.
 */
int err_set(struct mntns_error *e, int rc, const char *fmt, ...) _printf_(3, 4);

/* Likewise for an error at @file (NULL: none) and @line of a config. */
int err_set_at(struct mntns_error *e, int rc, const char *file, unsigned line,
	       const char *fmt, ...) _printf_(5, 6);

/* Marks the error already in @e fatal (see struct mntns_error). */
int err_fatal(struct mntns_error *e, int rc);

/* Puts the error already in @e at @file and @line; returns @rc. */
int err_locate(struct mntns_error *e, int rc, const char *file, unsigned line);

/*
 * @e as one line in gcc's style: "FILE:LINE: message", "FILE: message"
 * or the message alone; where it goes (syslog, stderr) is the caller's.
 */
void err_format(const struct mntns_error *e, char *buf, size_t len);

static inline void
closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void
freep(void *p)
{
	free(*(void **)p);
}

static inline int
steal_fd(int *fd)
{
	int r = *fd;

	*fd = -1;
	return r;
}

static inline void *
steal_ptr(void *pp)
{
	void **p = pp;
	void *r = *p;

	*p = NULL;
	return r;
}

/* "directory", "regular file", "FIFO", ... for messages. */
const char *type_name(mode_t m);

/* True if @s holds a control character (below 0x20, or DEL). */
bool has_control(const char *s);

/*
 * Copies @src to @dst (at most @len bytes with the NUL) for a log line or
 * a terminal: every byte that is not printable ASCII or part of a UTF-8
 * character from U+00A0 up (C0 and C1 controls, DEL, broken sequences)
 * becomes '?'.  The one masking of names, homes and paths from NSS;
 * @dst may be @src.
 */
char *mask_text(char *dst, size_t len, const char *src);

/*
 * A name used as one path component: not empty, not "." or "..", no "/",
 * no control character, no leading "-", at most NAME_MAX bytes.
 */
bool name_is_safe(const char *s);

/*
 * An absolute path with no empty, "." or ".." component, no trailing "/",
 * no control character, shorter than PATH_MAX.  "/" itself passes.
 */
bool path_is_normalized(const char *s);

/*
 * Whether @path is @top or lies below it: "/a/b" is below "/a", "/ab" is
 * not, and every absolute path is at or below "/".  A trailing "/" on
 * either changes nothing.  The one test of where a path lies.
 */
bool path_at_or_below(const char *path, const char *top);

/* Likewise, but strictly below: not @top itself. */
bool path_below(const char *path, const char *top);

/*
 * Whether normalized paths @a and @b are one and the same, or one lies
 * below the other: a mount on either covers the other.
 */
bool paths_overlap(const char *a, const char *b);

/* Flags of unescape_octal(). */
enum {
	UNESCAPE_STRICT = 1 << 0,  /* what is not an escape is an error */
	UNESCAPE_PERCENT = 1 << 1, /* an escaped '%' becomes "%%" */
};

/*
 * Decodes, in place, the octal escapes of fstab(5) and of mountinfo: a
 * backslash and three octal digits stand for one byte ("\040" a blank).
 * Without UNESCAPE_STRICT, a backslash that starts no escape of a byte
 * (up to "\377") is kept as it is.  With it, that is -EINVAL, and "\000"
 * or an escape above "\377" -ERANGE, with *@bad (unless @bad is NULL) at
 * its backslash, the three characters after it still as written.
 * UNESCAPE_PERCENT keeps an escaped '%' a literal percent sign in a path
 * template: "%%".  The one decoder of escapes.
 */
int unescape_octal(char *s, unsigned flags, const char **bad);

/*
 * openat2(2) from "/" (for an absolute @path) that refuses a symlink in
 * any component: the one way every path of the engine is opened.
 */
int open_nofollow(const char *path, int flags, mode_t mode);

/* strerror() of open_nofollow()'s errno, naming openat2(2) on a kernel
 * that lacks it. */
const char *open_strerror(int err);

/*
 * A directory of ours under MNTNS_RUN_DIR: created root 0700 when
 * missing, refused if anyone else could have made or changed it.
 */
int own_dir(const char *path, struct mntns_error *e);
/* The check of own_dir() on an open directory @fd, named @path; what
 * fstat(2) found goes into @out unless it is NULL. */
int own_dir_fd(int fd, const char *path, struct stat *out,
	       struct mntns_error *e);

/*
 * How long a login, a logout or the helper waits for a lock that another
 * holds.  Each holds it for a few system calls; a holder that stays
 * longer is stopped (a user may SIGSTOP their own set-user-ID su), and
 * nobody else's login may hang on it.
 */
#define LOCK_WAIT_MS 10000

/*
 * flock(LOCK_EX) on @fd, waiting at most @ms milliseconds: 0, -ETIMEDOUT,
 * or another -errno.
 */
int flock_bounded(int fd, unsigned ms);

/* The command of @pid ("?" when unknown), masked for a message. */
void proc_comm(int pid, char *buf, size_t len);

/*
 * Who holds the lock on @fd, as "PID N (COMMAND)" from /proc/locks, or
 * "an unknown process".
 */
void lock_holder(int fd, char *buf, size_t len);

/* opendir(3) of @path below @dirfd, not following a last symlink:
 * NULL with errno set. */
DIR *opendir_at(int dirfd, const char *path);

/*
 * Calls @fn with each name in the directory @path below @dirfd (not
 * following a last symlink), "." and ".." left out, until it returns
 * non-zero, which is returned.  One openat(2), the getdents64(2) calls
 * and a close(2): none of the fstat(2) and fcntl(2) calls of
 * fdopendir(3).  -errno when the directory cannot be opened or read.
 */
int dir_names(int dirfd, const char *path,
	      int (*fn)(int dirfd, const char *name, void *ctx), void *ctx);
/* The same on a directory already open, read from its current offset. */
int dir_names_fd(int fd, int (*fn)(int dirfd, const char *name, void *ctx),
		 void *ctx);

/*
 * The calling process's PID.  Between self_pid_hold() and
 * self_pid_release() (one PAM call: the process cannot fork in between)
 * it is asked of the kernel once.
 */
pid_t self_pid(void);
void self_pid_hold(void);
void self_pid_release(void);

/* Parses a decimal uid/gid without sign, blanks or overflow. */
int parse_id(const char *s, size_t len, unsigned *out);

/*
 * Appends a malloc'd copy of @s to the array *@v of *@n strings: 0, or
 * -ENOMEM with nothing changed.
 */
int strv_append(char ***v, size_t *n, const char *s);

#endif
