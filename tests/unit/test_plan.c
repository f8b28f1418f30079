/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The planner: selectors, variables and the ordered plan, for identities
 * that nss_wrapper serves from tests/unit/fixtures.
 */
#include <limits.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "plan/plan.h"
#include "unit.h"

#define LONG255                                                                \
	"llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll"     \
	"llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll"     \
	"llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll"     \
	"lllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll"
#define LONG256                                                                \
	"mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm"     \
	"mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm"     \
	"mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm"     \
	"mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm"

/* Looks @user up through NSS, printing why when it fails. */
static bool
lookup(struct identity *id, const char *user)
{
	struct mntns_error e = {0};
	int r = ident_lookup(id, user, &e);

	if (r < 0)
		print_error("ident_lookup(%s): %d: %s\n", user, r, e.msg);
	return r == 0;
}

#define assert_lookup(id, user) assert_true(lookup(id, user))

/* The fixtures must be what NSS answers, or every test here is void. */
static int
group_setup(void **state)
{
	struct identity id;
	const char *dir = getenv("UNIT_FIXTURES");
	bool ok;

	(void)state;
	if (!dir) {
		print_error("UNIT_FIXTURES is not set: run this test through "
			    "tests/unit/run-unit.sh\n");
		return -1;
	}
	ok = lookup(&id, "alice") && id.uid == 1000;
	ident_free(&id);
	if (!ok)
		print_error("NSS does not serve %s/passwd: is libnss_wrapper "
			    "preloaded?\n",
			    dir);
	return ok ? 0 : -1;
}

/* ---- identities ------------------------------------------------------ */

static void
test_ident_lookup(void **state)
{
	struct identity id;

	(void)state;
	assert_lookup(&id, "alice");
	assert_string_equal(id.user, "alice");
	assert_int_equal(id.uid, 1000);
	assert_int_equal(id.gid, 1000);
	assert_string_equal(id.home, "/home/alice");
	assert_null(id.group);
	assert_false(id.gids_known);
	assert_int_equal(id.nanswers, 0);
	ident_free(&id);
	assert_null(id.user);
	assert_lookup(&id, "carol");
	assert_int_equal(id.uid, 1002);
	assert_int_equal(id.gid, 2000);
	assert_string_equal(id.home, "/home/carol");
	ident_free(&id);
	assert_lookup(&id, "emptyhome");
	assert_string_equal(id.home, "");
	ident_free(&id);
}

static void
test_ident_unknown(void **state)
{
	struct identity id;
	struct mntns_error e = {0};

	(void)state;
	assert_int_equal(ident_lookup(&id, "nosuchuser", &e), -ENOENT);
	assert_msg(&e, "", "no such user");
	assert_null(id.user);
	assert_null(id.home);
	ident_free(&id);
	assert_int_equal(ident_lookup(&id, "", &e), -ENOENT);
	ident_free(&id);
	/* Names are not uids. */
	assert_int_equal(ident_lookup(&id, "1000", &e), -ENOENT);
	ident_free(&id);
}

static void
test_ident_group_name(void **state)
{
	struct identity id;
	struct mntns_error e = {0};
	const char *g;

	(void)state;
	assert_lookup(&id, "alice");
	g = ident_group_name(&id, &e);
	assert_non_null(g);
	assert_string_equal(g, "alice");
	/* Looked up once, then kept. */
	assert_ptr_equal(ident_group_name(&id, &e), g);
	assert_ptr_equal(id.group, g);
	ident_free(&id);
	assert_lookup(&id, "carol");
	assert_string_equal(ident_group_name(&id, &e), "admins");
	ident_free(&id);
	assert_lookup(&id, "badgrp");
	assert_string_equal(ident_group_name(&id, &e), "x/y");
	ident_free(&id);
	assert_lookup(&id, "nogrp");
	assert_null(ident_group_name(&id, &e));
	assert_msg(&e, "primary group 4999: ", "no such group");
	ident_free(&id);
}

static void
test_ident_in_group(void **state)
{
	struct identity id;
	struct mntns_error e = {0};

	(void)state;
	assert_lookup(&id, "bob");
	assert_int_equal(ident_in_group(&id, "admins", &e), 1);
	assert_int_equal(ident_in_group(&id, "staff", &e), 0);
	assert_int_equal(ident_in_group(&id, "bob", &e), 1);
	assert_int_equal(ident_in_group(&id, "nosuchgroup", &e), 0);
	assert_int_equal(id.nanswers, 4);
	/* Answers are cached: asking again adds nothing. */
	assert_int_equal(ident_in_group(&id, "admins", &e), 1);
	assert_int_equal(ident_in_group(&id, "staff", &e), 0);
	assert_int_equal(id.nanswers, 4);
	ident_free(&id);

	/* Primary membership, with no member list in the group entry. */
	assert_lookup(&id, "carol");
	assert_int_equal(ident_in_group(&id, "admins", &e), 1);
	/* The primary gid answers without loading the group list. */
	assert_false(id.gids_known);
	assert_int_equal(ident_in_group(&id, "staff", &e), 0);
	ident_free(&id);

	assert_lookup(&id, "alice");
	assert_int_equal(ident_in_group(&id, "admins", &e), 0);
	assert_int_equal(ident_in_group(&id, "staff", &e), 1);
	assert_int_equal(ident_in_group(&id, "empty", &e), 0);
	ident_free(&id);
}

