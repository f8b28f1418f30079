/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Command dispatch, usage, option parsing and the helpers every command
 * shares, in the util-linux manner: --help to stdout and exit 0, misuse
 * with a hint and exit 1, a failed write to stdout fails the exit.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "helper.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{"check", cmd_check},	{"show", cmd_show},   {"prepare", cmd_prepare},
	{"list", cmd_list},	{"enter", cmd_enter}, {"retire", cmd_retire},
	{"update", cmd_update},
};

void
usage(FILE *out)
{
	fputs("Usage:\n"
	      " " PROG " check [--conf PATH] [--quiet]\n"
	      " " PROG " show USER [--conf PATH] [--json]\n"
	      " " PROG " prepare [--conf PATH]\n"
	      " " PROG " list [--conf PATH] [--json]\n"
	      " " PROG " enter USER|PID [--] [COMMAND [ARG...]]\n"
	      " " PROG " retire USER...\n"
	      " " PROG " update [--conf PATH] [--dry-run] [--lazy] "
	      "USER...|--all\n"
	      "\n"
	      "Check the pam_mntns configuration, show what a user's login "
	      "gets,\n"
	      "and find and enter the mount namespaces the module made.\n"
	      "\n"
	      "Commands:\n"
	      " check     validate the config; warn about paths and rules\n"
	      " show      the exact plan a login of USER gets\n"
	      " prepare   create the instance parent directories (at boot)\n"
	      " list      live namespaces made by the module, per user\n"
	      " enter     run COMMAND (default: a login shell) in a live "
	      "namespace\n"
	      " retire    the next scope=user login of USER builds a fresh "
	      "namespace\n"
	      " update    bring USER's live namespaces to the current plan\n"
	      "\n"
	      "Options:\n"
	      " -c, --conf PATH  main config file (default " MNTNS_DEFAULT_CONF
	      ")\n"
	      " -j, --json       JSON output (show, list)\n"
	      " -q, --quiet      no summary line on success (check)\n"
	      " -n, --dry-run    print the changes, make none (update)\n"
	      " -l, --lazy       detach a busy mount (update)\n"
	      " -a, --all        every user with a live namespace (update)\n"
	      " -h, --help       display this help\n"
	      " -V, --version    display version\n"
	      "\n"
	      "For more details see pam_mntns_helper(8).\n",
	      out);
}

int
misuse(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry '" PROG " --help' for more information.\n", stderr);
	return 1;
}

/* Exit status 1 with a message unless running as root; else 0. */
static int
need_root(const char *cmd)
{
	if (geteuid() == 0)
		return 0;
	fprintf(stderr, PROG ": %s: must be run as root\n", cmd);
	return 1;
}

int
opts_status(int r)
{
	return r == OPTS_HELP ? 0 : 1;
}

int
root_command(int argc, char **argv, unsigned allowed, int min,
	     const char *usage, struct opts *o)
{
	int r = parse_opts(argc, argv, allowed, o);

	if (r)
		return opts_status(r);
	if (o->argc < min)
		return misuse("%s: expected %s", argv[0], usage);
	return need_root(argv[0]) ? 1 : -1;
}

