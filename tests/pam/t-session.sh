#!/bin/bash
# From inside an open session: what the user's processes see.

. "$(dirname "$0")/../lib/root.sh"

view_conf() {
	write_conf view <<'C'
*,!root   /tmp       tmpfs  -                      size=16M,mode=0700
*,!root   /var/tmp   bind   /var/tmp/.mntns/%u     mode=0700
mntnst3   /tmp       tmpfs  -                      size=8M
C
	service view "conf=$W/view.conf"
}

# Prints owner, group, mode and filesystem of a path, one line.
PROBE_STAT='stat -c "%U %G %a" "$0"; findmnt -n -o SOURCE,FSTYPE,OPTIONS --mountpoint "$0" | tail -n 1'

test_session_private_tmp() {
	view_conf
	local out
	out=$(session view mntnst1 -r -- sh -c "$PROBE_STAT" /tmp)
	expect_eq "session opened" "$(field open "$out")" PAM_SUCCESS
	expect_match "user's /tmp is theirs, mode 0700" "$out" '^mntnst1 mntnst1 700$'
	expect_match "user's /tmp is a sized nosuid,nodev tmpfs" "$out" \
		'^pam_mntns +tmpfs +rw,nosuid,nodev,.*size=16384k,mode=700,uid=[0-9]+,gid=[0-9]+'
	out=$(session view mntnst1 -r -- sh -c "$PROBE_STAT" /var/tmp)
	expect_match "user's /var/tmp is the instance, owned by the user" "$out" \
		'^mntnst1 mntnst1 700$'
	expect_match "user's /var/tmp comes from /var/tmp/.mntns/mntnst1" "$out" \
		'\[/\.mntns/mntnst1\] +tmpfs +rw,nosuid,nodev'
	expect_eq "instance parent made root:root 0000" \
		"$(stat -c '%U %G %a' /var/tmp/.mntns)" "root root 0"
	expect_eq "instance made owned by the user, 0700" \
		"$(stat -c '%U %G %a' /var/tmp/.mntns/mntnst1)" "mntnst1 mntnst1 700"
}

test_session_default_owner_mode() {
	view_conf
	local out
	# Without mode=, a tmpfs root takes TARGET's owner and mode (root 1777).
	out=$(session view mntnst3 -r -- sh -c "$PROBE_STAT" /tmp)
	expect_match "no mode=: /tmp stays root 1777 like the host" "$out" \
		'^root root 1777$'
	expect_match "no mode=: still a private tmpfs" "$out" \
		'^pam_mntns +tmpfs +rw,nosuid,nodev,.*size=8192k'
}

# Why no sticky bit is added with mode= (SECURITY.md rule 18): without
# it an instance stays root 1777 like /var/tmp, where the kernel's
# protected_symlinks and protected_regular work; with it the directory
# is the user's, and no one else can reach it to plant anything there.
test_session_default_owner_mode_instance() {
	local out
	write_conf nomode <<'C'
*,!root   /var/tmp   bind   /var/tmp/.nomode/%u    -
C
	service nomode "conf=$W/nomode.conf"
	out=$(session nomode mntnst3 -r -- sh -c "$PROBE_STAT" /var/tmp)
	expect_match "no mode=: the /var/tmp instance is root 1777, sticky" \
		"$out" '^root root 1777$'
	view_conf
	out=$(session view mntnst1 -r -- true)
	expect_eq "mode=0700: the session opened" "$(field open "$out")" \
		PAM_SUCCESS
	expect_true "mode=0700: another user cannot reach the instance" \
		as_user mntnst2 sh -c '! ls /var/tmp/.mntns/mntnst1 2>/dev/null &&
			! touch /var/tmp/.mntns/mntnst1/x 2>/dev/null'
}

test_session_users_isolated() {
	view_conf
	local out1 out2
	out1=$(session view mntnst1 -r -- sh -c \
		'echo one >/tmp/f1 && echo one >/var/tmp/v1 && ls -A /tmp /var/tmp')
	expect_match "user 1 writes its /tmp" "$out1" '^f1$'
	out2=$(session view mntnst2 -r -- sh -c \
		'ls -A /tmp /var/tmp; echo two >/tmp/f2; cat /tmp/f1 2>&1')
	expect_no_match "user 2 does not see user 1's /tmp file" "$out2" '^f1$'
	expect_no_match "user 2 does not see user 1's /var/tmp file" "$out2" '^v1$'
	expect_match "user 2 cannot read user 1's file" "$out2" 'No such file'
	expect_eq "the sandbox's /tmp never sees session files" \
		"$(ls -A /tmp | grep -c '^f[12]$')" 0
	expect_eq "user 1's /var/tmp file lives in its instance only" \
		"$(cat /var/tmp/.mntns/mntnst1/v1)" one
	expect_true "the sandbox's /var/tmp holds no session file" \
		test ! -e /var/tmp/v1
}

