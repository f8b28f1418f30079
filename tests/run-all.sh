#!/bin/bash
# Runs every test suite and ends with one "N passed, M failed" line.
# Each suite speaks TAP ("ok ..." / "not ok ..."); a suite that exits
# non-zero without reporting a failure counts as one failure.
#
# T=NAME runs only the suites and root test files named NAME: "style",
# "layers",
# "unit/test_lint" or "test_lint", "security/t-race" or "t-race" (every
# file of that name, in whichever suite), or a folder: "unit", "pam".
# T="NAME NAME..." runs each of them.
set -u
cd "$(dirname "$0")/.."
export B=${B:-build}
export TOP=$PWD
T=${T:-}
LOG=$(mktemp)
OUT=$(mktemp)
HOST=$(mktemp)
trap 'rm -f "$LOG" "$OUT" "$HOST"' EXIT
matched=0

# wanted NAME: NAME is to run (T is empty, or one of its words is NAME,
# NAME's last part or NAME's folder).
wanted() {
	local w
	[ -z "$T" ] && return 0
	for w in $T; do
		w=${w#tests/}
		w=${w%.sh}
		if [ "$w" = "$1" ] || [ "$w" = "${1##*/}" ] || [ "$w" = "${1%%/*}" ]; then
			matched=$((matched + 1))
			return 0
		fi
	done
	return 1
}

suite() {
	wanted "$1" || return 0
	run_suite "$@"
}

run_suite() {
	local name=$1 rc
	shift
	echo "# ---- $name"
	"$@" 2>&1 | tee "$OUT" | tee -a "$LOG"
	rc=${PIPESTATUS[0]}
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$OUT"; then
		echo "not ok - suite $name exited with status $rc" | tee -a "$LOG"
	fi
}

suite style tests/style.sh
suite layers tests/layers.sh
suite man tests/man.sh
suite docs perl tests/docs.pl
suite glibc tests/glibc.sh
for t in "$B"/tests/unit/test_*; do
	[ -x "$t" ] || continue
	n=unit/$(basename "$t")
	wanted "$n" || continue
	run_suite "$n" tests/unit/run-unit.sh "$t"
	# How the engine names namespaces, also on its fallbacks: as on
	# Linux 5.14 (tests/lib/oldkernel.c, see tests/run-root.sh).
	[ "$n" != unit/test_ns ] ||
		run_suite "$n [Linux 5.14]" tests/unit/run-unit.sh \
			"$B/tests/oldkernel" "$t"
done
# Each root test file is its own process in its own sandbox namespace.
root_files=()
for f in tests/*/t-*.sh; do
	n=${f#tests/}
	wanted "${n%.sh}" && root_files+=("$f")
done
if [ ${#root_files[@]} -gt 0 ] && [ "$(id -u)" -eq 0 ]; then
	. tests/lib/host.sh
	host_leftovers
	host_state >"$HOST"
	run_suite root tests/run-root.sh "${root_files[@]}"
	run_suite host host_compare "$HOST"
elif [ ${#root_files[@]} -gt 0 ]; then
	echo "ok - root suites # SKIP not running as root" | tee -a "$LOG"
fi
if [ -n "$T" ] && [ $matched -eq 0 ]; then
	echo "not ok - T=$T names no test suite or file" | tee -a "$LOG"
fi

passed=$(grep -c '^ok' "$LOG")
failed=$(grep -c '^not ok' "$LOG")
echo
grep '^not ok' "$LOG" | sed 's/^/FAILED: /'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
