#!/bin/bash
# Root test files: runs each tests/*/t-*.sh named (all of them when none
# is) as its own process, which enters a sandbox namespace of its own
# (tests/lib/root.sh).  Prints each file's TAP output; a file that exits
# non-zero without a "not ok", or stops before its closing plan "1..N",
# gets a "not ok" line of its own.  Exits 1 if anything failed.
#
# The files about namespace identity (OLDKERNEL_FILES) run a second time
# as on Linux 5.14, under tests/lib/oldkernel.c, whose seccomp filter
# takes away what newer kernels have (statmount, namespace IDs, the pidfd
# ioctls), so the module's fallbacks are what runs; their checks are
# tagged "[Linux 5.14]", and must pass as many as on this kernel.
#
# Each file runs under a time limit (MNTNS_FILE_LIMIT seconds, 1200 by
# default: the slowest file takes about a minute): a file that outlives
# it is stopped (SIGTERM, then SIGKILL) and gets a "not ok" naming it and
# the processes it left; its test users are removed, and the run goes on.
set -u
cd "$(dirname "$0")/.."
export TOP=${TOP:-$PWD} B=${B:-build}
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
status=0
OLDKERNEL_FILES=(tests/pam/t-session.sh tests/pam/t-scope.sh
	tests/e2e/t-scope.sh tests/helper/t-ns.sh tests/security/t-linger.sh
	tests/security/t-chroot.sh tests/helper/t-plans.sh)
FILE_LIMIT=${MNTNS_FILE_LIMIT:-1200}

# stopped NAME: after a file was stopped at its time limit, what it left
# (processes of test users), which then goes, with the users.
stopped() {
	local u users
	users=$(getent passwd | awk -F: '$1 ~ /^mntnst/ {print $1}')
	echo "not ok - $1 did not finish within $FILE_LIMIT s; stopped"
	for u in $users; do
		pgrep -a -u "$u" | sed 's/^/#   left: /'
		pkill -KILL -u "$u"
		userdel "$u" >/dev/null 2>&1
	done
	for u in $(getent group | awk -F: '$1 ~ /^mntnst/ {print $1}'); do
		groupdel "$u" >/dev/null 2>&1
	done
}

# run_file FILE [LAUNCHER...]: one test file (run by LAUNCHER); 1 if it
# failed.
run_file() {
	local f=$1 name rc start=$SECONDS tag=
	shift
	name=${f#tests/}
	name=${name%.sh}
	[ $# -eq 0 ] || tag=" [Linux 5.14]"
	echo "# ---- $name$tag"
	timeout -k 15 "$FILE_LIMIT" "$@" "$BASH" "$f" 2>&1 |
		sed -u "s/^\(\(not \)\{0,1\}ok [0-9]* -\) /\1$tag /" | tee "$LOG"
	rc=${PIPESTATUS[0]}
	echo "# $name$tag: $((SECONDS - start)) s"
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		stopped "$name$tag"
	elif [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$LOG"; then
		echo "not ok - $name$tag exited with status $rc"
	elif ! grep -q '^1\.\.[0-9]' "$LOG"; then
		echo "not ok - $name$tag stopped before its end (no plan line)"
		rc=1
	fi
	[ "$rc" -eq 0 ]
}

# run_twice FILE: FILE, then FILE as on Linux 5.14 with the same plan.
run_twice() {
	local plan r=0
	run_file "$1" || r=1
	plan=$(grep '^1\.\.' "$LOG")
	run_file "$1" "$B/tests/oldkernel" -k 5.14 -- || r=1
	if [ "$(grep '^1\.\.' "$LOG")" != "$plan" ]; then
		echo "not ok - ${1#tests/} [Linux 5.14]: plan $(grep '^1\.\.' "$LOG"), not $plan as on this kernel"
		r=1
	fi
	return $r
}

[ $# -gt 0 ] || set -- tests/*/t-*.sh
for f in "$@"; do
	if [[ " ${OLDKERNEL_FILES[*]} " == *" $f "* ]]; then
		run_twice "$f" || status=1
	else
		run_file "$f" || status=1
	fi
done
exit $status
