# The root test sandbox: a private mount namespace whose "/" is made
# rshared (like a systemd host) with its own /tmp, /var/tmp, /run and
# /home, so a mount that leaks is visible to the tests and nothing
# reaches the real machine.  Test users and groups carry the "mntnst"
# prefix and are removed on exit, even when a test fails.
#
# Usage: source it from a script, then call sandbox_enter "$@" first.

: "${TOP:?}" "${B:?}"
W=/run/mntns-test
# The built files are copied into the sandbox: the source tree may itself
# live under /tmp, /var/tmp, /run or /home, which the sandbox covers.
MODULE=$W/bin/pam_mntns.so
HELPER=$W/bin/pam_mntns_helper
CLIENT=$W/bin/pam-session
SHIM=$W/bin/logshim.so
PAM_WRAPPER_LIB=/usr/lib/$(gcc -print-multiarch)/libpam_wrapper.so
SYSLOG=$W/syslog
TEST_USERS=${TEST_USERS:-"mntnst1 mntnst2 mntnst3"}
TEST_GROUP=${TEST_GROUP:-mntnstg}
SANDBOX_PIDS=""

# Re-executes the calling script (SANDBOX_SCRIPT, else $0) inside a new
# private mount namespace.  Must be called from the script's main shell,
# never in a pipeline or $(...): the exec has to replace the process that
# would otherwise go on running on the host.  The environment says the
# namespace is entered only to the process started here, so that a test
# file run from inside a sandbox still gets a sandbox of its own.
sandbox_enter() {
	if [ "${MNTNS_IN_SANDBOX:-}" != $$ ]; then
		[ "$BASH_SUBSHELL" -eq 0 ] || {
			echo "sandbox_enter called in a subshell" >&2
			exit 1
		}
		MNTNS_IN_SANDBOX=$$ exec unshare --mount --propagation private \
			-- "$BASH" "${SANDBOX_SCRIPT:-$0}" "$@"
		exit 1
	fi
	# Refuse to run in the host's namespace, whatever the environment says.
	[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] || {
		echo "not ok - refusing to run outside a sandbox namespace"
		exit 1
	}
	# The source tree is the working directory, which stays valid even
	# where /tmp, /var/tmp, /run, /home or /dev/shm cover its path: refer to it
	# relatively (no descriptor, which clients would inherit).
	SRC=.
	mount --make-rshared / &&
		mount -t tmpfs -o mode=1777 mntns-sandbox /tmp &&
		mount -t tmpfs -o mode=1777 mntns-sandbox /var/tmp &&
		mount -t tmpfs -o mode=0755 mntns-sandbox /run &&
		mount -t tmpfs -o mode=0755 mntns-sandbox /home &&
		{ [ ! -d /dev/shm ] ||
			mount -t tmpfs -o mode=1777 mntns-sandbox /dev/shm; } || {
		echo "not ok - cannot set up the sandbox namespace"
		exit 1
	}
	mkdir -p "$W/pam.d" "$W/bin" && chmod 0755 "$W" "$W/pam.d" "$W/bin"
	# Relative to the cwd, which stays valid even where its path is covered.
	cp "$B/pam_mntns.so" "$B/pam_mntns_helper" "$B/tests/pam-session" \
		"$B/tests/logshim.so" "$W/bin/" || {
		echo "not ok - cannot copy the build into the sandbox"
		exit 1
	}
	# libpam (and libpam_wrapper) want an "other" service to fall back on.
	printf '%s required pam_deny.so\n' auth account password session \
		>"$W/pam.d/other"
	: >"$SYSLOG"
	users_remove
	# Stopped (a time limit, ^C), the file still cleans up after itself.
	trap sandbox_cleanup EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
	users_add
}

users_remove() {
	local u
	for u in $TEST_USERS; do
		if id "$u" >/dev/null 2>&1; then
			pkill -KILL -u "$u" 2>/dev/null
			userdel "$u" >/dev/null 2>&1
		fi
	done
	# Users some suites add for load tests (fixed names, so a run that
	# was killed is cleaned up by the next one).
	for u in $(seq -f 'mntnst-p%g' 1 20); do
		if id "$u" >/dev/null 2>&1; then
			pkill -KILL -u "$u" 2>/dev/null
			userdel "$u" >/dev/null 2>&1
		fi
	done
	getent group "$TEST_GROUP" >/dev/null && groupdel "$TEST_GROUP"
	return 0
}

users_add() {
	local u
	groupadd "$TEST_GROUP" || exit 1
	for u in $TEST_USERS; do
		useradd -m -s /bin/sh "$u" || exit 1
	done
	# The second user is also in the test group.
	set -- $TEST_USERS
	usermod -aG "$TEST_GROUP" "$2" || exit 1
}

# Remembers a PID this run started, so cleanup ends only its own.
track_pid() {
	SANDBOX_PIDS="$SANDBOX_PIDS $1"
}

sandbox_cleanup() {
	local p
	for p in $SANDBOX_PIDS; do
		kill -KILL "$p" 2>/dev/null
	done
	users_remove
	rm -rf /tmp/pam.* 2>/dev/null
}

# write_conf NAME < text: a root-owned 0644 config at $W/NAME.conf.
write_conf() {
	cat >"$W/$1.conf" && chmod 0644 "$W/$1.conf"
}

