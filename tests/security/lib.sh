# Shared by the tests/security suites; each t-*.sh sources it.  An attack
# test sets the attack up, takes sec_state, runs a session as the victim
# (sec_run), then checks the session's result (sec_refused or an explicit
# check of what was applied) and that the system is as it was
# (sec_unchanged).

[ -n "${SEC_LIB_LOADED:-}" ] && return 0
SEC_LIB_LOADED=1
SEC_BIN=$B/tests/security
FAULT_MODULE=$W/bin/pam_mntns_fault.so
VGSHIM=$W/bin/vgshim.so
SWAPPER=$W/bin/swapper
NSS_WRAPPER_LIB=/usr/lib/$(gcc -print-multiarch)/libnss_wrapper.so

# Copies the test-only builds into the sandbox, once.
sec_install() {
	[ -x "$SWAPPER" ] && return 0
	cp "$SEC_BIN/pam_mntns_fault.so" "$SEC_BIN/swapper" \
		"$B/tests/vgshim.so" "$W/bin/"
}

# sec_conf NAME [ARGS...] < rules: a config and a service using it.
sec_conf() {
	local name=$1
	shift
	write_conf "$name" && service "$name" "conf=$W/$name.conf" "$@"
}

# sec_service NAME MODULE ARGS...: a session stack with another build.
sec_service() {
	local name=$1 mod=$2
	shift 2
	printf 'session [success=ok ignore=ok default=bad] %s %s\n' \
		"$mod" "$*" >"$W/pam.d/$name"
}

# sec_run SERVICE USER [pam-session options] [-- CMD]: one session with
# its mounts reported (-m); sets SEC_OUT and SEC_LOG (this run's syslog).
sec_run() {
	local svc=$1 user=$2
	shift 2
	: >"$SYSLOG"
	SEC_OUT=$(session "$svc" "$user" -m "$@")
	SEC_LOG=$(cat "$SYSLOG")
}

# What an attack must not change: owner, group, mode and type of all of
# /var/tmp and /home, of /etc and /root and the directories right below
# them, of the account files; and this namespace's mount table.
sec_state() {
	fs_state /var/tmp /home
	find /etc /root -maxdepth 1 -type d -printf '%p %U %G %m %y\n' | sort
	stat -c '%n %U %G %a %F' /etc/passwd /etc/shadow /etc/group
	mount_table
}

sec_snapshot() {
	SEC_BEFORE=$(sec_state)
}

# sec_unchanged NAME: nothing changed since sec_snapshot.
sec_unchanged() {
	local now
	now=$(sec_state)
	if [ "$now" = "$SEC_BEFORE" ]; then
		ok "$1: no file changed owner or mode, nothing mounted or removed"
	else
		not_ok "$1: no file changed owner or mode, nothing mounted or removed"
		diag "changes (- before, + after):" \
			"$(diff <(printf '%s\n' "$SEC_BEFORE") \
				<(printf '%s\n' "$now") | grep '^[<>]')"
	fi
}

# sec_refused NAME LOG_ERE: the session was refused with a log line
# matching LOG_ERE, and left the caller in its namespace, mounting nothing.
sec_refused() {
	expect_eq "$1: refused (PAM_SESSION_ERR)" "$(field open "$SEC_OUT")" \
		PAM_SESSION_ERR
	expect_match "$1: the log says why" "$SEC_LOG" "$2"
	expect_eq "$1: the caller keeps its namespace and mounts" \
		"$(field ns_after "$SEC_OUT") $(field new_mount "$SEC_OUT")" \
		"$(field ns_before "$SEC_OUT") "
}

# sec_as USER CMD...: the attacker's commands.
sec_as() {
	as_user "$@"
}
