/* SPDX-License-Identifier: BSD-3-Clause */
/* The config parser: the grammar of pam_mntns.conf(5), every error
 * message, file loading. */
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libmount/libmount.h>

#include "config/options.h"
#include "config/template.h"
#include "unit.h"

#define MS_DEFAULT (MS_NOSUID | MS_NODEV)

/* ---- WHO ------------------------------------------------------------- */

static void
test_who_all(void **state)
{
	struct conf c = {0};
	const struct rule *r;

	(void)state;
	r = parse_last(&c, "* /tmp tmpfs\n");
	assert_non_null(r);
	assert_int_equal(r->nwho, 1);
	assert_int_equal(r->who[0].kind, SEL_ALL);
	assert_false(r->who[0].negate);
	assert_null(r->who[0].name);
	assert_int_equal(c.needs, 0);
	conf_free(&c);
}

static void
test_who_user(void **state)
{
	struct conf c = {0};
	const struct rule *r;

	(void)state;
	r = parse_last(&c, "alice /tmp tmpfs\n");
	assert_non_null(r);
	assert_int_equal(r->nwho, 1);
	assert_int_equal(r->who[0].kind, SEL_USER);
	assert_false(r->who[0].negate);
	assert_string_equal(r->who[0].name, "alice");
	assert_int_equal(c.needs, 0);
	conf_free(&c);
}

static void
test_who_group(void **state)
{
	struct conf c = {0};
	const struct rule *r;

	(void)state;
	r = parse_last(&c, "@admins /tmp tmpfs\n");
	assert_non_null(r);
	assert_int_equal(r->nwho, 1);
	assert_int_equal(r->who[0].kind, SEL_GROUP);
	assert_false(r->who[0].negate);
	assert_string_equal(r->who[0].name, "admins");
	assert_int_equal(c.needs, CONF_NEEDS_GROUPS);
	conf_free(&c);
}

static void
test_who_uid(void **state)
{
	struct conf c = {0};
	const struct rule *r;

	(void)state;
	r = parse_last(&c, "1000 /tmp tmpfs\n");
	assert_non_null(r);
	assert_int_equal(r->who[0].kind, SEL_UID);
	assert_int_equal(r->who[0].lo, 1000);
	assert_int_equal(r->who[0].hi, 1000);
	r = parse_last(&c, "0 /tmp tmpfs\n");
	assert_non_null(r);
	assert_int_equal(r->who[0].kind, SEL_UID);
	assert_int_equal(r->who[0].lo, 0);
	assert_int_equal(r->who[0].hi, 0);
	conf_free(&c);
}

static void
test_who_uid_range(void **state)
{
	struct conf c = {0};
	const struct rule *r;

	(void)state;
	r = parse_last(&c, "1000-59999 /tmp tmpfs\n");
	assert_non_null(r);
	assert_int_equal(r->who[0].kind, SEL_UID);
	assert_int_equal(r->who[0].lo, 1000);
	assert_int_equal(r->who[0].hi, 59999);
	/* A one-uid range and the largest valid uid. */
	r = parse_last(&c, "5-5,0-4294967294 /tmp tmpfs\n");
	assert_non_null(r);
	assert_int_equal(r->nwho, 2);
	assert_int_equal(r->who[0].lo, 5);
	assert_int_equal(r->who[0].hi, 5);
	assert_int_equal(r->who[1].lo, 0);
	assert_int_equal(r->who[1].hi, 4294967294U);
	conf_free(&c);
}

static void
test_who_exclusions(void **state)
{
	struct conf c = {0};
	const struct rule *r;

	(void)state;
	r = parse_last(&c, "*,!root,!@wheel,!0,!100-200,bob /tmp tmpfs\n");
	assert_non_null(r);
	assert_int_equal(r->nwho, 6);
	assert_int_equal(r->who[0].kind, SEL_ALL);
	assert_false(r->who[0].negate);
	assert_int_equal(r->who[1].kind, SEL_USER);
	assert_true(r->who[1].negate);
	assert_string_equal(r->who[1].name, "root");
	assert_int_equal(r->who[2].kind, SEL_GROUP);
	assert_true(r->who[2].negate);
	assert_string_equal(r->who[2].name, "wheel");
	assert_int_equal(r->who[3].kind, SEL_UID);
	assert_true(r->who[3].negate);
	assert_int_equal(r->who[3].lo, 0);
	assert_int_equal(r->who[3].hi, 0);
	assert_int_equal(r->who[4].kind, SEL_UID);
	assert_true(r->who[4].negate);
	assert_int_equal(r->who[4].lo, 100);
	assert_int_equal(r->who[4].hi, 200);
	assert_int_equal(r->who[5].kind, SEL_USER);
	assert_false(r->who[5].negate);
	/* A negated group selector still needs the group lookups. */
	assert_int_equal(c.needs, CONF_NEEDS_GROUPS);
	conf_free(&c);
}

static void
test_who_only_exclusions(void **state)
{
	struct conf c = {0};
	const struct rule *r;

	(void)state;
	r = parse_last(&c, "!root,!@admins /tmp tmpfs\n");
	assert_non_null(r);
	assert_int_equal(r->nwho, 2);
	assert_true(r->who[0].negate);
	assert_int_equal(r->who[0].kind, SEL_USER);
	assert_true(r->who[1].negate);
	assert_int_equal(r->who[1].kind, SEL_GROUP);
	conf_free(&c);
}

static void
test_who_format(void **state)
{
	static const char who[] = "*,!root,@admins,!@wheel,1000,!1000-2000";
	struct conf c = {0};
	const struct rule *r;
	char buf[128];

	(void)state;
	snprintf(buf, sizeof(buf), "%s /tmp tmpfs\n", who);
	r = parse_last(&c, buf);
	assert_non_null(r);
	assert_int_equal(selectors_format(r, buf, sizeof(buf)), 0);
	assert_string_equal(buf, who);
	/* Exactly large enough, then one byte short. */
	assert_int_equal(selectors_format(r, buf, sizeof(who)), 0);
	assert_string_equal(buf, who);
	assert_int_equal(selectors_format(r, buf, sizeof(who) - 1),
			 -ENAMETOOLONG);
	assert_int_equal(selectors_format(r, buf, 3), -ENAMETOOLONG);
	conf_free(&c);
}

static void
test_who_errors(void **state)
{
	(void)state;
	assert_parse_error("alice,,bob /tmp tmpfs\n", 1, "empty selector");
	assert_parse_error(",alice /tmp tmpfs\n", 1, "empty selector in WHO");
	assert_parse_error("alice, /tmp tmpfs\n", 1, "empty selector in WHO");
	assert_parse_error("! /tmp tmpfs\n", 1, "empty selector in WHO");
	assert_parse_error("!!alice /tmp tmpfs\n", 1,
			   "double negation in selector '!!alice'");
	assert_parse_error("ali\\001ce /tmp tmpfs\n", 1,
			   "control character in selector");
	assert_parse_error("!\\177x /tmp tmpfs\n", 1,
			   "control character in selector");
	assert_parse_error("@ /tmp tmpfs\n", 1, "empty group name in selector");
	assert_parse_error("*,!@ /tmp tmpfs\n", 1, "empty group name");
	assert_parse_error("10x /tmp tmpfs\n", 1,
			   "invalid uid or uid range '10x'");
	assert_parse_error("1000- /tmp tmpfs\n", 1, "invalid uid or uid range");
	assert_parse_error("1-2-3 /tmp tmpfs\n", 1, "invalid uid or uid range");
	assert_parse_error("10x-20 /tmp tmpfs\n", 1,
			   "invalid uid or uid range '10x-20'");
	assert_parse_error("1-2x /tmp tmpfs\n", 1, "invalid uid or uid range");
	assert_parse_error("12345678901 /tmp tmpfs\n", 1, "invalid uid");
	/* (uid_t)-1 is never a real uid. */
	assert_parse_error("4294967295 /tmp tmpfs\n", 1, "invalid uid");
	assert_parse_error("0-4294967295 /tmp tmpfs\n", 1, "invalid uid");
	assert_parse_error("2000-1000 /tmp tmpfs\n", 1,
			   "uid range '2000-1000' is empty (2000 > 1000)");
	assert_parse_error("-bob /tmp tmpfs\n", 1,
			   "invalid user name '-bob' in selector");
	assert_parse_error("!-5 /tmp tmpfs\n", 1, "invalid user name '-5'");
	assert_parse_error("a/b /tmp tmpfs\n", 1, "invalid user name 'a/b'");
	assert_parse_error("a:b /tmp tmpfs\n", 1, "invalid user name 'a:b'");
}

/* ---- TARGET ---------------------------------------------------------- */

/* The TARGET template that @target parses to. */
static bool
target_is(const char *target, const char *want)
{
	struct conf c = {0};
	const struct rule *r;
	char line[PATH_MAX + 64];
	bool ok;

	snprintf(line, sizeof(line), "* %s tmpfs\n", target);
	r = parse_last(&c, line);
	ok = r && !strcmp(r->target, want);
	if (r && !ok)
		print_error("TARGET %s became '%s', wanted '%s'\n", target,
			    r->target, want);
	conf_free(&c);
	return ok;
}

static void
test_target_absolute(void **state)
{
	(void)state;
	assert_true(target_is("/tmp", "/tmp"));
	assert_true(target_is("/var/tmp", "/var/tmp"));
	assert_true(target_is("/tmp/.x", "/tmp/.x"));
	assert_true(target_is("/tmp/..x", "/tmp/..x"));
	assert_true(target_is("/tmp/x..", "/tmp/x.."));
}

static void
test_target_normalized(void **state)
{
	(void)state;
	assert_true(target_is("/tmp/", "/tmp"));
	assert_true(target_is("//tmp", "/tmp"));
	assert_true(target_is("/var//tmp///", "/var/tmp"));
	assert_true(target_is("///a//b/c//", "/a/b/c"));
	assert_true(target_is("~//.cache//", "%h/.cache"));
	assert_true(target_is("%h//x/", "%h/x"));
}

