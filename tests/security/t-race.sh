#!/bin/bash
# Races (the CVE-2025-6020 and CVE-2025-8941 class): a user process swaps
# a directory and a symlink to a root-owned place in a loop while
# thousands of logins run (pam-session -t: whole sessions, pam_start to
# pam_end, back to back in one process).  A login may succeed (it got
# the directory) or be refused (it met the symlink); what must never
# happen is a mount landing where the symlink points, or a chown or
# chmod of anything outside the user's own files.  Each race runs a
# count, not a time: at least SEC_RACE_LOGINS logins (1000 by default),
# and on until some were set up and some refused, which proves the race
# was live; SEC_RACE_CAP seconds (300) only bound a run that never gets
# there, which fails.

. "$(dirname "$0")/../lib/root.sh"
. tests/security/lib.sh

SEC_RACE_LOGINS=${SEC_RACE_LOGINS:-1000}
SEC_RACE_CAP=${SEC_RACE_CAP:-300}

# The outside view that must not change: /etc, /root and what is below,
# one level down, and the account files; and the mount table.
sec_race_state() {
	find /etc /root -maxdepth 1 -printf '%p %U %G %m %y\n' | sort
	mount_table
}

# sec_race NAME SERVICE USER ATTACKER SWAPPER-ARGS...: runs the swapper
# as ATTACKER and the login loop as USER side by side; sets SEC_OUT and
# SEC_SWAPS.
sec_race() {
	local name=$1 svc=$2 user=$3 attacker=$4 pid
	shift 4
	SEC_RACE_BEFORE=$(sec_race_state)
	rm -f "$W/swapper.stop"
	as_user "$attacker" "$SWAPPER" "$1" "$W/swapper.stop" "$SEC_RACE_CAP" \
		"${@:2}" >"$W/swapper.out" 2>&1 &
	pid=$!
	track_pid "$pid"
	SEC_OUT=$(session "$svc" "$user" -m -n "$SEC_RACE_LOGINS" -L \
		-t "$SEC_RACE_CAP")
	touch "$W/swapper.stop"
	wait_pid "$pid" 30
	SEC_SWAPS=$(field swaps "$(cat "$W/swapper.out")")
	sec_race_common "$name"
}

# count WHAT: the count= of a tally line "WHAT count=N" in SEC_OUT.
sec_count() {
	printf '%s\n' "$SEC_OUT" | grep -F -- "$1 count=" |
		sed 's/.* count=//' | head -n 1 | grep . || echo 0
}

sec_race_common() {
	local cycles won lost
	cycles=$(field cycles "$SEC_OUT")
	won=$(sec_count "open=PAM_SUCCESS")
	lost=$(sec_count "open=PAM_SESSION_ERR")
	diag "$1: $cycles logins ($won set up, $lost refused), ${SEC_SWAPS:-0} swaps"
	expect_true "$1: $SEC_RACE_LOGINS logins or more ran against the swaps" \
		test "${cycles:-0}" -ge "$SEC_RACE_LOGINS" -a "${SEC_SWAPS:-0}" -gt 0
	expect_true "$1: the race was live (some logins won, some were refused)" \
		test "$won" -gt 0 -a "$lost" -gt 0
	expect_eq "$1: every login ended set up or refused, never half-done" \
		"$((won + lost)) $(field stray "$SEC_OUT") $(field lost "$SEC_OUT") $(field fd_leaks "$SEC_OUT")" \
		"$cycles 0 0 0"
	expect_eq "$1: /etc, /root and the mount table are as before" \
		"$(sec_race_state)" "$SEC_RACE_BEFORE"
}

# sec_mounts_only NAME ERE: every mount a login made matched ERE
# ("MOUNTPOINT ROOT SOURCE").
sec_mounts_only() {
	local bad
	bad=$(printf '%s\n' "$SEC_OUT" | sed -n 's/^new_mount=//p' |
		grep -Ev -- "$2")
	expect_eq "$1: no mount landed anywhere else" "$bad" ""
}

test_sec_race_target_exchange() {
	local h=/home/$TU1
	sec_install
	sec_conf sec-race-home <<'C'
*,!root  ~/.cache  tmpfs  -  size=1M,mode=0700
C
	rm -rf "$h/.cache" "$h/.cache-l"
	as_user "$TU1" mkdir "$h/.cache"
	as_user "$TU1" ln -s /etc "$h/.cache-l"
	sec_race "~/.cache <-> symlink to /etc" sec-race-home "$TU1" "$TU1" \
		exchange "$h/.cache" "$h/.cache-l"
	# The directory that was checked is the one mounted on, whatever
	# name the swap has given it since.
	sec_mounts_only "~/.cache <-> symlink to /etc" \
		"^$h/\.cache(-l)? / pam_mntns count=[0-9]+$"
	rm -rf "$h/.cache" "$h/.cache-l"
}

