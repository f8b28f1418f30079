/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The text of a plan kept with a namespace, its fingerprint, and the
 * difference of two plans' texts (lib/plan/fingerprint.c).
 */
#include <sys/mount.h>

#include "plan/fingerprint.h"
#include "unit.h"

static const struct plan_entry entries[] = {
	{
		.method = METHOD_TMPFS,
		.target = "/tmp",
		.ms_set = MS_NOSUID | MS_NODEV,
		.fsdata = "size=8M",
		.mode = 0700,
		.uid = 1001,
		.gid = 1002,
	},
	{
		.method = METHOD_BIND,
		.target = "/home/a b/x\\y",
		.source = "/var/tmp/.mntns/a\tb",
		.instance = true,
		.ms_set = MS_RDONLY,
		.ms_clr = MS_NOEXEC,
		.mode = -1,
	},
	{
		.method = METHOD_RO,
		.target = "/usr",
		.mode = -1,
	},
};

static void
test_plan_text_lines(void **state)
{
	struct plan p = {(struct plan_entry *)entries, 3, 0};
	char *text = plan_text(&p);

	(void)state;
	assert_non_null(text);
	assert_string_equal(
		text, "/tmp tmpfs - size=8M,mode=0700,uid=1001,gid=1002,"
		      "nosuid,nodev\n"
		      "/home/a\\040b/x\\134y bind /var/tmp/.mntns/a\\011b "
		      "instance,ro,exec\n"
		      "/usr ro - -\n");
	free(text);
	p.n = 0;
	text = plan_text(&p);
	assert_string_equal(text, "");
	free(text);
}

static void
test_plan_fingerprint(void **state)
{
	(void)state;
	/* FNV-1a's published values. */
	assert_int_equal(plan_fingerprint(""), 0xcbf29ce484222325ULL);
	assert_int_equal(plan_fingerprint("a"), 0xaf63dc4c8601ec8cULL);
	assert_true(plan_fingerprint("/tmp tmpfs - -\n") !=
		    plan_fingerprint("/tmp tmpfs - ro\n"));
}

struct seen {
	char lines[8][128];
	int n;
};

static int
record(enum plan_change c, const char *old, size_t old_len, const char *new,
       size_t new_len, void *ctx)
{
	struct seen *s = ctx;

	snprintf(s->lines[s->n++], 128, "%c %.*s|%.*s",
		 c == PLAN_ADD	    ? '+'
		 : c == PLAN_REMOVE ? '-'
				    : '~',
		 (int)old_len, old ? old : "", (int)new_len, new ? new : "");
	return 0;
}

static int
stop(enum plan_change c, const char *old, size_t old_len, const char *new,
     size_t new_len, void *ctx)
{
	(void)c, (void)old, (void)old_len, (void)new, (void)new_len, (void)ctx;
	return -ENOMEM;
}

static void
test_plan_text_diff(void **state)
{
	const char *was = "/a tmpfs - -\n/b bind /s -\n/c ro - -\n";
	const char *now = "/c ro - -\n/b bind /s ro\n/d tmpfs - size=1M\n";
	struct seen s = {0};

	(void)state;
	assert_int_equal(plan_text_diff(was, now, record, &s), 3);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.lines[0], "- /a tmpfs - -|");
	assert_string_equal(s.lines[1], "~ /b bind /s -|/b bind /s ro");
	assert_string_equal(s.lines[2], "+ |/d tmpfs - size=1M");
	/* The same plan: nothing; a target that is a prefix is another. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(plan_text_diff(now, now, record, &s), 0);
	assert_int_equal(
		plan_text_diff("/ab x - -\n", "/a x - -\n", record, &s), 2);
	assert_int_equal(plan_text_diff("", "", record, &s), 0);
	assert_int_equal(plan_text_diff(was, now, stop, NULL), -ENOMEM);
}

static void
test_plan_line_parse(void **state)
{
	const char *l = "/home/a\\040b tmpfs - size=8M,nr_inodes=9,mode=0700,"
			"ro,suid,nodev\n";
	struct plan_line p;

	(void)state;
	assert_int_equal(plan_line_parse(l, strlen(l) - 1, &p), 0);
	assert_string_equal(p.target, "/home/a b");
	assert_int_equal(p.ms_set, MS_RDONLY | MS_NODEV);
	assert_int_equal(p.ms_clr, MS_NOSUID);
	assert_string_equal(p.data, "size=8M,nr_inodes=9");
	assert_int_equal(plan_line_parse("/x tmpfs -", 10, &p), -EINVAL);
	assert_int_equal(plan_line_parse("x tmpfs - -", 11, &p), -EINVAL);
	assert_int_equal(plan_line_parse("/\\999 tmpfs - -", 15, &p), -EINVAL);
}

static void
test_plan_lines_compare(void **state)
{
#define CMP(a, b) plan_lines_compare(a, strlen(a), b, strlen(b))
	(void)state;
	assert_int_equal(
		CMP("/t tmpfs - size=1M,nosuid", "/t tmpfs - size=1M,ro"),
		LINE_FLAGS);
	assert_int_equal(CMP("/t tmpfs - size=1M,nosuid", "/t tmpfs - size=2M"),
			 LINE_RESIZE);
	assert_int_equal(CMP("/t tmpfs - size=1M", "/t tmpfs - nr_inodes=5"),
			 LINE_RESIZE);
	assert_int_equal(CMP("/t tmpfs - size=1M,mode=0700",
			     "/t tmpfs - size=2M,mode=0755"),
			 LINE_OTHER);
	assert_int_equal(CMP("/t bind /a -", "/t bind /b -"), LINE_OTHER);
	assert_int_equal(CMP("/t bind /a size=1M", "/t bind /a size=2M"),
			 LINE_OTHER);
	assert_int_equal(CMP("/t bind /a -", "/t bind /a ro"), LINE_FLAGS);
#undef CMP
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_text_lines),
		cmocka_unit_test(test_plan_fingerprint),
		cmocka_unit_test(test_plan_text_diff),
		cmocka_unit_test(test_plan_line_parse),
		cmocka_unit_test(test_plan_lines_compare),
	};

	return cmocka_run_group_tests_name("fingerprint", tests, NULL, NULL);
}
