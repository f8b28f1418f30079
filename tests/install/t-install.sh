#!/bin/bash
# make install / uninstall into a DESTDIR, and the Debian package.

. "$(dirname "$0")/../lib/root.sh"

# The files make install must put in place, with their modes.
INSTALL_TREE='0644 etc/security/pam_mntns.conf
0755 etc/security/pam_mntns.d
0644 lib/x86_64-linux-gnu/security/pam_mntns.so
0755 usr/sbin/pam_mntns_helper
0644 usr/share/man/man8/pam_mntns.8
0644 usr/share/man/man8/pam_mntns_helper.8
0644 usr/share/man/man5/pam_mntns.conf.5
0644 usr/lib/tmpfiles.d/pam_mntns.conf
0644 usr/share/pam-configs/mntns
0644 usr/lib/systemd/system/pam_mntns-prepare.service'

install_args() {
	echo DESTDIR="$1" PREFIX=/usr SYSCONFDIR=/etc \
		SECUREDIR=/lib/x86_64-linux-gnu/security
}

test_install_tree() {
	local d=$W/destdir mode path missing=0 wrong=0
	rm -rf "$d"
	make -s install $(install_args "$d") >/dev/null 2>&1
	expect_eq "make install DESTDIR=... succeeds" "$?" 0
	while read -r mode path; do
		if [ ! -e "$d/$path" ]; then
			missing=$((missing + 1))
			diag "missing: $path"
		elif [ "$(stat -c %a "$d/$path")" != "${mode#0}" ]; then
			wrong=$((wrong + 1))
			diag "mode of $path: $(stat -c %a "$d/$path")"
		fi
	done <<<"$INSTALL_TREE"
	expect_eq "every file is in its FHS place" "$missing" 0
	expect_eq "every file has its mode" "$wrong" 0
	expect_match "the unit runs the installed helper" \
		"$(cat "$d/usr/lib/systemd/system/pam_mntns-prepare.service")" \
		'^ExecStart=/usr/sbin/pam_mntns_helper prepare$'
	expect_true "the installed config parses" \
		"$d/usr/sbin/pam_mntns_helper" check --conf "$d/etc/security/pam_mntns.conf"
	expect_eq "the installed module exports only the PAM entry points" \
		"$(nm -D --defined-only "$d/lib/x86_64-linux-gnu/security/pam_mntns.so" | awk '{print $3}' | sort | tr '\n' ' ')" \
		"pam_sm_close_session pam_sm_open_session "
	echo "# local change" >>"$d/etc/security/pam_mntns.conf"
	make -s install $(install_args "$d") >/dev/null 2>&1
	expect_match "a second install keeps the admin's config" \
		"$(tail -n 1 "$d/etc/security/pam_mntns.conf")" '^# local change$'
	make -s uninstall $(install_args "$d") >/dev/null 2>&1
	expect_eq "make uninstall removes what it installed" \
		"$(find "$d" -type f | sed "s|^$d/||" | sort | tr '\n' ' ')" \
		"etc/security/pam_mntns.conf "
	rm -rf "$d"
}

test_install_pam_configs() {
	local f=conf/pam-configs/mntns
	expect_match "pam-configs profile: disabled by default" "$(cat $f)" '^Default: no$'
	expect_match "pam-configs profile: interactive sessions only" "$(cat $f)" \
		'^Session-Interactive-Only: yes$'
	expect_match "pam-configs profile: the session line" "$(cat $f)" \
		'^	required	pam_mntns.so$'
}

test_install_deb() {
	if ! command -v dpkg-buildpackage >/dev/null; then
		ok "Debian package # SKIP dpkg-buildpackage is not installed"
		return
	fi
	local out deb root db=$W/debbuild
	# Built under the sandbox's own directory: debian/rules names its
	# directories by path, and the tree's own path may be covered here.
	out=$(make -s deb B="$db" 2>&1)
	expect_eq "make deb builds the package, lintian finds no error" "$?" 0 ||
		diag "$(printf '%s\n' "$out" | tail -n 20)"
	deb=$(ls "$db"/deb/libpam-mntns_*_*.deb 2>/dev/null | head -n 1)
	expect_true "libpam-mntns_*.deb exists" test -f "$deb"
	[ -f "$deb" ] || return
	expect_match "the package holds the module in libpam's directory" \
		"$(dpkg-deb -c "$deb")" ' \./lib/x86_64-linux-gnu/security/pam_mntns\.so$'
	expect_match "the package holds the boot-time prepare unit" \
		"$(dpkg-deb -c "$deb")" ' \./lib/systemd/system/pam_mntns-prepare\.service$'
	expect_match "the package holds the pam-auth-update profile" \
		"$(dpkg-deb -c "$deb")" ' \./usr/share/pam-configs/mntns$'
	expect_match "the config is a conffile" \
		"$(dpkg-deb -I "$deb" conffiles)" '^/etc/security/pam_mntns.conf$'
	expect_match "postinst registers the profile with pam-auth-update" \
		"$(dpkg-deb -I "$deb" postinst)" 'pam-auth-update --package'
	expect_match "postinst enables the prepare unit" \
		"$(dpkg-deb -I "$deb" postinst)" "deb-systemd-helper enable 'pam_mntns-prepare\\.service'"
	expect_match "postinst starts the prepare unit" \
		"$(dpkg-deb -I "$deb" postinst)" "deb-systemd-invoke .* 'pam_mntns-prepare\\.service'"
	expect_match "prerm unregisters it on removal" \
		"$(dpkg-deb -I "$deb" prerm)" 'pam-auth-update --package --remove mntns'
	root=$W/debroot
	rm -rf "$root" && dpkg -x "$deb" "$root"
	expect_match "the unpacked helper runs" \
		"$("$root/usr/sbin/pam_mntns_helper" --version)" '^pam_mntns_helper '

	expect_true "the unpacked default config parses" \
		"$root/usr/sbin/pam_mntns_helper" check --conf "$root/etc/security/pam_mntns.conf"
	rm -rf "$root" "$db"
}

