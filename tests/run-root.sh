#!/bin/bash
# Root suites: the built pam_mntns.so through real libpam, inside the
# sandbox namespace of tests/lib/sandbox.sh.
set -u
cd "$(dirname "$0")/.."
export TOP=${TOP:-$PWD} B=${B:-build}
. tests/lib/tap.sh
. tests/lib/sandbox.sh
sandbox_enter "$@"
for f in tests/*/t-*.sh; do
	. "$f"
done
run_tests
