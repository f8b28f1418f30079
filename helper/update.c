/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * update [--dry-run] [--lazy] USER...|--all: the live namespaces of each
 * user brought to the plan the config gives the user now, with the
 * processes in them running.  Each is entered only as enter enters one
 * (live.h: proven by its ID or pin), under the user's lock, from a child
 * that joins it and applies the change all or nothing (mount/update.h);
 * its record then names the new plan.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "helper.h"
#include "live.h"
#include "mount/update.h"
#include "plan/fingerprint.h"
#include "plan/login.h"
#include "session/registry.h"
#include "session/switch.h"

/* One user's run: the current plan, and how each namespace fared. */
struct job {
	const struct opts *o;
	const char *who; /* masked for the terminal */
	struct login l;
	char *now; /* plan_text() of l.plan */
	int run;
};

static int
print_change(enum plan_change c, const char *old, size_t old_len,
	     const char *new, size_t new_len, void *ctx)
{
	char a[PATH_MAX * 2], b[PATH_MAX * 2];

	(void)ctx;
	snprintf(a, sizeof(a), "%.*s", (int)old_len, old ? old : "");
	snprintf(b, sizeof(b), "%.*s", (int)new_len, new ? new : "");
	plan_change_print("  ", c, a, b);
	return 0;
}

/* In the child: joins @ns through its proof and applies @u. */
static int
apply_in(const struct live_ns *ns, const struct update *u, int out)
{
	struct mntns_error e = {0};
	int r = ns_join(ns->fd, &ns->rec.ns, &e);

	if (r == 0 && chdir("/") < 0)
		r = err_set(&e, -errno, "chdir /: %s", strerror(errno));
	if (r == 0)
		r = update_apply(u, &e);
	if (r < 0 && write(out, e.msg, strlen(e.msg)) < 0)
		r = -EIO;
	return r < 0;
}

/* Runs apply_in() in a child; 0, or -1 with its message in @why. */
static int
apply_child(const struct live_ns *ns, const struct update *u, char *why,
	    size_t len)
{
	int fds[2], status = 0;
	ssize_t n = 0;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return snprintf(why, len, "pipe: %s", strerror(errno)), -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		_exit(apply_in(ns, u, fds[1]));
	}
	close(fds[1]);
	if (pid > 0)
		n = read(fds[0], why, len - 1);
	why[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	if (pid < 0)
		return snprintf(why, len, "fork: %s", strerror(errno)), -1;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		if (!why[0])
			snprintf(why, len, "the process applying it failed");
		return -1;
	}
	return 0;
}

/* The record of @ns names the current plan (whose text is kept). */
static int
record_plan(struct job *j, struct live_ns *ns)
{
	struct mntns_error e;

	ns->rec.plan = plan_fingerprint(j->now);
	plan_text_keep(j->run, ns->rec.plan, j->now);
	if (ns_record_write(j->run, &ns->rec, &e) < 0) {
		fprintf(stderr, PROG ": update: %s\n", e.msg);
		return -1;
	}
	return 0;
}

/* Why @ns cannot be updated, or NULL. */
static const char *
cannot(const struct live_ns *ns, enum plan_state state)
{
	if (ns->fd < 0)
		return "nothing proves it is the one pam_mntns made (no pin "
		       "on a kernel without namespace IDs)";
	if (state == PLAN_UNKNOWN)
		return "the plan it was built from is not known (made by an "
		       "older module); retire it instead";
	return NULL;
}

static int
update_ns(struct job *j, struct live_ns *ns)
{
	enum plan_state state = plan_state(&ns->rec, j->now);
	const char *no;
	_cleanup_(freep) char *was = NULL;
	char name[NS_NAME_MAX], why[1024];
	struct update u;
	int r;

	ns_name(&ns->rec.ns, name);
	if (state == PLAN_CURRENT) {
		printf("%s: %s is up to date\n", j->who, name);
		return 0;
	}
	no = cannot(ns, state);
	if (!no && plan_text_kept(&ns->rec, &was) < 0)
		no = "the text of the plan it was built from was not kept; "
		     "retire it instead";
	if (no) {
		fprintf(stderr, PROG ": update: %s: %s: %s\n", j->who, name,
			no);
		return -1;
	}
	r = update_prepare(&u, was, &j->l.plan);
	u.lazy = j->o->lazy;
	if (r < 0) {
		fprintf(stderr, PROG ": update: %s: %s: %s\n", j->who, name,
			strerror(-r));
		return -1;
	}
	printf("%s: %s%s:\n", j->who, name,
	       j->o->dry_run ? " would change" : "");
	plan_text_diff(was, j->now, print_change, NULL);
	r = j->o->dry_run ? 0 : apply_child(ns, &u, why, sizeof(why));
	update_free(&u);
	if (r < 0) {
		fprintf(stderr, PROG ": update: %s: %s is left as it was: %s\n",
			j->who, name, why);
		return -1;
	}
	if (j->o->dry_run)
		return 0;
	r = record_plan(j, ns);
	syslog(LOG_AUTHPRIV | LOG_NOTICE,
	       "%s: %s brought to the current plan by update", j->who, name);
	printf("%s: %s updated\n", j->who, name);
	return r;
}

