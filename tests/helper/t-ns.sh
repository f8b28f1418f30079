#!/bin/bash
# pam_mntns_helper list and enter: the live namespaces of held sessions,
# nothing stale, and commands run inside the right one.

. "$(dirname "$0")/../lib/root.sh"
. "$SRC/tests/helper/lib.sh"

hlp_ns_services() {
	hlp_conf ns
	service hlp-sess "conf=$HLP/ns.conf"
	service hlp-user "conf=$HLP/ns.conf" scope=user
}

# The NS column of the rows of USER in list's table.
hlp_listed_ns() {
	"$HELPER" list | awk -v u="$1" '$1 == u { print $3 }' | tr -dc '0-9\n'
}

test_helper_list() {
	hlp_setup
	hlp_ns_services
	hlp_run list-none "$HELPER" list
	hlp_run list-none-json "$HELPER" list --json
	hlp_hold a hlp-sess mntnst1
	hlp_hold b hlp-sess mntnst2
	HLP_TOKENS="PIDA=$(hlp_held a client) PIDB=$(hlp_held b client)"
	HLP_SQUASH=1 hlp_run list-two "$HELPER" list
	hlp_run list-two-json "$HELPER" list --json
	hlp_valid_json "list --json: valid JSON" "$HLP/out.list-two-json.stdout"
	expect_eq "list: mntnst1's namespace is its session's (both live)" \
		"$(hlp_listed_ns mntnst1)" "$(hlp_held a ns)"
	expect_eq "list: mntnst2's namespace is its session's (both live)" \
		"$(hlp_listed_ns mntnst2)" "$(hlp_held b ns)"
	local err
	err=$("$HELPER" list 2>&1 >/dev/full)
	expect_eq "list >/dev/full: exit 1" "$?" 1
	expect_match "list >/dev/full: says why" "$err" 'write error'
	hlp_release a
	HLP_SQUASH=1 hlp_run list-one "$HELPER" list
	# A killed session never closes: its record must not be listed.
	kill -KILL "$(hlp_held b client)"
	hlp_release b 2>/dev/null
	# Its shell keeps the namespace (listed as lingering) until it exits.
	ns_gone "$(hlp_held b ns)"
	hlp_run list-none-after-kill "$HELPER" list
}

test_helper_list_user_scope() {
	hlp_setup
	hlp_ns_services
	hlp_hold u1 hlp-user mntnst3
	hlp_hold u2 hlp-user mntnst3
	expect_eq "scope=user: both sessions share a namespace" \
		"$(hlp_held u2 ns)" "$(hlp_held u1 ns)"
	HLP_TOKENS="PIDU1=$(hlp_held u1 client) PIDU2=$(hlp_held u2 client)"
	HLP_SQUASH=1 hlp_run list-user-scope "$HELPER" list
	hlp_run list-user-scope-json "$HELPER" list --json
	expect_eq "enter USER: the one namespace of two sessions" \
		"$("$HELPER" enter mntnst3 -- readlink /proc/self/ns/mnt | tr -dc 0-9)" \
		"$(hlp_held u1 ns)"
	hlp_release u1
	hlp_release u2
}

