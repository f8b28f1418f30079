#!/bin/bash
# pam_mntns_helper show: the plan of a login, against expected output
# files, and against what real sessions through libpam get.

. "$(dirname "$0")/../lib/root.sh"
. "$SRC/tests/helper/lib.sh"

# The paths show-nested.conf and show-refused2.conf talk about.
hlp_show_paths() {
	hlp_setup
	mkdir -p "$HLP/vt" "$HLP/n" "$HLP/data" "$HLP/rodir" "$HLP/hidden" \
		"$HLP/b" "$HLP/bsrc/sub"
	echo data >"$HLP/data/f"
	chown mntnst2 "$HLP/data/f"
	chmod 0640 "$HLP/data/f"
	: >"$HLP/hiddenf"
	chown -R mntnst2 "$HLP/bsrc"
	chmod 0711 "$HLP/bsrc/sub"
}

test_helper_show_basic() {
	hlp_show_paths
	hlp_conf show-basic
	local c=$HLP/show-basic.conf
	hlp_run show-basic-1 "$HELPER" show mntnst1 --conf "$c"
	hlp_run show-basic-2 "$HELPER" show --conf "$c" mntnst2
	hlp_run show-basic-3-json "$HELPER" show mntnst3 --conf "$c" --json
	hlp_valid_json "show --json: valid JSON" "$HLP/out.show-basic-3-json.stdout"
	hlp_run show-root "$HELPER" show root --conf "$c"
	hlp_run show-unknown "$HELPER" show mntnst-nosuchuser --conf "$c"
	hlp_run show-bad-conf "$HELPER" show mntnst1 --conf "$HLP/nonexistent.conf"
	expect_true "show creates nothing" test ! -e "$HLP/inst"
}

test_helper_show_nested() {
	hlp_show_paths
	hlp_conf show-nested
	hlp_run show-nested-1 "$HELPER" show mntnst1 --conf "$HLP/show-nested.conf"
	hlp_run show-nested-2-json "$HELPER" show mntnst2 --json \
		--conf "$HLP/show-nested.conf"
	hlp_valid_json "show --json (nested): valid JSON" \
		"$HLP/out.show-nested-2-json.stdout"
	expect_true "show creates nothing inside a plan's tmpfs" \
		test ! -e "$HLP/n/inner" -a ! -e /run/pam_mntns/inaccessible.x
}

test_helper_show_unprivileged() {
	hlp_show_paths
	hlp_conf show-basic
	mkdir -m 0000 "$HLP/inst"
	hlp_run show-unprivileged as_user mntnst3 "$HELPER" show mntnst1 \
		--conf "$HLP/show-basic.conf"
}

# "TARGET uid:gid mode flags" per plan entry, as show predicts them.
hlp_predicted() {
	"$HELPER" show "$1" --conf "$2" | awk '
		/^  [0-9]+  / { t = $2 }
		/^       owner / {
			match($0, /\([0-9]+:[0-9]+\)/)
			own = substr($0, RSTART + 1, RLENGTH - 2)
		}
		/^       mode / { mode = $2 }
		/^       flags / { print t, own, mode, $2 }' | sort
}

# The same, as seen (by root) from inside a session of USER.
hlp_observed() {
	local svc=$1 user=$2
	shift 2
	session "$svc" "$user" -- sh -c '
		for t; do
			printf "%s %s %04o %s\n" "$t" "$(stat -c %u:%g "$t")" \
				"0$(stat -c %a "$t")" \
				"$(findmnt -n -o VFS-OPTIONS --mountpoint "$t" |
					tail -n 1 | tr , "\n" |
					grep -xE "ro|rw|nosuid|nodev|noexec" |
					paste -sd, -)"
		done' sh "$@" | grep '^/' | sort
}

# hlp_show_vs_session CONF USER: show's plan and a real session agree.
hlp_show_vs_session() {
	local conf=$1 user=$2 what predicted observed
	what="show $user, $(basename "$conf")"
	service hlp-show "conf=$conf"
	predicted=$(hlp_predicted "$user" "$conf")
	observed=$(hlp_observed hlp-show "$user" \
		$(printf '%s\n' "$predicted" | cut -d' ' -f1))
	expect_ne "$what: a plan to compare" "$predicted" ""
	expect_eq "$what: owner, mode and flags as the session has them" \
		"$observed" "$predicted"
}

