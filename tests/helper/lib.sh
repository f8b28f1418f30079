# Shared by the pam_mntns_helper suites (tests/helper/t-*.sh): fixture
# configs, runs compared with expected output files in the manner of
# util-linux's tests/expected, and sessions held open in the background.
#
# Expected files (tests/helper/expected/NAME) hold stdout, then
# "[stderr]" and stderr if any, then "[exit N]".  Values that differ from
# run to run are written as tokens, which are replaced by this run's
# values before comparing: @W@ (the sandbox's work directory), @UIDn@
# and @GIDn@ (uid and primary gid of the n-th test user), @GIDG@ (the
# test group), and any a test adds in HLP_TOKENS ("@NAME@=value ...").
# Times, namespace inodes and IDs, which no test knows in advance, are
# normalised in the output instead (@TIME@, @INO@, @NSID@, @EPOCH@).
#
# HLP_UPDATE=1 writes the output of a run back as the expected files
# (values turned into tokens); review them before committing.

HLP=$W/hlp
HLP_EXPECTED=$SRC/tests/helper/expected
HLP_FIXTURES=$SRC/tests/helper/fixtures
HLP_TOKENS=""

# A fresh scratch directory for one test, and a private /etc/pam.d and
# /usr/lib/pam.d in which no file names the module (show says which
# services use it).
hlp_setup() {
	HLP_TOKENS=""
	rm -rf "$HLP" && mkdir -p "$HLP" && chmod 0755 "$HLP"
	in_sandbox_pamd &&
		rm -f /etc/pam.d/mntnst-* /usr/lib/pam.d/mntnst-* &&
		sed -i '/pam_mntns/d' /etc/pam.d/* &&
		if [ -d /usr/lib/pam.d ]; then
			sed -i '/pam_mntns/d' /usr/lib/pam.d/*
		fi
}

# hlp_conf NAME: fixtures/NAME.conf as $HLP/NAME.conf, root 0644.
hlp_conf() {
	sed "s#@W@#$W#g" "$HLP_FIXTURES/$1.conf" >"$HLP/$1.conf" &&
		chmod 0644 "$HLP/$1.conf"
}

hlp_uid() {
	id -u "$(echo $TEST_USERS | cut -d' ' -f"$1")"
}

hlp_gid() {
	id -g "$(echo $TEST_USERS | cut -d' ' -f"$1")"
}

# A sed script putting this run's values in place of the tokens.
hlp_token_script() {
	local i kv
	echo "s#@W@#$W#g"
	for i in 1 2 3; do
		echo "s#@UID$i@#$(hlp_uid $i)#g"
		echo "s#@GID$i@#$(hlp_gid $i)#g"
	done
	echo "s#@GIDG@#$(getent group "$TEST_GROUP" | cut -d: -f3)#g"
	for kv in $HLP_TOKENS; do
		echo "s#@${kv%%=*}@#${kv#*=}#g"
	done
}

# The reverse, for HLP_UPDATE: numbers become tokens only where the
# output says what they are (uid or gid), since a uid may equal a gid.
hlp_reverse_script() {
	local i u g kv
	echo "s#$W#@W@#g"
	for kv in $HLP_TOKENS; do
		echo "s#\\b${kv#*=}\\b#@${kv%%=*}@#g"
	done
	for i in 1 2 3; do
		u=$(hlp_uid $i)
		g=$(hlp_gid $i)
		echo "s#(\\buid[ =]+|\"uid\": |\"owner_uid\": |expected |\\()$u\\b#\\1@UID$i@#g"
		echo "s#^([^ ]+ +)$u( +mnt:)#\\1@UID$i@\\2#"
		echo "s#(\\bgid[ =]+|\"gid\": |\"owner_gid\": )$g\\b#\\1@GID$i@#g"
		echo "s#(\\(@UID[0-9]@|\\([0-9]+):$g\\)#\\1:@GID$i@)#g"
	done
}

# The NSID column: the kernel's namespace ID, or "-" on a kernel without
# one (before 6.11, or under tests/lib/oldkernel.c); the PIN column: "-"
# where the ID proves a namespace, "yes" where a pin must.
if "$B/tests/oldkernel" -p | grep -q '^NS_GET_MNTNS_ID=present$'; then
	HLP_NSID='[0-9]+' HLP_JSON_ID='[1-9][0-9]*' HLP_PIN=- HLP_JSON_PIN=false
else
	HLP_NSID=- HLP_JSON_ID=0 HLP_PIN=yes HLP_JSON_PIN=true
fi

hlp_normalise() {
	sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}/@TIME@/g' \
		-e "s/mnt:\\[[0-9]+\\]( +)$HLP_NSID( +)$HLP_PIN /mnt:[@INO@]\\1@NSID@\\2@PIN@ /g" \
		-e "s/mnt:\\[[0-9]+\\]( +)$HLP_NSID/mnt:[@INO@]\\1@NSID@/g" \
		-e 's/mnt:\[[0-9]+\]/mnt:[@INO@]/g' \
		-e 's/"ino": [0-9]+/"ino": @INO@/' \
		-e "s/\"id\": $HLP_JSON_ID\\b/\"id\": @NSID@/" \
		-e "s/\"pinned\": $HLP_JSON_PIN\\b/\"pinned\": @PIN@/" \
		-e 's/"created": [0-9]+/"created": @EPOCH@/'
}

# Column widths of a table depend on the values: compare words only.
hlp_squash() {
	if [ -n "${HLP_SQUASH:-}" ]; then
		sed -E 's/  +/ /g; s/ +$//'
	else
		cat
	fi
}

# hlp_compare NAME FILE: FILE against tests/helper/expected/NAME.
hlp_compare() {
	local name=$1 got=$2 want=$HLP/want.$name
	if [ "${HLP_UPDATE:-}" = 1 ]; then
		sed -E -f <(hlp_reverse_script) "$got" >"$HLP_EXPECTED/$name"
	fi
	if [ ! -e "$HLP_EXPECTED/$name" ]; then
		not_ok "$name: no expected output file"
		return
	fi
	sed -f <(hlp_token_script) "$HLP_EXPECTED/$name" | hlp_squash >"$want"
	hlp_squash <"$got" >"$got.sq"
	if diff -u "$want" "$got.sq" >"$HLP/diff.$name"; then
		ok "$name: output as expected"
	else
		not_ok "$name: output as expected"
		diag "$(cat "$HLP/diff.$name")"
	fi
}

# hlp_run NAME CMD...: runs CMD and compares its stdout, stderr and exit
# status with the expected file NAME.
hlp_run() {
	local name=$1 out=$HLP/out.$1 rc
	shift
	"$@" >"$out.stdout" 2>"$out.stderr"
	rc=$?
	{
		cat "$out.stdout"
		if [ -s "$out.stderr" ]; then
			echo "[stderr]"
			cat "$out.stderr"
		fi
		echo "[exit $rc]"
	} | hlp_normalise >"$out"
	hlp_compare "$name" "$out"
}

# hlp_valid_json DESC FILE: FILE parses as JSON (jq or python3, if any).
hlp_valid_json() {
	if command -v jq >/dev/null; then
		expect_true "$1" sh -c 'jq -e . "$0" >/dev/null' "$2"
	elif command -v python3 >/dev/null; then
		expect_true "$1" sh -c 'python3 -m json.tool "$0" >/dev/null' "$2"
	else
		ok "$1 # SKIP neither jq nor python3"
	fi
}

# ---- sessions held open ------------------------------------------------

# hlp_hold NAME SERVICE USER [PROBE]: a session in the background whose
# shell (run as USER) runs PROBE, prints ns=, shell= (its PID), client=
# (the PAM process, whose PID the registry records) and READY, then waits
# for hlp_release NAME.
hlp_hold() {
	local name=$1 svc=$2 user=$3 probe=${4:-:} i=0
	# Emptied here, not by the redirection below, which runs later: an
	# earlier hold of that name must not be taken for this one.
	: >"$W/hlp-hold-$name"
	session "$svc" "$user" -r -- sh -c "$probe
		echo ns=\$(readlink /proc/self/ns/mnt | tr -dc 0-9)
		echo shell=\$\$
		echo client=\$PPID
		echo READY
		exec sleep 100000" \
		>"$W/hlp-hold-$name" 2>&1 &
	eval "HLP_HOLD_$name=\$!"
	track_pid $!
	while ! grep -q '^READY$' "$W/hlp-hold-$name" 2>/dev/null &&
		[ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# hlp_held NAME KEY: a value the held session printed.
hlp_held() {
	field "$2" "$(cat "$W/hlp-hold-$1")"
}

# hlp_release NAME: ends the held session (its shell became a sleep, so
# that the processes in the namespace stay the same while it is held).
hlp_release() {
	kill "$(hlp_held "$1" shell)" 2>/dev/null
	eval "wait \$HLP_HOLD_$1"
}
