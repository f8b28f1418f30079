#!/bin/bash
# A config change against the namespaces that live on: list says whether
# each was built from the plan the config gives its user now, show says
# how it differs, and the texts of old plans go once no namespace has them.

. "$(dirname "$0")/../lib/root.sh"
. "$SRC/tests/helper/lib.sh"

# $HLP/plans.conf with the rules given as arguments, one per line.
plans_conf() {
	printf '%s\n' "$@" >"$HLP/plans.conf" && chmod 0644 "$HLP/plans.conf"
}

# The PLAN column (the last) of USER's rows in list's table.
plans_listed() {
	"$HELPER" list --conf "$HLP/plans.conf" |
		awk -v u="$1" '$1 == u { print $NF }'
}

# The "plan" of each namespace in list --json (the tests have one user
# with namespaces at a time; the guest of check-vm has no python).
plans_json() {
	"$HELPER" list --json --conf "$HLP/plans.conf" |
		sed -n 's/^ *"plan": "\([a-z]*\)",*$/\1/p'
}

# plans_expect_listed NAME USER WANT: list's PLAN for USER is WANT; if
# not, list's whole output is shown.
plans_expect_listed() {
	local got
	got=$(plans_listed "$2")
	expect_eq "$1" "$got" "$3"
	[ "$got" = "$3" ] ||
		"$HELPER" list --conf "$HLP/plans.conf" 2>&1 | sed 's/^/#   /'
}

test_plans_list_and_show() {
	hlp_setup
	plans_conf '*,!root /tmp tmpfs - size=8M,mode=0700' \
		'*,!root /var/tmp tmpfs - size=8M,mode=0700,nosuid' \
		'*,!root /srv/gone tmpfs - size=1M'
	mkdir -p /srv/gone /srv/new
	service plans-user "conf=$HLP/plans.conf" scope=user
	hlp_hold p plans-user mntnst1
	local ns
	ns=$(hlp_held p ns)
	expect_true "a lingering namespace is made" [ -n "$ns" ]
	plans_expect_listed "list: built from the current plan" mntnst1 current
	expect_eq "list --json: plan current" "$(plans_json mntnst1)" "current"
	local out
	out=$("$HELPER" show --conf "$HLP/plans.conf" mntnst1)
	expect_match "show: the live namespace is built from this plan" "$out" \
		"mnt:\[$ns\]  scope=user  [0-9]+ process(es)?  built from this plan"

	# The admin changes the config: one mount added, one changed, one gone.
	plans_conf '*,!root /tmp tmpfs - size=8M,mode=0700' \
		'*,!root /var/tmp tmpfs - size=8M,mode=0700,ro' \
		'*,!root /srv/new tmpfs - size=2M'
	plans_expect_listed "list: after the change, the plan changed" mntnst1 changed
	expect_eq "list --json: plan changed" "$(plans_json mntnst1)" "changed"
	out=$("$HELPER" show --conf "$HLP/plans.conf" mntnst1)
	expect_match "show: another plan" "$out" \
		"mnt:\[$ns\].*built from another plan; to bring it to this one:"
	expect_match "show: the new mount, to add" "$out" \
		'    \+ /srv/new tmpfs - size=2M,nosuid,nodev'
	expect_match "show: the dropped mount, to remove" "$out" \
		'    - /srv/gone tmpfs - size=1M,nosuid,nodev'
	local ids="uid=$(hlp_uid 1),gid=$(hlp_gid 1)"
	expect_match "show: the changed mount, with what it was" "$out" \
		"    ~ /var/tmp tmpfs - size=8M,mode=0700,$ids,ro,nosuid,nodev  \\(was: /var/tmp tmpfs - size=8M,mode=0700,$ids,nosuid,nodev\\)"
	expect_no_match "show: an unchanged mount is not a difference" "$out" \
		'[-+~] /tmp '
	local json
	json=$("$HELPER" show --json --conf "$HLP/plans.conf" mntnst1)
	expect_eq "show --json: the live namespace and its differences" \
		"$(printf '%s\n' "$json" |
			sed -n 's/^ *"\(plan\|change\)": "\([a-z]*\)",*$/\2/p' |
			sort | tr '\n' ' ')" \
		"add change changed remove "

	# A namespace made by a module that kept no fingerprint: unknown.
	local rec
	rec=$(find /run/pam_mntns/ns -type l | head -n 1)
	ln -sfn "$(readlink "$rec" | sed 's/ f=[0-9a-f]*//')" "$rec"
	plans_expect_listed "list: a record without a fingerprint: unknown" mntnst1 unknown

	# The config as it was: current again (the fingerprint is the plan's).
	plans_conf '*,!root /tmp tmpfs - size=8M,mode=0700' \
		'*,!root /var/tmp tmpfs - size=8M,mode=0700,nosuid' \
		'*,!root /srv/gone tmpfs - size=1M'
	ln -sfn "$(readlink "$rec") f=x" "$rec"
	expect_eq "list: a malformed fingerprint is no record" \
		"$(plans_listed mntnst1)" ""
	hlp_release p
}