test_helper_show_vs_session() {
	local c u
	hlp_show_paths
	for c in show-basic show-nested show-home; do
		hlp_conf "$c"
		for u in mntnst1 mntnst2 mntnst3; do
			hlp_show_vs_session "$HLP/$c.conf" "$u"
		done
	done
}

# hlp_refusal_like_module CONF USER: show's reason is the module's.
hlp_refusal_like_module() {
	local conf=$1 user=$2 out reason
	reason=$("$HELPER" show "$user" --conf "$conf" --json 2>/dev/null |
		sed -n 's/^  "reason": "\(.*\)"$/\1/p')
	expect_ne "$(basename "$conf"): show gives a reason" "$reason" ""
	service hlp-refused "conf=$conf"
	: >"$SYSLOG"
	out=$(session hlp-refused "$user")
	expect_eq "$(basename "$conf"): the module refuses the session" \
		"$(field open "$out")" PAM_SESSION_ERR
	expect_true "$(basename "$conf"): show's reason is the module's message" \
		grep -qF "user $user: $reason" "$SYSLOG"
}

# The services show names: a session line with the module (a bracketed
# control too), and what includes one, however deep; not a comment, not
# another module type, not a backup file, and an include cycle ends.
test_helper_show_services() {
	local p=/etc/pam.d c=$HLP/show-basic.conf
	hlp_show_paths
	hlp_conf show-basic
	hlp_run show-services-none "$HELPER" show mntnst1 --conf "$c"
	printf 'session required pam_mntns.so\n' >$p/mntnst-direct
	printf '@include mntnst-direct\n' >$p/mntnst-inc
	printf 'session substack mntnst-inc\n' >$p/mntnst-sub
	printf 'session include /etc/pam.d/mntnst-sub\n' >$p/mntnst-abs
	printf -- '-session [success=ok default=bad] /x/security/pam_mntns.so debug\n' \
		>$p/mntnst-bracket
	printf '#session required pam_mntns.so\nsession required pam_permit.so # pam_mntns.so\n' \
		>$p/mntnst-comment
	printf 'auth required pam_mntns.so\n' >$p/mntnst-auth
	printf '@include mntnst-cycle2\n' >$p/mntnst-cycle1
	printf '@include mntnst-cycle1\n' >$p/mntnst-cycle2
	printf 'session required pam_mntns.so\n' >$p/mntnst-old~
	hlp_run show-services "$HELPER" show mntnst1 --conf "$c"
	expect_match "show --json lists the services" \
		"$("$HELPER" show mntnst1 --conf "$c" --json | tr -d '\n ')" \
		'"pam_services":\["mntnst-abs","mntnst-bracket","mntnst-direct","mntnst-inc","mntnst-sub"\]'
	rm -f $p/mntnst-*
	# The vendor directory, as libpam reads it: a file there counts
	# unless /etc/pam.d has one of the same name, and it may include one
	# of /etc/pam.d.
	local v=/usr/lib/pam.d
	if [ ! -d $v ]; then
		ok "show reads $v # SKIP this host has no $v"
		return
	fi
	printf 'session required pam_mntns.so\n' >$v/mntnst-vendor
	printf 'session required pam_mntns.so\n' >$v/mntnst-overridden
	printf 'session required pam_permit.so\n' >$p/mntnst-overridden
	printf 'session required pam_mntns.so\n' >$p/mntnst-etc
	printf '@include mntnst-etc\n' >$v/mntnst-vendor-inc
	expect_match "show reads $v as libpam does" \
		"$("$HELPER" show mntnst1 --conf "$c" --json | tr -d '\n ')" \
		'"pam_services":\["mntnst-etc","mntnst-vendor","mntnst-vendor-inc"\]'
	rm -f $p/mntnst-* $v/mntnst-*
}

