/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The text of the registry's records (lib/session/registry.h), written the way
 * the registry stores them, as the target of a symlink (here in a
 * temporary directory instead of /run/pam_mntns), read back and parsed:
 * every field comes back, and malformed texts are refused.
 */
#include <stdint.h>

#include "session/registry.h"
#include "unit.h"

/* Stores @text as the symlink @name in the test's directory, reads it. */
static void
store_and_read(void **state, const char *name, const char *text,
	       char back[RECORD_MAX])
{
	char path[PATH_MAX];
	ssize_t n;

	tmp_path(*state, name, path);
	assert_int_equal(symlink(text, path), 0);
	n = readlink(path, back, RECORD_MAX - 1);
	assert_true(n >= 0);
	back[n] = '\0';
	assert_string_equal(back, text);
}

static void
assert_ns_records_equal(const struct ns_record *a, const struct ns_record *b)
{
	assert_true(ns_ident_equal(&a->ns, &b->ns));
	assert_int_equal(a->ns.id, b->ns.id);
	assert_int_equal(a->ns.ino, b->ns.ino);
	assert_int_equal(a->scope, b->scope);
	assert_int_equal(a->uid, b->uid);
	assert_string_equal(a->service, b->service);
	assert_int_equal(a->pid, b->pid);
	assert_int_equal(a->start, b->start);
	assert_int_equal(a->base.id, b->base.id);
	assert_int_equal(a->plan, b->plan);
	assert_int_equal(a->base.ino, b->base.ino);
	assert_int_equal(a->base_pid, b->base_pid);
}

/* ---- namespace records --------------------------------------------------- */

/* With kernel namespace IDs: the IDs and (for the /proc walk) the inodes
 * of the namespace and of its base, no start time. */
static void
test_ns_record_user_scope(void **state)
{
	struct ns_record r =
				 {
					 .ns = {.id = 4097, .ino = 4026532001},
					 .scope = SCOPE_USER,
					 .uid = 1000,
					 .service = "sshd",
					 .pid = 4242,
					 .base = {.id = 1, .ino = 4026531841},
					 .base_pid = 1,
				 },
			 got;
	char text[RECORD_MAX], back[RECORD_MAX];

	ns_record_format(&r, text);
	assert_string_equal(text, "k=u u=1000 p=4242 n=4097 i=4026532001 b=1 "
				  "j=4026531841 q=1 s=sshd");
	store_and_read(state, "rec", text, back);
	assert_int_equal(ns_record_parse(back, &got), 0);
	assert_ns_records_equal(&got, &r);
	assert_int_equal(got.ns.ino, 4026532001);
	/* No v= word: the creator is the process that vouches. */
	assert_int_equal(got.voucher, 4242);
	assert_int_equal(got.created.tv_sec, 0);
	assert_int_equal(got.created.tv_nsec, 0);
}

/* Without IDs: inodes, and the start time that vouches for the PID. */
static void
test_ns_record_session_scope_inodes(void **state)
{
	struct ns_record r =
				 {
					 .ns = {.ino = 4026532001},
					 .scope = SCOPE_SESSION,
					 .uid = 0,
					 .service = "su-l",
					 .pid = 99,
					 .start = 123456789,
					 .base = {.ino = 4026531841},
					 .base_pid = 77,
				 },
			 got;
	char text[RECORD_MAX], back[RECORD_MAX];

	ns_record_format(&r, text);
	assert_string_equal(text, "u=0 p=99 t=123456789 i=4026532001 "
				  "j=4026531841 q=77 s=su-l");
	store_and_read(state, "rec", text, back);
	assert_int_equal(ns_record_parse(back, &got), 0);
	assert_ns_records_equal(&got, &r);
	/* With the fingerprint of its plan: 16 hex digits. */
	r.plan = 0xab;
	ns_record_format(&r, text);
	assert_string_equal(text,
			    "u=0 p=99 t=123456789 i=4026532001 "
			    "j=4026531841 f=00000000000000ab q=77 s=su-l");
	assert_int_equal(ns_record_parse(text, &got), 0);
	assert_ns_records_equal(&got, &r);
	assert_int_equal(ns_record_parse("u=0 p=9 i=4 j=5 f=xy q=1 s=x", &got),
			 -EINVAL);
	assert_int_equal(ns_record_parse("u=0 p=9 i=4 j=5 f= q=1 s=x", &got),
			 -EINVAL);
}

/* The largest values each field holds come back whole. */
static void
test_ns_record_extremes(void **state)
{
	struct ns_record r =
				 {
					 .ns = {.id = UINT64_MAX},
					 .scope = SCOPE_SESSION,
					 .uid = 4294967294U,
					 .service = "",
					 .pid = INT32_MAX,
					 .start = UINT64_MAX,
					 .base = {.id = UINT64_MAX - 1},
					 .base_pid = INT32_MAX,
					 .plan = UINT64_MAX,
				 },
			 got;
	char text[RECORD_MAX], back[RECORD_MAX];

	ns_record_format(&r, text);
	store_and_read(state, "rec", text, back);
	assert_int_equal(ns_record_parse(back, &got), 0);
	assert_ns_records_equal(&got, &r);
}

