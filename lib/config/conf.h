/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Config files: /etc/security/pam_mntns.conf and its .d drop-ins, parsed
 * into rules.  Every error has its FILE:LINE; one bad line fails the load.
 * A rule's fields have headers of their own: config/selector.h (WHO),
 * config/template.h (TARGET, SOURCE), config/options.h (OPTIONS).
 */
#ifndef MNTNS_CONF_H
#define MNTNS_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config/selector.h"
#include "config/settings.h"
#include "util.h"

#ifndef MNTNS_DEFAULT_CONF
#define MNTNS_DEFAULT_CONF "/etc/security/pam_mntns.conf"
#endif

/* Larger files are refused: a config is a few dozen lines. */
#define CONF_MAX_SIZE (1024 * 1024)

enum mntns_method {
	METHOD_TMPFS,
	METHOD_BIND,
	METHOD_NONE,
	METHOD_RO,   /* TARGET read-only, recursively, other flags kept */
	METHOD_HIDE, /* TARGET empty and inaccessible */
};

struct rule {
	struct selector *who;
	size_t nwho;
	char *target; /* template: absolute or starting with %h */
	enum mntns_method method;
	char *source;  /* template for bind, NULL otherwise */
	bool instance; /* bind source names a per-user instance */
	unsigned long ms_set, ms_clr; /* MS_RDONLY, MS_NOSUID, ... */
	char *fsdata;		      /* tmpfs size=/nr_inodes=, or NULL */
	char *selinux;		      /* tmpfs context=... as written */
	int mode;		      /* mode=, or -1 */
	const char *file;	      /* owned by struct conf */
	unsigned line;
};

/* What a config needs to know about a user beyond the passwd entry. */
enum {
	CONF_NEEDS_GROUPS = 1 << 0,	/* an @group selector */
	CONF_NEEDS_GROUP_NAME = 1 << 1, /* a %g variable */
};

/* One error of a load: a struct mntns_error, kept compact. */
struct conf_error {
	int rc;
	char *file;    /* NULL: not in a config file (the drop-in directory) */
	unsigned line; /* 0: about the file as a whole */
	char *msg;     /* without the location */
};

struct conf {
	struct rule *rules;
	size_t nrules, cap;
	char **files;
	size_t nfiles;
	unsigned needs;
	/* Lines "set NAME[=VALUE]", so that they survive a PAM line that
	 * pam-auth-update rewrites (config/settings.h). */
	struct settings settings;
	/*
	 * Every error met while loading, in order: a load goes on with the
	 * next line or file after an error, so that the helper can show them
	 * all in one run, and still fails, with the first.  Only running out
	 * of memory ends a load at once (and is not kept here).
	 */
	struct conf_error *errors;
	size_t nerrors;
};

/*
 * Loads @path and then @path's drop-in directory (".conf" replaced by
 * ".d") in lexical order, into @c, which starts zeroed ({0}) or holds
 * what earlier loads added.  @path NULL means the default.  Files must be
 * regular, root-owned, not group/other-writable and not symlinks.
 * Returns the first error (in @e, which must not be NULL; all of them
 * are in @c->errors), or -ENOMEM when memory ran out, which ends the
 * load.
 */
int conf_load(struct conf *c, const char *path, struct mntns_error *e);

/*
 * Parses one file's text; @file is the location of its errors.  Returns
 * as conf_load() does.
 */
int conf_parse_buffer(struct conf *c, const char *file, const char *buf,
		      size_t len, struct mntns_error *e);

/*
 * Adds the error in @e (code @rc) to @c->errors; 0, or -ENOMEM with @e
 * saying so.
 */
int conf_keep_error(struct conf *c, int rc, struct mntns_error *e);

/* The first error kept from index @from on, into @e; 0 when none. */
int conf_first_error(const struct conf *c, size_t from, struct mntns_error *e);

void conf_free(struct conf *c);

/* The drop-in directory belonging to @path, malloc'd. */
char *conf_dropin_dir(const char *path);

/* "tmpfs", "bind", ...: @m as a config writes it. */
const char *method_name(enum mntns_method m);

/*
 * A TARGET at, above or below MNTNS_RUN_DIR is refused (the config when
 * the TARGET is written out, the plan when a variable makes it so): a
 * mount there would take the records, pins and marks of the namespaces
 * out of root's sight inside a user's view.
 */
#define RUN_DIR_REFUSAL                                                        \
	"TARGET %s covers " MNTNS_RUN_DIR ", where pam_mntns keeps its "       \
	"records; refusing"

#endif
