#!/bin/bash
# Root test files: runs each tests/*/t-*.sh named (all of them when none
# is) as its own process, which enters a sandbox namespace of its own
# (tests/lib/root.sh).  Prints each file's TAP output; a file that exits
# non-zero without a "not ok", or stops before its closing plan "1..N",
# gets a "not ok" line of its own.  Exits 1 if anything failed.
set -u
cd "$(dirname "$0")/.."
export TOP=${TOP:-$PWD} B=${B:-build}
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
status=0

# run_file FILE: one test file; 1 if it failed.
run_file() {
	local f=$1 name rc start=$SECONDS
	name=${f#tests/}
	name=${name%.sh}
	echo "# ---- $name"
	"$BASH" "$f" 2>&1 | tee "$LOG"
	rc=${PIPESTATUS[0]}
	echo "# $name: $((SECONDS - start)) s"
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$LOG"; then
		echo "not ok - $name exited with status $rc"
	elif ! grep -q '^1\.\.[0-9]' "$LOG"; then
		echo "not ok - $name stopped before its end (no plan line)"
		rc=1
	fi
	[ "$rc" -eq 0 ]
}

[ $# -gt 0 ] || set -- tests/*/t-*.sh
for f in "$@"; do
	run_file "$f" || status=1
done
exit $status
