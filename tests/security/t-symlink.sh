#!/bin/bash
# Symlinks a user plants in TARGETs and SOURCEs: ~/.cache -> /etc (a
# tmpfs there would give the user a writable /etc inside the session,
# and a set-user-ID program would trust it), a symlink higher up in the
# path, a SOURCE that points at /root; and where a missing TARGET may be
# created.  TU1 is the victim (or the user attacking their own
# session), TU2 another user.

. "$(dirname "$0")/../lib/root.sh"
. tests/security/lib.sh

sec_sym_reset() {
	rm -rf "/home/$TU1/.cache" "/home/$TU1/.local" /var/tmp/sec-* \
		"$W/sec-rootdir" "$W/sec-target"
}

test_sec_target_symlink_in_home() {
	local dest
	sec_conf sec-home <<'C'
*,!root  ~/.cache  tmpfs  -  size=1M,mode=0700
C
	for dest in /etc /root "/home/$TU2"; do
		sec_sym_reset
		sec_as "$TU1" ln -s "$dest" "/home/$TU1/.cache"
		sec_snapshot
		sec_run sec-home "$TU1"
		sec_refused "~/.cache -> $dest" \
			"user $TU1: target /home/$TU1/\.cache is a symlink"
		sec_unchanged "~/.cache -> $dest"
	done
	sec_sym_reset
}

test_sec_target_symlink_above() {
	sec_conf sec-home-deep <<'C'
*,!root  ~/.local/share  tmpfs  -  size=1M
C
	sec_sym_reset
	sec_as "$TU1" ln -s /usr "/home/$TU1/.local"
	sec_snapshot
	sec_run sec-home-deep "$TU1"
	sec_refused "~/.local -> /usr, TARGET ~/.local/share" \
		"user $TU1: .*/home/$TU1/\.local is a symlink"
	sec_unchanged "~/.local -> /usr, TARGET ~/.local/share"
	sec_sym_reset
}

# Safely applied: a missing ~/.cache is made in the user's own home, as
# the user, and mounted on.
test_sec_target_created_for_user() {
	sec_conf sec-home <<'C'
*,!root  ~/.cache  tmpfs  -  size=1M,mode=0700
C
	sec_sym_reset
	sec_run sec-home "$TU1"
	expect_eq "missing ~/.cache: PAM_SUCCESS" "$(field open "$SEC_OUT")" \
		PAM_SUCCESS
	expect_eq "missing ~/.cache: made by the user's ids, 0700" \
		"$(stat -c %U:%G:%a "/home/$TU1/.cache")" "$TU1:$TU1:700"
	expect_eq "missing ~/.cache: the only mount is on it" \
		"$(field new_mount "$SEC_OUT" | cut -d' ' -f1,3)" \
		"/home/$TU1/.cache pam_mntns"
	sec_sym_reset
}

test_sec_target_not_created_elsewhere() {
	mkdir -m 0755 "$W/sec-rootdir"
	sec_as "$TU2" mkdir -m 0777 /var/tmp/sec-other
	sec_conf sec-nocreate <<C
*,!root  $W/sec-rootdir/x     tmpfs  -  size=1M
C
	sec_conf sec-nocreate2 <<'C'
*,!root  /var/tmp/sec-other/x  tmpfs  -  size=1M
C
	sec_snapshot
	sec_run sec-nocreate "$TU1"
	sec_refused "missing TARGET in a root directory" \
		"user $TU1: target $W/sec-rootdir/x does not exist"
	sec_run sec-nocreate2 "$TU1"
	sec_refused "missing TARGET in another user's directory" \
		"user $TU1: target /var/tmp/sec-other/x does not exist"
	sec_unchanged "missing TARGETs outside the user's own directories"
	sec_sym_reset
}

test_sec_source_symlink() {
	mkdir -m 0755 "$W/sec-target"
	sec_as "$TU2" ln -s /root /var/tmp/sec-src
	sec_as "$TU2" ln -s /etc /var/tmp/sec-srcdir
	sec_conf sec-src <<C
*,!root  $W/sec-target  bind  /var/tmp/sec-src  -
C
	sec_conf sec-src2 <<C
*,!root  $W/sec-target  bind  /var/tmp/sec-srcdir/ssh  ro
C
	sec_snapshot
	sec_run sec-src "$TU1"
	sec_refused "SOURCE -> /root" \
		"user $TU1: source /var/tmp/sec-src is a symlink"
	sec_run sec-src2 "$TU1"
	sec_refused "SOURCE below a symlink to /etc" \
		"user $TU1: .*/var/tmp/sec-srcdir is a symlink"
	sec_unchanged "SOURCE symlinks"
	sec_sym_reset
}

run_tests
