#!/bin/bash
# Module settings in the config ("set debug", "set nofail", "set
# scope=..."), for a PAM line that pam-auth-update writes: read from the
# main file and its drop-ins, an argument on the PAM line winning.

. "$(dirname "$0")/../lib/root.sh"

rules_conf() {
	write_conf set <<'C'
*,!root  /tmp      tmpfs  -                    size=16M,mode=0700
*,!root  /var/tmp  bind   /var/tmp/.mntns/%u   mode=0700
C
	rm -rf "$W/set.d"
	install -d -m 0755 "$W/set.d"
}

# dropin NAME < text: a root-owned 0644 drop-in of $W/set.conf.
dropin() {
	cat >"$W/set.d/$1.conf" && chmod 0644 "$W/set.d/$1.conf"
}

# members SERVICE USER: the user's sessions recorded as sharing one
# namespace (scope=user) while a session of SERVICE is open.
members() {
	local uid
	uid=$(id -u "$2")
	field n "$(session "$1" "$2" -- sh -c \
		"echo n=\$(ls /run/pam_mntns/users/$uid 2>/dev/null | grep -c '^[0-9]')")"
}

test_settings_debug() {
	rules_conf
	echo 'set debug' | dropin 50-debug
	service plain "conf=$W/set.conf"
	: >"$SYSLOG"
	local out
	out=$(session plain mntnst1)
	expect_eq "set debug: the session still succeeds" "$(field open "$out")" PAM_SUCCESS
	expect_match "set debug in a drop-in logs the plan" "$(cat "$SYSLOG")" \
		"pam_mntns\(plain:session\): plan 1: tmpfs /tmp \($W/set.conf:1\)"
	expect_match "set debug also reaches close_session" "$(cat "$SYSLOG")" \
		"pam_mntns\(plain:session\): closing session in mnt:"
	rm "$W/set.d/50-debug.conf"
	: >"$SYSLOG"
	session plain mntnst1 >/dev/null
	expect_eq "without the setting a good session logs nothing" "$(cat "$SYSLOG")" ""
}

test_settings_nofail() {
	rules_conf
	echo '*,!root  /srv  tmpfs  -  sise=1G' | dropin 10-typo
	service plain "conf=$W/set.conf"
	local out
	out=$(session plain mntnst1)
	expect_eq "a typo without nofail: PAM_SESSION_ERR" "$(field open "$out")" \
		PAM_SESSION_ERR
	echo 'set nofail' | dropin 90-nofail
	: >"$SYSLOG"
	out=$(session plain mntnst1)
	expect_eq "set nofail in a drop-in covers a typo in another: PAM_IGNORE" \
		"$(field open "$out")" PAM_IGNORE
	expect_eq "set nofail: the caller's namespace untouched" \
		"$(field ns_after "$out")" "$(field ns_before "$out")"
	expect_match "set nofail: the error is still logged" "$(cat "$SYSLOG")" \
		"10-typo.conf:1: unknown option 'sise=1G'.*nofail"
}

test_settings_scope() {
	rules_conf
	service plain "conf=$W/set.conf"
	service arg-session "conf=$W/set.conf" scope=session
	service arg-user "conf=$W/set.conf" scope=user
	expect_eq "no setting: scope=session, no user record" \
		"$(members plain mntnst1)" 0
	expect_eq "scope=user on the PAM line: the session is a member" \
		"$(members arg-user mntnst1)" 1
	echo 'set scope=user' | dropin 50-scope
	expect_eq "set scope=user: the session is a member" \
		"$(members plain mntnst1)" 1
	expect_eq "scope=session on the PAM line wins over set scope=user" \
		"$(members arg-session mntnst1)" 0
	echo 'set scope=session' | dropin 60-back
	expect_eq "a later drop-in's set scope=session wins" \
		"$(members plain mntnst1)" 0
	echo 'set scope=everyone' | dropin 70-bad
	local out
	: >"$SYSLOG"
	out=$(session plain mntnst1)
	expect_eq "a bad setting fails the config: PAM_SESSION_ERR" \
		"$(field open "$out")" PAM_SESSION_ERR
	expect_match "a bad setting is logged with FILE:LINE" "$(cat "$SYSLOG")" \
		"70-bad.conf:1: unknown scope 'everyone'"
}

# A user's live namespaces are capped (max_namespaces=, default 256): with
# two sessions of a user open, a third login is refused, with the cause.
test_settings_max_namespaces() {
	rules_conf
	echo 'set max_namespaces=2' | dropin 60-max
	service capped "conf=$W/set.conf"
	service capped-arg "conf=$W/set.conf" max_namespaces=3
	mkdir -p "$W/cap" && chmod 1777 "$W/cap"
	rm -f "$W/cap/"*
	local out i pids=""
	for i in 1 2; do
		session capped mntnst1 -r -- sh -c "touch $W/cap/ready$i
			while [ ! -e $W/cap/go ]; do sleep 0.1; done" >/dev/null 2>&1 &
		pids="$pids $!"
		track_pid $!
		wait_file "$W/cap/ready$i" 30
	done
	: >"$SYSLOG"
	out=$(session capped mntnst1 -- true)
	expect_eq "set max_namespaces=2: a third namespace is refused" \
		"$(field open "$out")" PAM_SESSION_ERR
	expect_match "... and the log names the cap" "$(cat "$SYSLOG")" \
		"user mntnst1: mntnst1 already has 2 mount namespaces, the most max_namespaces=2 allows"
	expect_eq "another user is not affected" \
		"$(field open "$(session capped mntnst2 -- true)")" PAM_SUCCESS
	expect_eq "max_namespaces=3 on the PAM line wins over the config" \
		"$(field open "$(session capped-arg mntnst1 -- true)")" PAM_SUCCESS
	touch "$W/cap/go"
	wait $pids
	expect_eq "once they have ended, the next login succeeds" \
		"$(field open "$(session capped mntnst1 -- true)")" PAM_SUCCESS
	rm -rf "$W/cap"
}

# Without a cap the records of closed sessions still go at the user's
# next login (a close may leave its record for the next reader).
test_settings_max_namespaces_0_prunes() {
	rules_conf
	service uncapped "conf=$W/set.conf" max_namespaces=0
	local uid out
	uid=$(id -u mntnst1)
	session uncapped mntnst1 -- true >/dev/null
	session uncapped mntnst1 -- true >/dev/null
	out=$(session uncapped mntnst1 -- sh -c "echo n=\$(ls /run/pam_mntns/users/$uid |
		grep -c -e '^id-' -e '^ino-')")
	expect_eq "max_namespaces=0: a login still drops the gone namespaces' records" \
		"$(field n "$out")" 1
}

run_tests
