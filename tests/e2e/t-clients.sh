#!/bin/bash
# Real login clients with their real PAM stacks: su -l, runuser -l,
# login -f under script, pamtester, sshd on a loopback port, and su -l run
# by an ordinary user (set-user-ID).  /etc/pam.d is a private copy inside
# the sandbox (in_sandbox_pamd); the stacks of su-l, runuser-l and login
# get one "session required pam_mntns.so" line appended there, as an
# administrator would add it, and sshd-mntns-test is a copy of sshd's.
#
# Each client runs tests/e2e/probe.sh inside the session, which reports
# the session's view and waits while the host side (the sandbox) checks
# that nothing shows there, mounts something the session must see, and
# mounts inside the session something the host must not see.

. "$(dirname "$0")/../lib/root.sh"
. tests/e2e/lib.sh

test_e2e_su_login() {
	e2e_setup || return
	e2e_drive su "${E2E_ENV[@]}" su -l "$TU1" -c "$(e2e_probe_cmd su)"
	e2e_check "su -l" "$TU1" "$(id -u $TU1)" su
}

test_e2e_runuser_login() {
	e2e_setup || return
	e2e_drive runuser "${E2E_ENV[@]}" runuser -l "$TU2" -c "$(e2e_probe_cmd runuser)"
	e2e_check "runuser -l" "$TU2" "$(id -u $TU2)" runuser
}

# login -f USER on a pseudo-terminal (script), its shell reading the
# probe command from the terminal; its output has CR line ends.
test_e2e_login() {
	e2e_setup || return
	e2e_drive login "${E2E_ENV[@]}" sh -c \
		'printf "%s; exit\n" "$1" | script -qec "login -f $2" /dev/null' \
		sh "$(e2e_probe_cmd login)" "$TU3"
	e2e_check "login -f" "$TU3" "$(id -u $TU3)" login
	expect_match "login -f: the terminal shows the login shell's output" \
		"$(tr -d '\r' <"$E2E/client.login")" 'exit$'
}

# pamtester cannot run a command in the session: pam_exec, stacked after
# pam_mntns, runs the probe (as root) in the process pamtester opened
# the session in.
test_e2e_pamtester() {
	e2e_setup || return
	cat >/etc/pam.d/e2e-pamtester <<S
auth     required pam_permit.so
account  required pam_permit.so
session  required $MODULE conf=$W/e2e.conf
session  required pam_exec.so /bin/sh $E2E/probe.sh $E2E pamtester
S
	e2e_drive pamtester "${E2E_ENV[@]}" pamtester -v e2e-pamtester "$TU1" \
		open_session close_session
	e2e_check pamtester "$TU1" 0 pamtester
	expect_match "pamtester: reports the session opened and closed" \
		"$(cat "$E2E/client.pamtester")" \
		'successfully opened a session.*|session has successfully been closed'
}

# ---- sshd ---------------------------------------------------------------

test_e2e_sshd() {
	e2e_setup || return
	if ! e2e_sshd_start; then
		not_ok "sshd: starts on a loopback port"
		diag "$(cat "$E2E_SSH/log" 2>&1)"
		return
	fi
	ok "sshd: starts on 127.0.0.1:$E2E_SSHD_PORT as sshd-mntns-test"
	E2E_SERVER_LOG=$E2E_SSH/log
	e2e_drive sshd "${E2E_SSH_CMD[@]}" "$TU2@127.0.0.1" "$(e2e_probe_cmd sshd)"
	e2e_check sshd "$TU2" "$(id -u $TU2)" sshd
	expect_match "sshd: its log shows the key login of $TU2" \
		"$(cat "$E2E_SSH/log")" "Accepted publickey for $TU2"
	e2e_sshd_stop
	expect_true "sshd: stopped by its PID" sh -c "! kill -0 $E2E_SSHD_PID 2>/dev/null"
}

# ---- su -l run by an ordinary user (set-user-ID root) ------------------

test_e2e_su_setuid() {
	e2e_skip_setuid "su -l by a user" && return
	e2e_setup && e2e_password || return
	e2e_su_as "$TU2"
	e2e_drive setuid "${E2E_SU[@]}" "$E2E_PW" su -l "$TU1" -c \
		"$(e2e_probe_cmd setuid)"
	e2e_check "su -l by a user" "$TU1" "$(id -u $TU1)" setuid
	e2e_drive setuid-bad "${E2E_SU[@]}" not-the-password su -l "$TU1" \
		-c "$(e2e_probe_cmd setuid-bad)"
	expect_eq "su -l by a user: a wrong password runs nothing (su exits 1)" \
		"$E2E_STATUS:$(cat "$E2E/out.setuid-bad" 2>/dev/null)" "1:"
}

# doc/design.md, section 1: su -l from inside another user's session
# gets a view built from the host's, not from that user's.
test_e2e_su_nested() {
	e2e_skip_setuid "su -l from inside another user's session" && return
	e2e_setup && e2e_password || return
	local cmd
	cmd="expect -f $E2E/su-pass.exp $E2E_PW su -l $TU1 -c '$(e2e_probe_cmd nested)'"
	e2e_drive nested "${E2E_ENV[@]}" runuser -l "$TU2" -c "$cmd"
	e2e_check "su -l inside $TU2's session" "$TU1" \
		"$(id -u $TU1)" nested
	expect_eq "su -l inside $TU2's session: one session tmpfs on /tmp, not two" \
		"$(field tmpcount "$E2E_OUT")" 2
	expect_true "su -l inside $TU2's session: no instance made inside $TU2's" \
		test ! -e "/var/tmp/.mntns/$TU2/.mntns"
}

run_tests