/* ---- selectors ------------------------------------------------------- */

/* rule_matches() of "@who /x tmpfs" for @user. */
static int
matches(const char *who, const char *user)
{
	struct conf c = {0};
	struct identity id = {0};
	struct mntns_error e = {0};
	const struct rule *r;
	char line[256];
	int m = -1000;

	snprintf(line, sizeof(line), "%s /x tmpfs\n", who);
	r = parse_last(&c, line);
	if (r && lookup(&id, user)) {
		m = rule_matches(r, &id, &e);
		if (m < 0)
			print_error("%s for %s: %d: %s\n", who, user, m, e.msg);
	}
	ident_free(&id);
	conf_free(&c);
	return m;
}

struct match_case {
	const char *who, *user;
	int want;
};

static bool
match_table(const struct match_case *mc, size_t n)
{
	bool ok = true;
	size_t i;
	int m;

	for (i = 0; i < n; i++) {
		m = matches(mc[i].who, mc[i].user);
		if (m != mc[i].want) {
			print_error("WHO %s for %s: %d, wanted %d\n", mc[i].who,
				    mc[i].user, m, mc[i].want);
			ok = false;
		}
	}
	return ok;
}

static void
test_match_all(void **state)
{
	static const struct match_case mc[] = {
		{"*", "alice", 1},
		{"*", "root", 1},
		{"*", "a/b", 1},
		{"*,alice", "bob", 1},
	};

	(void)state;
	assert_true(match_table(mc, ARRAY_SIZE(mc)));
}

static void
test_match_user(void **state)
{
	static const struct match_case mc[] = {
		{"alice", "alice", 1},	   {"alice", "bob", 0},
		{"alic", "alice", 0},	   {"alice2", "alice", 0},
		{"bob,alice", "alice", 1}, {"bob,carol", "alice", 0},
		{"root", "root", 1},
	};

	(void)state;
	assert_true(match_table(mc, ARRAY_SIZE(mc)));
}

static void
test_match_uid(void **state)
{
	static const struct match_case mc[] = {
		{"1000", "alice", 1},
		{"1000", "bob", 0},
		{"0", "root", 1},
		{"0", "alice", 0},
		{"1000-1001", "alice", 1},
		{"1000-1001", "bob", 1},
		{"1000-1001", "carol", 0},
		{"1001-1002", "alice", 0},
		{"999-999", "alice", 0},
		{"1000-59999", "dave", 0},
		{"1000-60000", "dave", 1},
		{"60000-4294967294", "dave", 1},
		{"1-4294967294", "root", 0},
	};

	(void)state;
	assert_true(match_table(mc, ARRAY_SIZE(mc)));
}

static void
test_match_group(void **state)
{
	static const struct match_case mc[] = {
		/* Supplementary member. */
		{"@admins", "bob", 1},
		/* Primary group, not listed as a member. */
		{"@admins", "carol", 1},
		{"@admins", "alice", 0},
		{"@staff", "alice", 1},
		{"@staff", "dave", 1},
		{"@staff", "bob", 0},
		/* The user's own primary group by name. */
		{"@alice", "alice", 1},
		{"@x/y", "badgrp", 1},
		/* A group nobody knows has no members. */
		{"@nosuchgroup", "alice", 0},
		{"@nosuchgroup", "root", 0},
		{"@empty", "alice", 0},
		{"@nosuchgroup,@admins", "bob", 1},
	};

	(void)state;
	assert_true(match_table(mc, ARRAY_SIZE(mc)));
}

static void
test_match_negation(void **state)
{
	static const struct match_case mc[] = {
		{"*,!root", "alice", 1},
		{"*,!root", "root", 0},
		{"!root,*", "root", 0},
		{"*,!@admins", "alice", 1},
		{"*,!@admins", "bob", 0},
		{"*,!@admins", "carol", 0},
		{"*,!1000-1001", "bob", 0},
		{"*,!1000-1001", "carol", 1},
		/* An exclusion beats a positive match, wherever it stands. */
		{"alice,!alice", "alice", 0},
		{"!alice,alice", "alice", 0},
		{"@staff,!1000", "alice", 0},
		{"@staff,!1000", "dave", 1},
		/* An unknown group excludes nobody. */
		{"*,!@nosuchgroup", "alice", 1},
	};

	(void)state;
	assert_true(match_table(mc, ARRAY_SIZE(mc)));
}

static void
test_match_only_exclusions(void **state)
{
	static const struct match_case mc[] = {
		/* Only exclusions: everyone else. */
		{"!root", "alice", 1},
		{"!root", "root", 0},
		{"!0", "root", 0},
		{"!0", "a/b", 1},
		{"!root,!@admins", "alice", 1},
		{"!root,!@admins", "bob", 0},
		{"!root,!@admins", "carol", 0},
		{"!@nosuchgroup", "alice", 1},
		/* With a positive selector, it alone decides who is in. */
		{"!alice,bob", "bob", 1},
		{"!alice,bob", "carol", 0},
		{"!alice,@admins", "carol", 1},
		{"!alice,@admins", "dave", 0},
	};

	(void)state;
	assert_true(match_table(mc, ARRAY_SIZE(mc)));
}

