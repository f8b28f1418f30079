#!/bin/bash
# make bench: what logins cost with pam_mntns against libpam alone
# (pam_permit), the floor (bench/floor.c: only the system calls the job
# needs) and the system's pam_namespace, at several host mount-table
# sizes.  At each size: logins one at a time (all columns interleaved),
# login storms (C logins at once over 8 users) and, at the memory sizes,
# the kernel memory that live sessions hold.  bench/loadgen computes
# every figure; this script sets up, runs it and formats its reports.
#
# Runs in a sandbox mount namespace of its own (tests/lib/sandbox.sh:
# "/" rshared like a systemd host, private /tmp, /var/tmp, /run, /home);
# pam_namespace's config files are replaced by bind mounts that only the
# sandbox sees, and the extra host mounts are made there.  The benchmark
# users (prefix mntnsbench) are removed on exit, even on failure.
#
# Usage: bench/run.sh [-n ROUNDS] [-w WARMUP] [-s "SIZES"] [-o OUTDIR]
#                     [-u USER] [-C "STORMS"] [-L LOGINS] [-m "SIZES"]
#                     [-M SESSIONS] [--record] [--no-plot] [--lookup]
#                     [--exec CMD] [-c REGEX] [-x NAME=MODULE]
#                     [--syscalls]
#
# -C: storm sizes (logins at once), each run as bursts until LOGINS
# logins per column are kept; -m: the sizes at which to hold -M sessions
# per column and read the kernel's memory.
#
# -c REGEX measures only the columns whose name matches (permit and floor
# always run); -x NAME=MODULE adds a column pam_mntns-NAME with another
# build of pam_mntns.so, to compare two builds in one interleaved run.
#
# --lookup makes each session child look the user up before pam_start,
# as login, su and sshd do (off by default: the child is exactly start,
# open, close, end, exit).
#
# At every size, one login of each column is traced and its system
# calls counted (loadgen -T), once as the kernel runs and once under the
# test suite's emulation of Linux 5.14 (tests/lib/oldkernel.c: no
# namespace IDs, so scope=user pins); --syscalls does only that.
#
# --exec CMD runs CMD (with bash) at each size in the prepared sandbox
# instead of measuring, e.g. bench/profile.sh; it sees $W (the sandbox
# directory: bin/loadgen, pam.d), $O (the output directory), $SIZE,
# $MOUNTS, $SPECS and $STORM_SPECS (the loadgen column arguments of
# logins one at a time and of storms).
set -u
cd "$(dirname "$0")/.." || exit 1
export TOP=$PWD B=${B:-build}
ROUNDS=${BENCH_ROUNDS:-1000}
WARMUP=3
SIZES=${BENCH_SIZES:-"20 1000 5000"}
STORMS=${BENCH_STORMS:-"8 32 128"}
STORM_LOGINS=${BENCH_STORM_LOGINS:-512}
MEM_SIZES=${BENCH_MEM_SIZES:-"1000 5000"}
MEM_SESSIONS=${BENCH_MEM_SESSIONS:-100}
OUT=""
BUSER=mntnsbench
RECORD=0
PLOT=1
EXEC=""
LOOKUP=""
BLOCKS=5
ONLY=""
EXTRA=()
COUNT_ONLY=0
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
	-C) STORMS=$2; shift ;;
	-L) STORM_LOGINS=$2; shift ;;
	-m) MEM_SIZES=$2; shift ;;
	-M) MEM_SESSIONS=$2; shift ;;
	--record) RECORD=1 ;;
	--no-plot) PLOT=0 ;;
	--lookup) LOOKUP=-l ;;
	--exec) EXEC=$2; shift ;;
	-c) ONLY=$2; shift ;;
	-x) EXTRA+=("$2"); shift ;;
	--syscalls) COUNT_ONLY=1 ;;
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
case $ROUNDS$WARMUP$STORM_LOGINS$MEM_SESSIONS in
*[!0-9]*) die "-n, -w, -L and -M take numbers" ;;
esac
SIZES=$(printf '%s\n' $SIZES | sort -n | tr '\n' ' ')
case $SIZES$STORMS$MEM_SIZES in
*[!0-9\ ]* | "") die "-s, -C and -m take numbers" ;;
esac

# ---- the sandbox ------------------------------------------------------

# A caller's own sandbox (the tests') is the "host" here: we make ours.
if [ -z "${MNTNS_BENCH_PARENT_NS:-}" ]; then
	MNTNS_BENCH_PARENT_NS=$(readlink /proc/self/ns/mnt)
	export MNTNS_BENCH_PARENT_NS
	unset MNTNS_IN_SANDBOX
