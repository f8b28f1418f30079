#!/bin/bash
# Hostile names and homes from NSS (an LDAP or SSSD directory a user may
# influence), served by libnss_wrapper from files written here: user and
# group names that are "..", ".", contain "/", start with "-", are too
# long or hold control characters; homes that are relative, hold "." or
# "..", are "/", empty, end in "/", hold control characters, go through
# a symlink or are a FIFO.  A name or home unsafe in a path refuses the
# login (fail closed), in one log line with control characters masked,
# and nothing is made or mounted anywhere.

. "$(dirname "$0")/../lib/root.sh"
. tests/security/lib.sh

SEC_NSS=$W/nss
SEC_ESC=$'\033'

sec_nss_files() {
	local long
	long=$(printf 'x%.0s' $(seq 1 300))
	mkdir -p "$SEC_NSS"
	cat >"$SEC_NSS/passwd" <<P
mntnsn-ok:x:61000:61000::/home/mntnsn-ok:/bin/sh
..:x:61001:61000::/home/mntnsn-dd:/bin/sh
.:x:61002:61000::/home/mntnsn-d:/bin/sh
a/b:x:61003:61000::/home/mntnsn-ab:/bin/sh
-rf:x:61004:61000::/home/mntnsn-rf:/bin/sh
$long:x:61005:61000::/home/mntnsn-long:/bin/sh
evil${SEC_ESC}[31mname:x:61006:61000::/home/mntnsn-esc:/bin/sh
tab	name:x:61007:61000::/home/mntnsn-tab:/bin/sh
mntnsn-relhome:x:61010:61000::home/rel:/bin/sh
mntnsn-dotdothome:x:61011:61000::/home/../etc:/bin/sh
mntnsn-roothome:x:61012:61000::/:/bin/sh
mntnsn-emptyhome:x:61013:61000:::/bin/sh
mntnsn-dothome:x:61014:61000::/home/./mntnsn-ok:/bin/sh
mntnsn-slashhome:x:61015:61000::/home/mntnsn-ok/:/bin/sh
mntnsn-eschome:x:61016:61000::/home/a${SEC_ESC}b:/bin/sh
mntnsn-linkhome:x:61017:61000::/var/tmp/sec-linkhome:/bin/sh
mntnsn-fifohome:x:61018:61000::/var/tmp/sec-fifohome:/bin/sh
mntnsn-syshome:x:61019:61000::/var/tmp/sec-syshome:/bin/sh
mntnsn-badgrp:x:61020:61001::/home/mntnsn-ok:/bin/sh
mntnsn-dotgrp:x:61021:61002::/home/mntnsn-ok:/bin/sh
P
	cat >"$SEC_NSS/group" <<G
mntnsn-ok:x:61000:
a/b:x:61001:
..:x:61002:
G
}

# sec_nss_run SERVICE USER [-- CMD...]: a login with NSS answered from
# $SEC_NSS.
sec_nss_run() {
	local svc=$1 user=$2
	shift 2
	: >"$SYSLOG"
	SEC_OUT=$(MNTNS_TEST_LOG=$SYSLOG \
		LD_PRELOAD=$(preload "$NSS_WRAPPER_LIB" "$SHIM") \
		NSS_WRAPPER_PASSWD=$SEC_NSS/passwd \
		NSS_WRAPPER_GROUP=$SEC_NSS/group \
		"$CLIENT" -c "$W/pam.d" -s "$svc" -u "$user" -m "$@" 2>&1)
	SEC_LOG=$(cat "$SYSLOG")
}

# sec_nss_refused NAME WHAT: refused in exactly one clean log line.
sec_nss_refused() {
	sec_refused "$1" "$2"
	expect_eq "$1: one log line, control characters masked" \
		"$(printf '%s\n' "$SEC_LOG" | wc -l) $(printf '%s' "$SEC_LOG" | tr -d '\n' | LC_ALL=C tr -d '[:print:]' | wc -c)" \
		"1 0"
	sec_unchanged "$1"
}

sec_nss_setup() {
	sec_nss_files
	rm -rf /var/tmp/.mntns /var/tmp/sec-* /home/mntnsn-*
	mkdir -m 0700 /home/mntnsn-ok && chown 61000:61000 /home/mntnsn-ok
	ln -s /home/mntnsn-ok /var/tmp/sec-linkhome
	mkfifo /var/tmp/sec-fifohome
	sec_conf sec-names <<'C'
*,!root  /var/tmp  bind  /var/tmp/.mntns/%u  mode=0700
C
	sec_conf sec-homes <<'C'
*,!root  ~/.cache  tmpfs  -  size=1M
C
	sec_conf sec-groups <<'C'
*,!root  /var/tmp  bind  /var/tmp/.mntns/%U-%g  mode=0700
C
}

test_sec_names_control() {
	sec_nss_setup
	sec_nss_run sec-names mntnsn-ok
	expect_eq "nss_wrapper: a plain user from the test NSS logs in" \
		"$(field open "$SEC_OUT") $(stat -c %u:%a /var/tmp/.mntns/mntnsn-ok)" \
		"PAM_SUCCESS 61000:700"
	rm -rf /var/tmp/.mntns /home/mntnsn-ok/.cache
}

test_sec_names_hostile_user() {
	local name shown
	sec_nss_setup
	mkdir -m 0000 /var/tmp/.mntns
	while IFS=: read -r name _; do
		case $name in mntnsn-*) continue ;; esac
		shown=$(printf '%s' "$name" | LC_ALL=C tr -c '[:print:]' '?' |
			cut -c1-40)
		sec_snapshot
		sec_nss_run sec-names "$name"
		sec_nss_refused "user name '$shown'" \
			"user .*name '.*' is not safe in a path, refusing"
	done <"$SEC_NSS/passwd"
	expect_eq "hostile user names: nothing made in the instance parent" \
		"$(ls -A /var/tmp/.mntns)" ""
	rm -rf /var/tmp/.mntns
}

