#!/bin/bash
# The engine's folders are layers, in the order a login goes through
# them (lib/README.md): the files of lib/ itself, config/, plan/,
# mount/, session/, admin/.  A file includes headers of its own folder
# and of the folders below it, by folder ("plan/plan.h"), never one
# above it.  One TAP line per file of lib/.
cd "${TOP:-.}" || exit 1
LAYERS=(config plan mount session admin)

# rank FOLDER: its place in LAYERS, from 1; 0 for lib/ itself.
rank() {
	local i
	for i in "${!LAYERS[@]}"; do
		[ "${LAYERS[$i]}" = "$1" ] && echo $((i + 1)) && return
	done
	echo 0
}

n=0
for f in $(cd lib && ls *.[ch] */*.[ch]); do
	n=$((n + 1))
	case $f in
	*/*) own=$(rank "${f%%/*}") ;;
	*) own=0 ;;
	esac
	bad=
	while read -r inc; do
		case $inc in
		util.h | syscalls.h | optmap.h) continue ;;
		*/*) [ "$(rank "${inc%%/*}")" -le "$own" ] ||
			bad="$bad $inc (a stage above)" ;;
		*) bad="$bad $inc (no folder)" ;;
		esac
	done < <(sed -n 's/^#include "\(.*\)"$/\1/p' "lib/$f")
	if [ -z "$bad" ]; then
		echo "ok $n - lib/$f includes only its stage and those below"
	else
		echo "not ok $n - lib/$f includes only its stage and those below"
		echo "#   wrong:$bad"
	fi
done
echo "1..$n"
