# The start of every root test file (tests/*/t-*.sh).  Each file is its
# own bash process in its own sandbox namespace (tests/lib/sandbox.sh),
# in the manner of util-linux's tests: what one file defines, leaves
# behind or breaks cannot reach another, and one file runs alone:
#
#   #!/bin/bash
#   . "${0%/*}/../lib/root.sh"
#   . tests/SUITE/lib.sh         # the suite's helpers, if any
#   test_...() { ... }
#   run_tests
#
# run as "tests/SUITE/t-NAME.sh" (as root) or "make check T=SUITE/t-NAME";
# TEST_ONLY=ERE runs only the test functions matching it.

set -u
# The sandbox re-executes this file from the source tree: remember where
# it is before going there.
SANDBOX_SCRIPT=$(realpath "$0") || exit 1
cd "$(dirname "$SANDBOX_SCRIPT")/../.." || exit 1
export TOP=${TOP:-$PWD} B=${B:-build}
. tests/lib/tap.sh
. tests/lib/sandbox.sh
sandbox_enter "$@"
