#!/bin/bash
# make bench: per-session login latency of pam_mntns against libpam alone
# (pam_permit), the floor (bench/floor.c: only the system calls the job
# needs) and the system's pam_namespace, at several host mount-table
# sizes, all columns interleaved in one load generator run per size.
#
# Runs in a sandbox mount namespace of its own (re-executes itself under
# unshare): "/" is made rshared like a systemd host, /tmp, /var/tmp, /run
# and /home are private tmpfs, pam_namespace's config files are replaced
# by bind mounts that only the sandbox sees, and the extra host mounts are
# made there.  The benchmark users (prefix mntnsbench) are removed on
# exit, even on failure.  Nothing is left on the host.
#
# Usage: bench/run.sh [-n ROUNDS] [-w WARMUP] [-s "SIZES"] [-o OUTDIR]
#                     [-u USER] [--record] [--profile] [--no-plot]
#                     [--lookup] [--exec CMD] [-c REGEX] [-x NAME=MODULE]
#
# -c REGEX measures only the columns whose name matches (permit and floor
# always run); -x NAME=MODULE adds a column pam_mntns-NAME with another
# build of pam_mntns.so, to compare two builds in one interleaved run.
#
# --lookup makes each session child look the user up before pam_start,
# as login, su and sshd do, so that a module's own lookup finds the NSS
# code already paged in (off by default: the child is exactly start,
# open, close, end, exit).
#
# --exec CMD runs CMD (with bash) in the prepared sandbox at the largest
# size instead of measuring, e.g. to profile by hand; it sees $W (the
# sandbox directory: bin/loadgen, pam.d), $O (the output directory) and
# $SPECS (the loadgen column arguments).
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
ROUNDS=${BENCH_ROUNDS:-1000}
WARMUP=3
SIZES=${BENCH_SIZES:-"20 1000 5000"}
OUT=""
BUSER=mntnsbench
RECORD=0
PROFILE=0
PLOT=1
EXEC=""
LOOKUP=""
BLOCKS=5
ONLY=""
EXTRA=()
ARGS=("$@")

usage() {
	sed -n 's/^# Usage: //p; s/^#  \{18\}/                    /p' "$0"
	exit "${1:-0}"
}

while [ $# -gt 0 ]; do
	case $1 in
	-n) ROUNDS=$2; shift ;;
	-w) WARMUP=$2; shift ;;
	-s) SIZES=$2; shift ;;
	-o) OUT=$2; shift ;;
	-u) BUSER=$2; shift ;;
	--record) RECORD=1 ;;
	--profile) PROFILE=1 ;;
	--no-plot) PLOT=0 ;;
	--lookup) LOOKUP=-l ;;
	--exec) EXEC=$2; shift ;;
	-c) ONLY=$2; shift ;;
	-x) EXTRA+=("$2"); shift ;;
	-h | --help) usage 0 ;;
	*) echo "bench/run.sh: unknown argument '$1'" >&2; usage 1 >&2 ;;
	esac
	shift || usage 1 >&2
done

die() {
	echo "bench: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "must run as root (it makes mount namespaces)"
case $ROUNDS$WARMUP in *[!0-9]*) die "-n and -w take numbers" ;; esac
SIZES=$(printf '%s\n' $SIZES | sort -n | tr '\n' ' ')
case $SIZES in *[!0-9\ ]* | "") die "-s takes mount counts" ;; esac

# ---- the sandbox ------------------------------------------------------

# Re-executes this script in a new private mount namespace.  Also used
# from the test sandbox, which is then the "host": our mounts stay ours.
if [ "${MNTNS_BENCH_PARENT_NS:-}" = "" ]; then
	MNTNS_BENCH_PARENT_NS=$(readlink /proc/self/ns/mnt)
	export MNTNS_BENCH_PARENT_NS
	exec unshare --mount --propagation private -- "$0" ${ARGS[@]+"${ARGS[@]}"}
	die "cannot run unshare"
fi
[ "$(readlink /proc/self/ns/mnt)" != "$MNTNS_BENCH_PARENT_NS" ] ||
	die "refusing to run in the caller's mount namespace"
unset MNTNS_BENCH_PARENT_NS

STAMP=$(date -u +%Y%m%d-%H%M%S)
if [ -z "$OUT" ]; then
	OUT=bench/results/run-$STAMP
	LATEST=bench/results/latest