test_sec_names_hostile_home() {
	local user shown
	sec_nss_setup
	for user in mntnsn-relhome mntnsn-dotdothome mntnsn-roothome \
		mntnsn-emptyhome mntnsn-dothome mntnsn-slashhome \
		mntnsn-eschome; do
		shown=$(grep "^$user:" "$SEC_NSS/passwd" | cut -d: -f6 |
			LC_ALL=C tr -c '[:print:]' '?')
		sec_snapshot
		sec_nss_run sec-homes "$user"
		sec_nss_refused "home '$shown'" \
			"user $user: .*home '.*' is not safe in a path, refusing"
	done
	sec_snapshot
	sec_nss_run sec-homes mntnsn-linkhome
	sec_nss_refused "home through a symlink" \
		"user mntnsn-linkhome: .*/var/tmp/sec-linkhome is a symlink"
	sec_snapshot
	sec_nss_run sec-homes mntnsn-fifohome
	expect_true "home that is a FIFO: refused, no hang" \
		test "$(field open "$SEC_OUT")" = PAM_SESSION_ERR
	sec_unchanged "home that is a FIFO"
	expect_true "hostile homes: no ~/.cache made anywhere" \
		test ! -e /home/mntnsn-ok/.cache -a ! -e /etc/.cache -a ! -e /.cache
}

