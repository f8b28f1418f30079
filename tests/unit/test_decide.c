/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The decisions the module, "show" and "check" share (lib/plan/decide.c) and
 * the order of a login's steps (lib/mount/walk.c), without touching the system.
 */
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "plan/decide.h"
#include "syscalls.h"
#include "unit.h"
#include "mount/walk.h"

static struct plan_entry
entry(enum mntns_method m, const char *target)
{
	struct plan_entry pe;

	memset(&pe, 0, sizeof(pe));
	pe.method = m;
	pe.target = (char *)target;
	pe.source = (char *)"/var/inst/alice";
	pe.mode = -1;
	pe.uid = 1000;
	pe.gid = 100;
	return pe;
}

static struct stat
stat_of(mode_t mode, uid_t uid, gid_t gid)
{
	return (struct stat){.st_mode = mode, .st_uid = uid, .st_gid = gid};
}

static void
test_plan_parent(void **state)
{
	struct plan_entry pe[] = {
		entry(METHOD_TMPFS, "/a"),
		entry(METHOD_TMPFS, "/a/b"),
		entry(METHOD_TMPFS, "/a/b/c"),
		entry(METHOD_TMPFS, "/ab"),
	};
	struct plan p = {.entries = pe, .n = ARRAY_SIZE(pe)};

	(void)state;
	assert_int_equal(plan_parent(&p, 0), -1);
	assert_int_equal(plan_parent(&p, 1), 0);
	assert_int_equal(plan_parent(&p, 2), 1);
	/* "/ab" is not below "/a". */
	assert_int_equal(plan_parent(&p, 3), -1);
	assert_false(path_below("/a", "/a"));
	assert_true(path_below("/a/x", "/a"));
}

static void
test_target_type(void **state)
{
	struct plan_entry pe = entry(METHOD_RO, "/srv");
	struct stat fifo = stat_of(S_IFIFO | 0644, 0, 0);
	struct mntns_error e = {0};
	enum target_type want = TARGET_ANY;

	(void)state;
	assert_int_equal(target_want(METHOD_TMPFS, false), TARGET_DIR);
	assert_int_equal(target_want(METHOD_BIND, true), TARGET_DIR);
	assert_int_equal(target_want(METHOD_BIND, false), TARGET_ANY);
	assert_int_equal(target_want(METHOD_HIDE, false), TARGET_ANY);
	assert_true(target_type_ok(S_IFREG, TARGET_ANY));
	assert_false(target_type_ok(S_IFREG, TARGET_DIR));
	assert_false(target_type_ok(S_IFIFO, TARGET_FILE));
	assert_int_equal(check_target_type(&pe, &fifo, TARGET_ANY, &e),
			 -ENOTDIR);
	assert_string_equal(e.msg, "target /srv is a FIFO, expected a "
				   "directory or a regular file");
	/* The one wording, for "check" too. */
	assert_int_equal(check_type("TARGET", "/t", S_IFDIR, TARGET_FILE, &e),
			 -ENOTDIR);
	assert_string_equal(e.msg, "TARGET /t is a directory, expected a "
				   "regular file");
	assert_int_equal(check_type("TARGET", "/t", S_IFDIR, TARGET_ANY, &e),
			 0);
	assert_int_equal(source_type("source", "/s", S_IFREG, &want, &e), 0);
	assert_int_equal(want, TARGET_FILE);
	assert_int_equal(source_type("SOURCE", "/s", S_IFSOCK, &want, &e),
			 -EINVAL);
	assert_string_equal(e.msg, "SOURCE /s is a socket; only directories "
				   "and regular files can be bound");
}

static void
test_missing_target(void **state)
{
	struct plan_entry pe[] = {
		entry(METHOD_TMPFS, "/t"),
		entry(METHOD_BIND, "/b"),
	};
	struct plan p = {.entries = pe, .n = ARRAY_SIZE(pe)};
	struct stat mine = stat_of(S_IFDIR | 0755, 1000, 100);
	struct stat roots = stat_of(S_IFDIR | 0755, 0, 0);

	(void)state;
	assert_int_equal(missing_target(&p, 0, TARGET_FILE), MISSING_IN_TMPFS);
	assert_int_equal(missing_target(&p, 0, TARGET_ANY), MISSING_REFUSED);
	assert_int_equal(missing_target(&p, 1, TARGET_DIR), MISSING_USER_DIR);
	assert_int_equal(missing_target(&p, -1, TARGET_FILE), MISSING_REFUSED);
	assert_true(user_dir_allowed(&pe[0], &mine));
	assert_false(user_dir_allowed(&pe[0], &roots));
	pe[0].uid = 0;
	assert_false(user_dir_allowed(&pe[0], &roots));
}

