/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pam_mntns_helper: the administrator's view of pam_mntns configs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"

static void
usage(FILE *out)
{
	fprintf(out, "Usage:\n"
		     " pam_mntns_helper check [--conf PATH]\n"
		     "\n"
		     "Options:\n"
		     " -h, --help     display this help\n"
		     " -V, --version  display version\n");
}

static int
cmd_check(int argc, char **argv)
{
	struct mntns_error e;
	struct conf c = {0};
	const char *path = NULL;
	int r;

	if (argc == 3 && !strcmp(argv[1], "--conf"))
		path = argv[2];
	else if (argc != 1) {
		fprintf(stderr, "pam_mntns_helper: check takes only --conf "
				"PATH\nTry 'pam_mntns_helper --help' for more "
				"information.\n");
		return 1;
	}
	r = conf_load(&c, path, &e);
	if (r < 0)
		fprintf(stderr, "%s\n", e.msg);
	conf_free(&c);
	return r < 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 &&
	    (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (argc >= 2 &&
	    (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version"))) {
		printf("pam_mntns_helper %s\n", MNTNS_VERSION);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (argc >= 2 && !strcmp(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	fprintf(stderr,
		"pam_mntns_helper: missing or unknown command\n"
		"Try 'pam_mntns_helper --help' for more information.\n");
	return 1;
}