# list, show and update read records, configs and plans: under valgrind,
# no read of memory they did not set (a helper that crashed on one kernel
# and not on another did).
test_plans_valgrind() {
	if [ -n "$ASAN_RT" ]; then
		ok "valgrind # SKIP the SANITIZE=1 build is ASan code, which valgrind cannot run"
		return
	fi
	if ! command -v valgrind >/dev/null; then
		not_ok "valgrind is installed (make deps)"
		return
	fi
	local vgshim=$W/bin/vgshim.so cmd
	cp "$B/tests/vgshim.so" "$vgshim" || return 1
	upd_start
	upd_conf "$UPD_V2"
	for cmd in "list --conf $HLP/plans.conf" \
		"list --json --conf $HLP/plans.conf" \
		"show --conf $HLP/plans.conf mntnst1" \
		"show --json --conf $HLP/plans.conf mntnst1" \
		"update --dry-run --conf $HLP/plans.conf mntnst1" \
		"update --conf $HLP/plans.conf mntnst1"; do
		# valgrind 3.19 knows no openat2 nor the mount API: the shim
		# of the memory tests makes them with calls it knows.
		expect_true "valgrind: ${cmd%% --conf*}${cmd##*plans.conf}: no error" \
			env LD_PRELOAD="$vgshim" valgrind -q --error-exitcode=99 \
			--suppressions=tests/security/valgrind.supp \
			--log-file="$W/vg.log" "$HELPER" $cmd >/dev/null 2>&1
		# What valgrind says of system calls it does not know is no error.
		grep -v -e '^--[0-9]*-- ' "$W/vg.log" | sed -n '1,12s/^/#   /p'
	done
	hlp_release u
}

