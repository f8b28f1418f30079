#!/bin/bash
# CVE-2024-22365 class: a FIFO (or a socket, or a device) where the module
# expects a directory or a config file.  Opening a FIFO for reading
# blocks until a writer comes: a login that did so would hang for ever.
# Every case runs under timeout(1): the login must end by itself,
# refused, with a log line naming the path and what is there.

. "$(dirname "$0")/../lib/root.sh"
. tests/security/lib.sh

# sec_run_bounded SERVICE USER: like sec_run, killed after 60 s; sets
# SEC_STATUS (124 if it had to be killed).  A login blocked on a FIFO
# never ends by itself, so the bound only has to be far above any
# machine's slowest login: no timing is compared.
sec_run_bounded() {
	: >"$SYSLOG"
	SEC_OUT=$(MNTNS_TEST_LOG=$SYSLOG LD_PRELOAD=$(preload "$SHIM") \
		timeout 60 "$CLIENT" -c "$W/pam.d" -s "$1" -u "$2" -m 2>&1)
	SEC_STATUS=$?
	SEC_LOG=$(cat "$SYSLOG")
}

# sec_special NAME LOG_ERE: the checks every case makes.
sec_special() {
	expect_ne "$1: the login does not hang (ends by itself)" \
		"$SEC_STATUS" 124
	sec_refused "$1" "$2"
	sec_unchanged "$1"
}

sec_special_reset() {
	rm -rf "/home/$TU1/.cache" /var/tmp/.mntns /var/tmp/sec-* \
		"$W/sec-special.d" "$W/sec-fifo.conf"
}

# sec_make KIND PATH [USER]: a FIFO, socket or character device at PATH.
sec_make() {
	case $1 in
	FIFO) ${3:+as_user "$3"} mkfifo "$2" ;;
	socket) ${3:+as_user "$3"} "$SWAPPER" mksock "$2" ;;
	device) mknod "$2" c 1 3 ;;
	esac
}

test_sec_special_target() {
	local kind
	sec_install
	sec_conf sec-special-home <<'C'
*,!root  ~/.cache  tmpfs  -  size=1M,mode=0700
C
	for kind in FIFO socket device; do
		sec_special_reset
		sec_make "$kind" "/home/$TU1/.cache" "$TU1"
		[ "$kind" = device ] && chown "$TU1" "/home/$TU1/.cache"
		sec_snapshot
		sec_run_bounded sec-special-home "$TU1"
		sec_special "a $kind at ~/.cache" \
			"user $TU1: target /home/$TU1/\.cache is a $kind, expected a directory"
	done
	sec_special_reset
}

test_sec_special_instance() {
	local kind
	sec_install
	sec_conf sec-special-inst <<'C'
*,!root  /var/tmp  bind  /var/tmp/.mntns/%u  mode=0700
C
	for kind in FIFO socket; do
		sec_special_reset
		sec_make "$kind" /var/tmp/.mntns "$TU2"
		sec_snapshot
		sec_run_bounded sec-special-inst "$TU1"
		sec_special "a $kind made by a user as the instance parent" \
			"user $TU1: instance parent /var/tmp/\.mntns"
	done
	for kind in FIFO socket device; do
		sec_special_reset
		mkdir -m 0000 /var/tmp/.mntns
		sec_make "$kind" "/var/tmp/.mntns/$TU1"
		sec_snapshot
		sec_run_bounded sec-special-inst "$TU1"
		sec_special "a $kind as the instance" \
			"user $TU1: instance /var/tmp/\.mntns/$TU1 is not a directory"
	done
	sec_special_reset
}

test_sec_special_source() {
	sec_install
	mkdir -p -m 0755 "$W/sec-ptarget"
	sec_conf sec-special-src <<C
*,!root  $W/sec-ptarget  bind  /var/tmp/sec-fifo  -
C
	sec_special_reset
	sec_make FIFO /var/tmp/sec-fifo "$TU2"
	sec_snapshot
	sec_run_bounded sec-special-src "$TU1"
	sec_special "a FIFO as a bind SOURCE" \
		"user $TU1: source /var/tmp/sec-fifo is a FIFO"
	sec_special_reset
}

test_sec_special_config() {
	sec_special_reset
	mkfifo -m 0644 "$W/sec-fifo.conf"
	service sec-special-conf "conf=$W/sec-fifo.conf"
	sec_snapshot
	sec_run_bounded sec-special-conf "$TU1"
	sec_special "a FIFO as the config file" \
		"user $TU1: $W/sec-fifo\.conf: not a regular file"
	rm -f "$W/sec-fifo.conf"
	write_conf sec-special <<'C'
*,!root  /tmp  tmpfs  -  size=1M
C
	mkdir -m 0755 "$W/sec-special.d"
	mkfifo -m 0644 "$W/sec-special.d/50-fifo.conf"
	service sec-special-dropin "conf=$W/sec-special.conf"
	sec_snapshot
	sec_run_bounded sec-special-dropin "$TU1"
	sec_special "a FIFO as a drop-in" \
		"user $TU1: $W/sec-special\.d/50-fifo\.conf: not a regular file"
	sec_special_reset
}

run_tests
