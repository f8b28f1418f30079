#!/bin/bash
# Return codes and log lines of open_session through pam_start_confdir.

. "$(dirname "$0")/../lib/root.sh"

std_conf() {
	write_conf std <<'C'
# private /tmp and /var/tmp for everyone but root and mntnst3
*,!root,!mntnst3  /tmp      tmpfs  -                     size=16M,mode=0700
*,!root           /var/tmp  bind   /var/tmp/.mntns/%u    mode=0700
mntnst3           /var/tmp  none
C
}

test_codes_success() {
	std_conf
	service std "conf=$W/std.conf"
	local out
	out=$(session std mntnst1)
	expect_eq "configured user: PAM_SUCCESS" "$(field open "$out")" PAM_SUCCESS
	expect_ne "configured user: a new namespace" \
		"$(field ns_after "$out")" "$(field ns_before "$out")"
	expect_eq "close_session: PAM_SUCCESS" "$(field close "$out")" PAM_SUCCESS
}

test_codes_exempt() {
	std_conf
	service std "conf=$W/std.conf"
	local out
	out=$(session std mntnst3)
	expect_eq "user exempted by none: PAM_IGNORE" "$(field open "$out")" PAM_IGNORE
	expect_eq "exempt user stays in the caller's namespace" \
		"$(field ns_after "$out")" "$(field ns_before "$out")"
	out=$(session std root)
	expect_eq "user no rule applies to (root): PAM_IGNORE" \
		"$(field open "$out")" PAM_IGNORE
	expect_eq "root stays in the caller's namespace" \
		"$(field ns_after "$out")" "$(field ns_before "$out")"
}

test_codes_unknown_user() {
	std_conf
	service std "conf=$W/std.conf"
	: >"$SYSLOG"
	local out
	out=$(session std mntnst-nosuchuser)
	expect_eq "unknown user: PAM_USER_UNKNOWN" "$(field open "$out")" PAM_USER_UNKNOWN
	expect_match "unknown user is logged" "$(cat "$SYSLOG")" \
		'pam_mntns\(std:session\): user mntnst-nosuchuser: no such user'
}

test_codes_bad_argument() {
	std_conf
	service badarg "conf=$W/std.conf" frobnicate
	: >"$SYSLOG"
	local out
	out=$(session badarg mntnst1)
	expect_eq "unknown argument: PAM_SERVICE_ERR" "$(field open "$out")" PAM_SERVICE_ERR
	expect_match "unknown argument is logged" "$(cat "$SYSLOG")" \
		"<83> pam_mntns\(badarg:session\): unknown or malformed argument 'frobnicate': unknown setting 'frobnicate'"
	local bad
	for bad in scope=host scope= conf=relative.conf conf= Debug; do
		service badscope "conf=$W/std.conf" "$bad"
		out=$(session badscope mntnst1)
		expect_eq "argument '$bad': PAM_SERVICE_ERR" \
			"$(field open "$out")" PAM_SERVICE_ERR
		expect_eq "argument '$bad': no namespace made" \
			"$(field ns_after "$out")" "$(field ns_before "$out")"
	done
}

test_codes_bad_config() {
	write_conf bad <<'C'
*,!root  /tmp  tmpfs  -  size=16M
# a typo on line 3
*,!root  /var/tmp  tmpfs  -  sise=1G
C
	service bad "conf=$W/bad.conf"
	: >"$SYSLOG"
	local out
	out=$(session bad mntnst1)
	expect_eq "bad config: PAM_SESSION_ERR" "$(field open "$out")" PAM_SESSION_ERR
	expect_eq "bad config: no namespace made" \
		"$(field ns_after "$out")" "$(field ns_before "$out")"
	expect_match "bad config: log names FILE:LINE" "$(cat "$SYSLOG")" \
		"user mntnst1: $W/bad.conf:3: unknown option 'sise=1G'"
	expect_match "bad config: the user is told" "$out" \
		"conv\[3\]: pam_mntns: cannot set up your private mounts"
}

test_codes_config_perms() {
	write_conf perm <<'C'
*  /tmp  tmpfs  -  size=16M
C
	chmod 0666 "$W/perm.conf"
	service perm "conf=$W/perm.conf"
	: >"$SYSLOG"
	local out
	out=$(session perm mntnst1)
	expect_eq "world-writable config: PAM_SESSION_ERR" \
		"$(field open "$out")" PAM_SESSION_ERR
	expect_match "world-writable config: log names the file" "$(cat "$SYSLOG")" \
		"$W/perm.conf: writable by group or others"
	chmod 0644 "$W/perm.conf"
	chown mntnst1 "$W/perm.conf"
	out=$(session perm mntnst1)
	expect_eq "user-owned config: PAM_SESSION_ERR" "$(field open "$out")" PAM_SESSION_ERR
	chown root "$W/perm.conf"
	mkdir -p "$W/perm.d"
	printf 'mntnst1 /var/tmp none\n' >"$W/perm.d/10-x.conf"
	chmod 0620 "$W/perm.d/10-x.conf"
	out=$(session perm mntnst1)
	expect_eq "group-writable drop-in: PAM_SESSION_ERR" \
		"$(field open "$out")" PAM_SESSION_ERR
	rm -rf "$W/perm.d"
}

