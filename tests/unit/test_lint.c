/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pam_mntns_helper check's findings (lint_conf), for configs whose paths
 * are in a temporary directory: what the module would refuse there
 * (missing paths, symlinks, unsafe instance parents) and the risky or
 * useless rules, without root.
 */
#include <sys/stat.h>

#include "admin/lint.h"
#include "unit.h"

#define MAX_FINDINGS 16

struct findings {
	size_t n;
	unsigned line[MAX_FINDINGS];
	char msg[MAX_FINDINGS][1024];
};

static void
collect(const struct rule *r, const char *msg, void *ctx)
{
	struct findings *f = ctx;

	if (f->n < MAX_FINDINGS) {
		f->line[f->n] = r->line;
		snprintf(f->msg[f->n], sizeof(f->msg[0]), "%s", msg);
	}
	f->n++;
}

/* Lints @text (with "@D@" for the test's directory) into @f. */
static void
lint_text(void **state, const char *text, struct findings *f)
{
	struct conf c = {0};
	size_t n;

	memset(f, 0, sizeof(*f));
	assert_parses_in(&c, *state, text);
	n = lint_conf(&c, collect, f);
	assert_int_equal(n, f->n);
	conf_free(&c);
}

/* True if finding @i is on line @line and says @part (with "@D@"). */
static bool
finding_is(void **state, const struct findings *f, size_t i, unsigned line,
	   const char *part)
{
	const struct tmpdir *t = *state;
	char want[2048], *at;

	snprintf(want, sizeof(want), "%s", part);
	while ((at = strstr(want, "@D@"))) {
		char rest[2048];

		snprintf(rest, sizeof(rest), "%s", at + 3);
		snprintf(at, sizeof(want) - (size_t)(at - want), "%s%s",
			 t->path, rest);
	}
	if (i < f->n && i < MAX_FINDINGS && f->line[i] == line &&
	    strstr(f->msg[i], want))
		return true;
	print_error("finding %zu of %zu: line %u '%s'\nwanted line %u: '%s'\n",
		    i, f->n, i < f->n ? f->line[i] : 0,
		    i < f->n ? f->msg[i] : "", line, want);
	return false;
}

#define assert_finding(f, i, line, part)                                       \
	assert_true(finding_is(state, f, i, line, part))

/* ---- TARGETs ----------------------------------------------------------- */

static void
test_lint_clean(void **state)
{
	struct findings f;

	assert_int_equal(tmp_mkdir(*state, "t", 0755), 0);
	assert_int_equal(tmp_mkdir(*state, "src", 0755), 0);
	assert_int_equal(tmp_file(*state, "file"), 0);
	lint_text(state,
		  "*  @D@/t     tmpfs  -         size=1M\n"
		  "*  @D@/src   bind   @D@/t     -\n"
		  "*  @D@/file  ro\n"
		  "bob  @D@/src   none\n",
		  &f);
	assert_int_equal(f.n, 0);
}

static void
test_lint_missing_target(void **state)
{
	struct findings f;

	lint_text(state, "*  @D@/missing  tmpfs  -  size=1M\n", &f);
	assert_int_equal(f.n, 1);
	assert_finding(&f, 0, 1,
		       "TARGET @D@/missing does not exist; the module refuses");
}

static void
test_lint_symlink_target(void **state)
{
	struct findings f;

	assert_int_equal(tmp_mkdir(*state, "t", 0755), 0);
	assert_int_equal(tmp_symlink(*state, "t", "link"), 0);
	lint_text(state,
		  "*  @D@/link      ro\n"
		  "*  @D@/link/sub  hide\n",
		  &f);
	assert_int_equal(f.n, 2);
	assert_finding(&f, 0, 1,
		       "TARGET @D@/link is a symlink, refusing it; the module");
	assert_finding(
		&f, 1, 2,
		"TARGET @D@/link/sub: @D@/link is a symlink, refusing it; the "
		"module");
}

