#!/bin/bash
# Namespaces that outlive their sessions, attacked as a second outside
# review did: a user's process that moves out of its lingering namespace
# and rebuilds one with the same inode number (kernels without namespace
# IDs recycle them), a process whose thread-group leader has exited, the
# records gone, the cap, a stopped holder of the per-user lock, a stale
# copy of a record, nofail, and the checks the review removed one by one
# without a test noticing.  Runs a second time as on Linux 5.14
# (tests/run-root.sh), where the kernel's namespace IDs are missing.

. "$(dirname "$0")/../lib/root.sh"

L=$W/linger

linger_conf() {
	mkdir -p "$L" && chmod 1777 "$L"
	rm -rf "${L:?}"/*
	write_conf linger <<'C'
*,!root   /tmp       tmpfs  -                      size=16M,mode=0700
*,!root   /var/tmp   bind   /var/tmp/.mntns/%u     mode=0700
C
	service linger-user "conf=$W/linger.conf" scope=user
	service linger-session "conf=$W/linger.conf"
	su_services "conf=$W/linger.conf"
	[ -x "$W/bin/leaderless" ] || cp "$B/tests/leaderless" "$W/bin/"
}

NS_CMD='echo ns=$(readlink /proc/self/ns/mnt | tr -dc 0-9)'

# su as root through the sandbox's su stacks (libpam_wrapper), from the
# namespace of process $1 (nsenter), or from here with "-".
WRAP=(env LD_PRELOAD="$PAM_WRAPPER_LIB:$SHIM" PAM_WRAPPER=1
	PAM_WRAPPER_SERVICE_DIR="$W/pam.d" PAM_WRAPPER_USE_SYSLOG=1
	MNTNS_TEST_LOG="$SYSLOG")
su_from() {
	local pid=$1
	shift
	nsenter -t "$pid" -m -- "${WRAP[@]}" su "$@" 2>&1
}

# leave_behind SERVICE USER CMD: a login of USER whose shell starts CMD
# in the background, detached, and ends; prints the login's output.
leave_behind() {
	session "$1" "$2" -r -- sh -c "setsid sh -c '$3' </dev/null >/dev/null 2>&1 &
		$NS_CMD"
}

# timed_session SERVICE USER [ARGS...]: session() that a timeout ends
# after 60 s (a hang is a failure, not a stuck test).
timed_session() {
	local svc=$1 user=$2
	shift 2
	MNTNS_TEST_LOG=$SYSLOG LD_PRELOAD=$(preload "$SHIM") timeout 60 \
		"$CLIENT" -c "$W/pam.d" -s "$svc" -u "$user" "$@" 2>&1
}

# open_held TAG: a session of $TU1 (linger-user) that prints its
# namespace and stays open until $L/TAG-go exists; sets HELD_PID (its
# client) and HELD_NS.
open_held() {
	rm -f "$L/$1-go"
	session linger-user "$TU1" -r -- sh -c "$NS_CMD; echo READY
		while [ ! -e $L/$1-go ]; do sleep 0.05; done" >"$L/$1-out" 2>&1 &
	HELD_PID=$!
	track_pid "$HELD_PID"
	wait_ready "$L/$1-out"
	HELD_NS=$(field ns "$(cat "$L/$1-out")")
}

# wait_for FILE: until FILE is not empty (at most 30 s).
wait_for() {
	local i=0
	while [ ! -s "$1" ] && [ $i -lt 600 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# The PIN column list shows for a lingering namespace: "yes" where the
# kernel has no namespace IDs (the pin proves it), "-" where it has.
if "$B/tests/oldkernel" -p | grep -q '^NS_GET_MNTNS_ID=present$'; then
	LINGER_PIN=-
else
	LINGER_PIN=yes
fi

# Finding 1: the voucher of a lingering scope=user namespace, a process
# of the user's, leaves it with unshare -Urm (keeping its PID and start
# time) and unshares again until its own namespace gets the inode of
# the one it left; then it binds a program over /usr/bin/id.
test_linger_replaced_namespace() {
	linger_conf
	if ! as_user "$TU1" unshare -Urm true 2>/dev/null; then
		ok "a moved voucher proves nothing # SKIP unprivileged user namespaces are off here"
		return
	fi
	local out x vpid vns uid
	uid=$(id -u "$TU1")
	printf '#!/bin/sh\necho planted\n' >"$L/evil" && chmod 0755 "$L/evil"
	cat >"$L/attack.sh" <<'A'
#!/bin/bash
# attack.sh INODE TRIES DIR
x=$1 n=$2 d=$3
cur=$(readlink /proc/self/ns/mnt | tr -dc 0-9)
if [ "$cur" = "$x" ] && [ "$n" -lt 20 ]; then
	mount --bind "$d/evil" /usr/bin/id && echo planted >"$d/state"
	exec sleep 1000
fi
if [ "$n" -le 0 ]; then
	echo "gave up" >"$d/state"
	exec sleep 1000
fi
# Out of it into a user namespace of one's own, then new mount
# namespaces alone: a new user namespace would take the inode first.
[ "$n" -lt 20 ] || exec unshare -Urm bash "$0" "$x" $((n - 1)) "$d"
exec unshare -m bash "$0" "$x" $((n - 1)) "$d"
A
	chmod 0755 "$L/attack.sh"
	out=$(leave_behind linger-user "$TU1" "echo old >/tmp/linger-old
		echo \$\$ >$L/vpid
		while [ ! -e $L/go ]; do sleep 0.1; done
		exec bash $L/attack.sh \$(readlink /proc/self/ns/mnt | tr -dc 0-9) 20 $L")
	x=$(field ns "$out")
	wait_for "$L/vpid"
	vpid=$(cat "$L/vpid")
	expect_eq "the user's process lingers in its scope=user namespace" \
		"$(ns_of "$vpid")" "$x"
	# list finds it there, and records it as the one that keeps the
	# namespace: the process a later login looks at first.
	expect_match "list shows the namespace it keeps" "$("$HELPER" list)" \
		"^$TU1 .* mnt:\\[$x\\] .* user +lingering +$vpid "
	touch "$L/go"
	wait_for "$L/state"
	vns=$(ns_of "$vpid")
	diag "the attacker's namespace: $vns (the one it left: $x): $(cat "$L/state")"
	expect_ne "the process moved to a user namespace of its own" \
		"$(readlink "/proc/$vpid/ns/user")" "$(readlink /proc/self/ns/user)"
	out=$(session linger-user "$TU1" -r -- sh -c "$NS_CMD; ls -A /tmp
		echo id=\$(/usr/bin/id -u)")
	expect_eq "the user's next login succeeds" "$(field open "$out")" PAM_SUCCESS
	expect_ne "... in no namespace the user made" "$(field ns "$out")" "$vns"
	expect_no_match "... nor the one the process left (a fresh one)" \
		"$out" '^linger-old$'
	expect_eq "... where /usr/bin/id is the real one" "$(field id "$out")" "$uid"
	out=$("$HELPER" enter "$TU1" -- sh -c /usr/bin/id 2>&1)
	expect_no_match "root's enter USER runs nothing the user planted" \
		"$out" '^planted$'
	kill -KILL "$vpid" 2>/dev/null
}

# A login of root from inside the namespace of process $2 ends in the
# host's view: $1 names the case.
root_gets_host_view() {
	local out
	out=$(su_from "$2" - root -c "$NS_CMD; cat /tmp/linger-secret 2>&1")
	expect_eq "$1: root's su - from inside gets the host's view" \
		"$(field ns "$out")" "$(ns_of $$)"
	expect_no_match "$1: ... and not the user's /tmp" "$out" '^secret$'
}

# ... and another user's login there is built from the host's view.
other_user_from_host_view() {
	local out
	out=$(su_from "$2" -l "$TU3" -c "ls -A /tmp; echo tmpdepth=\$(findmnt -n --mountpoint /tmp | wc -l)")
	expect_eq "$1: $TU3's su -l from inside gets /tmp on the host's (not on the user's)" \
		"$(field tmpdepth "$out")" 2
	expect_no_match "$1: ... and does not see the user's /tmp" \
		"$out" '^linger-secret$'
}

# Finding 2: a process whose leader has exited (leaderless) is the only
# one left in a namespace: its records stay, list and enter see it, and
# logins from inside it still go to the host's view.
hidden_thread_check() {
	local scope=$1 out ns pid tid
	rm -f "$L/lt-stop" "$L/lt-pid"
	out=$(leave_behind "linger-$scope" "$TU2" "echo secret >/tmp/linger-secret
		exec $W/bin/leaderless $L/lt-stop $L/lt-pid")
	ns=$(field ns "$out")
	wait_for "$L/lt-pid"
	read -r pid tid <"$L/lt-pid"
	expect_eq "$scope: a process whose leader exited is left in the namespace" \
		"$(readlink /proc/$pid/ns/mnt; ns_of "$tid")" "$ns"
	out=$(session "linger-$scope" "$TU2" -r -- sh -c "$NS_CMD")
	if [ "$scope" = user ]; then
		expect_eq "$scope: the user's next login joins it" \
			"$(field ns "$out")" "$ns"
	else
		expect_ne "$scope: the user's next login gets one of its own" \
			"$(field ns "$out")" "$ns"
	fi
	expect_match "$scope: list still shows it (no record was pruned)" \
		"$("$HELPER" list)" "^$TU2 .* mnt:\\[$ns\\] .* $LINGER_PIN +$scope +lingering "
	expect_eq "$scope: enter USER reaches it" \
		"$("$HELPER" enter "$TU2" -- readlink /proc/self/ns/mnt | tr -dc 0-9)" "$ns"
	root_gets_host_view "$scope, a hidden thread" "$tid"
	other_user_from_host_view "$scope, a hidden thread" "$tid"
	touch "$L/lt-stop"
	ns_gone "$ns"
}

test_linger_hidden_thread() {
	linger_conf
	hidden_thread_check session
	hidden_thread_check user
}

# Finding 2, last part: the records are gone (removed by hand here), a
# process is left in the namespace; and a copy of that namespace root
# made (unshare -m there), which never had a record.
test_linger_record_gone() {
	linger_conf
	local out pid
	out=$(leave_behind linger-session "$TU2" "echo secret >/tmp/linger-secret
		echo \$\$ >$L/rg-pid; exec sleep 1000")
	wait_for "$L/rg-pid"
	pid=$(cat "$L/rg-pid")
	rm -f /run/pam_mntns/ns/* /run/pam_mntns/users/*/id-* \
		/run/pam_mntns/users/*/ino-*
	expect_eq "the records of $TU2's namespace are gone" \
		"$(ls /run/pam_mntns/ns | wc -l)" 0
	root_gets_host_view "records gone" "$pid"
	other_user_from_host_view "records gone" "$pid"
	out=$(nsenter -t "$pid" -m -- unshare -m --propagation unchanged \
		"${WRAP[@]}" su - root -c "$NS_CMD" 2>&1)
	expect_eq "a copy of it root made: su - root there gets the host's view" \
		"$(field ns "$out")" "$(ns_of $$)"
	kill -KILL "$pid"
}

# Finding 3: the cap counts namespaces that exist (not records that a
# walk of /proc can vouch for), and logins at the same moment cannot pass
# it together.
test_linger_cap_counts_namespaces() {
	linger_conf
	service capped "conf=$W/linger.conf" max_namespaces=3
	local i n=0 out pids=""
	: >"$SYSLOG"
	for i in 1 2 3 4 5 6 7 8; do
		out=$(leave_behind capped "$TU1" "exec $W/bin/leaderless $L/cap-stop $L/cap-$i")
		[ "$(field open "$out")" = PAM_SUCCESS ] && n=$((n + 1)) &&
			wait_for "$L/cap-$i"
	done
	expect_eq "max_namespaces=3: of 8 logins, each leaving a hidden thread behind, 3 succeed" \
		"$n" 3
	expect_match "... and the log names the cap" "$(cat "$SYSLOG")" \
		"user $TU1: $TU1 already has 3 mount namespaces, the most max_namespaces=3 allows"
	touch "$L/cap-stop"
	for i in 1 2 3 4 5 6; do
		session capped "$TU3" -r -- sh -c "echo READY
			while [ ! -e $L/cap-go ]; do sleep 0.05; done" >"$L/par-$i" 2>&1 &
		pids="$pids $!"
		track_pid $!
	done
	i=0
	while [ "$(cat "$L"/par-* | grep -c '^open=')" -lt 6 ] && [ $i -lt 600 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	expect_eq "max_namespaces=3: 6 logins at the same moment, 3 succeed" \
		"$(cat "$L"/par-* | grep -c '^open=PAM_SUCCESS$')" 3
	touch "$L/cap-go"
	wait $pids
}

# stopped_login USER CALL: a scope=user login of USER (through a copy of
# the module that can pause, tests/security/fault.c) that stops before its
# first CALL, holding USER's lock, as a user may stop (SIGSTOP) their own
# set-user-ID su there.  HOLDER is its PID.
stopped_login() {
	# (Writable by all: at unshare the login runs with the user's euid.)
	rm -rf "$L/pause" && mkdir -p -m 1777 "$L/pause"
	MNTNS_TEST_LOG=$SYSLOG LD_PRELOAD=$(preload "$SHIM") \
		MNTNS_PAUSE="$2:1" MNTNS_PAUSE_DIR="$L/pause" \
		"$CLIENT" -c "$W/pam.d" -s linger-paused -u "$1" -- true \
		>"$L/pause/out" 2>&1 &
	HOLDER=$!
	track_pid "$HOLDER"
	wait_file "$L/pause/paused" 30
	kill -STOP "$HOLDER"
}

# Finding 4: a stopped holder of a user's lock makes nobody wait for ever.
test_linger_lock_bounded() {
	linger_conf
	local uid holder out rc pid
	uid=$(id -u "$TU1")
	cp "$B/tests/security/pam_mntns_fault.so" "$W/bin/"
	printf 'session [success=ok ignore=ok default=bad] %s %s\n' \
		"$W/bin/pam_mntns_fault.so" "conf=$W/linger.conf scope=user" \
		>"$W/pam.d/linger-paused"
	stopped_login "$TU1" unshare
	holder=$HOLDER
	out=$(timeout 60 "$HELPER" retire "$TU1" 2>&1)
	rc=$?
	expect_eq "retire gives up on a held lock (exit 1, not killed by timeout)" \
		"$rc" 1
	expect_match "... naming the holder" "$out" \
		"held by PID $holder \\(pam-session\\)"
	: >"$SYSLOG"
	out=$(timed_session linger-user "$TU1" -- true)
	expect_eq "a login of that user is refused, not hung" \
		"$(field open "$out")" PAM_SESSION_ERR
	expect_match "... and the log names the holder" "$(cat "$SYSLOG")" \
		"user $TU1: /run/pam_mntns/users/$uid is held by PID $holder \\(pam-session\\) for more than 10 s"
	expect_eq "root's own login is not held up" \
		"$(field open "$(timed_session linger-user root -- true)")" \
		PAM_IGNORE
	kill -KILL "$holder"
	# A logout waits no longer than a login.
	open_held lk
	pid=$HELD_PID
	stopped_login "$TU1" setns
	holder=$HOLDER
	touch "$L/lk-go"
	wait_pid "$pid" 60
	expect_eq "a logout gives up on a held lock too (not killed by timeout)" \
		"$?" 0
	kill -KILL "$holder"
	lock_free_join "$uid"
}

# A join takes the user's lock only where the kernel has no namespace
# IDs (there the last session out drops the pin the join needs): with
# IDs, what the proof found alive the join's descriptor keeps, and a
# held lock does not hold it up.  @1: the user's uid.
lock_free_join() {
	local lock=/run/pam_mntns/users/$1 holder out i=0
	open_held lk
	# The holder is the process that has the lock open (no child keeps
	# it, or the test's output, after the kill).
	(exec 9<"$lock" && flock 9 && exec sleep 1000) </dev/null >/dev/null 2>&1 &
	holder=$!
	track_pid "$holder"
	while flock -n "$lock" true && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	: >"$SYSLOG"
	out=$(timed_session linger-user "$TU1" -- sh -c "$NS_CMD")
	if "$B/tests/oldkernel" -p | grep -qx 'NS_GET_MNTNS_ID=present'; then
		expect_eq "with namespace IDs a join does not wait for the lock" \
			"$(field open "$out")" PAM_SUCCESS
		expect_eq "... and joins the user's namespace" \
			"$(field ns "$out")" "$HELD_NS"
	else
		expect_eq "without namespace IDs a join gives up on a held lock" \
			"$(field open "$out")" PAM_SESSION_ERR
		expect_match "... naming the holder" "$(cat "$SYSLOG")" \
			"users/$1 is held by PID [0-9]+ "
	fi
	kill -KILL "$holder"
	wait "$holder" 2>/dev/null
	touch "$L/lk-go"
	wait_pid "$HELD_PID" 60
}

# Finding 5: a stale copy of a record under users/UID/ (left when its
# namespace was gone, its key by now naming another user's namespace)
# goes alone; the other user's record stays.
test_linger_stale_copy() {
	linger_conf
	local key text stale uid1 pid out
	session linger-session "$TU2" -r -- sh -c "$NS_CMD; echo pid=\$\$
		echo READY; exec sleep 1000" >"$L/sc-out" 2>&1 &
	track_pid $!
	wait_ready "$L/sc-out"
	pid=$(field pid "$(cat "$L/sc-out")")
	key=$(basename "$(ls "/run/pam_mntns/users/$(id -u "$TU2")"/id-* \
		"/run/pam_mntns/users/$(id -u "$TU2")"/ino-* 2>/dev/null)")
	text=$(readlink "/run/pam_mntns/ns/$key")
	uid1=$(id -u "$TU1")
	stale=$(sed -E "s/(^| )u=[0-9]+/\\1u=$uid1/; s/(^| )p=[0-9]+/\\1p=999999999/" <<<"$text")
	mkdir -p "/run/pam_mntns/users/$uid1"
	ln -s "$stale" "/run/pam_mntns/users/$uid1/$key"
	session linger-session "$TU1" -- true >/dev/null
	expect_eq "$TU2's record of its namespace is intact" \
		"$(readlink "/run/pam_mntns/ns/$key")" "$text"
	expect_true "$TU1's stale copy is gone" \
		test ! -L "/run/pam_mntns/users/$uid1/$key"
	expect_match "list shows $TU2's namespace" "$("$HELPER" list)" \
		"^$TU2 .* session +open "
	out=$(su_from "$pid" - root -c "$NS_CMD")
	expect_eq "root's su - from inside $TU2's namespace gets the host's view" \
		"$(field ns "$out")" "$(ns_of $$)"
	kill -KILL "$pid"
}

# Finding 6: nofail never lets root stay in another user's view; and a
# host view is found without init (whose namespace may be unreadable).
test_linger_nofail_never_stays() {
	linger_conf
	local out pid
	mkdir -p "$L/nf"
	# The login's parent (the base view's process it records) exits as
	# soon as the session is open.
	MNTNS_TEST_LOG=$SYSLOG LD_PRELOAD=$(preload "$SHIM") bash -c '
		"$@" >"$0" 2>&1 &
		i=0
		while ! grep -q "^READY$" "$0" && [ $i -lt 600 ]; do
			sleep 0.05
			i=$((i + 1))
		done' "$L/nf/out" "$CLIENT" -c "$W/pam.d" -s linger-session \
		-u "$TU2" -r -- sh -c "$NS_CMD; echo pid=\$\$; echo READY
			exec sleep 1000"
	pid=$(field pid "$(cat "$L/nf/out")")
	out=$(su_from "$pid" - root -c "$NS_CMD")
	expect_eq "the process that started the session has gone: root's su - from inside still gets the host's view" \
		"$(field ns "$out")" "$(ns_of $$)"
	cp "$B/tests/security/pam_mntns_fault.so" "$W/bin/"
	printf 'session [success=ok ignore=ok default=bad] %s %s\n' \
		"$W/bin/pam_mntns_fault.so" "conf=$W/linger.conf nofail" \
		>"$W/pam.d/linger-fault"
	: >"$SYSLOG"
	out=$(nsenter -t "$pid" -m -- env MNTNS_FAULT=setns:1 \
		MNTNS_TEST_LOG="$SYSLOG" LD_PRELOAD="$(preload "$SHIM")" \
		"$CLIENT" -c "$W/pam.d" -s linger-fault -u root 2>&1)
	expect_eq "root's login from inside, the way to the host's view failing, with nofail: refused" \
		"$(field open "$out")" PAM_SESSION_ERR
	expect_no_match "... and the log does not say it goes on" \
		"$(cat "$SYSLOG")" 'nofail: session continues'
	kill -KILL "$pid"
}

# Finding 9: checks the review removed one by one, each now failing a
# test.  The owner and mode of /run/pam_mntns:
test_linger_run_dir_checked() {
	linger_conf
	local out
	session linger-session "$TU1" -- true >/dev/null
	chown "$TU1" /run/pam_mntns
	: >"$SYSLOG"
	out=$(session linger-session "$TU1" -- true)
	expect_eq "/run/pam_mntns owned by a user: the login is refused" \
		"$(field open "$out")" PAM_SESSION_ERR
	expect_match "... saying why" "$(cat "$SYSLOG")" \
		"/run/pam_mntns is owned by uid $(id -u "$TU1") with mode 0700; it must be root's"
	chown root /run/pam_mntns
	chmod 0755 /run/pam_mntns
	out=$(session linger-session "$TU1" -- true)
	expect_eq "/run/pam_mntns with mode 0755: the login is refused" \
		"$(field open "$out")" PAM_SESSION_ERR
	chmod 0700 /run/pam_mntns
	expect_eq "... and with it root's again, the next login works" \
		"$(field open "$(session linger-session "$TU1" -- true)")" PAM_SUCCESS
}

# ... and the owner of a process that keeps a scope=user namespace: a
# process of root's left there does not make the user's next login join.
test_linger_only_the_users_processes() {
	linger_conf
	local out ns pid
	open_held ou
	pid=$HELD_PID
	ns=$HELD_NS
	local shell root_proc i=0
	shell=$(pgrep -u "$TU1" -f "ou-go" | head -n 1)
	nsenter -t "$shell" -m sleep 1000 &
	root_proc=$!
	track_pid $root_proc
	while [ "$(ns_of $root_proc)" != "$ns" ] && [ $i -lt 600 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	touch "$L/ou-go"
	wait $pid
	expect_eq "a process of root's is left in $TU1's scope=user namespace" \
		"$(ns_of $root_proc)" "$ns"
	out=$(session linger-user "$TU1" -r -- sh -c "$NS_CMD")
	expect_ne "$TU1's next login does not join it" "$(field ns "$out")" "$ns"
	kill -KILL $root_proc
}

run_tests