/* Group lookups are costly: none once the answer is known. */
static void
test_match_skips_lookups(void **state)
{
	struct conf c = {0};
	struct identity id = {0};
	struct mntns_error e = {0};

	(void)state;
	assert_parses(&c, "alice,@admins /x tmpfs\n"
			  "*,@staff /y tmpfs\n"
			  "*,!@admins /z tmpfs\n");
	assert_lookup(&id, "alice");
	assert_int_equal(rule_matches(&c.rules[0], &id, &e), 1);
	assert_int_equal(rule_matches(&c.rules[1], &id, &e), 1);
	assert_int_equal(id.nanswers, 0);
	assert_false(id.gids_known);
	/* An exclusion is always checked. */
	assert_int_equal(rule_matches(&c.rules[2], &id, &e), 1);
	assert_int_equal(id.nanswers, 1);
	ident_free(&id);
	conf_free(&c);
}

/* ---- variables ------------------------------------------------------- */

/* True if @tmpl expands to @want for @user. */
static bool
expands_to(const char *user, const char *tmpl, const char *want)
{
	struct identity id = {0};
	struct mntns_error e = {0};
	char *out = NULL;
	bool ok = false;
	int r;

	if (lookup(&id, user)) {
		r = expand_path(tmpl, &id, &out, &e);
		ok = r == 0 && !strcmp(out, want);
		if (!ok)
			print_error("%s for %s: %d '%s' (%s), wanted '%s'\n",
				    tmpl, user, r, r ? "" : out, e.msg, want);
	}
	free(out);
	ident_free(&id);
	return ok;
}

/* True if @tmpl fails to expand for @id with @rc and "@prefix...@part". */
static bool
expand_fails_id(struct identity *id, const char *tmpl, int rc,
		const char *prefix, const char *part)
{
	struct mntns_error e = {0};
	char *out = NULL;
	int r;

	r = expand_path(tmpl, id, &out, &e);
	if (r != rc || out) {
		print_error("%s for %s: %d '%s', wanted %d\n", tmpl, id->user,
			    r, out ? out : "", rc);
		free(out);
		return false;
	}
	return msg_matches(&e, prefix, part);
}

static bool
expand_fails(const char *user, const char *tmpl, int rc, const char *prefix,
	     const char *part)
{
	struct identity id = {0};
	bool ok;

	ok = lookup(&id, user) && expand_fails_id(&id, tmpl, rc, prefix, part);
	ident_free(&id);
	return ok;
}

static void
test_expand_variables(void **state)
{
	(void)state;
	assert_true(expands_to("alice", "/srv/%u/%U/%g/%G",
			       "/srv/alice/1000/alice/1000"));
	assert_true(expands_to("carol", "/srv/%u-%U/%g-%G",
			       "/srv/carol-1002/admins-2000"));
	assert_true(expands_to("bob", "%h", "/home/bob"));
	assert_true(expands_to("bob", "%h/.cache", "/home/bob/.cache"));
	assert_true(expands_to("dave", "/u/%U", "/u/60000"));
	assert_true(expands_to("root", "/u/%U/%G", "/u/0/0"));
	assert_true(expands_to("alice", "/tmp", "/tmp"));
	assert_true(expands_to("alice", "/a%u%u", "/aalicealice"));
}

static void
test_expand_percent(void **state)
{
	(void)state;
	assert_true(expands_to("alice", "/a/%%/b", "/a/%/b"));
	/* "%%u" is a percent sign and a "u", not the user name. */
	assert_true(expands_to("alice", "/a/%%u", "/a/%u"));
	assert_true(expands_to("alice", "/a/%%%u", "/a/%alice"));
	assert_true(expands_to("alice", "/100%%", "/100%"));
	/* A name is not expanded again. */
	assert_true(expands_to("alice", "/%u%%h", "/alice%h"));
}

static void
test_expand_group_lazily(void **state)
{
	struct identity id = {0};
	struct mntns_error e = {0};
	char *out = NULL;

	(void)state;
	/* %G is the gid: no group lookup, so an unknown group is fine. */
	assert_lookup(&id, "nogrp");
	assert_int_equal(expand_path("/g/%G/%u", &id, &out, &e), 0);
	assert_string_equal(out, "/g/4999/nogrp");
	assert_null(id.group);
	free(out);
	ident_free(&id);
}

static void
test_expand_unsafe_names(void **state)
{
	static const char *const users[][2] = {
		{"a/b", "/tmp/1003"},	   {"..", "/tmp/1004"},
		{".", "/tmp/1005"},	   {"-dash", "/tmp/1006"},
		{"ctl\001x", "/tmp/1007"}, {LONG256, "/tmp/1009"},
	};
	char want[512];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(users); i++) {
		snprintf(want, sizeof(want), "name '%s' is not safe in a path",
			 users[i][0]);
		assert_true(expand_fails(users[i][0], "/tmp/%u", -EINVAL, "",
					 want));
		assert_true(
			expand_fails(users[i][0], "%h/%u", -EINVAL, "", want));
		/* Refused only where the name is used. */
		assert_true(expands_to(users[i][0], "/tmp/%U", users[i][1]));
	}
	/* NAME_MAX bytes is still one path component. */
	assert_true(expands_to(LONG255, "/tmp/%u", "/tmp/" LONG255));
}

