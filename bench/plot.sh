#!/bin/bash
# The plots of a bench/run.sh run, from the load generator's reports in
# its output directory: plot.png (median per session against the mount
# count), plot-storm.png (logins per second against the storm size, one
# panel per mount count) and plot-memory.png (kernel memory against the
# number of live sessions).
#
# Usage: bench/plot.sh OUTDIR
set -u
O=${1:?usage: bench/plot.sh OUTDIR}
if ! command -v gnuplot >/dev/null; then
	echo "bench: gnuplot is missing (make bench-deps); no plot" >&2
	exit 0
fi
TITLE="$(nproc) CPUs, Linux $(uname -r), $(date -u +%Y-%m-%d)"
SIZES=$(ls "$O"/mounts-* | sed 's/.*mounts-//' | sort -n)

# A table with a header line: @1 then one column per module, a row per
# "KEY FILE" line on stdin, the value from field @2 of each module's line.
table() {
	local head=$1 field=$2 key file
	while read -r key file; do
		awk -v key="$key" -v head="$head" -v f="$field" '
			/^#/ { next }
			{ names = names " " $1; vals = vals " " $f }
			END { print head names; print key vals }' "$file"
	done | awk 'NR == 1 || NR % 2 == 0'
}

for s in $SIZES; do
	echo "$(cat "$O/mounts-$s") $O/latency-$s.txt"
done | table mounts 2 >"$O/plot.dat"

gnuplot <<G || echo "bench: gnuplot failed" >&2
set terminal pngcairo size 900,560 font ",11" noenhanced
set output "$O/plot.png"
set title "Login latency: one PAM session (fork, start, open, close, end, exit)\n$TITLE"
set xlabel "mounts in the host's mount table"
set ylabel "median per session (microseconds)"
set logscale xy
set grid
set key top left
plot for [i=2:$(head -n 1 "$O/plot.dat" | wc -w)] "$O/plot.dat" using 1:i with linespoints lw 2 pt 7 title columnheader(i)
G

STORMS=$(ls "$O"/storm-*-*.txt 2>/dev/null | sed 's/.*-//; s/\.txt$//' | sort -nu)
if [ -n "$STORMS" ]; then
	for s in $SIZES; do
		for c in $STORMS; do
			echo "$c $O/storm-$s-$c.txt"
		done | table C 4 >"$O/storm-$s.dat"
	done
	{
		echo "set terminal pngcairo size 1200,480 font ',11' noenhanced"
		echo "set output '$O/plot-storm.png'"
		echo "set multiplot layout 1,$(echo $SIZES | wc -w) title \"Login storms: C logins at once over 8 users (whole sessions)\\n$TITLE\""
		echo "set logscale x 2; set logscale y; set grid; set key bottom left font ',9'"
		echo "set xlabel 'C, logins at once'; set ylabel 'logins per second'"
		for s in $SIZES; do
			# The budget for scope=session (doc/design.md): 0.9 x the floor's.
			f=$(head -n 1 "$O/storm-$s.dat" |
				awk '{ for (i = 1; i <= NF; i++) if ($i == "floor") print i }')
			echo "set title '$(cat "$O/mounts-$s") mounts'"
			echo "plot for [i=2:$(head -n 1 "$O/storm-$s.dat" | wc -w)] '$O/storm-$s.dat' using 1:i with linespoints lw 2 pt 7 title columnheader(i)${f:+, '$O/storm-$s.dat' using 1:(0.9*column($f)) with lines dt 2 lw 1 lc rgb 'gray40' title 'budget: 0.9 x floor'}"
		done
		echo "unset multiplot"
	} | gnuplot || echo "bench: gnuplot failed (storms)" >&2
fi

MEM=$(ls "$O"/memraw-*.txt 2>/dev/null)
[ -n "$MEM" ] || exit 0
# One series per size and column: "mounts column" and its readings.
series() {
	local f s mounts col sep=""
	for f in $MEM; do
		s=${f##*memraw-}
		s=${s%.txt}
		mounts=$(cat "$O/mounts-$s")
		for col in $(awk '!/^#/ { print $1 }' "$f" | uniq); do
			printf "%s'< grep \"^%s \" %s' using 2:(\$%s/1024) with linespoints lw 2 title '%s, %s mounts'" \
				"$sep" "$col" "$f" "$1" "$col" "$mounts"
			sep=", "
		done
	done
}
gnuplot <<G || echo "bench: gnuplot failed (memory)" >&2
set terminal pngcairo size 1200,520 font ",11" noenhanced
set output "$O/plot-memory.png"
set multiplot layout 1,2 title "Kernel memory held by live sessions\n$TITLE"
set grid
set key top left font ",9"
set xlabel "sessions open at once"
set ylabel "growth since none was open (MiB)"
set title "Slab (/proc/meminfo)"
plot $(series 3)
set title "mnt_cache (/proc/slabinfo): struct mount"
plot $(series 6)
unset multiplot
G