fi
. tests/lib/sandbox.sh
W=/run/mntnsbench
SYSLOG=$W/syslog
USERS=$(for i in 1 2 3 4 5 6 7 8; do echo "$BUSER$i"; done)
UN=${BUSER}n
UL=${BUSER}l

# A process a "linger" column left ends on its own once released: a
# moment later, userdel may still find it.
users_remove() {
	local u
	for u in $USERS $UN $UL; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			id "$u" >/dev/null 2>&1 || continue 2
			userdel "$u" >/dev/null 2>&1 && continue 2
			sleep 0.3
		done
	done
	return 0
}

# useradd waits for nobody: retry while another tool holds /etc/passwd.
users_add() {
	local u
	for u in $USERS $UN $UL; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			useradd -m -s /bin/sh "$u" 2>/dev/null && continue 2
			sleep 0.3
		done
		die "cannot create user $u"
	done
}

if [ "${MNTNS_IN_SANDBOX:-}" = $$ ]; then
	# Before /tmp, /var/tmp, /run and /home are covered: the output
	# directory and the -x modules are reached through descriptors.
	STAMP=$(date -u +%Y%m%d-%H%M%S)
	if [ -z "$OUT" ]; then
		OUT=bench/results/run-$STAMP
		LATEST=bench/results/latest
	fi
	mkdir -p "$OUT" && exec {OUTFD}<"$OUT" || die "cannot open $OUT"
	O=/proc/$$/fd/$OUTFD
	declare -A EXTRA_FD=()
	for x in ${EXTRA[@]+"${EXTRA[@]}"}; do
		case $x in
		[a-z]*=?*) exec {fd}<"${x#*=}" || die "cannot open ${x#*=}"
			EXTRA_FD[${x%%=*}]=$fd ;;
		*) die "-x takes NAME=MODULE" ;;
		esac
	done
fi
sandbox_enter ${ARGS[@]+"${ARGS[@]}"}
[ "$(readlink /proc/self/ns/mnt)" != "$MNTNS_BENCH_PARENT_NS" ] ||
	die "refusing to run in the caller's mount namespace"
trap 'exit 130' INT TERM HUP
cp "$B/bench/floor.so" "$B/bench/minimal.so" "$B/bench/loadgen" \
	"$B/tests/vgshim.so" "$B/tests/oldkernel" "$W/bin/" ||
	die "cannot copy the build ($B) into the sandbox: run make first"
for x in ${!EXTRA_FD[@]}; do
	cp "/proc/$$/fd/${EXTRA_FD[$x]}" "$W/bin/extra-$x.so" ||
		die "cannot copy the module given as $x"
done
mkdir -p "$W/etc/namespace.d" "$W/m"
U1=${BUSER}1
# Storms spread over all the users, held sessions over the first four.
STORM_USERS=$(echo $USERS | tr ' ' ,)
MEM_USERS=$(echo $USERS | cut -d' ' -f1-4 | tr ' ' ,)

# ---- the columns --------------------------------------------------------

# One line per column: NAME PARTS WHO FLAGS MODULE [ARGS...].  A column
# is one PAM service whose session stack is that one module.  PARTS:
# l (one login at a time), s (storms), m (memory).  WHO: "all" (the
# first user one at a time, then the storm or memory users) or "n" (a
# user of its own).  "minimal" (bench/minimal.c) calibrates the budget:
# the least a real module does (user lookup, config read, symlink-safe
# target walk).
columns() {
	all_columns | awk -v only="$ONLY" \
		'only == "" || $1 ~ /^(permit|floor)$/ || $1 ~ only'
}