static void
test_expand_unsafe_names_direct(void **state)
{
	static const char *const users[] = {
		"", ".", "..", "-dash", "a/b", "/", "x\ny", "\177", "t\tab",
	};
	struct identity id = {0};
	char want[64];
	size_t i;

	(void)state;
	id.uid = 1000;
	id.gid = 1000;
	id.home = (char *)"/home/x";
	for (i = 0; i < ARRAY_SIZE(users); i++) {
		id.user = (char *)users[i];
		snprintf(want, sizeof(want), "name '%s' is not safe", users[i]);
		assert_true(expand_fails_id(&id, "/tmp/%u", -EINVAL, "", want));
	}
	/* A group name is held to the same rules. */
	id.user = (char *)"x";
	id.group = (char *)"..";
	assert_true(expand_fails_id(&id, "/g/%g", -EINVAL, "",
				    "group name '..' is not safe in a path"));
	id.group = (char *)"-g";
	assert_true(expand_fails_id(&id, "/g/%g", -EINVAL, "",
				    "group name '-g' is not safe"));
	id.group = NULL;
}

static void
test_expand_unsafe_group(void **state)
{
	(void)state;
	assert_true(expand_fails("badgrp", "/srv/%g", -EINVAL, "",
				 "group name 'x/y' is not safe in a path, "
				 "refusing"));
	assert_true(expands_to("badgrp", "/srv/%G", "/srv/3000"));
	assert_true(expand_fails("nogrp", "/srv/%g", -ENOENT,
				 "primary group 4999: ", "no such group"));
}

static void
test_expand_unsafe_homes(void **state)
{
	static const char *const users[][2] = {
		{"relhome", "home/relhome"}, {"dotdothome", "/home/../etc"},
		{"roothome", "/"},	     {"trailhome", "/home/trail/"},
		{"emptyhome", ""},
	};
	char want[128];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(users); i++) {
		snprintf(want, sizeof(want),
			 "home '%s' is not safe in a path, refusing",
			 users[i][1]);
		assert_true(
			expand_fails(users[i][0], "%h/x", -EINVAL, "", want));
		assert_true(expand_fails(users[i][0], "%h", -EINVAL, "", want));
		/* Only where the home is used. */
		snprintf(want, sizeof(want), "/tmp/%s", users[i][0]);
		assert_true(expands_to(users[i][0], "/tmp/%u", want));
	}
}

static void
test_expand_unsafe_homes_direct(void **state)
{
	static const char *const homes[] = {
		"/home/./x", "/home//x", "//", "/home/x\001", "home",
	};
	struct identity id = {0};
	char want[64];
	size_t i;

	(void)state;
	id.user = (char *)"x";
	for (i = 0; i < ARRAY_SIZE(homes); i++) {
		id.home = (char *)homes[i];
		snprintf(want, sizeof(want), "home '%s' is not safe", homes[i]);
		assert_true(expand_fails_id(&id, "%h/y", -EINVAL, "", want));
	}
}

static void
test_expand_too_long(void **state)
{
	char tmpl[64] = "";
	char want[PATH_MAX];
	int i;

	(void)state;
	/* 15 components of 256 bytes fit in PATH_MAX, 16 do not. */
	want[0] = '\0';
	for (i = 0; i < 15; i++) {
		strcat(tmpl, "/%u");
		strcat(want, "/" LONG255);
	}
	assert_true(expands_to(LONG255, tmpl, want));
	strcat(tmpl, "/%u");
	assert_true(expand_fails(LONG255, tmpl, -ENAMETOOLONG, "",
				 "expanded path is too long"));
}

static void
test_expand_not_normalized(void **state)
{
	(void)state;
	assert_true(expand_fails("alice", "relative/%u", -EINVAL, "",
				 "'relative/alice' is not a normalized "
				 "absolute path, refusing"));
	assert_true(expand_fails("alice", "/tmp//%u", -EINVAL, "",
				 "'/tmp//alice' is not a normalized"));
	assert_true(expand_fails("alice", "/tmp/%u/", -EINVAL, "",
				 "'/tmp/alice/' is not a normalized"));
	assert_true(expand_fails("alice", "/a/./%u", -EINVAL, "",
				 "'/a/./alice' is not"));
	assert_true(expand_fails("alice", "%h/..", -EINVAL, "",
				 "'/home/alice/..' is not"));
	assert_true(expand_fails("alice", "", -EINVAL, "",
				 "'' is not a normalized"));
	/* A literal component over NAME_MAX. */
	assert_true(expand_fails("alice", "/" LONG256, -EINVAL, "",
				 "is not a normalized absolute path"));
}

static void
test_expand_bad_variable(void **state)
{
	struct identity id = {0};
	char *tmpl;

	(void)state;
	assert_lookup(&id, "alice");
	assert_true(expand_fails_id(&id, "/x/%q", -EINVAL, "",
				    "unknown variable '%q'"));
	/* On the heap, so that a read past the end shows in valgrind. */
	tmpl = strdup("/x/%");
	assert_non_null(tmpl);
	assert_true(
		expand_fails_id(&id, tmpl, -EINVAL, "", "unknown variable"));
	free(tmpl);
	ident_free(&id);
}

/* ---- plans ----------------------------------------------------------- */

static const char design_conf[] =
	"*,!root         /tmp         tmpfs    -                       "
	"size=25%,mode=0700\n"
	"*,!root         /var/tmp     bind     /var/tmp/.mntns/%u      "
	"mode=0700\n"
	"*,!root         /dev/shm     tmpfs    -                       "
	"size=10%,mode=0700\n"
	"@admins         /tmp         none\n"
	"alice           /root/hosts  bind     /etc/hosts              ro\n"
	"1000-59999      ~/.cache     tmpfs    -                       "
	"size=1G\n";

