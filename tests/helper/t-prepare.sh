#!/bin/bash
# pam_mntns_helper prepare: instance parents made root:root 0000 before
# anyone logs in, idempotent, and refused (never repaired) when wrong.

. "$(dirname "$0")/../lib/root.sh"
. "$SRC/tests/helper/lib.sh"

test_helper_prepare_creates() {
	hlp_setup
	hlp_conf prepare
	mkdir "$HLP/sgid"
	chgrp "$TEST_GROUP" "$HLP/sgid"
	chmod 2775 "$HLP/sgid"
	hlp_run prepare-first "$HELPER" prepare --conf "$HLP/prepare.conf"
	expect_eq "prepare: parents are root:root 0000" \
		"$(stat -c '%U:%G %a' "$HLP/p1" "$HLP/p2" "$HLP/sgid/p3" | sort -u)" \
		"root:root 0"
	expect_true "prepare: nothing made for parents with a variable" \
		test ! -e "$HLP/mntnst1" -a ! -e "$HLP/t1"
	hlp_run prepare-again "$HELPER" prepare --conf "$HLP/prepare.conf"
	mkdir "$HLP/t1" "$HLP/t2" "$HLP/t3" "$HLP/t4" "$HLP/t5" "$HLP/t6"
	hlp_run prepare-then-check "$HELPER" check --conf "$HLP/prepare.conf"
}

test_helper_prepare_refuses() {
	hlp_setup
	hlp_conf prepare-bad
	mkdir -m 0700 "$HLP/user" "$HLP/elsewhere"
	chown mntnst1 "$HLP/user"
	mkdir -m 0755 "$HLP/open"
	ln -s elsewhere "$HLP/lnk"
	: >"$HLP/file"
	hlp_run prepare-bad "$HELPER" prepare --conf "$HLP/prepare-bad.conf"
	expect_eq "prepare: a user's parent is left as it is" \
		"$(stat -c '%U %a' "$HLP/user")" "mntnst1 700"
	expect_eq "prepare: a wrong mode is left as it is" \
		"$(stat -c '%U %a' "$HLP/open")" "root 755"
	expect_eq "prepare: a symlink is not followed" \
		"$(stat -c '%a' "$HLP/elsewhere"; ls -A "$HLP/elsewhere")" "700"
	expect_eq "prepare: the good one is made all the same" \
		"$(stat -c '%U:%G %a' "$HLP/good")" "root:root 0"
}

test_helper_prepare_unit() {
	local u=$SRC/conf/systemd/pam_mntns-prepare.service
	expect_match "unit: runs prepare" "$(cat "$u")" \
		'^ExecStart=/usr/sbin/pam_mntns_helper prepare$'
	expect_match "unit: a oneshot" "$(cat "$u")" '^Type=oneshot$'
	expect_match "unit: before logins are allowed" "$(cat "$u")" \
		'^Before=.*systemd-user-sessions\.service'
	expect_match "unit: after local file systems" "$(cat "$u")" \
		'^After=.*local-fs\.target'
}

run_tests
