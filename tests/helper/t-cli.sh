#!/bin/bash
# pam_mntns_helper's command line in the util-linux manner: --help and
# --version, misuse with a hint and exit 1, root-only commands, and
# failed writes to stdout turned into a failing exit.

. "$(dirname "$0")/../lib/root.sh"
. "$SRC/tests/helper/lib.sh"

test_helper_cli_help() {
	hlp_setup
	local out c
	out=$("$HELPER" --help 2>"$HLP/err")
	expect_eq "--help: exit 0" "$?" 0
	expect_match "--help: the usage, on stdout" "$out" '^Usage:$'
	expect_eq "--help: nothing on stderr" "$(cat "$HLP/err")" ""
	for c in check show prepare list enter; do
		expect_match "--help: shows the $c command" "$out" \
			"^ pam_mntns_helper $c"
	done
	expect_eq "-h is --help" "$("$HELPER" -h)" "$out"
	expect_eq "check --help: the same usage, exit 0" \
		"$("$HELPER" check --help; echo "[exit $?]")" "$out
[exit 0]"
	out=$("$HELPER" --version)
	expect_eq "--version: exit 0" "$?" 0
	expect_match "--version: program and version" "$out" \
		'^pam_mntns_helper [0-9]+\.[0-9]+\.[0-9]+$'
	expect_eq "-V is --version" "$("$HELPER" -V)" "$out"
}

test_helper_cli_misuse() {
	hlp_setup
	hlp_run cli-no-command "$HELPER"
	hlp_run cli-unknown-command "$HELPER" frobnicate
	hlp_run cli-unknown-option "$HELPER" --frobnicate
	hlp_run cli-check-bad-option "$HELPER" check --frobnicate
	hlp_run cli-check-bad-short-option "$HELPER" check -x
	hlp_run cli-check-operand "$HELPER" check extra
	hlp_run cli-check-conf-missing "$HELPER" check --conf
	hlp_run cli-show-no-user "$HELPER" show
	hlp_run cli-show-two-users "$HELPER" show mntnst1 mntnst2
	hlp_run cli-list-conf "$HELPER" list --conf /x
	hlp_run cli-prepare-json "$HELPER" prepare --json
	hlp_run cli-show-quiet "$HELPER" show mntnst1 --quiet
	hlp_run cli-enter-nothing "$HELPER" enter
}

test_helper_cli_write_error() {
	local err
	err=$("$HELPER" --help 2>&1 >/dev/full)
	expect_eq "--help >/dev/full: exit 1" "$?" 1
	expect_match "--help >/dev/full: says why" "$err" \
		'^pam_mntns_helper: write error: No space left on device$'
	err=$("$HELPER" --version 2>&1 >/dev/full)
	expect_eq "--version >/dev/full: exit 1" "$?" 1
}

test_helper_cli_not_root() {
	hlp_setup
	hlp_conf prepare
	hlp_run cli-prepare-not-root as_user mntnst3 "$HELPER" prepare \
		--conf "$HLP/prepare.conf"
	hlp_run cli-list-not-root as_user mntnst3 "$HELPER" list
	hlp_run cli-enter-not-root as_user mntnst3 "$HELPER" enter mntnst1
	expect_true "prepare as a user creates nothing" test ! -e "$HLP/p1"
}

run_tests