fi
mkdir -p "$OUT" || die "cannot create $OUT"
# Opened before /tmp, /var/tmp, /run and /home are covered: the output
# directory is reached through this descriptor wherever it lives.  The
# source tree is the working directory, which stays valid the same way.
exec {OUTFD}<"$OUT" || die "cannot open $OUT"
# Modules given with -x, opened here for the same reason.
declare -A EXTRA_FD=()
for x in ${EXTRA[@]+"${EXTRA[@]}"}; do
	case $x in
	[a-z]*=?*) exec {fd}<"${x#*=}" || die "cannot open ${x#*=}"
		EXTRA_FD[${x%%=*}]=$fd ;;
	*) die "-x takes NAME=MODULE" ;;
	esac
done
O=/proc/$$/fd/$OUTFD

W=/run/mntnsbench
U1=$BUSER
U2=${BUSER}n
PIDS=""

mount --make-rshared / &&
	mount -t tmpfs -o mode=1777 mntnsbench /tmp &&
	mount -t tmpfs -o mode=1777 mntnsbench /var/tmp &&
	mount -t tmpfs -o mode=0755 mntnsbench /run &&
	mount -t tmpfs -o mode=0755 mntnsbench /home ||
	die "cannot set up the sandbox namespace"
mkdir -p "$W/bin" "$W/pam.d" "$W/etc/namespace.d" "$W/m" &&
	cp "$B/pam_mntns.so" "$B/bench/floor.so" "$B/bench/minimal.so" \
		"$B/bench/loadgen" "$B/tests/vgshim.so" "$W/bin/" ||
	die "cannot copy the build ($B) into the sandbox: run make first"
for x in ${!EXTRA_FD[@]}; do
	cp "/proc/$$/fd/${EXTRA_FD[$x]}" "$W/bin/extra-$x.so" ||
		die "cannot copy the module given as $x"
done

users_remove() {
	local u
	for u in "$U1" "$U2"; do
		id "$u" >/dev/null 2>&1 && userdel "$u" >/dev/null 2>&1
	done
	return 0
}

# useradd waits for nobody: retry while another tool holds /etc/passwd.
user_add() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		useradd -m -s /bin/sh "$1" 2>/dev/null && return 0
		sleep 0.3
	done
	die "cannot create user $1"
}

bench_cleanup() {
	local p
	for p in $PIDS; do
		kill -TERM "$p" 2>/dev/null
	done
	users_remove
}

users_remove
trap bench_cleanup EXIT
trap 'exit 130' INT TERM HUP
user_add "$U1"
user_add "$U2"
UID1=$(id -u "$U1") GID1=$(id -g "$U1")
UID2=$(id -u "$U2") GID2=$(id -g "$U2")

# ---- the columns --------------------------------------------------------

# One line per column: NAME USER LOADGEN-FLAGS MODULE [ARGS...].  A
# column is one PAM service whose session stack is that one module.
# "minimal" (bench/minimal.c) calibrates the budget: the least a real
# module does (user lookup, config read, symlink-safe target walk).
columns() {
	all_columns | awk -v only="$ONLY" \
		'only == "" || $1 ~ /^(permit|floor)$/ || $1 ~ only'
}

all_columns() {
	local x
	for x in ${EXTRA[@]+"${EXTRA[@]}"}; do
		echo "pam_mntns-${x%%=*} $U1 tmp $W/bin/extra-${x%%=*}.so conf=$W/pam_mntns.conf scope=session"
	done
	sed -e '/^#/d' <<C
permit               $U1 -   pam_permit.so
floor                $U1 tmp $W/bin/floor.so uid=$UID1 gid=$GID1
minimal              $U1 tmp $W/bin/minimal.so conf=$W/pam_mntns.conf
pam_namespace        $U1 tmp pam_namespace.so
pam_namespace-noinit $U2 tmp pam_namespace.so
pam_mntns            $U1 tmp $W/bin/pam_mntns.so conf=$W/pam_mntns.conf scope=session
# scope=user: every session joins the namespace of a session of the same
# user that is held open ("hold"): what a second login pays.
pam_mntns-user       $U1 tmp:hold $W/bin/pam_mntns.so conf=$W/pam_mntns.conf scope=user
C
}

