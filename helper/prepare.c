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
#include "config/template.h"
#include "mount/target.h"

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

/*
 * An instance parent is prepared once, for the first rule naming it:
 * 1 when @path was, else 0 and it is remembered; -ENOMEM.
 */
static int
seen_before(struct prepare *p, const char *path)
{
	size_t i;

	for (i = 0; i < p->ndone; i++)
		if (!strcmp(p->done[i], path))
			return 1;
	return strv_append(&p->done, &p->ndone, path);
}

/* 0, or -ENOMEM: a refusal is printed and kept in p->failed. */
static int
prepare_rule(struct prepare *p, const struct rule *r)
{
	_cleanup_(freep) char *parent = NULL;
	struct mntns_error e;
	int ret;

	if (!r->instance)
		return 0;
	/* 0: a variable in the parent, which no one can prepare. */
	ret = template_literal_parent(r->source, &parent);
	if (ret <= 0)
		return ret;
	ret = seen_before(p, parent);
	if (ret != 0)
		return ret < 0 ? ret : 0;
	ret = !strcmp(parent, "/")
		      ? err_set(&e, -EPERM, "instance parent / is refused")
		      : make_parent(parent, &e);
	if (ret > 0)
		printf("created %s (root:root 0000)\n", parent);
	if (ret >= 0)
		return 0;
	print_diag("error", r->file, r->line, e.msg);
	p->failed = true;
	return 0;
}

int
cmd_prepare(int argc, char **argv)
{
	struct prepare p = {0};
	struct conf c = {0};
	struct opts o;
	size_t i;
	int r;

	r = root_command(argc, argv, OPT_CONF | OPT_NO_OPERANDS, 0, NULL, &o);
	if (r >= 0)
		return r;
	if (load_conf(&c, o.conf) < 0)
		return 1;
	for (r = 0, i = 0; r == 0 && i < c.nrules; i++)
		r = prepare_rule(&p, &c.rules[i]);
	if (r < 0)
		fprintf(stderr, PROG ": prepare: out of memory\n");
	while (p.ndone > 0)
		free(p.done[--p.ndone]);
	free(p.done);
	conf_free(&c);
	return r < 0 || p.failed;
}