test_helper_enter() {
	hlp_setup
	hlp_ns_services
	hlp_hold e hlp-sess mntnst2 'echo secret >/tmp/hlp-marker'
	local ns out
	ns=$(hlp_held e ns)
	expect_eq "enter USER: lands in the session's namespace (both live)" \
		"$("$HELPER" enter mntnst2 -- readlink /proc/self/ns/mnt | tr -dc 0-9)" \
		"$ns"
	expect_eq "enter USER: sees the session's private /tmp" \
		"$("$HELPER" enter mntnst2 -- cat /tmp/hlp-marker)" secret
	expect_eq "enter USER: the command starts in /" \
		"$(cd "$HLP" && "$HELPER" enter mntnst2 -- pwd)" /
	expect_eq "enter PID: the namespace of that process" \
		"$("$HELPER" enter "$(hlp_held e shell)" readlink /proc/self/ns/mnt | tr -dc 0-9)" \
		"$ns"
	"$HELPER" enter mntnst2 -- sh -c 'exit 7'
	expect_eq "enter: the command's exit status is the helper's" "$?" 7
	out=$(echo 'readlink /proc/self/ns/mnt' |
		SHELL=/bin/sh "$HELPER" enter mntnst2 2>/dev/null | tail -n 1)
	expect_eq "enter without a command: a shell in the namespace" \
		"$(echo "$out" | tr -dc 0-9)" "$ns"
	expect_ne "enter: the helper's caller stays where it was" \
		"$(ns_of)" "$ns"
	hlp_run enter-not-found "$HELPER" enter mntnst2 -- mntnst-no-such-command
	hlp_run enter-no-namespace "$HELPER" enter mntnst1
	hlp_run enter-no-user "$HELPER" enter mntnst-nosuchuser
	hlp_run enter-no-pid "$HELPER" enter 999999999
	hlp_hold e2 hlp-sess mntnst2
	HLP_TOKENS="PIDE=$(hlp_held e client) PIDE2=$(hlp_held e2 client)"
	hlp_run enter-ambiguous "$HELPER" enter mntnst2 -- true
	# Namespaces made in one second are in the order of their records'
	# times, not by PID (PIDs wrap): here the second made seems the
	# older by a fraction of that second.
	local f first=$(hlp_held e client) second=$(hlp_held e2 client)
	for f in /run/pam_mntns/users/"$(id -u mntnst2)"/* /run/pam_mntns/ns/*; do
		case " $(readlink "$f") " in
		*" p=$first "*) touch -h -d "2026-01-01 00:00:00.9" "$f" ;;
		*" p=$second "*) touch -h -d "2026-01-01 00:00:00.1" "$f" ;;
		esac
	done
	expect_eq "enter: two namespaces of one second, the older first" \
		"$("$HELPER" enter mntnst2 -- true 2>&1 |
			sed -n 's/^ *PID \([0-9]*\) .*/\1/p' | tr '\n' ' ')" \
		"$second $first "
	hlp_release e
	hlp_release e2
}

# enter finds its program in the host's view, before joining: a PATH
# entry that exists only in the user's view (their private /tmp) cannot
# give root a program the user planted there.
test_helper_enter_program_from_host() {
	hlp_setup
	hlp_ns_services
	hlp_hold p hlp-sess mntnst2 'mkdir /tmp/hlp-bin &&
		printf "#!/bin/sh\necho planted\n" >/tmp/hlp-bin/id &&
		chmod 0755 /tmp/hlp-bin/id'
	expect_eq "enter: the user's view holds the planted program" \
		"$("$HELPER" enter mntnst2 -- cat /tmp/hlp-bin/id | tail -n 1)" \
		"echo planted"
	expect_eq "enter: a PATH lookup happens in the host's view" \
		"$(PATH=/tmp/hlp-bin:/usr/bin:/bin "$HELPER" enter mntnst2 -- id -u)" 0
	expect_eq "enter: a path given is opened in the host's view" \
		"$("$HELPER" enter mntnst2 -- /tmp/hlp-bin/id 2>&1)" \
		"pam_mntns_helper: enter: cannot run /tmp/hlp-bin/id: No such file or directory"
	hlp_release p
}

# A process of an ordinary user in a mount namespace of its own user
# namespace (unshare -Urm): its owner controls every mount there, so a
# command run in it as root could run that user's programs.
test_helper_enter_user_namespace() {
	hlp_setup
	if ! as_user mntnst1 unshare -Urm true 2>/dev/null; then
		ok "enter refuses a user's own namespace # SKIP unprivileged user namespaces are off here"
		return
	fi
	local pid i=0
	setpriv --reuid mntnst1 --regid "$(id -g mntnst1)" --init-groups -- \
		unshare -Urm sleep 30 &
	pid=$!
	track_pid "$pid"
	while [ "$(ns_of "$pid")" = "$(ns_of)" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	expect_ne "a user's process in a namespace of its own user namespace" \
		"$(ns_of "$pid")" "$(ns_of)"
	rm -f "$HLP/entered"
	HLP_TOKENS="PIDNS=$pid"
	hlp_run enter-user-namespace "$HELPER" enter "$pid" -- \
		touch "$HLP/entered"
	expect_eq "enter into a user's own namespace: no command ran" \
		"$(ls "$HLP/entered" 2>&1)" \
		"ls: cannot access '$HLP/entered': No such file or directory"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || :
}

run_tests