/* A service name is stored printable and without blanks. */
static void
test_ns_record_hostile_service(void **state)
{
	struct ns_record r =
				 {
					 .ns = {.id = 5},
					 .uid = 1,
					 .service = "a b\tc\033[31m=x",
					 .pid = 2,
					 .base = {.id = 1},
					 .base_pid = 1,
				 },
			 got;
	char text[RECORD_MAX], back[RECORD_MAX];

	ns_record_format(&r, text);
	store_and_read(state, "rec", text, back);
	assert_int_equal(ns_record_parse(back, &got), 0);
	assert_string_equal(got.service, "a?b?c?[31m=x");
	assert_int_equal(got.uid, 1);
	assert_int_equal(got.pid, 2);
}

static void
test_ns_record_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"p=1 n=2 b=1 q=1 s=x",	      /* no uid */
		"u=1 n=2 b=1 q=1 s=x",	      /* no PID */
		"u=1 p=1 b=1 q=1 s=x",	      /* no namespace */
		"u=1 p=1 n=2 q=1 s=x",	      /* no base */
		"u=1 p=1 n=2 b=1 s=x",	      /* no base PID */
		"u=x p=1 n=2 b=1 q=1 s=x",    /* not a number */
		"u=1 p=-1 n=2 b=1 q=1 s=x",   /* negative */
		"u=1 p=1 t=soon n=2 b=1 q=1", /* optional, but a number */
		"u=1 p=1 n=2x b=1 q=1 s=x",   /* trailing junk */
		"u=1 p=1 n=99999999999999999999 b=1 q=1", /* too large */
		"u=1 p=1 v=x n=2 b=1 q=1",		  /* bad voucher */
	};
	struct ns_record got;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (ns_record_parse(bad[i], &got) != -EINVAL)
			fail_msg("accepted: '%s'", bad[i]);
	}
	assert_int_equal(ns_record_parse("u=1 p=1 n=2 b=1 q=1", &got), 0);
	assert_string_equal(got.service, "");
	assert_int_equal(got.scope, SCOPE_SESSION);
}

/* A session left, a process stayed: it vouches for the namespace. */
static void
test_ns_record_voucher(void **state)
{
	struct ns_record r =
				 {
					 .ns = {.id = 77, .ino = 4026532077},
					 .uid = 1001,
					 .service = "su-l",
					 .pid = 500,
					 .voucher = 612,
					 .base = {.id = 1},
					 .base_pid = 1,
				 },
			 got;
	char text[RECORD_MAX], back[RECORD_MAX];

	ns_record_format(&r, text);
	assert_string_equal(text, "u=1001 p=500 v=612 n=77 i=4026532077 b=1 "
				  "q=1 s=su-l");
	store_and_read(state, "voucher", text, back);
	assert_int_equal(ns_record_parse(back, &got), 0);
	assert_int_equal(got.pid, 500);
	assert_int_equal(got.voucher, 612);
	assert_int_equal(got.vstart, 0);
	/* Without IDs the voucher's start time comes along. */
	r.ns.id = r.base.id = 0;
	r.base.ino = 4026531841;
	r.start = 11;
	r.vstart = 22;
	ns_record_format(&r, text);
	assert_string_equal(text, "u=1001 p=500 t=11 v=612 w=22 i=4026532077 "
				  "j=4026531841 q=1 s=su-l");
	assert_int_equal(ns_record_parse(text, &got), 0);
	assert_int_equal(got.vstart, 22);
	assert_int_equal(got.start, 11);
}

/* ---- scope=user sessions -------------------------------------------------- */

static void
test_session_record_round_trip(void **state)
{
	struct session_record m =
				      {
					      .pid = 31337,
					      .ns = {.id = 8193},
					      .service = "login",
				      },
			      got;
	char text[RECORD_MAX], back[RECORD_MAX];

	session_record_format(&m, text);
	assert_string_equal(text, "p=31337 n=8193 s=login");
	store_and_read(state, "31337", text, back);
	assert_int_equal(session_record_parse(back, &got), 0);
	assert_int_equal(got.pid, m.pid);
	assert_int_equal(got.start, 0);
	assert_true(ns_ident_equal(&got.ns, &m.ns));
	assert_string_equal(got.service, "login");
}

static void
test_session_record_inode_and_start(void **state)
{
	struct session_record m =
				      {
					      .pid = 7,
					      .start = 42,
					      .ns = {.ino = 4026532999},
					      .service = "sshd",
				      },
			      got;
	char text[RECORD_MAX], back[RECORD_MAX];

	session_record_format(&m, text);
	assert_string_equal(text, "p=7 t=42 i=4026532999 s=sshd");
	store_and_read(state, "7", text, back);
	assert_int_equal(session_record_parse(back, &got), 0);
	assert_int_equal(got.pid, 7);
	assert_int_equal(got.start, 42);
	assert_int_equal(got.ns.id, 0);
	assert_int_equal(got.ns.ino, 4026532999);
	assert_int_equal(session_record_parse("n=1 s=x", &got), -EINVAL);
	assert_int_equal(session_record_parse("p=1 s=x", &got), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, tmpdir_setup, tmpdir_teardown)
		T(test_ns_record_user_scope),
		T(test_ns_record_session_scope_inodes),
		T(test_ns_record_extremes),
		T(test_ns_record_hostile_service),
		T(test_ns_record_malformed),
		T(test_ns_record_voucher),
		T(test_session_record_round_trip),
		T(test_session_record_inode_and_start),
#undef T
	};

	return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