test_sec_names_hostile_group() {
	local user group
	sec_nss_setup
	mkdir -m 0000 /var/tmp/.mntns
	for user in mntnsn-badgrp:a/b mntnsn-dotgrp:..; do
		group=${user#*:} user=${user%%:*}
		sec_snapshot
		sec_nss_run sec-groups "$user"
		sec_nss_refused "primary group '$group' in %g" \
			"user $user: .*group name '.*' is not safe in a path, refusing"
	done
	rm -rf /var/tmp/.mntns
}

# A home in NSS that points at a system directory (root's, such as
# /usr/local/sbin): a ~ TARGET or SOURCE must be the user's own, or root
# code run later in the session (pam_motd's run-parts) would run the
# user's files.
test_sec_names_home_not_users() {
	sec_nss_setup
	mkdir -m 0755 /var/tmp/sec-syshome /var/tmp/sec-bindtgt
	mkdir -m 0000 /var/tmp/.homes
	sec_conf sec-homebind <<'C'
*,!root  ~  bind  /var/tmp/.homes/%u  mode=0700
C
	sec_conf sec-homesrc <<'C'
*,!root  /var/tmp/sec-bindtgt  bind  ~
C
	sec_snapshot
	sec_nss_run sec-homebind mntnsn-syshome
	sec_nss_refused "~ TARGET is a root-owned directory" \
		"user mntnsn-syshome: .*target /var/tmp/sec-syshome comes from the home directory but is owned by uid 0"
	sec_snapshot
	sec_nss_run sec-homesrc mntnsn-syshome
	sec_nss_refused "~ SOURCE is a root-owned directory" \
		"user mntnsn-syshome: .*source /var/tmp/sec-syshome comes from the home directory but is owned by uid 0"
	sec_nss_run sec-homebind mntnsn-ok
	expect_match "~ TARGET that is the user's: mounted" \
		"$(field open "$SEC_OUT") $(field new_mount "$SEC_OUT")" \
		"^PAM_SUCCESS /home/mntnsn-ok /\.homes/mntnsn-ok "
	rm -rf /var/tmp/.homes /var/tmp/sec-syshome /var/tmp/sec-bindtgt
}

# sec_printable NAME TEXT: TEXT holds no byte outside printable ASCII
# and newlines (the names here are ASCII but for their control bytes).
sec_printable() {
	expect_eq "$1: control characters masked" \
		"$(printf '%s' "$2" | tr -d '\n' | LC_ALL=C tr -d '[:print:]' | wc -c)" 0
}

# A name and a home with escape sequences that no rule puts in a path:
# the login succeeds, and the debug log, list and show mask them.
test_sec_names_masked_everywhere() {
	local user=evil${SEC_ESC}[31mname
	sec_nss_setup
	sec_conf sec-plain debug <<'C'
*,!root  /tmp  tmpfs  -  size=1M
C
	sec_nss_run sec-plain "$user" -- "$HELPER" list
	expect_eq "escape in the name, not in a path: the login succeeds" \
		"$(field open "$SEC_OUT")" PAM_SUCCESS
	expect_match "debug lines name the user, masked" "$SEC_LOG" \
		"evil\?\[31mname: namespace mnt:"
	sec_printable "debug lines" "$SEC_LOG"
	expect_match "list shows the user, masked" "$SEC_OUT" \
		"^evil\?\[31mname +61006 "
	sec_printable "list" "$SEC_OUT"
	SEC_OUT=$(LD_PRELOAD=$(preload "$NSS_WRAPPER_LIB") \
		NSS_WRAPPER_PASSWD=$SEC_NSS/passwd \
		NSS_WRAPPER_GROUP=$SEC_NSS/group \
		"$HELPER" show "$user" --conf "$W/sec-plain.conf" 2>&1)
	expect_match "show names the user, masked" "$SEC_OUT" \
		"^user +evil\?\[31mname$"
	sec_printable "show of a user" "$SEC_OUT"
	SEC_OUT=$(LD_PRELOAD=$(preload "$NSS_WRAPPER_LIB") \
		NSS_WRAPPER_PASSWD=$SEC_NSS/passwd \
		NSS_WRAPPER_GROUP=$SEC_NSS/group \
		"$HELPER" show mntnsn-eschome --conf "$W/sec-homes.conf" 2>&1)
	expect_match "show of a home with an escape: masked" "$SEC_OUT" \
		"^home +/home/a\?b$"
	sec_printable "show of a home and its refusal" "$SEC_OUT"
}

run_tests