test_session_propagation() {
	view_conf
	mkdir -p "$W/late" "$W/inner"
	local out pid
	rm -f "$W/ready" "$W/go"
	# A session that waits while the host side mounts something.
	session view mntnst1 -- sh -c "
		mount -t tmpfs inner-mount $W/inner && touch $W/inner/marker
		touch $W/ready
		while [ ! -e $W/go ]; do sleep 0.05; done
		findmnt -n -o SOURCE $W/late; ls $W/late" >"$W/prop.out" &
	pid=$!
	track_pid "$pid"
	local i=0
	while [ ! -e "$W/ready" ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	mount -t tmpfs late-mount "$W/late" && touch "$W/late/late-marker"
	expect_true "a mount made inside the session is invisible outside" \
		sh -c "! mountpoint -q $W/inner && test ! -e $W/inner/marker"
	touch "$W/go"
	wait "$pid"
	out=$(cat "$W/prop.out")
	expect_match "a host mount made after login propagates in" "$out" '^late-mount$'
	expect_match "its content is visible inside" "$out" '^late-marker$'
	umount "$W/late"
}

test_session_file_bind() {
	: >"$W/hosts-target"
	chmod 0644 "$W/hosts-target"
	write_conf filebind <<C
mntnst1  $W/hosts-target  bind  /etc/hosts  ro
C
	service filebind "conf=$W/filebind.conf"
	local out
	out=$(session filebind mntnst1 -- sh -c \
		"cmp /etc/hosts $W/hosts-target && echo same; echo x >>$W/hosts-target")
	expect_eq "file bind: session opened" "$(field open "$out")" PAM_SUCCESS
	expect_match "file bind: /etc/hosts shows through" "$out" '^same$'
	expect_match "file bind: ro makes it read-only" "$out" 'Read-only file system'
	expect_eq "file bind: the host's file is untouched" \
		"$(stat -c %s "$W/hosts-target")" 0
}

test_session_no_leak() {
	view_conf
	local before
	before=$(mount_table)
	session view mntnst1 -r -- true >/dev/null
	session view mntnst2 -r -- true >/dev/null
	expect_eq "sessions leave the sandbox's mount table as it was" \
		"$(mount_table)" "$before"
}

# A login killed after creating its instance but before handing it over
# leaves it root:root 0000 and empty: the next login finishes it.  With
# anything in it, it is not ours to take.
test_session_unfinished_instance() {
	view_conf
	mkdir -p -m 0000 /var/tmp/.mntns
	rm -rf /var/tmp/.mntns/mntnst2
	mkdir -m 0000 /var/tmp/.mntns/mntnst2
	local out
	expect_match "show predicts the unfinished instance is finished" \
		"$("$HELPER" show mntnst2 --conf "$W/view.conf" 2>&1)" \
		'^Result: a new mount namespace with 2 mounts'
	out=$(session view mntnst2 -r -- sh -c 'stat -c "vt=%U:%a" /var/tmp')
	expect_eq "an unfinished instance is finished by the next login" \
		"$(field vt "$out")" "mntnst2:700"
	rm -rf /var/tmp/.mntns/mntnst2
	mkdir -m 0000 /var/tmp/.mntns/mntnst2
	touch /var/tmp/.mntns/mntnst2/something
	expect_match "show predicts the refusal of one that is not empty" \
		"$("$HELPER" show mntnst2 --conf "$W/view.conf" 2>&1)" \
		'is owned by uid 0, expected [0-9]+'
	out=$(session view mntnst2 -r -- true)
	expect_eq "a root-owned instance that is not empty is refused" \
		"$(field open "$out")" PAM_SESSION_ERR
	expect_eq "... and left as it was" \
		"$(stat -c %U:%a /var/tmp/.mntns/mntnst2)" "root:0"
	rm -rf /var/tmp/.mntns/mntnst2
}

# The module changes directory to each tmpfs TARGET it mounts on; the
# caller must get its own working directory back.
test_session_keeps_cwd() {
	view_conf
	mkdir -p "$W/cwd-here"
	local out
	out=$(cd "$W/cwd-here" && session view mntnst1 -- sh -c 'echo cwd=$(pwd -P)')
	expect_eq "session opened from another directory" \
		"$(field open "$out")" PAM_SUCCESS
	expect_eq "the caller's working directory is kept" \
		"$(field cwd "$out")" "$W/cwd-here"
}

# The shipped config's private /dev/shm, through shm_open(3) as programs
# use it: one user's shared memory is not another's, nor the host's, and
# the user's next login (scope=user, as shipped) finds it again.
test_session_shipped_dev_shm() {
	local out held
	cp "$SRC/conf/pam_mntns.conf" "$W/shipped.conf"
	service shipped "conf=$W/shipped.conf"
	cp "$B/tests/shm" "$W/bin/"
	session shipped mntnst1 -r -- sh -c "$W/bin/shm create mntnst-shm one &&
		echo shell=\$\$ && echo READY && exec sleep 100000" \
		>"$W/shm-held" 2>&1 &
	held=$!
	track_pid $held
	wait_ready "$W/shm-held"
	out=$(session shipped mntnst2 -r -- "$W/bin/shm" read mntnst-shm)
	expect_eq "/dev/shm: the second user's session opened" \
		"$(field open "$out")" PAM_SUCCESS
	expect_match "... and has no shared memory of the first user's" \
		"$out" 'No such file'
	out=$(session shipped mntnst2 -r -- "$W/bin/shm" create mntnst-shm two)
	expect_no_match "... where it can use the same name for its own" \
		"$out" 'shm create'
	expect_true "the host's /dev/shm has neither" \
		test ! -e /dev/shm/mntnst-shm
	out=$(session shipped mntnst1 -r -- sh -c \
		"$W/bin/shm read mntnst-shm; stat -c '%U %a' /dev/shm")
	expect_match "the first user's next login finds its own (scope=user)" \
		"$out" '^one$'
	expect_match "... in a /dev/shm of its own, mode 0700" \
		"$out" '^mntnst1 700$'
	kill "$(field shell "$(cat "$W/shm-held")")"
	wait "$held"
}

run_tests
