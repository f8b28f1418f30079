/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "check": a config's rules held against the paths of this host, with
 * the login's own rules (lib/plan/decide.c) for what a path must be.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin/inspect.h"
#include "admin/lint.h"
#include "config/template.h"
#include "mount/resolve.h"
#include "plan/decide.h"

#define REFUSES "the module refuses the logins this rule applies to"
/* Where an SELinux kernel shows its mode, once its policy is loaded. */
#define SELINUXFS_ENFORCE "/sys/fs/selinux/enforce"

struct lint {
	const struct conf *c;
	lint_fn fn;
	void *ctx;
	size_t n;
	const char *mountinfo; /* the mount table, for automount points */
};

/* Directories whose content setuid programs and root trust. */
static const char *const trusted_dirs[] = {
	"/etc", "/usr", "/bin", "/lib", "/lib64", "/sbin", "/boot", "/root",
};

_printf_(3, 4) static void report(struct lint *l, const struct rule *r,
				  const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	l->fn(r, msg, l->ctx);
	l->n++;
}

/* A refusal, worded as the login words it (lib/plan/decide.c). */
static void
report_refusal(struct lint *l, const struct rule *r,
	       const struct mntns_error *e)
{
	report(l, r, "%s; " REFUSES, e->msg);
}

/* ---- what the paths look like ----------------------------------------- */

/*
 * @path (a @what), looked at as @pi, refuses the login: missing, or a
 * symlink on the way.  @dir: the login opens it O_DIRECTORY.
 */
static void
report_error(struct lint *l, const struct rule *r, const char *what,
	     const char *path, const struct path_info *pi, bool dir)
{
	struct mntns_error e;

	if (pi->err != ELOOP && pi->err != ENOENT)
		return report(l, r, "cannot check %s %s: %s", what, path,
			      strerror(pi->err));
	path_info_error(what, path, pi, dir, &e);
	report_refusal(l, r, &e);
}

/* Symlinks in the literal directories of a template with variables. */
static void
lint_literal_dirs(struct lint *l, const struct rule *r, const char *what,
		  const char *tmpl)
{
	_cleanup_(freep) char *dirs = NULL;
	char shown[PATH_MAX];
	struct path_info pi;

	if (template_literal_dirs(tmpl, &dirs) <= 0)
		return;
	path_inspect(dirs, &pi);
	template_format(tmpl, shown, sizeof(shown));
	if (pi.err == ELOOP)
		report_error(l, r, what, shown, &pi, false);
}

/*
 * Below the TARGET of a tmpfs or bind rule, a TARGET is looked up in
 * what that rule mounts (and may be created there): the host's path says
 * nothing about it.
 */
static bool
below_other_mount(const struct conf *c, const char *target)
{
	const struct rule *r;
	size_t i;

	for (i = 0; i < c->nrules; i++) {
		r = &c->rules[i];
		if ((r->method == METHOD_TMPFS || r->method == METHOD_BIND) &&
		    path_below(target, r->target))
			return true;
	}
	return false;
}

/* TARGET, at @path (NULL: not literal) as @pi finds it. */
static void
lint_target(struct lint *l, const struct rule *r, const char *path,
	    struct path_info *pi)
{
	enum target_type want = target_want(r->method, r->instance);
	struct mntns_error e;

	pi->err = -1;
	if (!path)
		return lint_literal_dirs(l, r, "TARGET", r->target);
	if (below_other_mount(l->c, path))
		return;
	path_inspect(path, pi);
	if (pi->err)
		return report_error(l, r, "TARGET", path, pi, false);
	/* A plain bind's SOURCE decides: see lint_source(). */
	if ((r->method != METHOD_BIND || r->instance) &&
	    check_type("TARGET", path, pi->st.st_mode, want, &e) < 0)
		report_refusal(l, r, &e);
}

