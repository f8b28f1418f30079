/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * check: the config loaded exactly as the module loads it, then the
 * checks of lib/admin/lint.c.  Diagnostics go to stderr, gcc-style; nothing is
 * written to stdout.  Exit 1 on an error, 0 otherwise (warnings only).
 */
#include "helper.h"
#include "lint.h"

static void
on_finding(const struct rule *r, const char *msg, void *ctx)
{
	(void)ctx;
	print_diag("warning", r->file, r->line, msg);
}

int
cmd_check(int argc, char **argv)
{
	struct conf c = {0};
	struct opts o;
	int r;

	r = parse_opts(argc, argv, OPT_CONF | OPT_NO_OPERANDS, &o);
	if (r)
		return opts_status(r);
	r = load_conf(&c, o.conf);
	if (r == 0 && c.nrules == 0)
		print_diag("warning", o.conf ? o.conf : MNTNS_DEFAULT_CONF, 0,
			   "no rules: every login keeps the namespace it "
			   "starts in");
	if (r == 0)
		lint_conf(&c, on_finding, NULL);
	conf_free(&c);
	return r < 0;
}
