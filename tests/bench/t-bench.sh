#!/bin/bash
# make bench, smoke-run only: a tiny run at the sandbox's own mount count
# (three rounds one at a time, storms of 2 and 4 logins, 4 sessions held
# for the memory part) must give every column a number in every table,
# check that every column did its job, and leave no mount and no user
# behind.  No timing relation is tested: three rounds order nothing
# reliably (not even the floor against pam_permit), and the benchmark is
# not a timed test.

. "$(dirname "$0")/../lib/root.sh"

BENCH_COLUMNS="permit floor minimal pam_namespace pam_namespace-noinit pam_mntns
	pam_mntns-user pam_mntns-user-first pam_mntns-user-linger"
BENCH_STORM_COLUMNS="permit floor pam_namespace pam_mntns pam_mntns-user"
BENCH_MEM_COLUMNS="permit floor pam_mntns pam_mntns-user"
# Unique per run: two test runs at once must not remove each other's user.
BENCH_USER=mntnstb$$

# The calls column @1 makes over pam_permit in a loadgen -T file @2:
# "NAME=N ... total=N", names sorted, calls made as often left out.
syscalls_over() {
	awk -v col="$1" '
		$1 == "permit" || $1 == col {
			t[$1] = $2
			for (i = 3; i <= NF; i++) {
				split($i, nv, "="); n[$1, nv[1]] = nv[2]; c[nv[1]] = 1
			}
		}
		END {
			for (x in c) if (n[col, x] != n["permit", x])
				printf "%s=%d\n", x, n[col, x] - n["permit", x]
			printf "~total=%d\n", t[col] - t["permit"]
		}' "$2" | sort | tr '\n' ' ' | sed 's/~//; s/ $//'
}

test_bench_smoke() {
	local dir out rc before col num='-?[0-9]+\.[0-9]{2}' ms='[0-9]+\.[0-9]'
	dir=$(mktemp -d) || return
	before=$(mount_table)
	out=$(B=$B bench/run.sh -n 3 -w 1 -s 20 -C "2 4" -L 4 -m 20 -M 4 \
		-u "$BENCH_USER" -o "$dir" 2>&1)
	rc=$?
	# Exit 0 means every column's checked warm-up sessions, every login
	# of the storms and every held session did the job (the next test
	# shows a column that does not fails the run).
	expect_eq "bench: a smoke run (3 rounds, storms, memory) exits 0" \
		"$rc" 0
	for col in $BENCH_COLUMNS; do
		expect_match "bench: column $col has a median and a p90" \
			"$out" "^\| $col \| [0-9]+ \([0-9]+\) \|$"
		expect_match "bench: column $col has an R value and its range" \
			"$out" "^\| $col \| $num \($num-$num\) \|$"
	done
	expect_eq "bench: the load generator gives a numeric line per column" \
		"$(awk 'NF == 11 && $2 ~ /^[0-9.]+$/ && $9 ~ /^-?[0-9.]+$/' \
			"$dir/latency-20.txt" 2>/dev/null | wc -l)" \
		"$(echo $BENCH_COLUMNS | wc -w)"
	for col in $BENCH_COLUMNS; do
		expect_match "bench: column $col has its system calls, here and as 5.14" \
			"$out" "^\| $col \| [1-9][0-9]* \([-+][0-9]+\) \| [1-9][0-9]* \([-+][0-9]+\) \|$"
	done
	# The floor makes exactly what the job needs over libpam: unshare,
	# "/" rslave and two tmpfs mounts, and pam_permit's calls otherwise.
	expect_eq "bench: the floor counts 4 system calls over pam_permit" \
		"$(syscalls_over floor "$dir/syscalls-20.txt")" \
		"mount=3 unshare=1 total=4"
	expect_eq "bench: ... as on 5.14 too" \
		"$(syscalls_over floor "$dir/syscalls-5.14-20.txt")" \
		"mount=3 unshare=1 total=4"
	expect_match "bench: the table of calls by kind names pam_mntns's" \
		"$out" "^\| namespaces and mounts( \| [-+][0-9]+){8} \|$"
	# A login back to a namespace a closed session left a process in
	# joins it, as one with a session held open does.  (Not asserted as
	# 5.14: a pin from a nested namespace fails now and then there.)
	expect_no_match "bench: the linger column's login joins, making no namespace" \
		"$(syscalls_over pam_mntns-user-linger "$dir/syscalls-20.txt")" \
		'unshare='
	expect_match "bench: ... it enters one" \
		"$(syscalls_over pam_mntns-user-linger "$dir/syscalls-20.txt")" \
		'setns='
	for col in $BENCH_STORM_COLUMNS; do
		expect_match "bench: storm column $col has logins/s at C = 2 and 4" \
			"$out" "^\| [0-9]+ \| $col \| [0-9]+ \($num\) \| [0-9]+ \($num\) \|$"
		expect_match "bench: storm column $col has p50 and p99 latencies" \
			"$out" "^\| [0-9]+ \| $col \| $ms / $ms \($num\) \| $ms / $ms \($num\) \|$"
	done
	for col in $BENCH_MEM_COLUMNS; do
		expect_match "bench: memory column $col has its growth per session" \
			"$out" "^\| [0-9]+ \| $col \| 4 \| 4( \| -?[0-9.]+){7} \|$"
	done
	expect_eq "bench: the memory readings: a line per column and count" \
		"$(grep -c '^[a-z_-]* [0-4] ' "$dir/memraw-20.txt" 2>/dev/null)" \
		"$(($(echo $BENCH_MEM_COLUMNS | wc -w) * 5))"
	if command -v gnuplot >/dev/null; then
		expect_eq "bench: the three plots are drawn" \
			"$(ls "$dir"/plot.png "$dir"/plot-storm.png \
				"$dir"/plot-memory.png 2>/dev/null | wc -l)" 3
	fi
	expect_eq "bench: no mount is left behind" "$(mount_table)" "$before"
	expect_eq "bench: the benchmark users are removed" \
		"$(getent passwd | grep -c "^$BENCH_USER")" 0
	rm -rf "$dir"
}

# A column whose module does not do the job (pam_permit posing as a build
# of pam_mntns: no private /tmp) must fail the run, naming the column.
test_bench_refuses_a_column_that_does_not_do_the_job() {
	local dir out rc permit
	permit=$(find /lib /usr/lib -path '*/security/pam_permit.so' 2>/dev/null |
		head -n 1)
	dir=$(mktemp -d) || return
	out=$(B=$B bench/run.sh -n 1 -w 1 -s 20 -C 2 -L 2 -m "" \
		-c '^pam_mntns-broken$' -x "broken=$permit" -u "$BENCH_USER" \
		-o "$dir" --no-plot 2>&1)
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
