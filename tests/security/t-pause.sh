#!/bin/bash
# The race, made deterministic: pam_mntns_fault.so stops before the Nth
# call of a file or mount function (MNTNS_PAUSE), the attacker swaps the
# directory the module is working on for a symlink to a root-owned place,
# and the module goes on.  This is done before every such call a login
# makes, one login per pause point: the widest window a user can get
# (e.g. by stopping a set-user-ID su with SIGSTOP).  No mount may land
# anywhere but on the directory the module checked, and nothing outside
# the user's files may change owner or mode.

. "$(dirname "$0")/../lib/root.sh"
. tests/security/lib.sh

SEC_PAUSE_FNS="openat2 openat open fstat stat lstat mkdirat fchown fchmod mount open_tree mount_setattr move_mount"
SEC_PAUSE=$W/pause

# sec_pause_points SERVICE USER SETUP: "NAME N" for every call a login
# makes to the functions above, after SETUP.
sec_pause_points() {
	local fn count n
	$3
	rm -rf /run/pam_mntns
	MNTNS_FAULT_COUNT=1 session "$1" "$2" |
		sed -n 's/^calls: \(.*\)=\(.*\)/\1 \2/p' |
		while read -r fn count; do
			case " $SEC_PAUSE_FNS " in
			*" $fn "*) for n in $(seq 1 "$count"); do echo "$fn $n"; done ;;
			esac
		done
}

# sec_pause_run SERVICE USER FN N ATTACK: one login paused before call N
# of FN while ATTACK runs; its output in SEC_OUT.
sec_pause_run() {
	local pid
	mkdir -p "$SEC_PAUSE" && rm -f "$SEC_PAUSE/paused" "$SEC_PAUSE/resume"
	MNTNS_PAUSE="$3:$4" MNTNS_PAUSE_DIR=$SEC_PAUSE \
		session "$1" "$2" -m >"$SEC_PAUSE/out" 2>&1 &
	pid=$!
	track_pid "$pid"
	while [ ! -e "$SEC_PAUSE/paused" ] && kill -0 "$pid" 2>/dev/null; do
		sleep 0.01
	done
	[ -e "$SEC_PAUSE/paused" ] && $5
	touch "$SEC_PAUSE/resume"
	wait_pid "$pid" 30
	SEC_OUT=$(cat "$SEC_PAUSE/out")
}

# sec_pause_all NAME SERVICE USER SETUP ATTACK ALLOWED-ERE: every pause
# point; one TAP line.
sec_pause_all() {
	local name=$1 fn n bad= points=0 before
	before=$(find /etc /root -maxdepth 1 -printf '%p %U %G %m\n' | sort)
	while read -r fn n; do
		[ -n "$fn" ] || continue
		$4
		rm -rf /run/pam_mntns
		sec_pause_run "$2" "$3" "$fn" "$n" "$5"
		points=$((points + 1))
		bad="$bad$(printf '%s\n' "$SEC_OUT" | sed -n 's/^new_mount=//p' |
			grep -Ev -- "$6" | sed "s/^/$fn#$n: mounted /")"
		printf '%s\n' "$SEC_OUT" | grep -q "^pause: $fn#$n" ||
			bad="$bad$fn#$n: never paused"$'\n'
	done <<<"$(sec_pause_points "$2" "$3" "$4")"
	[ "$(find /etc /root -maxdepth 1 -printf '%p %U %G %m\n' | sort)" = "$before" ] ||
		bad="${bad}/etc or /root changed"
	diag "$name: $points pause points"
	if [ "$points" -gt 10 ] && [ -z "$bad" ]; then
		ok "$name: at each of $points steps, no mount or chown went through the symlink"
	else
		not_ok "$name: at each of $points steps, no mount or chown went through the symlink"
		diag "$bad"
	fi
}

sec_pause_home_setup() {
	rm -rf "/home/$TU1/.cache" "/home/$TU1/.cache-moved"
	as_user "$TU1" mkdir "/home/$TU1/.cache"
}

sec_pause_missing_setup() {
	rm -rf "/home/$TU1/.cache" "/home/$TU1/.cache-moved"
}

# The attacker: whatever is at ~/.cache moves away, a symlink to /etc
# takes its place.
sec_pause_home_attack() {
	as_user "$TU1" sh -c "mv /home/$TU1/.cache /home/$TU1/.cache-moved 2>/dev/null; ln -s /etc /home/$TU1/.cache"
}

test_sec_pause_target() {
	sec_install
	write_conf sec-pause-home <<'C'
*,!root  ~/.cache  tmpfs  -  size=1M,mode=0700
C
	sec_service sec-pause-home "$FAULT_MODULE" "conf=$W/sec-pause-home.conf"
	sec_pause_all "~/.cache swapped for a symlink to /etc" \
		sec-pause-home "$TU1" sec_pause_home_setup \
		sec_pause_home_attack \
		"^/home/$TU1/\.cache(-moved)? / pam_mntns$"
	sec_pause_all "missing ~/.cache replaced by a symlink to /etc" \
		sec-pause-home "$TU1" sec_pause_missing_setup \
		sec_pause_home_attack \
		"^/home/$TU1/\.cache(-moved)? / pam_mntns$"
	sec_pause_missing_setup
}

sec_pause_src_setup() {
	rm -rf /var/tmp/sec-psrc /var/tmp/sec-psrc-moved
	as_user "$TU2" mkdir /var/tmp/sec-psrc
}

sec_pause_src_attack() {
	as_user "$TU2" sh -c "mv /var/tmp/sec-psrc /var/tmp/sec-psrc-moved; ln -s /root /var/tmp/sec-psrc"
}

test_sec_pause_source() {
	sec_install
	mkdir -p -m 0755 "$W/sec-ptarget"
	write_conf sec-pause-src <<C
*,!root  $W/sec-ptarget  bind  /var/tmp/sec-psrc  -
C
	sec_service sec-pause-src "$FAULT_MODULE" "conf=$W/sec-pause-src.conf"
	sec_pause_all "SOURCE swapped for a symlink to /root" \
		sec-pause-src "$TU1" sec_pause_src_setup sec_pause_src_attack \
		"^$W/sec-ptarget /sec-psrc(-moved)? mntns-sandbox$"
	rm -rf /var/tmp/sec-psrc /var/tmp/sec-psrc-moved
}

run_tests
