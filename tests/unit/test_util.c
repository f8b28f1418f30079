/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The helpers every stage shares (lib/util.h): where a path lies against
 * another, the one decoder of octal escapes, string arrays.
 */
#include "unit.h"
#include "util.h"

static void
test_path_at_or_below(void **state)
{
	(void)state;
	assert_true(path_at_or_below("/a", "/a"));
	assert_true(path_at_or_below("/a/b", "/a"));
	assert_true(path_at_or_below("/a/b/c", "/a"));
	assert_false(path_at_or_below("/ab", "/a"));
	assert_false(path_at_or_below("/a", "/a/b"));
	assert_false(path_at_or_below("/b", "/a"));
	/* Every absolute path is at or below "/". */
	assert_true(path_at_or_below("/", "/"));
	assert_true(path_at_or_below("/a", "/"));
	assert_true(path_at_or_below("/a/b", "//"));
	assert_false(path_at_or_below("a", "/"));
	/* A trailing "/" on either changes nothing. */
	assert_true(path_at_or_below("/a/b", "/a/"));
	assert_true(path_at_or_below("/a", "/a/"));
	assert_true(path_at_or_below("/a/", "/a"));
	assert_false(path_at_or_below("/ab", "/a/"));
	/* Templates compare as text. */
	assert_true(path_at_or_below("%h/.cache", "%h"));
	assert_false(path_at_or_below("%hx", "%h"));
}

static void
test_path_below(void **state)
{
	(void)state;
	assert_false(path_below("/a", "/a"));
	assert_true(path_below("/a/b", "/a"));
	assert_false(path_below("/ab", "/a"));
	assert_false(path_below("/a", "/a/b"));
	assert_true(path_below("/a", "/"));
	assert_false(path_below("/", "/"));
	/* A trailing "/" names the same path, not one below it. */
	assert_false(path_below("/a/", "/a"));
	assert_false(path_below("/a//", "/a/"));
	assert_true(path_below("/a/b/", "/a/"));
}

static void
test_paths_overlap(void **state)
{
	(void)state;
	assert_true(paths_overlap("/run/pam_mntns", "/run"));
	assert_true(paths_overlap("/run", "/run/pam_mntns"));
	assert_true(paths_overlap("/run/pam_mntns", "/run/pam_mntns"));
	assert_false(paths_overlap("/run/pam_mntnsx", "/run/pam_mntns"));
	assert_true(paths_overlap("/", "/run/pam_mntns"));
}

/* True if unescape_octal(@in, @flags) gives @rc and @want. */
static bool
unescapes_to(const char *in, unsigned flags, int rc, const char *want)
{
	char buf[64];
	const char *bad = NULL;
	int r;

	snprintf(buf, sizeof(buf), "%s", in);
	r = unescape_octal(buf, flags, &bad);
	if (r == rc && (rc < 0 || !strcmp(buf, want)) &&
	    (rc == 0 || (bad && !strncmp(bad, want, strlen(want)))))
		return true;
	print_error("'%s': %d '%s' (bad '%s'), wanted %d '%s'\n", in, r, buf,
		    bad ? bad : "", rc, want);
	return false;
}

static void
test_unescape_octal(void **state)
{
	(void)state;
	/* Both ways: a byte as \ and three octal digits. */
	assert_true(unescapes_to("/a\\040b", 0, 0, "/a b"));
	assert_true(unescapes_to("/a\\040b", UNESCAPE_STRICT, 0, "/a b"));
	assert_true(unescapes_to("\\134\\011\\377", UNESCAPE_STRICT, 0,
				 "\\\t\377"));
	assert_true(unescapes_to("plain", UNESCAPE_STRICT, 0, "plain"));
	assert_true(unescapes_to("", UNESCAPE_STRICT, 0, ""));
	/* An escaped '%' stays a literal percent sign in a template. */
	assert_true(unescapes_to("/a\\045u", UNESCAPE_PERCENT, 0, "/a%%u"));
	assert_true(unescapes_to("/a\\045u", 0, 0, "/a%u"));
	/* Mountinfo: what is not an escape of a byte is kept as it is. */
	assert_true(unescapes_to("/a\\b", 0, 0, "/a\\b"));
	assert_true(unescapes_to("/a\\04", 0, 0, "/a\\04"));
	assert_true(unescapes_to("/a\\400", 0, 0, "/a\\400"));
	assert_true(unescapes_to("\\\\040", 0, 0, "\\ "));
	/* A config: that is an error, at the backslash. */
	assert_true(unescapes_to("/a\\b", UNESCAPE_STRICT, -EINVAL, "\\b"));
	assert_true(unescapes_to("/a\\04", UNESCAPE_STRICT, -EINVAL, "\\04"));
	assert_true(unescapes_to("/a\\08x", UNESCAPE_STRICT, -EINVAL, "\\08x"));
	assert_true(unescapes_to("/a\\", UNESCAPE_STRICT, -EINVAL, "\\"));
	assert_true(unescapes_to("/a\\400", UNESCAPE_STRICT, -ERANGE, "\\400"));
	assert_true(unescapes_to("/a\\000", UNESCAPE_STRICT, -ERANGE, "\\000"));
}

static void
test_strv_append(void **state)
{
	char **v = NULL, name[] = "first";
	size_t n = 0;

	(void)state;
	assert_int_equal(strv_append(&v, &n, name), 0);
	assert_int_equal(strv_append(&v, &n, "second"), 0);
	/* A copy: the caller's string may change. */
	name[0] = 'F';
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "first");
	assert_string_equal(v[1], "second");
	while (n > 0)
		free(v[--n]);
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_at_or_below),
		cmocka_unit_test(test_path_below),
		cmocka_unit_test(test_paths_overlap),
		cmocka_unit_test(test_unescape_octal),
		cmocka_unit_test(test_strv_append),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
