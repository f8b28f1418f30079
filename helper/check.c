/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * check: the config loaded exactly as the module loads it, then the
 * checks of lib/admin/lint.c.  Diagnostics go to stderr, gcc-style; on
 * success one summary line goes to stdout (none with -q), as visudo -c
 * does.  Exit 1 on an error, 0 otherwise (warnings only).
 */
#include <stdio.h>

#include "helper.h"
#include "admin/lint.h"

static void
on_finding(const struct rule *r, const char *msg, void *ctx)
{
	unsigned *warnings = ctx;

	(*warnings)++;
	print_diag("warning", r->file, r->line, msg);
}

static const char *
plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void
print_summary(const char *path, const struct conf *c, unsigned warnings)
{
	printf("%s: OK, %zu %s, %zu %s, %zu %s read, %u %s\n", path, c->nfiles,
	       plural(c->nfiles, "file", "files"), c->nrules,
	       plural(c->nrules, "rule", "rules"), c->settings.nlines,
	       plural(c->settings.nlines, "setting", "settings"), warnings,
	       plural(warnings, "warning", "warnings"));
}

int
cmd_check(int argc, char **argv)
{
	struct conf c = {0};
	const char *path;
	unsigned warnings = 0;
	struct opts o;
	int r;

	r = parse_opts(argc, argv, OPT_CONF | OPT_QUIET | OPT_NO_OPERANDS, &o);
	if (r)
		return opts_status(r);
	path = o.conf ? o.conf : MNTNS_DEFAULT_CONF;
	r = load_conf(&c, o.conf);
	if (r == 0 && c.nrules == 0) {
		warnings++;
		print_diag("warning", path, 0,
			   "no rules: every login keeps the namespace it "
			   "starts in");
	}
	if (r == 0)
		lint_conf(&c, on_finding, &warnings);
	if (r == 0 && !o.quiet)
		print_summary(path, &c, warnings);
	conf_free(&c);
	return r < 0;
}