/* Builds @user's plan from @c, printing the error if any. */
static int
plan_of(struct plan *p, const struct conf *c, const char *user)
{
	struct identity id = {0};
	struct mntns_error e = {0};
	int r = -1000;

	if (lookup(&id, user)) {
		r = plan_for_user(p, c, &id, &e);
		if (r < 0)
			print_error("plan for %s: %d: %s\n", user, r, e.msg);
	}
	ident_free(&id);
	return r;
}

/* True if @p's targets are, in order, the NULL-terminated @want. */
static bool
targets_are(const struct plan *p, const char *const *want)
{
	size_t i, n = 0;
	bool ok;

	while (want[n])
		n++;
	ok = p->n == n;
	for (i = 0; ok && i < n; i++)
		ok = !strcmp(p->entries[i].target, want[i]);
	if (!ok) {
		print_error("plan has %zu entries:\n", p->n);
		for (i = 0; i < p->n; i++)
			print_error("  %s\n", p->entries[i].target);
		for (i = 0; i < n; i++)
			print_error("wanted %s\n", want[i]);
	}
	return ok;
}

#define assert_targets(p, ...)                                                 \
	assert_true(targets_are(p, (const char *const[]){__VA_ARGS__, NULL}))

static void
test_plan_design_alice(void **state)
{
	struct conf c = {0};
	struct plan p;
	const struct plan_entry *pe;

	(void)state;
	assert_parses(&c, design_conf);
	assert_int_equal(plan_of(&p, &c, "alice"), 0);
	assert_targets(&p, "/dev/shm", "/home/alice/.cache", "/root/hosts",
		       "/tmp", "/var/tmp");

	pe = &p.entries[0];
	assert_int_equal(pe->method, METHOD_TMPFS);
	assert_null(pe->source);
	assert_ptr_equal(pe->rule, &c.rules[2]);
	assert_ptr_equal(pe->fsdata, c.rules[2].fsdata);
	assert_string_equal(pe->fsdata, "size=10%");
	assert_int_equal(pe->mode, 0700);
	assert_int_equal(pe->uid, 1000);
	assert_int_equal(pe->gid, 1000);
	assert_int_equal(pe->ms_set, MS_NOSUID | MS_NODEV);

	pe = &p.entries[1];
	assert_ptr_equal(pe->rule, &c.rules[5]);
	assert_string_equal(pe->fsdata, "size=1G");
	assert_int_equal(pe->mode, -1);

	pe = &p.entries[2];
	assert_int_equal(pe->method, METHOD_BIND);
	assert_string_equal(pe->source, "/etc/hosts");
	assert_false(pe->instance);
	assert_int_equal(pe->ms_set, MS_RDONLY);
	assert_int_equal(pe->ms_clr, 0);
	assert_null(pe->fsdata);
	assert_int_equal(pe->rule->line, 5);

	pe = &p.entries[3];
	assert_ptr_equal(pe->rule, &c.rules[0]);
	assert_string_equal(pe->fsdata, "size=25%");

	pe = &p.entries[4];
	assert_int_equal(pe->method, METHOD_BIND);
	assert_string_equal(pe->source, "/var/tmp/.mntns/alice");
	assert_true(pe->instance);
	assert_int_equal(pe->mode, 0700);
	assert_int_equal(pe->ms_set, MS_NOSUID | MS_NODEV);
	plan_free(&p);
	assert_null(p.entries);
	assert_int_equal(p.n, 0);
	conf_free(&c);
}

static void
test_plan_design_others(void **state)
{
	struct conf c = {0};
	struct plan p;

	(void)state;
	assert_parses(&c, design_conf);
	/* An admin keeps the host's /tmp: "none" removes it. */
	assert_int_equal(plan_of(&p, &c, "bob"), 0);
	assert_targets(&p, "/dev/shm", "/home/bob/.cache", "/var/tmp");
	assert_string_equal(p.entries[2].source, "/var/tmp/.mntns/bob");
	assert_int_equal(p.entries[2].uid, 1001);
	assert_int_equal(p.entries[2].gid, 1001);
	plan_free(&p);
	assert_int_equal(plan_of(&p, &c, "carol"), 0);
	assert_targets(&p, "/dev/shm", "/home/carol/.cache", "/var/tmp");
	assert_int_equal(p.entries[0].gid, 2000);
	plan_free(&p);
	/* Outside 1000-59999. */
	assert_int_equal(plan_of(&p, &c, "dave"), 0);
	assert_targets(&p, "/dev/shm", "/tmp", "/var/tmp");
	plan_free(&p);
	assert_int_equal(plan_of(&p, &c, "root"), 0);
	assert_int_equal(p.n, 0);
	plan_free(&p);
	conf_free(&c);
}

static void
test_plan_empty(void **state)
{
	struct conf c = {0};
	struct plan p;

	(void)state;
	assert_int_equal(plan_of(&p, &c, "alice"), 0);
	assert_int_equal(p.n, 0);
	assert_null(p.entries);
	plan_free(&p);
	assert_parses(&c, "bob /tmp tmpfs\n@admins /x tmpfs\n");
	assert_int_equal(plan_of(&p, &c, "alice"), 0);
	assert_int_equal(p.n, 0);
	plan_free(&p);
	conf_free(&c);
}

