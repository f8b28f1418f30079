/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * floor.so: the benchmark's floor, never installed.  A PAM session module
 * that makes only the system calls a perfect pam_mntns needs for the
 * benchmark config (a private 0700 tmpfs of the user on /tmp and
 * /var/tmp): a new mount namespace, "/" made a recursive slave, two
 * tmpfs mounts.  The owner comes as module arguments, one
 * "user=NAME:UID:GID" per benchmark user (a login storm spreads over
 * several users), so there is no user lookup and no config file to pay
 * for: only PAM_USER compared with a few names.
 */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#define PAM_SM_SESSION
#include <security/pam_modules.h>

#define FLOOR_FLAGS (MS_NOSUID | MS_NODEV)

/* The "UID:GID" of @user's "user=NAME:UID:GID" argument, or NULL. */
static const char *
owner_of(const char *user, int argc, const char **argv)
{
	size_t len = strlen(user);
	int i;

	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "user=", 5) &&
		    !strncmp(argv[i] + 5, user, len) && argv[i][5 + len] == ':')
			return argv[i] + 6 + len;
	return NULL;
}

PAM_EXTERN int
pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const void *user = NULL;
	const char *owner, *gid;
	char data[64];
	int n;

	(void)flags;
	if (pam_get_item(pamh, PAM_USER, &user) != PAM_SUCCESS || !user)
		return PAM_SERVICE_ERR;
	owner = owner_of(user, argc, argv);
	gid = owner ? strchr(owner, ':') : NULL;
	if (!gid)
		return PAM_SERVICE_ERR;
	n = snprintf(data, sizeof(data), "mode=0700,uid=%.*s,gid=%s",
		     (int)(gid - owner), owner, gid + 1);
	if (n < 0 || n >= (int)sizeof(data))
		return PAM_SERVICE_ERR;
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
	    mount("floor", "/tmp", "tmpfs", FLOOR_FLAGS, data) < 0 ||
	    mount("floor", "/var/tmp", "tmpfs", FLOOR_FLAGS, data) < 0)
		return PAM_SESSION_ERR;
	return PAM_SUCCESS;
}
