#!/bin/bash
# scope=user: one namespace per user, shared by all of that user's
# concurrent sessions; scope=session: one per session.  Registry records
# under /run/pam_mntns, and logins started from inside a namespace.

. "$(dirname "$0")/../lib/root.sh"

scope_conf() {
	write_conf scope <<'C'
*,!root   /tmp       tmpfs  -                      size=16M,mode=0700
*,!root   /var/tmp   bind   /var/tmp/.mntns/%u     mode=0700
C
	service user-scope "conf=$W/scope.conf" scope=user
	service session-scope "conf=$W/scope.conf"
}

# hold NAME SERVICE USER [PROBE]: a session in the background that runs
# PROBE as the user, prints its namespace and READY, then stays open
# until $W/go-NAME exists.  Output in $W/hold-NAME.
hold() {
	local name=$1 svc=$2 user=$3 probe=${4:-:}
	rm -f "$W/go-$name"
	session "$svc" "$user" -r -- sh -c "$probe
		echo ns=\$(readlink /proc/self/ns/mnt | tr -dc 0-9)
		echo READY
		while [ ! -e $W/go-$name ]; do sleep 0.05; done" \
		>"$W/hold-$name" 2>&1 &
	eval "HOLD_PID_$name=$!"
	track_pid $!
	wait_ready "$W/hold-$name"
}

release() {
	touch "$W/go-$1"
	eval "wait \$HOLD_PID_$1"
}

# The namespaces recorded, after list has pruned the records of those
# nobody is left in (a session that closed last may have met another's
# process on its way out).
recorded() {
	"$HELPER" list >/dev/null
	ls /run/pam_mntns/ns | wc -l
}

# A command that prints records=N, the namespace records of user @1.
records_of() {
	echo "echo records=\$(ls /run/pam_mntns/users/$(id -u "$1") |
		grep -c -e '^id-' -e '^ino-')"
}

test_scope_user_shared() {
	scope_conf
	local ns1 ns2 ns3 out
	hold a user-scope mntnst1 'echo from-a >/tmp/shared; echo a >/var/tmp/va'
	hold b user-scope mntnst1 'cat /tmp/shared; echo from-b >>/tmp/shared'
	ns1=$(field ns "$(cat "$W/hold-a")")
	ns2=$(field ns "$(cat "$W/hold-b")")
	expect_eq "scope=user: a second session joins the first's namespace" \
		"$ns2" "$ns1"
	expect_match "scope=user: it sees the first session's /tmp file" \
		"$(cat "$W/hold-b")" '^from-a$'
	expect_true "scope=user: the namespace is recorded" \
		test -n "$(ls /run/pam_mntns/ns)"
	expect_eq "scope=user: both sessions are recorded as members" \
		"$(ls /run/pam_mntns/users/$(id -u mntnst1) | grep -c '^[0-9]')" 2
	release a
	# One session left: the tmpfs content survives, a new login joins.
	out=$(session user-scope mntnst1 -r -- sh -c \
		'cat /tmp/shared; echo ns=$(readlink /proc/self/ns/mnt | tr -dc 0-9)')
	expect_match "scope=user: content survives while one session remains" \
		"$out" '^from-b$'
	expect_eq "scope=user: a login while one remains joins it" \
		"$(field ns "$out")" "$ns1"
	hold other user-scope mntnst2
	ns3=$(field ns "$(cat "$W/hold-other")")
	expect_ne "scope=user: another user gets another namespace" "$ns3" "$ns1"
	release other
	release b
	# The last session has ended: nothing may join that namespace again.
	expect_eq "scope=user: no record remains after the last session" \
		"$(recorded)" 0
	out=$(session user-scope mntnst1 -r -- sh -c 'ls -A /tmp; cat /var/tmp/va')
	expect_no_match "scope=user: after the last session, /tmp is fresh" \
		"$out" '^shared$'
	expect_match "scope=user: /var/tmp (an instance on disk) persists" \
		"$out" '^a$'
}

test_scope_session_separate() {
	scope_conf
	hold s1 session-scope mntnst1 'echo one >/tmp/s1'
	hold s2 session-scope mntnst1 'ls -A /tmp'
	expect_ne "scope=session: two sessions of one user get two namespaces" \
		"$(field ns "$(cat "$W/hold-s2")")" "$(field ns "$(cat "$W/hold-s1")")"
	expect_no_match "scope=session: they do not share /tmp" \
		"$(cat "$W/hold-s2")" '^s1$'
	expect_eq "scope=session: each session has a namespace record" \
		"$(ls /run/pam_mntns/ns | wc -l)" 2
	release s1
	release s2
	expect_eq "scope=session: records go with the sessions" \
		"$(recorded)" 0
}

