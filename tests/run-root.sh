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
set -u
cd "$(dirname "$0")/.."
export TOP=${TOP:-$PWD} B=${B:-build}
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
status=0
OLDKERNEL_FILES=(tests/pam/t-session.sh tests/pam/t-scope.sh
	tests/e2e/t-scope.sh tests/helper/t-ns.sh tests/security/t-linger.sh)

# run_file FILE [LAUNCHER...]: one test file (run by LAUNCHER); 1 if it
# failed.
run_file() {
	local f=$1 name rc start=$SECONDS tag=
	shift
	name=${f#tests/}
	name=${name%.sh}
	[ $# -eq 0 ] || tag=" [Linux 5.14]"
	echo "# ---- $name$tag"
	"$@" "$BASH" "$f" 2>&1 |
		sed -u "s/^\(\(not \)\{0,1\}ok [0-9]* -\) /\1$tag /" | tee "$LOG"
	rc=${PIPESTATUS[0]}
	echo "# $name$tag: $((SECONDS - start)) s"
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$LOG"; then
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
