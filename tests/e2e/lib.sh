# Shared by the e2e suites and the su tests of tests/security/t-caller.sh:
# the session config and client stacks (e2e_setup), a client driven
# through tests/e2e/probe.sh while the host side looks on (e2e_drive,
# e2e_check), sshd on a loopback port, and su -l run by an ordinary user.
#
# Each client runs tests/e2e/probe.sh inside the session, which reports
# the session's view and waits while the host side (the sandbox) checks
# that nothing shows there, mounts something the session must see, and
# mounts inside the session something the host must not see.

[ -n "${E2E_LIB_LOADED:-}" ] && return 0
E2E_LIB_LOADED=1
E2E=$W/e2e

e2e_setup() {
	[ -e "$E2E/probe.sh" ] && return 0
	in_sandbox_pamd || return 1
	write_conf e2e <<'C'
*,!root   /tmp       tmpfs  -                     size=16M,mode=0700
*,!root   /var/tmp   bind   /var/tmp/.mntns/%u    mode=0700
C
	mkdir -p "$E2E/late" "$E2E/inner" && chmod 1777 "$E2E" || return 1
	cp tests/e2e/probe.sh tests/e2e/su-pass.exp "$E2E/" &&
		chmod 0755 "$E2E/probe.sh" && chmod 0644 "$E2E/su-pass.exp" ||
		return 1
	local svc
	for svc in su-l runuser-l login; do
		printf 'session required %s conf=%s\n' "$MODULE" \
			"$W/e2e.conf" >>"/etc/pam.d/$svc"
	done
}

# The environment a root-started client gets: the log shim (and the ASan
# runtime in a SANITIZE=1 build).  Clients that reset the environment
# keep it from the user's shell.
E2E_ENV=(env MNTNS_TEST_LOG="$SYSLOG" LD_PRELOAD="$(preload "$SHIM")")
# With SANITIZE=1 the clients themselves are not ASan code: their own
# leaks at exit are not ours to report.
[ -z "$ASAN_RT" ] || E2E_ENV+=(ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0)
E2E_SERVER_LOG=

# e2e_wait PID SECONDS: waits for the client, a process group leader;
# after SECONDS the whole group is killed.  Returns the client's status.
e2e_wait() {
	local i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt $(($2 * 20)) ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -KILL -- "-$1" 2>/dev/null
	wait "$1"
}

# e2e_wait_ready FILE PID: until the probe says it is ready, at most 30 s,
# or until the client has exited without starting it.
e2e_wait_ready() {
	local i=0
	while [ ! -e "$1" ] && [ $i -lt 600 ]; do
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
		i=$((i + 1))
	done
	[ -e "$1" ]
}

# e2e_drive TAG CMD...: runs the client CMD (a program, in a process group
# of its own) in the background; while its probe waits inside the
# session, looks at the host side, mounts inside the session (nsenter)
# and on the host, then lets it finish.
e2e_drive() {
	local tag=$1 pid probe
	shift
	rm -f "$E2E/out.$tag" "$E2E/ready.$tag" "$E2E/go.$tag"
	E2E_BEFORE=$(mount_table)
	E2E_DURING= E2E_INNER= E2E_HOST_TMP= E2E_HOST_VARTMP=
	setsid "$@" >"$E2E/client.$tag" 2>&1 </dev/null &
	pid=$!
	track_pid "$pid"
	if e2e_wait_ready "$E2E/ready.$tag" "$pid"; then
		E2E_DURING=$(mount_table)
		E2E_HOST_TMP=$(cat /tmp/e2e-marker 2>&1)
		E2E_HOST_VARTMP=$(cat /var/tmp/e2e-marker 2>&1)
		probe=$(field pid "$(cat "$E2E/out.$tag")")
		nsenter -t "$probe" -m mount -t tmpfs "inner-$tag" "$E2E/inner"
		if mountpoint -q "$E2E/inner"; then
			E2E_INNER=leaked
		else
			E2E_INNER=contained
		fi
		mount -t tmpfs "late-$tag" "$E2E/late" &&
			echo "late-$tag" >"$E2E/late/file"
	fi
	touch "$E2E/go.$tag"
	e2e_wait "$pid" 30
	E2E_STATUS=$?
	umount "$E2E/late" 2>/dev/null
	E2E_AFTER=$(mount_table)
	E2E_OUT=$(cat "$E2E/out.$tag" 2>/dev/null)
}