/* A missing instance parent: can the first login create it? */
static void
lint_missing_parent(struct lint *l, const struct rule *r, const char *parent)
{
	_cleanup_(freep) char *up = NULL;
	char what[PATH_MAX + 32];
	struct path_info upi;
	const char *name;

	if (split_path(parent, &up, &name) < 0)
		return;
	path_inspect(up, &upi);
	snprintf(what, sizeof(what), "instance parent %s: directory", parent);
	if (upi.err)
		report_error(l, r, what, up, &upi, true);
	else
		report(l, r,
		       "instance parent %s does not exist; the first login "
		       "creates it, root:root 0000 (run 'pam_mntns_helper "
		       "prepare' at boot, so that no user can create it "
		       "first)",
		       parent);
}

static void
lint_instance_parent(struct lint *l, const struct rule *r)
{
	_cleanup_(freep) char *parent = NULL;
	struct mntns_error e;
	struct path_info pi;

	if (template_literal_parent(r->source, &parent) <= 0)
		return lint_literal_dirs(l, r, "SOURCE", r->source);
	path_inspect(parent, &pi);
	if (pi.err == ENOENT)
		return lint_missing_parent(l, r, parent);
	if (pi.err)
		return report_error(l, r, "instance parent", parent, &pi, true);
	if (check_instance_parent(parent, &pi.st, &e) < 0)
		report_refusal(l, r, &e);
}

/* SOURCE; TARGET is at @tpath (NULL: not literal) as @tpi found it. */
static void
lint_source(struct lint *l, const struct rule *r, const char *tpath,
	    const struct path_info *tpi, struct path_info *spi)
{
	_cleanup_(freep) char *path = NULL;
	enum target_type want;
	struct mntns_error e;

	spi->err = -1;
	if (r->instance)
		return lint_instance_parent(l, r);
	if (template_literal(r->source, &path) <= 0)
		return lint_literal_dirs(l, r, "SOURCE", r->source);
	path_inspect(path, spi);
	if (spi->err)
		return report_error(l, r, "SOURCE", path, spi, false);
	if (source_type("SOURCE", path, spi->st.st_mode, &want, &e) < 0)
		return report(l, r, "%s", e.msg);
	/* The login's check of TARGET against what SOURCE is. */
	if (tpi->err == 0 &&
	    check_type("TARGET", tpath, tpi->st.st_mode, want, &e) < 0)
		report_refusal(l, r, &e);
}

static void
lint_size(struct lint *l, const struct rule *r)
{
	const char *p = r->fsdata;

	for (; p; p = strchr(p, ','), p = p ? p + 1 : NULL)
		if (!strncmp(p, "size=", 5))
			return;
	report(l, r,
	       "tmpfs without size=: it may grow to half of the RAM (the "
	       "kernel's default)");
}

/*
 * Without SELinux, tmpfs refuses context options as unknown (mount(8)
 * drops them silently; the module passes them on and fails closed).
 */
static void
lint_selinux(struct lint *l, const struct rule *r)
{
	if (!r->selinux || access(SELINUXFS_ENFORCE, F_OK) == 0)
		return;
	report(l, r,
	       "SELinux is not enabled on this host (no %s): the kernel "
	       "refuses %s; " REFUSES,
	       SELINUXFS_ENFORCE, r->selinux);
}

static const char *
trusted_dir(const char *target)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(trusted_dirs); i++)
		if (path_at_or_below(target, trusted_dirs[i]))
			return trusted_dirs[i];
	return NULL;
}

/* What makes the mount of @r writable by the user, or NULL. */
static const char *
user_writable(const struct rule *r, const struct path_info *tpi,
	      const struct path_info *spi)
{
	bool fresh = r->method == METHOD_TMPFS || r->instance;

	if (fresh && (r->ms_set & MS_RDONLY))
		return NULL;
	if (fresh && r->mode >= 0)
		return "mode= makes it the user's";
	if (fresh && tpi->err == 0 && (tpi->st.st_mode & S_IWOTH))
		return "it takes the mode of TARGET, which is world-writable";
	if (r->method == METHOD_BIND && !r->instance && spi->err == 0 &&
	    (spi->st.st_uid != 0 || (spi->st.st_mode & S_IWOTH)))
		return "its SOURCE is writable by a user";
	return NULL;
}