# A closed session's record may stay until someone reads it (on kernels
# where listmount(2) tells whether a namespace is gone; older ones walk
# /proc at close): the next login of the user drops it.
test_scope_session_record_pruned() {
	scope_conf
	local out
	session session-scope mntnst1 -r -- true >/dev/null
	out=$(session session-scope mntnst1 -- sh -c "$(records_of mntnst1)")
	expect_eq "scope=session: the next login drops a gone namespace's record" \
		"$(field records "$out")" 1
	expect_eq "scope=session: list drops the last one" "$(recorded)" 0
}

# The record directory is kept open from a session's open to its close;
# an application that closes descriptors it did not open (and reuses the
# numbers) must not leave the session's record behind, nor have anything
# removed through a number that now names another directory.
test_scope_user_close_after_fds_closed() {
	scope_conf
	local out
	out=$(session user-scope mntnst1 -X -- true)
	expect_eq "fds closed under the module: the session opened" \
		"$(field open "$out")" PAM_SUCCESS
	expect_true "fds closed under the module: some were (closed_fds > 0)" \
		test "$(field closed_fds "$out")" -gt 0
	expect_eq "fds closed under the module: the close went on" \
		"$(field close "$out")" PAM_SUCCESS
	expect_eq "fds closed under the module: the session's record went" \
		"$(ls /run/pam_mntns/users/$(id -u mntnst1) | grep -c '^[0-9]')" 0
}