# e2e_check NAME USER UID TAG: what every client must give its session.
e2e_check() {
	local name=$1 user=$2 uid=$3 tag=$4 inst=/var/tmp/.mntns/$2
	if [ -z "$E2E_OUT" ]; then
		not_ok "$name: the probe ran inside the session"
		diag "client exit status $E2E_STATUS, its output:" \
			"$(cat "$E2E/client.$tag")" "log:" "$(tail -n 5 "$SYSLOG")" \
			"${E2E_SERVER_LOG:+server log:}" \
			"$(cat "${E2E_SERVER_LOG:-/dev/null}" | tail -n 20)"
		return
	fi
	expect_eq "$name: the probe ran as uid $uid" "$(field uid "$E2E_OUT")" \
		"$uid"
	expect_ne "$name: the session has a new namespace" \
		"$(field ns "$E2E_OUT")" "$(ns_of $$)"
	expect_eq "$name: /tmp starts empty" "$(field tmpls "$E2E_OUT")" ""
	expect_eq "$name: /tmp is the user's 0700 tmpfs" \
		"$(field tmp "$E2E_OUT") $(field tmpsrc "$E2E_OUT")" \
		"$user:$user:700 pam_mntns"
	expect_eq "$name: /var/tmp is the user's 0700 instance" \
		"$(field vartmp "$E2E_OUT") $(field vartmpsrc "$E2E_OUT")" \
		"$user:$user:700 mntns-sandbox[/.mntns/$user]"
	expect_eq "$name: no session mount shows on the host side" \
		"$E2E_DURING" "$E2E_BEFORE"
	expect_eq "$name: the session's files are not in the host's /tmp, /var/tmp" \
		"$E2E_HOST_TMP|$E2E_HOST_VARTMP" \
		"cat: /tmp/e2e-marker: No such file or directory|cat: /var/tmp/e2e-marker: No such file or directory"
	expect_eq "$name: the /var/tmp file is in the user's instance" \
		"$(cat "$inst/e2e-marker" 2>&1)" "marker-$tag"
	expect_eq "$name: a mount made inside the session stays inside" \
		"$E2E_INNER" contained
	expect_eq "$name: a host mount made after login propagates in" \
		"$(field late "$E2E_OUT") $(field latefile "$E2E_OUT")" \
		"late-$tag late-$tag"
	expect_eq "$name: the client exits 0, the host's mounts as before" \
		"$E2E_STATUS $E2E_AFTER" "0 $E2E_BEFORE"
	rm -f "$inst/e2e-marker"
}

e2e_probe_cmd() {
	echo "sh $E2E/probe.sh $E2E $1"
}

# ---- sshd ---------------------------------------------------------------

E2E_SSH=$W/ssh

# Starts sshd on a free loopback port through a symlink whose name is
# its PAM service; sets E2E_SSHD_PID and E2E_SSHD_PORT.
e2e_sshd_start() {
	local port try i
	mkdir -p /run/sshd "$E2E_SSH/keys" &&
		chmod 0755 /run/sshd "$E2E_SSH" "$E2E_SSH/keys" || return 1
	rm -f "$E2E_SSH"/host_key* "$E2E_SSH"/id "$E2E_SSH"/id.pub
	ssh-keygen -q -t ed25519 -N '' -C mntns-test-host \
		-f "$E2E_SSH/host_key" </dev/null &&
		ssh-keygen -q -t ed25519 -N '' -C mntns-test-user \
			-f "$E2E_SSH/id" </dev/null || return 1
	cp "$E2E_SSH/id.pub" "$E2E_SSH/keys/$TU2" &&
		chmod 0644 "$E2E_SSH/keys/$TU2"
	ln -sf /usr/sbin/sshd "$W/bin/sshd-mntns-test"
	cp /etc/pam.d/sshd /etc/pam.d/sshd-mntns-test &&
		printf 'session required %s conf=%s\n' "$MODULE" \
			"$W/e2e.conf" >>/etc/pam.d/sshd-mntns-test
	for try in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 20000))
		cat >"$E2E_SSH/sshd_config" <<C
