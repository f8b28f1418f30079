#!/bin/bash
# House style: every C file is as clang-format (.clang-format) would write it.
cd "${TOP:-.}" || exit 1
n=0
for f in $(git ls-files '*.c' '*.h' 2>/dev/null || find lib pam_module helper tests tools bench -name '*.[ch]'); do
	n=$((n + 1))
	if clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "ok $n - clang-format $f"
	else
		echo "not ok $n - clang-format $f (run: clang-format -i $f)"
	fi
done

# Lines fit in 80 columns (a tab to the next multiple of 8), and the paths
# the code's comments name are files of the repository.
for f in $(git ls-files 'lib/*.[ch]' 'helper/*.[ch]' 'pam_module/*.[ch]' \
	'bench/*.[ch]' 2>/dev/null || find lib helper pam_module bench -name '*.[ch]'); do
	n=$((n + 1))
	long=$(expand "$f" | awk 'length > 80 { print FNR; exit }')
	if [ -z "$long" ]; then
		echo "ok $n - $f fits in 80 columns"
	else
		echo "not ok $n - $f:$long is over 80 columns"
	fi
	n=$((n + 1))
	missing=""
	for p in $(grep -oE '\b(lib|helper|pam_module|tests|bench|man|conf|doc)/[A-Za-z0-9_./-]*[A-Za-z0-9_]\.(c|h|sh|md|pl|[0-9])\b' "$f" | sort -u); do
		[ -e "$p" ] || missing="$missing $p"
	done
	if [ -z "$missing" ]; then
		echo "ok $n - $f names only files that exist"
	else
		echo "not ok $n - $f names files that do not exist:$missing"
	fi
done