static void
test_target_home(void **state)
{
	(void)state;
	assert_true(target_is("~/.cache", "%h/.cache"));
	assert_true(target_is("~/a/b", "%h/a/b"));
	assert_true(target_is("%h/.cache", "%h/.cache"));
	/* The home itself: "~", "~/" and "%h" are one TARGET. */
	assert_true(target_is("~", "%h"));
	assert_true(target_is("~/", "%h"));
	assert_true(target_is("~//", "%h"));
	assert_true(target_is("%h", "%h"));
	assert_true(target_is("%h/", "%h"));
}

static void
test_target_errors(void **state)
{
	char line[PATH_MAX + 64];

	(void)state;
	assert_parse_error("* ~bob/x tmpfs\n", 1,
			   "TARGET '~bob/x': only ~ and ~/... are supported, "
			   "not ~user");
	assert_parse_error("* ~bob tmpfs\n", 1, "not ~user");
	assert_parse_error("* tmp tmpfs\n", 1,
			   "TARGET 'tmp' is not an absolute path");
	assert_parse_error("* %u/x tmpfs\n", 1, "is not an absolute path");
	assert_parse_error("* ./tmp tmpfs\n", 1, "is not an absolute path");
	assert_parse_error("* /tmp/\\001 tmpfs\n", 1,
			   "control character in TARGET");
	assert_parse_error("* /tmp\\011x tmpfs\n", 1,
			   "control character in TARGET");
	assert_parse_error("* /tmp/./x tmpfs\n", 1,
			   "TARGET must not contain '.' or '..' components");
	assert_parse_error("* /tmp/.. tmpfs\n", 1, "'.' or '..' components");
	assert_parse_error("* /tmp/../etc tmpfs\n", 1, "'.' or '..'");
	assert_parse_error("* /. tmpfs\n", 1, "'.' or '..'");
	assert_parse_error("* ~/../etc tmpfs\n", 1, "'.' or '..'");
	assert_parse_error("* ~/. tmpfs\n", 1, "'.' or '..'");
	assert_parse_error("* %h/.. tmpfs\n", 1, "'.' or '..'");
	assert_parse_error("* /run tmpfs\n", 1,
			   "TARGET /run covers /run/pam_mntns, where pam_mntns "
			   "keeps its records; refusing");
	assert_parse_error("* /run/pam_mntns ro\n", 1, "covers /run/pam_mntns");
	assert_parse_error("* /run/pam_mntns/ns hide\n", 1,
			   "covers /run/pam_mntns");
	assert_parse_error("* /run/pam_mntns bind /srv\n", 1,
			   "covers /run/pam_mntns");
	assert_parse_error("* / tmpfs\n", 1, "TARGET / cannot be replaced");
	assert_parse_error("* /// tmpfs\n", 1, "TARGET / cannot be replaced");
	line[0] = '*';
	line[1] = ' ';
	line[2] = '/';
	memset(line + 3, 'a', PATH_MAX);
	strcpy(line + 3 + PATH_MAX, " tmpfs\n");
	assert_parse_error(line, 1, "TARGET is too long");
}

/* ---- variables ------------------------------------------------------- */

static void
test_variables(void **state)
{
	struct conf c = {0};
	const struct rule *r;

	(void)state;
	/* Templates are kept for the planner, only normalized. */
	r = parse_last(&c, "* /srv//%u/%U/%G/%%/ tmpfs\n");
	assert_non_null(r);
	assert_string_equal(r->target, "/srv/%u/%U/%G/%%");
	assert_int_equal(c.needs, 0);
	/* A literal "%%g" is no group name. */
	r = parse_last(&c, "* /srv/%%g tmpfs\n");
	assert_non_null(r);
	assert_int_equal(c.needs, 0);
	r = parse_last(&c, "* /srv/%g tmpfs\n");
	assert_non_null(r);
	assert_string_equal(r->target, "/srv/%g");
	assert_int_equal(c.needs, CONF_NEEDS_GROUP_NAME);
	conf_free(&c);
}

static void
test_variables_in_source(void **state)
{
	struct conf c = {0};
	const struct rule *r;

	(void)state;
	r = parse_last(&c, "* /x bind /srv/%g/%%\n");
	assert_non_null(r);
	assert_string_equal(r->source, "/srv/%g/%%");
	assert_int_equal(c.needs, CONF_NEEDS_GROUP_NAME);
	r = parse_last(&c, "* /y bind %h/y\n");
	assert_non_null(r);
	assert_string_equal(r->source, "%h/y");
	r = parse_last(&c, "* /z bind ~/z/\n");
	assert_non_null(r);
	assert_string_equal(r->source, "%h/z");
	conf_free(&c);
}

static void
test_variable_errors(void **state)
{
	(void)state;
	assert_parse_error("* /x/%h tmpfs\n", 1, "%h must start the TARGET");
	assert_parse_error("* ~/%h tmpfs\n", 1, "%h must start the TARGET");
	assert_parse_error("* /x bind /y/%h\n", 1, "%h must start the SOURCE");
	assert_parse_error("* %hfoo tmpfs\n", 1,
			   "%h must be followed by '/' or end the TARGET");
	assert_parse_error("* /x bind %h%u\n", 1,
			   "%h must be followed by '/' or end the SOURCE");
	assert_parse_error("* /tmp/% tmpfs\n", 1,
			   "TARGET ends in a lone '%' (write %% for a "
			   "percent sign)");
	assert_parse_error("* /x bind /y%\n", 1, "SOURCE ends in a lone '%'");
	assert_parse_error("* /tmp/%%% tmpfs\n", 1, "ends in a lone '%'");
	assert_parse_error("* /tmp/%x tmpfs\n", 1,
			   "unknown variable '%x' in TARGET (known: %u %U %g "
			   "%G %h %%)");
	assert_parse_error("* /x bind /y/%H\n", 1,
			   "unknown variable '%H' in SOURCE");
	assert_parse_error("* /tmp/%/x tmpfs\n", 1, "unknown variable '%/'");
}

/* ---- escapes --------------------------------------------------------- */

static void
test_escapes(void **state)
{
	struct conf c = {0};
	const struct rule *r;

	(void)state;
	r = parse_last(&c, "* /home/a\\040b bind /srv/my\\040files\n");
	assert_non_null(r);
	assert_string_equal(r->target, "/home/a b");
	assert_string_equal(r->source, "/srv/my files");
	r = parse_last(&c, "* /x\\134y\\043z tmpfs\n");
	assert_non_null(r);
	assert_string_equal(r->target, "/x\\y#z");
	/* The highest byte, and a byte above 0x7f. */
	r = parse_last(&c, "* /\\377\\303\\251 tmpfs\n");
	assert_non_null(r);
	assert_string_equal(r->target, "/\377\303\251");
	/* Escapes in WHO, decoded after the split on commas. */
	r = parse_last(&c, "al\\151ce,b\\054c /x tmpfs\n");
	assert_non_null(r);
	assert_int_equal(r->nwho, 2);
	assert_string_equal(r->who[0].name, "alice");
	assert_string_equal(r->who[1].name, "b,c");
	/* An escaped '%' is a literal percent sign, never a variable. */
	r = parse_last(&c, "* /srv/100\\045u bind /srv/\\045U\n");
	assert_non_null(r);
	assert_string_equal(r->target, "/srv/100%%u");
	assert_string_equal(r->source, "/srv/%%U");
	assert_false(r->instance);
	conf_free(&c);
}

static void
test_escape_errors(void **state)
{
	(void)state;
	assert_parse_error("* /a\\8 tmpfs\n", 1,
			   "invalid escape '\\8' (write a byte as \\ and "
			   "three octal digits, e.g. \\040)");
	assert_parse_error("* /a\\04 tmpfs\n", 1, "invalid escape '\\04'");
	assert_parse_error("* /a\\x20 tmpfs\n", 1, "invalid escape '\\x20'");
	assert_parse_error("* /a\\ tmpfs\n", 1, "invalid escape '\\'");
	assert_parse_error("* /a\\\\ tmpfs\n", 1, "invalid escape");
	/* OPTIONS take no escapes: the word is simply unknown. */
	assert_parse_error("* /tmp tmpfs - size\\0751G\n", 1,
			   "unknown option 'size\\0751G'");
	assert_parse_error("* /a\\000 tmpfs\n", 1,
			   "escape '\\000' is not allowed");
	assert_parse_error("* /a\\400 tmpfs\n", 1,
			   "escape '\\400' is not allowed");
	assert_parse_error("* /a\\777 tmpfs\n", 1, "is not allowed");
}

/* ---- METHOD and SOURCE ----------------------------------------------- */

static void
test_methods(void **state)
{
	struct conf c = {0};
	const struct rule *r;

	(void)state;
	r = parse_last(&c, "* /tmp tmpfs\n");
	assert_non_null(r);
	assert_int_equal(r->method, METHOD_TMPFS);
	assert_null(r->source);
	assert_false(r->instance);
	r = parse_last(&c, "* /etc/motd bind /srv/motd\n");
	assert_non_null(r);
	assert_int_equal(r->method, METHOD_BIND);
	assert_string_equal(r->source, "/srv/motd");
	/* Beside /run/pam_mntns, or an exemption of it: not refused. */
	assert_non_null(parse_last(&c, "* /run/pam_mntnsx tmpfs\n"));
	assert_non_null(parse_last(&c, "* /run/user tmpfs\n"));
	assert_non_null(parse_last(&c, "* /run none\n"));
	r = parse_last(&c, "* /tmp none -\n");
	assert_non_null(r);
	assert_int_equal(r->method, METHOD_NONE);
	assert_null(r->source);
	assert_int_equal(r->ms_set, 0);
	assert_int_equal(r->ms_clr, 0);
	assert_null(r->fsdata);
	assert_int_equal(r->mode, -1);
	assert_string_equal(method_name(METHOD_TMPFS), "tmpfs");
	assert_string_equal(method_name(METHOD_BIND), "bind");
	assert_string_equal(method_name(METHOD_NONE), "none");
	conf_free(&c);
}

static void
test_method_errors(void **state)
{
	(void)state;
	assert_parse_error("* /tmp overlay\n", 1,
			   "unknown method 'overlay' (expected tmpfs, bind, "
			   "none, ro or hide)");
	assert_parse_error("* /tmp TMPFS\n", 1, "unknown method 'TMPFS'");
	assert_parse_error("* /tmp RO\n", 1, "unknown method 'RO'");
}

