#!/bin/bash
# ro and hide, the two-phase apply, and the home isolation recipe.

. "$(dirname "$0")/../lib/root.sh"

# opts OUTPUT PATH: the VFS options of the top mount on PATH.
top_opts() {
	findmnt -n -o OPTIONS --mountpoint "$1" | tail -n 1
}

test_method_ro() {
	mkdir -p "$W/ro"
	mount -t tmpfs -o nosuid,nodev,noexec ro-top "$W/ro"
	mkdir "$W/ro/sub" && mount -t tmpfs ro-sub "$W/ro/sub"
	echo data >"$W/ro/file"
	write_conf ro <<C
mntnst1  $W/ro  ro
C
	service ro "conf=$W/ro.conf"
	local out before
	before=$(mount_table)
	out=$(session ro mntnst1 -- sh -c "
		echo top=\$(findmnt -n -o OPTIONS --mountpoint $W/ro | tail -n 1)
		echo sub=\$(findmnt -n -o OPTIONS --mountpoint $W/ro/sub | tail -n 1)
		echo x >$W/ro/file 2>&1 || echo write-top-failed
		touch $W/ro/sub/new 2>&1 || echo write-sub-failed
		cat $W/ro/file
		setpriv --reuid=mntnst1 --regid=mntnst1 --clear-groups \
			mount -o remount,rw $W/ro 2>&1 || echo user-remount-failed")
	expect_eq "ro: session opened" "$(field open "$out")" PAM_SUCCESS
	expect_match "ro: a write fails with EROFS" "$out" 'Read-only file system'
	expect_match "ro: the write failed" "$out" '^write-top-failed$'
	expect_match "ro: a submount is read-only too (recursive)" "$out" \
		'^write-sub-failed$'
	expect_match "ro: the content stays readable" "$out" '^data$'
	expect_match "ro: nosuid,nodev,noexec are kept" "$(field top "$out")" \
		'^ro,nosuid,nodev,noexec'
	expect_match "ro: the submount is ro" "$(field sub "$out")" '^ro,'
	expect_match "ro: the user cannot remount it rw" "$out" \
		'^user-remount-failed$'
	expect_match "ro: the host's mount stays rw" "$(top_opts "$W/ro")" '^rw,'
	expect_eq "ro: the host's mount table is unchanged" "$(mount_table)" "$before"
	umount -R "$W/ro"
}

test_method_hide() {
	mkdir -p "$W/hidden/inner" && echo secret >"$W/hidden/inner/s"
	echo secret >"$W/hidden.txt" && chmod 0644 "$W/hidden.txt"
	chmod 0755 "$W/hidden" "$W/hidden/inner"
	write_conf hide <<C
mntnst1  $W/hidden      hide
mntnst1  $W/hidden.txt  hide
C
	service hide "conf=$W/hide.conf"
	local out
	out=$(session hide mntnst1 -r -- sh -c "
		ls $W/hidden 2>&1; cat $W/hidden.txt 2>&1
		stat -c dir=%a:%U $W/hidden; stat -c file=%a:%U:%s $W/hidden.txt")
	expect_eq "hide: session opened" "$(field open "$out")" PAM_SUCCESS
	expect_match "hide: the user cannot list the directory" "$out" \
		"ls: cannot open directory '$W/hidden': Permission denied"
	expect_match "hide: the user cannot read the file" "$out" \
		"cat: $W/hidden.txt: Permission denied"
	expect_eq "hide: the directory is root's, mode 000" "$(field dir "$out")" 0:root
	expect_eq "hide: the file is root's, mode 000, empty" \
		"$(field file "$out")" 0:root:0
	out=$(session hide mntnst1 -- sh -c "ls -A $W/hidden; echo n=\$(cat $W/hidden.txt | wc -c)")
	expect_no_match "hide: even root sees an empty directory" "$out" '^inner$'
	expect_eq "hide: even root reads an empty file" "$(field n "$out")" 0
	expect_eq "hide: the host's file is untouched" "$(cat "$W/hidden.txt")" secret
}

test_method_refusals() {
	mkfifo "$W/fifo-target"
	write_conf refuse <<C
mntnst1  $W/fifo-target  hide
C
	service refuse "conf=$W/refuse.conf"
	: >"$SYSLOG"
	local out
	out=$(timeout 20 env MNTNS_TEST_LOG="$SYSLOG" LD_PRELOAD="$SHIM" \
		"$CLIENT" -c "$W/pam.d" -s refuse -u mntnst1 2>&1)
	expect_eq "hide on a FIFO: refused" "$(field open "$out")" PAM_SESSION_ERR
	expect_match "hide on a FIFO: the log names it" "$(cat "$SYSLOG")" \
		"target $W/fifo-target is a FIFO, expected a directory or a regular file"
	write_conf refuse <<C
mntnst1  $W/no-such-dir  ro
C
	out=$(session refuse mntnst1)
	expect_eq "ro on a missing path: refused" "$(field open "$out")" PAM_SESSION_ERR
	rm -f "$W/fifo-target"
}

test_method_rollback_late() {
	mkdir -p "$W/rb-ro" "$W/rb-hide"
	write_conf rollback <<C
mntnst1  /tmp          tmpfs  -  size=1M
mntnst1  $W/rb-hide    hide
mntnst1  $W/rb-ro      ro
mntnst1  $W/rb-ro/zz   bind   /nonexistent/source
C
	service rollback "conf=$W/rollback.conf"
	: >"$SYSLOG"
	local out before
	before=$(mount_table)
	out=$(session rollback mntnst1)
	expect_eq "a failing source fails the session" "$(field open "$out")" \
		PAM_SESSION_ERR
	expect_eq "rollback: back in the caller's namespace" \
		"$(field ns_after "$out")" "$(field ns_before "$out")"
	expect_eq "rollback: the caller's mount table is unchanged" \
		"$(mount_table)" "$before"
	expect_match "rollback: the log names the source" "$(cat "$SYSLOG")" \
		'source /nonexistent/source does not exist'
	# A late failure, after tmpfs, hide and ro were mounted.
	write_conf rollback <<C
mntnst1  /tmp          tmpfs  -  size=1M
mntnst1  $W/rb-hide    hide
mntnst1  $W/rb-ro      ro
mntnst1  $W/rb-ro/zz   tmpfs  -  size=1M
C
	out=$(session rollback mntnst1)
	expect_eq "a late failure (target missing under ro) fails the session" \
		"$(field open "$out")" PAM_SESSION_ERR
	expect_eq "late rollback: back in the caller's namespace" \
		"$(field ns_after "$out")" "$(field ns_before "$out")"
	expect_eq "late rollback: the caller's mount table is unchanged" \
		"$(mount_table)" "$before"
}

test_method_created_in_tmpfs() {
	write_conf mk <<C
mntnst1  $W/mk         tmpfs  -           size=1M
mntnst1  $W/mk/a/b     bind   $W/mk-src
mntnst1  $W/mk/hosts   bind   /etc/hosts  ro
C
	mkdir -p "$W/mk" "$W/mk-src" && echo src >"$W/mk-src/f"
	service mk "conf=$W/mk.conf"
	local out
	out=$(session mk mntnst1 -- sh -c "
		cat $W/mk/a/b/f; cmp -s /etc/hosts $W/mk/hosts && echo hosts-same
		stat -c a=%U:%a $W/mk/a")
	expect_eq "targets inside the plan's tmpfs: session opened" \
		"$(field open "$out")" PAM_SUCCESS
	expect_match "a missing directory target inside it is created" "$out" '^src$'
	expect_eq "created directories are root 0755" "$(field a "$out")" root:755
	expect_match "a missing file target inside it is created" "$out" '^hosts-same$'
	expect_true "nothing was created on the host side" test ! -e "$W/mk/a"
}

home_conf() {
	write_conf home <<'C'
*,!root  /home  tmpfs  -   mode=0755,size=1M
*,!root  %h     bind   %h  -
C
}

test_home_isolation() {
	home_conf
	service home "conf=$W/home.conf"
	local out1 out2
	echo mine >/home/mntnst1/one.txt && chown mntnst1: /home/mntnst1/one.txt
	out1=$(session home mntnst1 -r -- sh -c \
		'ls -A /home; echo w >$HOME/written; cat $HOME/one.txt; ls /home/mntnst2 2>&1')
	expect_eq "home recipe: session opened" "$(field open "$out1")" PAM_SUCCESS
	expect_eq "home recipe: /home shows only the user's own home" \
		"$(printf '%s\n' "$out1" | grep -c '^mntnst[0-9]$')" 1
	expect_match "home recipe: it is the user's" "$out1" '^mntnst1$'
	expect_match "home recipe: the real home is there" "$out1" '^mine$'
	expect_match "home recipe: other homes do not exist" "$out1" \
		"ls: cannot access '/home/mntnst2': No such file or directory"
	out2=$(session home mntnst2 -r -- sh -c 'ls -A /home; cat /home/mntnst1/written 2>&1')
	expect_no_match "home recipe: user 2 does not see user 1's home" "$out2" \
		'^mntnst1$'
	expect_match "home recipe: user 1's file is invisible to user 2" "$out2" \
		'No such file'
	expect_eq "home recipe: the write reached user 1's real home" \
		"$(cat /home/mntnst1/written)" w
	expect_eq "home recipe: the host's /home is unchanged" \
		"$(ls /home | grep -c '^mntnst')" 3
}

test_home_isolation_su() {
	home_conf
	su_services "conf=$W/home.conf"
	local out
	out=$(wrapped su -l mntnst2 -c 'pwd; ls -A /home | tr "\n" " "; echo')
	expect_match "home recipe via su -l: the shell starts in its home" \
		"$out" '^/home/mntnst2$'
	expect_match "home recipe via su -l: only its own home is listed" \
		"$out" '^mntnst2 $'
}

run_tests
