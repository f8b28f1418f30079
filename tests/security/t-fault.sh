#!/bin/bash
# Fault injection through pam_mntns_fault.so, a copy of the module linked
# with -Wl,--wrap (tests/security/fault.c): every call the module makes to
# the kernel, to the allocator and to NSS fails in turn, once per call
# that a normal login makes.  Whatever fails, the caller must be left in
# its original namespace, with its mounts and file descriptors as they
# were, a PAM error code, a log line, and nothing on the system that
# breaks the next login.  And when going back to the original namespace
# itself fails, the module must say so and never let the login through.

. "$(dirname "$0")/../lib/root.sh"
. tests/security/lib.sh

sec_fault_conf() {
	sec_install
	mkdir -p -m 0755 "$W/sec-fault-ro" "$W/sec-fault-hide"
	write_conf sec-fault <<C
*,!root     /tmp               tmpfs  -                   size=16M,mode=0700
@$TEST_GROUP  /var/tmp         bind   /var/tmp/.mntns/%u  mode=0700
*,!root     /home              tmpfs  -                   mode=0755,size=1M
*,!root     %h                 bind   %h                  -
*,!root     ~/.cache           tmpfs  -                   size=1M
*,!root     $W/sec-fault-ro    ro
*,!root     $W/sec-fault-hide  hide
C
	mkdir -p "$W/sec-fault.d"
	printf '*,!root  /etc/hostname  bind  /etc/hostname  ro\n' \
		>"$W/sec-fault.d/10-more.conf"
	chmod 0644 "$W/sec-fault.d/10-more.conf"
	sec_service sec-fault "$FAULT_MODULE" "conf=$W/sec-fault.conf"
	sec_service sec-fault-nofail "$FAULT_MODULE" \
		"conf=$W/sec-fault.conf" nofail
	SEC_FAULT_MOUNTS=8
}

# Fresh state before each login: the instance, its parent and ~/.cache
# are made again each time, so their creation is covered too.
sec_fault_reset() {
	rm -rf /var/tmp/.mntns "/home/$TU2/.cache" /run/pam_mntns
}

# The calls a normal login makes: "NAME COUNT" lines.  (The module logs
# as pam_mntns_fault: libpam names it after its file.)
sec_fault_calls() {
	sec_fault_reset
	MNTNS_FAULT_COUNT=1 session sec-fault "$TU2" |
		sed -n 's/^calls: \(.*\)=\(.*\)/\1 \2/p'
}

# sec_fault_check SPEC: one login with SPEC failing; prints what is wrong.
sec_fault_check() {
	local out code log
	sec_fault_reset
	: >"$SYSLOG"
	out=$(MNTNS_FAULT=$1 session sec-fault "$TU2" -m)
	code=$(field open "$out")
	log=$(cat "$SYSLOG")
	if ! printf '%s\n' "$out" | grep -q "^fault: "; then
		echo "$1: the fault was not reached"
		return
	fi
	case $code in
	PAM_SUCCESS)
		# The failure was tolerated: then all of the plan is there.
		[ "$(printf '%s\n' "$out" | grep -c '^new_mount=')" = \
			"$SEC_FAULT_MOUNTS" ] ||
			echo "$1: PAM_SUCCESS with only part of the plan"
		;;
	PAM_SESSION_ERR | PAM_BUF_ERR)
		# Unless going back failed too, and the log says so: then
		# the login fails, even with nofail (test_sec_fault_restore_fails).
		[ "$(field ns_after "$out")" = "$(field ns_before "$out")" ] ||
			printf '%s\n' "$log" | grep -q "returning to the original namespace failed" ||
			echo "$1: $code but the caller is in another namespace"
		[ -z "$(field new_mount "$out")" ] ||
			echo "$1: $code with mounts left: $(field new_mount "$out")"
		[ "$(field fds_after "$out")" = "$(field fds_before "$out")" ] ||
			echo "$1: $code and file descriptors leaked"
		printf '%s\n' "$log" | grep -q "pam_mntns_fault(sec-fault:session): user $TU2: ." ||
			echo "$1: $code without a log line"
		;;
	*)
		echo "$1: unexpected result '$code'"
		;;
	esac
	[ "$(mount_table)" = "$SEC_FAULT_TABLE" ] ||
		echo "$1: the caller's namespace got a mount"
}

# After a failed login, the next one (no fault) must work.
sec_fault_next_login() {
	local out
	rm -rf "/home/$TU2/.cache"
	out=$(session sec-fault "$TU2" -m -- stat -c 'vt=%U:%a' /var/tmp)
	[ "$(field open "$out")" = PAM_SUCCESS ] &&
		[ "$(field vt "$out")" = "$TU2:700" ] ||
		echo "$1: the next login fails: $(field open "$out") $(field vt "$out") $(cat "$SYSLOG" | tail -n 1)"
}

