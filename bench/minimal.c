/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * minimal.so: a benchmark-only calibration point, never installed.  The
 * least a real module must do for the benchmark config, as the budget
 * in doc/design.md describes it: look the user up (getpwnam_r), read a
 * small config file ("USER,USER... TARGET ..." lines; the pam_mntns one
 * is read as is), then unshare, make "/" a recursive slave, and for
 * each of the user's targets resolve it without following symlinks
 * (openat2), check it is a directory and mount a 0700 tmpfs of the user
 * on it through /proc/self/fd.  No rollback, no records, no error
 * messages: what it costs over the floor is what any module doing the
 * job pays.
 *
 *   session required minimal.so conf=/path/to/pam_mntns.conf
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAM_SM_SESSION
#include <security/pam_modules.h>

#define MAX_TARGETS 8

struct job {
	char targets[MAX_TARGETS][256];
	int n;
	uid_t uid;
	gid_t gid;
};

/* Whether the comma list @who names @user. */
static int
selects(const char *who, const char *user)
{
	size_t len = strlen(user);
	const char *p;

	for (p = who; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, user, len) && (p[len] == ',' || !p[len]))
			return 1;
	return 0;
}

static int
read_conf(const char *path, const char *user, struct job *j)
{
	char buf[4096], name[256], target[256];
	char *line, *save = NULL;
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len < 0)
		return -1;
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line && j->n < MAX_TARGETS;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%255s %255s", name, target) == 2 &&
		    selects(name, user))
			memcpy(j->targets[j->n++], target, sizeof(target));
	}
	return 0;
}

static int
mount_target(const char *target, const struct job *j)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	char path[64], data[64];
	struct stat st;
	int fd, r = -1;

	fd = (int)syscall(SYS_openat2, AT_FDCWD, target, &how, sizeof(how));
	if (fd < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	snprintf(data, sizeof(data), "mode=0700,uid=%u,gid=%u",
		 (unsigned)j->uid, (unsigned)j->gid);
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		r = mount("minimal", path, "tmpfs", MS_NOSUID | MS_NODEV, data);
	close(fd);
	return r;
}

PAM_EXTERN int
pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct passwd pw, *res = NULL;
	const void *user = NULL;
	struct job j = {.n = 0};
	char buf[4096];
	int i;

	(void)flags;
	if (argc != 1 || strncmp(argv[0], "conf=", 5) ||
	    pam_get_item(pamh, PAM_USER, &user) != PAM_SUCCESS || !user)
		return PAM_SERVICE_ERR;
	if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) != 0 || !res)
		return PAM_USER_UNKNOWN;
	j.uid = pw.pw_uid;
	j.gid = pw.pw_gid;
	if (read_conf(argv[0] + 5, user, &j) < 0)
		return PAM_SESSION_ERR;
	if (j.n == 0)
		return PAM_IGNORE;
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return PAM_SESSION_ERR;
	for (i = 0; i < j.n; i++)
		if (mount_target(j.targets[i], &j) < 0)
			return PAM_SESSION_ERR;
	return PAM_SUCCESS;
}
