/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pam_mntns_helper: the administrator's tool for the pam_mntns config and
 * the namespaces the module made.  One file per command (check.c,
 * show.c, prepare.c, list.c, enter.c, retire.c, update.c), with what
 * several share beside them (live.c: the namespaces that exist;
 * plans.c: a namespace's plan against the current one; show's output in
 * show_text.c and show_json.c); what a login gets is computed by lib/,
 * exactly as the module computes it.
 */
#ifndef MNTNS_HELPER_H
#define MNTNS_HELPER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "config/conf.h"
#include "admin/describe.h"
#include "plan/fingerprint.h"

#define PROG "pam_mntns_helper"

/* The options a command takes. */
enum {
	OPT_CONF = 1 << 0,
	OPT_JSON = 1 << 1,
	OPT_IN_ORDER = 1 << 2,	  /* options end at the first operand */
	OPT_NO_OPERANDS = 1 << 3, /* an operand is a usage error */
	OPT_QUIET = 1 << 4,
	OPT_UPDATE = 1 << 5, /* --dry-run, --lazy, --all */
};

struct opts {
	const char *conf;
	bool json;
	bool quiet;
	bool dry_run, lazy, all; /* update */
	int argc;		 /* the operands */
	char **argv;
};

/* parse_opts() results besides 0: end with exit status 0 or 1. */
#define OPTS_HELP   (-1)
#define OPTS_MISUSE (-2)

/* Parses @argv (argv[0] is the command's name) for the options @allowed. */
int parse_opts(int argc, char **argv, unsigned allowed, struct opts *o);

/* The exit status for a parse_opts() result other than 0. */
int opts_status(int r);

/* Reports a usage error with the --help hint; returns exit status 1. */
int misuse(const char *fmt, ...) _printf_(1, 2);

/*
 * The start of a command that needs root: its options (@allowed), at
 * least @min operands (else a usage error: "expected @usage"), and root.
 * -1 to go on, else the exit status to end with.
 */
int root_command(int argc, char **argv, unsigned allowed, int min,
		 const char *usage, struct opts *o);

/* The errors of a config that conf_load() returned @r (and @e) for, as
 * load_conf() prints them. */
void conf_errors_print(const struct conf *c, int r,
		       const struct mntns_error *e);

/*
 * conf_load(), printing every error of the config gcc-style ("FILE:LINE:
 * error: ...") to stderr.  Returns 0 or -errno.
 */
int load_conf(struct conf *c, const char *path);

/*
 * Prints @msg to stderr gcc-style, as "FILE:LINE: LEVEL: msg" (without
 * LINE when it is 0), or with the program's name when @file is NULL or
 * empty.  @level is "error" or "warning".
 */
void print_diag(const char *level, const char *file, unsigned line,
		const char *msg);

/* @e as one line of text, "FILE:LINE: message" as the module logs it. */
void error_text(const struct mntns_error *e, char *buf, size_t len);

/* A user or group name for display, or the number. */
const char *uid_name(uid_t uid, char *buf, size_t len);
const char *gid_name(gid_t gid, char *buf, size_t len);

/* Local time, "YYYY-MM-DD HH:MM:SS". */
void format_time(int64_t t, char *buf, size_t len);

/* ---- the PAM services that use the module (services.c) ---- */
#ifndef PAM_DIR
#define PAM_DIR "/etc/pam.d"
#endif
/* Where libpam looks for a service that PAM_DIR has no file for. */
#ifndef PAM_VENDOR_DIR
#define PAM_VENDOR_DIR "/usr/lib/pam.d"
#endif

struct pam_services {
	char **names; /* service names, in lexical order */
	size_t n;
};

/*
 * The services, as libpam finds their files (PAM_DIR, then
 * PAM_VENDOR_DIR), with a session line naming pam_mntns.so, or that
 * include such a file (@include, session include or substack).  0 or
 * -errno (PAM_DIR cannot be read, or out of memory).
 */
int pam_services_find(struct pam_services *ps);
void pam_services_free(struct pam_services *ps);

/* ---- words for display (format.c) ---- */
/* "mode=", "target", ... : where an owner and mode come from. */
const char *desc_owner_name(enum desc_owner o);

/* "rw,nosuid,nodev": MS_ flags of a mount as findmnt spells them. */
void mount_flags_format(unsigned long ms, char *buf, size_t len);

/* A rule's OPTIONS as they take effect (defaults included), or "-". */
void rule_options_format(const struct rule *r, char *buf, size_t len);

/*
 * One mount by which two plans differ, as show and update print it:
 * "+ LINE" (to add), "- LINE" (to remove) or "~ LINE  (was: OLD)", after
 * @indent, masked for the terminal; @was or @now is NULL on the side that
 * has none.
 */
void plan_change_print(const char *indent, enum plan_change c, const char *was,
		       const char *now);

/* ---- JSON output, pretty-printed, keys in a fixed order ---- */
struct json {
	FILE *f;
	int depth;
	bool first;
};

void json_begin(struct json *j, FILE *f);
void json_end(struct json *j);
void json_open(struct json *j, const char *key, char bracket);
void json_close(struct json *j, char bracket);
void json_str(struct json *j, const char *key, const char *v);
void json_int(struct json *j, const char *key, long long v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);

/* ---- the commands ---- */
void usage(FILE *out);
int cmd_check(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_prepare(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_enter(int argc, char **argv);
int cmd_retire(int argc, char **argv);
int cmd_update(int argc, char **argv);

#endif