all_columns() {
	local x u floor=""
	for x in ${EXTRA[@]+"${EXTRA[@]}"}; do
		echo "pam_mntns-${x%%=*} ls all tmp $W/bin/extra-${x%%=*}.so conf=$W/pam_mntns.conf scope=session"
	done
	for u in $USERS; do
		floor="$floor user=$u:$(id -u "$u"):$(id -g "$u")"
	done
	sed -e '/^#/d' <<C
permit               lsm all -   pam_permit.so
floor                lsm all tmp $W/bin/floor.so$floor
minimal              l   all tmp $W/bin/minimal.so conf=$W/pam_mntns.conf
pam_namespace        ls  all tmp pam_namespace.so
pam_namespace-noinit l   n   tmp pam_namespace.so
pam_mntns            lsm all tmp $W/bin/pam_mntns.so conf=$W/pam_mntns.conf scope=session
# scope=user: the users' namespaces are live, held by one open session
# of each ("hold"): what a second login pays.
pam_mntns-user       lsm all tmp:hold $W/bin/pam_mntns.so conf=$W/pam_mntns.conf scope=user
# scope=user, no session of the user open (a user of its own, whom no
# held session keeps in): each login makes the namespace.
pam_mntns-user-first l   n   tmp $W/bin/pam_mntns.so conf=$W/pam_mntns.conf scope=user
# scope=user, the user's sessions all closed and a process of theirs
# left in the namespace (a detached tmux; a user of its own): what a
# login that comes back to it pays.
pam_mntns-user-linger l  g   tmp:linger $W/bin/pam_mntns.so conf=$W/pam_mntns.conf scope=user
C
}

service_of() {
	printf '%s' "$1" | tr '[:upper:]' '[:lower:]'
}

# The loadgen arguments of the columns of part @1 (l, s or m).
column_specs() {
	local part=$1 users
	columns | while read -r name parts who flags module args; do
		case $parts in *$part*) ;; *) continue ;; esac
		case $who$part in
		n*) users=$UN ;;
		g*) users=$UL ;;
		*l) users=$U1 ;;
		*s) users=$STORM_USERS ;;
		*m) users=$MEM_USERS ;;
		esac
		[ "$flags" = - ] && flags="" || flags=":$flags"
		echo "$name=bench-$(service_of "$name"):$users$flags"
	done
}

# pam_namespace's rules, one per user and directory.
namespace_rules() {
	local u o init=""
	for u in $USERS $UN; do
		[ "$u" = "$UN" ] && init=noinit:
		o="mode=0700,uid=$(id -u "$u"),gid=$(id -g "$u"),nosuid,nodev"
		echo "/tmp      /tmp-inst/          tmpfs:${init}mntopts=$o  ~$u"
		echo "/var/tmp  /var/tmp/tmp-inst/  tmpfs:${init}mntopts=$o  ~$u"
	done
}

# The same job for every module: a private tmpfs /tmp and /var/tmp, mode
# 0700, owned by the user, nosuid,nodev.
write_configs() {
	local f users
	# libpam lower-cases service names before it looks for the file.
	columns | while read -r name parts who flags module args; do
		echo "session required $module $args" \
			>"$W/pam.d/bench-$(service_of "$name")"
	done
	users=$(echo $USERS $UN $UL | tr ' ' ,)
	printf '%s  %-8s  tmpfs  -  mode=0700\n' "$users" /tmp "$users" \
		/var/tmp >"$W/pam_mntns.conf" &&
		chmod 0644 "$W/pam_mntns.conf" || return 1
	echo "# pam_mntns benchmark: the rules are in namespace.d" \
		>"$W/etc/namespace.conf"
	namespace_rules >"$W/etc/namespace.d/mntnsbench.conf"
	# The system's init script, as shipped, on a copy of our own.
	cp /etc/security/namespace.init "$W/etc/namespace.init" &&
		chmod 0755 "$W/etc/namespace.init" || return 1
	for f in namespace.conf namespace.d namespace.init; do
		[ -e "/etc/security/$f" ] ||
			die "/etc/security/$f is missing (install libpam-modules)"
		mount --bind "$W/etc/$f" "/etc/security/$f" || return 1
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
	track_pid $!
	wait $!
}

in_list() {
	case " $2 " in *" $1 "*) return 0 ;; esac
	return 1
}

# ---- one size -------------------------------------------------------------

# The system calls of one login per column (loadgen -T), as the kernel
# runs and as on Linux 5.14.
count_size() {
	local s=$1
	echo "bench: $MOUNTS mounts, system calls per login ..." >&2
	loadgen -T -w 2 $LOOKUP $(column_specs l) >"$O/syscalls-$s.txt" ||
		die "counting system calls failed at $s mounts"
	"$W/bin/oldkernel" -k 5.14 -- "$W/bin/loadgen" -c "$W/pam.d" -T -w 2 \
		$LOOKUP $(column_specs l) >"$O/syscalls-5.14-$s.txt" &
	track_pid $!
	wait $! || die "counting system calls as on 5.14 failed at $s mounts"
}