# The same job for every module: a private tmpfs /tmp and /var/tmp, mode
# 0700, owned by the user, nosuid,nodev.
write_configs() {
	printf '%s required pam_deny.so\n' auth account password session \
		>"$W/pam.d/other"
	# libpam lower-cases service names before it looks for the file.
	columns | while read -r name user flags module args; do
		echo "session required $module $args" \
			>"$W/pam.d/bench-$(service_of "$name")"
	done
	cat >"$W/pam_mntns.conf" <<C
$U1  /tmp      tmpfs  -  mode=0700
$U1  /var/tmp  tmpfs  -  mode=0700
C
	chmod 0644 "$W/pam_mntns.conf"
	local o1="mode=0700,uid=$UID1,gid=$GID1,nosuid,nodev"
	local o2="mode=0700,uid=$UID2,gid=$GID2,nosuid,nodev"
	echo "# pam_mntns benchmark: the rules are in namespace.d" \
		>"$W/etc/namespace.conf"
	cat >"$W/etc/namespace.d/mntnsbench.conf" <<C
/tmp      /tmp-inst/          tmpfs:mntopts=$o1         ~$U1
/var/tmp  /var/tmp/tmp-inst/  tmpfs:mntopts=$o1         ~$U1
/tmp      /tmp-inst/          tmpfs:noinit:mntopts=$o2  ~$U2
/var/tmp  /var/tmp/tmp-inst/  tmpfs:noinit:mntopts=$o2  ~$U2
C
	# The system's init script, as shipped, on a copy of our own.
	cp /etc/security/namespace.init "$W/etc/namespace.init" &&
		chmod 0755 "$W/etc/namespace.init" || return 1
	local f
	for f in namespace.conf namespace.d namespace.init; do
		[ -e "/etc/security/$f" ] ||
			die "/etc/security/$f is missing (install libpam-modules)"
		mount --bind "$W/etc/$f" "/etc/security/$f" || return 1
	done
}

service_of() {
	printf '%s' "$1" | tr '[:upper:]' '[:lower:]'
}

column_specs() {
	columns | while read -r name user flags module args; do
		[ "$flags" = - ] && flags="" || flags=":$flags"
		echo "$name=bench-$(service_of "$name"):$user$flags"
	done
}

mount_count() {
	wc -l </proc/self/mountinfo
}

# Small tmpfs mounts under a sandbox-only directory until the table has
# @1 entries; they are shared, as on a systemd host.
grow_mounts() {
	local want=$1 have i
	have=$(mount_count)
	[ "$have" -lt "$want" ] || return 0
	(cd "$W/m" && mkdir $(seq "$have" $((want - 1)))) || return 1
	for i in $(seq "$have" $((want - 1))); do
		mount -t tmpfs -o size=16k,mode=0755 mntnsbench-m "$W/m/$i" ||
			return 1
	done
}

# Runs the load generator in the background so the trap can end it.
loadgen() {
	"$W/bin/loadgen" -c "$W/pam.d" "$@" &
	PIDS="$PIDS $!"
	wait $!
}

# ---- results ------------------------------------------------------------

# R from each of @2 consecutive blocks of rounds of raw-@1.txt:
# "COLUMN RMIN RMAX" lines, the noise of R itself.
r_ranges() {
	awk -v blocks="$2" '
		function median(b, c,   n, i, j, x, v) {
			n = cnt[b, c]
			for (i = 1; i <= n; i++) v[i] = val[b, c, i]
			for (i = 2; i <= n; i++) {
				x = v[i]
				for (j = i - 1; j >= 1 && v[j] > x; j--) v[j + 1] = v[j]
				v[j + 1] = x
			}
			return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		}
		/^#/ { next }
		{ r = $1; if (r > last) last = r; row[NR] = $0
		  if (!($2 in seen)) { seen[$2] = 1; col[++nc] = $2 } }
		END {
			nr = last + 1
			for (k in row) {
				split(row[k], f, " ")
				b = int(f[1] * blocks / nr)
				val[b, f[2], ++cnt[b, f[2]]] = f[3]
			}
			for (b = 0; b < blocks; b++) {
				p = median(b, "permit"); d = median(b, "floor") - p
				for (j = 1; j <= nc; j++) {
					c = col[j]
					r = d > 0 ? (median(b, c) - p) / d : 0
					if (b == 0 || r < lo[c]) lo[c] = r
					if (b == 0 || r > hi[c]) hi[c] = r
				}
			}
			for (j = 1; j <= nc; j++)
				printf "%s %.2f %.2f\n", col[j], lo[col[j]], hi[col[j]]
		}' "$O/raw-$1.txt"
}

