#!/bin/bash
# The config decides what is mounted where, as root: a file or drop-in
# that a user owns or may write, a symlink in its place, or a drop-in
# directory a user controls, would let that user choose.  Every such
# case refuses all logins with a log line naming the file; files the
# loader does not read (not ending in .conf, hidden) do not matter.

. "$(dirname "$0")/../lib/root.sh"
. tests/security/lib.sh

SEC_CF=$W/sec-cf

# A good config and drop-in, root-owned, 0644/0755.
sec_cf_reset() {
	rm -rf "$SEC_CF.conf" "$SEC_CF.d" "$W/sec-cf-real.conf" \
		"$W/sec-cf-real.d" "$W/sec-cf-u"
	printf '*,!root  /tmp  tmpfs  -  size=1M\n' >"$SEC_CF.conf"
	chmod 0644 "$SEC_CF.conf"
	mkdir -m 0755 "$SEC_CF.d"
	printf '*,!root  /var/tmp  tmpfs  -  size=1M\n' >"$SEC_CF.d/10-a.conf"
	chmod 0644 "$SEC_CF.d/10-a.conf"
	service sec-cf "conf=$SEC_CF.conf"
}

# sec_cf_case NAME LOG_ERE: the attack is set up; run and check.
sec_cf_case() {
	sec_snapshot
	sec_run sec-cf "$TU1"
	sec_refused "$1" "user $TU1: $2"
	sec_unchanged "$1"
	sec_cf_reset
}

test_sec_config_main_file() {
	sec_cf_reset
	chown "$TU1" "$SEC_CF.conf"
	sec_cf_case "config owned by a user" \
		"$SEC_CF\.conf: owned by uid $(id -u "$TU1"), must be owned by root"
	chmod 0664 "$SEC_CF.conf"
	sec_cf_case "group-writable config" \
		"$SEC_CF\.conf: writable by group or others"
	chmod 0646 "$SEC_CF.conf"
	sec_cf_case "world-writable config" \
		"$SEC_CF\.conf: writable by group or others"
	mv "$SEC_CF.conf" "$W/sec-cf-real.conf"
	ln -s "$W/sec-cf-real.conf" "$SEC_CF.conf"
	sec_cf_case "config is a symlink (to a good file)" \
		"$SEC_CF\.conf: .*symlink"
}

test_sec_config_dropin_file() {
	sec_cf_reset
	chown "$TU1" "$SEC_CF.d/10-a.conf"
	sec_cf_case "drop-in owned by a user" \
		"$SEC_CF\.d/10-a\.conf: owned by uid $(id -u "$TU1")"
	chmod 0660 "$SEC_CF.d/10-a.conf"
	sec_cf_case "group-writable drop-in" \
		"$SEC_CF\.d/10-a\.conf: writable by group or others"
	chmod 0602 "$SEC_CF.d/10-a.conf"
	sec_cf_case "world-writable drop-in" \
		"$SEC_CF\.d/10-a\.conf: writable by group or others"
	mv "$SEC_CF.d/10-a.conf" "$W/sec-cf-real.conf"
	ln -s "$W/sec-cf-real.conf" "$SEC_CF.d/10-a.conf"
	sec_cf_case "drop-in is a symlink (to a good file)" \
		"$SEC_CF\.d/10-a\.conf: .*symlink"
	# A hard link needs the same file system: a user's directory in $W.
	mkdir -p "$W/sec-cf-u" && chown "$TU1" "$W/sec-cf-u"
	as_user "$TU1" sh -c "echo '*  /etc  tmpfs  -' >$W/sec-cf-u/mine"
	ln "$W/sec-cf-u/mine" "$SEC_CF.d/20-link.conf"
	sec_cf_case "drop-in hard-linked to a user's file" \
		"$SEC_CF\.d/20-link\.conf: owned by uid $(id -u "$TU1")"
	mkdir "$SEC_CF.d/30-dir.conf"
	sec_cf_case "a directory named like a drop-in" \
		"$SEC_CF\.d/30-dir\.conf: not a regular file"
}

test_sec_config_dropin_dir() {
	local mode
	for mode in 0775 0777 1777 0757; do
		sec_cf_reset
		chmod "$mode" "$SEC_CF.d"
		sec_cf_case "drop-in directory with mode $mode" \
			"$SEC_CF\.d: writable by group or others"
	done
	sec_cf_reset
	chown "$TU1" "$SEC_CF.d"
	sec_cf_case "drop-in directory owned by a user" \
		"$SEC_CF\.d: owned by uid $(id -u "$TU1")"
	mv "$SEC_CF.d" "$W/sec-cf-real.d"
	ln -s "$W/sec-cf-real.d" "$SEC_CF.d"
	sec_cf_case "drop-in directory is a symlink (to a good directory)" \
		"$SEC_CF\.d: .*symlink"
}

# Safely applied: what the loader does not read cannot hurt.
test_sec_config_ignored_names() {
	local f
	sec_cf_reset
	for f in .hidden.conf 10-a.conf.bak README 10-a.conf~; do
		printf '*  /etc  tmpfs  -\n' >"$SEC_CF.d/$f"
		chown "$TU1" "$SEC_CF.d/$f"
		chmod 0666 "$SEC_CF.d/$f"
	done
	sec_run sec-cf "$TU1"
	expect_eq "user files not named *.conf in the drop-in directory: not read" \
		"$(field open "$SEC_OUT") $(printf '%s\n' "$SEC_OUT" | sed -n 's/^new_mount=\([^ ]*\).*/\1/p' | sort | tr '\n' ' ')" \
		"PAM_SUCCESS /tmp /var/tmp "
	sec_cf_reset
}

# An empty drop-in directory (what make install creates) is no error.  In
# a SANITIZE=1 build this aborts the login: lib/config/conffile.c list_dropins()
# calls qsort(NULL, 0, ...), undefined behaviour that UBSan stops on (the
# unit test test_load_empty_dropin_dir fails there too).  Until that is
# fixed (skip qsort when there is nothing to sort) the sanitizer run
# skips this case; see the report of issue 3.
test_sec_config_empty_dropin_dir() {
	if [ -n "$ASAN_RT" ]; then
		ok "empty drop-in directory # SKIP known UB in lib/config/conffile.c list_dropins (qsort of NULL) aborts under UBSan"
		return
	fi
	sec_cf_reset
	rm -f "$SEC_CF.d"/*
	sec_run sec-cf "$TU1"
	expect_eq "empty drop-in directory: the main config alone applies" \
		"$(field open "$SEC_OUT") $(field new_mount "$SEC_OUT" | cut -d' ' -f1)" \
		"PAM_SUCCESS /tmp"
	sec_cf_reset
}

run_tests