Port $port
ListenAddress 127.0.0.1
HostKey $E2E_SSH/host_key
PidFile $E2E_SSH/sshd.pid
UsePAM yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile $E2E_SSH/keys/%u
AllowUsers $TU1 $TU2 $TU3
PermitRootLogin no
UseDNS no
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
C
		: >"$E2E_SSH/log"
		"${E2E_ENV[@]}" "$W/bin/sshd-mntns-test" -D -e \
			-f "$E2E_SSH/sshd_config" 2>"$E2E_SSH/log" &
		E2E_SSHD_PID=$!
		track_pid "$E2E_SSHD_PID"
		E2E_SSHD_PORT=$port
		E2E_SSH_CMD=(ssh -F /dev/null -i "$E2E_SSH/id" -p "$E2E_SSHD_PORT" \
			-o IdentitiesOnly=yes -o BatchMode=yes -o LogLevel=ERROR \
			-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null)
		i=0
		while [ $i -lt 100 ] && kill -0 "$E2E_SSHD_PID" 2>/dev/null; do
			grep -q 'Server listening' "$E2E_SSH/log" && return 0
			sleep 0.05
			i=$((i + 1))
		done
		kill "$E2E_SSHD_PID" 2>/dev/null
		wait "$E2E_SSHD_PID" 2>/dev/null
	done
	return 1
}

# e2e_scope_user [scope=user]: puts scope=user on (or takes it off) the
# sshd-mntns-test and su-l stacks of the sandbox's private /etc/pam.d;
# sshd reads its stack for each connection.
e2e_scope_user() {
	sed -i "s|^\(session required $MODULE conf=$W/e2e.conf\) scope=user\$|\1|" \
		/etc/pam.d/su-l /etc/pam.d/sshd-mntns-test
	[ -z "$1" ] || sed -i "s|^\(session required $MODULE conf=$W/e2e.conf\)\$|\1 $1|" \
		/etc/pam.d/su-l /etc/pam.d/sshd-mntns-test
}

# e2e_ssh CMD: runs CMD in an ssh login of $TU2 (at most 60 s); its
# output, stderr included.
e2e_ssh() {
	timeout 60 "${E2E_SSH_CMD[@]}" "$TU2@127.0.0.1" "$1" </dev/null 2>&1
}

e2e_sshd_stop() {
	kill "$E2E_SSHD_PID" 2>/dev/null
	wait_pid "$E2E_SSHD_PID" 10 >/dev/null 2>&1
}

# ---- su -l run by an ordinary user (set-user-ID root) ------------------

# A password for the target user, so that su authenticates as it would
# for anyone (the users are removed, with their passwords, at exit).
e2e_password() {
	[ -n "${E2E_PW:-}" ] && return 0
	E2E_PW=Mt$(head -c 12 /dev/urandom | od -An -tx1 | tr -dc 0-9a-f)
	printf '%s:%s\n' "$TU1" "$E2E_PW" | chpasswd
}

# e2e_su_as FROM: FROM runs "su -l $TU1" and types a password.
e2e_su_as() {
	E2E_SU=(/usr/bin/setpriv --reuid="$1" --regid="$(id -g "$1")"
		--init-groups /usr/bin/expect -f "$E2E/su-pass.exp")
}

e2e_skip_setuid() {
	[ -z "$ASAN_RT" ] && return 1
	ok "$1 # SKIP a set-user-ID su run by a user cannot preload the ASan runtime the SANITIZE=1 module needs"
}
