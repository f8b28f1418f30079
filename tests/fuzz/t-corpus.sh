#!/bin/bash
# The fuzz target (make fuzz) once over its seed corpus, so that the
# parser and planner checks of tests/fuzz/fuzz_conf.c hold for every seed
# in each "make check".  Skipped when clang, and so the target, is
# missing.

. "$(dirname "$0")/../lib/root.sh"

test_fuzz_corpus_replay() {
	local bin=$B/fuzz/fuzz_conf n rc
	n=$(find tests/fuzz/corpus -type f | wc -l)
	if [ ! -x "$bin" ]; then
		ok "fuzz target over its $n seeds # SKIP $bin not built (needs clang)"
		return
	fi
	"$bin" -runs=0 tests/fuzz/corpus >"$W/fuzz-replay.log" 2>&1
	rc=$?
	expect_eq "fuzz target over its $n seeds: no crash, every check holds" \
		"$rc" 0
	[ $rc -eq 0 ] || diag "$(tail -n 20 "$W/fuzz-replay.log")"
}

run_tests