static void
test_ro_hide(void **state)
{
	struct conf c = {0};
	const struct rule *r;

	(void)state;
	r = parse_last(&c, "* /usr ro\n");
	assert_non_null(r);
	assert_int_equal(r->method, METHOD_RO);
	assert_null(r->source);
	/* No nosuid,nodev default: ro keeps the flags the mounts have. */
	assert_int_equal(r->ms_set, 0);
	r = parse_last(&c, "* /srv ro - noexec,nosuid\n");
	assert_non_null(r);
	assert_int_equal(r->ms_set, MS_NOEXEC | MS_NOSUID);
	r = parse_last(&c, "*,!root /home/other hide\n");
	assert_non_null(r);
	assert_int_equal(r->method, METHOD_HIDE);
	assert_string_equal(method_name(METHOD_RO), "ro");
	assert_string_equal(method_name(METHOD_HIDE), "hide");
	conf_free(&c);
}

static void
test_ro_hide_errors(void **state)
{
	(void)state;
	assert_parse_error("* /usr ro /x\n", 1,
			   "method ro takes no SOURCE (use '-')");
	assert_parse_error("* /usr hide /x\n", 1,
			   "method hide takes no SOURCE (use '-')");
	assert_parse_error("* /usr hide - ro\n", 1,
			   "method hide takes no OPTIONS (use '-')");
	assert_parse_error("* /usr ro - rw\n", 1, "method ro cannot take 'rw'");
	assert_parse_error("* /usr ro - mode=0755\n", 1,
			   "mode= applies only to tmpfs and to per-user "
			   "instances");
	assert_parse_error("* /usr ro - size=1M\n", 1,
			   "option 'size' applies only to tmpfs");
}

static void
test_source_errors(void **state)
{
	(void)state;
	assert_parse_error("* /tmp tmpfs /srv\n", 1,
			   "method tmpfs takes no SOURCE (use '-')");
	assert_parse_error("* /tmp none /srv\n", 1,
			   "method none takes no SOURCE (use '-')");
	assert_parse_error("* /tmp bind\n", 1,
			   "method bind needs a SOURCE path");
	assert_parse_error("* /tmp bind -\n", 1,
			   "method bind needs a SOURCE path");
	assert_parse_error("* /tmp bind - ro\n", 1, "needs a SOURCE path");
	assert_parse_error("* /tmp bind srv\n", 1,
			   "SOURCE 'srv' is not an absolute path");
	assert_parse_error("* /tmp bind ~x/y\n", 1,
			   "SOURCE '~x/y': only ~ and ~/... are supported");
	assert_parse_error("* /tmp bind /srv/../etc\n", 1,
			   "SOURCE must not contain '.' or '..' components");
	assert_parse_error("* /tmp bind /srv/\\002\n", 1,
			   "control character in SOURCE");
}

static void
test_source_too_long(void **state)
{
	char line[PATH_MAX + 64];
	size_t n = strlen("* /x bind /");

	(void)state;
	memcpy(line, "* /x bind /", n);
	memset(line + n, 's', PATH_MAX);
	strcpy(line + n + PATH_MAX, "\n");
	assert_parse_error(line, 1, "SOURCE is too long");
}

/* ---- instances ------------------------------------------------------- */

static bool
instance_is(const char *source, bool want)
{
	struct conf c = {0};
	const struct rule *r;
	char line[256];
	bool ok;

	snprintf(line, sizeof(line), "* /x bind %s\n", source);
	r = parse_last(&c, line);
	ok = r && r->instance == want;
	if (r && !ok)
		print_error("SOURCE %s: instance %d, wanted %d\n", source,
			    r->instance, want);
	conf_free(&c);
	return ok;
}

static void
test_instances(void **state)
{
	(void)state;
	assert_true(instance_is("/var/tmp/.mntns/%u", true));
	assert_true(instance_is("/var/tmp/.mntns/%U", true));
	assert_true(instance_is("/srv/%u-%G", true));
	assert_true(instance_is("/srv/inst/%%%u", true));
	assert_true(instance_is("%h/%U", true));
	assert_true(instance_is("/srv/%g", false));
	assert_true(instance_is("/srv/%G", false));
	assert_true(instance_is("%h/cache", false));
	assert_true(instance_is("/etc/hosts", false));
	/* "%%u" is a literal "%u", not a user name. */
	assert_true(instance_is("/srv/100%%u", false));
	assert_true(instance_is("/srv/%%U", false));
}

/* ---- OPTIONS --------------------------------------------------------- */

static void
test_optional_fields(void **state)
{
	struct conf c = {0};
	const struct rule *r;
	size_t i;

	(void)state;
	assert_parses(&c, "* /a tmpfs\n"
			  "* /a tmpfs -\n"
			  "* /a tmpfs - -\n"
			  "* /a\ttmpfs\t-\t-\n"
			  "  *   /a   tmpfs  -  -  \n");
	assert_int_equal(c.nrules, 5);
	for (i = 0; i < c.nrules; i++) {
		r = &c.rules[i];
		assert_int_equal(r->line, i + 1);
		assert_string_equal(r->target, "/a");
		assert_int_equal(r->method, METHOD_TMPFS);
		assert_null(r->source);
		assert_null(r->fsdata);
		assert_int_equal(r->mode, -1);
		assert_int_equal(r->ms_set, MS_DEFAULT);
		assert_int_equal(r->ms_clr, 0);
	}
	r = parse_last(&c, "* /b bind /c\n");
	assert_non_null(r);
	assert_int_equal(r->mode, -1);
	assert_int_equal(r->ms_set, 0);
	conf_free(&c);
}

static void
test_field_count_errors(void **state)
{
	(void)state;
	assert_parse_error("* /tmp\n", 1,
			   "expected WHO TARGET METHOD [SOURCE [OPTIONS]]");
	assert_parse_error("*\n", 1, "expected WHO TARGET METHOD");
	assert_parse_error("* /tmp tmpfs - - extra\n", 1,
			   "too many fields (expected WHO TARGET METHOD "
			   "[SOURCE [OPTIONS]])");
	assert_parse_error("* /tmp tmpfs - - a b c\n", 1, "too many fields");
}

static void
test_mode(void **state)
{
	struct conf c = {0};
	const struct rule *r;

	(void)state;
	r = parse_last(&c, "* /tmp tmpfs - mode=0700\n");
	assert_non_null(r);
	assert_int_equal(r->mode, 0700);
	r = parse_last(&c, "* /tmp tmpfs - mode=755\n");
	assert_non_null(r);
	assert_int_equal(r->mode, 0755);
	r = parse_last(&c, "* /tmp tmpfs - mode=1777\n");
	assert_non_null(r);
	assert_int_equal(r->mode, 01777);
	r = parse_last(&c, "* /tmp tmpfs - mode=000\n");
	assert_non_null(r);
	assert_int_equal(r->mode, 0);
	r = parse_last(&c, "* /tmp tmpfs - mode=7777\n");
	assert_non_null(r);
	assert_int_equal(r->mode, 07777);
	/* The last mode= wins. */
	r = parse_last(&c, "* /tmp tmpfs - mode=0700,mode=0750\n");
	assert_non_null(r);
	assert_int_equal(r->mode, 0750);
	r = parse_last(&c, "* /v bind /srv/%u mode=0700\n");
	assert_non_null(r);
	assert_true(r->instance);
	assert_int_equal(r->mode, 0700);
	conf_free(&c);
}

static void
test_mode_errors(void **state)
{
	(void)state;
	assert_parse_error("* /tmp tmpfs - mode=70\n", 1,
			   "mode=70: expected 3 or 4 octal digits");
	assert_parse_error("* /tmp tmpfs - mode=00700\n", 1,
			   "mode=00700: expected 3 or 4 octal digits");
	assert_parse_error("* /tmp tmpfs - mode=\n", 1,
			   "mode=: expected 3 or 4 octal digits");
	assert_parse_error("* /tmp tmpfs - mode=0800\n", 1,
			   "mode=0800 is not octal");
	assert_parse_error("* /tmp tmpfs - mode=-700\n", 1,
			   "mode=-700 is not octal");
	assert_parse_error("* /tmp tmpfs - mode=0x70\n", 1, "is not octal");
	assert_parse_error("* /tmp tmpfs - mode=rwx\n", 1, "is not octal");
	assert_parse_error("* /tmp tmpfs - mode=07 0\n", 1, "too many fields");
	assert_parse_error("* /x bind /srv/x mode=0700\n", 1,
			   "mode= applies only to tmpfs and to per-user "
			   "instances (a SOURCE with %u or %U)");
	assert_parse_error("* /x bind /srv/%%u mode=0700\n", 1,
			   "mode= applies only to tmpfs");
}

/* Parses "WHO TARGET METHOD SOURCE @opts" and checks the flags. */
static bool
flags_are(const char *head, const char *opts, unsigned long set,
	  unsigned long clr)
{
	struct conf c = {0};
	const struct rule *r;
	char line[256];
	bool ok;

	snprintf(line, sizeof(line), "%s %s\n", head, opts);
	r = parse_last(&c, line);
	ok = r && r->ms_set == set && r->ms_clr == clr;
	if (r && !ok)
		print_error("'%s': set 0x%lx clr 0x%lx, wanted 0x%lx 0x%lx\n",
			    line, r->ms_set, r->ms_clr, set, clr);
	conf_free(&c);
	return ok;
}

#define PLAIN_BIND "* /x bind /srv/x"

static void
test_flag_words(void **state)
{
	(void)state;
	assert_true(flags_are(PLAIN_BIND, "-", 0, 0));
	assert_true(flags_are(PLAIN_BIND, "ro", MS_RDONLY, 0));
	assert_true(flags_are(PLAIN_BIND, "rw", 0, MS_RDONLY));
	assert_true(flags_are(PLAIN_BIND, "nosuid", MS_NOSUID, 0));
	assert_true(flags_are(PLAIN_BIND, "suid", 0, MS_NOSUID));
	assert_true(flags_are(PLAIN_BIND, "nodev", MS_NODEV, 0));
	assert_true(flags_are(PLAIN_BIND, "dev", 0, MS_NODEV));
	assert_true(flags_are(PLAIN_BIND, "noexec", MS_NOEXEC, 0));
	assert_true(flags_are(PLAIN_BIND, "exec", 0, MS_NOEXEC));
	assert_true(flags_are(PLAIN_BIND, "ro,noexec,nosuid,nodev",
			      MS_RDONLY | MS_NOEXEC | MS_NOSUID | MS_NODEV, 0));
	/* The last word about a flag wins. */
	assert_true(flags_are(PLAIN_BIND, "ro,rw", 0, MS_RDONLY));
	assert_true(flags_are(PLAIN_BIND, "rw,ro", MS_RDONLY, 0));
	assert_true(flags_are(PLAIN_BIND, "exec,noexec,ro",
			      MS_NOEXEC | MS_RDONLY, 0));
}

