#!/bin/bash
# The oldest C library the shipped programs load with: glibc 2.34 (RHEL 9).
# The linker records the newest version of every glibc symbol a program
# uses; one newer than GLIBC_2.34 (open_tree@GLIBC_2.36, say) stops the
# module from loading at all on such a host.  Calls glibc 2.34 lacks go
# through syscall(2) in lib/syscalls.h.
cd "${TOP:-.}" || exit 1
B=${B:-build}
FLOOR=2.34
n=0

# newer VERSION: whether glibc VERSION is above the floor.
newer() {
	[ "$(printf '%s\n%s\n' "$FLOOR" "$1" | sort -V | tail -n 1)" != "$FLOOR" ]
}

for f in "$B/pam_mntns.so" "$B/pam_mntns_helper"; do
	n=$((n + 1))
	# The versions the program needs, as the dynamic loader checks them.
	if ! needs=$(readelf --version-info -W "$f" 2>&1); then
		echo "not ok $n - glibc $FLOOR: cannot read $f"
		printf '%s\n' "$needs" | sed 's/^/# /'
		continue
	fi
	versions=$(printf '%s\n' "$needs" |
		sed -n 's/.*Name: GLIBC_\([0-9.]*\).*/\1/p' | sort -uV)
	bad=
	for v in $versions; do
		newer "$v" && bad="$bad $v"
	done
	if [ -z "$versions" ]; then
		echo "not ok $n - glibc $FLOOR: no GLIBC_ version found in $f"
	elif [ -z "$bad" ]; then
		echo "ok $n - glibc $FLOOR: $f needs GLIBC_$(printf '%s\n' "$versions" | tail -n 1) at most"
	else
		echo "not ok $n - glibc $FLOOR: $f needs GLIBC_${bad# } (call it through lib/syscalls.h)"
		for v in $bad; do
			objdump -T "$f" | awk -v v="GLIBC_$v" \
				'$0 ~ "[( ]" v "[) ]" {print "#   " $NF "@" v}'
		done
	fi
done

# The same at compile time: glibc 2.34 has no <sys/pidfd.h>, and its
# <sys/mount.h> neither struct mount_attr nor the new mount calls.
n=$((n + 1))
uses=$(grep -nP '<sys/pidfd\.h>|\bstruct mount_attr\b|(?<![\w.])(open_tree|move_mount|mount_setattr|fsopen|fsconfig|fsmount|fspick|pidfd_open|pidfd_send_signal|pidfd_getfd)\((?!2\))' \
	$(git ls-files 'lib/*.[ch]' 'helper/*.[ch]' 'pam_module/*.[ch]' 2>/dev/null ||
		find lib helper pam_module -name '*.[ch]') | grep -v '^lib/syscalls\.h:')
if [ -z "$uses" ]; then
	echo "ok $n - glibc $FLOOR: the shipped sources use no glibc 2.36 declaration (lib/syscalls.h has them)"
else
	echo "not ok $n - glibc $FLOOR: the shipped sources use glibc 2.36 declarations; use lib/syscalls.h"
	printf '%s\n' "$uses" | sed 's/^/#   /'
fi