static void
test_plan_last_wins_across_files(void **state)
{
	static const char a[] = "* /tmp tmpfs - size=1G\n"
				"* /var/tmp tmpfs - size=2G\n";
	static const char b[] = "# drop-in\n"
				"alice /tmp tmpfs - size=3G\n"
				"@admins /tmp bind /srv/admins-tmp\n";
	struct conf c = {0};
	struct mntns_error e = {0};
	struct plan p;

	(void)state;
	assert_int_equal(conf_parse_buffer(&c, "a.conf", a, strlen(a), &e), 0);
	assert_int_equal(conf_parse_buffer(&c, "b.conf", b, strlen(b), &e), 0);

	assert_int_equal(plan_of(&p, &c, "alice"), 0);
	assert_targets(&p, "/tmp", "/var/tmp");
	assert_string_equal(p.entries[0].fsdata, "size=3G");
	assert_string_equal(p.entries[0].rule->file, "b.conf");
	assert_int_equal(p.entries[0].rule->line, 2);
	assert_string_equal(p.entries[1].rule->file, "a.conf");
	plan_free(&p);

	assert_int_equal(plan_of(&p, &c, "bob"), 0);
	assert_targets(&p, "/tmp", "/var/tmp");
	assert_int_equal(p.entries[0].method, METHOD_BIND);
	assert_string_equal(p.entries[0].source, "/srv/admins-tmp");
	assert_null(p.entries[0].fsdata);
	assert_int_equal(p.entries[0].rule->line, 3);
	plan_free(&p);

	assert_int_equal(plan_of(&p, &c, "dave"), 0);
	assert_string_equal(p.entries[0].fsdata, "size=1G");
	assert_string_equal(p.entries[0].rule->file, "a.conf");
	plan_free(&p);
	conf_free(&c);
}

static void
test_plan_none(void **state)
{
	struct conf c = {0};
	struct plan p;

	(void)state;
	assert_parses(&c, "* /tmp tmpfs\n"
			  "* /a tmpfs\n"
			  "alice /tmp none\n"
			  "* /b none\n");
	assert_int_equal(plan_of(&p, &c, "alice"), 0);
	assert_targets(&p, "/a");
	plan_free(&p);
	assert_int_equal(plan_of(&p, &c, "bob"), 0);
	assert_targets(&p, "/a", "/tmp");
	plan_free(&p);
	/* A rule after "none" brings the TARGET back. */
	assert_parses(&c, "alice /tmp bind /srv/t\n");
	assert_int_equal(plan_of(&p, &c, "alice"), 0);
	assert_targets(&p, "/a", "/tmp");
	assert_int_equal(p.entries[1].method, METHOD_BIND);
	plan_free(&p);
	conf_free(&c);

	/* Only exemptions: nothing to do. */
	assert_parses(&c, "* /tmp none\n* ~ none\n");
	assert_int_equal(plan_of(&p, &c, "alice"), 0);
	assert_int_equal(p.n, 0);
	plan_free(&p);
	conf_free(&c);
}

static void
test_plan_home_targets_equal(void **state)
{
	struct conf c = {0};
	struct plan p;

	(void)state;
	assert_parses(&c, "* ~/x tmpfs - size=1G\n"
			  "* %h/x bind /srv/x\n"
			  "* ~/ tmpfs - size=2G\n"
			  "* %h bind /srv/h\n");
	assert_int_equal(plan_of(&p, &c, "alice"), 0);
	assert_targets(&p, "/home/alice", "/home/alice/x");
	assert_int_equal(p.entries[0].method, METHOD_BIND);
	assert_string_equal(p.entries[0].source, "/srv/h");
	assert_int_equal(p.entries[1].method, METHOD_BIND);
	assert_string_equal(p.entries[1].source, "/srv/x");
	plan_free(&p);
	/* A literal path names the same TARGET as its ~ form. */
	assert_parses(&c, "alice /home/alice/x none\n"
			  "alice /home/alice tmpfs\n");
	assert_int_equal(plan_of(&p, &c, "alice"), 0);
	assert_targets(&p, "/home/alice");
	assert_int_equal(p.entries[0].method, METHOD_TMPFS);
	plan_free(&p);
	assert_int_equal(plan_of(&p, &c, "bob"), 0);
	assert_targets(&p, "/home/bob", "/home/bob/x");
	plan_free(&p);
	conf_free(&c);
}

/* Every entry comes after each entry that is a parent directory of it. */
static bool
parents_first(const struct plan *p)
{
	size_t i, j, n;

	for (i = 0; i < p->n; i++) {
		for (j = i + 1; j < p->n; j++) {
			n = strlen(p->entries[j].target);
			if (!strncmp(p->entries[i].target, p->entries[j].target,
				     n) &&
			    p->entries[i].target[n] == '/') {
				print_error("%s before its parent %s\n",
					    p->entries[i].target,
					    p->entries[j].target);
				return false;
			}
		}
	}
	return true;
}

static void
test_plan_sorted(void **state)
{
	struct conf c = {0};
	struct plan p;

	(void)state;
	assert_parses(&c, "* /tmp/x/y tmpfs\n"
			  "* /tmp-a tmpfs\n"
			  "* /tmp0 tmpfs\n"
			  "* /tmp/x tmpfs\n"
			  "* /tmp.d tmpfs\n"
			  "* /tmp\\303\\251 tmpfs\n"
			  "* /tm tmpfs\n"
			  "* /tmp tmpfs\n"
			  "* /a/b/c tmpfs\n"
			  "* /tmp/x-y tmpfs\n"
			  "* /a tmpfs\n"
			  "* ~/.cache tmpfs\n"
			  "* /home tmpfs\n"
			  "* /tmp/x/y/z tmpfs\n");
	assert_int_equal(plan_of(&p, &c, "alice"), 0);
	assert_targets(&p, "/a", "/a/b/c", "/home", "/home/alice/.cache", "/tm",
		       "/tmp", "/tmp/x", "/tmp/x/y", "/tmp/x/y/z", "/tmp/x-y",
		       "/tmp-a", "/tmp.d", "/tmp0", "/tmp\303\251");
	assert_true(parents_first(&p));
	plan_free(&p);
	conf_free(&c);
}