test_sec_fault_each_call() {
	local fn count n bad next r total=0
	sec_fault_conf
	SEC_FAULT_TABLE=$(mount_table)
	SEC_FAULT_LIST=$(sec_fault_calls)
	expect_match "fault build: a normal login is counted" \
		"$SEC_FAULT_LIST" '^mount [0-9]+$'
	while read -r fn count; do
		[ -n "$fn" ] || continue
		bad= next=
		for n in $(seq 1 "$count"); do
			r=$(sec_fault_check "$fn:$n")
			[ -z "$r" ] || bad="$bad$r"$'\n'
			r=$(sec_fault_next_login "$fn:$n")
			[ -z "$r" ] || next="$next$r"$'\n'
		done
		total=$((total + count))
		if [ -z "$bad" ]; then
			ok "fault in $fn (each of its $count calls): error code, log line, caller's namespace, mounts and fds as they were"
		else
			not_ok "fault in $fn (each of its $count calls): error code, log line, caller's namespace, mounts and fds as they were"
			diag "$bad"
		fi
		SEC_FAULT_NEXT="$SEC_FAULT_NEXT$next"
	done <<<"$SEC_FAULT_LIST"
	diag "$total faults injected"
	sec_fault_reset
}

SEC_FAULT_NEXT= SEC_FAULT_LIST=
# Expected to fail until lib/mount/resolve.c make_dir_at() removes a directory
# it has just made when a later step on it (openat, fstat, fchown,
# fchmod) fails: a root-owned 0000 instance is left behind and refused as
# "owned by uid 0" at every later login of that user, or a user-owned
# 0000 one is mounted as the user's /var/tmp.  Kept out of the run: see
# the report of issue 3.
test_sec_fault_next_login() {
	[ -n "$SEC_FAULT_LIST" ] || test_sec_fault_each_call >/dev/null
	expect_eq "after any single fault, the next login works" \
		"$SEC_FAULT_NEXT" ""
}

# Going back fails too: the login must fail, and nofail must not let it
# through in a namespace that is half built.
test_sec_fault_restore_fails() {
	local spec out
	sec_fault_conf
	for spec in mount:3,setns:1 mount:2,fchdir:2 \
		open_tree:2,chroot:1 fchmod:1,setns:1; do
		sec_fault_reset
		: >"$SYSLOG"
		out=$(MNTNS_FAULT=$spec session sec-fault "$TU2")
		expect_eq "$spec: PAM_SESSION_ERR" "$(field open "$out")" \
			PAM_SESSION_ERR
		expect_match "$spec: the log says the way back failed" \
			"$(cat "$SYSLOG")" "user $TU2: .*returning to the original namespace failed"
		out=$(MNTNS_FAULT=$spec session sec-fault-nofail "$TU2")
		expect_eq "$spec with nofail: still PAM_SESSION_ERR" \
			"$(field open "$out")" PAM_SESSION_ERR
	done
	sec_fault_reset
}

# SECURITY.md 16: the namespace is made with the user's euid, so that the
# kernel's per-uid count of namespaces charges the user, never root; and
# root's euid is back at once (the rest of the login runs as before).
test_sec_fault_ns_charged_to_user() {
	local out
	sec_fault_conf
	sec_fault_reset
	out=$(MNTNS_FAULT_EUID=1 session sec-fault "$TU2" -- sh -c 'echo euid_after=$(id -u)')
	expect_eq "the namespace is made with $TU2's euid" \
		"$(sed -n 's/^unshare: euid=//p' <<<"$out")" "$(id -u "$TU2")"
	expect_eq "... and the login goes on as root (PAM_SUCCESS, then euid 0)" \
		"$(field open "$out") $(field euid_after "$out")" "PAM_SUCCESS 0"
	sec_fault_reset
	: >"$SYSLOG"
	out=$(MNTNS_FAULT=unshare:1 MNTNS_FAULT_ENOSPC=1 session sec-fault "$TU2")
	expect_eq "at the kernel's limit: PAM_SESSION_ERR" "$(field open "$out")" \
		PAM_SESSION_ERR
	expect_match "... and the log names the user's count and the limit" \
		"$(cat "$SYSLOG")" "user $TU2: unshare\\(CLONE_NEWNS\\): uid $(id -u "$TU2") has as many mount namespaces as the kernel allows one user \\(user.max_mnt_namespaces = [0-9]+\\)"
	sec_fault_reset
}