test_sec_race_target_create() {
	local h=/home/$TU1
	sec_install
	sec_conf sec-race-home <<'C'
*,!root  ~/.cache  tmpfs  -  size=1M,mode=0700
C
	rm -rf "$h/.cache"
	sec_race "missing ~/.cache <-> symlink to /etc" sec-race-home "$TU1" \
		"$TU1" flip "$h/.cache" /etc
	sec_mounts_only "missing ~/.cache <-> symlink to /etc" \
		"^$h/\.cache / pam_mntns count=[0-9]+$"
	rm -rf "$h/.cache"
}

# A TARGET below another, looked up by name in the second phase, after
# its parent is mounted: the user renames the parent's mount point (a
# mount point in the login's namespace only, so the rename is allowed)
# and puts a symlink to /etc, or a directory of their own whose "sub" is
# a symlink to /etc, in its place.  The nested TARGET is created inside
# the plan's tmpfs or the login is refused; no mount lands outside the
# user's home.
test_sec_race_nested_target() {
	local h=/home/$TU1 kind
	sec_install
	sec_conf sec-race-nested <<'C'
*,!root  ~/.cache      tmpfs  -  size=1M,mode=0700
*,!root  ~/.cache/sub  tmpfs  -  size=1M
C
	for kind in symlink directory; do
		rm -rf "$h/.cache" "$h/.cache-l"
		as_user "$TU1" mkdir "$h/.cache"
		if [ $kind = symlink ]; then
			as_user "$TU1" ln -s /etc "$h/.cache-l"
		else
			as_user "$TU1" mkdir "$h/.cache-l"
			as_user "$TU1" ln -s /etc "$h/.cache-l/sub"
		fi
		sec_race "nested ~/.cache/sub, parent <-> $kind" \
			sec-race-nested "$TU1" "$TU1" \
			exchange "$h/.cache" "$h/.cache-l"
		sec_mounts_only "nested ~/.cache/sub, parent <-> $kind" \
			"^$h/\.cache(-l)?(/sub)? / pam_mntns count=[0-9]+$"
	done
	expect_eq "nested: nothing was made in /etc" "$(ls -d /etc/sub 2>&1)" \
		"ls: cannot access '/etc/sub': No such file or directory"
	rm -rf "$h/.cache" "$h/.cache-l"
}

test_sec_race_source_exchange() {
	sec_install
	mkdir -p -m 0755 "$W/sec-race-target"
	rm -rf /var/tmp/sec-race-src /var/tmp/sec-race-src-l
	as_user "$TU2" mkdir /var/tmp/sec-race-src
	as_user "$TU2" ln -s /root /var/tmp/sec-race-src-l
	sec_conf sec-race-src <<C
*,!root  $W/sec-race-target  bind  /var/tmp/sec-race-src  -
C
	sec_race "SOURCE <-> symlink to /root" sec-race-src "$TU1" "$TU2" \
		exchange /var/tmp/sec-race-src /var/tmp/sec-race-src-l
	sec_mounts_only "SOURCE <-> symlink to /root" \
		"^$W/sec-race-target /sec-race-src(-l)? mntns-sandbox count=[0-9]+$"
	rm -rf /var/tmp/sec-race-src /var/tmp/sec-race-src-l
}

# Above the instance parent: a user's directory, swapped with a symlink
# to a root-owned place that holds a valid instance parent.
test_sec_race_instance_path() {
	sec_install
	rm -rf /var/tmp/sec-race-up /var/tmp/sec-race-up-l "$W/sec-race-root"
	mkdir -m 0755 "$W/sec-race-root" && mkdir -m 0000 "$W/sec-race-root/inst"
	as_user "$TU2" mkdir -m 0755 /var/tmp/sec-race-up
	mkdir -m 0000 /var/tmp/sec-race-up/inst
	as_user "$TU2" ln -s "$W/sec-race-root" /var/tmp/sec-race-up-l
	sec_conf sec-race-inst <<'C'
*,!root  /var/tmp  bind  /var/tmp/sec-race-up/inst/%u  mode=0700
C
	sec_race "instance path <-> symlink to a root-owned parent" \
		sec-race-inst "$TU1" "$TU2" \
		exchange /var/tmp/sec-race-up /var/tmp/sec-race-up-l
	sec_mounts_only "instance path <-> symlink to a root-owned parent" \
		"^/var/tmp /sec-race-up(-l)?/inst/$TU1 mntns-sandbox count=[0-9]+$"
	expect_eq "instance path race: nothing made in the root-owned parent" \
		"$(ls -A "$W/sec-race-root/inst")" ""
	rm -rf /var/tmp/sec-race-up /var/tmp/sec-race-up-l "$W/sec-race-root"
}

run_tests
