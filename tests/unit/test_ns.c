/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How the engine names the namespace it is in: statmount(2) where the
 * kernel has it, a namespace file (through a pidfd, or /proc) elsewhere.
 * Both must name the namespace /proc/self/ns/mnt names, before and after
 * an unshare.
 */
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "session/nsid.h"
#include "unit.h"

/* What /proc/self/ns/mnt says, the reference. */
static void
proc_ident(struct ns_ident *out)
{
	int fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(ns_ident_of(fd, out), 0);
	close(fd);
}

/* 0 when every way names the namespace of /proc/self/ns/mnt. */
static int
check_here(void)
{
	struct ns_ident ref, got, opened;
	struct stat a, b;
	int fd;

	proc_ident(&ref);
	if (self_ns_ident(&got) < 0 || !ns_ident_equal(&got, &ref))
		return 1;
	/* With a kernel ID, statmount's must be that very number. */
	if (ref.id && got.id != ref.id)
		return 2;
	fd = self_ns_open();
	if (fd < 0 || ns_ident_of(fd, &opened) < 0 ||
	    !ns_ident_equal(&opened, &ref) || fstat(fd, &a) < 0 ||
	    stat("/proc/self/ns/mnt", &b) < 0 || a.st_ino != b.st_ino)
		return 3;
	close(fd);
	return 0;
}

static void
test_self_ns_here(void **state)
{
	(void)state;
	assert_int_equal(check_here(), 0);
}

/* In a new namespace (a child, so that this process keeps its own). */
static void
test_self_ns_after_unshare(void **state)
{
	struct ns_ident before, after;
	int status;
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	proc_ident(&before);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
			_exit(10);
		proc_ident(&after);
		if (ns_ident_equal(&after, &before))
			_exit(11);
		_exit(check_here());
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_self_ns_here),
		cmocka_unit_test(test_self_ns_after_unshare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