# From size-N.txt and raw-N.txt: one line per size and column,
# "SIZE MOUNTS COLUMN MEDIAN P90 SPREAD% R RMIN RMAX".
collect() {
	local s b=$BLOCKS
	[ "$ROUNDS" -ge "$b" ] || b=$ROUNDS
	for s in $SIZES; do
		r_ranges "$s" "$b" >"$O/rrange-$s.txt"
		awk -v size="$s" -v mounts="$(cat "$O/mounts-$s")" '
			FNR == NR { lo[$1] = $2; hi[$1] = $3; next }
			/^#/ { next }
			{ name[++n] = $1; med[$1] = $2; p90[$1] = $3; spr[$1] = $6 }
			END {
				d = med["floor"] - med["permit"]
				for (i = 1; i <= n; i++) {
					c = name[i]
					r = d > 0 ? (med[c] - med["permit"]) / d : 0
					printf "%s %s %s %.1f %.1f %.1f %.2f %.2f %.2f\n",
						size, mounts, c, med[c], p90[c], spr[c], r,
						lo[c], hi[c]
				}
			}' "$O/rrange-$s.txt" "$O/size-$s.txt"
	done
}

# results.tsv -> the Markdown tables (medians with p90, R, noise).
tables() {
	awk '
		{ sz = $1; if (!(sz in seen)) { seen[sz] = 1; size[++ns] = sz; mnt[sz] = $2 }
		  c = $3; if (!(c in cseen)) { cseen[c] = 1; col[++nc] = c }
		  med[sz, c] = $4; p90[sz, c] = $5; spr[sz, c] = $6; r[sz, c] = $7
		  lo[sz, c] = $8; hi[sz, c] = $9 }
		function header(what,   i, line, sep) {
			line = "| " what; sep = "|---"
			for (i = 1; i <= ns; i++) {
				line = line " | " mnt[size[i]] " mounts"; sep = sep "|---:"
			}
			print line " |"; print sep "|"
		}
		END {
			print "Median per session in microseconds (p90 in brackets):\n"
			header("column")
			for (j = 1; j <= nc; j++) {
				line = "| " col[j]
				for (i = 1; i <= ns; i++)
					line = line sprintf(" | %.0f (%.0f)", med[size[i], col[j]], p90[size[i], col[j]])
				print line " |"
			}
			print "\nR = (X - permit) / (floor - permit) from the medians; in brackets"
			print "the lowest and highest R of the " blocks " blocks of consecutive rounds:\n"
			header("column")
			for (j = 1; j <= nc; j++) {
				line = "| " col[j]
				for (i = 1; i <= ns; i++)
					line = line sprintf(" | %.2f (%.2f-%.2f)", r[size[i], col[j]], lo[size[i], col[j]], hi[size[i], col[j]])
				print line " |"
			}
			print "\nNoise: range of the medians of the " blocks " blocks of consecutive rounds, in % of the median:\n"
			header("column")
			for (j = 1; j <= nc; j++) {
				line = "| " col[j]
				for (i = 1; i <= ns; i++)
					line = line sprintf(" | %.1f%%", spr[size[i], col[j]])
				print line " |"
			}
		}' blocks="$BLOCKS" "$O/results.tsv"
}

plot() {
	if ! command -v gnuplot >/dev/null; then
		echo "bench: gnuplot is missing (make bench-deps); no plot" >&2
		return 0
	fi
	# plot.dat: one row per size, one median column per module.
	awk '{ if (!($1 in s)) { s[$1] = 1; sz[++n] = $1; m[$1] = $2 }
	       if (!($3 in c)) { c[$3] = 1; col[++k] = $3 }; v[$1, $3] = $4 }
	     END { printf "mounts"; for (j = 1; j <= k; j++) printf " %s", col[j]; print ""
	           for (i = 1; i <= n; i++) { printf "%s", m[sz[i]]
	             for (j = 1; j <= k; j++) printf " %s", v[sz[i], col[j]]; print "" } }' \
		"$O/results.tsv" >"$O/plot.dat"
	gnuplot <<G || echo "bench: gnuplot failed" >&2
set terminal pngcairo size 900,560 font ",11" noenhanced
set output "$O/plot.png"
set title "Login latency: one PAM session (fork, start, open, close, end, exit)\n$(nproc) CPUs, Linux $(uname -r), $ROUNDS rounds, $(date -u +%Y-%m-%d)"
set xlabel "mounts in the host's mount table"
set ylabel "median per session (microseconds)"
set logscale xy
set grid
set key top left
set xtics ($(awk 'NR > 1 { printf "%s\"%s\" %s", (NR > 2 ? ", " : ""), $1, $1 }' "$O/plot.dat"))
plot for [i=2:$(head -n 1 "$O/plot.dat" | wc -w)] "$O/plot.dat" using 1:i with linespoints lw 2 pt 7 title columnheader(i)
G
}