static void
lint_trusted(struct lint *l, const struct rule *r, const struct path_info *tpi,
	     const struct path_info *spi)
{
	const char *dir = trusted_dir(r->target), *why;

	why = dir ? user_writable(r, tpi, spi) : NULL;
	if (why)
		report(l, r,
		       "a user-writable %s on %s (%s), under %s, which setuid "
		       "programs trust: the user can plant files that "
		       "privileged programs read",
		       r->instance ? "instance" : method_name(r->method),
		       r->target, why, dir);
}

/* ---- ro and hide -------------------------------------------------------- */

/* What a login cannot do without: a hide on or above one of these. */
static const char *const login_needs[] = {
	"%h",
	"/bin",
	"/sbin",
	"/lib",
	"/lib64",
	"/usr/bin",
	"/usr/lib",
	"/usr/sbin",
	"/etc/passwd",
	"/etc/group",
	"/etc/nsswitch.conf",
	"/etc/ld.so.cache",
	"/dev/null",
	"/dev/tty",
	"/dev/pts",
	"/proc",
};

static void
lint_hide(struct lint *l, const struct rule *r)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(login_needs); i++) {
		if (!path_at_or_below(login_needs[i], r->target))
			continue;
		report(l, r,
		       "hide on %s makes %s inaccessible, which the user's "
		       "login and shell need",
		       r->target,
		       strcmp(login_needs[i], "%h") ? login_needs[i]
						    : "the home directory");
		return;
	}
}

/* A mount below an ro TARGET is on top of it: that part stays writable. */
static void
lint_ro(struct lint *l, const struct rule *r)
{
	const struct rule *o;
	size_t i;

	for (i = 0; i < l->c->nrules; i++) {
		o = &l->c->rules[i];
		if ((o->method != METHOD_BIND && o->method != METHOD_TMPFS) ||
		    (o->ms_set & MS_RDONLY) ||
		    !path_below(o->target, r->target))
			continue;
		report(l, r,
		       "ro on %s, but %s:%u mounts %s below it: that part "
		       "stays writable",
		       r->target, o->file, o->line, o->target);
	}
}

/* The mount point of mountinfo line @line if it is an autofs mount. */
static bool
autofs_point(char *line, char **point)
{
	char *sep = strstr(line, " - "), *f[5], *save = NULL;
	size_t i;

	if (!sep || strncmp(sep + 3, "autofs ", 7))
		return false;
	*sep = '\0';
	for (i = 0; i < ARRAY_SIZE(f); i++)
		if (!(f[i] = strtok_r(i ? NULL : line, " ", &save)))
			return false;
	/* The kernel writes a blank in a path as \040. */
	unescape_octal(f[4], 0, NULL);
	*point = f[4];
	return true;
}

/*
 * A read-only tree is cut off from the host's later mounts (see
 * mount_private()): an automount point at or below it never shows its
 * mounts in a session.
 */
static void
lint_autofs(struct lint *l, const struct rule *r)
{
	_cleanup_(freep) char *top = NULL, *line = NULL;
	const char *tmpl = r->method == METHOD_RO ? r->target : r->source;
	FILE *f;
	size_t len = 0;
	char *point;

	if (r->method != METHOD_RO &&
	    (r->method != METHOD_BIND || !(r->ms_set & MS_RDONLY)))
		return;
	if (template_literal(tmpl, &top) <= 0 ||
	    !(f = fopen(l->mountinfo, "re")))
		return;
	while (getline(&line, &len, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (!autofs_point(line, &point) ||
		    !path_at_or_below(point, top))
			continue;
		report(l, r,
		       "%s is read-only in sessions and cut off from the "
		       "host's later mounts, but the automount point %s is "
		       "%s it: its automounts never appear in a session",
		       top, point, strcmp(point, top) ? "below" : "at");
	}
	fclose(f);
}

/* ---- rules that never take effect ------------------------------------- */

/* Every user @a matches, @b matches (as far as is known without NSS). */
static bool
sel_within(const struct selector *a, const struct selector *b)
{
	if (b->kind == SEL_ALL)
		return true;
	if (a->kind != b->kind || a->kind == SEL_ALL)
		return false;
	if (a->kind == SEL_UID)
		return b->lo <= a->lo && a->hi <= b->hi;
	return !strcmp(a->name, b->name);
}

/* No user matches both. */
static bool
sel_disjoint(const struct selector *a, const struct selector *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == SEL_UID)
		return a->hi < b->lo || b->hi < a->lo;
	return a->kind == SEL_USER && strcmp(a->name, b->name);
}

