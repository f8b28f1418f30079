#!/bin/bash
# A login host as people use it, through real clients: a detached tmux or
# a nohup job keeps a scope=user namespace joinable after logout; ssh -A
# reaches the forwarded agent; sudo -i and su from inside a user's
# namespace (also after that user's session closed, a process left) get
# the host's view, never the user's; retire makes the next login fresh.

. "$(dirname "$0")/../lib/root.sh"
. tests/e2e/lib.sh

L=$W/lifetime

# sshd with scope=user on its stack (and su-l's), a sudo-i stack with the
# module, and a sudoers of the sandbox's own letting $TU2 run sudo.
lifetime_setup() {
	[ -n "${E2E_SSHD_PID:-}" ] && return 0
	e2e_setup || return 1
	mkdir -p "$L" && chmod 1777 "$L" || return 1
	if ! e2e_sshd_start; then
		not_ok "sshd starts on a loopback port"
		return 1
	fi
	e2e_scope_user scope=user
	printf 'session required %s conf=%s\n' "$MODULE" "$W/e2e.conf" \
		>>/etc/pam.d/sudo-i
	printf 'Defaults env_reset\n%s ALL=(ALL:ALL) NOPASSWD: ALL\n' "$TU2" \
		>"$W/sudoers" && chmod 0440 "$W/sudoers" &&
		mount --bind "$W/sudoers" /etc/sudoers
}

# ns_field OUTPUT: the ns= line of OUTPUT.
ns_field() {
	field ns "$1"
}

NS_CMD='echo ns=$(readlink /proc/self/ns/mnt | tr -dc 0-9)'

# start_job NAME: an ssh login of $TU2 leaves a nohup job that writes
# /tmp/NAME and runs until $L/NAME.stop exists; the login ends.  Sets
# JOB_PID and JOB_NS.
start_job() {
	rm -f "$L/$1.pid" "$L/$1.stop"
	e2e_ssh "nohup sh -c 'echo $1 >/tmp/$1; echo \$\$ >$L/$1.pid
		while [ ! -e $L/$1.stop ]; do sleep 0.2; done' \
		</dev/null >/dev/null 2>&1 &" >/dev/null
	wait_file "$L/$1.pid" 30
	JOB_PID=$(cat "$L/$1.pid" 2>/dev/null)
	JOB_NS=$(readlink "/proc/$JOB_PID/ns/mnt" 2>/dev/null | tr -dc 0-9)
}

# stop_job NAME: ends the job and waits for its namespace to empty.
stop_job() {
	touch "$L/$1.stop"
	ns_gone "$JOB_NS"
}