/* Every live namespace of @user, under the user's lock. */
static int
update_user(struct job *j, const char *user)
{
	struct live l = {.keep_fd = true};
	_cleanup_(closep) int lock = -1;
	char why[sizeof(j->l.e.msg) + 256];
	struct settings args;
	struct mntns_error e;
	size_t i, n = 0;
	int r, failed = 0;

	r = user_uid("update", user, &l.only);
	if (r < 0)
		return -1;
	settings_init(&args);
	args.conf = j->o->conf;
	login_prepare(&j->l, user, &args);
	if (j->l.outcome != LOGIN_PLAN && j->l.outcome != LOGIN_NO_RULE) {
		error_text(&j->l.e, why, sizeof(why));
		fprintf(stderr,
			PROG ": update: %s: the current plan is "
			     "refused: %s\n",
			j->who, why);
		login_free(&j->l);
		return -1;
	}
	j->now = plan_text(&j->l.plan);
	lock = j->now ? user_lock(j->run, l.only, &e) : -ENOMEM;
	if (lock < 0) {
		fprintf(stderr, PROG ": update: %s\n",
			lock == -ENOMEM ? "out of memory" : e.msg);
		failed = 1;
	}
	if (!failed && live_collect(&l) < 0)
		failed = 1;
	for (i = 0; !failed && i < l.n; i++) {
		if (l.ns[i].life != NS_LIVE)
			continue;
		n++;
		failed |= update_ns(j, &l.ns[i]) < 0;
	}
	if (!failed && n == 0)
		printf("%s has no live namespace\n", j->who);
	live_free(&l);
	free(j->now);
	j->now = NULL;
	login_free(&j->l);
	return failed ? -1 : 0;
}

/* The users with a live namespace, once each, in uid order. */
static int
all_users(char ***users, size_t *n)
{
	struct live l = {.only = (uid_t)-1};
	size_t i;
	int r = live_collect(&l);

	for (i = 0; r == 0 && i < l.n; i++)
		if (i == 0 || l.ns[i].rec.uid != l.ns[i - 1].rec.uid)
			r = strv_append(users, n, l.ns[i].user);
	live_free(&l);
	return r;
}

int
cmd_update(int argc, char **argv)
{
	_cleanup_(closep) int run = -1;
	struct job j = {0};
	struct opts o;
	char **users = NULL, who[64];
	uid_t uid;
	size_t n = 0, i;
	int r, failed = 0;

	r = root_command(argc, argv, OPT_CONF | OPT_UPDATE, 0, "USER...|--all",
			 &o);
	if (r >= 0)
		return r;
	if (o.all == (o.argc > 0))
		return misuse("update: expected USER... or --all");
	run = registry_open(false, NULL);
	if (run == -ENOENT && o.all)
		return 0; /* nothing was ever recorded */
	if (run < 0 && run != -ENOENT) {
		fprintf(stderr, PROG ": update: cannot open %s: %s\n",
			MNTNS_RUN_DIR, strerror(-run));
		return 1;
	}
	if (o.all && all_users(&users, &n) < 0)
		return 1;
	openlog(PROG, LOG_PID, LOG_AUTHPRIV);
	j.o = &o;
	j.run = run;
	for (i = 0; i < (o.all ? n : (size_t)o.argc); i++) {
		j.who = mask_text(who, sizeof(who),
				  o.all ? users[i] : o.argv[i]);
		if (run == -ENOENT) {
			if (user_uid("update", o.argv[i], &uid) < 0)
				failed = 1;
			else
				printf("%s has no live namespace\n", j.who);
			continue;
		}
		failed |= update_user(&j, o.all ? users[i] : o.argv[i]) < 0;
	}
	for (i = 0; i < n; i++)
		free(users[i]);
	free(users);
	return failed;
}
