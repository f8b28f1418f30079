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

# The "plan" of each of USER's namespaces in list --json.
plans_json() {
	"$HELPER" list --json --conf "$HLP/plans.conf" |
		python3 -c 'import json, sys
for u in json.load(sys.stdin)["users"]:
    if u["user"] == sys.argv[1]:
        for n in u["namespaces"]: print(n["plan"])' "$1"
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
	expect_eq "list: built from the current plan" \
		"$(plans_listed mntnst1)" "current"
	expect_eq "list --json: plan current" "$(plans_json mntnst1)" "current"
	local out
	out=$("$HELPER" show --conf "$HLP/plans.conf" mntnst1)
	expect_match "show: the live namespace is built from this plan" "$out" \
		"mnt:\[$ns\]  scope=user  [0-9]+ process(es)?  built from this plan"

	# The admin changes the config: one mount added, one changed, one gone.
	plans_conf '*,!root /tmp tmpfs - size=8M,mode=0700' \
		'*,!root /var/tmp tmpfs - size=8M,mode=0700,ro' \
		'*,!root /srv/new tmpfs - size=2M'
	expect_eq "list: after the change, the plan changed" \
		"$(plans_listed mntnst1)" "changed"
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
		"$(printf '%s' "$json" | python3 -c 'import json, sys
for n in json.load(sys.stdin)["live"]:
    print(n["plan"], *sorted(d["change"] for d in n["differences"]))')" \
		"changed add change remove"

	# A namespace made by a module that kept no fingerprint: unknown.
	local rec
	rec=$(find /run/pam_mntns/ns -type l | head -n 1)
	ln -sfn "$(readlink "$rec" | sed 's/ f=[0-9a-f]*//')" "$rec"
	expect_eq "list: a record without a fingerprint: unknown" \
		"$(plans_listed mntnst1)" "unknown"

	# The config as it was: current again (the fingerprint is the plan's).
	plans_conf '*,!root /tmp tmpfs - size=8M,mode=0700' \
		'*,!root /var/tmp tmpfs - size=8M,mode=0700,nosuid' \
		'*,!root /srv/gone tmpfs - size=1M'
	ln -sfn "$(readlink "$rec") f=x" "$rec"
	expect_eq "list: a malformed fingerprint is no record" \
		"$(plans_listed mntnst1)" ""
	hlp_release p
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

run_tests
