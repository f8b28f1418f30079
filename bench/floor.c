/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * floor.so: the benchmark's floor, never installed.  A PAM session module
 * that makes only the system calls a perfect pam_mntns needs for the
 * benchmark config (a private 0700 tmpfs of the user on /tmp and
 * /var/tmp): a new mount namespace, "/" made a recursive slave, two
 * tmpfs mounts.  The owner comes as module arguments ("uid=N gid=N"),
 * so there is no user lookup, no config file and no parsing to pay for.
 */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#define PAM_SM_SESSION
#include <security/pam_modules.h>

#define FLOOR_FLAGS (MS_NOSUID | MS_NODEV)

PAM_EXTERN int
pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const char *uid = NULL, *gid = NULL;
	char data[64];
	int i;

	(void)pamh;
	(void)flags;
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "uid=", 4))
			uid = argv[i] + 4;
		else if (!strncmp(argv[i], "gid=", 4))
			gid = argv[i] + 4;
	}
	if (!uid || !gid ||
	    snprintf(data, sizeof(data), "mode=0700,uid=%s,gid=%s", uid, gid) >=
		    (int)sizeof(data))
		return PAM_SERVICE_ERR;
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
	    mount("floor", "/tmp", "tmpfs", FLOOR_FLAGS, data) < 0 ||
	    mount("floor", "/var/tmp", "tmpfs", FLOOR_FLAGS, data) < 0)
		return PAM_SESSION_ERR;
	return PAM_SUCCESS;
}

PAM_EXTERN int
pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
