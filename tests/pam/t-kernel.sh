#!/bin/bash
# Older kernels, made by tests/lib/oldkernel.c: its seccomp filter really
# takes away what a 5.14 kernel lacks (so the second run of the session
# files under it, tests/run-root.sh, tests the fallbacks), the module
# then works on its fallbacks, and below its floor it says which system
# call the kernel lacks.

. "$(dirname "$0")/../lib/root.sh"

OLDKERNEL=$W/bin/oldkernel
cp "$B/tests/oldkernel" "$OLDKERNEL" || exit 1

kernel_conf() {
	write_conf kernel <<'C'
*,!root   /tmp       tmpfs  -                      size=16M,mode=0700
*,!root   /var/tmp   bind   /var/tmp/.mntns/%u     mode=0700
C
	service kernel "conf=$W/kernel.conf" scope=user
}

# On an older kernel the module pins each namespace it makes from the
# view it built it from, which the kernel allows when that view is the
# older one; newer kernels rank namespaces made on different CPUs out of
# order.  So the logins of these tests are built from a view made under
# oldkernel, on its one CPU (tests/lib/oldkernel.c): KERNEL_BASE holds it.
KERNEL_BASE=

kernel_base() {
	local i=0
	[ -n "$KERNEL_BASE" ] && return 0
	"$OLDKERNEL" -- unshare -m --propagation unchanged sleep 1000 &
	KERNEL_BASE=$!
	track_pid "$KERNEL_BASE"
	while [ "$(ns_of "$KERNEL_BASE")" = "$(ns_of)" ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# in_base CMD...: CMD in that view.
in_base() {
	kernel_base && nsenter -t "$KERNEL_BASE" -m -- "$@"
}

# as_kernel VERSION SERVICE USER [pam-session options]: session() as on
# Linux VERSION.
as_kernel() {
	local k=$1 svc=$2 user=$3
	shift 3
	MNTNS_TEST_LOG=$SYSLOG LD_PRELOAD=$(preload "$SHIM") in_base \
		"$OLDKERNEL" -k "$k" -- "$CLIENT" -c "$W/pam.d" -s "$svc" \
		-u "$user" "$@" 2>&1
}

test_kernel_filter() {
	local out
	out=$("$OLDKERNEL" -- sh -c "$OLDKERNEL -p")
	diag "this kernel: $(uname -r):" "$("$OLDKERNEL" -p | tr '\n' ' ')"
	expect_eq "as on 5.14: statmount, process_mrelease and the newer ioctls are missing, in children too" \
		"$(printf '%s\n' "$out" | grep =missing | tr '\n' ' ')" \
		"statmount=missing process_mrelease=missing NS_GET_MNTNS_ID=missing PIDFD_GET_MNT_NAMESPACE=missing "
	expect_eq "as on 5.14: what 5.14 has is left alone" \
		"$(printf '%s\n' "$out" | grep =present | tr '\n' ' ')" \
		"openat2=present open_tree=present mount_setattr=present pidfd_open=present NS_GET_USERNS=present "
	out=$("$OLDKERNEL" -k 5.11 -- "$OLDKERNEL" -p)
	expect_match "as on 5.11: mount_setattr is missing" "$out" \
		'^mount_setattr=missing$'
	expect_match "as on 5.11: openat2 is there" "$out" '^openat2=present$'
	expect_match "as on 5.5: openat2 is missing" \
		"$("$OLDKERNEL" -k 5.5 -- "$OLDKERNEL" -p)" '^openat2=missing$'
}

# The fallbacks at work: a scope=user namespace known by its inode, and
# joined by the next login all the same.
test_kernel_fallback_identity() {
	kernel_conf
	kernel_base
	local out ns pid i=0
	if "$OLDKERNEL" -p | grep -q '^NS_GET_MNTNS_ID=present$'; then
		out=$(session kernel mntnst1 -- ls /run/pam_mntns/ns)
		expect_match "on this kernel: the namespace is recorded by its kernel ID" \
			"$out" '^id-[0-9]+$'
	fi
	rm -f "$W/go-k"
	as_kernel 5.14 kernel mntnst1 -r -- sh -c '
		echo ns=$(readlink /proc/self/ns/mnt | tr -dc 0-9); echo READY
		while [ ! -e '"$W"'/go-k ]; do sleep 0.05; done' >"$W/hold-k" &
	pid=$!
	track_pid $pid
	while ! grep -q '^READY$' "$W/hold-k" && [ $i -lt 400 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	ns=$(field ns "$(cat "$W/hold-k")")
	expect_eq "as on 5.14: the namespace is recorded by its inode" \
		"$(ls /run/pam_mntns/ns)" "ino-$ns"
	out=$(as_kernel 5.14 kernel mntnst1 -r -- sh -c \
		'echo ns=$(readlink /proc/self/ns/mnt | tr -dc 0-9)')
	expect_eq "as on 5.14: a second login joins the namespace" \
		"$(field ns "$out")" "$ns"
	expect_match "as on 5.14: the helper lists it, with no kernel ID, pinned" \
		"$(in_base "$OLDKERNEL" -- "$HELPER" list)" "^mntnst1 .*mnt:\[$ns\] +- +yes "
	touch "$W/go-k"
	wait_pid $pid 10
	expect_eq "as on 5.14: the record goes with the last session" \
		"$(ls /run/pam_mntns/ns | wc -l)" 0
	expect_eq "as on 5.14: ... and so does its pin" \
		"$(in_base findmnt -rn -o TARGET | grep -c /run/pam_mntns/pins/)" 0
}

# kernel_refused VERSION MESSAGE: a login as on VERSION fails, saying so.
kernel_refused() {
	local out
	: >"$SYSLOG"
	out=$(as_kernel "$1" kernel mntnst1 -m)
	expect_eq "as on $1: the login is refused" "$(field open "$out")" \
		PAM_SESSION_ERR
	expect_match "as on $1: the log names the call the kernel lacks" \
		"$(cat "$SYSLOG")" "$2"
	expect_eq "as on $1: nothing is left mounted" "$(field new_mount "$out")" ""
}

test_kernel_too_old() {
	kernel_conf
	kernel_base
	kernel_refused 5.11 'cannot set flags on /var/tmp/\.mntns/mntnst1: the kernel lacks mount_setattr\(2\), which came in Linux 5\.12'
	kernel_refused 5.5 ': the kernel lacks openat2\(2\), which came in Linux 5\.6'
}

run_tests