test_codes_missing_config() {
	service missing "conf=$W/does-not-exist.conf"
	: >"$SYSLOG"
	local out
	out=$(session missing mntnst1)
	expect_eq "missing config: PAM_SESSION_ERR" "$(field open "$out")" PAM_SESSION_ERR
	expect_match "missing config: log names the path" "$(cat "$SYSLOG")" \
		"$W/does-not-exist.conf: cannot open: No such file or directory"
}

test_codes_nofail() {
	write_conf bad <<'C'
*  /tmp  tmpfs  -  bogus
C
	service nofail "conf=$W/bad.conf" nofail
	: >"$SYSLOG"
	local out
	out=$(session nofail mntnst1)
	expect_eq "nofail + bad config: PAM_IGNORE" "$(field open "$out")" PAM_IGNORE
	expect_eq "nofail + bad config: caller's namespace untouched" \
		"$(field ns_after "$out")" "$(field ns_before "$out")"
	expect_match "nofail: the error is still logged" "$(cat "$SYSLOG")" \
		"bad.conf:1: unknown option 'bogus'.*nofail"
	# A failure while applying: the rollback leaves the caller as it was.
	write_conf late <<'C'
*  /tmp      tmpfs  -                   size=16M
*  /var/tmp  bind   /var/tmp/.bad/%u    mode=0700
C
	mkdir -m 0755 /var/tmp/.bad
	service nofail-late "conf=$W/late.conf" nofail
	local before
	before=$(mount_table)
	out=$(session nofail-late mntnst1 -- sh -c 'findmnt -n -o SOURCE /tmp')
	expect_eq "nofail + apply failure: PAM_IGNORE" "$(field open "$out")" PAM_IGNORE
	expect_eq "nofail + apply failure: back in the caller's namespace" \
		"$(field ns_after "$out")" "$(field ns_before "$out")"
	expect_no_match "nofail + apply failure: no session tmpfs on /tmp" \
		"$out" '^pam_mntns$'
	expect_eq "nofail + apply failure: caller's mounts unchanged" \
		"$(mount_table)" "$before"
	rmdir /var/tmp/.bad
}

test_codes_debug_plan() {
	std_conf
	service dbg "conf=$W/std.conf" debug
	: >"$SYSLOG"
	session dbg mntnst1 >/dev/null
	expect_match "debug logs the plan with FILE:LINE" "$(cat "$SYSLOG")" \
		"<87> pam_mntns\(dbg:session\): plan 2: bind /var/tmp <- /var/tmp/.mntns/mntnst1 \($W/std.conf:3\)"
	std_conf
	service quiet "conf=$W/std.conf"
	: >"$SYSLOG"
	session quiet mntnst1 >/dev/null
	expect_eq "without debug a good session logs nothing" "$(cat "$SYSLOG")" ""
}

# The namespace in the debug lines is the one /proc/PID/ns/mnt names, also
# where the kernel identifies it by ID alone (statmount, 6.11); the close
# line says the record was gone only when it was.
test_codes_debug_namespace() {
	local out ns
	std_conf
	service dbg "conf=$W/std.conf" debug
	: >"$SYSLOG"
	out=$(session dbg mntnst1)
	ns=$(field ns_after "$out")
	expect_match "debug: open names the session's namespace inode" \
		"$(cat "$SYSLOG")" ": mntnst1: namespace mnt:\[$ns\], 2 mounts"
	expect_match "debug: close names it too, with no error suffix" \
		"$(cat "$SYSLOG")" "closing session in mnt:\[$ns\]( \(its record stays until the next login or list finds the namespace gone\))?\$"
	: >"$SYSLOG"
	out=$(session dbg mntnst1 -- sh -c 'rm /run/pam_mntns/ns/*')
	expect_match "debug: close after the record was removed says so" \
		"$(cat "$SYSLOG")" "closing session in mnt:\[[1-9][0-9]*\] \(its record was gone\)\$"
}

test_codes_multithreaded() {
	std_conf
	service std "conf=$W/std.conf"
	: >"$SYSLOG"
	local out before
	before=$(mount_table)
	out=$(session std mntnst1 -T)
	expect_eq "multithreaded caller: PAM_SESSION_ERR" "$(field open "$out")" \
		PAM_SESSION_ERR
	expect_eq "multithreaded caller: no namespace made" \
		"$(field ns_after "$out")" "$(field ns_before "$out")"
	expect_match "multithreaded caller: a clear log line" "$(cat "$SYSLOG")" \
		'user mntnst1: the calling process has 2 threads; a mount namespace can only be set up for a single-threaded process'
	expect_eq "multithreaded caller: nothing mounted" "$(mount_table)" "$before"
}

run_tests
