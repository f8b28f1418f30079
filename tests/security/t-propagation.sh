#!/bin/bash
# Mounts the host makes after a login.  The session's view is a slave of
# the host's, so they keep arriving; but below a read-only TARGET (ro,
# bind ... ro) one would arrive read-write and let the session write
# through it to the host.  There the module cuts propagation: such mounts
# do not arrive at all.  Each session waits (for a file, up to a cap that
# only bounds a broken run) while the host mounts, then looks.

. "$(dirname "$0")/../lib/root.sh"
. tests/security/lib.sh

# later SERVICE HOST-CMD PROBE: a session of TU1 whose command (as root)
# says it is up, waits until the host has run HOST-CMD, then runs PROBE;
# sets SEC_OUT to its output.
later() {
	local svc=$1 host=$2 probe=$3 pid
	rm -f "$W/later.up" "$W/later.go"
	session "$svc" "$TU1" -- sh -c "touch $W/later.up; i=0
		while [ ! -e $W/later.go ] && [ \$i -lt 1200 ]; do
			sleep 0.05; i=\$((i + 1))
		done
		$probe" >"$W/later.out" &
	pid=$!
	track_pid "$pid"
	wait_file "$W/later.up" 60 || diag "the session did not come up"
	eval "$host"
	touch "$W/later.go"
	wait_pid "$pid" 60
	SEC_OUT=$(cat "$W/later.out")
}

# What a probe prints about PATH: whether a mount is reached there in the
# session (another device than its parent's: one the host made below the
# clone would still be listed in mountinfo, hidden under it), and whether
# a write below it got through.
probe() {
	printf '%s' "echo mounted=\$(($(reached "$1")))
		touch $1/written 2>/dev/null && echo wrote"
}

# reached PATH: a shell expression, 1 if PATH is on another device than
# its parent.
reached() {
	printf '%s' "\$(stat -c %d $1) != \$(stat -c %d ${1%/*})"
}

test_sec_later_below_ro_target() {
	local t=$W/later-ro
	mkdir -p "$t/sub"
	sec_conf later-ro <<C
$TU1  $t  ro
C
	later later-ro "mount -t tmpfs later-host $t/sub" "$(probe "$t/sub")"
	expect_eq "ro: session opened" "$(field open "$SEC_OUT")" PAM_SUCCESS
	expect_eq "ro: a host mount made below TARGET later does not arrive" \
		"$(field mounted "$SEC_OUT")" 0
	expect_no_match "ro: the session cannot write below TARGET" \
		"$SEC_OUT" '^wrote$'
	expect_true "ro: nothing was written to the host's mount" \
		test ! -e "$t/sub/written"
	umount "$t/sub"
}

test_sec_later_on_ro_target() {
	local t=$W/later-ro-top
	mkdir -p "$t"
	sec_conf later-ro-top <<C
$TU1  $t  ro
C
	later later-ro-top "mount -t tmpfs later-host $t" \
		"touch $t/written 2>/dev/null && echo wrote"
	expect_eq "ro, host mount on TARGET: session opened" \
		"$(field open "$SEC_OUT")" PAM_SUCCESS
	expect_no_match "ro, host mount on TARGET: the session cannot write" \
		"$SEC_OUT" '^wrote$'
	expect_true "ro, host mount on TARGET: nothing reached the host" \
		test ! -e "$t/written"
	umount "$t"
}

test_sec_later_below_ro_bind() {
	local s=$W/later-src t=$W/later-dst
	mkdir -p "$s/sub" "$t"
	sec_conf later-bind <<C
$TU1  $t  bind  $s  ro
C
	later later-bind "mount -t tmpfs later-host $s/sub" "$(probe "$t/sub")"
	expect_eq "bind ro: session opened" "$(field open "$SEC_OUT")" \
		PAM_SUCCESS
	expect_eq "bind ro: a host mount made below SOURCE later does not arrive" \
		"$(field mounted "$SEC_OUT")" 0
	expect_no_match "bind ro: the session cannot write through it" \
		"$SEC_OUT" '^wrote$'
	expect_true "bind ro: nothing was written to the host's mount" \
		test ! -e "$s/sub/written"
	umount "$s/sub"
}

# Elsewhere, and below a writable bind, host mounts still arrive.
test_sec_later_elsewhere_arrives() {
	local s=$W/later-rw-src t=$W/later-rw
	mkdir -p "$s/sub" "$t" "$W/later-other"
	sec_conf later-rw <<C
$TU1  $t  bind  $s  -
C
	later later-rw "mount -t tmpfs later-host $s/sub
		mount -t tmpfs later-host $W/later-other" \
		"$(probe "$t/sub"); echo other=\$(($(reached "$W/later-other")))"
	expect_eq "rw bind: a host mount below SOURCE arrives" \
		"$(field mounted "$SEC_OUT") $(field other "$SEC_OUT")" "1 1"
	umount "$s/sub" "$W/later-other"
}

run_tests
