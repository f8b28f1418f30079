#!/bin/bash
# The booted login host, end to end: in a check-vm guest (systemd as PID
# 1, logind, dbus, user managers, a real sshd), install the package that
# make deb built, enable it with pam-auth-update (the shipped config, so
# scope=user), and log in from this host with a real ssh client through
# qemu's forward on 127.0.0.1, as two users and root.  Each step of the
# scenario is a TAP check; a reboot of the guest comes in the middle.
#
# Run by tests/vm/run.sh once the guest's test files are done, with
# PORT, KEY, DEB, RELEASE, RUN and VM_TAG in the environment (VM_KEEP=1:
# the guest is left up at the end).  MODULE_ON=refuses: the kernel is
# below the module's floor, and what is checked is that a user's login
# is refused with a message naming the system call the kernel lacks.
set -u
cd "$(dirname "$0")/../.." || exit 1
: "${PORT:?}" "${KEY:?}" "${DEB:?}" "${RELEASE:?}" "${RUN:?}" "${VM_TAG:?}"
. tests/lib/tap.sh
U1=mntnsvm1
U2=mntnsvm2
T="[$VM_TAG] login host:"

# vssh [-tt] USER CMD: CMD through the guest's sshd as USER, with the
# key of this run, and nothing of this host's ssh configuration; -tt
# gives it a terminal.
vssh() {
	local tt=()
	[ "$1" != -tt ] || {
		tt=(-tt)
		shift
	}
	local u=$1
	shift
	timeout 300 ssh -F /dev/null -i "$KEY" -p "$PORT" -o BatchMode=yes \
		-o IdentitiesOnly=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
		-o ConnectTimeout=30 "${tt[@]}" "$u@127.0.0.1" "$@"
}