static void
test_fresh_root(void **state)
{
	struct plan_entry pe = entry(METHOD_TMPFS, "/tmp");
	struct stat tmp = stat_of(S_IFDIR | 01777, 0, 0), st;
	struct mntns_error e = {0};
	char data[64];

	(void)state;
	st = fresh_root(&pe, &tmp);
	assert_int_equal(st.st_mode, S_IFDIR | 01777);
	assert_int_equal(st.st_uid, 0);
	st = fresh_root(&pe, NULL);
	assert_int_equal(st.st_mode, S_IFDIR | 0755);
	pe.mode = 0700;
	st = fresh_root(&pe, &tmp);
	assert_int_equal(st.st_mode, S_IFDIR | 0700);
	assert_int_equal(st.st_uid, 1000);
	assert_int_equal(st.st_gid, 100);
	pe.fsdata = "size=10%";
	assert_int_equal(tmpfs_data(&pe, &st, data, sizeof(data), &e), 0);
	assert_string_equal(data, "size=10%,mode=0700,uid=1000,gid=100");
	assert_int_equal(tmpfs_data(&pe, &st, data, 8, &e), -E2BIG);
	assert_string_equal(e.msg, "target /tmp: tmpfs options too long");
}

/* The SELinux options reach mount(2) as written, and a refusal names them. */
static void
test_tmpfs_selinux(void **state)
{
	struct plan_entry pe = entry(METHOD_TMPFS, "/tmp");
	struct stat st = stat_of(S_IFDIR | 01777, 0, 0);
	struct mntns_error e = {0};
	char data[128];

	(void)state;
	pe.selinux = "context=\"system_u:object_r:tmp_t:s0:c0,c1\"";
	assert_int_equal(tmpfs_data(&pe, &st, data, sizeof(data), &e), 0);
	assert_string_equal(data,
			    "context=\"system_u:object_r:tmp_t:s0:c0,c1\","
			    "mode=1777,uid=0,gid=0");
	pe.fsdata = "size=10%";
	pe.selinux = "rootcontext=system_u:object_r:tmp_t:s0";
	assert_int_equal(tmpfs_data(&pe, &st, data, sizeof(data), &e), 0);
	assert_string_equal(data, "size=10%,rootcontext=system_u:object_r:"
				  "tmp_t:s0,mode=1777,uid=0,gid=0");
	assert_int_equal(tmpfs_mount_error(&pe, -EINVAL, &e), -EINVAL);
	assert_string_equal(e.msg,
			    "cannot mount tmpfs on /tmp with rootcontext="
			    "system_u:object_r:tmp_t:s0: Invalid argument (is "
			    "SELinux enabled? Without it tmpfs has no context "
			    "options; with it, each context must be valid in "
			    "the loaded policy)");
	assert_int_equal(tmpfs_mount_error(&pe, -ENOMEM, &e), -ENOMEM);
	assert_string_equal(e.msg, "cannot mount tmpfs on /tmp: Cannot "
				   "allocate memory");
	pe.selinux = NULL;
	assert_int_equal(tmpfs_mount_error(&pe, -EINVAL, &e), -EINVAL);
	assert_string_equal(e.msg, "cannot mount tmpfs on /tmp: Invalid "
				   "argument");
}

static void
test_mount_flags(void **state)
{
	struct plan_entry pe = entry(METHOD_RO, "/srv");
	unsigned long set, clr;

	(void)state;
	pe.ms_set = MS_NOSUID;
	pe.ms_clr = MS_NOEXEC;
	mount_flags(&pe, &set, &clr);
	assert_int_equal(set, MS_RDONLY | MS_NOSUID);
	assert_int_equal(clr, MS_NOEXEC);
	pe.method = METHOD_TMPFS;
	mount_flags(&pe, &set, &clr);
	assert_int_equal(set, MS_NOSUID);
	assert_int_equal(clr, 0);
	pe.method = METHOD_HIDE;
	mount_flags(&pe, &set, &clr);
	assert_int_equal(set, MOUNT_MS_FLAGS);
	assert_int_equal(clr, 0);
	assert_int_equal(ms_to_attr(MS_RDONLY | MS_NODEV),
			 MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV);
	assert_int_equal(st_to_ms(ST_NOSUID | ST_NOEXEC),
			 MS_NOSUID | MS_NOEXEC);
}

static void
test_instance_messages(void **state)
{
	struct plan_entry pe = entry(METHOD_BIND, "/var/tmp");
	struct stat bad = stat_of(S_IFDIR | 0755, 1000, 0);
	struct stat node = stat_of(S_IFREG, 0, 0);
	struct mntns_error e = {0};

	(void)state;
	assert_false(instance_parent_safe(&bad));
	assert_int_equal(check_instance_parent("/var/inst", &bad, &e), -EPERM);
	assert_msg(&e,
		   "instance parent /var/inst is owned by uid 1000 with "
		   "mode 0755",
		   "someone may be attacking");
	assert_int_equal(instance_error(&pe, -ELOOP, &e), -ELOOP);
	assert_string_equal(e.msg, "instance /var/inst/alice is not a "
				   "directory (a symlink or another file is "
				   "there)");
	assert_int_equal(check_instance_owner(&pe, 1001, 1000, &e), -EPERM);
	assert_msg(&e, "instance /var/inst/alice is owned by uid 1001",
		   "expected 1000");
	assert_int_equal(check_instance_owner(&pe, 1000, 1000, &e), 0);
	assert_int_equal(check_hide_node("/run/n", &node, &e), 0);
	node.st_size = 1;
	assert_int_equal(check_hide_node("/run/n", &node, &e), -EPERM);
}

