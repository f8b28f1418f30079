#!/bin/bash
# scope=user with real clients: an ssh login and a su -l login of the
# same user share one namespace (and so /tmp) while both are open.

. "$(dirname "$0")/../lib/root.sh"
. tests/e2e/lib.sh

test_e2e_scope_user_ssh_and_su() {
	e2e_setup || return
	if ! e2e_sshd_start; then
		not_ok "scope=user: sshd starts on a loopback port"
		return
	fi
	e2e_scope_user scope=user
	local ssh_pid out ns_ssh
	rm -f "$E2E/go-scope" "$E2E/ssh-scope.out"
	setsid "${E2E_SSH_CMD[@]}" "$TU2@127.0.0.1" "echo from-ssh >/tmp/shared-by-ssh
		echo ns=\$(readlink /proc/self/ns/mnt | tr -dc 0-9); echo READY
		while [ ! -e $E2E/go-scope ]; do sleep 0.05; done" \
		>"$E2E/ssh-scope.out" 2>&1 </dev/null &
	ssh_pid=$!
	track_pid "$ssh_pid"
	local i=0
	while ! grep -q '^READY$' "$E2E/ssh-scope.out" && [ $i -lt 400 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	ns_ssh=$(field ns "$(cat "$E2E/ssh-scope.out")")
	out=$("${E2E_ENV[@]}" su -l "$TU2" -c \
		'cat /tmp/shared-by-ssh; echo ns=$(readlink /proc/self/ns/mnt | tr -dc 0-9)' 2>&1)
	expect_match "scope=user: su -l sees the /tmp file of the open ssh login" \
		"$out" '^from-ssh$'
	expect_eq "scope=user: ssh and su -l share one namespace" \
		"$(field ns "$out")" "$ns_ssh"
	touch "$E2E/go-scope"
	e2e_wait "$ssh_pid" 20
	# The namespace lives while a process is in it: sshd's may be exiting.
	ns_gone "$ns_ssh"
	out=$("${E2E_ENV[@]}" su -l "$TU2" -c 'ls -A /tmp' 2>&1)
	expect_no_match "scope=user: after both logins ended, /tmp is fresh" \
		"$out" '^shared-by-ssh$'
	e2e_scope_user ""
	e2e_sshd_stop
}

run_tests
