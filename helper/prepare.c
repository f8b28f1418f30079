/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prepare: creates, root:root 0000, every instance parent the config can
 * need (those of SOURCE templates whose parent directory has no
 * variable), so that no user can create one first in a world-writable
 * place such as /var/tmp.  Idempotent; an existing parent with another
 * owner, group or other permission bits, or a symlink, is refused and
 * left as it is: it may be an attack, and an admin has to look at it.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "helper.h"
#include "lint.h"
#include "target.h"

/* 1 created, 0 already right, -errno (with @e) refused or failed. */
static int
make_parent(const char *path, struct mntns_error *e)
{
	bool created = false;
	int fd;

	/* The very function, and so the checks, a login uses. */
	fd = open_instance_parent(path, &created, e);
	if (fd < 0)
		return fd;
	close(fd);
	return created;
}

struct prepare {
	char **done;
	size_t ndone;
	bool failed;
};

/* An instance parent is prepared once, for the first rule naming it. */
static bool
seen_before(struct prepare *p, char *path)
{
	char **grown;
	size_t i;

	for (i = 0; i < p->ndone; i++)
		if (!strcmp(p->done[i], path))
			return true;
	grown = reallocarray(p->done, p->ndone + 1, sizeof(*grown));
	if (grown) {
		p->done = grown;
		p->done[p->ndone++] = strdup(path);
	}
	return false;
}

static void
prepare_rule(struct prepare *p, const struct rule *r)
{
	_cleanup_(freep) char *parent = NULL;
	struct mntns_error e;
	int ret;

	if (!r->instance || template_literal_parent(r->source, &parent) <= 0)
		return;
	if (seen_before(p, parent))
		return;
	ret = !strcmp(parent, "/")
		      ? err_set(&e, -EPERM, "instance parent / is refused")
		      : make_parent(parent, &e);
	if (ret > 0)
		printf("created %s (root:root 0000)\n", parent);
	if (ret >= 0)
		return;
	print_diag("error", r->file, r->line, e.msg);
	p->failed = true;
}

int
cmd_prepare(int argc, char **argv)
{
	struct prepare p = {0};
	struct conf c = {0};
	struct opts o;
	size_t i;
	int r;

	r = parse_opts(argc, argv, OPT_CONF | OPT_NO_OPERANDS, &o);
	if (r)
		return opts_status(r);
	if (need_root("prepare"))
		return 1;
	if (load_conf(&c, o.conf) < 0)
		return 1;
	for (i = 0; i < c.nrules; i++)
		prepare_rule(&p, &c.rules[i]);
	while (p.ndone > 0)
		free(p.done[--p.ndone]);
	free(p.done);
	conf_free(&c);
	return p.failed;
}