/* With a variable, the directories before it are still checked. */
static void
test_lint_symlink_before_variable(void **state)
{
	struct findings f;

	assert_int_equal(tmp_mkdir(*state, "t", 0755), 0);
	assert_int_equal(tmp_symlink(*state, "t", "link"), 0);
	lint_text(state, "*  @D@/link/%u  tmpfs  -  size=1M\n", &f);
	assert_int_equal(f.n, 1);
	assert_finding(
		&f, 0, 1,
		"TARGET @D@/link/%u: @D@/link is a symlink, refusing it");
}

static void
test_lint_target_type(void **state)
{
	struct findings f;

	assert_int_equal(tmp_file(*state, "file"), 0);
	lint_text(state, "*  @D@/file  tmpfs  -  size=1M\n", &f);
	assert_int_equal(f.n, 1);
	assert_finding(&f, 0, 1,
		       "TARGET @D@/file is a regular file, expected a "
		       "directory; the module refuses");
}

/* What a tmpfs or bind of the plan mounts is not the host's to check. */
static void
test_lint_below_other_mount(void **state)
{
	struct findings f;

	assert_int_equal(tmp_mkdir(*state, "t", 0755), 0);
	lint_text(state,
		  "*  @D@/t          tmpfs  -  size=1M\n"
		  "*  @D@/t/new/dir  tmpfs  -  size=1M\n",
		  &f);
	assert_int_equal(f.n, 0);
}

static void
test_lint_tmpfs_without_size(void **state)
{
	struct findings f;

	assert_int_equal(tmp_mkdir(*state, "t", 0755), 0);
	lint_text(state, "*  @D@/t  tmpfs  -  mode=0700\n", &f);
	assert_int_equal(f.n, 1);
	assert_finding(&f, 0, 1, "tmpfs without size=");
}

/* ---- SOURCEs and instance parents --------------------------------------- */

static void
test_lint_source(void **state)
{
	struct findings f;

	assert_int_equal(tmp_mkdir(*state, "t", 0755), 0);
	assert_int_equal(tmp_file(*state, "file"), 0);
	assert_int_equal(tmp_mkdir(*state, "src", 0755), 0);
	assert_int_equal(tmp_symlink(*state, "src", "srclink"), 0);
	lint_text(state,
		  "alice  @D@/t  bind  @D@/missing  -\n"
		  "bob    @D@/t  bind  @D@/file     -\n"
		  "carol  @D@/t  bind  @D@/srclink  -\n",
		  &f);
	assert_int_equal(f.n, 3);
	assert_finding(&f, 0, 1, "SOURCE @D@/missing does not exist");
	/* The login's own check: TARGET must be what SOURCE is. */
	assert_finding(&f, 1, 2,
		       "TARGET @D@/t is a directory, expected a regular file; "
		       "the module refuses");
	assert_finding(&f, 2, 3,
		       "SOURCE @D@/srclink is a symlink, refusing it");
}

static void
test_lint_instance_parent(void **state)
{
	struct findings f;

	assert_int_equal(tmp_mkdir(*state, "t", 0755), 0);
	assert_int_equal(tmp_mkdir(*state, "open", 0755), 0);
	assert_int_equal(tmp_file(*state, "file"), 0);
	lint_text(state,
		  "alice  @D@/t  bind  @D@/open/%u     mode=0700\n"
		  "bob    @D@/t  bind  @D@/new/%u      mode=0700\n"
		  "carol  @D@/t  bind  @D@/no/new/%u   mode=0700\n"
		  "dave   @D@/t  bind  @D@/file/%u     mode=0700\n",
		  &f);
	assert_int_equal(f.n, 4);
	/* Whoever runs the test owns it: the mode alone is reason enough. */
	assert_finding(&f, 0, 1, "instance parent @D@/open is owned by uid ");
	assert_finding(
		&f, 0, 1,
		" with mode 0755; it must be owned by root with no group "
		"or other permissions");
	assert_finding(&f, 0, 1, "removing it); the module refuses");
	assert_finding(&f, 1, 2,
		       "instance parent @D@/new does not exist; the first "
		       "login creates it, root:root 0000");
	assert_finding(&f, 2, 3,
		       "directory @D@/no does not exist; the module refuses");
	assert_finding(&f, 3, 4,
		       "instance parent @D@/file is a regular file, not a "
		       "directory; the module refuses");
}