static const struct option long_opts[] = {
	{"conf", required_argument, NULL, 'c'},
	{"json", no_argument, NULL, 'j'},
	{"quiet", no_argument, NULL, 'q'},
	{"dry-run", no_argument, NULL, 'n'},
	{"lazy", no_argument, NULL, 'l'},
	{"all", no_argument, NULL, 'a'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int
bad_option(char **argv)
{
	if (optopt)
		return misuse("%s: invalid option -- '%c'", argv[0], optopt);
	return misuse("%s: unrecognized option '%s'", argv[0],
		      argv[optind - 1]);
}

static int
take_option(int c, char **argv, unsigned allowed, struct opts *o)
{
	switch (c) {
	case 'h':
		usage(stdout);
		return OPTS_HELP;
	case 'c':
		if (!(allowed & OPT_CONF))
			break;
		o->conf = optarg;
		return 0;
	case 'j':
		if (!(allowed & OPT_JSON))
			break;
		o->json = true;
		return 0;
	case 'q':
		if (!(allowed & OPT_QUIET))
			break;
		o->quiet = true;
		return 0;
	case 'n':
	case 'l':
	case 'a':
		if (!(allowed & OPT_UPDATE))
			break;
		*(c == 'n'   ? &o->dry_run
		  : c == 'l' ? &o->lazy
			     : &o->all) = true;
		return 0;
	case ':':
		misuse("%s: option '%s' requires an argument", argv[0],
		       argv[optind - 1]);
		return OPTS_MISUSE;
	default:
		bad_option(argv);
		return OPTS_MISUSE;
	}
	misuse("%s: option '%s' does not apply", argv[0], argv[optind - 1]);
	return OPTS_MISUSE;
}

int
parse_opts(int argc, char **argv, unsigned allowed, struct opts *o)
{
	const char *optstring =
		allowed & OPT_IN_ORDER ? "+:c:jhqnla" : ":c:jhqnla";
	int c, r;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, optstring, long_opts, NULL)) !=
	       -1) {
		r = take_option(c, argv, allowed, o);
		if (r)
			return r;
	}
	o->argc = argc - optind;
	o->argv = argv + optind;
	if ((allowed & OPT_NO_OPERANDS) && o->argc > 0) {
		misuse("%s: unexpected argument '%s'", argv[0], o->argv[0]);
		return OPTS_MISUSE;
	}
	return 0;
}

/* ---- diagnostics ------------------------------------------------------ */

void
print_diag(const char *level, const char *file, unsigned line, const char *msg)
{
	if (!file || !*file)
		fprintf(stderr, PROG ": %s: %s\n", level, msg);
	else if (line)
		fprintf(stderr, "%s:%u: %s: %s\n", file, line, level, msg);
	else
		fprintf(stderr, "%s: %s: %s\n", file, level, msg);
}

void
error_text(const struct mntns_error *e, char *buf, size_t len)
{
	err_format(e, buf, len);
	/* The message may quote a name or home from NSS. */
	mask_text(buf, len, buf);
}

void
conf_errors_print(const struct conf *c, int r, const struct mntns_error *e)
{
	const struct conf_error *ce;
	size_t i;

	for (i = 0; i < c->nerrors; i++) {
		ce = &c->errors[i];
		print_diag("error", ce->file, ce->line, ce->msg);
	}
	/* Running out of memory ends a load and is not one of its errors. */
	if (r == -ENOMEM)
		print_diag("error", e->file, e->line, e->msg);
}

int
load_conf(struct conf *c, const char *path)
{
	struct mntns_error e;
	int r = conf_load(c, path, &e);

	conf_errors_print(c, r, &e);
	return r;
}

/* ---- small things for display ----------------------------------------- */

const char *
uid_name(uid_t uid, char *buf, size_t len)
{
	const struct passwd *pw = getpwuid(uid);

	/* A name from NSS may hold anything: masked for the terminal. */
	if (pw)
		mask_text(buf, len, pw->pw_name);
	else
		snprintf(buf, len, "%u", (unsigned)uid);
	return buf;
}

const char *
gid_name(gid_t gid, char *buf, size_t len)
{
	const struct group *gr = getgrgid(gid);

	if (gr)
		snprintf(buf, len, "%s", gr->gr_name);
	else
		snprintf(buf, len, "%u", (unsigned)gid);
	return buf;
}

void
format_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!localtime_r(&tt, &tm) ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

/* ---- main ------------------------------------------------------------- */

/* Flushes stdout; a failed write (a full disk, /dev/full) fails the exit. */
static int
close_stdout(int status)
{
	bool failed = ferror(stdout) != 0;

	errno = 0;
	failed |= fclose(stdout) != 0;
	if (!failed)
		return status;
	if (errno)
		fprintf(stderr, PROG ": write error: %s\n", strerror(errno));
	else
		fputs(PROG ": write error\n", stderr);
	return status ? status : 1;
}

static int
run(int argc, char **argv)
{
	const char *a = argv[1];
	size_t i;

	if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
		printf(PROG " %s\n", MNTNS_VERSION);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(a, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	if (a[0] == '-')
		return misuse("unrecognized option '%s'", a);
	return misuse("unknown command '%s'", a);
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		return close_stdout(misuse("no command given"));
	return close_stdout(run(argc, argv));
}
