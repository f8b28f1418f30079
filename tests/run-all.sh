#!/bin/bash
# Runs every test suite and ends with one "N passed, M failed" line.
# Each suite speaks TAP ("ok ..." / "not ok ..."); a suite that exits
# non-zero without reporting a failure counts as one failure.
set -u
cd "$(dirname "$0")/.."
export B=${B:-build}
export TOP=$PWD
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
crashed=0

suite() {
	local name=$1 out rc
	shift
	echo "# ---- $name"
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | tee -a "$LOG"
	if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^not ok'; then
		echo "not ok - suite $name exited with status $rc" | tee -a "$LOG"
	fi
}

suite style tests/style.sh
suite man tests/man.sh
suite docs perl tests/docs.pl
for t in "$B"/tests/unit/test_*; do
	[ -x "$t" ] || continue
	suite "unit/$(basename "$t")" tests/unit/run-unit.sh "$t"
done
if [ "$(id -u)" -eq 0 ]; then
	suite root tests/run-root.sh
else
	echo "ok - root suites # SKIP not running as root" | tee -a "$LOG"
fi

passed=$(grep -c '^ok' "$LOG")
failed=$(grep -c '^not ok' "$LOG")
echo
grep '^not ok' "$LOG" | sed 's/^/FAILED: /'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