test_tmux_reattach() {
	lifetime_setup || return
	local out ns1
	out=$(e2e_ssh "tmux new-session -d -s keep 'sleep 100000' &&
		tmux has-session -t keep && echo started; $NS_CMD")
	expect_match "tmux: a detached server starts in an ssh login" \
		"$out" '^started$'
	ns1=$(ns_field "$out")
	out=$(e2e_ssh "tmux has-session -t keep && echo found; $NS_CMD")
	expect_match "tmux: after logout, the next ssh login finds it (tmux has-session)" \
		"$out" '^found$'
	expect_eq "tmux: that login joined the namespace the server lives in" \
		"$(ns_field "$out")" "$ns1"
	expect_match "tmux: list shows the namespace, kept by its processes" \
		"$("$HELPER" list)" "^$TU2 .* user +(open|lingering) "
	e2e_ssh 'tmux kill-server' >/dev/null
	expect_true "tmux: with the server gone, no process is left in it" \
		ns_gone "$ns1"
	out=$(e2e_ssh "tmux has-session -t keep 2>/dev/null || echo none; ls -A /tmp; $NS_CMD")
	# (Its inode may be the old one's: the kernel reuses them.)
	expect_match "tmux: then a login builds a fresh namespace" "$out" '^none$'
}

test_nohup_job() {
	lifetime_setup || return
	local out
	start_job nohupjob
	expect_true "nohup: the job outlives its ssh login" kill -0 "$JOB_PID"
	out=$(e2e_ssh "cat /tmp/nohupjob; $NS_CMD")
	expect_match "nohup: the next login sees the job's /tmp file" \
		"$out" '^nohupjob$'
	expect_eq "nohup: ... in the job's namespace" "$(ns_field "$out")" \
		"$JOB_NS"
	expect_true "nohup: the job ends, and with it the namespace" \
		stop_job nohupjob
	out=$(e2e_ssh "ls -A /tmp; $NS_CMD")
	expect_no_match "nohup: a login after the job ended gets a fresh /tmp" \
		"$out" '^nohupjob$'
	expect_no_match "nohup: list no longer shows the old namespace" \
		"$("$HELPER" list)" "mnt:\\[$JOB_NS\\]"
}

test_ssh_agent_forwarding() {
	lifetime_setup || return
	local agent out
	agent=$(ssh-agent -s -a "$L/agent.sock") || {
		not_ok "ssh -A: an agent starts"
		return
	}
	SSH_AGENT_PID=$(sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p' <<<"$agent")
	track_pid "$SSH_AGENT_PID"
	SSH_AUTH_SOCK=$L/agent.sock ssh-add -q "$E2E_SSH/id" 2>/dev/null
	out=$(SSH_AUTH_SOCK=$L/agent.sock timeout 60 "${E2E_SSH_CMD[@]}" \
		-o ForwardAgent=yes "$TU2@127.0.0.1" 'ssh-add -l' </dev/null 2>&1)
	expect_match "ssh -A: ssh-add -l in the session reaches the forwarded agent" \
		"$out" 'mntns-test-user'
	kill "$SSH_AGENT_PID" 2>/dev/null
}

# What root sees from sudo -i: the host's /tmp marker, and whether a
# mount root makes there shows on the host side.
SUDO_PROBE='cat /tmp/host-view 2>&1; mount -t tmpfs sudo-mount '"$W"'/lifetime/rootmnt && echo mounted; echo ns=$(readlink /proc/self/ns/mnt | tr -dc 0-9)'

sudo_check() {
	local name=$1 out=$2
	expect_match "$name: root sees the host's /tmp" "$out" '^host-view$'
	expect_eq "$name: root is in the host's namespace" \
		"$(ns_field "$out")" "$(ns_of $$)"
	expect_true "$name: a mount root makes there is visible on the host" \
		mountpoint -q "$L/rootmnt"
	umount "$L/rootmnt" 2>/dev/null
}

test_sudo_i_host_view() {
	lifetime_setup || return
	local out
	echo host-view >/tmp/host-view
	mkdir -p "$L/rootmnt"
	out=$(e2e_ssh "echo mine >/tmp/host-view; sudo -n -i sh -c '$SUDO_PROBE'")
	sudo_check "sudo -i from $TU2's session" "$out"
	# The same after the session closed, a process left behind.
	start_job sudojob
	out=$(nsenter -t "$JOB_PID" -m setpriv --reuid="$TU2" \
		--regid="$(id -g "$TU2")" --init-groups -- \
		sudo -n -i sh -c "$SUDO_PROBE" 2>&1)
	sudo_check "sudo -i from a process left in $TU2's namespace" "$out"
	stop_job sudojob
	rm -f /tmp/host-view
}

# The review's reproduction: a second user's login from a namespace whose
# session closed (a process left) saw a file of that namespace's /tmp.
test_nested_login_after_close() {
	lifetime_setup || return
	local out
	start_job secret
	expect_eq "nested: $TU2's job holds a /tmp file" \
		"$(nsenter -t "$JOB_PID" -m cat /tmp/secret 2>&1)" secret
	out=$(nsenter -t "$JOB_PID" -m "${E2E_ENV[@]}" su -l "$TU1" -c \
		"ls -A /tmp; $NS_CMD" 2>&1)
	expect_no_match "nested: su -l $TU1 there does not see $TU2's /tmp" \
		"$out" '^secret$'
	expect_ne "nested: ... and gets a namespace of its own" \
		"$(ns_field "$out")" "$JOB_NS"
	out=$(nsenter -t "$JOB_PID" -m runuser -u root -- \
		"${E2E_ENV[@]}" su - root -c "cat /tmp/host-view 2>&1; $NS_CMD" 2>&1)
	expect_eq "nested: su - root there gets the host's view" \
		"$(ns_field "$out")" "$(ns_of $$)"
	stop_job secret
}

test_retire() {
	lifetime_setup || return
	local out
	start_job retired
	out=$("$HELPER" retire "$TU2")
	expect_match "retire: says what it did" "$out" "^$TU2: retired mnt"
	out=$(e2e_ssh "ls -A /tmp; $NS_CMD")
	expect_no_match "retire: the next login is fresh" "$out" '^retired$'
	expect_ne "retire: ... in a new namespace" "$(ns_field "$out")" "$JOB_NS"
	expect_eq "retire: the old process still sees its files" \
		"$(nsenter -t "$JOB_PID" -m cat /tmp/retired 2>&1)" retired
	expect_match "retire: list shows the old namespace as retired" \
		"$("$HELPER" list)" "mnt:\\[$JOB_NS\\] .* retired "
	out=$("$HELPER" retire "$TU3")
	expect_match "retire: a user with no namespace is told so" "$out" \
		"^$TU3 has no scope=user namespace"
	expect_eq "retire: an unknown user is an error (exit 1)" \
		"$("$HELPER" retire mntns-no-such-user 2>&1 >/dev/null; echo $?)" \
		"pam_mntns_helper: retire: no such user 'mntns-no-such-user'
1"
	stop_job retired
}

# The README's recipe for scope=session: tmux keeps its socket on the
# per-user /var/tmp instance, which every session of the user shares.
test_tmux_scope_session_recipe() {
	lifetime_setup || return
	local out
	e2e_scope_user ""
	out=$(e2e_ssh "export TMUX_TMPDIR=/var/tmp
		tmux new-session -d -s keep2 'sleep 100000' && echo started")
	expect_match "scope=session + TMUX_TMPDIR=/var/tmp: a detached server starts" \
		"$out" '^started$'
	out=$(e2e_ssh "export TMUX_TMPDIR=/var/tmp
		tmux has-session -t keep2 && echo found; ls -A /tmp")
	expect_match "scope=session + TMUX_TMPDIR=/var/tmp: the next login finds it" \
		"$out" '^found$'
	out=$(e2e_ssh "tmux has-session -t keep2 2>/dev/null || echo none")
	expect_match "scope=session without the recipe: the socket in the old /tmp is out of reach" \
		"$out" '^none$'
	e2e_ssh 'TMUX_TMPDIR=/var/tmp tmux kill-server' >/dev/null
	e2e_scope_user scope=user
}

test_zz_lifetime_cleanup() {
	[ -n "${E2E_SSHD_PID:-}" ] || return 0
	umount /etc/sudoers 2>/dev/null
	e2e_scope_user ""
	e2e_sshd_stop
	expect_true "sshd: stopped by its PID" \
		sh -c "! kill -0 $E2E_SSHD_PID 2>/dev/null"
}

run_tests
