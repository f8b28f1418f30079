#!/bin/sh
# Runs inside a login session started by a real client (or, for pamtester,
# by pam_exec after pam_mntns):  probe.sh DIR TAG
# Writes what the session sees to DIR/out.TAG, says DIR/ready.TAG, waits
# (bounded) for DIR/go.TAG while the host side mounts and looks, then
# reports whether the host's late mount propagated in.
[ "${PAM_TYPE:-}" = close_session ] && exit 0
d=$1 tag=$2
# The caller may have left any umask (a test sets 0777): our own files.
umask 077
out=$d/out.$tag
{
	echo "uid=$(id -u)"
	echo "pid=$$"
	echo "ns=$(readlink /proc/self/ns/mnt | tr -dc 0-9)"
	echo "tmpls=$(ls -A /tmp | tr '\n' ' ')"
	stat -c "tmp=%U:%G:%a" /tmp
	stat -c "vartmp=%U:%G:%a" /var/tmp
	echo "tmpsrc=$(findmnt -n -o SOURCE --mountpoint /tmp | tail -n 1)"
	echo "tmpcount=$(findmnt -n -o SOURCE --mountpoint /tmp | wc -l)"
	echo "vartmpsrc=$(findmnt -n -o SOURCE --mountpoint /var/tmp | tail -n 1)"
	echo "marker-$tag" >/tmp/e2e-marker && echo "tmpwrite=ok"
	echo "marker-$tag" >/var/tmp/e2e-marker && echo "vartmpwrite=ok"
} >"$out" 2>&1
: >"$d/ready.$tag"
i=0
while [ ! -e "$d/go.$tag" ] && [ $i -lt 400 ]; do
	sleep 0.05
	i=$((i + 1))
done
{
	echo "late=$(findmnt -n -o SOURCE --mountpoint "$d/late" | tail -n 1)"
	echo "latefile=$(cat "$d/late/file" 2>&1)"
	echo "done=yes"
} >>"$out" 2>&1