# pam-auth-update on private copies of /etc/pam.d, /var/lib/pam,
# /usr/share/pam-configs and the debconf database (where it records the
# enabled profiles), bind-mounted in the sandbox only.
test_install_pam_auth_update() {
	if ! command -v pam-auth-update >/dev/null; then
		ok "pam-auth-update # SKIP not installed"
		return
	fi
	local d=$W/pamauth cs
	mkdir -p "$d"
	cp -a /etc/pam.d "$d/pam.d" && cp -a /usr/share/pam-configs "$d/configs" &&
		mkdir -p "$d/varlib" && cp -a /var/lib/pam/. "$d/varlib/" 2>/dev/null
	cp -a /var/cache/debconf "$d/debconf"
	cp conf/pam-configs/mntns "$d/configs/mntns"
	mount --bind "$d/pam.d" /etc/pam.d &&
		mount --bind "$d/configs" /usr/share/pam-configs &&
		mount --bind "$d/varlib" /var/lib/pam &&
		mount --bind "$d/debconf" /var/cache/debconf || {
		not_ok "pam-auth-update: cannot set up private copies"
		return
	}
	DEBIAN_FRONTEND=noninteractive pam-auth-update --package >/dev/null 2>&1
	expect_no_match "pam-auth-update --package leaves it disabled" \
		"$(cat /etc/pam.d/common-session)" pam_mntns
	DEBIAN_FRONTEND=noninteractive pam-auth-update --enable mntns >/dev/null 2>&1
	cs=$(grep -v '^#' /etc/pam.d/common-session)
	expect_match "pam-auth-update --enable mntns adds the session line" \
		"$cs" '^session[[:space:]]+required[[:space:]]+pam_mntns\.so[[:space:]]*$'
	if printf '%s\n' "$cs" | grep -q pam_systemd; then
		expect_match "pam_mntns comes after pam_systemd" \
			"$(printf '%s\n' "$cs" | grep -E 'pam_systemd|pam_mntns' | tail -n 1)" \
			pam_mntns
	fi
	expect_no_match "non-interactive sessions (cron) are left alone" \
		"$(cat /etc/pam.d/common-session-noninteractive)" pam_mntns
	expect_match "pam-auth-update recorded the profile in the sandbox's debconf" \
		"$(grep -A3 '^Name: libpam-runtime/profiles' /var/cache/debconf/config.dat)" \
		'^Value: .*mntns'
	settings_survive "$d"
	umount /var/cache/debconf /var/lib/pam /usr/share/pam-configs /etc/pam.d
	rm -rf "$d"
}

# generated_session: the pam_mntns line pam-auth-update wrote to
# common-session, as a service of its own that loads the module under test.
generated_session() {
	grep -E '^session[[:space:]].*pam_mntns\.so' /etc/pam.d/common-session |
		sed "s|pam_mntns\.so|$MODULE|" >"$W/pam.d/generated"
}

# Module options through pam-auth-update: an argument added by hand to
# the line it writes is dropped at the next run, a setting in a drop-in
# of the default config is not.  Inside test_install_pam_auth_update's
# private copies; /etc/security is a private copy too.
settings_survive() {
	local d=$1 sec
	sed -i -E 's/^(session[[:space:]].*pam_mntns\.so)[[:space:]]*$/\1 debug/' \
		/etc/pam.d/common-session
	DEBIAN_FRONTEND=noninteractive pam-auth-update --disable mntns >/dev/null 2>&1
	DEBIAN_FRONTEND=noninteractive pam-auth-update --enable mntns >/dev/null 2>&1
	expect_match "an argument added by hand is gone after --disable and --enable" \
		"$(grep -v '^#' /etc/pam.d/common-session)" \
		'^session[[:space:]]+required[[:space:]]+pam_mntns\.so[[:space:]]*$'
	sec=$d/security
	cp -a /etc/security "$sec" && mount --bind "$sec" /etc/security || {
		not_ok "pam-auth-update: cannot set up a private /etc/security"
		return
	}
	install -m 0644 conf/pam_mntns.conf /etc/security/pam_mntns.conf
	install -d -m 0755 /etc/security/pam_mntns.d
	printf 'set debug\n' >/etc/security/pam_mntns.d/local.conf
	chmod 0644 /etc/security/pam_mntns.d/local.conf
	DEBIAN_FRONTEND=noninteractive pam-auth-update --disable mntns >/dev/null 2>&1
	DEBIAN_FRONTEND=noninteractive pam-auth-update --enable mntns >/dev/null 2>&1
	generated_session
	expect_match "after --disable and --enable the line is generated again" \
		"$(cat "$W/pam.d/generated")" "^session[[:space:]]+required[[:space:]]+$MODULE[[:space:]]*$"
	: >"$SYSLOG"
	expect_eq "a login through the generated line succeeds" \
		"$(field open "$(session generated mntnst1)")" PAM_SUCCESS
	expect_match "set debug in a drop-in reaches the generated line's module" \
		"$(cat "$SYSLOG")" \
		'pam_mntns\(generated:session\): plan [0-9]+: tmpfs /tmp \(/etc/security/pam_mntns.conf:[0-9]+\)'
	umount /etc/security
}

run_tests
