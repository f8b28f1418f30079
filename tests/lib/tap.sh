# TAP helpers for the shell test suites.  Each check prints one
# "ok N - ..." or "not ok N - ..." line; details go to "#" lines.

T_N=0
T_FAILED=0

ok() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $*"
}

not_ok() {
	T_N=$((T_N + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_N - $*"
}

diag() {
	printf '%s\n' "$@" | sed 's/^/#   /'
}

# expect_eq DESC ACTUAL EXPECTED
expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got:  '$2'" "want: '$3'"
	fi
}

# expect_ne DESC ACTUAL UNEXPECTED
expect_ne() {
	if [ "$2" != "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got '$2', which it must not be"
	fi
}

# expect_match DESC TEXT ERE
expect_match() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		ok "$1"
	else
		not_ok "$1"
		diag "no line matches /$3/ in:" "$2"
	fi
}

# expect_no_match DESC TEXT ERE
expect_no_match() {
	if ! printf '%s\n' "$2" | grep -Eq -- "$3"; then
		ok "$1"
	else
		not_ok "$1"
		diag "unexpected match of /$3/ in:" "$2"
	fi
}

# expect_true DESC COMMAND...
expect_true() {
	local d=$1
	shift
	if "$@"; then
		ok "$d"
	else
		not_ok "$d"
		diag "command failed: $*"
	fi
}

# field KEY TEXT: the value of the first "KEY=value" line of TEXT.
field() {
	printf '%s\n' "$2" | sed -n "s/^$1=//p" | head -n 1
}

# The end of a test file: runs every function named test_* defined so far
# (those matching the ERE $TEST_ONLY, when set), in name order, then
# prints the plan "1..N" (a file whose output lacks it stopped early) and
# exits 1 if a check failed.
run_tests() {
	local t s
	for t in $(declare -F | awk -v only="${TEST_ONLY:-}" \
		'$3 ~ /^test_/ && (only == "" || $3 ~ only) {print $3}'); do
		echo "# $t"
		s=$SECONDS
		"$t"
		echo "# $t: $((SECONDS - s)) s"
	done
	echo "1..$T_N"
	exit $((T_FAILED > 0))
}