/* ---- the walk --------------------------------------------------------- */

struct trace {
	char log[512];
	int missing; /* the entry whose TARGET lookup finds nothing */
};

_printf_(2, 3) static void note(struct trace *t, const char *fmt, ...)
{
	size_t n = strlen(t->log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->log + n, sizeof(t->log) - n, fmt, ap);
	va_end(ap);
}

static int
t_source(void *ctx, size_t i, struct walk_step *s, struct mntns_error *e)
{
	(void)e;
	s->sst = stat_of(S_IFREG | 0644, 0, 0);
	note(ctx, "source%zu ", i);
	return 0;
}

static int
t_node(void *ctx, size_t i, struct mntns_error *e)
{
	(void)e;
	note(ctx, "node%zu ", i);
	return 0;
}

static int
t_lookup(void *ctx, size_t i, size_t k, struct walk_step *s,
	 struct mntns_error *e)
{
	struct trace *t = ctx;

	(void)e;
	note(t, "lookup%zu/%zu ", i, k);
	s->tst = stat_of(s->want == TARGET_FILE ? S_IFREG : S_IFDIR | 01777, 0,
			 0);
	return (int)i == t->missing ? -ENOENT : 0;
}

static int
t_user_dir(void *ctx, size_t i, size_t k, struct walk_step *s,
	   struct mntns_error *e)
{
	(void)s;
	(void)e;
	note(ctx, "userdir%zu/%zu ", i, k);
	return 0;
}

static int
t_in_tmpfs(void *ctx, size_t i, struct walk_step *s, struct mntns_error *e)
{
	(void)e;
	note(ctx, "intmpfs%zu<%d ", i, s->parent);
	return 0;
}

static int
t_instance(void *ctx, size_t i, const struct stat *fresh, struct mntns_error *e)
{
	(void)e;
	note(ctx, "instance%zu:%o ", i, (unsigned)(fresh->st_mode & 07777));
	return 0;
}

static int
t_mount(void *ctx, size_t i, const struct walk_step *s, struct mntns_error *e)
{
	(void)s;
	(void)e;
	note(ctx, "mount%zu ", i);
	return 0;
}

static int
t_refuse(void *ctx, size_t i, int rc, struct mntns_error *e)
{
	note(ctx, "refuse%zu:%s", i, e->msg);
	return rc;
}

/* In the order of struct walk_ops. */
static const struct walk_ops trace_ops = {t_source,   t_node,	  t_lookup,
					  t_user_dir, t_in_tmpfs, t_instance,
					  t_mount,    t_refuse};

static void
test_walk_order(void **state)
{
	struct plan_entry pe[] = {
		entry(METHOD_TMPFS, "/t"),
		entry(METHOD_BIND, "/t/f"),
		entry(METHOD_BIND, "/v"),
		entry(METHOD_HIDE, "/w"),
	};
	struct plan p = {.entries = pe, .n = ARRAY_SIZE(pe)};
	struct walk_step steps[ARRAY_SIZE(pe)];
	struct trace t = {.missing = 1};
	struct mntns_error e = {0};

	(void)state;
	pe[2].instance = true;
	assert_int_equal(walk_plan(&p, steps, &trace_ops, &t, &e), 0);
	/* SOURCEs, instances (like TARGET) and outer TARGETs, then mounts. */
	assert_string_equal(t.log, "lookup0/0 source1 lookup2/0 instance2:1777 "
				   "node3 lookup3/0 mount0 lookup1/1 "
				   "intmpfs1<0 mount1 mount2 mount3 ");
	assert_int_equal(steps[1].parent, 0);
	assert_int_equal(steps[1].want, TARGET_FILE);
}

static void
test_walk_refuses(void **state)
{
	struct plan_entry pe[] = {
		entry(METHOD_RO, "/r"),
		entry(METHOD_TMPFS, "/s"),
	};
	struct plan p = {.entries = pe, .n = ARRAY_SIZE(pe)};
	struct walk_step steps[ARRAY_SIZE(pe)];
	struct trace t = {.missing = 0};
	struct mntns_error e = {0};

	(void)state;
	/* ro of a missing path: nothing to make, the login fails. */
	assert_int_equal(walk_plan(&p, steps, &trace_ops, &t, &e), -ENOENT);
	assert_string_equal(t.log,
			    "lookup0/0 refuse0:target /r does not exist");
	assert_int_equal(steps[1].parent, -1);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_parent),
		cmocka_unit_test(test_target_type),
		cmocka_unit_test(test_missing_target),
		cmocka_unit_test(test_fresh_root),
		cmocka_unit_test(test_tmpfs_selinux),
		cmocka_unit_test(test_mount_flags),
		cmocka_unit_test(test_instance_messages),
		cmocka_unit_test(test_walk_order),
		cmocka_unit_test(test_walk_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