# The kept texts of plans go when no namespace was built from them.
test_plans_texts_pruned() {
	hlp_setup
	plans_conf '*,!root /tmp tmpfs - size=8M,mode=0700'
	service plans-sess "conf=$HLP/plans.conf"
	hlp_hold s plans-sess mntnst2
	local fp
	fp=$(find "/run/pam_mntns/users/$(hlp_uid 2)" -type l \
		-exec readlink {} + | grep -o ' f=[0-9a-f]*' | cut -d= -f2)
	expect_match "the record names its plan's fingerprint" "$fp" \
		'^[0-9a-f]{16}$'
	expect_eq "the text of that plan is kept" \
		"$(readlink "/run/pam_mntns/plans/$fp")" \
		"/tmp tmpfs - size=8M,mode=0700,uid=$(hlp_uid 2),gid=$(hlp_gid 2),nosuid,nodev"
	# Old texts (past the grace a login between text and record has).
	touch -h -d '-1 hour' /run/pam_mntns/plans/*
	"$HELPER" list >/dev/null
	expect_eq "list keeps the text of a live namespace's plan" \
		"$(ls /run/pam_mntns/plans)" "$fp"
	hlp_release s
	"$HELPER" list >/dev/null
	expect_eq "list removes a text no namespace has" \
		"$(ls /run/pam_mntns/plans)" ""
}

# The first config of the update tests, and the one after the admin's
# change: /srv/new added, /var/tmp made read-only, /tmp made larger,
# /srv/gone dropped.
UPD_V1="*,!root /tmp tmpfs - size=8M,mode=0700
*,!root /var/tmp tmpfs - size=8M,mode=0700,nosuid
*,!root /srv/gone tmpfs - size=1M,mode=1777"
UPD_V2="*,!root /tmp tmpfs - size=16M,mode=0700
*,!root /var/tmp tmpfs - size=8M,mode=0700,ro
*,!root /srv/new tmpfs - size=2M"

upd_conf() {
	printf '%s\n' "$1" >"$HLP/plans.conf" && chmod 0644 "$HLP/plans.conf"
}

# findmnt's FSTYPE,OPTIONS of PATH in the namespace of PID.
upd_mnt() {
	nsenter -t "$1" -m findmnt -no FSTYPE,OPTIONS --mountpoint "$2" | tail -n 1
}

# A scope=user namespace of mntnst1 kept by a held session (whose shell
# runs PROBE), built from UPD_V1, with a file in /srv/gone.
upd_start() {
	hlp_setup
	mkdir -p /srv/gone /srv/new
	upd_conf "$UPD_V1"
	service upd-user "conf=$HLP/plans.conf" scope=user
	# Not the namespace of an earlier test, which may linger a moment.
	"$HELPER" retire mntnst1 >/dev/null
	hlp_hold u upd-user mntnst1 "${1:-:}"
	UPD_PID=$(hlp_held u shell)
	expect_true "a held session keeps a namespace" [ -n "$UPD_PID" ]
	[ -n "$UPD_PID" ] || sed 's/^/#   /' "$W/hlp-hold-u"
	nsenter -t "$UPD_PID" -m sh -c \
		'echo kept >/srv/gone/file && echo kept >/tmp/file'
}

test_update_brings_a_live_namespace_to_the_plan() {
	upd_start
	upd_conf "$UPD_V2"
	local out rc
	out=$("$HELPER" update --dry-run --conf "$HLP/plans.conf" mntnst1)
	rc=$?
	expect_eq "update --dry-run: exit 0" "$rc" 0
	expect_match "update --dry-run: prints the mount to add" "$out" \
		'  \+ /srv/new tmpfs - size=2M,nosuid,nodev'
	expect_match "update --dry-run: ... to remove" "$out" \
		'  - /srv/gone tmpfs'
	expect_match "update --dry-run: ... to change" "$out" \
		'  ~ /var/tmp tmpfs .*,ro,nosuid,nodev  \(was: '
	expect_eq "update --dry-run: nothing changes in the namespace" \
		"$(upd_mnt "$UPD_PID" /srv/gone | cut -d' ' -f1)" "tmpfs"
	plans_expect_listed "update --dry-run: list still says changed" mntnst1 changed

	: >"$SYSLOG"
	out=$(MNTNS_TEST_LOG=$SYSLOG LD_PRELOAD=$(preload "$SHIM") \
		"$HELPER" update --conf "$HLP/plans.conf" mntnst1 2>&1)
	rc=$?
	expect_eq "update: exit 0" "$rc" 0
	expect_match "update: one line in syslog for the namespace" \
		"$(cat "$SYSLOG")" \
		'<85> mntnst1: mnt:\[[0-9]+\] brought to the current plan by update'
	expect_match "update: says so" "$out" 'mntnst1: mnt:\[[0-9]+\] updated'
	expect_match "update: the held process sees the new mount" \
		"$(upd_mnt "$UPD_PID" /srv/new)" '^tmpfs .*nosuid,nodev'
	expect_match "update: ... the changed flags" \
		"$(upd_mnt "$UPD_PID" /var/tmp)" '^tmpfs +ro,'
	expect_match "update: ... the larger /tmp" \
		"$(upd_mnt "$UPD_PID" /tmp)" 'size=16384k'
	expect_eq "update: ... with its files (resized, not made anew)" \
		"$(nsenter -t "$UPD_PID" -m cat /tmp/file)" "kept"
	expect_eq "update: ... and not the dropped mount" \
		"$(upd_mnt "$UPD_PID" /srv/gone)" ""
	expect_eq "update: the host is untouched" \
		"$(findmnt -no FSTYPE --mountpoint /srv/new)" ""
	plans_expect_listed "update: list says current" mntnst1 current
	out=$("$HELPER" update --conf "$HLP/plans.conf" mntnst1)
	expect_match "update again: up to date, nothing done" "$out" \
		'is up to date'
	expect_match "update: a login joins the updated namespace" \
		"$(session upd-user mntnst1 -- findmnt -no FSTYPE --mountpoint /srv/new)" \
		'tmpfs'
	hlp_release u
	out=$("$HELPER" update --conf "$HLP/plans.conf" mntnst1)
	expect_eq "update: a user with no live process: nothing to do" \
		"$out" "mntnst1 has no live namespace"
}

test_update_usage() {
	hlp_setup
	local out rc
	out=$("$HELPER" update 2>&1)
	rc=$?
	expect_eq "update with no user: exit 1" "$rc" 1
	expect_match "update with no user: says what it takes" "$out" \
		'update: expected USER... or --all'
	out=$("$HELPER" update --all mntnst1 2>&1)
	expect_match "update --all USER: refused" "$out" \
		'update: expected USER... or --all'
	out=$("$HELPER" list --lazy 2>&1)
	expect_match "--lazy is update's alone" "$out" \
		"list: option '--lazy' does not apply"
	out=$("$HELPER" update nosuchuser-x 2>&1)
	rc=$?
	expect_eq "update of an unknown user: exit 1" "$rc" 1
	out=$("$HELPER" update --all 2>&1)
	rc=$?
	expect_eq "update --all with no namespace: exit 0" "$rc" 0
	upd_start
	upd_conf "*,!root /tmp tmpfs - size=8M,mode=0700,bogus"
	out=$("$HELPER" update --conf "$HLP/plans.conf" mntnst1 2>&1)
	rc=$?
	expect_eq "update with a config that does not load: exit 1" "$rc" 1
	expect_match "update with a config that does not load: says why" \
		"$out" "mntnst1: the current plan is refused: .*plans.conf:1"
	expect_eq "update with a config that does not load: nothing changed" \
		"$(nsenter -t "$UPD_PID" -m cat /srv/gone/file)" "kept"
	hlp_release u
}

# A failure half-way leaves the namespace as it was: refused before any
# mount (a TARGET that is missing), or after /srv/new and /srv/nb were
# mounted (a TARGET below /srv/nb that turns out a symlink).
test_update_all_or_nothing() {
	upd_start
	# /srv/nb/x is a symlink once /srv/nb is bound: refused after that.
	mkdir -p /srv/src /srv/nb
	ln -sfn /etc /srv/src/x
	local bad out rc
	for bad in "/srv/missing/deeper tmpfs - size=1M" \
		"/srv/nb bind /srv/src -
*,!root /srv/nb/x tmpfs - size=1M"; do
		upd_conf "$UPD_V2
*,!root $bad"
		out=$("$HELPER" update --conf "$HLP/plans.conf" mntnst1 2>&1)
		rc=$?
		expect_eq "update that fails (${bad%% *}): exit 1" "$rc" 1
		expect_match "update that fails (${bad%% *}): names the entry" \
			"$out" 'left as it was: .*/srv/(missing|nb/x)'
		expect_eq "update that fails (${bad%% *}): the removed mount is back" \
			"$(nsenter -t "$UPD_PID" -m cat /srv/gone/file)" "kept"
		expect_eq "update that fails (${bad%% *}): the added mounts are gone" \
			"$(upd_mnt "$UPD_PID" /srv/new)$(upd_mnt "$UPD_PID" /srv/nb)" ""
		expect_match "update that fails (${bad%% *}): the flags are as they were" \
			"$(upd_mnt "$UPD_PID" /var/tmp)" '^tmpfs +rw,'
		expect_match "update that fails (${bad%% *}): the size is as it was" \
			"$(upd_mnt "$UPD_PID" /tmp)" 'size=8192k'
		plans_expect_listed "update that fails (${bad%% *}): list still says changed" mntnst1 changed
	done
	hlp_release u
}

