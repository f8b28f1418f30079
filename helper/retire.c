/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * retire USER...: the user's scope=user namespace is no longer joined;
 * the next login builds a fresh one, processes in the old one keep it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "helper.h"
#include "live.h"

/*
 * Under the user's lock, so that no login joins the namespace between
 * the read and the removal: the next scope=user login builds a fresh
 * one; processes in the old one keep their view.
 */
static int
retire_user(int run, const char *user)
{
	_cleanup_(closep) int lock = -1;
	char name[NS_NAME_MAX], who[64];
	struct mntns_error e;
	struct ns_ident ns;
	uid_t uid;
	int r;

	mask_text(who, sizeof(who), user);
	r = user_uid("retire", user, &uid);
	if (r < 0)
		return r;
	lock = user_lock(run, uid, &e);
	if (lock < 0) {
		fprintf(stderr, PROG ": retire: %s\n", e.msg);
		return lock;
	}
	r = user_current_read(run, uid, &ns, NULL);
	if (r == 0)
		r = user_retire(run, uid);
	if (r == -ENOENT) {
		printf("%s has no scope=user namespace to retire\n", who);
		return 0;
	}
	if (r < 0) {
		fprintf(stderr, PROG ": retire: %s: %s\n", who, strerror(-r));
		return r;
	}
	ns_name(&ns, name);
	printf("%s: retired %s; the next login builds a fresh namespace, "
	       "processes in the old one keep it\n",
	       who, name);
	return 0;
}

int
cmd_retire(int argc, char **argv)
{
	_cleanup_(closep) int run = -1;
	char who[64];
	struct opts o;
	uid_t uid;
	int i, r, failed = 0;

	r = root_command(argc, argv, 0, 1, "USER", &o);
	if (r >= 0)
		return r;
	run = registry_open(false, NULL);
	for (i = 0; i < o.argc; i++) {
		if (run == -ENOENT) {
			r = user_uid("retire", o.argv[i], &uid);
			failed |= r < 0;
			if (r == 0)
				printf("%s has no scope=user namespace to "
				       "retire\n",
				       mask_text(who, sizeof(who), o.argv[i]));
			continue;
		}
		if (run < 0) {
			fprintf(stderr, PROG ": retire: cannot open %s: %s\n",
				MNTNS_RUN_DIR, strerror(-run));
			return 1;
		}
		failed |= retire_user(run, o.argv[i]) < 0;
	}
	return failed;
}
