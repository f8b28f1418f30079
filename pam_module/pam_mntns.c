/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pam_mntns: a private mount namespace for every session, set up from
 * /etc/security/pam_mntns.conf before the user's shell starts.
 *
 * This file only turns arguments into options and library results into
 * PAM return codes and log lines; the work is in lib/.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#define PAM_SM_SESSION
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "plan/login.h"
#include "session/session.h"
#include "session/vouch.h"

#define MODULE_DATA "pam_mntns_session"

/* The PAM line's arguments, through the one table of settings. */
static int
parse_args(pam_handle_t *pamh, int argc, const char **argv,
	   struct settings *args)
{
	struct mntns_error e;
	int i;

	settings_init(args);
	for (i = 0; i < argc; i++) {
		if (setting_parse(args, argv[i], SETTING_PAM, &e) < 0) {
			pam_syslog(pamh, LOG_ERR,
				   "unknown or malformed argument '%s': %s",
				   argv[i], e.msg);
			return PAM_SERVICE_ERR;
		}
	}
	return PAM_SUCCESS;
}

/*
 * Reports a failure once: syslog, the user (unless PAM_SILENT), and the
 * return code, which nofail turns into PAM_IGNORE when the session was
 * left in its original namespace and that is not another user's view.
 */
static int
fail(pam_handle_t *pamh, const struct login *l, int flags, int code, int err,
     const char *user, const struct mntns_error *e)
{
	char who[64], msg[sizeof(e->file) + sizeof(e->msg) + 16];
	bool ignore = login_goes_on(l, err, e);

	/* Log lines stay one line whatever NSS returned (SECURITY.md 8). */
	mask_text(who, sizeof(who), user);
	err_format(e, msg, sizeof(msg));
	mask_text(msg, sizeof(msg), msg);
	pam_syslog(pamh, LOG_ERR, "user %s: %s%s", who, msg,
		   ignore ? " (nofail: session continues without a private "
			    "namespace)"
			  : "");
	if (ignore)
		return PAM_IGNORE;
	if (!(flags & PAM_SILENT))
		pam_error(pamh,
			  "pam_mntns: cannot set up your private mounts: %s",
			  msg);
	return code;
}

static void
log_plan(pam_handle_t *pamh, const struct plan *p)
{
	char target[PATH_MAX], source[PATH_MAX];
	const struct plan_entry *pe;
	size_t i;

	for (i = 0; i < p->n; i++) {
		pe = &p->entries[i];
		mask_text(target, sizeof(target), pe->target);
		mask_text(source, sizeof(source), pe->source ? pe->source : "");
		pam_syslog(pamh, LOG_DEBUG, "plan %zu: %s %s%s%s (%s:%u)",
			   i + 1, method_name(pe->method), target,
			   pe->source ? " <- " : "", source, pe->rule->file,
			   pe->rule->line);
	}
}

/* What close_session needs: the session, and debug from the config. */
struct module_state {
	struct session_state session;
	bool debug;
};

static void
free_state(pam_handle_t *pamh, void *data, int status)
{
	struct module_state *ms = data;

	(void)pamh;
	(void)status;
	session_state_close(&ms->session);
	free(ms);
}

/*
 * The state is registered before anything is mounted, so that nothing can
 * fail once the namespace exists: all or nothing.
 */
static struct session_state *
prepare_state(pam_handle_t *pamh, bool debug)
{
	struct module_state *ms = calloc(1, sizeof(*ms));

	if (!ms)
		return NULL;
	ms->debug = debug;
	ms->session = (struct session_state)SESSION_STATE_INIT;
	if (pam_set_data(pamh, MODULE_DATA, ms, free_state) != PAM_SUCCESS) {
		free(ms);
		return NULL;
	}
	return &ms->session;
}

static const char *
service_name(pam_handle_t *pamh)
{
	const void *item = NULL;

	if (pam_get_item(pamh, PAM_SERVICE, &item) != PAM_SUCCESS || !item)
		return "?";
	return item;
}

/* The kernel may name the namespace by its ID alone (statmount, 6.11):
 * the log gives the inode that /proc/PID/ns/mnt shows. */
static void
log_done(pam_handle_t *pamh, const struct login *l, struct session_state *st)
{
	char ns[NS_NAME_MAX], who[64];

	ns_add_inode(&st->ns);
	ns_name(&st->ns, ns);
	mask_text(who, sizeof(who), l->id.user);
	if (st->joined)
		pam_syslog(pamh, LOG_DEBUG, "%s: joined namespace %s", who, ns);
	else
		pam_syslog(pamh, LOG_DEBUG, "%s: namespace %s, %zu mounts", who,
			   ns, st->mounts);
}

