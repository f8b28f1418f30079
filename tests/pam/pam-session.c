/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test client: opens a PAM session through real libpam, reports the
 * result and the mount namespace before and after, runs a probe command
 * inside the session (as root or as the user), then closes the session.
 *
 *   pam-session -s SERVICE -u USER [-c CONFDIR] [-r] [-T] [-- CMD ARGS]
 */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct {
	int code;
	const char *name;
} codes[] = {
	{PAM_SUCCESS, "PAM_SUCCESS"},
	{PAM_IGNORE, "PAM_IGNORE"},
	{PAM_SESSION_ERR, "PAM_SESSION_ERR"},
	{PAM_SERVICE_ERR, "PAM_SERVICE_ERR"},
	{PAM_USER_UNKNOWN, "PAM_USER_UNKNOWN"},
	{PAM_SYSTEM_ERR, "PAM_SYSTEM_ERR"},
	{PAM_BUF_ERR, "PAM_BUF_ERR"},
	{PAM_PERM_DENIED, "PAM_PERM_DENIED"},
	{PAM_ABORT, "PAM_ABORT"},
};

static const char *
code_name(int c)
{
	static char buf[32];
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == c)
			return codes[i].name;
	snprintf(buf, sizeof(buf), "PAM_%d", c);
	return buf;
}

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
     void *data)
{
	int i;

	(void)data;
	for (i = 0; i < n; i++)
		fprintf(stderr, "conv[%d]: %s\n", msg[i]->msg_style,
			msg[i]->msg);
	*resp = calloc((size_t)n, sizeof(**resp));
	return *resp ? PAM_SUCCESS : PAM_BUF_ERR;
}

static unsigned long
ns_ino(void)
{
	struct stat st;

	return stat("/proc/self/ns/mnt", &st) == 0 ? (unsigned long)st.st_ino
						   : 0;
}

static void *
sleeper(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

static int
drop_to(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (!pw || initgroups(user, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0)
		return -1;
	if (setenv("HOME", pw->pw_dir, 1) < 0 || setenv("USER", user, 1) < 0)
		return -1;
	return chdir("/");
}

static int
run(char **cmd, const char *as_user)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (as_user && drop_to(as_user) < 0) {
			perror("pam-session: dropping privileges");
			_exit(126);
		}
		execvp(cmd[0], cmd);
		perror(cmd[0]);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int
main(int argc, char **argv)
{
	const char *service = NULL, *user = NULL, *confdir = NULL;
	struct pam_conv pc = {conv, NULL};
	bool as_user = false, threaded = false;
	pam_handle_t *h = NULL;
	pthread_t t;
	int c, r;

	while ((c = getopt(argc, argv, "s:u:c:rT")) != -1) {
		switch (c) {
		case 's':
			service = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'c':
			confdir = optarg;
			break;
		case 'r':
			as_user = true;
			break;
		case 'T':
			threaded = true;
			break;
		default:
			return 2;
		}
	}
	if (!service || !user) {
		fprintf(stderr, "usage: pam-session -s SERVICE -u USER "
				"[-c CONFDIR] [-r] [-T] [-- CMD...]\n");
		return 2;
	}
	if (threaded && pthread_create(&t, NULL, sleeper, NULL) != 0)
		return 3;
	r = confdir ? pam_start_confdir(service, user, &pc, confdir, &h)
		    : pam_start(service, user, &pc, &h);
	if (r != PAM_SUCCESS) {
		printf("start=%s\n", code_name(r));
		return 1;
	}
	printf("ns_before=%lu\n", ns_ino());
	r = pam_open_session(h, 0);
	printf("open=%s\n", code_name(r));
	printf("ns_after=%lu\n", ns_ino());
	if ((r == PAM_SUCCESS || r == PAM_IGNORE) && optind < argc)
		printf("cmd_status=%d\n",
		       run(argv + optind, as_user ? user : NULL));
	if (r == PAM_SUCCESS)
		printf("close=%s\n", code_name(pam_close_session(h, 0)));
	pam_end(h, r);
	return 0;
}