test_scope_user_killed_session() {
	scope_conf
	local out pid
	hold k user-scope mntnst1 'echo before-kill >/tmp/k'
	# SIGKILL the PAM process: it never closes its session.
	for pid in $(pgrep -f "pam-session .*-s user-scope -u mntnst1"); do
		kill -KILL "$pid"
	done
	touch "$W/go-k"
	wait "$HOLD_PID_k" 2>/dev/null
	# Its shell, still in the namespace, keeps it until it has exited.
	ns_gone "$(field ns "$(cat "$W/hold-k")")"
	# As root, to read /run/pam_mntns.
	out=$(session user-scope mntnst1 -- sh -c \
		"ls -A /tmp; echo ns=\$(readlink /proc/self/ns/mnt | tr -dc 0-9)
		$(records_of mntnst1)")
	expect_eq "after SIGKILL: the next login succeeds" "$(field open "$out")" \
		PAM_SUCCESS
	expect_no_match "after SIGKILL: it does not get the dead session's /tmp" \
		"$out" '^k$'
	expect_eq "after SIGKILL: stale member records were pruned" \
		"$(ls /run/pam_mntns/users/$(id -u mntnst1) | grep -c '^[0-9]')" 0
	expect_eq "after SIGKILL: the login dropped the dead namespace's record" \
		"$(field records "$out")" 1
	expect_eq "after SIGKILL: no record is left once list has looked" \
		"$(recorded)" 0
}

# gate NAME: a closed gate, a file whose lock this shell's helper holds;
# a process waits behind it with "flock -s FILE true", blocked in the
# kernel (no polling, which an emulated CPU cannot afford for hundreds of
# them).  open_gate NAME lets every one through at once, and any later.
gate() {
	local i=0
	: >"$W/gate-$1" && chmod 0644 "$W/gate-$1"
	sh -c 'exec 9<"$0" && flock 9 && exec sleep 100000' "$W/gate-$1" &
	eval "GATE_$1=\$!"
	track_pid $!
	while flock -n "$W/gate-$1" true && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

open_gate() {
	eval "kill \$GATE_$1"
}

# SCOPE_PAR_USERS users (20), each with a process left from an earlier
# session (a nohup job, a detached tmux), then SCOPE_PAR_LOGINS logins of
# each (10) at once: every login joins its user's lingering namespace.
test_scope_user_parallel() {
	scope_conf
	local nu=${SCOPE_PAR_USERS:-20} nl=${SCOPE_PAR_LOGINS:-10}
	local u n=0 i users="" pids="" fails ns total
	total=$((nu * nl))
	rm -rf "$W"/par-* "$W/ling"
	# Where the users' lingering processes say which namespace they are in.
	mkdir -m 1777 "$W/ling"
	gate ling
	gate par
	for i in $(seq 1 "$nu"); do
		u=mntnst-p$i
		users="$users $u"
		useradd -M -s /bin/sh "$u" 2>/dev/null
		session user-scope "$u" -r -- sh -c "setsid sh -c '
			echo \$(readlink /proc/self/ns/mnt | tr -dc 0-9) >$W/ling/$u
			flock -s $W/gate-ling true' </dev/null >/dev/null 2>&1 &" >/dev/null 2>&1
	done
	for u in $users; do wait_file "$W/ling/$u" 60 || break; done
	expect_eq "$nu users leave a process behind after logout" \
		"$(cat "$W"/ling/* 2>/dev/null | sort -u | wc -l)" "$nu"
	for i in $(seq 1 "$nl"); do
		for u in $users; do
			n=$((n + 1))
			session user-scope "$u" -r -- sh -c "
				echo ns=\$(readlink /proc/self/ns/mnt | tr -dc 0-9)
				echo READY
				flock -s $W/gate-par true" >"$W/par-$u-$i" 2>&1 &
			pids="$pids $!"
			track_pid $!
		done
	done
	# Until each login is in (READY) or was refused (no READY will come).
	i=0
	while [ "$(cat "$W"/par-* | grep -c -e '^READY$' -e '^open=PAM_[A-Z_]*ERR')" -lt "$total" ] &&
		[ $i -lt 1200 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	expect_eq "$total parallel logins over $nu users: all succeed" \
		"$(cat "$W"/par-* | grep -c '^open=PAM_SUCCESS$')" "$total"
	fails=0
	for u in $users; do
		ns=$(cat "$W/ling/$u" 2>/dev/null)
		[ "$(cat "$W"/par-"$u"-* | sed -n 's/^ns=//p' | sort -u)" = "$ns" ] ||
			fails=$((fails + 1))
	done
	expect_eq "each user's $nl logins joined the namespace its lingering process is in" \
		"$fails" 0
	expect_eq "$nu users, $nu distinct namespaces" \
		"$(cat "$W"/par-* | sed -n 's/^ns=//p' | sort -u | wc -l)" "$nu"
	expect_eq "list shows the $nu namespaces" \
		"$("$HELPER" list | awk '$1 ~ /^mntnst-p/ {print $3}' | sort -u | wc -l)" "$nu"
	open_gate par
	open_gate ling
	wait $pids
	for u in $users; do pkill -KILL -u "$u" 2>/dev/null; done
	fails=0
	for u in $users; do
		flock -n "/run/pam_mntns/users/$(id -u "$u")" true ||
			fails=$((fails + 1))
	done
	expect_eq "no lock is held afterwards" "$fails" 0
	for u in $users; do userdel "$u"; done
	expect_eq "no record is left afterwards" "$(recorded)" 0
	rm -rf "$W"/par-* "$W/ling"
}

# su -l bob from inside alice's namespace: bob's view is built from the
# host's (the sandbox's), not from alice's.
nested_su_check() {
	local scope=$1 out
	su_services "conf=$W/scope.conf" $2
	hold alice "session-scope" mntnst1
	# From inside alice's session, as root, su -l to another user.
	out=$(session "$([ "$scope" = user ] && echo user-scope || echo session-scope)" mntnst1 -- \
		env LD_PRELOAD="$PAM_WRAPPER_LIB:$SHIM" PAM_WRAPPER=1 \
		PAM_WRAPPER_SERVICE_DIR="$W/pam.d" PAM_WRAPPER_USE_SYSLOG=1 \
		MNTNS_TEST_LOG="$SYSLOG" su -l mntnst2 -c \
		'echo uid=$(id -u); echo tmpdepth=$(findmnt -n --mountpoint /tmp | wc -l); stat -c vartmp=%U /var/tmp')
	expect_eq "$scope: su -l from inside a session runs as the target user" \
		"$(field uid "$out")" "$(id -u mntnst2)"
	expect_eq "$scope: bob's /tmp is stacked on the host's, not on alice's" \
		"$(field tmpdepth "$out")" 2
	expect_eq "$scope: bob's /var/tmp is bob's instance" \
		"$(field vartmp "$out")" mntnst2
	expect_true "$scope: nothing of bob's was made inside alice's instance" \
		test ! -e /var/tmp/.mntns/mntnst1/.mntns
	release alice
}

test_scope_nested_su_session() {
	scope_conf
	nested_su_check session ""
}

test_scope_nested_su_user() {
	scope_conf
	nested_su_check user scope=user
}

test_scope_user_su_shared() {
	scope_conf
	su_services "conf=$W/scope.conf" scope=user
	local out
	rm -f "$W/go-su"
	# First login: writes, then stays open until released.
	wrapped su -l mntnst1 -c "echo made-by-first >/tmp/from-su
		echo ns=\$(readlink /proc/self/ns/mnt | tr -dc 0-9); echo READY
		while [ ! -e $W/go-su ]; do sleep 0.05; done" >"$W/hold-su" 2>&1 &
	local pid=$!
	track_pid $pid
	wait_ready "$W/hold-su"
	out=$(wrapped su -l mntnst1 -c \
		'cat /tmp/from-su; echo ns=$(readlink /proc/self/ns/mnt | tr -dc 0-9)')
	expect_match "scope=user via su -l: a second login sees the first's /tmp" \
		"$out" '^made-by-first$'
	expect_eq "scope=user via su -l: both are in one namespace" \
		"$(field ns "$out")" "$(field ns "$(cat "$W/hold-su")")"
	touch "$W/go-su"
	wait $pid
	out=$(wrapped su -l mntnst1 -c 'ls -A /tmp')
	expect_no_match "scope=user via su -l: after the last logout /tmp is fresh" \
		"$out" '^from-su$'
}

# A namespace a user keeps alive through an open descriptor, with no
# process in it, still counts against that user: list shows who holds it.
test_scope_list_held() {
	scope_conf
	local pid holder
	mkdir -p -m 1777 "$W/held"
	rm -f "$W/held/"*
	hold h session-scope mntnst1
	pid=$(pgrep -u mntnst1 -f "go-h" | head -n 1)
	as_user mntnst1 sh -c "exec 3</proc/$pid/ns/mnt; touch $W/held/ready
		while [ ! -e $W/held/stop ]; do sleep 0.2; done" &
	holder=$!
	track_pid "$holder"
	wait_file "$W/held/ready" 30
	release h
	expect_match "list names the process holding a namespace nobody is in" \
		"$("$HELPER" list)" "^PID [0-9]+ \\(mntnst1\\) holds 1 mount namespace that no process is in"
	expect_match "list --json too" "$("$HELPER" list --json)" \
		'^ +"namespaces": 1$'
	touch "$W/held/stop"
	wait "$holder"
	expect_no_match "once the descriptor is closed, nothing is held" \
		"$("$HELPER" list)" "holds"
	rm -rf "$W/held"
}

# After its sessions have closed, a namespace is joined through any
# process of the user's left in it; the walk of /proc that finds one tries
# the PIDs above its maker's first (its later children), then the others:
# here a process started before the maker, which entered the namespace
# later, as one whose PID wrapped would be found.
test_scope_user_lower_pid_lingers() {
	scope_conf
	local early maker ns out tries=0
	mkdir -p -m 1777 "$W/low"
	while [ $tries -lt 3 ]; do
		tries=$((tries + 1))
		rm -f "$W/low/"*
		# Before the namespace exists; then enters it as the user.
		sh -c "while [ ! -e $W/low/target ]; do sleep 0.05; done
			exec nsenter -t \$(cat $W/low/target) -m \
				-S $(id -u mntnst1) -G $(id -g mntnst1) \
				sh -c 'echo in >$W/low/in; exec sleep 100'" &
		early=$!
		track_pid "$early"
		hold lo user-scope mntnst1 "echo \$\$ >$W/low/shell"
		maker=$(readlink "/run/pam_mntns/users/$(id -u mntnst1)/current" |
			sed -n 's/^p=\([0-9]*\) .*/\1/p')
		cp "$W/low/shell" "$W/low/target.new"
		mv "$W/low/target.new" "$W/low/target"
		wait_file "$W/low/in" 30
		release lo
		# PIDs that wrapped in between leave nothing to test: again.
		[ "$early" -lt "${maker:-0}" ] && break
		kill "$early"
		wait "$early" 2>/dev/null
	done
	ns=$(field ns "$(cat "$W/hold-lo")")
	expect_true "the process left has a PID below the maker's ($early < $maker)" \
		test "$early" -lt "${maker:-0}"
	out=$(session user-scope mntnst1 -r -- sh -c \
		"echo ns=\$(readlink /proc/self/ns/mnt | tr -dc 0-9)")
	expect_eq "a login joins the namespace that process is in" \
		"$(field ns "$out")" "$ns"
	kill "$early"
	wait "$early" 2>/dev/null
	expect_true "once it has gone, so has the namespace" ns_gone "$ns"
	rm -rf "$W/low"
}

run_tests
