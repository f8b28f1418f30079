#!/bin/bash
# pam_mntns_helper check: the config as the module reads it, errors and
# warnings gcc-style on stderr, exit 1 only on an error.

. "$(dirname "$0")/../lib/root.sh"
. "$SRC/tests/helper/lib.sh"

# The paths check-clean.conf and check-warn.conf talk about.
hlp_check_paths() {
	local d
	hlp_setup
	mkdir -p "$HLP/vt" "$HLP/inst" "$HLP/inst2" "$HLP/ro" "$HLP/n" \
		"$HLP/real/t" "$HLP/real/src" "$HLP/real/x" "$HLP/openparent"
	chmod 0000 "$HLP/inst" "$HLP/inst2"
	chmod 0755 "$HLP/openparent"
	ln -s real "$HLP/lnk"
	ln -s real "$HLP/tlink"
	ln -s real "$HLP/lnkparent"
	: >"$HLP/file"
	mkfifo "$HLP/fifo"
	for d in d1 d2 d3 d4 d5 d6 d7 d8 d9 d10 d11 d12 d13 d14; do
		mkdir "$HLP/$d"
	done
	mkdir -m 0700 "$HLP/userparent" "$HLP/userdir"
	chown mntnst1 "$HLP/userparent" "$HLP/userdir"
}

test_helper_check_clean() {
	hlp_check_paths
	hlp_conf check-clean
	hlp_run check-clean "$HELPER" check --conf "$HLP/check-clean.conf"
	hlp_run check-clean-as-user as_user mntnst3 "$HELPER" check \
		--conf "$HLP/check-clean.conf"
	hlp_run check-clean-quiet "$HELPER" check -q --conf "$HLP/check-clean.conf"
	hlp_run check-clean-quiet-long "$HELPER" check --quiet \
		--conf "$HLP/check-clean.conf"
	# The summary counts the drop-ins and their settings.
	mkdir "$HLP/check-clean.d"
	printf 'set scope=user\nset debug\n' >"$HLP/check-clean.d/50-settings.conf"
	printf 'mntnst1  /tmp  none\n' >"$HLP/check-clean.d/60-rule.conf"
	chmod 0644 "$HLP"/check-clean.d/*
	hlp_run check-clean-settings "$HELPER" check --conf "$HLP/check-clean.conf"
	rm -r "$HLP/check-clean.d"
}

test_helper_check_warnings() {
	hlp_check_paths
	hlp_conf check-warn
	hlp_run check-warn "$HELPER" check --conf "$HLP/check-warn.conf"
	expect_true "check creates nothing" \
		test ! -e "$HLP/noparent" -a ! -e "$HLP/missing"
}

test_helper_check_errors() {
	hlp_setup
	hlp_conf check-error
	hlp_run check-error "$HELPER" check --conf "$HLP/check-error.conf"
	hlp_conf check-dropin
	mkdir "$HLP/check-dropin.d"
	printf '# fine\nmntnst1  /tmp  none\n' >"$HLP/check-dropin.d/10-a.conf"
	printf '\nmntnst1  /tmp  frob\n' >"$HLP/check-dropin.d/20-b.conf"
	printf 'not read: not a .conf\n' >"$HLP/check-dropin.d/30-c.txt"
	chmod 0644 "$HLP"/check-dropin.d/*
	hlp_run check-dropin-error "$HELPER" check --conf "$HLP/check-dropin.conf"
	rm "$HLP/check-dropin.d/20-b.conf"
	ln -s 10-a.conf "$HLP/check-dropin.d/15-link.conf"
	hlp_run check-dropin-symlink "$HELPER" check \
		--conf "$HLP/check-dropin.conf"
	rm "$HLP/check-dropin.d/15-link.conf"
	chmod 0664 "$HLP/check-dropin.conf"
	hlp_run check-group-writable "$HELPER" check \
		--conf "$HLP/check-dropin.conf"
	hlp_run check-missing "$HELPER" check --conf "$HLP/nonexistent.conf"
	: >"$HLP/empty.conf"
	chmod 0644 "$HLP/empty.conf"
	hlp_run check-empty "$HELPER" check --conf "$HLP/empty.conf"
}

# Every error of every file in one run, where the module stops at the
# first; a file that is refused does not stop the others.
test_helper_check_every_error() {
	hlp_setup
	hlp_conf check-many
	mkdir "$HLP/check-many.d"
	printf 'mntnst1  /tmp  none\n@  /srv/c  tmpfs\n' \
		>"$HLP/check-many.d/10-a.conf"
	printf 'mntnst1  /srv/d  tmpfs\n' >"$HLP/check-many.d/20-b.conf"
	printf 'mntnst1  /srv/e  bind\n' >"$HLP/check-many.d/30-c.conf"
	chmod 0644 "$HLP"/check-many.d/*
	chmod 0666 "$HLP/check-many.d/20-b.conf"
	hlp_run check-every-error "$HELPER" check --conf "$HLP/check-many.conf"
	hlp_run show-every-error "$HELPER" show mntnst1 \
		--conf "$HLP/check-many.conf"
}

# check says what the module says, at the same FILE:LINE.
test_helper_check_like_module() {
	hlp_setup
	hlp_conf check-error
	service hlp-check "conf=$HLP/check-error.conf"
	: >"$SYSLOG"
	local out msg
	out=$(session hlp-check mntnst1)
	expect_eq "check-error.conf: the module refuses the session" \
		"$(field open "$out")" PAM_SESSION_ERR
	msg=$("$HELPER" check --conf "$HLP/check-error.conf" 2>&1 |
		sed 's/: error: /: /')
	expect_true "check's error is the module's log message" \
		grep -qF "user mntnst1: $msg" "$SYSLOG"
}

test_helper_check_default_config() {
	hlp_setup
	cp "$SRC/conf/pam_mntns.conf" "$HLP/default.conf"
	chmod 0644 "$HLP/default.conf"
	local err
	err=$("$HELPER" check --conf "$HLP/default.conf" 2>&1 >/dev/null)
	expect_eq "the shipped config passes check" "$?" 0
	expect_no_match "the shipped config has no error" "$err" 'error:'
}

test_helper_check_ro_hide() {
	hlp_check_paths
	mkdir -p "$HLP/ro/d1" "$HLP/ro/d2"
	hlp_conf check-rohide
	hlp_run check-rohide "$HELPER" check --conf "$HLP/check-rohide.conf"
}

run_tests