measure_size() {
	local s=$1 c bursts
	count_size "$s"
	[ "$COUNT_ONLY" -eq 0 ] || return 0
	loadgen -n "$ROUNDS" -w "$WARMUP" -b "$BLOCKS" -r "$O/raw-$s.txt" \
		$LOOKUP $(column_specs l) >"$O/latency-$s.txt" ||
		die "the load generator failed at $s mounts"
	for c in $STORMS; do
		bursts=$(((STORM_LOGINS + c - 1) / c))
		[ "$bursts" -ge 2 ] || bursts=2
		echo "bench: $MOUNTS mounts, storms of $c ..." >&2
		loadgen -S "$c" -n "$bursts" -w 1 $(column_specs s) \
			>"$O/storm-$s-$c.txt" ||
			die "a storm of $c logins failed at $s mounts"
	done
	in_list "$s" "$MEM_SIZES" || return 0
	echo "bench: $MOUNTS mounts, $MEM_SESSIONS sessions held ..." >&2
	loadgen -M "$MEM_SESSIONS/$(((MEM_SESSIONS + 9) / 10))" \
		-r "$O/memraw-$s.txt" $(column_specs m) >"$O/memory-$s.txt" ||
		die "holding $MEM_SESSIONS sessions failed at $s mounts"
}

# ---- formatting -----------------------------------------------------------

# cells FILE ROW-PREFIX LABEL FORMAT FIELD...: from a loadgen report, one
# "PREFIX COLUMN<TAB>LABEL<TAB>CELL" line per column, the cell printf'd
# from the given fields.
cells() {
	local file=$1 prefix=$2 label=$3 fmt=$4
	shift 4
	awk -v pre="$prefix" -v label="$label" -v fmt="$fmt" -v fields="$*" '
		/^#/ { next }
		{ n = split(fields, f, " ")
		  for (i = 1; i <= 5; i++) v[i] = i <= n ? $f[i] : ""
		  printf "%s%s\t%s\t" fmt "\n", pre, $1, label,
			v[1], v[2], v[3], v[4], v[5] }' "$file"
}

# pivot CORNER: "ROW<TAB>COLUMN<TAB>CELL" lines to a Markdown table,
# rows and columns in the order they first appear.
pivot() {
	awk -F '\t' -v corner="$1" '
		!($1 in r) { r[$1] = 1; row[++nr] = $1 }
		!($2 in c) { c[$2] = 1; col[++nc] = $2 }
		{ v[$1, $2] = $3 }
		END {
			line = "| " corner; sep = "|---"
			split(corner, k, "|")
			for (i = 2; i in k; i++) sep = sep "|---"
			for (j = 1; j <= nc; j++) {
				line = line " | " col[j]; sep = sep "|---:"
			}
			print line " |"; print sep "|"
			for (i = 1; i <= nr; i++) {
				line = "| " row[i]
				for (j = 1; j <= nc; j++) line = line " | " v[row[i], col[j]]
				print line " |"
			}
		}'
}

# latency_table FORMAT FIELD...: the one-at-a-time figures, a column per size.
latency_table() {
	local s
	for s in $SIZES; do
		cells "$O/latency-$s.txt" "" "$(cat "$O/mounts-$s") mounts" "$@"
	done | pivot column
}

# storm_table FORMAT FIELD...: a row per size and column, a column per C.
storm_table() {
	local s c
	for s in $SIZES; do
		for c in $STORMS; do
			cells "$O/storm-$s-$c.txt" "$(cat "$O/mounts-$s") | " \
				"C = $c" "$@"
		done
	done | pivot "mounts | column"
}

memory_table() {
	local s
	echo "| mounts | column | users | sessions | Slab, first of a user | Slab, later | mnt_cache, first of a user | mnt_cache, later | SUnreclaim, later | Percpu, later | mounts per later session |"
	echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for s in $SIZES; do
		[ -f "$O/memory-$s.txt" ] || continue
		awk -v m="$(cat "$O/mounts-$s")" '!/^#/ {
			printf "| %s | %s | %d | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f | %.0f |\n",
				m, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }' "$O/memory-$s.txt"
	done
}

# syscall_totals: a row per column, a column per size (and per size as
# on 5.14): the calls of one login, in brackets above pam_permit's.
syscall_totals() {
	local s f label
	for s in $SIZES; do
		for f in "" 5.14-; do
			label="$(cat "$O/mounts-$s") mounts${f:+, as 5.14}"
			awk -v label="$label" '!/^#/ {
				if ($1 == "permit") p = $2
				n[++k] = $1; t[k] = $2 }
				END { for (i = 1; i <= k; i++)
					printf "%s\t%s\t%d (%+d)\n", n[i], label,
						t[i], t[i] - p }' "$O/syscalls-$f$s.txt"
		done
	done | pivot column
}

