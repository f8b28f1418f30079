/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What pam_mntns_helper show reports for a login (describe_plan), for
 * plans whose TARGETs are in a temporary directory: the owner, mode and
 * flags the session would see, what the login creates, and where and why
 * it is refused.  Nothing is mounted; no root needed.  The user is dave
 * (uid 60000, gid 1000) of tests/unit/fixtures, served by nss_wrapper.
 */
#include <sys/mount.h>
#include <sys/stat.h>

#include "admin/describe.h"
#include "plan/plan.h"
#include "unit.h"

#define UID 60000
#define GID 1000

/* Describes the plan of dave for @text (with "@D@" for the directory). */
static void
describe_text(void **state, const char *text, struct plan_desc *pd)
{
	struct mntns_error e = {0};
	struct identity id = {0};
	struct conf c = {0};
	struct plan p = {0};

	assert_parses_in(&c, *state, text);
	assert_int_equal(ident_lookup(&id, "dave", &e), 0);
	assert_int_equal(plan_for_user(&p, &c, &id, &e), 0);
	assert_int_equal(describe_plan(&p, pd), 0);
	assert_int_equal(pd->n, p.n);
	plan_free(&p);
	ident_free(&id);
	conf_free(&c);
}

/* True if @why says @part, "@D@" being the test's directory. */
static bool
why_says(void **state, const char *why, const char *part)
{
	const struct tmpdir *t = *state;
	char want[2048];
	const char *at = strstr(part, "@D@");

	if (at)
		snprintf(want, sizeof(want), "%.*s%s%s", (int)(at - part), part,
			 t->path, at + 3);
	else
		snprintf(want, sizeof(want), "%s", part);
	if (strstr(why, want))
		return true;
	print_error("why:    '%s'\nwanted: '%s'\n", why, want);
	return false;
}

#define assert_why(d, part) assert_true(why_says(state, (d)->why, part))

static mode_t
mode_of(void **state, const char *rel)
{
	char p[PATH_MAX];
	struct stat st;

	assert_int_equal(stat(tmp_path(*state, rel, p), &st), 0);
	return st.st_mode;
}

/* ---- what the session sees ----------------------------------------------- */

static void
test_describe_tmpfs_mode(void **state)
{
	struct plan_desc pd;
	const struct entry_desc *d;

	assert_int_equal(tmp_mkdir(*state, "t", 0755), 0);
	describe_text(state,
		      "dave  @D@/t  tmpfs  -  size=1M,mode=0700,nosuid\n", &pd);
	assert_int_equal(pd.n, 1);
	assert_int_equal(pd.failed, -1);
	d = &pd.d[0];
	assert_int_equal(d->state, DESC_OK);
	assert_false(d->nested);
	assert_int_equal(d->target_made, MADE_NONE);
	assert_int_equal(d->owner, OWNER_MODE);
	assert_int_equal(d->uid, UID);
	assert_int_equal(d->gid, GID);
	assert_int_equal(d->mode, S_IFDIR | 0700);
	assert_true(d->flags & MS_NOSUID);
	assert_false(d->flags & MS_RDONLY);
	assert_string_equal(d->fsdata, "size=1M,mode=0700,uid=60000,gid=1000");
	plan_desc_free(&pd);
}

/* Without mode=, the tmpfs takes TARGET's owner and mode. */
static void
test_describe_tmpfs_target_owner(void **state)
{
	struct plan_desc pd;

	assert_int_equal(tmp_mkdir(*state, "t", 0751), 0);
	describe_text(state, "dave  @D@/t  tmpfs  -  size=1M\n", &pd);
	assert_int_equal(pd.d[0].state, DESC_OK);
	assert_int_equal(pd.d[0].owner, OWNER_TARGET);
	assert_int_equal(pd.d[0].uid, geteuid());
	assert_int_equal(pd.d[0].mode, S_IFDIR | 0751);
	plan_desc_free(&pd);
}

static void
test_describe_ro_and_hide(void **state)
{
	struct plan_desc pd;

	assert_int_equal(tmp_mkdir(*state, "ro", 0750), 0);
	assert_int_equal(tmp_mkdir(*state, "hidden", 0755), 0);
	describe_text(state,
		      "dave  @D@/ro      ro\n"
		      "dave  @D@/hidden  hide\n",
		      &pd);
	assert_int_equal(pd.n, 2);
	assert_int_equal(pd.failed, -1);
	/* Parents first, then by name: hidden before ro. */
	assert_int_equal(pd.d[0].state, DESC_OK);
	assert_int_equal(pd.d[0].owner, OWNER_HIDDEN);
	assert_int_equal(pd.d[0].uid, 0);
	assert_int_equal(pd.d[0].mode, S_IFDIR);
	assert_int_equal(pd.d[0].flags, MOUNT_MS_FLAGS);
	assert_int_equal(pd.d[1].state, DESC_OK);
	assert_int_equal(pd.d[1].owner, OWNER_TARGET);
	assert_int_equal(pd.d[1].mode, mode_of(state, "ro"));
	assert_true(pd.d[1].flags & MS_RDONLY);
	plan_desc_free(&pd);
}