# service NAME ARGS...: a PAM service whose session stack is pam_mntns.
# "ignore=ok" lets the module's own PAM_IGNORE reach the application
# (libpam turns a stack where every module ignored into PAM_PERM_DENIED).
service() {
	local name=$1
	shift
	printf 'session [success=ok ignore=ok default=bad] %s %s\n' \
		"$MODULE" "$*" >"$W/pam.d/$name"
}

# su_services ARGS...: the su and su-l stacks (read through libpam_wrapper)
# of a host where root needs no password and pam_mntns ARGS is one of the
# session modules, as on a real host.
su_services() {
	local f
	for f in su su-l; do
		cat >"$W/pam.d/$f" <<S
auth     sufficient pam_rootok.so
auth     required   pam_deny.so
account  required   pam_permit.so
password required   pam_deny.so
session  required   $MODULE $*
session  required   pam_permit.so
S
	done
}

# session SERVICE USER [pam-session options] [-- CMD...]: runs the test
# client through real libpam with syslog captured in $SYSLOG.
session() {
	local svc=$1 user=$2
	shift 2
	MNTNS_TEST_LOG=$SYSLOG LD_PRELOAD=$(preload "$SHIM") \
		"$CLIENT" -c "$W/pam.d" -s "$svc" -u "$user" "$@" 2>&1
}

# wrapped CMD...: runs CMD with libpam_wrapper reading $W/pam.d.
wrapped() {
	MNTNS_TEST_LOG=$SYSLOG \
		LD_PRELOAD=$(preload "$PAM_WRAPPER_LIB" "$SHIM") \
		PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$W/pam.d" \
		PAM_WRAPPER_USE_SYSLOG=1 "$@" 2>&1
}

ns_of() {
	readlink "/proc/${1:-self}/ns/mnt" | tr -dc 0-9
}

# A fingerprint of this namespace's mount table, to prove nothing leaked;
# without the module's pins (kernels without namespace IDs), which are
# its own state, in root's /run/pam_mntns/pins.
mount_table() {
	awk '$5 !~ "^/run/pam_mntns/pins(/|$)" {print $5, $9}' \
		/proc/self/mountinfo | sort
}

# ---- helpers for the e2e and security suites --------------------------

# The ASan runtime the module was linked with (make SANITIZE=1), if any.
# A program not built with ASan that loads the module must preload it,
# or ASan refuses to start; set-user-ID programs run by a user cannot.
ASAN_RT=$(readelf -d "$B/pam_mntns.so" 2>/dev/null |
	sed -n 's/.*NEEDED.*\[\(libasan[^]]*\)\].*/\1/p')

# preload [LIB...]: the LD_PRELOAD value for a test client: the ASan
# runtime first when the module needs it, then LIB...
preload() {
	local IFS=:
	set -- $ASAN_RT "$@"
	echo "$*"
}

# in_sandbox_pamd: from here on /etc/pam.d and the vendor directory
# /usr/lib/pam.d (where there is one) are private copies, bind-mounted in
# this namespace only: service files added or changed there are never
# seen by the host.  Idempotent.
in_sandbox_pamd() {
	[ -e /etc/pam.d/.mntns-test-copy ] && return 0
	mkdir -p "$W/etc-pam.d" &&
		cp -a /etc/pam.d/. "$W/etc-pam.d/" &&
		touch "$W/etc-pam.d/.mntns-test-copy" &&
		mount --bind "$W/etc-pam.d" /etc/pam.d || return 1
	[ -d /usr/lib/pam.d ] || return 0
	mkdir -p "$W/usr-lib-pam.d" &&
		cp -a /usr/lib/pam.d/. "$W/usr-lib-pam.d/" &&
		mount --bind "$W/usr-lib-pam.d" /usr/lib/pam.d
}

# as_user USER CMD...: runs CMD with USER's ids, without a PAM session.
as_user() {
	local u=$1
	shift
	setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- "$@"
}

# ns_gone INODE: waits (at most 60 s) until no process is left in the
# mount namespace mnt:[INODE]; 1 if one still is.
ns_gone() {
	local i=0
	while [ $i -lt 600 ]; do
		grep -qx "mnt:\[$1\]" <(for f in /proc/[0-9]*/ns/mnt; do
			readlink "$f" 2>/dev/null
		done) || return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wait_file PATH SECONDS: waits until PATH exists; 1 on timeout.
wait_file() {
	local i=0 n=$(($2 * 20))
	while [ ! -e "$1" ]; do
		[ $i -ge $n ] && return 1
		sleep 0.05
		i=$((i + 1))
	done
}

# wait_ready FILE: waits (at most 30 s) until FILE has a line READY, as
# a session held open in the background prints once it is set up.
wait_ready() {
	local i=0
	while ! grep -q '^READY$' "$1" 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# wait_pid PID SECONDS: waits for a child this shell started, killing it
# after SECONDS; returns its status (137 when it had to be killed).
wait_pid() {
	local i=0 n=$(($2 * 20))
	while kill -0 "$1" 2>/dev/null; do
		if [ $i -ge $n ]; then
			kill -KILL "$1" 2>/dev/null
			break
		fi
		sleep 0.05
		i=$((i + 1))
	done
	wait "$1"
}

# fs_state PATH...: owner, group, mode and type of everything under each
# PATH (one file system), to prove an attack changed nothing.
fs_state() {
	find "$@" -xdev -printf '%p %U %G %m %y\n' 2>/dev/null | sort
}

# The test users by role, for suites that should not hard-code names.
read -r TU1 TU2 TU3 _ <<<"$TEST_USERS"
