#!/bin/bash
# Attacks on per-user instances (bind SOURCE with %u): the instance parent
# made first by a user, with the wrong mode, or as a symlink; a symlink
# at the instance or in the path above the instance parent; an instance
# owned by someone else.  TU1 is the victim, TU2 the attacker.
# Each test fails if the attack works: the login must be refused, with
# a log line that says why, and nothing on the system may change.

. "$(dirname "$0")/../lib/root.sh"
. tests/security/lib.sh

sec_inst_conf() {
	sec_conf sec-inst <<'C'
*,!root  /var/tmp  bind  /var/tmp/.mntns/%u  mode=0700
C
}

sec_inst_reset() {
	rm -rf /var/tmp/.mntns /var/tmp/sec-* "$W/sec-rootside"
}

test_sec_instance_parent_made_by_user() {
	local mode uid2
	uid2=$(id -u "$TU2")
	sec_inst_conf
	for mode in 0700 0777 1777; do
		sec_inst_reset
		sec_as "$TU2" mkdir -m "$mode" /var/tmp/.mntns
		sec_snapshot
		sec_run sec-inst "$TU1"
		sec_refused "instance parent made by a user (mode $mode)" \
			"user $TU1: .*instance parent /var/tmp/\.mntns is owned by uid $uid2"
		sec_unchanged "instance parent made by a user (mode $mode)"
		expect_eq "instance parent made by a user (mode $mode): nothing made in it" \
			"$(ls -A /var/tmp/.mntns)" ""
	done
	sec_inst_reset
}

test_sec_instance_parent_wrong_mode() {
	local mode
	sec_inst_conf
	for mode in 0755 0070 0707 1777; do
		sec_inst_reset
		mkdir -m "$mode" /var/tmp/.mntns
		sec_snapshot
		sec_run sec-inst "$TU1"
		sec_refused "root's instance parent with mode $mode" \
			"user $TU1: .*instance parent /var/tmp/\.mntns is owned by uid 0 with mode $mode"
		sec_unchanged "root's instance parent with mode $mode"
	done
	sec_inst_reset
}

# A root-owned 0000 directory elsewhere: the instance parent it would be
# if the module followed a symlink there.
sec_rootside() {
	mkdir -p "$W/sec-rootside" && chmod 0755 "$W/sec-rootside" &&
		mkdir -m 0000 "$W/sec-rootside/inst"
}

test_sec_instance_parent_symlink() {
	local dest name
	sec_inst_conf
	for dest in /etc "$W/sec-rootside/inst" /var/tmp/sec-mine; do
		sec_inst_reset
		sec_rootside
		sec_as "$TU2" mkdir /var/tmp/sec-mine
		sec_as "$TU2" ln -s "$dest" /var/tmp/.mntns
		name="instance parent is a user's symlink to $dest"
		sec_snapshot
		sec_run sec-inst "$TU1"
		sec_refused "$name" \
			"user $TU1: .*instance parent /var/tmp/\.mntns: /var/tmp/\.mntns is a symlink"
		sec_unchanged "$name"
		expect_eq "$name: nothing made where it points" \
			"$(ls -A "$dest")" "$(ls -A "$dest" | grep -v "^$TU1\$")"
		expect_true "$name: no $TU1 there" test ! -e "$dest/$TU1"
	done
	sec_inst_reset
}

# CVE-2025-6020 pattern: a symlink where the instance should be, so that
# the chown of a new instance would give /etc (or another user's home)
# to the victim.  Only root can write in a 0000 parent: this stands for a
# planted or stale entry.
test_sec_instance_symlink() {
	local dest name
	sec_inst_conf
	for dest in /etc "/home/$TU2" /etc/shadow; do
		sec_inst_reset
		mkdir -m 0000 /var/tmp/.mntns
		ln -s "$dest" "/var/tmp/.mntns/$TU1"
		name="instance is a symlink to $dest"
		sec_snapshot
		sec_run sec-inst "$TU1"
		sec_refused "$name" \
			"user $TU1: .*instance /var/tmp/\.mntns/$TU1.*(symlink|not a directory)"
		sec_unchanged "$name"
	done
	sec_inst_reset
}

test_sec_instance_parent_path_symlink() {
	sec_conf sec-inst-up <<'C'
*,!root  /var/tmp  bind  /var/tmp/sec-up/inst/%u  mode=0700
C
	sec_inst_reset
	sec_rootside
	sec_as "$TU2" ln -s "$W/sec-rootside" /var/tmp/sec-up
	sec_snapshot
	sec_run sec-inst-up "$TU1"
	sec_refused "symlink above the instance parent" \
		"user $TU1: .*/var/tmp/sec-up is a symlink"
	sec_unchanged "symlink above the instance parent"
	expect_eq "symlink above the instance parent: nothing made where it points" \
		"$(ls -A "$W/sec-rootside/inst")" ""
	sec_inst_reset
}

test_sec_instance_owned_by_another() {
	sec_inst_conf
	sec_inst_reset
	mkdir -m 0000 /var/tmp/.mntns
	mkdir -m 0700 "/var/tmp/.mntns/$TU1"
	chown "$TU2:$TU2" "/var/tmp/.mntns/$TU1"
	sec_snapshot
	sec_run sec-inst "$TU1"
	sec_refused "instance owned by another user" \
		"user $TU1: .*instance /var/tmp/\.mntns/$TU1 is owned by uid $(id -u "$TU2")"
	sec_unchanged "instance owned by another user"
	sec_inst_reset
}

test_sec_instance_safe_default() {
	sec_inst_conf
	sec_inst_reset
	umask 0000
	sec_run sec-inst "$TU1" -r -- stat -c 'view=%U:%G:%a' /var/tmp
	umask 0022
	expect_eq "a normal login: PAM_SUCCESS" "$(field open "$SEC_OUT")" \
		PAM_SUCCESS
	expect_eq "a normal login: instance parent made root:root 0000 (umask 0)" \
		"$(stat -c '%U:%G:%a' /var/tmp/.mntns)" root:root:0
	expect_eq "a normal login: the instance is the user's, 0700 (umask 0)" \
		"$(stat -c '%U:%G:%a' "/var/tmp/.mntns/$TU1")" \
		"$TU1:$TU1:700"
	expect_eq "a normal login: the user sees it on /var/tmp" \
		"$(field view "$SEC_OUT")" "$TU1:$TU1:700"
	expect_eq "a normal login: only /var/tmp was mounted" \
		"$(field new_mount "$SEC_OUT" | cut -d' ' -f1,2)" \
		"/var/tmp /.mntns/$TU1"
	sec_inst_reset
}

run_tests