/*
 * A login with no rule keeps no namespace of its own, but when it starts
 * inside one this module made (sudo -i, su - from a user's shell) it goes
 * back to the view that one was built from: the host's.
 */
static int
no_rule(pam_handle_t *pamh, struct login *l, int flags, const char *user)
{
	char who[64], ns[NS_NAME_MAX];
	struct ns_ident to;
	int r;

	mask_text(who, sizeof(who), user);
	if (l->set.debug)
		pam_syslog(pamh, LOG_DEBUG, "no rule applies to %s", who);
	r = session_host_view(user, &to, &l->e);
	if (r < 0)
		return fail(pamh, l, flags, PAM_SESSION_ERR, r, user, &l->e);
	if (r == 0)
		return PAM_IGNORE;
	if (l->set.debug) {
		ns_add_inode(&to);
		ns_name(&to, ns);
		pam_syslog(pamh, LOG_DEBUG,
			   "%s: left the namespace this login started in for "
			   "the view it was built from, %s",
			   who, ns);
	}
	return PAM_SUCCESS;
}

/* The login of a user the plan applies to: its namespace. */
static int
open_namespace(pam_handle_t *pamh, struct login *l, int flags)
{
	struct session_args a = {
		.plan = &l->plan,
		.id = &l->id,
		.scope = l->set.scope,
		.service = service_name(pamh),
		.max_namespaces = l->set.max_namespaces,
	};
	struct session_state *st;
	int r;

	if (l->set.debug)
		log_plan(pamh, &l->plan);
	st = prepare_state(pamh, l->set.debug);
	if (!st) {
		err_set(&l->e, -ENOMEM, "out of memory");
		return fail(pamh, l, flags, PAM_BUF_ERR, -ENOMEM, l->id.user,
			    &l->e);
	}
	r = session_open(&a, st, &l->e);
	if (r < 0) {
		/* Replacing an entry frees the state and allocates nothing. */
		pam_set_data(pamh, MODULE_DATA, NULL, NULL);
		return fail(pamh, l, flags, PAM_SESSION_ERR, r, l->id.user,
			    &l->e);
	}
	if (l->set.debug)
		log_done(pamh, l, st);
	return PAM_SUCCESS;
}

PAM_EXTERN int
pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct settings args;
	struct login l;
	const void *item = NULL;
	const char *user;
	int r;

	r = parse_args(pamh, argc, argv, &args);
	if (r != PAM_SUCCESS)
		return r;
	if (pam_get_item(pamh, PAM_USER, &item) != PAM_SUCCESS || !item ||
	    !*(const char *)item) {
		pam_syslog(pamh, LOG_ERR, "no user name in the PAM handle");
		return args.nofail ? PAM_IGNORE : PAM_USER_UNKNOWN;
	}
	user = item;
	login_prepare(&l, user, &args);
	switch (l.outcome) {
	case LOGIN_PLAN:
		r = open_namespace(pamh, &l, flags);
		break;
	case LOGIN_NO_RULE:
		r = no_rule(pamh, &l, flags, l.id.user ? l.id.user : user);
		break;
	case LOGIN_NO_USER:
		r = fail(pamh, &l, flags, PAM_USER_UNKNOWN, l.err, user, &l.e);
		break;
	default:
		r = fail(pamh, &l, flags, PAM_SESSION_ERR, l.err, user, &l.e);
		break;
	}
	login_free(&l);
	return r;
}

/* What became of the records, for the debug line of a closing session. */
static const char *
close_note(int r)
{
	switch (r) {
	case -ENOENT:
		return " (its record was gone)";
	case LEAVE_KEPT:
		return " (processes remain in it: its record stays)";
	case LEAVE_DEFERRED:
		return " (its record stays until the next login or list "
		       "finds the namespace gone)";
	case LEAVE_GONE:
	case LEAVE_UNPIN:
		return "";
	}
	return r == -ETIMEDOUT ? " (its user's lock is held: its records are "
				 "left for the next login)"
			       : " (its record could not be removed)";
}

PAM_EXTERN int
pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const struct module_state *ms;
	const struct session_state *st;
	const void *data = NULL;
	char ns[NS_NAME_MAX];
	struct settings args;
	int r;

	(void)flags;
	r = parse_args(pamh, argc, argv, &args);
	if (r != PAM_SUCCESS)
		return r;
	if (pam_get_data(pamh, MODULE_DATA, &data) != PAM_SUCCESS || !data)
		return PAM_IGNORE;
	ms = data;
	st = &ms->session;
	r = session_close(st, args.debug || ms->debug);
	ns_name(&st->ns, ns);
	if (args.debug || ms->debug)
		pam_syslog(pamh, LOG_DEBUG, "closing session in %s%s", ns,
			   close_note(r));
	return PAM_SUCCESS;
}