# syscall_kinds FILE: the calls above pam_permit's of every column but
# permit, by what kind of work they do, and each call that differs.
syscall_kinds() {
	awk '
	function kind(c) {
		if (c ~ /^(mmap|munmap|mprotect|brk|madvise|mremap)$/)
			return "memory (malloc, loading)"
		if (c ~ /^(unshare|setns|mount|umount2|mount_setattr|open_tree|move_mount|fsopen|fsconfig|fsmount|fspick|statmount|listmount)$/)
			return "namespaces and mounts"
		if (c ~ /^(pidfd_open|pidfd_getfd|ioctl|kill|tgkill|pidfd_send_signal|wait4|clone|clone3|fork|vfork|execve)$/)
			return "processes and namespace files"
		if (c ~ /^(getuid|geteuid|getgid|getegid|getresuid|getresgid|setresuid|setresgid|setgroups|capget|capset|prctl|getpid|gettid|getppid)$/)
			return "identity and credentials"
		if (c ~ /^(socket|connect|sendto|recvfrom|recvmsg|sendmsg|poll|getsockname|getsockopt|setsockopt)$/)
			return "sockets (syslog, NSS)"
		if (c ~ /^(openat|openat2|open|close|read|pread64|write|fstat|newfstatat|stat|lstat|statx|lseek|readlinkat|readlink|getdents64|fcntl|flock|symlinkat|unlinkat|renameat2|renameat|mkdirat|fchdir|chdir|fchown|fchownat|fchmod|fchmodat|linkat|faccessat|faccessat2|access|dup|dup2|dup3|fsync|ftruncate|utimensat)$/)
			return "files and directories"
		return "other"
	}
	!/^#/ {
		col[++k] = $1
		for (i = 3; i <= NF; i++) {
			split($i, nv, "=")
			n[$1, nv[1]] = nv[2]; call[nv[1]] = 1
			g[$1, kind(nv[1])] += nv[2]; kinds[kind(nv[1])] = 1
		}
	}
	END {
		line = "| kind"; sep = "|---"
		for (j = 1; j <= k; j++) if (col[j] != "permit") {
			line = line " | " col[j]; sep = sep "|---:" }
		print line " |"; print sep "|"
		for (x in kinds) {
			line = "| " x
			for (j = 1; j <= k; j++) if (col[j] != "permit")
				line = line sprintf(" | %+d", g[col[j], x] - g["permit", x])
			print line " |"
		}
		print ""
		print "Each call, above pam_permit (0: as many):"
		print ""
		line = "| call"; sep = "|---"
		for (j = 1; j <= k; j++) if (col[j] != "permit") {
			line = line " | " col[j]; sep = sep "|---:" }
		print line " |"; print sep "|"
		for (c in call) {
			d = 0
			for (j = 1; j <= k; j++) if (n[col[j], c] != n["permit", c]) d = 1
			if (!d) continue
			line = "| `" c "`"
			for (j = 1; j <= k; j++) if (col[j] != "permit")
				line = line sprintf(" | %+d", n[col[j], c] - n["permit", c])
			print line " |"
		}
	}' "$1" | sort_table
}

# Sorts the rows of each Markdown table by their text, below its header
# and separator lines.
sort_table() {
	awk 'function flush(i, j, t) {
			for (i = 2; i <= nr; i++)
				for (j = i; j > 1 && rows[j - 1] > rows[j]; j--) {
					t = rows[j]; rows[j] = rows[j - 1]; rows[j - 1] = t
				}
			for (i = 1; i <= nr; i++) print rows[i]
			nr = 0
		}
		/^\|/ { if (++seen > 2) { rows[++nr] = $0; next } print; next }
		{ flush(); seen = 0; print }
		END { flush() }'
}

syscall_results() {
	local s=${SIZES%% *}
	echo "System calls of one login (a session child traced from fork to"
	echo "exit), in brackets above pam_permit's; \"as 5.14\": under the test"
	echo "suite's emulation of Linux 5.14 (no namespace IDs):"
	echo
	syscall_totals
	echo
	echo "At $(cat "$O/mounts-$s") mounts, the calls above pam_permit's by kind:"
	echo
	syscall_kinds "$O/syscalls-$s.txt"
}