test_helper_show_refused() {
	hlp_show_paths
	hlp_conf show-refused
	mkdir -m 0755 "$HLP/bad"
	chown mntnst1 "$HLP/bad"
	hlp_run show-refused "$HELPER" show mntnst2 --conf "$HLP/show-refused.conf"
	hlp_refusal_like_module "$HLP/show-refused.conf" mntnst2
	hlp_conf show-refused2
	hlp_run show-refused2 "$HELPER" show mntnst1 --conf "$HLP/show-refused2.conf"
	hlp_refusal_like_module "$HLP/show-refused2.conf" mntnst1
}

# hlp_show_key USER CONF KEY: one top-level value of show --json.
hlp_show_key() {
	"$HELPER" show "$1" --conf "$2" --json 2>/dev/null |
		sed -n -E "s/^  \"$3\": \"?(.*[^\",])\"?,?\$/\1/p"
}

# hlp_agree WHAT CONF USER RESULT CODE: show's result for a login of
# USER is RESULT, the module's session gives CODE, and where show gives a
# reason the module logs it.
hlp_agree() {
	local what=$1 conf=$2 user=$3 result=$4 code=$5 reason out
	expect_eq "$what: show says $result" \
		"$(hlp_show_key "$user" "$conf" result)" "$result"
	reason=$(hlp_show_key "$user" "$conf" reason)
	: >"$SYSLOG"
	out=$(session hlp-agree "$user")
	expect_eq "$what: the module's session gives $code" \
		"$(field open "$out")" "$code"
	if [ "$reason" != null ]; then
		expect_true "$what: show's reason is the module's message" \
			grep -qF "user $user: $reason" "$SYSLOG"
	fi
}

# show and the module agree on a config's settings: scope=user (join the
# namespace a held session made), the cap of max_namespaces (the held
# one counts), and nofail (a refusal lets the login go on).
test_helper_show_settings_like_module() {
	local c=$HLP/agree.conf rule='*,!root /tmp tmpfs - size=1m' ns out
	hlp_show_paths
	service hlp-agree "conf=$c"
	printf 'set scope=user\nset max_namespaces=1\n%s\n' "$rule" >"$c"
	chmod 0644 "$c"
	hlp_agree "scope=user, no namespace yet" "$c" mntnst1 mounts PAM_SUCCESS
	hlp_hold agree hlp-agree mntnst1
	ns=$(hlp_held agree ns)
	hlp_agree "scope=user, one held" "$c" mntnst1 joins PAM_SUCCESS
	expect_eq "scope=user: show names the held session's namespace" \
		"$(hlp_show_key mntnst1 "$c" joins)" "mnt:[$ns]"
	out=$(session hlp-agree mntnst1 -- readlink /proc/self/ns/mnt)
	expect_match "scope=user: the module's login joins it" "$out" \
		"mnt:\\[$ns\\]"
	printf 'set max_namespaces=1\n%s\n' "$rule" >"$c"
	expect_eq "the cap: show counts the held namespace" \
		"$(hlp_show_key mntnst1 "$c" namespaces)" 1
	hlp_agree "scope=session, the cap reached" "$c" mntnst1 refused \
		PAM_SESSION_ERR
	hlp_agree "another user, under the cap" "$c" mntnst2 mounts PAM_SUCCESS
	printf 'set nofail\nset max_namespaces=1\n%s\n' "$rule" >"$c"
	hlp_agree "nofail, the cap reached" "$c" mntnst1 nofail PAM_IGNORE
	hlp_run show-nofail-cap "$HELPER" show mntnst1 --conf "$c"
	hlp_release agree
	hlp_agree "nofail, the cap no longer reached" "$c" mntnst1 mounts \
		PAM_SUCCESS
	hlp_conf show-refused
	mkdir -m 0755 "$HLP/bad"
	chown mntnst1 "$HLP/bad"
	{ echo 'set nofail'; cat "$HLP/show-refused.conf"; } >"$c"
	hlp_agree "nofail, a refused plan" "$c" mntnst2 nofail PAM_IGNORE
	printf 'set nofail\nset bogus\n' >"$c"
	hlp_run show-nofail-bad-conf "$HELPER" show mntnst1 --conf "$c"
}

run_tests