static void
test_plan_sorted_reversed(void **state)
{
	struct conf c = {0};
	struct plan p;
	char line[64];
	int i;

	(void)state;
	/* Deepest first in the file; a plan the other way round. */
	for (i = 8; i >= 0; i--) {
		snprintf(line, sizeof(line), "* /d%.*s tmpfs\n", 2 * i,
			 "/d/d/d/d/d/d/d/d/d/d");
		assert_parses(&c, line);
	}
	assert_int_equal(plan_of(&p, &c, "bob"), 0);
	assert_int_equal(p.n, 9);
	for (i = 0; i < 9; i++)
		assert_int_equal(strlen(p.entries[i].target), 2 + 2 * i);
	assert_true(parents_first(&p));
	plan_free(&p);
	conf_free(&c);
}

/* Builds @user's plan from "@file" @text, which must fail as described. */
static bool
plan_fails(const char *text, const char *user, int rc, const char *prefix,
	   const char *part)
{
	struct conf c = {0};
	struct identity id = {0};
	struct mntns_error e = {0};
	struct plan p;
	bool ok = false;
	int r;

	if (conf_parse_buffer(&c, "x.conf", text, strlen(text), &e) == 0 &&
	    lookup(&id, user)) {
		r = plan_for_user(&p, &c, &id, &e);
		ok = r == rc && p.n == 0 && !p.entries;
		if (!ok)
			print_error("plan for %s: %d (%zu entries), wanted %d: "
				    "%s\n",
				    user, r, p.n, rc, e.msg);
		if (r == 0)
			plan_free(&p);
		ok = ok && msg_matches(&e, prefix, part);
	}
	ident_free(&id);
	conf_free(&c);
	return ok;
}

static void
test_plan_errors(void **state)
{
	(void)state;
	assert_true(plan_fails(
		"* /tmp tmpfs\n\n* /v bind /srv/%u\n", "a/b", -EINVAL,
		"x.conf:3: ", "name 'a/b' is not safe in a path"));
	assert_true(plan_fails("* /tmp/%u tmpfs\n", "..", -EINVAL,
			       "x.conf:1: ", "name '..' is not safe"));
	assert_true(
		plan_fails("# c\n* ~/.cache tmpfs\n", "relhome", -EINVAL,
			   "x.conf:2: ", "home 'home/relhome' is not safe"));
	assert_true(plan_fails("* ~ tmpfs\n", "roothome", -EINVAL,
			       "x.conf:1: ", "home '/' is not safe"));
	assert_true(
		plan_fails("* /t tmpfs\n* /g bind /srv/%g\n", "nogrp", -ENOENT,
			   "x.conf:2: ", "primary group 4999: no such group"));
	assert_true(plan_fails("* /g/%g tmpfs\n", "badgrp", -EINVAL,
			       "x.conf:1: ", "group name 'x/y' is not safe"));
	/* An exemption is expanded too: its TARGET must be safe. */
	assert_true(plan_fails("* /tmp/%u none\n", "a/b", -EINVAL,
			       "x.conf:1: ", "not safe"));
	/* A variable that makes a TARGET cover the module's records. */
	assert_true(plan_fails("* ~/x tmpfs\n", "runhome", -EPERM, "x.conf:1: ",
			       "TARGET /run/pam_mntns/x covers /run/pam_mntns, "
			       "where pam_mntns keeps its records; refusing"));
	assert_true(plan_fails("* /srv bind %h\n* %h tmpfs\n", "runhome",
			       -EPERM, "x.conf:2: ", "covers /run/pam_mntns"));
	/* The plan is empty after an error, even with entries before it. */
	assert_true(plan_fails(
		"* /a tmpfs\n* /b tmpfs\n* ~/c tmpfs\n", "dotdothome", -EINVAL,
		"x.conf:3: ", "home '/home/../etc' is not safe"));
}

static void
test_plan_errors_lazy(void **state)
{
	struct conf c = {0};
	struct plan p;

	(void)state;
	/* Rules that do not match the user never expand for the user. */
	assert_parses(&c, "alice /tmp/%u tmpfs\n"
			  "1000 ~/x tmpfs\n"
			  "@admins /g/%g tmpfs\n"
			  "*,!1003 /v/%u tmpfs\n");
	assert_int_equal(plan_of(&p, &c, "a/b"), 0);
	assert_int_equal(p.n, 0);
	plan_free(&p);
	assert_int_equal(plan_of(&p, &c, "nogrp"), 0);
	assert_targets(&p, "/v/nogrp");
	plan_free(&p);
	conf_free(&c);
}

static void
test_plan_error_without_buffer(void **state)
{
	struct conf c = {0};
	struct identity id = {0};
	struct plan p;

	(void)state;
	assert_parses(&c, "* /tmp/%u tmpfs\n");
	assert_lookup(&id, "a/b");
	assert_int_equal(plan_for_user(&p, &c, &id, NULL), -EINVAL);
	assert_int_equal(p.n, 0);
	ident_free(&id);
	conf_free(&c);
}

