/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * enter USER|PID [COMMAND...]: a command, or root's shell, in a user's
 * live namespace (live.h) or in a process's, opened and checked in the
 * host's view before joining.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper.h"
#include "live.h"
#include "session/switch.h"
#include "syscalls.h"

/* Where enter goes: an fd to the namespace, and what it must be. */
struct dest {
	int fd;
	struct ns_ident ns;
	bool check; /* compare with @ns when joining */
};

/* The namespace of @pid, pinned by a pidfd against PID reuse. */
static int
pid_dest(pid_t pid, struct dest *d)
{
	d->fd = open_ns_of_user(pid, NULL, 0, (uid_t)-1);
	if (d->fd < 0) {
		fprintf(stderr, PROG ": enter: no process with PID %d\n",
			(int)pid);
		return -ESRCH;
	}
	/* The owner of every mount in a user's own namespace is that user:
	 * a root command there could run that user's programs. */
	if (ns_owned_here(d->fd) < 0) {
		fprintf(stderr,
			PROG ": enter: PID %d is in a mount namespace of "
			     "another user namespace, whose mounts its owner "
			     "controls; refusing to run a command there as "
			     "root\n",
			(int)pid);
		return -EPERM;
	}
	return 0;
}

static void
print_choices(const struct live *l)
{
	char when[64], name[NS_NAME_MAX];
	size_t i, k;

	for (i = 0; i < l->n; i++) {
		if (l->ns[i].life != NS_LIVE)
			continue;
		ns_name(&l->ns[i].rec.ns, name);
		for (k = 0; k < l->ns[i].n; k++) {
			format_time(l->ns[i].s[k].created.tv_sec, when,
				    sizeof(when));
			fprintf(stderr, "  PID %d  %s  %s  %s\n",
				(int)l->ns[i].s[k].pid, name,
				l->ns[i].s[k].service, when);
		}
		if (l->ns[i].n == 0)
			fprintf(stderr, "  PID %d  %s  %s\n",
				(int)l->ns[i].rec.voucher, name,
				live_state(&l->ns[i]));
	}
}

/* The one live namespace in @l, or a message saying why there is none.
 * A namespace no process is in (held by a descriptor) is not one. */
static int
only_ns(struct live *l, const char *user, struct dest *d)
{
	char name[NS_NAME_MAX];
	size_t i, n = 0, k = 0;

	for (i = 0; i < l->n; i++)
		if (l->ns[i].life == NS_LIVE)
			n++, k = i;
	if (n == 0) {
		fprintf(stderr, PROG ": enter: %s has no live namespace\n",
			user);
		return -ESRCH;
	}
	if (n > 1) {
		fprintf(stderr,
			PROG ": enter: %s has %zu live namespaces; "
			     "enter one by PID:\n",
			user, n);
		print_choices(l);
		return -ESRCH;
	}
	if (l->ns[k].fd < 0) {
		ns_name(&l->ns[k].rec.ns, name);
		fprintf(stderr,
			PROG ": enter: the namespace of %s, %s, has no pin: "
			     "on a kernel without namespace IDs nothing else "
			     "proves that it is the one pam_mntns made; enter "
			     "it by PID if you trust that process\n",
			user, name);
		return -ESRCH;
	}
	d->fd = steal_fd(&l->ns[k].fd);
	d->ns = l->ns[k].rec.ns;
	d->check = true;
	return 0;
}

static int
user_dest(const char *user, struct dest *d)
{
	struct live l = {.keep_fd = true};
	int r = user_uid("enter", user, &l.only);

	if (r == 0)
		r = live_collect(&l);
	if (r == 0)
		r = only_ns(&l, user, d);
	live_free(&l);
	return r;
}

static int
join(const struct dest *d)
{
	struct mntns_error e;
	int r;

	if (d->check)
		r = ns_join(d->fd, &d->ns, &e);
	else if ((r = refuse_chrooted(&e)) == 0 &&
		 (r = setns(d->fd, CLONE_NEWNS)) < 0)
		snprintf(e.msg, sizeof(e.msg), "cannot join the namespace: %s",
			 strerror(errno));
	if (r == 0 && chdir("/") < 0) {
		r = -errno;
		snprintf(e.msg, sizeof(e.msg), "chdir /: %s", strerror(errno));
	}
	if (r < 0)
		fprintf(stderr, PROG ": enter: %s\n", e.msg);
	return r;
}

