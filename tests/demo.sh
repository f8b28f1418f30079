#!/bin/bash
# make demo: two users log in with su -l through a real PAM stack that
# includes pam_mntns, inside a throwaway sandbox namespace, and each sees
# a private /tmp, side by side with the host's view.  Leaves nothing.
set -u
cd "$(dirname "$0")/.."
export TOP=${TOP:-$PWD} B=${B:-build}
export TEST_USERS="mntns-alice mntns-bob" TEST_GROUP=mntns-demo
. tests/lib/sandbox.sh
[ "$(id -u)" -eq 0 ] || { echo "make demo must run as root" >&2; exit 1; }
sandbox_enter "$@"

if [ -t 1 ]; then
	say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
	say() { printf '\n== %s\n' "$*"; }
fi

say "The config (/etc/security/pam_mntns.conf would hold this)"
write_conf demo <<'C'
# WHO     TARGET     METHOD  SOURCE                 OPTIONS
*,!root   /tmp       tmpfs   -                      size=64M,mode=0700
*,!root   /var/tmp   bind    /var/tmp/.mntns/%u     mode=0700
C
cat "$W/demo.conf"
"$HELPER" check --conf "$W/demo.conf"

say "The PAM stack for 'su -l' (read through libpam_wrapper)"
su_services "conf=$W/demo.conf"
sed 's/^/    /' "$W/pam.d/su-l"

echo "the host's own /tmp already has a file: host-file.txt" >/tmp/host-file.txt

# Each session writes its notes, shows its view, then stays open until
# the end, so all views are live at the same time.
PROBE='echo "I am $(id -un), in mount namespace $(readlink /proc/self/ns/mnt)"
echo "secret of $(id -un)" >/tmp/notes.txt
echo "--- /tmp is:"; findmnt -n -o SOURCE,FSTYPE,OPTIONS --mountpoint /tmp | tail -n 1
echo "--- /var/tmp is:"; findmnt -n -o SOURCE,FSTYPE --mountpoint /var/tmp | tail -n 1
echo "--- cat /tmp/notes.txt:"; cat /tmp/notes.txt
echo "--- ls -la /tmp:"; ls -la /tmp | tail -n +2
echo READY
while [ ! -e '"$W"'/done ]; do sleep 0.1; done'

for u in $TEST_USERS; do
	say "su -l $u  (the session stays open)"
	wrapped su -l "$u" -c "$PROBE" >"$W/$u.view" &
	track_pid $!
	i=0
	until grep -q '^READY$' "$W/$u.view" || [ $i -gt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -v '^READY$' "$W/$u.view"
done

say "The host's view at the same time"
{
	echo "I am root, in mount namespace $(readlink /proc/self/ns/mnt)"
	echo "--- ls -la /tmp:"
	ls -la /tmp | tail -n +2 | grep -v ' pam\.'
} | tee "$W/host.view"

say "Side by side: each user's /tmp, and the host's"
set -- $TEST_USERS
for v in "$1" "$2" host; do
	{
		echo "[$v]"
		sed -n '/^--- ls -la \/tmp:/,/^READY$/p' "$W/$v.view" | sed '1d;/^READY$/d' |
			awk '{print $1, $3, $NF}'
	} >"$W/$v.col"
done
pr -m -t -w 120 "$W/$1.col" "$W/$2.col" "$W/host.col"

say "Cleaning up"
touch "$W/done"
wait
echo "sessions closed; users $TEST_USERS removed; the sandbox namespace" \
	"and its mounts vanish on exit"