/* Each entry names the rules it overrode, for show; so does a "none". */
static void
test_plan_records_overrides(void **state)
{
	struct conf c = {0};
	const struct plan_entry *x;
	struct plan p;

	(void)state;
	assert_parses(&c, "* /tmp tmpfs\n"		 /* 1 */
			  "* /v tmpfs\n"		 /* 2 */
			  "alice /tmp tmpfs - size=1G\n" /* 3 */
			  "* /tmp bind /srv/t\n"	 /* 4 */
			  "alice /v none\n"		 /* 5 */
			  "* /w none\n");		 /* 6 */
	assert_int_equal(plan_of(&p, &c, "alice"), 0);
	assert_targets(&p, "/tmp");
	assert_int_equal(p.entries[0].rule->line, 4);
	assert_int_equal(p.entries[0].noverrode, 2);
	assert_ptr_equal(p.entries[0].overrode[0], &c.rules[0]);
	assert_ptr_equal(p.entries[0].overrode[1], &c.rules[2]);
	/* The exemptions follow the mounts, sorted, with what they beat. */
	assert_int_equal(p.nexempt, 2);
	x = &p.entries[p.n];
	assert_string_equal(x[0].target, "/v");
	assert_int_equal(x[0].method, METHOD_NONE);
	assert_int_equal(x[0].noverrode, 1);
	assert_ptr_equal(x[0].overrode[0], &c.rules[1]);
	assert_string_equal(x[1].target, "/w");
	assert_int_equal(x[1].noverrode, 0);
	plan_free(&p);
	assert_int_equal(p.nexempt, 0);
	conf_free(&c);
}

/* A rule that fails the plan is its error's location, as fields. */
static void
test_plan_error_location(void **state)
{
	struct conf c = {0};
	struct identity id = {0};
	struct mntns_error e = {0};
	struct plan p;

	(void)state;
	assert_parses(&c, "* /tmp tmpfs\n\n* /tmp/%u tmpfs\n");
	assert_lookup(&id, "a/b");
	assert_int_equal(plan_for_user(&p, &c, &id, &e), -EINVAL);
	assert_string_equal(e.file, TEST_FILE);
	assert_int_equal(e.line, 3);
	assert_string_equal(e.msg,
			    "name 'a/b' is not safe in a path, refusing");
	ident_free(&id);
	conf_free(&c);
}

static void
test_plan_group_selectors(void **state)
{
	struct conf c = {0};
	struct plan p;

	(void)state;
	assert_parses(&c, "@admins /adm tmpfs\n"
			  "@staff /staff tmpfs\n"
			  "*,!@staff /nostaff tmpfs\n"
			  "@nosuchgroup /never tmpfs\n"
			  "!@nosuchgroup /always tmpfs\n");
	assert_int_equal(plan_of(&p, &c, "alice"), 0);
	assert_targets(&p, "/always", "/staff");
	plan_free(&p);
	assert_int_equal(plan_of(&p, &c, "bob"), 0);
	assert_targets(&p, "/adm", "/always", "/nostaff");
	plan_free(&p);
	assert_int_equal(plan_of(&p, &c, "carol"), 0);
	assert_targets(&p, "/adm", "/always", "/nostaff");
	plan_free(&p);
	conf_free(&c);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ident_lookup),
		cmocka_unit_test(test_ident_unknown),
		cmocka_unit_test(test_ident_group_name),
		cmocka_unit_test(test_ident_in_group),
		cmocka_unit_test(test_match_all),
		cmocka_unit_test(test_match_user),
		cmocka_unit_test(test_match_uid),
		cmocka_unit_test(test_match_group),
		cmocka_unit_test(test_match_negation),
		cmocka_unit_test(test_match_only_exclusions),
		cmocka_unit_test(test_match_skips_lookups),
		cmocka_unit_test(test_expand_variables),
		cmocka_unit_test(test_expand_percent),
		cmocka_unit_test(test_expand_group_lazily),
		cmocka_unit_test(test_expand_unsafe_names),
		cmocka_unit_test(test_expand_unsafe_names_direct),
		cmocka_unit_test(test_expand_unsafe_group),
		cmocka_unit_test(test_expand_unsafe_homes),
		cmocka_unit_test(test_expand_unsafe_homes_direct),
		cmocka_unit_test(test_expand_too_long),
		cmocka_unit_test(test_expand_not_normalized),
		cmocka_unit_test(test_expand_bad_variable),
		cmocka_unit_test(test_plan_design_alice),
		cmocka_unit_test(test_plan_design_others),
		cmocka_unit_test(test_plan_empty),
		cmocka_unit_test(test_plan_last_wins_across_files),
		cmocka_unit_test(test_plan_none),
		cmocka_unit_test(test_plan_home_targets_equal),
		cmocka_unit_test(test_plan_sorted),
		cmocka_unit_test(test_plan_sorted_reversed),
		cmocka_unit_test(test_plan_errors),
		cmocka_unit_test(test_plan_errors_lazy),
		cmocka_unit_test(test_plan_error_without_buffer),
		cmocka_unit_test(test_plan_records_overrides),
		cmocka_unit_test(test_plan_error_location),
		cmocka_unit_test(test_plan_group_selectors),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
