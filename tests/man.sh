#!/bin/bash
# Man pages are mdoc and lint-clean.
cd "${TOP:-.}" || exit 1
n=0
for f in man/*.[0-9]; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	if out=$(mandoc -Tlint -W warning "$f" 2>&1) && [ -z "$out" ]; then
		echo "ok $n - mandoc -Tlint $f"
	else
		echo "not ok $n - mandoc -Tlint $f"
		printf '%s\n' "$out" | sed 's/^/# /'
	fi
done
