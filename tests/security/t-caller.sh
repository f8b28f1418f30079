# The caller: a set-user-ID su run by an ordinary user, who controls its
# environment, umask and limits (CVE-2010-3853: pam_namespace ran its
# init script with that environment); a multithreaded caller; and what
# the module brings into every process that loads it.  The su tests use
# the e2e suite's probe and helpers (tests/e2e/t-clients.sh, which
# run-root.sh sources first).

. tests/security/lib.sh

# CVE-2010-3853 class, statically: the module cannot run a program or
# read the environment, because it links to nothing that does.
test_sec_caller_no_exec_no_env() {
	local imports exports
	imports=$(nm -D --undefined-only "$MODULE" | awk '{print $2}' |
		sed 's/@.*//')
	exports=$(nm -D --defined-only "$MODULE" | awk '$2 ~ /^[TDBW]$/ {print $3}' |
		sort | tr '\n' ' ')
	expect_no_match "the module imports no exec, spawn, fork, shell or environment call" \
		"$imports" '^(exec[lv][pe]*|execve|execveat|fexecve|system|popen|posix_spawnp?|fork|vfork|clone3?|getenv|secure_getenv|__libc_secure_getenv|putenv|setenv|unsetenv|clearenv|dlopen)$'
	expect_eq "the module exports only the PAM entry points" "$exports" \
		"pam_sm_close_session pam_sm_open_session "
}

test_sec_caller_threads() {
	sec_conf sec-threads <<'C'
*,!root  /tmp      tmpfs  -                    size=1M,mode=0700
*,!root  /var/tmp  bind   /var/tmp/.mntns/%u   mode=0700
C
	rm -rf /var/tmp/.mntns
	sec_snapshot
	sec_run sec-threads "$TU1" -T
	sec_refused "multithreaded caller" \
		"user $TU1: the calling process has 2 threads"
	expect_eq "multithreaded caller: the other thread keeps the namespace too" \
		"$(field thread_ns "$SEC_OUT")" "$(field ns_before "$SEC_OUT")"
	expect_eq "multithreaded caller: no file descriptor left open" \
		"$(field fds_after "$SEC_OUT")" "$(field fds_before "$SEC_OUT")"
	sec_unchanged "multithreaded caller (not even the instance parent made)"
}

SEC_EVIL=$W/evil

# Programs a hostile PATH offers: each notes who ran it, then does
# nothing.
sec_evil_path() {
	local p
	rm -rf "$SEC_EVIL" && mkdir -m 0755 "$SEC_EVIL" && : >"$SEC_EVIL/log" &&
		chmod 0666 "$SEC_EVIL/log"
	for p in sh bash mount umount unshare nsenter mkdir chown chmod \
		install cp rm ln id stat ls findmnt cat sleep env; do
		printf '#!/bin/sh\necho "%s $(id -u)" >>%s/log\n' "$p" \
			"$SEC_EVIL" >"$SEC_EVIL/$p"
		chmod 0755 "$SEC_EVIL/$p"
	done
	cp "$SEC_EVIL/sh" "$SEC_EVIL/rc"
}

# TU2 runs "su -l TU1" with a hostile environment, umask and file limit.
test_sec_caller_setuid_su() {
	e2e_skip_setuid "set-user-ID su with a hostile environment" && return
	e2e_setup && e2e_password || return
	sec_evil_path
	rm -rf /var/tmp/.mntns
	e2e_su_as "$TU2"
	e2e_drive hostile-env env -i PATH="$SEC_EVIL:/usr/bin:/bin" \
		LD_LIBRARY_PATH="$SEC_EVIL" BASH_ENV="$SEC_EVIL/rc" \
		ENV="$SEC_EVIL/rc" IFS=/ SHELLOPTS=xtrace PS4='$(id)' \
		PAM_MNTNS_CONF="$SEC_EVIL/rc" LANG=C \
		/bin/sh -c 'umask 0777; ulimit -n 64; exec "$@"' sh \
		"${E2E_SU[@]}" "$E2E_PW" /bin/su -l "$TU1" -c \
		"$(e2e_probe_cmd hostile-env)"
	e2e_check "su -l by a user, hostile env, umask 0777" "$TU1" \
		"$(id -u "$TU1")" hostile-env
	expect_eq "hostile env: instance parent root:root 0000 whatever the umask" \
		"$(stat -c %U:%G:%a /var/tmp/.mntns)" root:root:0
	expect_no_match "hostile env: no program of the caller's PATH ran as root" \
		"$(cat "$SEC_EVIL/log")" ' 0$'
}

# A file limit so low that the module runs out of descriptors: the login
# must be refused or set up in full, never half.
test_sec_caller_setuid_fd_limit() {
	e2e_skip_setuid "set-user-ID su with a tiny file limit" && return
	e2e_setup && e2e_password || return
	local n results=
	e2e_su_as "$TU2"
	for n in 8 10 12 14 16; do
		e2e_drive "nofile$n" sh -c 'ulimit -n "$1"; shift; exec "$@"' sh \
			"$n" "${E2E_SU[@]}" "$E2E_PW" su -l "$TU1" -c \
			"$(e2e_probe_cmd "nofile$n")"
		if [ -z "$E2E_OUT" ]; then
			results="$results $n:refused"
		elif [ "$(field tmp "$E2E_OUT") $(field vartmp "$E2E_OUT")" = \
			"$TU1:$TU1:700 $TU1:$TU1:700" ]; then
			results="$results $n:complete"
		else
			results="$results $n:HALF"
		fi
	done
	diag "file limit -> login:$results"
	expect_no_match "tiny file limits: every login refused or complete" \
		"$results" 'HALF'
	expect_eq "tiny file limits: the host's mounts as before" \
		"$E2E_AFTER" "$E2E_BEFORE"
}
