# What the root tests must leave on the host exactly as they found it:
# the mount table, the PAM configuration pam-auth-update writes (and the
# debconf database where it records the enabled profiles), /run, the
# test users and groups.  tests/run-all.sh takes host_state before the
# root tests and compares it after them.

HOST_FILES="/etc/pam.d /var/lib/pam /usr/share/pam-configs /var/cache/debconf"

# host_state: one line per mount, file (with its checksum), directory,
# test user and module state directory.
host_state() {
	awk '{print "mount", $5, $9}' /proc/self/mountinfo | sort
	find $HOST_FILES -printf 'path %p %y %m %U %G\n' 2>/dev/null | sort
	find $HOST_FILES -type f -exec md5sum {} + 2>/dev/null |
		awk '{print "sum", $2, $1}' | sort
	getent passwd | awk -F: '$1 ~ /^mntns/ {print "user", $1}'
	getent group | awk -F: '$1 ~ /^mntns/ {print "group", $1}'
	[ ! -e /run/pam_mntns ] || echo "run /run/pam_mntns"
	find /run -maxdepth 1 -name 'mntns*' -printf 'run %p\n' 2>/dev/null
}

# host_leftovers: removes the test users and groups (mntnst*) a run that
# was killed before its cleanup left behind, with their processes, so
# that host_state describes the host itself.  Each one is named.
host_leftovers() {
	local u g
	for u in $(getent passwd | awk -F: '$1 ~ /^mntnst/ {print $1}'); do
		echo "# removing test user $u, left by an interrupted run"
		pkill -KILL -u "$u" 2>/dev/null
		userdel "$u" >/dev/null 2>&1
	done
	for g in $(getent group | awk -F: '$1 ~ /^mntnst/ {print $1}'); do
		echo "# removing test group $g, left by an interrupted run"
		groupdel "$g" >/dev/null 2>&1
	done
	return 0
}

# host_compare BEFORE-FILE: TAP lines, one per kind of trace.
host_compare() {
	local now kind what
	now=$(host_state)
	for kind in mount path sum user group run; do
		case $kind in
		mount) what="the host's mount table" ;;
		path) what="the host's $HOST_FILES (names, owners, modes)" ;;
		sum) what="the contents of the host's $HOST_FILES" ;;
		user) what="the host's users (no mntns* user left)" ;;
		group) what="the host's groups (no mntns* group left)" ;;
		run) what="the host's /run (no module or test state)" ;;
		esac
		if diff <(grep "^$kind " "$1") <(printf '%s\n' "$now" |
			grep "^$kind ") >/dev/null; then
			echo "ok - after the root tests, $what is as before"
		else
			echo "not ok - after the root tests, $what changed"
			diff <(grep "^$kind " "$1") <(printf '%s\n' "$now" |
				grep "^$kind ") | head -n 20 | sed 's/^/#   /'
		fi
	done
}