/* ---- rules that never take effect, and ro -------------------------------- */

static void
test_lint_shadowed(void **state)
{
	struct findings f;

	assert_int_equal(tmp_mkdir(*state, "t", 0755), 0);
	lint_text(state,
		  "alice   @D@/t  tmpfs  -  size=1M\n"
		  "*,!bob  @D@/t  tmpfs  -  size=2M\n"
		  "bob     @D@/t  tmpfs  -  size=3M\n",
		  &f);
	assert_int_equal(f.n, 1);
	assert_finding(&f, 0, 1, "shadowed by test.conf:2");
}

static void
test_lint_ro_with_mount_below(void **state)
{
	struct findings f;

	assert_int_equal(tmp_mkdir(*state, "t", 0755), 0);
	assert_int_equal(tmp_mkdir(*state, "t/sub", 0755), 0);
	lint_text(state,
		  "*  @D@/t      ro\n"
		  "*  @D@/t/sub  tmpfs  -  size=1M\n",
		  &f);
	assert_int_equal(f.n, 1);
	assert_finding(&f, 0, 1,
		       "ro on @D@/t, but test.conf:2 mounts @D@/t/sub below "
		       "it: that part stays writable");
}

/* Lints @text against a mount table with autofs mounts in the tmpdir. */
static void
lint_with_autofs(void **state, const char *text, struct findings *f)
{
	const struct tmpdir *t = *state;
	char info[PATH_MAX];
	struct conf c = {0};
	size_t n;
	FILE *fp;

	tmp_path(t, "mountinfo", info);
	fp = fopen(info, "w");
	assert_non_null(fp);
	fprintf(fp,
		"21 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
		"40 21 0:40 / %s/t/auto rw shared:2 - autofs systemd-1 rw\n"
		"41 21 0:41 / %s/x\\040y rw shared:3 - autofs auto rw\n"
		"42 21 0:42 / %s/t/tmp rw shared:4 - tmpfs tmpfs rw\n",
		t->path, t->path, t->path);
	fclose(fp);
	memset(f, 0, sizeof(*f));
	assert_parses_in(&c, *state, text);
	n = lint_conf_mounts(&c, info, collect, f);
	assert_int_equal(n, f->n);
	conf_free(&c);
}

static void
test_lint_ro_over_autofs(void **state)
{
	struct findings f;

	assert_int_equal(tmp_mkdir(*state, "t", 0755), 0);
	assert_int_equal(tmp_mkdir(*state, "t/auto", 0755), 0);
	assert_int_equal(tmp_mkdir(*state, "x y", 0755), 0);
	assert_int_equal(tmp_mkdir(*state, "d", 0755), 0);
	assert_int_equal(tmp_mkdir(*state, "e", 0755), 0);
	lint_with_autofs(state,
			 "*  @D@/t        ro\n"
			 "*  @D@/d        bind  @D@/x\\040y  ro\n"
			 "*  @D@/t/auto   ro\n"
			 "*  @D@/e        bind  @D@/t      -\n",
			 &f);
	assert_int_equal(f.n, 3);
	assert_finding(&f, 0, 1,
		       "@D@/t is read-only in sessions and cut off from the "
		       "host's later mounts, but the automount point "
		       "@D@/t/auto is below it: its automounts never appear "
		       "in a session");
	assert_finding(&f, 1, 2, "the automount point @D@/x y is at it");
	assert_finding(&f, 2, 3, "the automount point @D@/t/auto is at it");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tmpdir_setup, tmpdir_teardown)
		T(test_lint_clean),
		T(test_lint_missing_target),
		T(test_lint_symlink_target),
		T(test_lint_symlink_before_variable),
		T(test_lint_target_type),
		T(test_lint_below_other_mount),
		T(test_lint_tmpfs_without_size),
		T(test_lint_source),
		T(test_lint_instance_parent),
		T(test_lint_shadowed),
		T(test_lint_ro_with_mount_below),
		T(test_lint_ro_over_autofs),
#undef T
	};

	return cmocka_run_group_tests_name("lint", tests, NULL, NULL);
}