/*
 * The program enter runs, found and opened in the host's view before
 * joining: a PATH lookup or a name resolved inside the user's view could
 * land on a file the user planted there.  Not O_CLOEXEC: a script is
 * read through /dev/fd/N by its interpreter.
 */
struct program {
	int fd;
	char argv0[PATH_MAX];
	char **argv;
	char *shell_argv[2];
};

static int
open_executable(const char *path)
{
	struct stat st;
	int fd = open(path, O_PATH);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    !(st.st_mode & 0111)) {
		close(fd);
		return -EACCES;
	}
	return fd;
}

/* @name as execvp(3) would find it in PATH, but in this view. */
static int
find_in_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *end;
	char file[PATH_MAX];
	int fd, r = -ENOENT;

	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		       "/sbin:/bin";
	for (p = path; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		/* An empty or relative entry would name the cwd. */
		if (*p != '/' ||
		    (size_t)snprintf(file, sizeof(file), "%.*s/%s",
				     (int)(end - p), p, name) >= sizeof(file))
			continue;
		fd = open_executable(file);
		if (fd >= 0)
			return fd;
		if (fd != -ENOENT)
			r = fd;
	}
	return r;
}

/* The command, or the invoking root's shell as a login shell ("-sh"). */
static int
open_program(char **cmd, struct program *pg)
{
	const char *shell = getenv("SHELL"), *what;

	if (cmd[0]) {
		what = cmd[0];
		pg->argv = cmd;
		pg->fd = strchr(what, '/') ? open_executable(what)
					   : find_in_path(what);
	} else {
		if (!shell || shell[0] != '/')
			shell = "/bin/sh";
		what = shell;
		snprintf(pg->argv0, sizeof(pg->argv0), "-%s",
			 strrchr(shell, '/') + 1);
		pg->shell_argv[0] = pg->argv0;
		pg->argv = pg->shell_argv;
		pg->fd = open_executable(shell);
	}
	if (pg->fd >= 0)
		return 0;
	fprintf(stderr, PROG ": enter: cannot run %s: %s\n", what,
		strerror(-pg->fd));
	return pg->fd == -ENOENT ? 127 : 126;
}

static int
exec_program(const struct program *pg)
{
	syscall(SYS_execveat, pg->fd, "", pg->argv, environ, AT_EMPTY_PATH);
	fprintf(stderr, PROG ": enter: cannot run %s: %s\n", pg->argv[0],
		strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

int
cmd_enter(int argc, char **argv)
{
	struct dest d = {.fd = -1};
	struct program pg = {.fd = -1};
	struct mntns_error e;
	struct opts o;
	char **cmd;
	pid_t pid;
	int r;

	r = root_command(argc, argv, OPT_IN_ORDER, 1, "USER or PID", &o);
	if (r >= 0)
		return r;
	cmd = o.argv + 1;
	if (cmd[0] && !strcmp(cmd[0], "--"))
		cmd++;
	/* Before anything: from a chroot neither a namespace's pin nor the
	 * way out of the chroot that setns(2) would be are to be had. */
	r = refuse_chrooted(&e);
	if (r < 0) {
		fprintf(stderr, PROG ": enter: %s\n", e.msg);
		return 1;
	}
	r = pid_parse(o.argv[0], &pid) ? pid_dest(pid, &d)
				       : user_dest(o.argv[0], &d);
	if (r == 0 && (r = open_program(cmd, &pg)) > 0) {
		closep(&d.fd);
		return r;
	}
	if (r == 0)
		r = join(&d);
	closep(&d.fd);
	if (r < 0)
		return 1;
	/* Nothing was written to stdout; the command owns it now. */
	fflush(NULL);
	return exec_program(&pg);
}
