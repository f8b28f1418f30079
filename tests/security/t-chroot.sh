#!/bin/bash
# A chrooted caller.  setns(2) gives a process the root and working
# directory of the namespace it enters, so joining a scope=user
# namespace, building a nested login from the base view, or the
# helper's enter would take a chrooted process out of its chroot.  Each
# is refused, saying why, and the caller stays where it was.  The chroot
# is real: a directory with the system's /usr, /etc, /dev, /proc and the
# sandbox's /run bound in (the last holds the records and the test
# files), and the test client runs in it under chroot(8).

. "$(dirname "$0")/../lib/root.sh"
. tests/security/lib.sh

JAIL=$W/jail

jail_up() {
	local d
	mkdir -p "$JAIL"
	for d in usr etc dev proc run; do
		mkdir -p "$JAIL/$d" && mount --bind "/$d" "$JAIL/$d" || return 1
	done
	for d in bin lib lib64 sbin; do
		if [ -L "/$d" ]; then
			ln -sfn "$(readlink "/$d")" "$JAIL/$d"
		elif [ -d "/$d" ]; then
			mkdir -p "$JAIL/$d" && mount --bind "/$d" "$JAIL/$d"
		fi
	done
	touch "$JAIL/.in-jail"
}

jail_down() {
	umount -R "$JAIL"/* 2>/dev/null
	rm -rf "$JAIL"
}

# jailed CMD...: CMD chrooted into the jail, with syslog captured.
jailed() {
	MNTNS_TEST_LOG=$SYSLOG LD_PRELOAD=$(preload "$SHIM") \
		chroot "$JAIL" "$@" 2>&1
}

# A probe that says whether the command runs inside the chroot.
WHERE="test -e /.in-jail && echo where=jail || echo where=outside"

# hold SERVICE USER: a session in the background until $W/go exists.
hold() {
	rm -f "$W/go" "$W/up"
	session "$1" "$2" -- sh -c "touch $W/up; i=0
		while [ ! -e $W/go ] && [ \$i -lt 1200 ]; do
			sleep 0.05; i=\$((i + 1))
		done" >/dev/null &
	HOLD_PID=$!
	track_pid "$HOLD_PID"
	wait_file "$W/up" 60 || diag "the held session did not come up"
}

release() {
	touch "$W/go"
	wait_pid "$HOLD_PID" 60
}

chroot_conf() {
	sec_conf "$1" "${@:2}" <<C
*,!root  $W/chroot-t  tmpfs  -  size=1M
C
	mkdir -p "$W/chroot-t"
}

test_sec_chroot_join_user_scope() {
	chroot_conf chroot-user scope=user
	jail_up || not_ok "chroot: the jail could not be set up"
	hold chroot-user "$TU1"
	: >"$SYSLOG"
	SEC_OUT=$(jailed "$CLIENT" -c "$W/pam.d" -s chroot-user -u "$TU1" -m \
		-- sh -c "$WHERE")
	SEC_LOG=$(cat "$SYSLOG")
	sec_refused "chroot, scope=user join" \
		'chrooted .*entering a namespace would take it out of the chroot'
	expect_no_match "chroot, scope=user join: nothing ran outside the chroot" \
		"$SEC_OUT" '^where=outside$'
	release
	jail_down
}

test_sec_chroot_nested_login() {
	chroot_conf chroot-nested
	jail_up || not_ok "chroot: the jail could not be set up"
	: >"$SYSLOG"
	# As root inside TU1's session, chrooted: a login of TU2 is built
	# from the view TU1's was built from, by entering it.
	SEC_OUT=$(session chroot-nested "$TU1" -- \
		chroot "$JAIL" "$CLIENT" -c "$W/pam.d" -s chroot-nested \
		-u "$TU2" -m -- sh -c "$WHERE")
	SEC_LOG=$(cat "$SYSLOG")
	expect_match "chroot, nested login: refused (PAM_SESSION_ERR)" \
		"$SEC_OUT" '^open=PAM_SESSION_ERR$'
	expect_match "chroot, nested login: the log says why" "$SEC_LOG" \
		'chrooted .*entering a namespace would take it out of the chroot'
	expect_no_match "chroot, nested login: nothing ran outside the chroot" \
		"$SEC_OUT" '^where=outside$'
	jail_down
}

test_sec_chroot_helper_enter() {
	local out rc
	chroot_conf chroot-enter
	jail_up || not_ok "chroot: the jail could not be set up"
	hold chroot-enter "$TU1"
	out=$(jailed "$HELPER" enter "$TU1" -- /bin/sh -c "$WHERE")
	rc=$?
	expect_eq "chroot, enter: fails" "$rc" 1
	expect_match "chroot, enter: says why" "$out" \
		'enter: the calling process is chrooted'
	expect_no_match "chroot, enter: nothing ran outside the chroot" \
		"$out" '^where=outside$'
	release
	jail_down
}

# Not chrooted, the same joins work (the check does not refuse them).
test_sec_chroot_unchrooted_joins() {
	local out
	chroot_conf chroot-plain scope=user
	hold chroot-plain "$TU1"
	out=$(session chroot-plain "$TU1" -- true)
	expect_eq "no chroot: a scope=user join opens" "$(field open "$out")" \
		PAM_SUCCESS
	out=$("$HELPER" enter "$TU1" -- /bin/true 2>&1)
	expect_eq "no chroot: enter works" "$?" 0
	release
}

run_tests
