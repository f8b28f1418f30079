#!/bin/bash
# make bench, smoke-run only: a tiny run at the sandbox's own mount count
# must give every column a number, check that every column did its job,
# and leave no mount and no user behind.  No timing relation is tested:
# three rounds order nothing reliably (not even the floor against
# pam_permit), and the benchmark is not a timed test.

. "$(dirname "$0")/../lib/root.sh"

BENCH_COLUMNS="permit floor minimal pam_namespace pam_namespace-noinit pam_mntns
	pam_mntns-user"
# Unique per run: two test runs at once must not remove each other's user.
BENCH_USER=mntnstb$$

test_bench_smoke() {
	local dir out rc before col num='-?[0-9]+\.[0-9]{2}'
	dir=$(mktemp -d) || return
	before=$(mount_table)
	out=$(B=$B bench/run.sh -n 3 -w 1 -s 20 -u "$BENCH_USER" -o "$dir" \
		--no-plot 2>&1)
	rc=$?
	# Exit 0 means every column's checked warm-up sessions did the job
	# (the next test shows a column that does not fails the run).
	expect_eq "bench: a smoke run (3 rounds, one size) exits 0" "$rc" 0
	for col in $BENCH_COLUMNS; do
		expect_match "bench: column $col has a median and a p90" \
			"$out" "^\| $col \| [0-9]+ \([0-9]+\) \|$"
		expect_match "bench: column $col has an R value and its range" \
			"$out" "^\| $col \| $num \($num-$num\) \|$"
	done
	expect_eq "bench: results.tsv has a numeric line per column" \
		"$(awk 'NF == 9 && $1 == 20 && $2 ~ /^[0-9]+$/ &&
			$4 ~ /^[0-9.]+$/ && $7 ~ /^-?[0-9.]+$/' \
			"$dir/results.tsv" 2>/dev/null | wc -l)" \
		"$(echo $BENCH_COLUMNS | wc -w)"
	expect_eq "bench: no mount is left behind" "$(mount_table)" "$before"
	expect_eq "bench: the benchmark users are removed" \
		"$(id -u "$BENCH_USER" 2>/dev/null)$(id -u "${BENCH_USER}n" 2>/dev/null)" ""
	rm -rf "$dir"
}

# A column whose module does not do the job (pam_permit posing as a build
# of pam_mntns: no private /tmp) must fail the run, naming the column.
test_bench_refuses_a_column_that_does_not_do_the_job() {
	local dir out rc permit
	permit=$(find /lib /usr/lib -path '*/security/pam_permit.so' 2>/dev/null |
		head -n 1)
	dir=$(mktemp -d) || return
	out=$(B=$B bench/run.sh -n 1 -w 1 -s 20 -c '^pam_mntns-broken$' \
		-x "broken=$permit" -u "$BENCH_USER" -o "$dir" --no-plot 2>&1)
	rc=$?
	expect_eq "bench: a column without a private /tmp fails the run" \
		"$rc" 1
	expect_match "bench: ... naming the column and what is wrong" "$out" \
		"column pam_mntns-broken .*not the user's private 0700 tmpfs"
	rm -rf "$dir"
}

test_bench_refuses_bad_arguments() {
	local out rc
	out=$(bench/run.sh -n many 2>&1)
	rc=$?
	expect_eq "bench: a bad round count is refused (exit 1)" "$rc" 1
	expect_match "bench: ... with a message" "$out" "take numbers"
}

run_tests
