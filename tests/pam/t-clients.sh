#!/bin/bash
# Real PAM applications: pamtester and su -l, both reading their service
# files from $W/pam.d through libpam_wrapper.

. "$(dirname "$0")/../lib/root.sh"

client_conf() {
	write_conf clients <<'C'
*,!root  /tmp       tmpfs  -                    size=16M,mode=0700
*,!root  /var/tmp   bind   /var/tmp/.mntns/%u   mode=0700
mntnst3  /tmp       none
mntnst3  /var/tmp   none
C
}

test_pamtester() {
	client_conf
	service pamtester-ok "conf=$W/clients.conf"
	local out rc
	out=$(wrapped pamtester -v pamtester-ok mntnst1 open_session close_session)
	rc=$?
	expect_eq "pamtester: configured user opens and closes (exit 0)" "$rc" 0
	expect_match "pamtester: reports the session opened" "$out" \
		'successfully opened a session'
	write_conf clients-bad <<'C'
*  /tmp  tmpfs  -  mode=999
C
	service pamtester-bad "conf=$W/clients-bad.conf"
	: >"$SYSLOG"
	out=$(wrapped pamtester -v pamtester-bad mntnst1 open_session)
	rc=$?
	expect_eq "pamtester: bad config fails the session (exit 1)" "$rc" 1
	expect_match "pamtester: the failure is logged with FILE:LINE" \
		"$(cat "$SYSLOG")" "clients-bad.conf:1: mode=999 is not octal"
	service pamtester-arg "conf=$W/clients.conf" bogus
	out=$(wrapped pamtester -v pamtester-arg mntnst1 open_session)
	expect_eq "pamtester: a bad argument fails the session" "$?" 1
}

SU_PROBE='echo uid=$(id -u); echo ns=$(readlink /proc/self/ns/mnt | tr -dc 0-9)
stat -c "tmp=%U:%G:%a" /tmp; stat -c "vartmp=%U:%G:%a" /var/tmp
echo tmpfs=$(findmnt -n -o SOURCE --mountpoint /tmp | tail -n 1)
echo "$(id -un)" >/tmp/mine; ls -A /tmp | tr "\n" " " | sed "s/^/tmpls=/"; echo'

test_su_login() {
	client_conf
	su_services "conf=$W/clients.conf"
	local out host_ns
	host_ns=$(ns_of)
	out=$(wrapped su -l mntnst1 -c "$SU_PROBE")
	expect_eq "su -l: the shell runs as the user" "$(field uid "$out")" \
		"$(id -u mntnst1)"
	expect_ne "su -l: the shell is in a new namespace" "$(field ns "$out")" \
		"$host_ns"
	expect_eq "su -l: /tmp is the user's 0700 tmpfs" "$(field tmp "$out")" \
		"mntnst1:mntnst1:700"
	expect_eq "su -l: /tmp is the session tmpfs" "$(field tmpfs "$out")" \
		pam_mntns
	expect_eq "su -l: /var/tmp is the user's instance" \
		"$(field vartmp "$out")" "mntnst1:mntnst1:700"
	out=$(wrapped su -l mntnst2 -c "$SU_PROBE")
	expect_eq "su -l: a second user sees only its own file" \
		"$(field tmpls "$out")" "mine "
	expect_true "su -l: the sandbox's /tmp is untouched" test ! -e /tmp/mine
	out=$(wrapped su -l mntnst3 -c "$SU_PROBE")
	expect_eq "su -l: an exempt user keeps the host namespace" \
		"$(field ns "$out")" "$host_ns"
}

test_su_refused() {
	write_conf su-bad <<'C'
*  /tmp  tmpfs  -  size=lots
C
	su_services "conf=$W/su-bad.conf"
	local out rc
	out=$(wrapped su -l mntnst1 -c 'echo SHELL-RAN')
	rc=$?
	expect_ne "su -l: a failing session is refused" "$rc" 0
	expect_no_match "su -l: no shell runs without its namespace" "$out" \
		'SHELL-RAN'
}

run_tests
