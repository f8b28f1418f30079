#!/bin/bash
# make bench-profile: callgrind (user-space instructions, exact) and perf
# (cpu-clock samples with call graphs, kernel and user) of the session
# children of permit, the floor, minimal and pam_mntns at one mount
# count, written to $O/profile-$SIZE.txt with the raw files beside it.
#
# Then a system-wide perf profile of login storms (PROFILE_STORM logins
# at once, default 32, PROFILE_BURSTS bursts) of the floor, pam_mntns
# and pam_mntns-user, one column at a time, written to
# $O/profile-storm-$SIZE.txt: the CPU time per login by what it went to
# (user space, copying the mount table, ending namespaces, spinning on
# namespace_sem, fork and exit, page faults, idle).
#
# Runs inside the benchmark's sandbox, as run.sh's --exec command, which
# sets $W (the sandbox directory), $O (the output directory), $SIZE,
# $MOUNTS, $SPECS and $STORM_SPECS (the loadgen column arguments):
#
#   bench/run.sh -s "20 5000" --exec bench/profile.sh
set -u
: "${W:?}" "${O:?}" "${SIZE:?}" "${MOUNTS:?}" "${SPECS:?}" "${STORM_SPECS:?}"
PROFILED="permit floor minimal pam_mntns"
PERF_SESSIONS=400
STORM=${PROFILE_STORM:-32}
BURSTS=${PROFILE_BURSTS:-16}
STORM_PROFILED="floor pam_mntns pam_mntns-user"
STORM_HZ=1000
# PROFILE_PARTS: "sessions" (one at a time), "storms" or both.
PARTS=${PROFILE_PARTS:-"sessions storms"}

spec_of() {
	printf '%s\n' ${2:-$SPECS} | grep "^$1="
}

# callgrind and perf of the sessions of a few columns at this size.
profile() {
	local s=$SIZE col pid
	for col in $PROFILED; do
		# -n 1 -w 1: the warm-up child, then the measured one.
		LD_PRELOAD=$W/bin/vgshim.so valgrind --tool=callgrind \
			--callgrind-out-file="$O/callgrind-$s-$col.%p" \
			"$W/bin/loadgen" -c "$W/pam.d" -n 1 -w 1 "$(spec_of "$col")" \
			>/dev/null 2>"$O/callgrind-$s-$col.log" &
		pid=$!
		wait "$pid" || echo "bench: callgrind of $col failed" >&2
		# The load generator's own profile; the children's are kept.
		rm -f "$O/callgrind-$s-$col.$pid"
	done
	# One interleaved run for all columns, children named by column.
	if command -v perf >/dev/null; then
		perf record -q -e cpu-clock -F 10000 -g -o "$O/perf-$s.data" \
			-- "$W/bin/loadgen" -c "$W/pam.d" -n "$PERF_SESSIONS" \
			-w 1 -N $(for col in $PROFILED; do spec_of "$col"; done) \
			>"$O/perf-$s.txt" 2>"$O/perf-$s.log" ||
			echo "bench: perf failed" >&2
	fi
	profile_report "$s" >"$O/profile-$s.txt"
}
# The inclusive instruction count of function @2 in callgrind file @1.
ir_of() {
	callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
		awk -v fn="$2" '$0 ~ ":" fn "[ .\\[]" || $0 ~ ":" fn "$" {
			gsub(/,/, "", $1); print $1; exit }'
}

# Function @2 in callgrind file @1 and what it calls, inclusive counts.
tree_of() {
	callgrind_annotate --inclusive=yes --tree=calling --threshold=100 \
		"$1" 2>/dev/null | awk -v fn="$2" '
		/^ *[0-9,]+ \([ 0-9.]+%\)  \*  / {
			flush(); cur = $0 ~ (":" fn "( |$)") ? $0 : ""; n = 0; next }
		cur != "" && /  >   / { lines[++n] = $0; next }
		cur != "" && /^$/ { flush() }
		function flush(  i) {
			if (cur != "" && n > best) {
				best = n; out = cur
				for (i = 1; i <= n; i++) out = out "\n" lines[i]
			}
			cur = ""
		}
		END { flush(); if (out != "") print out "\n" }'
}

# The measured (last) session child's callgrind file of column @2.
callgrind_file() {
	local f
	for f in "$O"/callgrind-"$1"-"$2".*; do
		case $f in *.log | *"*"*) ;; *) echo "$f" ;; esac
	done | sort -t. -k2 -n | tail -n 1
}