# The euid switch around unshare (SECURITY.md 16) leaves the caller as it
# was: the kernel clears the parent-death signal on a change of euid and
# fills the effective capabilities from the permitted ones on the way
# back to euid 0.  The client sets a parent-death signal and takes one
# capability out of its effective set (-P, -E) and compares every field
# the switch touches, before and after (-C).
test_sec_fault_euid_switch_restores() {
	local out
	sec_fault_conf
	sec_fault_reset
	out=$(session sec-fault "$TU2" -C -P 15 -E)
	expect_eq "euid switch: the login succeeds" "$(field open "$out")" \
		PAM_SUCCESS
	expect_match "euid switch: the caller had a parent-death signal and a smaller effective set" \
		"$(field creds_before "$out")" 'pdeathsig=15$'
	expect_eq "euid switch: the caller's ids, groups, capabilities, securebits, keep-caps, no_new_privs, dumpable and parent-death signal are as they were" \
		"$(field creds_after "$out")" "$(field creds_before "$out")"
	sec_fault_reset
}

# Each step of the switch failing in turn: the log names the step, and
# the caller is left as it was, or, when euid 0 cannot come back, with
# the user's euid and no effective capability (and refused, even with
# nofail).
euid_step() {
	local spec=$1 log=$2 out
	sec_fault_reset
	: >"$SYSLOG"
	out=$(MNTNS_FAULT=$spec session sec-fault "$TU2" -C -P 15 -E)
	expect_eq "$spec: PAM_SESSION_ERR" "$(field open "$out")" PAM_SESSION_ERR
	expect_match "$spec: the log names the step" "$(cat "$SYSLOG")" "user $TU2: $log"
	SEC_EUID_OUT=$out
}

test_sec_fault_euid_switch_steps() {
	local spec out after uid
	sec_fault_conf
	uid=$(id -u "$TU2")
	for spec in prctl:1 prctl:2 capget:1 setresuid:1 capset:1 unshare:1; do
		case $spec in
		prctl:*) euid_step "$spec" "cannot read the caller's process flags \\(prctl\\)" ;;
		capget:1) euid_step "$spec" "cannot read the caller's capabilities \\(capget\\)" ;;
		setresuid:1) euid_step "$spec" "cannot take uid $uid's euid to make the namespace \\(setresuid\\)" ;;
		capset:1) euid_step "$spec" "cannot raise CAP_SYS_ADMIN with uid $uid's euid \\(capset\\)" ;;
		unshare:1) euid_step "$spec" "unshare\\(CLONE_NEWNS\\): Input/output error" ;;
		esac
		expect_eq "$spec: the caller is as it was" \
			"$(field creds_after "$SEC_EUID_OUT") $(field ns_after "$SEC_EUID_OUT")" \
			"$(field creds_before "$SEC_EUID_OUT") $(field ns_before "$SEC_EUID_OUT")"
	done
	euid_step capset:2 "cannot restore the caller's effective capabilities \\(capset\\)"
	expect_eq "capset:2: the caller is back in its namespace" \
		"$(field ns_after "$SEC_EUID_OUT")" "$(field ns_before "$SEC_EUID_OUT")"
	euid_step setresuid:2 "cannot take back root's euid after making the namespace \\(setresuid\\)"
	after=$(field creds_after "$SEC_EUID_OUT")
	expect_match "setresuid:2: the caller keeps the user's euid" "$after" \
		"Uid:[[:space:]]+0[[:space:]]+$uid[[:space:]]+0[[:space:]]+$uid;"
	expect_match "setresuid:2: ... and no effective capability" "$after" \
		'CapEff:[[:space:]]+0+;'
	out=$(MNTNS_FAULT=setresuid:2 session sec-fault-nofail "$TU2")
	expect_eq "setresuid:2 with nofail: still PAM_SESSION_ERR" \
		"$(field open "$out")" PAM_SESSION_ERR
	sec_fault_reset
}

# With nofail a failure that was rolled back lets the login in, in the
# caller's own namespace.
test_sec_fault_nofail() {
	local spec out
	sec_fault_conf
	for spec in unshare:1 mount:2 mount:3 malloc:1; do
		sec_fault_reset
		out=$(MNTNS_FAULT=$spec session sec-fault-nofail "$TU2" -m)
		expect_eq "$spec with nofail: PAM_IGNORE in the caller's namespace, nothing mounted" \
			"$(field open "$out") $(field ns_after "$out") $(field new_mount "$out")" \
			"PAM_IGNORE $(field ns_before "$out") "
	done
	sec_fault_reset
}

run_tests