# Only the tmpfs the module made is taken away, not a mount over it.
test_update_removes_only_its_tmpfs() {
	upd_start
	nsenter -t "$UPD_PID" -m mount -t ramfs mntns-other /srv/gone
	upd_conf "$UPD_V2"
	local out rc
	out=$("$HELPER" update --conf "$HLP/plans.conf" mntnst1 2>&1)
	rc=$?
	expect_eq "update with another mount over a tmpfs entry: exit 1" \
		"$rc" 1
	expect_match "update with another mount over a tmpfs entry: says so" \
		"$out" 'the mount on /srv/gone is not the tmpfs pam_mntns made'
	expect_eq "update with another mount over a tmpfs entry: it stays" \
		"$(upd_mnt "$UPD_PID" /srv/gone | cut -d' ' -f1)" "ramfs"
	hlp_release u
}

# A mount in use is not taken away, unless --lazy.
test_update_busy_mount() {
	upd_start 'cd /srv/gone'
	upd_conf "$UPD_V2"
	local out rc
	out=$("$HELPER" update --conf "$HLP/plans.conf" mntnst1 2>&1)
	rc=$?
	expect_eq "update of a busy mount: exit 1" "$rc" 1
	expect_match "update of a busy mount: names the process" "$out" \
		"/srv/gone: it is busy \\(PID $UPD_PID \\(sleep\\)"
	expect_eq "update of a busy mount: it stays" \
		"$(nsenter -t "$UPD_PID" -m cat /srv/gone/file)" "kept"
	out=$("$HELPER" update --lazy --conf "$HLP/plans.conf" mntnst1 2>&1)
	rc=$?
	expect_eq "update --lazy: exit 0 ($out)" "$rc" 0
	expect_eq "update --lazy: the busy mount is detached" \
		"$(upd_mnt "$UPD_PID" /srv/gone)" ""
	expect_eq "update --lazy: the process keeps what it had" \
		"$(cat "/proc/$UPD_PID/cwd/file")" "kept"
	hlp_release u
}

