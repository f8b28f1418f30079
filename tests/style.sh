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
