/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The view a login's namespace is built from (base.h), and the way back
 * to it for a login no rule applies to (session_host_view()).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "session/base.h"
#include "session/pin.h"
#include "session/session.h"
#include "session/switch.h"
#include "session/vouch.h"

/*
 * Whether the caller's view @cur is one the module made, or a copy of
 * one: it carries the mark (pin.h), which holds even when the records are
 * gone, or it has a record, which holds where the mark cannot be seen (a
 * caller chrooted inside it).  0 with the view it was built from in
 * b->ns, -ENOENT when it is not one, or another -errno.
 */
static int
module_view(int run, const struct ns_ident *cur, struct base *b)
{
	struct ns_record outer;
	int m = view_base(run, &b->ns);
	int o = ns_record_read(run, cur, &outer);

	if (m < 0 && m != -ENOENT)
		return m;
	if (m == -ENOENT && o < 0)
		return -ENOENT;
	/* The record, if any, gives a process to try first. */
	b->pid = o == 0 ? outer.base_pid : 0;
	b->outer_uid = o == 0 ? outer.uid : (uid_t)-1;
	if (m == -ENOENT)
		b->ns = outer.base;
	return 0;
}

/*
 * A login that starts in a view the module made is built from, or goes
 * back to, the view that one was built from, proven by a process of
 * root's there; failing that, nofail must not let it go on.
 */
static int
open_module_base(struct base *b, const char *user, struct mntns_error *e)
{
	char whose[48] = "";

	if (b->outer_uid != (uid_t)-1)
		snprintf(whose, sizeof(whose), " for uid %u",
			 (unsigned)b->outer_uid);
	b->fd = vouch_base(&b->ns, b->pid, &b->pid);
	if (b->fd < 0)
		return err_fatal(e, err_set(e, b->fd,
					    "this login starts inside the "
					    "namespace made%s, and no process "
					    "of root's is left in the view it "
					    "was built from; refusing to give "
					    "%s that view",
					    whose, user));
	return 0;
}

int
base_find(int run, int cur_fd, struct base *b, const char *user,
	  struct mntns_error *e)
{
	struct ns_ident cur;
	int r;

	b->fd = -1;
	b->pid = 0;
	b->outer_uid = (uid_t)-1;
	r = ns_id_of(cur_fd, &cur);
	if (r < 0)
		return err_set(e, r,
			       "cannot identify the current mount namespace: "
			       "%s",
			       strerror(-r));
	r = module_view(run, &cur, b);
	if (r == -ENOENT) {
		/* b->pid 0: the caller's parent, asked when recorded. */
		b->ns = cur;
		return 0;
	}
	if (r < 0)
		return err_fatal(e, err_set(e, r,
					    "cannot tell whether this login "
					    "starts inside a namespace of "
					    "pam_mntns (%s/view/base): %s",
					    MNTNS_RUN_DIR, strerror(-r)));
	return open_module_base(b, user, e);
}

int
session_host_view(const char *user, struct ns_ident *to, struct mntns_error *e)
{
	struct ns_saved saved = NS_SAVED_INIT;
	_cleanup_(closep) int run = -1;
	struct base b = {.fd = -1, .outer_uid = (uid_t)-1};
	struct ns_ident cur;
	int r;

	memset(to, 0, sizeof(*to));
	run = registry_open(false, e);
	if (run == -ENOENT)
		return 0; /* nothing was ever made: this is the host's view */
	if (run < 0)
		return run;
	r = self_ns_ident(&cur);
	if (r == 0)
		r = module_view(run, &cur, &b);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return err_set(e, r,
			       "cannot tell whether this login starts inside "
			       "a namespace of pam_mntns: %s",
			       strerror(-r));
	r = ns_save(&saved, e);
	if (r == 0)
		r = open_module_base(&b, user, e);
	if (r == 0) {
		r = ns_join(b.fd, &b.ns, e);
		if (r == 0)
			*to = b.ns;
		else
			r = err_fatal(e, ns_restore(&saved, r, e));
	}
	closep(&b.fd);
	ns_saved_close(&saved);
	return r < 0 ? r : 1;
}