profile_report() {
	local s=$1 col f fn
	echo "# Profiles at $MOUNTS mounts"
	echo
	echo "## callgrind: user-space instructions of one session child"
	echo
	printf '%-12s' column
	for fn in pam_start_confdir pam_open_session pam_close_session \
		pam_end exit; do
		printf ' %18s' "$fn"
	done
	echo
	for col in $PROFILED; do
		f=$(callgrind_file "$s" "$col")
		[ -n "$f" ] || continue
		printf '%-12s' "$col"
		for fn in pam_start_confdir pam_open_session pam_close_session \
			pam_end exit; do
			printf ' %18s' "$(ir_of "$f" "$fn")"
		done
		echo
	done
	f=$(callgrind_file "$s" pam_mntns)
	if [ -n "$f" ]; then
		echo
		echo "## callgrind: pam_mntns, what its entry points call (inclusive)"
		echo
		for fn in pam_sm_open_session session_open apply_plan \
			pam_sm_close_session; do
			tree_of "$f" "$fn"
		done
		echo "## callgrind: the dynamic loader, inclusive (pam_start_confdir loads the module)"
		echo
		for col in $PROFILED; do
			echo "$col: _dl_open $(ir_of "$(callgrind_file "$s" "$col")" _dl_open)"
		done
	fi
	command -v perf >/dev/null || return 0
	echo
	echo "## perf cpu-clock: microseconds per session by where they are spent"
	echo
	echo "(kernel time by the system call's libc wrapper; sampled at 10 kHz"
	echo "over $((PERF_SESSIONS + 1)) sessions; perf itself adds overhead)"
	echo
	perf script -i "$O/perf-$s.data" -F comm,ip,sym,dso 2>/dev/null |
		awk -f bench/perf-classes.awk |
		awk '{ print $2, $1, $3 }' |
		awk -v n=$((PERF_SESSIONS + 1)) -v cols="$PROFILED" '
		function row(name,   i, line) {
			line = sprintf("%-24s", name)
			for (i = 1; i <= nc; i++)
				line = line sprintf(" %9.1f", v[name, c[i]] * 100 / n)
			return line sprintf(" %9.1f %9.1f",
				(v[name, "pam_mntns"] - v[name, "floor"]) * 100 / n,
				(v[name, "pam_mntns"] - v[name, "minimal"]) * 100 / n)
		}
		{ v[$3, $1] += $2; v["TOTAL", $1] += $2; k[$3] = 1 }
		END {
			nc = split(cols, c, " ")
			printf "%-24s", "where"
			for (i = 1; i <= nc; i++) printf " %9s", c[i]
			printf " %9s %9s\n", "-floor", "-minimal"
			print row("TOTAL")
			for (x in k) print row(x) | "sort -k" nc + 2 " -rn | head -n 30"
		}'
}

# Storms of one column at a time under a system-wide profile: a login
# that waits for namespace_sem leaves its CPU idle unless another login
# can run, so idle time is part of the answer.
profile_storm() {
	local s=$SIZE col
	command -v perf >/dev/null || return 0
	for col in $STORM_PROFILED; do
		perf record -q -a -e cpu-clock -F "$STORM_HZ" -g \
			-o "$O/perf-storm-$s-$col.data" -- "$W/bin/loadgen" \
			-c "$W/pam.d" -S "$STORM" -n "$BURSTS" -w 1 -N \
			"$(spec_of "$col" "$STORM_SPECS")" \
			>"$O/perf-storm-$s-$col.txt" \
			2>"$O/perf-storm-$s-$col.log" ||
			echo "bench: perf of a storm of $col failed" >&2
	done
	storm_report "$s" >"$O/profile-storm-$s.txt"
}

storm_report() {
	local s=$1 col logins=$((STORM * (BURSTS + 1)))
	echo "# Storms of $STORM logins at $MOUNTS mounts, one column at a time"
	echo
	echo "CPU milliseconds per login ($logins logins: $BURSTS bursts and"
	echo "a warm-up burst; system-wide cpu-clock at $STORM_HZ Hz on $(nproc) CPUs;"
	echo "\"other\" is every other process: the load generator, which forks"
	echo "and reaps every login, perf itself, kernel threads; logins/s from"
	echo "the load generator, without the warm-up burst)"
	echo
	for col in $STORM_PROFILED; do
		[ -f "$O/perf-storm-$s-$col.data" ] || continue
		perf script -i "$O/perf-storm-$s-$col.data" -F comm,ip,sym,dso \
			2>/dev/null | awk -v storm=1 -f bench/perf-classes.awk |
			awk -v col="$col" '{
				cls = $3
				if ($2 != col && cls != "idle") cls = "other"
				else if (cls ~ /^user:/)
					cls = cls ~ /(pam_mntns|floor)\.so$/ ? \
						"user:module" : "user:libs"
				print col, cls, $1 }'
	done | awk -v hz="$STORM_HZ" -v n="$logins" -v cols="$STORM_PROFILED" \
		-v dir="$O" -v s="$s" '
		{ v[$2, $1] += $3; tot[$1] += $3; k[$2] = 1 }
		END {
			nc = split(cols, c, " ")
			printf "| where |"
			for (i = 1; i <= nc; i++) printf " %s |", c[i]
			printf "\n|---|"
			for (i = 1; i <= nc; i++) printf "---:|"
			printf "\n| logins/s |"
			for (i = 1; i <= nc; i++) {
				f = dir "/perf-storm-" s "-" c[i] ".txt"
				r = "-"
				while ((getline line < f) > 0) {
					split(line, w, " ")
					if (w[1] == c[i]) r = w[4]
				}
				close(f)
				printf " %s |", r
			}
			printf "\n"
			split("user:module user:libs fork fault copy teardown lock kernel other idle", order, " ")
			for (j = 1; j in order; j++) {
				x = order[j]
				if (!(x in k)) continue
				printf "| %s |", x
				for (i = 1; i <= nc; i++)
					printf " %.2f |", v[x, c[i]] * 1000 / hz / n
				printf "\n"
			}
			printf "| total |"
			for (i = 1; i <= nc; i++)
				printf " %.2f |", tot[c[i]] * 1000 / hz / n
			printf "\n"
		}'
}

case " $PARTS " in *" sessions "*) profile ;; esac
case " $PARTS " in *" storms "*) profile_storm ;; esac