/* Some selector of @r with negation @neg passes test(@s, it). */
static bool
any_sel(const struct rule *r, bool neg, const struct selector *s,
	bool (*test)(const struct selector *, const struct selector *))
{
	size_t i;

	for (i = 0; i < r->nwho; i++)
		if (r->who[i].negate == neg && test(s, &r->who[i]))
			return true;
	return false;
}

static size_t
positives(const struct rule *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nwho; i++)
		n += !r->who[i].negate;
	return n;
}

/* Every positive selector of @e passes test(it, @s). */
static bool
all_positive(const struct rule *e, const struct selector *s,
	     bool (*test)(const struct selector *, const struct selector *))
{
	size_t i;

	for (i = 0; i < e->nwho; i++)
		if (!e->who[i].negate && !test(&e->who[i], s))
			return false;
	return positives(e) > 0;
}

static bool
sel_all(const struct selector *a, const struct selector *b)
{
	(void)a;
	return b->kind == SEL_ALL;
}

/* Every user rule @e applies to, rule @later applies to as well. */
static bool
who_covers(const struct rule *later, const struct rule *e)
{
	size_t i;
	const struct selector *n;

	if (positives(later) > 0 && !any_sel(later, false, NULL, sel_all)) {
		for (i = 0; i < e->nwho; i++)
			if (!e->who[i].negate &&
			    !any_sel(later, false, &e->who[i], sel_within))
				return false;
		if (positives(e) == 0)
			return false;
	}
	for (i = 0; i < later->nwho; i++) {
		n = &later->who[i];
		if (n->negate && !any_sel(e, true, n, sel_within) &&
		    !all_positive(e, n, sel_disjoint))
			return false;
	}
	return true;
}

static void
lint_shadowed(struct lint *l, size_t i)
{
	const struct rule *r = &l->c->rules[i], *later;
	size_t j;

	for (j = i + 1; j < l->c->nrules; j++) {
		later = &l->c->rules[j];
		if (strcmp(later->target, r->target) || !who_covers(later, r))
			continue;
		report(l, r,
		       "shadowed by %s:%u (same TARGET, and that rule applies "
		       "to every user this one does): this rule never takes "
		       "effect",
		       later->file, later->line);
		return;
	}
}

/* ---- all of it -------------------------------------------------------- */

static void
lint_rule(struct lint *l, size_t i)
{
	const struct rule *r = &l->c->rules[i];
	_cleanup_(freep) char *target = NULL;
	struct path_info *tpi, *spi;

	lint_shadowed(l, i);
	if (r->method == METHOD_NONE)
		return;
	/* A TARGET with a variable (or no memory) stays NULL. */
	template_literal(r->target, &target);
	tpi = malloc(sizeof(*tpi));
	spi = malloc(sizeof(*spi));
	if (tpi && spi) {
		lint_target(l, r, target, tpi);
		spi->err = -1;
		if (r->method == METHOD_BIND)
			lint_source(l, r, target, tpi, spi);
		if (r->method == METHOD_TMPFS)
			lint_size(l, r);
		lint_selinux(l, r);
		if (r->method == METHOD_RO)
			lint_ro(l, r);
		lint_autofs(l, r);
		if (r->method == METHOD_HIDE)
			lint_hide(l, r);
		lint_trusted(l, r, tpi, spi);
	}
	free(tpi);
	free(spi);
}

size_t
lint_conf_mounts(const struct conf *c, const char *mountinfo, lint_fn fn,
		 void *ctx)
{
	struct lint l = {.c = c, .fn = fn, .ctx = ctx, .mountinfo = mountinfo};
	size_t i;

	for (i = 0; i < c->nrules; i++)
		lint_rule(&l, i);
	return l.n;
}

size_t
lint_conf(const struct conf *c, lint_fn fn, void *ctx)
{
	return lint_conf_mounts(c, "/proc/self/mountinfo", fn, ctx);
}