static void
test_default_flags(void **state)
{
	(void)state;
	/* tmpfs and instances are fresh user-writable places. */
	assert_true(flags_are("* /tmp tmpfs", "-", MS_DEFAULT, 0));
	assert_true(flags_are("* /tmp tmpfs -", "size=1G", MS_DEFAULT, 0));
	assert_true(flags_are("* /v bind /s/%u", "-", MS_DEFAULT, 0));
	assert_true(
		flags_are("* /v bind /s/%U", "ro", MS_DEFAULT | MS_RDONLY, 0));
	assert_true(flags_are("* /v bind /s/x", "-", 0, 0));
	assert_true(flags_are("* /v none", "-", 0, 0));
	/* ... unless overridden. */
	assert_true(flags_are("* /tmp tmpfs -", "suid", MS_NODEV, MS_NOSUID));
	assert_true(flags_are("* /tmp tmpfs -", "dev", MS_NOSUID, MS_NODEV));
	assert_true(flags_are("* /tmp tmpfs -", "dev,suid", 0,
			      MS_NOSUID | MS_NODEV));
	assert_true(flags_are("* /v bind /s/%u", "suid,dev", 0,
			      MS_NOSUID | MS_NODEV));
	assert_true(flags_are("* /tmp tmpfs -", "exec", MS_DEFAULT, MS_NOEXEC));
	assert_true(flags_are("* /tmp tmpfs -", "noexec",
			      MS_DEFAULT | MS_NOEXEC, 0));
	/* An override overridden again restores the default. */
	assert_true(flags_are("* /tmp tmpfs -", "suid,nosuid", MS_DEFAULT, 0));
}

static void
test_fsdata(void **state)
{
	struct conf c = {0};
	const struct rule *r;

	(void)state;
	r = parse_last(&c, "* /tmp tmpfs - size=25%\n");
	assert_non_null(r);
	assert_string_equal(r->fsdata, "size=25%");
	r = parse_last(&c,
		       "* /tmp tmpfs - mode=0700,size=1G,ro,nr_inodes=10k\n");
	assert_non_null(r);
	assert_string_equal(r->fsdata, "size=1G,nr_inodes=10k");
	assert_int_equal(r->mode, 0700);
	assert_int_equal(r->ms_set, MS_DEFAULT | MS_RDONLY);
	r = parse_last(&c, "* /tmp tmpfs - size=1048576,nr_inodes=0\n");
	assert_non_null(r);
	assert_string_equal(r->fsdata, "size=1048576,nr_inodes=0");
	r = parse_last(&c, "* /tmp tmpfs - size=1k,size=2m,size=3g,size=4t,"
			   "size=5p,size=6e,size=7K,size=8M,size=9G,size=1T,"
			   "size=2P,size=3E\n");
	assert_non_null(r);
	r = parse_last(&c, "* /tmp tmpfs - nr_inodes=1K,nr_inodes=2m,"
			   "nr_inodes=3G\n");
	assert_non_null(r);
	assert_string_equal(r->fsdata,
			    "nr_inodes=1K,nr_inodes=2m,nr_inodes=3G");
	r = parse_last(&c, "* /tmp tmpfs - size=9999999999999999999\n");
	assert_non_null(r);
	conf_free(&c);
}

static void
test_fsdata_errors(void **state)
{
	(void)state;
	assert_parse_error("* /tmp tmpfs - size=\n", 1,
			   "invalid value in 'size=' (expected a number with "
			   "an optional k, m, g, t, p, e or % suffix)");
	assert_parse_error("* /tmp tmpfs - size=abc\n", 1,
			   "invalid value in 'size=abc'");
	assert_parse_error("* /tmp tmpfs - size=1GB\n", 1,
			   "invalid value in 'size=1GB'");
	assert_parse_error("* /tmp tmpfs - size=-1\n", 1, "invalid value");
	assert_parse_error("* /tmp tmpfs - size=1x\n", 1, "invalid value");
	assert_parse_error("* /tmp tmpfs - size=%\n", 1, "invalid value");
	assert_parse_error("* /tmp tmpfs - size=12345678901234567890\n", 1,
			   "invalid value");
	assert_parse_error("* /tmp tmpfs - nr_inodes=10%\n", 1,
			   "invalid value in 'nr_inodes=10%' (expected a "
			   "number with an optional k, m or g suffix)");
	assert_parse_error("* /tmp tmpfs - nr_inodes=1t\n", 1,
			   "invalid value in 'nr_inodes=1t'");
	assert_parse_error("* /x bind /y size=1G\n", 1,
			   "option 'size' applies only to tmpfs");
	assert_parse_error("* /x bind /y/%u nr_inodes=10\n", 1,
			   "option 'nr_inodes' applies only to tmpfs");
}

/* SELinux's context options: tmpfs only, kept as written, in rule->selinux. */
static void
test_selinux(void **state)
{
	struct conf c = {0};
	const struct rule *r;

	(void)state;
	r = parse_last(&c, "* /tmp tmpfs - "
			   "size=1G,rootcontext=system_u:object_r:tmp_t:s0\n");
	assert_non_null(r);
	assert_string_equal(r->fsdata, "size=1G");
	assert_string_equal(r->selinux,
			    "rootcontext=system_u:object_r:tmp_t:s0");
	/* A comma inside double quotes is part of the value. */
	r = parse_last(&c, "* /tmp tmpfs - "
			   "context=\"system_u:object_r:tmp_t:s0:c0,c1\",ro\n");
	assert_non_null(r);
	assert_string_equal(r->selinux,
			    "context=\"system_u:object_r:tmp_t:s0:c0,c1\"");
	assert_int_equal(r->ms_set, MS_DEFAULT | MS_RDONLY);
	r = parse_last(&c, "* /tmp tmpfs - fscontext=u:r:t,"
			   "defcontext=\"u:r:t:s0-s0:c0.c1023\",mode=0700,"
			   "rootcontext=\"u:r:t\"\n");
	assert_non_null(r);
	assert_null(r->fsdata);
	assert_string_equal(r->selinux,
			    "fscontext=u:r:t,defcontext=\"u:r:t:"
			    "s0-s0:c0.c1023\",rootcontext=\"u:r:t\"");
	assert_int_equal(r->mode, 0700);
	/* context= and fscontext= together are the kernel's to judge. */
	r = parse_last(&c, "* /tmp tmpfs - context=u:r:t,fscontext=u:r:t\n");
	assert_non_null(r);
	r = parse_last(&c, "* /tmp tmpfs - size=1G\n");
	assert_non_null(r);
	assert_null(r->selinux);
	conf_free(&c);
}

static void
test_selinux_errors(void **state)
{
	(void)state;
	assert_parse_error("* /x bind /y context=u:r:t\n", 1,
			   "option 'context' applies only to tmpfs (a bind "
			   "mount keeps the labels of the files it shows: "
			   "relabel those instead)");
	assert_parse_error("* /x bind /y/%u rootcontext=u:r:t\n", 1,
			   "option 'rootcontext' applies only to tmpfs");
	assert_parse_error("* /x ro - fscontext=u:r:t\n", 1,
			   "option 'fscontext' applies only to tmpfs");
	assert_parse_error("* /x hide - defcontext=u:r:t\n", 1,
			   "method hide takes no OPTIONS");
	assert_parse_error("* /tmp tmpfs - context=u:r:t,defcontext=u:r:t\n", 1,
			   "options 'context' and 'defcontext' cannot be "
			   "combined (context= labels every file)");
	assert_parse_error("* /tmp tmpfs - defcontext=u:r:t,context=u:r:t\n", 1,
			   "cannot be combined");
	assert_parse_error("* /tmp tmpfs - fscontext=u:r:t,fscontext=u:r:t\n",
			   1, "option 'fscontext' is given twice");
	assert_parse_error("* /tmp tmpfs - context=\"u:r:t:s0:c0,c1\n", 1,
			   "unbalanced '\"' in OPTIONS");
	/* Unquoted, the comma ends the option: c1 is an unknown one. */
	assert_parse_error("* /tmp tmpfs - context=u:r:t:s0:c0,c1\n", 1,
			   "unknown option 'c1'");
	assert_parse_error("* /tmp tmpfs - context=tmp_t\n", 1,
			   "'context=tmp_t' is not an SELinux context "
			   "(expected USER:ROLE:TYPE[:LEVEL], e.g. "
			   "context=system_u:object_r:tmp_t:s0)");
	assert_parse_error("* /tmp tmpfs - rootcontext=\n", 1,
			   "'rootcontext=' is not an SELinux context");
	assert_parse_error("* /tmp tmpfs - rootcontext=\"\"\n", 1,
			   "is not an SELinux context");
	assert_parse_error("* /tmp tmpfs - context=u:r:t\"x\"\n", 1,
			   "invalid character in 'context=u:r:t\"x\"' (a "
			   "context has no quotes inside, backslashes, '=', "
			   "blanks or control characters)");
	assert_parse_error("* /tmp tmpfs - context=u:r:t\\054\n", 1,
			   "invalid character");
	assert_parse_error("* /tmp tmpfs - context=u:r:t=x\n", 1,
			   "invalid character");
	assert_parse_error("* /tmp tmpfs - context=u:r:\x01\n", 1,
			   "invalid character");
	/* Quotes belong to context values only. */
	assert_parse_error("* /tmp tmpfs - size=\"1G\"\n", 1,
			   "invalid value in 'size=\"1G\"'");
	assert_parse_error("* /tmp tmpfs - Context=u:r:t\n", 1,
			   "unknown option 'Context=u:r:t'");
}