results() {
	syscall_results
	[ "$COUNT_ONLY" -eq 0 ] || return 0
	echo
	echo "Median per session in microseconds (p90 in brackets):"
	echo
	latency_table "%.0f (%.0f)" 2 3
	echo
	echo "R = (X - permit) / (floor - permit) from the medians; in brackets"
	echo "the lowest and highest R of the $BLOCKS blocks of consecutive rounds:"
	echo
	latency_table "%.2f (%.2f-%.2f)" 9 10 11
	echo
	echo "Noise: range of the medians of the $BLOCKS blocks of consecutive rounds, in % of the median:"
	echo
	latency_table "%.1f%%" 6
	echo
	echo "Login storms, C logins at once over 8 users: logins per second"
	echo "(in brackets: the ratio to the floor's):"
	echo
	storm_table "%.0f (%.2f)" 4 8
	echo
	echo "Login storms: latency of a login (from the storm's start to the"
	echo "end of pam_open_session), p50 / p99 in milliseconds (in brackets:"
	echo "the p99's ratio to the floor's):"
	echo
	storm_table "%.1f / %.1f (%.2f)" 5 6 10
	[ -n "$(ls "$O"/memory-*.txt 2>/dev/null)" ] || return 0
	echo
	echo "Kernel memory per live session, in kB, with $MEM_SESSIONS sessions held"
	echo "open at once, spread over the users: the first session of each user"
	echo "(growth when every user has one, per user) and each later session"
	echo "(least-squares slope from there on):"
	echo
	memory_table
}

machine() {
	echo "- machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), Linux $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME"), libpam $(dpkg-query -W -f '${Version}' libpam0g 2>/dev/null)"
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), pam_mntns built from $(git describe --always --dirty 2>/dev/null || echo "an unknown tree")"
	echo "- one at a time: $ROUNDS rounds per size (plus $WARMUP checked warm-up rounds), every column once per round, in a shuffled order${LOOKUP:+; the child looks the user up before pam_start (--lookup)}"
	echo "- storms: C = $STORMS, bursts of C logins until at least $STORM_LOGINS logins per column (plus one warm-up burst), every login checked; memory: $MEM_SESSIONS sessions held per column at the sizes $MEM_SIZES"
}

# Replaces the generated part of bench/RESULTS.md and the plots.
record() {
	local md=bench/RESULTS.md new f
	[ -f "$md" ] || printf '# Benchmark results\n\n<!-- bench:begin -->\n<!-- bench:end -->\n' >"$md"
	new=$(mktemp)
	{
		sed -n '1,/<!-- bench:begin -->/p' "$md"
		echo
		echo "Latest \`make bench\` run:"
		echo
		cat "$O/summary.md"
		echo
		sed -n '/<!-- bench:end -->/,$p' "$md"
	} >"$new" && cat "$new" >"$md"
	rm -f "$new"
	for f in plot plot-storm plot-memory; do
		[ ! -f "$O/$f.png" ] || cp "$O/$f.png" "bench/$f.png"
	done
}

# ---- main -----------------------------------------------------------------

write_configs || die "cannot write the PAM services and configs"
START=$SECONDS
echo "bench: sizes $SIZES-> $OUT" >&2
for s in $SIZES; do
	grow_mounts "$s" || die "cannot make $s mounts"
	MOUNTS=$(mount_count)
	echo "$MOUNTS" >"$O/mounts-$s"
	if [ -n "$EXEC" ]; then
		SIZE=$s SPECS=$(column_specs l | tr '\n' ' ')
		STORM_SPECS=$(column_specs s | tr '\n' ' ')
		export W O SIZE MOUNTS SPECS STORM_SPECS
		bash -c "$EXEC" &
		track_pid $!
		wait $! || die "'$EXEC' failed at $s mounts"
		continue
	fi
	echo "bench: $MOUNTS mounts, $ROUNDS rounds one at a time ..." >&2
	measure_size "$s"
done
[ -z "$EXEC" ] || exit 0
{
	machine
	echo "- duration: $((SECONDS - START)) s for the measurements"
	echo
	results
} >"$O/summary.md"
cat "$O/summary.md"
[ "$PLOT" -eq 0 ] || [ "$COUNT_ONLY" -eq 1 ] || SIZES=$SIZES STORMS=$STORMS bench/plot.sh "$O"
[ -z "${LATEST:-}" ] || ln -sfn "run-$STAMP" "$LATEST"
[ "$RECORD" -eq 0 ] || record
exit 0
