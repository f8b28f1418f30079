#!/bin/bash
# Memory: hundreds of whole sessions (pam_start, open, close, pam_end,
# the module loaded and unloaded each time) in one process under
# valgrind, which must see no invalid access and no definite or indirect
# leak.  Valgrind 3.19 (Debian 12) does not know openat2 or the new mount
# calls, so the client preloads tests/lib/vgshim.c, which does those four
# calls with older ones; the module is the one built.  Not with
# SANITIZE=1: valgrind cannot run ASan code.

. "$(dirname "$0")/../lib/root.sh"
. tests/security/lib.sh

SEC_VG_CYCLES=${SEC_VG_CYCLES:-200}

# sec_vg NAME SERVICE USER CYCLES: one valgrind run; sets SEC_OUT,
# SEC_VG_STATUS and SEC_VG_LOG.
sec_vg() {
	: >"$W/vg.log"
	SEC_OUT=$(MNTNS_TEST_LOG=$SYSLOG LD_PRELOAD=$SHIM:$VGSHIM \
		valgrind --quiet --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect \
		--suppressions=tests/security/valgrind.supp \
		--log-file="$W/vg.log" \
		"$CLIENT" -c "$W/pam.d" -s "$2" -u "$3" -m -n "$4" 2>&1)
	SEC_VG_STATUS=$?
	SEC_VG_LOG=$(cat "$W/vg.log")
	expect_eq "valgrind, $1: $4 cycles, no invalid access, no leak" \
		"$SEC_VG_STATUS $(field cycles "$SEC_OUT") $(field fd_leaks "$SEC_OUT")" \
		"0 $4 0"
	[ -z "$SEC_VG_LOG" ] || diag "$(printf '%s\n' "$SEC_VG_LOG" | head -n 40)"
}

sec_vg_skip() {
	if [ -n "$ASAN_RT" ]; then
		ok "valgrind # SKIP the SANITIZE=1 build is ASan code, which valgrind cannot run"
		return 0
	fi
	if ! command -v valgrind >/dev/null; then
		not_ok "valgrind is installed (make deps)"
		return 0
	fi
	return 1
}

test_sec_valgrind_sessions() {
	sec_vg_skip && return
	sec_install
	write_conf sec-vg <<'C'
*,!root  /tmp      tmpfs  -                    size=1M,mode=0700
*,!root  /var/tmp  bind   /var/tmp/.mntns/%u   mode=0700
*,!root  ~/.cache  tmpfs  -                    size=1M
C
	sec_service sec-vg "$MODULE" "conf=$W/sec-vg.conf" debug
	rm -rf /var/tmp/.mntns
	sec_vg "open and close" sec-vg "$TU1" "$SEC_VG_CYCLES"
	expect_eq "valgrind, open and close: every session set up in full" \
		"$(printf '%s\n' "$SEC_OUT" | grep -c "^new_mount=.* count=$SEC_VG_CYCLES$") $(field open "$SEC_OUT")" \
		"3 PAM_SUCCESS count=$SEC_VG_CYCLES"
}

test_sec_valgrind_failures() {
	sec_vg_skip && return
	sec_install
	write_conf sec-vg-bad <<'C'
*,!root  /tmp  tmpfs  -  size=1M
*,!root  /var/tmp  tmpfs  -  size=lots
C
	write_conf sec-vg-apply <<'C'
*,!root,!@nosuchgroup  /tmp      tmpfs  -                    size=1M
*,!root                /var/tmp  bind   /var/tmp/.mntns/%u   mode=0700
C
	sec_service sec-vg-bad "$MODULE" "conf=$W/sec-vg-bad.conf"
	sec_service sec-vg-apply "$MODULE" "conf=$W/sec-vg-apply.conf"
	sec_vg "a config error" sec-vg-bad "$TU1" 50
	sec_vg "an unknown user" sec-vg-apply mntnst-nosuchuser 50
	sec_vg "an exempt user (root)" sec-vg-apply root 50
	rm -rf /var/tmp/.mntns && mkdir -m 0755 /var/tmp/.mntns
	sec_vg "a failure after the namespace was made" sec-vg-apply \
		"$TU1" 50
	expect_eq "valgrind: the failures were failures" \
		"$(field open "$SEC_OUT")" "PAM_SESSION_ERR count=50"
	rm -rf /var/tmp/.mntns
}

run_tests