machine() {
	echo "- machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), Linux $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME"), libpam $(dpkg-query -W -f '${Version}' libpam0g 2>/dev/null)"
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), pam_mntns built from $(git describe --always --dirty 2>/dev/null || echo "an unknown tree")"
	echo "- rounds: $ROUNDS per size (plus $WARMUP checked warm-up rounds), every column once per round, in a shuffled order${LOOKUP:+; the child looks the user up before pam_start (--lookup)}"
}

# Replaces the generated part of bench/RESULTS.md and bench/plot.png.
record() {
	local md=bench/RESULTS.md new
	[ -f "$md" ] || printf '# Benchmark results\n\n<!-- bench:begin -->\n<!-- bench:end -->\n' >"$md"
	new=$(mktemp)
	{
		sed -n '1,/<!-- bench:begin -->/p' "$md"
		echo
		echo "Latest \`make bench\` run:"
		echo
		machine
		echo
		cat "$O/results.md"
		echo
		sed -n '/<!-- bench:end -->/,$p' "$md"
	} >"$new" && cat "$new" >"$md"
	rm -f "$new"
	[ ! -f "$O/plot.png" ] || cp "$O/plot.png" bench/plot.png
}

# ---- profiles -------------------------------------------------------------

PROFILED="permit floor minimal pam_mntns"
PERF_SESSIONS=400

# callgrind (user-space instructions, exact) and perf (cpu-clock samples,
# kernel and user) of the sessions of a few columns at this size.
profile() {
	local s=$1 col spec pid
	for col in $PROFILED; do
		spec=$(column_specs | grep "^$col=")
		# -n 1 -w 1: the warm-up child, then the measured one.
		LD_PRELOAD=$W/bin/vgshim.so valgrind --tool=callgrind \
			--callgrind-out-file="$O/callgrind-$s-$col.%p" \
			"$W/bin/loadgen" -c "$W/pam.d" -n 1 -w 1 "$spec" \
			>/dev/null 2>"$O/callgrind-$s-$col.log" &
		pid=$!
		PIDS="$PIDS $pid"
		wait "$pid" || echo "bench: callgrind of $col failed" >&2
		rm -f "$O/callgrind-$s-$col.$pid"
	done
	# One interleaved run for all columns, children named by column.
	if command -v perf >/dev/null; then
		perf record -q -e cpu-clock -F 10000 -g -o "$O/perf-$s.data" \
			-- "$W/bin/loadgen" -c "$W/pam.d" -n "$PERF_SESSIONS" \
			-w 1 -N $(column_specs | grep -E "^($(echo $PROFILED |
				tr ' ' '|'))=") >"$O/perf-$s.txt" 2>"$O/perf-$s.log" &
		pid=$!
		PIDS="$PIDS $pid"
		wait "$pid" || echo "bench: perf failed" >&2
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
	echo "# Profiles at $(cat "$O/mounts-$s") mounts"
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

# ---- main -----------------------------------------------------------------

write_configs || die "cannot write the PAM services and configs"
if [ -n "$EXEC" ]; then
	for s in $SIZES; do
		grow_mounts "$s" || die "cannot make $s mounts"
	done
	SPECS=$(column_specs | tr '\n' ' ')
	export W O SPECS
	bash -c "$EXEC" &
	PIDS="$PIDS $!"
	wait $!
	exit
fi
echo "bench: $ROUNDS rounds per size, sizes: $SIZES-> $OUT" >&2
for s in $SIZES; do
	grow_mounts "$s" || die "cannot make $s mounts"
	mount_count >"$O/mounts-$s"
	echo "bench: $(cat "$O/mounts-$s") mounts ..." >&2
	loadgen -n "$ROUNDS" -w "$WARMUP" -b "$BLOCKS" -r "$O/raw-$s.txt" $LOOKUP \
		$(column_specs) >"$O/size-$s.txt" ||
		die "the load generator failed at $s mounts"
	[ "$PROFILE" -eq 0 ] || profile "$s"
done
collect >"$O/results.tsv"
tables >"$O/results.md"
{
	machine
	echo
	cat "$O/results.md"
} >"$O/summary.md"
cat "$O/summary.md"
[ "$PLOT" -eq 0 ] || plot
[ -z "${LATEST:-}" ] || ln -sfn "run-$STAMP" "$LATEST"
[ "$RECORD" -eq 0 ] || record
exit 0