# The user's processes are inside while update runs, and swap paths in
# their home: no mount lands, and none goes, outside what the plans say.
test_update_races() {
	hlp_setup
	# A mount outside the home, where the symlink of the swapper points.
	local base="*,!root /tmp tmpfs - size=8M,mode=0700
*,!root /srv/race/work tmpfs - size=1M"
	mkdir -p /srv/race/work
	local with="$base
*,!root %h/a/work tmpfs - size=1M"
	upd_conf "$with"
	service upd-race "conf=$HLP/plans.conf" scope=user
	as_user mntnst1 mkdir -p /home/mntnst1/a/work /home/mntnst1/decoy/work
	# The swapper: ~/a is now the real directory, now a symlink to
	# /srv/race, now a decoy with a work directory of its own.
	hlp_hold r upd-race mntnst1 'cd /home/mntnst1 && (while :; do
		mv a b 2>/dev/null; ln -s /srv/race a 2>/dev/null; rm -f a
		mv decoy a 2>/dev/null; mv a decoy 2>/dev/null
		mv b a 2>/dev/null; done) >/dev/null 2>&1 &'
	local pid i escapes=0 applied=0 before after
	pid=$(hlp_held r shell)
	# The helper's own first look makes the pins' mount in the host's
	# view (kernels without namespace IDs), which flows in: before it.
	"$HELPER" list >/dev/null
	before=$(nsenter -t "$pid" -m findmnt -rno TARGET |
		grep -v "^/home/mntnst1/" | sort)
	for i in $(seq 1 60); do
		if [ $((i % 2)) -eq 1 ]; then
			upd_conf "$base"
		else
			upd_conf "$with"
		fi
		"$HELPER" update --conf "$HLP/plans.conf" mntnst1 \
			>/dev/null 2>&1 && applied=$((applied + 1))
		after=$(nsenter -t "$pid" -m findmnt -rno TARGET |
			grep -v "^/home/mntnst1/" | sort)
		[ "$after" = "$before" ] || {
			escapes=$((escapes + 1))
			diff <(echo "$before") <(echo "$after") | head -n 5 |
				sed 's/^/# /'
		}
		nsenter -t "$pid" -m findmnt -rno TARGET,FSTYPE /etc |
			grep -q tmpfs && escapes=$((escapes + 1))
	done
	expect_eq "update while the user swaps paths: 0 escapes in 60" \
		"$escapes" 0
	expect_true "update while the user swaps paths: some went through" \
		[ "$applied" -gt 0 ]
	echo "# $applied of 60 updates went through, the others were undone"

	expect_eq "update while the user swaps paths: /tmp still the plan's" \
		"$(upd_mnt "$pid" /tmp | cut -d' ' -f1)" "tmpfs"
	pkill -KILL -u mntnst1
	hlp_release r 2>/dev/null
}

run_tests