static void
test_option_errors(void **state)
{
	(void)state;
	assert_parse_error("* /tmp tmpfs - bogus\n", 1,
			   "unknown option 'bogus'");
	assert_parse_error("* /tmp tmpfs - ro,uid=0\n", 1,
			   "unknown option 'uid=0'");
	assert_parse_error("* /tmp tmpfs - mode\n", 1, "unknown option 'mode'");
	assert_parse_error("* /tmp tmpfs - size\n", 1, "unknown option 'size'");
	assert_parse_error("* /tmp tmpfs - RO\n", 1, "unknown option 'RO'");
	assert_parse_error("* /tmp tmpfs - size=1G,\n", 1,
			   "empty word in OPTIONS");
	assert_parse_error("* /tmp tmpfs - ,ro\n", 1, "empty word in OPTIONS");
	assert_parse_error("* /tmp tmpfs - ro,,rw\n", 1, "empty word");
	assert_parse_error("* /tmp none - ro\n", 1,
			   "method none takes no OPTIONS (use '-')");
	assert_parse_error("* /tmp none - mode=0700\n", 1,
			   "method none takes no OPTIONS");
}

/* Every libmount word outside the allow-list is an error, not ignored. */
static bool
allowed_word(const char *name)
{
	static const char *const allowed[] = {
		"ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(allowed); i++)
		if (!strcmp(allowed[i], name))
			return true;
	return false;
}

static void
test_optmap_matches_libmount(void **state)
{
	static const char *const words[] = {
		"ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec",
	};
	const struct libmnt_optmap *map, *ent;
	size_t i;
	bool inv;

	(void)state;
	map = mnt_get_builtin_optmap(MNT_LINUX_MAP);
	assert_non_null(map);
	for (i = 0; i < ARRAY_SIZE(words); i++) {
		for (ent = map; ent->name && strcmp(ent->name, words[i]); ent++)
			;
		assert_non_null(ent->name);
		assert_int_not_equal(ent->id, 0);
		inv = (ent->mask & MNT_INVERT) != 0;
		assert_true(flags_are(PLAIN_BIND, words[i],
				      inv ? 0 : (unsigned long)ent->id,
				      inv ? (unsigned long)ent->id : 0));
	}
}

static void
test_other_libmount_words_refused(void **state)
{
	const struct libmnt_optmap *ent;
	char line[128];
	size_t n = 0;

	(void)state;
	ent = mnt_get_builtin_optmap(MNT_LINUX_MAP);
	assert_non_null(ent);
	for (; ent->name; ent++) {
		if (allowed_word(ent->name))
			continue;
		snprintf(line, sizeof(line), "%s %s\n", PLAIN_BIND, ent->name);
		assert_parse_error(line, 1, "unknown option '");
		n++;
	}
	/* sync, noatime, bind, shared, ... */
	assert_true(n >= 10);
}

/* The words the helper writes flags in are the ones the config reads. */
static void
test_mount_flag_word(void **state)
{
	(void)state;
	assert_string_equal(mount_flag_word(MS_RDONLY, true), "ro");
	assert_string_equal(mount_flag_word(MS_RDONLY, false), "rw");
	assert_string_equal(mount_flag_word(MS_NOSUID, true), "nosuid");
	assert_string_equal(mount_flag_word(MS_NOSUID, false), "suid");
	assert_string_equal(mount_flag_word(MS_NODEV, true), "nodev");
	assert_string_equal(mount_flag_word(MS_NODEV, false), "dev");
	assert_string_equal(mount_flag_word(MS_NOEXEC, true), "noexec");
	assert_string_equal(mount_flag_word(MS_NOEXEC, false), "exec");
	assert_string_equal(mount_flag_word(MS_NOATIME, true), "?");
}

/* True if template_literal-like @fn gives @rc and (for 1) @want. */
static bool
literal_is(int (*fn)(const char *, char **), const char *tmpl, int rc,
	   const char *want)
{
	char *out = NULL;
	int r = fn(tmpl, &out);
	bool ok = r == rc && (rc != 1 || !strcmp(out, want));

	if (!ok)
		print_error("'%s': %d '%s', wanted %d '%s'\n", tmpl, r,
			    out ? out : "", rc, want ? want : "");
	free(out);
	return ok;
}

static void
test_template_literal(void **state)
{
	char buf[64];

	(void)state;
	assert_true(literal_is(template_literal, "/srv/a%%b", 1, "/srv/a%b"));
	assert_true(literal_is(template_literal, "/srv/%u", 0, NULL));
	assert_true(literal_is(template_literal, "%h/x", 0, NULL));
	assert_true(
		literal_is(template_literal_parent, "/srv/x/%u", 1, "/srv/x"));
	assert_true(literal_is(template_literal_parent, "/x", 1, "/"));
	assert_true(literal_is(template_literal_parent, "/%u/x", 0, NULL));
	assert_true(literal_is(template_literal_parent, "%h/x", 0, NULL));
	assert_true(
		literal_is(template_literal_dirs, "/srv/x/%u/y", 1, "/srv/x"));
	assert_true(literal_is(template_literal_dirs, "/srv/x", 0, NULL));
	assert_true(literal_is(template_literal_dirs, "/%u", 0, NULL));
	assert_true(literal_is(template_literal_dirs, "%h/x", 0, NULL));
	template_format("%h/.cache", buf, sizeof(buf));
	assert_string_equal(buf, "~/.cache");
	template_format("%h", buf, sizeof(buf));
	assert_string_equal(buf, "~");
	template_format("/srv/%hx", buf, sizeof(buf));
	assert_string_equal(buf, "/srv/%hx");
	assert_true(template_uses_var("/a/%u", 'u'));
	assert_false(template_uses_var("/a/%%u", 'u'));
	assert_false(template_uses_var("/a/%U", 'u'));
}

/* ---- lines, comments, files ------------------------------------------ */

static void
test_comments_and_blanks(void **state)
{
	struct conf c = {0};

	(void)state;
	assert_parses(&c, "# a comment\n"
			  "\n"
			  "   \t  \n"
			  "\t# indented comment\n"
			  "* /tmp tmpfs # a comment after the fields\n"
			  "#* /var/tmp tmpfs\n"
			  "alice /x bind /y ro #\n"
			  "bob /z none");
	assert_int_equal(c.nrules, 3);
	assert_int_equal(c.rules[0].line, 5);
	assert_string_equal(c.rules[0].target, "/tmp");
	assert_null(c.rules[0].fsdata);
	assert_int_equal(c.rules[1].line, 7);
	assert_int_equal(c.rules[1].ms_set, MS_RDONLY);
	/* The last line needs no newline. */
	assert_int_equal(c.rules[2].line, 8);
	assert_int_equal(c.rules[2].method, METHOD_NONE);
	conf_free(&c);
}

static void
test_empty_input(void **state)
{
	struct conf c = {0};

	(void)state;
	assert_parses(&c, "");
	assert_parses(&c, "\n\n# nothing\n");
	assert_int_equal(c.nrules, 0);
	assert_int_equal(c.needs, 0);
	assert_int_equal(c.nfiles, 2);
	conf_free(&c);
	assert_null(c.rules);
	assert_null(c.files);
}

static void
test_error_line_numbers(void **state)
{
	(void)state;
	assert_parse_error("# one\n\n* /tmp tmpfs\n  * /x overlay\n", 4,
			   "unknown method 'overlay'");
	assert_parse_error("\n\n\n\n\n\n\n\n\n* /tmp tmpfs - x\n", 10,
			   "unknown option 'x'");
	/* The first bad line is reported, and fails the whole buffer. */
	assert_parse_error("* /a tmpfs\n* /b bad\n* /c worse\n", 2,
			   "unknown method 'bad'");
}

/* ---- settings: "set NAME[=VALUE]" ----------------------------------- */

static void
test_settings(void **state)
{
	struct conf c = {0};

	(void)state;
	assert_parses(&c, "# settings and rules mix\n"
			  "set debug\n"
			  "* /tmp tmpfs\n"
			  "  set\tnofail  # a comment\n"
			  "set scope=user\n");
	assert_int_equal(c.nrules, 1);
	assert_true(c.settings.debug);
	assert_true(c.settings.nofail);
	assert_int_equal(c.settings.scope, SCOPE_USER);
	assert_true(c.settings.given & SET_SCOPE);
	assert_int_equal(c.settings.nlines, 3);
	/* The last line wins, as for rules: a drop-in can change it back. */
	assert_parses(&c, "set scope=session\n");
	assert_int_equal(c.settings.scope, SCOPE_SESSION);
	conf_free(&c);
}

static void
test_settings_unset(void **state)
{
	struct conf c = {0};

	(void)state;
	assert_parses(&c, "* /tmp tmpfs\n# set debug\n");
	assert_false(c.settings.debug);
	assert_false(c.settings.nofail);
	assert_false(c.settings.given & SET_SCOPE);
	assert_int_equal(c.settings.nlines, 0);
	conf_free(&c);
}

/* A user named "set" keeps rules: a rule's second field is a path. */
static void
test_settings_user_named_set(void **state)
{
	struct conf c = {0};
	const struct rule *r;

	(void)state;
	r = parse_last(&c, "set /tmp tmpfs\nset ~/x tmpfs\n");
	assert_non_null(r);
	assert_int_equal(c.nrules, 2);
	assert_string_equal(r->who[0].name, "set");
	assert_int_equal(c.settings.nlines, 0);
	conf_free(&c);
}

static void
test_settings_errors(void **state)
{
	(void)state;
	assert_parse_error("* /tmp tmpfs\nset scope=users\n", 2,
			   "unknown scope 'users' (expected session or user)");
	assert_parse_error("set debgu\n", 1, "unknown setting 'debgu'");
	assert_parse_error("set Debug\n", 1, "unknown setting 'Debug'");
	assert_parse_error("set\n", 1, "expected 'set debug'");
	assert_parse_error("set debug nofail\n", 1, "expected 'set debug'");
	assert_parse_error("set scope = user\n", 1, "expected 'set debug'");
	assert_parse_error("set conf=/etc/other.conf\n", 1,
			   "conf= is a module argument only");
	/* A bad setting fails the load like a bad rule (fail closed). */
	assert_parse_error("set nofail\nset scope=\n", 2, "unknown scope ''");
	assert_parse_error("set max_namespaces=-1\n", 1,
			   "max_namespaces must be a number from 0 (no cap) "
			   "to 100000, not '-1'");
	assert_parse_error("set max_namespaces=100001\n", 1,
			   "max_namespaces must be a number");
	assert_parse_error("set max_namespaces=\n", 1,
			   "max_namespaces must be a number");
	assert_parse_error("set max_namespaces=1x\n", 1,
			   "max_namespaces must be a number");
}

static void
test_settings_max_namespaces(void **state)
{
	struct conf c = {0};

	(void)state;
	assert_parses(&c, "set max_namespaces=32\n");
	assert_true(c.settings.given & SET_MAX);
	assert_int_equal(c.settings.max_namespaces, 32);
	assert_parses(&c, "set max_namespaces=0\n");
	assert_int_equal(c.settings.max_namespaces, 0);
	conf_free(&c);
	assert_parses(&c, "* /tmp tmpfs\n");
	assert_false(c.settings.given & SET_MAX);
	conf_free(&c);
}

/* The PAM line's arguments go through the same table as "set" lines. */
static void
test_settings_pam_arguments(void **state)
{
	struct mntns_error e = {0};
	struct settings s;

	(void)state;
	settings_init(&s);
	assert_int_equal(s.scope, SCOPE_SESSION);
	assert_int_equal(s.max_namespaces, SETTINGS_MAX_NAMESPACES);
	assert_int_equal(setting_parse(&s, "conf=/etc/x.conf", SETTING_PAM, &e),
			 0);
	assert_string_equal(s.conf, "/etc/x.conf");
	assert_int_equal(setting_parse(&s, "scope=user", SETTING_PAM, &e), 0);
	assert_int_equal(setting_parse(&s, "nofail", SETTING_PAM, &e), 0);
	assert_int_equal(setting_parse(&s, "max_namespaces=7", SETTING_PAM, &e),
			 0);
	assert_int_equal(s.given, SET_CONF | SET_SCOPE | SET_NOFAIL | SET_MAX);
	assert_int_equal(setting_parse(&s, "conf=etc/x.conf", SETTING_PAM, &e),
			 -EINVAL);
	assert_string_equal(e.msg,
			    "conf= takes an absolute path, not 'etc/x.conf'");
	assert_int_equal(setting_parse(&s, "debug=1", SETTING_PAM, &e),
			 -EINVAL);
	assert_int_equal(setting_parse(&s, "scope=host", SETTING_PAM, &e),
			 -EINVAL);
	assert_int_equal(setting_parse(&s, "max_namespaces=", SETTING_PAM, &e),
			 -EINVAL);
}

/* A PAM line's argument wins over a "set" line; a flag on either is on. */
static void
test_settings_merge(void **state)
{
	struct settings pam, conf, out;
	struct mntns_error e = {0};

	(void)state;
	settings_init(&pam);
	settings_init(&conf);
	assert_int_equal(setting_parse(&conf, "scope=user", SETTING_CONF, &e),
			 0);
	assert_int_equal(
		setting_parse(&conf, "max_namespaces=3", SETTING_CONF, &e), 0);
	assert_int_equal(setting_parse(&conf, "nofail", SETTING_CONF, &e), 0);
	settings_merge(&out, &pam, &conf);
	assert_int_equal(out.scope, SCOPE_USER);
	assert_int_equal(out.max_namespaces, 3);
	assert_true(out.nofail);
	assert_false(out.debug);
	assert_int_equal(setting_parse(&pam, "scope=session", SETTING_PAM, &e),
			 0);
	assert_int_equal(
		setting_parse(&pam, "max_namespaces=9", SETTING_PAM, &e), 0);
	assert_int_equal(setting_parse(&pam, "debug", SETTING_PAM, &e), 0);
	settings_merge(&out, &pam, &conf);
	assert_int_equal(out.scope, SCOPE_SESSION);
	assert_int_equal(out.max_namespaces, 9);
	assert_true(out.nofail);
	assert_true(out.debug);
}

static void
test_nul_byte(void **state)
{
	static const char one[] = "* /tmp tmpfs\0 - size=1G\n";
	static const char two[] = "* /tmp tmpfs\n* /var\0/tmp tmpfs\n";

	(void)state;
	assert_true(
		parse_fails_len(one, sizeof(one) - 1, 1, "NUL byte in line"));
	assert_true(
		parse_fails_len(two, sizeof(two) - 1, 2, "NUL byte in line"));
}

static void
test_rule_origin(void **state)
{
	struct conf c = {0};
	struct mntns_error e = {0};
	static const char a[] = "* /a tmpfs\n\n* /b tmpfs\n";
	static const char b[] = "# b\n* /c tmpfs\n";

	(void)state;
	assert_int_equal(conf_parse_buffer(&c, "a.conf", a, strlen(a), &e), 0);
	assert_int_equal(conf_parse_buffer(&c, "b.conf", b, strlen(b), &e), 0);
	assert_int_equal(c.nrules, 3);
	assert_int_equal(c.nfiles, 2);
	assert_string_equal(c.files[0], "a.conf");
	assert_string_equal(c.files[1], "b.conf");
	assert_string_equal(c.rules[0].file, "a.conf");
	assert_int_equal(c.rules[0].line, 1);
	assert_string_equal(c.rules[1].file, "a.conf");
	assert_int_equal(c.rules[1].line, 3);
	assert_string_equal(c.rules[2].file, "b.conf");
	assert_int_equal(c.rules[2].line, 2);
	/* The file name is the conf's own copy. */
	assert_ptr_equal(c.rules[2].file, c.files[1]);
	/* Errors in a later buffer name that buffer. */
	assert_int_equal(conf_parse_buffer(&c, "c.conf", "x", 1, &e), -EINVAL);
	assert_msg(&e, "c.conf:1: ", "expected WHO TARGET METHOD");
	conf_free(&c);
}

static void
test_many_rules(void **state)
{
	struct conf c = {0};
	char line[64];
	int i;

	(void)state;
	/* Enough to grow the rule array several times. */
	for (i = 0; i < 100; i++) {
		snprintf(line, sizeof(line), "%d /t/%d tmpfs\n", i, i);
		assert_parses(&c, line);
	}
	assert_int_equal(c.nrules, 100);
	for (i = 0; i < 100; i++) {
		snprintf(line, sizeof(line), "/t/%d", i);
		assert_string_equal(c.rules[i].target, line);
		assert_int_equal(c.rules[i].who[0].lo, i);
	}
	conf_free(&c);
}

static void
test_design_example(void **state)
{
	static const char text[] =
		"# WHO           TARGET       METHOD   SOURCE                  "
		"OPTIONS\n"
		"*,!root         /tmp         tmpfs    -                       "
		"size=25%,mode=0700\n"
		"*,!root         /var/tmp     bind     /var/tmp/.mntns/%u      "
		"mode=0700\n"
		"*,!root         /dev/shm     tmpfs    -                       "
		"size=10%,mode=0700\n"
		"@admins         /tmp         none\n"
		"alice           /root/hosts  bind     /etc/hosts              "
		"ro\n"
		"1000-59999      ~/.cache     tmpfs    -                       "
		"size=1G\n";
	struct conf c = {0};

	(void)state;
	assert_parses(&c, text);
	assert_int_equal(c.nrules, 6);
	assert_int_equal(c.needs, CONF_NEEDS_GROUPS);
	assert_true(c.rules[1].instance);
	assert_int_equal(c.rules[1].mode, 0700);
	assert_int_equal(c.rules[1].ms_set, MS_DEFAULT);
	assert_string_equal(c.rules[2].fsdata, "size=10%");
	assert_int_equal(c.rules[3].method, METHOD_NONE);
	assert_int_equal(c.rules[4].ms_set, MS_RDONLY);
	assert_false(c.rules[4].instance);
	assert_string_equal(c.rules[5].target, "%h/.cache");
	assert_int_equal(c.rules[5].line, 7);
	conf_free(&c);
}

static void
test_needs_flags(void **state)
{
	struct conf c = {0};

	(void)state;
	assert_parses(&c, "alice,1000,* /tmp tmpfs\n");
	assert_int_equal(c.needs, 0);
	assert_parses(&c, "* /x bind /s/%g\n");
	assert_int_equal(c.needs, CONF_NEEDS_GROUP_NAME);
	assert_parses(&c, "!@g /y tmpfs\n");
	assert_int_equal(c.needs, CONF_NEEDS_GROUPS | CONF_NEEDS_GROUP_NAME);
	conf_free(&c);
}

/* ---- files ----------------------------------------------------------- */

struct tmp {
	char dir[64];
	char conf[128];
	char dropins[128];
};

static int
tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	strcpy(t->dir, "/tmp/mntns-unit.XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	snprintf(t->conf, sizeof(t->conf), "%s/pam_mntns.conf", t->dir);
	snprintf(t->dropins, sizeof(t->dropins), "%s/pam_mntns.d", t->dir);
	*state = t;
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static int
tmp_teardown(void **state)
{
	struct tmp *t = *state;
	int r;

	r = nftw(t->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return r;
}

/* Creates @path with @text and exactly @mode. */
static void
write_file(const char *path, const char *text, mode_t mode)
{
	size_t len = strlen(text);
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

static void
write_in(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	write_file(path, text, mode);
}

/* Trusted files must be root's: without root, these cannot be made. */
static void
need_root(void)
{
	if (geteuid() != 0)
		skip();
}

/* Loads @path, which must fail with @rc and a message "@path: ...@part". */
static bool
load_fails(const char *path, int rc, const char *prefix, const char *part)
{
	struct conf c = {0};
	struct mntns_error e = {0};
	char want[PATH_MAX + 8];
	int r;

	r = conf_load(&c, path, &e);
	conf_free(&c);
	if (r != rc) {
		print_error("conf_load(%s): %d, wanted %d (%s)\n", path, r, rc,
			    e.msg);
		return false;
	}
	snprintf(want, sizeof(want), "%s: ", prefix);
	return msg_matches(&e, want, part);
}

static void
test_load_with_dropins(void **state)
{
	struct tmp *t = *state;
	struct conf c = {0};
	struct mntns_error e = {0};
	char want[PATH_MAX];

	need_root();
	write_file(t->conf,
		   "# main\n* /tmp tmpfs - size=1G\n* /var/tmp tmpfs\n", 0644);
	assert_int_equal(mkdir(t->dropins, 0755), 0);
	/* Lexical order: "10-" before "9-", "B" before "a". */
	write_in(t->dropins, "9-late.conf", "* /tmp tmpfs - size=9G\n", 0644);
	write_in(t->dropins, "10-early.conf", "\n@admins /tmp none\n", 0600);
	write_in(t->dropins, "B.conf", "bob /b tmpfs\n", 0444);
	write_in(t->dropins, "a.conf", "alice /a tmpfs\n", 0400);
	/* Not drop-ins: each would fail the load if it were read. */
	write_in(t->dropins, ".hidden.conf", "bad\n", 0644);
	write_in(t->dropins, "notes.txt", "bad\n", 0644);
	write_in(t->dropins, "x.conf~", "bad\n", 0644);
	write_in(t->dropins, "x.conf.bak", "bad\n", 0644);
	write_in(t->dropins, ".conf", "bad\n", 0644);
	write_in(t->dropins, "x.conf.d", "bad\n", 0666);

	assert_int_equal(conf_load(&c, t->conf, &e), 0);
	assert_int_equal(c.nrules, 6);
	assert_int_equal(c.nfiles, 5);
	assert_string_equal(c.files[0], t->conf);
	assert_string_equal(c.rules[0].file, t->conf);
	assert_int_equal(c.rules[1].line, 3);
	snprintf(want, sizeof(want), "%s/10-early.conf", t->dropins);
	assert_string_equal(c.rules[2].file, want);
	assert_int_equal(c.rules[2].line, 2);
	assert_int_equal(c.rules[2].method, METHOD_NONE);
	snprintf(want, sizeof(want), "%s/9-late.conf", t->dropins);
	assert_string_equal(c.rules[3].file, want);
	assert_string_equal(c.rules[3].fsdata, "size=9G");
	snprintf(want, sizeof(want), "%s/B.conf", t->dropins);
	assert_string_equal(c.rules[4].file, want);
	snprintf(want, sizeof(want), "%s/a.conf", t->dropins);
	assert_string_equal(c.rules[5].file, want);
	assert_int_equal(c.needs, CONF_NEEDS_GROUPS);
	conf_free(&c);
}

static void
test_load_without_dropin_dir(void **state)
{
	struct tmp *t = *state;
	struct conf c = {0};
	struct mntns_error e = {0};

	need_root();
	write_file(t->conf, "* /tmp tmpfs\n", 0644);
	assert_int_equal(conf_load(&c, t->conf, &e), 0);
	assert_int_equal(c.nrules, 1);
	assert_int_equal(c.nfiles, 1);
	conf_free(&c);
}

static void
test_load_empty_dropin_dir(void **state)
{
	struct tmp *t = *state;
	struct conf c = {0};
	struct mntns_error e = {0};

	need_root();
	write_file(t->conf, "", 0600);
	assert_int_equal(mkdir(t->dropins, 0700), 0);
	assert_int_equal(conf_load(&c, t->conf, &e), 0);
	assert_int_equal(c.nrules, 0);
	conf_free(&c);
}

static void
test_load_missing_main(void **state)
{
	struct tmp *t = *state;

	/* The drop-ins do not stand in for the main file. */
	assert_int_equal(mkdir(t->dropins, 0755), 0);
	write_in(t->dropins, "a.conf", "* /tmp tmpfs\n", 0644);
	assert_true(load_fails(t->conf, -ENOENT, t->conf,
			       "cannot open: No such file or directory"));
}

static void
test_load_default_path(void **state)
{
	(void)state;
	if (access(MNTNS_DEFAULT_CONF, F_OK) == 0)
		skip();
	assert_true(
		load_fails(NULL, -ENOENT, MNTNS_DEFAULT_CONF, "cannot open"));
}

static void
test_load_dropin_error(void **state)
{
	struct tmp *t = *state;
	char prefix[PATH_MAX];

	need_root();
	write_file(t->conf, "* /tmp tmpfs\n", 0644);
	assert_int_equal(mkdir(t->dropins, 0755), 0);
	write_in(t->dropins, "a.conf", "* /a tmpfs\n", 0644);
	write_in(t->dropins, "b.conf", "# b\n* /b tmpfs - size=lots\n", 0644);
	write_in(t->dropins, "c.conf", "* /c tmpfs\n", 0644);
	snprintf(prefix, sizeof(prefix), "%s/b.conf:2", t->dropins);
	assert_true(load_fails(t->conf, -EINVAL, prefix,
			       "invalid value in 'size=lots'"));
}

static void
test_load_main_error(void **state)
{
	struct tmp *t = *state;
	char prefix[PATH_MAX];

	need_root();
	write_file(t->conf, "* /tmp tmpfs\n*\n", 0644);
	snprintf(prefix, sizeof(prefix), "%s:2", t->conf);
	assert_true(load_fails(t->conf, -EINVAL, prefix, "expected WHO"));
}

/* Every error a load kept, as the helper prints them, one per line. */
static void
errors_text(const struct conf *c, char *buf, size_t len)
{
	struct mntns_error e;
	size_t i, have;

	buf[0] = '\0';
	for (i = 0; i < c->nerrors; i++) {
		conf_first_error(c, i, &e);
		have = strlen(buf);
		err_format(&e, buf + have, len - have);
		have = strlen(buf);
		snprintf(buf + have, len - have, "\n");
	}
}

/* Loading goes on after every error, to show them all in one run. */
static void
test_load_keeps_every_error(void **state)
{
	struct tmp *t = *state;
	struct conf c = {0};
	struct mntns_error e = {0};
	char want[4096], got[4096];

	need_root();
	write_file(t->conf,
		   "* /tmp tmpfs\n* tmp2 tmpfs\n* /a frob\n"
		   "* /var/tmp tmpfs\n",
		   0644);
	assert_int_equal(mkdir(t->dropins, 0755), 0);
	write_in(t->dropins, "1.conf", "x /c bind\n* /d tmpfs\n", 0644);
	write_in(t->dropins, "2.conf", "* /e tmpfs\n", 0666);
	write_in(t->dropins, "3.conf", "@ /f tmpfs\n", 0644);
	write_in(t->dropins, "4.conf", "* /g tmpfs\n", 0644);
	assert_int_equal(conf_load(&c, t->conf, &e), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:2: TARGET 'tmp2' is not an absolute path\n"
		 "%s:3: unknown method 'frob' (expected tmpfs, bind, none, ro "
		 "or hide)\n"
		 "%s/1.conf:1: method bind needs a SOURCE path\n"
		 "%s/2.conf: writable by group or others (mode 0666), refusing "
		 "it\n"
		 "%s/3.conf:1: empty group name in selector '@'\n",
		 t->conf, t->conf, t->dropins, t->dropins, t->dropins);
	errors_text(&c, got, sizeof(got));
	assert_string_equal(got, want);
	assert_int_equal(c.nerrors, 5);
	assert_int_equal(c.errors[3].rc, -EPERM);
	assert_int_equal(c.errors[3].line, 0);
	/* The first is the one returned, its location in fields. */
	assert_string_equal(e.file, t->conf);
	assert_int_equal(e.line, 2);
	assert_string_equal(e.msg, "TARGET 'tmp2' is not an absolute path");
	/* The good lines are all there; a caller still refuses the load. */
	assert_int_equal(c.nrules, 4);
	assert_string_equal(c.rules[3].target, "/g");
	conf_free(&c);
}

/* The module sees the first error, whatever follows it. */
static void
test_load_returns_first_error(void **state)
{
	struct tmp *t = *state;
	char prefix[PATH_MAX];

	need_root();
	write_file(t->conf, "* tmp2 tmpfs\n* /a frob\n", 0644);
	assert_int_equal(mkdir(t->dropins, 0755), 0);
	write_in(t->dropins, "1.conf", "x /c bind\n", 0644);
	snprintf(prefix, sizeof(prefix), "%s:1", t->conf);
	assert_true(load_fails(t->conf, -EINVAL, prefix, "not an absolute"));
}

static void
test_load_symlinked_main(void **state)
{
	struct tmp *t = *state;
	char real[PATH_MAX];

	snprintf(real, sizeof(real), "%s/real.conf", t->dir);
	write_file(real, "* /tmp tmpfs\n", 0644);
	assert_int_equal(symlink("real.conf", t->conf), 0);
	assert_true(load_fails(t->conf, -ELOOP, t->conf,
			       "is a symlink, refusing it"));
}

static void
test_load_symlinked_dropin(void **state)
{
	struct tmp *t = *state;
	char real[PATH_MAX], lnk[PATH_MAX];

	need_root();
	write_file(t->conf, "* /tmp tmpfs\n", 0644);
	assert_int_equal(mkdir(t->dropins, 0755), 0);
	snprintf(real, sizeof(real), "%s/real.conf", t->dir);
	write_file(real, "* /x tmpfs\n", 0644);
	snprintf(lnk, sizeof(lnk), "%s/a.conf", t->dropins);
	assert_int_equal(symlink(real, lnk), 0);
	assert_true(load_fails(t->conf, -ELOOP, lnk, "is a symlink"));
}

static void
test_load_symlinked_dropin_dir(void **state)
{
	struct tmp *t = *state;
	char real[PATH_MAX];

	need_root();
	write_file(t->conf, "* /tmp tmpfs\n", 0644);
	snprintf(real, sizeof(real), "%s/real.d", t->dir);
	assert_int_equal(mkdir(real, 0755), 0);
	write_in(real, "a.conf", "* /x tmpfs\n", 0644);
	assert_int_equal(symlink("real.d", t->dropins), 0);
	assert_true(load_fails(t->conf, -ELOOP, t->dropins,
			       "is a symlink, refusing it"));
}

static void
test_load_dropin_dir_not_dir(void **state)
{
	struct tmp *t = *state;

	need_root();
	write_file(t->conf, "* /tmp tmpfs\n", 0644);
	write_file(t->dropins, "* /x tmpfs\n", 0644);
	assert_true(
		load_fails(t->conf, -ENOTDIR, t->dropins, "not a directory"));
}

static void
test_load_not_regular(void **state)
{
	struct tmp *t = *state;
	char fifo[PATH_MAX];

	need_root();
	assert_int_equal(mkdir(t->conf, 0755), 0);
	assert_true(
		load_fails(t->conf, -EINVAL, t->conf, "not a regular file"));
	assert_int_equal(rmdir(t->conf), 0);
	/* A FIFO must neither hang the load nor be read. */
	write_file(t->conf, "* /tmp tmpfs\n", 0644);
	assert_int_equal(mkdir(t->dropins, 0755), 0);
	snprintf(fifo, sizeof(fifo), "%s/fifo.conf", t->dropins);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	assert_true(load_fails(t->conf, -EINVAL, fifo, "not a regular file"));
}

static void
test_load_dropin_subdir(void **state)
{
	struct tmp *t = *state;
	char sub[PATH_MAX];

	need_root();
	write_file(t->conf, "* /tmp tmpfs\n", 0644);
	assert_int_equal(mkdir(t->dropins, 0755), 0);
	snprintf(sub, sizeof(sub), "%s/sub.conf", t->dropins);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_true(load_fails(t->conf, -EINVAL, sub, "not a regular file"));
}

static void
test_load_writable(void **state)
{
	struct tmp *t = *state;

	need_root();
	write_file(t->conf, "* /tmp tmpfs\n", 0664);
	assert_true(load_fails(t->conf, -EPERM, t->conf,
			       "writable by group or others (mode 0664), "
			       "refusing it"));
	assert_int_equal(chmod(t->conf, 0602), 0);
	assert_true(load_fails(t->conf, -EPERM, t->conf, "(mode 0602)"));
	assert_int_equal(chmod(t->conf, 0620), 0);
	assert_true(load_fails(t->conf, -EPERM, t->conf, "(mode 0620)"));
	assert_int_equal(chmod(t->conf, 0644), 0);
	/* Group or other read access is fine. */
	{
		struct conf c = {0};
		struct mntns_error e = {0};

		assert_int_equal(conf_load(&c, t->conf, &e), 0);
		conf_free(&c);
	}
}

static void
test_load_writable_dropins(void **state)
{
	struct tmp *t = *state;
	char path[PATH_MAX];

	need_root();
	write_file(t->conf, "* /tmp tmpfs\n", 0644);
	assert_int_equal(mkdir(t->dropins, 0755), 0);
	assert_int_equal(chmod(t->dropins, 01777), 0);
	assert_true(load_fails(t->conf, -EPERM, t->dropins,
			       "writable by group or others (mode 1777)"));
	assert_int_equal(chmod(t->dropins, 0775), 0);
	assert_true(load_fails(t->conf, -EPERM, t->dropins, "(mode 0775)"));
	assert_int_equal(chmod(t->dropins, 0755), 0);
	write_in(t->dropins, "a.conf", "* /x tmpfs\n", 0646);
	snprintf(path, sizeof(path), "%s/a.conf", t->dropins);
	assert_true(load_fails(t->conf, -EPERM, path, "(mode 0646)"));
}

static void
test_load_not_root_owned(void **state)
{
	struct tmp *t = *state;
	char want[64];
	uid_t owner = geteuid() ? geteuid() : 1000;

	write_file(t->conf, "* /tmp tmpfs\n", 0644);
	if (geteuid() == 0)
		assert_int_equal(chown(t->conf, owner, 0), 0);
	snprintf(want, sizeof(want), "owned by uid %u, must be owned by root",
		 (unsigned)owner);
	assert_true(load_fails(t->conf, -EPERM, t->conf, want));
}

static void
test_load_dropins_not_root_owned(void **state)
{
	struct tmp *t = *state;
	char path[PATH_MAX];

	need_root();
	write_file(t->conf, "* /tmp tmpfs\n", 0644);
	assert_int_equal(mkdir(t->dropins, 0755), 0);
	assert_int_equal(chown(t->dropins, 1001, 0), 0);
	assert_true(
		load_fails(t->conf, -EPERM, t->dropins, "owned by uid 1001"));
	assert_int_equal(chown(t->dropins, 0, 1001), 0);
	write_in(t->dropins, "a.conf", "* /x tmpfs\n", 0644);
	snprintf(path, sizeof(path), "%s/a.conf", t->dropins);
	assert_int_equal(chown(path, 1002, 0), 0);
	assert_true(load_fails(t->conf, -EPERM, path, "owned by uid 1002"));
	/* A non-root group is fine when it cannot write. */
	assert_int_equal(chown(path, 0, 1002), 0);
	{
		struct conf c = {0};
		struct mntns_error e = {0};

		assert_int_equal(conf_load(&c, t->conf, &e), 0);
		assert_int_equal(c.nrules, 2);
		conf_free(&c);
	}
}

/* Writes @size bytes of comment lines to @path. */
static void
write_sized(const char *path, size_t size)
{
	char *buf = malloc(size + 1);
	size_t i;

	assert_non_null(buf);
	for (i = 0; i < size; i++)
		buf[i] = i % 64 == 63 ? '\n' : '#';
	buf[size] = '\0';
	if (size > 0)
		buf[size - 1] = '\n';
	write_file(path, buf, 0644);
	free(buf);
}

static void
test_load_size_limit(void **state)
{
	struct tmp *t = *state;
	struct conf c = {0};
	struct mntns_error e = {0};
	char want[64];

	need_root();
	write_sized(t->conf, CONF_MAX_SIZE);
	assert_int_equal(conf_load(&c, t->conf, &e), 0);
	assert_int_equal(c.nrules, 0);
	conf_free(&c);
	assert_int_equal(unlink(t->conf), 0);
	write_sized(t->conf, CONF_MAX_SIZE + 1);
	snprintf(want, sizeof(want), "larger than %d bytes", CONF_MAX_SIZE);
	assert_true(load_fails(t->conf, -EFBIG, t->conf, want));
}

/* A file that reads more than fstat() said is one still being written. */
static void
test_load_growing_file(void **state)
{
	struct stat st;

	(void)state;
	if (stat("/proc/version", &st) < 0 || st.st_uid != 0 ||
	    st.st_size != 0 || (st.st_mode & 022))
		skip();
	assert_true(load_fails("/proc/version", -EAGAIN, "/proc/version",
			       "changed while being read"));
}

static void
test_load_read_error(void **state)
{
	(void)state;
	/* Root's own /proc/self/mem: regular, 0600, EIO at offset 0. */
	need_root();
	assert_true(load_fails("/proc/self/mem", -EIO, "/proc/self/mem",
			       "read error: Input/output error"));
}

static void
test_dropin_dir_name(void **state)
{
	static const char *const cases[][2] = {
		{"/etc/security/pam_mntns.conf", "/etc/security/pam_mntns.d"},
		{"/etc/x.conf", "/etc/x.d"},
		{"a.conf", "a.d"},
		{"/etc/mntns", "/etc/mntns.d"},
		{"/etc/x.conf.orig", "/etc/x.conf.orig.d"},
		{"/etc/xconf", "/etc/xconf.d"},
		{".conf", ".conf.d"},
	};
	size_t i;
	char *d;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		d = conf_dropin_dir(cases[i][0]);
		assert_non_null(d);
		assert_string_equal(d, cases[i][1]);
		free(d);
	}
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_who_all),
		cmocka_unit_test(test_who_user),
		cmocka_unit_test(test_who_group),
		cmocka_unit_test(test_who_uid),
		cmocka_unit_test(test_who_uid_range),
		cmocka_unit_test(test_who_exclusions),
		cmocka_unit_test(test_who_only_exclusions),
		cmocka_unit_test(test_who_format),
		cmocka_unit_test(test_who_errors),
		cmocka_unit_test(test_target_absolute),
		cmocka_unit_test(test_target_normalized),
		cmocka_unit_test(test_target_home),
		cmocka_unit_test(test_target_errors),
		cmocka_unit_test(test_variables),
		cmocka_unit_test(test_variables_in_source),
		cmocka_unit_test(test_variable_errors),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_escape_errors),
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_method_errors),
		cmocka_unit_test(test_ro_hide),
		cmocka_unit_test(test_ro_hide_errors),
		cmocka_unit_test(test_source_errors),
		cmocka_unit_test(test_source_too_long),
		cmocka_unit_test(test_instances),
		cmocka_unit_test(test_optional_fields),
		cmocka_unit_test(test_field_count_errors),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_mode_errors),
		cmocka_unit_test(test_flag_words),
		cmocka_unit_test(test_default_flags),
		cmocka_unit_test(test_fsdata),
		cmocka_unit_test(test_fsdata_errors),
		cmocka_unit_test(test_selinux),
		cmocka_unit_test(test_selinux_errors),
		cmocka_unit_test(test_option_errors),
		cmocka_unit_test(test_optmap_matches_libmount),
		cmocka_unit_test(test_other_libmount_words_refused),
		cmocka_unit_test(test_mount_flag_word),
		cmocka_unit_test(test_template_literal),
		cmocka_unit_test(test_comments_and_blanks),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_error_line_numbers),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_settings_unset),
		cmocka_unit_test(test_settings_user_named_set),
		cmocka_unit_test(test_settings_errors),
		cmocka_unit_test(test_settings_max_namespaces),
		cmocka_unit_test(test_settings_pam_arguments),
		cmocka_unit_test(test_settings_merge),
		cmocka_unit_test(test_rule_origin),
		cmocka_unit_test(test_many_rules),
		cmocka_unit_test(test_design_example),
		cmocka_unit_test(test_needs_flags),
		cmocka_unit_test_setup_teardown(test_load_with_dropins,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_without_dropin_dir,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_empty_dropin_dir,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_missing_main,
						tmp_setup, tmp_teardown),
		cmocka_unit_test(test_load_default_path),
		cmocka_unit_test_setup_teardown(test_load_dropin_error,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_main_error, tmp_setup,
						tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_keeps_every_error,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_returns_first_error,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_symlinked_main,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_symlinked_dropin,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_symlinked_dropin_dir,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_dropin_dir_not_dir,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_not_regular,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_dropin_subdir,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_writable, tmp_setup,
						tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_writable_dropins,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_not_root_owned,
						tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(
			test_load_dropins_not_root_owned, tmp_setup,
			tmp_teardown),
		cmocka_unit_test_setup_teardown(test_load_size_limit, tmp_setup,
						tmp_teardown),
		cmocka_unit_test(test_load_growing_file),
		cmocka_unit_test(test_load_read_error),
		cmocka_unit_test(test_dropin_dir_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
