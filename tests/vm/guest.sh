#!/bin/bash
# The check-vm runner inside the guest, started at boot by
# mntns-vm.service (tests/vm/guest/) from the read-only tree share.  It
# reads the host's job from the results share, copies the tree to the
# guest's own disk (some tests write under build/), runs the root test
# files named there on this kernel, each under a time limit, and writes
# their TAP to the results share.  Then it powers off, or, when the host
# drives a booted-login-host scenario next, leaves the guest up for it.
#
# Results share: job.env (in), authorized_keys (in), started, guest.txt,
# suites.tap, timings, suites.done (out).
set -u
SRC=/mnt/vm-src
OUT=/mnt/vm-out
TREE=/root/tree
STATE=/var/lib/mntns-vm
VM_FILES= VM_FILE_LIMIT=900 VM_LOGIN=0 VM_TAG=vm B=build
# shellcheck source=/dev/null
. "$OUT/job.env" || exit 1
TAP=$OUT/suites.tap
FILE_LOG=$(mktemp)
: >"$TAP"
: >"$OUT/timings"

say() {
	echo "mntns-vm: $*"
}

# The host's key for root, so that the host can reach a guest that went
# wrong, and drive the login host after the suites.
authorize_root() {
	install -d -m 0700 /root/.ssh &&
		install -m 0600 "$OUT/authorized_keys" /root/.ssh/authorized_keys
}

# What this kernel has of what the module uses, for the report.
guest_facts() {
	echo "kernel=$(uname -r)"
	echo "version=$(cat /proc/version)"
	echo "cmdline=$(cat /proc/cmdline)"
	echo "uptime=$UPTIME"
	echo "cpus=$(nproc)"
	"$TREE/$B/tests/oldkernel" -p 2>&1 | sed 's/^/facility /'
}

# The tree without its history and without the host's other builds and
# images; the build the host made for this run comes along.
copy_tree() {
	rm -rf "$TREE" && mkdir -p "$TREE" &&
		tar -C "$SRC" --exclude=./.git --exclude="./$B/vm" \
			--exclude="./$B/deb" --exclude="./$B/rpm" \
			--exclude="./$B/sanitize" -cf - . | tar -C "$TREE" -xf -
}

# test_only FILE: the TEST_ONLY expression that leaves out the functions
# tests/vm/skips names for FILE (empty when none); prints a SKIP line for
# each, with the reason.
test_only() {
	local f=$1 fn reason keep=() skipped
	skipped=$(awk -v f="$f" '!/^#/ && $1 == f {print $2}' tests/vm/skips)
	[ -n "$skipped" ] || return 0
	for fn in $(grep -oE '^test_[A-Za-z0-9_]+' "tests/$f.sh"); do
		if printf '%s\n' $skipped | grep -qx "$fn"; then
			reason=$(awk -v f="$f" -v fn="$fn" '!/^#/ && $1 == f && $2 == fn {
				$1 = $2 = ""; sub(/^ +/, ""); print}' tests/vm/skips)
			echo "ok - [$VM_TAG] $f: $fn # SKIP in the guest: $reason" >>"$TAP"
		else
			keep+=("$fn")
		fi
	done
	local IFS='|'
	echo "^(${keep[*]})\$"
}

# ends_users: what a test file that was stopped leaves behind: its
# users' processes, sessions and accounts (the sandbox's own cleanup did
# not run).
end_users() {
	local u g
	for u in $(getent passwd | awk -F: '$1 ~ /^mntnst/ {print $1}'); do
		loginctl terminate-user "$u" 2>/dev/null
		pkill -KILL -u "$u" 2>/dev/null
		userdel "$u" 2>/dev/null
	done
	for g in $(getent group | awk -F: '$1 ~ /^mntnst/ {print $1}'); do
		groupdel "$g" 2>/dev/null
	done
}

# run_file NAME N: one root test file (tests/NAME.sh) in a scope of its
# own, so that when it outlives VM_FILE_LIMIT everything it started can
# be listed and ended; its TAP lines are tagged with the kernel row.
run_file() {
	local f=$1 unit=mntns-vm-file-$2 only rc start=$SECONDS procs
	echo "# ---- $f [$VM_TAG]" >>"$TAP"
	only=$(test_only "$f")
	say "$f"
	TEST_ONLY=$only systemd-run --scope --quiet --collect --unit="$unit" -- \
		timeout -k 15 "$VM_FILE_LIMIT" bash "tests/$f.sh" </dev/null 2>&1 |
		sed -u "s/^\(\(not \)\{0,1\}ok [0-9]* -\) /\1 [$VM_TAG] /" |
		tee "$FILE_LOG" >>"$TAP"
	rc=${PIPESTATUS[0]}
	procs=$(systemctl show -p ControlGroup --value "$unit.scope" 2>/dev/null)
	[ -z "$procs" ] || procs=$(cat "/sys/fs/cgroup$procs/cgroup.procs" 2>/dev/null |
		xargs -r ps -o pid=,user=,args= -p 2>/dev/null)
	systemctl kill -s KILL "$unit.scope" 2>/dev/null
	systemctl stop "$unit.scope" 2>/dev/null
	echo "# $f [$VM_TAG]: $((SECONDS - start)) s" >>"$TAP"
	echo "$f $((SECONDS - start)) $rc" >>"$OUT/timings"
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "not ok - $f [$VM_TAG] did not finish within $VM_FILE_LIMIT s; stopped" >>"$TAP"
		printf '%s\n' "${procs:-(no process left)}" | sed 's/^/#   left: /' >>"$TAP"
		end_users
	elif [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$FILE_LOG"; then
		echo "not ok - $f [$VM_TAG] exited with status $rc" >>"$TAP"
	elif ! grep -q '^1\.\.[0-9]' "$FILE_LOG"; then
		echo "not ok - $f [$VM_TAG] stopped before its end (no plan line)" >>"$TAP"
	fi
}

finish() {
	mkdir -p "$STATE" && touch "$STATE/done"
	sync
	echo "$1" >"$OUT/suites.done"
	if [ "$VM_LOGIN" = 1 ]; then
		say "files done; the host drives the login host now"
	else
		say "done; powering off"
		systemctl poweroff --no-block
	fi
}

say "started on Linux $(uname -r)"
UPTIME=$(cut -d' ' -f1 /proc/uptime)
authorize_root || say "cannot install the host's key for root"
date +%s >"$OUT/started"
start=$SECONDS
copy_tree || {
	echo "not ok - [$VM_TAG] the guest copies the tree to its disk" >>"$TAP"
	finish copy-failed
	exit 1
}
echo "copy=$((SECONDS - start))" >"$OUT/guest.txt"
cd "$TREE" || exit 1
guest_facts >>"$OUT/guest.txt" 2>&1
n=0
for f in $VM_FILES; do
	n=$((n + 1))
	run_file "$f" "$n"
done
rm -f "$FILE_LOG"
finish ok
