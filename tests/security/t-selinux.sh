#!/bin/bash
# SELinux's tmpfs options (context=, fscontext=, defcontext=,
# rootcontext=) reach mount(2) exactly as the config writes them, quotes
# included; a kernel that refuses them (one without SELinux, as a Debian
# host) refuses the login with a message naming them, and the caller
# keeps its namespace.

. "$(dirname "$0")/../lib/root.sh"
. tests/security/lib.sh

SE_ROOT='rootcontext=system_u:object_r:tmp_t:s0'
SE_MLS='context="system_u:object_r:tmp_t:s0:c0,c1"'

# True on a host whose kernel takes SELinux options.
selinux_on() {
	[ -e /sys/fs/selinux/enforce ]
}

# se_conf OPTIONS: a rule for /tmp with OPTIONS, for the module and for
# its traced copy.
se_conf() {
	printf '*,!root  /tmp  tmpfs  -  %s\n' "$1" | write_conf sec-se
	service sec-se "conf=$W/sec-se.conf"
	sec_service sec-se-trace "$FAULT_MODULE" "conf=$W/sec-se.conf"
}

# se_data: the data of the tmpfs mount(2) a traced login makes.
se_data() {
	MNTNS_TRACE_MOUNT=1 session sec-se-trace "$TU1" |
		sed -n 's/^mount: tmpfs //p'
}

test_sec_selinux_data() {
	sec_install
	se_conf "size=1M,$SE_ROOT"
	expect_eq "rootcontext= reaches mount(2) as written" "$(se_data)" \
		"size=1M,$SE_ROOT,mode=1777,uid=0,gid=0"
	se_conf "$SE_MLS,mode=0700"
	expect_eq "a quoted context with a comma reaches mount(2) with its quotes" \
		"$(se_data)" "$SE_MLS,mode=0700,uid=$(id -u "$TU1"),gid=$(id -g "$TU1")"
	se_conf 'fscontext=u:r:t,defcontext=u:r:t:s0'
	expect_eq "fscontext= and defcontext= reach mount(2) as written" \
		"$(se_data)" "fscontext=u:r:t,defcontext=u:r:t:s0,mode=1777,uid=0,gid=0"
}

test_sec_selinux_refused() {
	if selinux_on; then
		ok "a kernel without SELinux refuses the option # SKIP SELinux is enabled here"
		return
	fi
	se_conf "size=1M,$SE_ROOT"
	sec_snapshot
	sec_run sec-se "$TU1"
	sec_refused "rootcontext= without SELinux" \
		"user $TU1: cannot mount tmpfs on /tmp with rootcontext=system_u:object_r:tmp_t:s0: Invalid argument \(is SELinux enabled\?"
	sec_unchanged "rootcontext= without SELinux"
	se_conf "$SE_MLS"
	sec_run sec-se "$TU1"
	sec_refused "a quoted context without SELinux" \
		"user $TU1: cannot mount tmpfs on /tmp with context=\"system_u:object_r:tmp_t:s0:c0,c1\": Invalid argument"
}

test_sec_selinux_check() {
	local out
	se_conf "size=1M,$SE_ROOT"
	out=$("$HELPER" check --conf "$W/sec-se.conf" 2>&1)
	if selinux_on; then
		expect_no_match "check: no SELinux warning where SELinux is on" \
			"$out" 'SELinux is not enabled'
	else
		expect_match "check: warns that the kernel will refuse the option" \
			"$out" "sec-se\.conf:1: warning: SELinux is not enabled on this host \(no /sys/fs/selinux/enforce\): the kernel refuses $SE_ROOT; the module refuses the logins"
	fi
	printf '*,!root  /tmp  bind  /srv  context=u:r:t\n' | write_conf sec-se-bind
	expect_match "check: context= on a bind is a config error" \
		"$("$HELPER" check --conf "$W/sec-se-bind.conf" 2>&1)" \
		"sec-se-bind\.conf:1: error: option 'context' applies only to tmpfs"
}

run_tests