# vssh_ok DESC USER CMD: a check that CMD succeeds; its output goes to
# the diagnostics when it does not.
vssh_ok() {
	local d=$1 out rc
	shift
	out=$(vssh "$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		ok "$T $d"
	else
		not_ok "$T $d"
		diag "ssh $1: exit $rc" "$out"
	fi
}

# wait_ssh SECONDS: until root gets in; 1 if not in time.
wait_ssh() {
	local end=$((SECONDS + $1))
	while [ $SECONDS -lt "$end" ]; do
		vssh root true 2>/dev/null && return 0
		sleep 5
	done
	return 1
}

# bail DESC: a failure that leaves nothing to check after it.
bail() {
	not_ok "$T $1"
	echo "1..$T_N"
	[ "${VM_KEEP:-0}" = 1 ] || vssh root 'systemctl poweroff' >/dev/null 2>&1
	exit 1
}

# ---- the host is set up as an administrator would --------------------

setup() {
	local out line
	wait_ssh 300 || bail "root logs in with ssh (key) through 127.0.0.1:$PORT"
	ok "$T root logs in with ssh (key) through 127.0.0.1:$PORT"
	expect_eq "$T the guest runs Debian's kernel" "$(vssh root uname -r)" "$RELEASE"
	vssh root 'cat >/root/libpam-mntns.deb' <"$DEB"
	vssh_ok "dpkg -i installs $(basename "$DEB")" root \
		'dpkg -i /root/libpam-mntns.deb'
	vssh_ok "the users $U1 and $U2 are made, with the key; $U1 may sudo" root "
		set -e
		for u in $U1 $U2; do
			useradd -m -s /bin/bash \$u
			install -d -m 0700 -o \$u -g \$u /home/\$u/.ssh
			install -m 0600 -o \$u -g \$u /root/.ssh/authorized_keys /home/\$u/.ssh/
		done
		echo '$U1 ALL=(ALL) NOPASSWD: ALL' >/etc/sudoers.d/mntnsvm
		chmod 0440 /etc/sudoers.d/mntnsvm"
	out=$(vssh root 'pam_mntns_helper check; echo rc=$?' 2>&1)
	expect_eq "$T pam_mntns_helper check passes the installed config" \
		"$(field rc "$out")" 0
	expect_eq "$T ... and says so in one line" \
		"$(printf '%s\n' "$out" | grep -vc '^rc=')" 1 || diag "$out"
	vssh_ok "pam-auth-update --enable mntns" root \
		'DEBIAN_FRONTEND=noninteractive pam-auth-update --enable mntns'
	expect_eq "$T common-session runs pam_mntns, once" \
		"$(vssh root 'grep -c "^session.*pam_mntns\.so" /etc/pam.d/common-session')" 1
	# The user manager joins the login's namespace through
	# /etc/pam.d/systemd-user, which pam-auth-update leaves alone: the
	# administrator adds the line conf/pam.d/systemd-user gives.  Debian
	# 12's systemd ships the file in /usr/lib/pam.d, which /etc/pam.d
	# overrides whole: the administrator copies it first.
	line=$(grep -v '^#' conf/pam.d/systemd-user | grep pam_mntns)
	vssh_ok "/etc/pam.d/systemd-user gets conf/pam.d/systemd-user's line" root "
		set -e
		if [ ! -e /etc/pam.d/systemd-user ]; then
			cp /usr/lib/pam.d/systemd-user /etc/pam.d/systemd-user
			touch /root/systemd-user.copied
		fi
		sed -i '/^@include common-session-noninteractive/a $line' /etc/pam.d/systemd-user
		grep -q pam_mntns /etc/pam.d/systemd-user"
}

prepare_checks() {
	local when=$1
	expect_eq "$T $when: /var/tmp/.mntns is root:root 0000" \
		"$(vssh root 'stat -c "%U:%G %a" /var/tmp/.mntns')" "root:root 0"
	expect_eq "$T $when: pam_mntns-prepare.service is enabled, ran and succeeded" \
		"$(vssh root 'systemctl show -p UnitFileState -p ActiveState -p Result pam_mntns-prepare.service | sort | tr "\n" " "')" \
		"ActiveState=active Result=success UnitFileState=enabled "
}

# ---- logins -----------------------------------------------------------

# A first login of user 1 leaves a mark in its /tmp and /var/tmp and a
# detached tmux, logs out; the next login finds all three.
logins() {
	local out ns1 ns2 mns
	mns=$(vssh root 'readlink /proc/1/ns/mnt')
	out=$(vssh $U1 '
		echo u1-secret >/tmp/u1-mark && echo u1-var >/var/tmp/u1-var
		echo ns=$(readlink /proc/self/ns/mnt)
		echo vartmp=$(stat -c "%U %a" /var/tmp)
		echo runuser=$(test -d /run/user/$(id -u) && echo yes)
		echo session=$(loginctl show-session "$XDG_SESSION_ID" -p Name --value)
		tmux new-session -d -s work && echo tmux=started' 2>&1)
	ns1=$(field ns "$out")
	expect_ne "$T $U1's login has a namespace of its own" "$ns1" "$mns" ||
		diag "$out"
	expect_eq "$T $U1's /var/tmp is the instance (its owner, 0700)" \
		"$(field vartmp "$out")" "$U1 700"
	expect_eq "$T $U1's login sees /run/user/UID" "$(field runuser "$out")" yes
	expect_eq "$T loginctl knows $U1's session, from inside it" \
		"$(field session "$out")" $U1
	expect_eq "$T tmux starts detached in $U1's login" "$(field tmux "$out")" started
	expect_match "$T loginctl list-sessions shows $U1, as root" \
		"$(vssh root 'loginctl list-sessions --no-legend')" " $U1 "

	out=$(vssh $U1 '
		echo mark=$(cat /tmp/u1-mark)
		echo ns=$(readlink /proc/self/ns/mnt)
		tmux send-keys -t work "readlink /proc/self/ns/mnt >/tmp/tmux-ns" Enter
		i=0
		while [ ! -s /tmp/tmux-ns ] && [ $i -lt 300 ]; do
			sleep 0.2
			i=$((i + 1))
		done
		echo tmuxns=$(cat /tmp/tmux-ns)
		echo run=$(systemd-run --user --wait --pipe --quiet cat /tmp/u1-mark 2>&1)
		mkdir -p ~/.config/systemd/user
		printf "[Service]\nType=oneshot\nExecStart=/bin/sh -c \"cat /tmp/u1-mark >%%h/svc.out\"\n" \
			>~/.config/systemd/user/mntns-probe.service
		systemctl --user daemon-reload
		systemctl --user start mntns-probe.service
		echo svc=$(cat ~/svc.out 2>&1)' 2>&1)
	ns2=$(field ns "$out")
	expect_eq "$T $U1 logs out and in: the same namespace (scope=user)" "$ns2" "$ns1" ||
		diag "$out"
	expect_eq "$T ... with its /tmp as left" "$(field mark "$out")" u1-secret
	expect_eq "$T ... and the detached tmux in it" "$(field tmuxns "$out")" "$ns1"
	expect_eq "$T systemd-run --user sees the login's /tmp" \
		"$(field run "$out")" u1-secret
	expect_eq "$T a systemctl --user service sees the login's /tmp" \
		"$(field svc "$out")" u1-secret
	out=$(TERM=xterm vssh -tt $U1 'tmux attach -t work \; detach-client' 2>&1)
	expect_match "$T tmux reattaches after logout and login" "$out" 'detached'

	out=$(vssh $U1 '
		echo sudoi=$(sudo -n -i readlink /proc/self/ns/mnt)
		echo init=$(sudo -n readlink /proc/1/ns/mnt)
		echo sudotmp=$(sudo -n -i sh -c "test -e /tmp/u1-mark && echo $U1 || echo host")' 2>&1)
	expect_eq "$T sudo -i from $U1's shell is in the host's namespace" \
		"$(field sudoi "$out")" "$(field init "$out")" || diag "$out"
	expect_eq "$T ... and sees the host's /tmp" "$(field sudotmp "$out")" host

	out=$(vssh $U2 '
		echo seen=$(test -e /tmp/u1-mark && echo yes || echo no)
		echo ns=$(readlink /proc/self/ns/mnt)
		echo vartmp=$(stat -c "%U %a" /var/tmp)' 2>&1)
	expect_eq "$T $U2 does not see $U1's /tmp" "$(field seen "$out")" no ||
		diag "$out"
	expect_ne "$T $U2's namespace is not $U1's" "$(field ns "$out")" "$ns1"
	expect_ne "$T ... nor the host's" "$(field ns "$out")" "$mns"
	expect_eq "$T $U2's /var/tmp is its own instance" "$(field vartmp "$out")" "$U2 700"

	out=$(vssh root '
		echo ns=$(readlink /proc/self/ns/mnt)
		echo seen=$(test -e /tmp/u1-mark && echo yes || echo no)
		echo var=$(cat /var/tmp/.mntns/'$U1'/u1-var)' 2>&1)
	expect_eq "$T root (no rule) logs in to the host's namespace" \
		"$(field ns "$out")" "$mns" || diag "$out"
	expect_eq "$T ... and sees the host's /tmp" "$(field seen "$out")" no
	expect_eq "$T ... and $U1's /var/tmp in /var/tmp/.mntns/$U1" \
		"$(field var "$out")" u1-var

	out=$(vssh root 'pam_mntns_helper list; echo rc=$?' 2>&1)
	expect_eq "$T pam_mntns_helper list exits 0" "$(field rc "$out")" 0
	expect_match "$T ... and lists $U1's namespace (held by tmux)" "$out" "$U1"
	diag "$out"
}

# journal NAME: the guest's log of this boot, kept in the run folder;
# what the module and sshd said goes to the diagnostics.
journal() {
	vssh root 'journalctl -b -o short-monotonic --no-pager' >"$RUN/journal-$1.txt" 2>&1
	diag "journal of the guest: $RUN/journal-$1.txt; its pam_mntns lines:"
	diag "$(grep -i 'pam_mntns' "$RUN/journal-$1.txt" | tail -n 40)"
}

# ---- a reboot ---------------------------------------------------------

reboot_guest() {
	local boot
	boot=$(vssh root 'cat /proc/sys/kernel/random/boot_id')
	vssh root 'systemctl reboot' >/dev/null 2>&1
	sleep 10
	local end=$((SECONDS + 600))
	while [ $SECONDS -lt $end ]; do
		b=$(vssh root 'cat /proc/sys/kernel/random/boot_id' 2>/dev/null) &&
			[ -n "$b" ] && [ "$b" != "$boot" ] && break
		sleep 5
	done
	[ -n "${b:-}" ] && [ "$b" != "$boot" ] || bail "the guest reboots"
	ok "$T the guest reboots"
}

after_reboot() {
	local out mns
	prepare_checks "after the reboot"
	expect_match "$T pam_mntns-prepare.service ran in this boot" \
		"$(vssh root 'journalctl -b -q -o cat -u pam_mntns-prepare.service')" .
	expect_eq "$T ... and was done before sshd started" \
		"$(vssh root 'a=$(systemctl show -p ActiveEnterTimestampMonotonic --value pam_mntns-prepare.service)
			s=$(systemctl show -p ExecMainStartTimestampMonotonic --value ssh.service)
			[ "$a" -le "$s" ] && echo yes || echo "no ($a > $s)"')" yes
	expect_no_match "$T list shows no namespace of $U1 before it logs in" \
		"$(vssh root 'pam_mntns_helper list' 2>&1)" "$U1"
	mns=$(vssh root 'readlink /proc/1/ns/mnt')
	out=$(vssh $U1 '
		echo ns=$(readlink /proc/self/ns/mnt)
		echo seen=$(test -e /tmp/u1-mark && echo yes || echo no)
		echo var=$(cat /var/tmp/u1-var)' 2>&1)
	expect_ne "$T after the reboot, $U1 logs in to a namespace of its own" \
		"$(field ns "$out")" "$mns" || diag "$out"
	expect_eq "$T ... with a fresh /tmp" "$(field seen "$out")" no
	expect_eq "$T ... and its /var/tmp instance kept" "$(field var "$out")" u1-var
	out=$(vssh $U2 'echo ns=$(readlink /proc/self/ns/mnt)' 2>&1)
	expect_ne "$T after the reboot, $U2 logs in to a namespace of its own" \
		"$(field ns "$out")" "$mns" || diag "$out"
	expect_eq "$T after the reboot, root logs in to the host's namespace" \
		"$(vssh root 'readlink /proc/self/ns/mnt')" "$mns"
}

disable() {
	local out
	vssh_ok "pam-auth-update --disable mntns (and the systemd-user line out)" root '
		set -e
		DEBIAN_FRONTEND=noninteractive pam-auth-update --disable mntns
		if [ -e /root/systemd-user.copied ]; then
			rm /etc/pam.d/systemd-user
		else
			sed -i "/pam_mntns/d" /etc/pam.d/systemd-user
		fi
		! grep -rq pam_mntns /etc/pam.d
		echo host >/tmp/host-mark'
	out=$(vssh $U1 '
		echo mark=$(cat /tmp/host-mark)
		echo vartmp=$(stat -c %U /var/tmp)' 2>&1)
	expect_eq "$T disabled: $U1 gets the host's /tmp back" "$(field mark "$out")" host ||
		diag "$out"
	expect_eq "$T disabled: ... and the host's /var/tmp" "$(field vartmp "$out")" root
}

# Below the floor: the login of a user with rules is refused, and the
# log says which call the kernel lacks; root's (no rule) goes on.
refused() {
	local out rc
	out=$(vssh $U1 'echo in' 2>&1)
	rc=$?
	expect_ne "$T below Linux 5.12, $U1's login is refused" "$rc" 0 ||
		diag "$out"
	expect_match "$T ... and the log names the call the kernel lacks" \
		"$(vssh root 'journalctl -b -o cat | grep "pam_mntns(sshd:session)"')" \
		'lacks [a-z_0-9]+\(2\), which came in Linux [0-9.]+'
	expect_eq "$T root (no rule) still logs in" "$(vssh root 'echo in')" in
}

start=$SECONDS
setup
prepare_checks "after dpkg -i"
if [ "${MODULE_ON:-works}" = refuses ]; then
	refused
	disable
	journal boot1
else
	logins
	journal boot1
	reboot_guest
	after_reboot
	disable
	journal boot2
fi
diag "login host: $((SECONDS - start)) s"
if [ "${VM_KEEP:-0}" = 1 ]; then
	diag "VM_KEEP=1: the guest stays up"
else
	vssh root 'systemctl poweroff' >/dev/null 2>&1
fi
echo "1..$T_N"