static void
test_describe_bind(void **state)
{
	struct plan_desc pd;

	assert_int_equal(tmp_mkdir(*state, "t", 0755), 0);
	assert_int_equal(tmp_mkdir(*state, "src", 0710), 0);
	describe_text(state, "dave  @D@/t  bind  @D@/src  ro\n", &pd);
	assert_int_equal(pd.d[0].state, DESC_OK);
	assert_int_equal(pd.d[0].owner, OWNER_SOURCE);
	assert_int_equal(pd.d[0].uid, geteuid());
	assert_int_equal(pd.d[0].mode, S_IFDIR | 0710);
	assert_true(pd.d[0].flags & MS_RDONLY);
	plan_desc_free(&pd);
}

/* A TARGET below a tmpfs of the plan is made in that tmpfs. */
static void
test_describe_nested_in_tmpfs(void **state)
{
	struct plan_desc pd;

	assert_int_equal(tmp_mkdir(*state, "t", 0755), 0);
	assert_int_equal(tmp_mkdir(*state, "src", 0700), 0);
	describe_text(state,
		      "dave  @D@/t          tmpfs  -       size=1M,mode=0755\n"
		      "dave  @D@/t/a/inner  bind   @D@/src  -\n",
		      &pd);
	assert_int_equal(pd.n, 2);
	assert_int_equal(pd.failed, -1);
	assert_false(pd.d[0].nested);
	assert_true(pd.d[1].nested);
	assert_int_equal(pd.d[1].state, DESC_OK);
	assert_int_equal(pd.d[1].target_made, MADE_IN_TMPFS);
	assert_int_equal(pd.d[1].owner, OWNER_SOURCE);
	assert_int_equal(pd.d[1].mode, S_IFDIR | 0700);
	plan_desc_free(&pd);
}

/* ---- where the login is refused ----------------------------------------- */

static void
test_describe_symlink_target(void **state)
{
	struct plan_desc pd;

	assert_int_equal(tmp_mkdir(*state, "t", 0755), 0);
	assert_int_equal(tmp_symlink(*state, "t", "link"), 0);
	describe_text(state, "dave  @D@/link  tmpfs  -  size=1M\n", &pd);
	assert_int_equal(pd.failed, 0);
	assert_int_equal(pd.d[0].state, DESC_REFUSED);
	assert_why(&pd.d[0], "target @D@/link");
	assert_why(&pd.d[0], "is a symlink, refusing it");
	plan_desc_free(&pd);
}

/* The user does not own the directory: the login creates nothing. */
static void
test_describe_missing_target(void **state)
{
	struct plan_desc pd;

	if (geteuid() == UID)
		skip();
	describe_text(state, "dave  @D@/missing  tmpfs  -  size=1M\n", &pd);
	assert_int_equal(pd.failed, 0);
	assert_int_equal(pd.d[0].state, DESC_REFUSED);
	assert_why(&pd.d[0], "target @D@/missing does not exist");
	plan_desc_free(&pd);
}

static void
test_describe_missing_source(void **state)
{
	struct plan_desc pd;

	assert_int_equal(tmp_mkdir(*state, "t", 0755), 0);
	describe_text(state, "dave  @D@/t  bind  @D@/nosrc  -\n", &pd);
	assert_int_equal(pd.failed, 0);
	assert_int_equal(pd.d[0].state, DESC_REFUSED);
	assert_why(&pd.d[0], "source @D@/nosrc does not exist");
	plan_desc_free(&pd);
}

/* Refused by root, or unknown to anyone else (EPERM): never mounted. */
static void
test_describe_open_instance_parent(void **state)
{
	struct plan_desc pd;

	assert_int_equal(tmp_mkdir(*state, "t", 0755), 0);
	assert_int_equal(tmp_mkdir(*state, "inst", 0755), 0);
	describe_text(state, "dave  @D@/t  bind  @D@/inst/%u  mode=0700\n",
		      &pd);
	assert_int_equal(pd.failed, 0);
	assert_int_equal(pd.d[0].state,
			 geteuid() == 0 ? DESC_REFUSED : DESC_UNKNOWN);
	assert_why(&pd.d[0], "instance parent @D@/inst is owned by uid");
	assert_why(&pd.d[0], "with mode 0755");
	plan_desc_free(&pd);
}

/* After the entry that fails, nothing is described as mounted. */
static void
test_describe_not_reached(void **state)
{
	struct plan_desc pd;

	assert_int_equal(tmp_mkdir(*state, "a", 0755), 0);
	assert_int_equal(tmp_mkdir(*state, "z", 0755), 0);
	describe_text(state,
		      "dave  @D@/a        tmpfs  -  size=1M\n"
		      "dave  @D@/missing  ro\n"
		      "dave  @D@/z        tmpfs  -  size=1M\n",
		      &pd);
	assert_int_equal(pd.n, 3);
	assert_int_equal(pd.failed, 1);
	assert_int_equal(pd.d[0].state, DESC_NOT_REACHED);
	assert_int_equal(pd.d[1].state, DESC_REFUSED);
	assert_why(&pd.d[1], "target @D@/missing does not exist");
	assert_int_equal(pd.d[2].state, DESC_NOT_REACHED);
	plan_desc_free(&pd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tmpdir_setup, tmpdir_teardown)
		T(test_describe_tmpfs_mode),
		T(test_describe_tmpfs_target_owner),
		T(test_describe_ro_and_hide),
		T(test_describe_bind),
		T(test_describe_nested_in_tmpfs),
		T(test_describe_symlink_target),
		T(test_describe_missing_target),
		T(test_describe_missing_source),
		T(test_describe_open_instance_parent),
		T(test_describe_not_reached),
#undef T
	};

	return cmocka_run_group_tests_name("describe", tests, NULL, NULL);
}
