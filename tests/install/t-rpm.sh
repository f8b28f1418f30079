#!/bin/bash
# The RPM (make rpm, rpm/pam_mntns.spec): it builds, rpmlint finds no
# error, it holds what make install installs with Fedora's paths, its
# config is %config(noreplace), its scriptlets handle the tmpfiles entry
# and the prepare unit, and building it writes nothing outside the build
# directory.  The authselect lines it ships go where the README says.

. "$(dirname "$0")/../lib/root.sh"

RPM_B=$W/rpmbuild
RPM_DB=$W/rpmdb

# Fedora's directories, as rpm/pam_mntns.spec passes them to make install.
rpm_install_args() {
	echo DESTDIR="$1" PREFIX=/usr SBINDIR=/usr/sbin MANDIR=/usr/share/man \
		SYSCONFDIR=/etc SECUREDIR=/usr/lib64/security \
		TMPFILESDIR=/usr/lib/tmpfiles.d UNITDIR=/usr/lib/systemd/system \
		PAMCONFIGDIR=
}

# rpmq ARGS...: queries with a database and HOME of the sandbox's own.
rpmq() {
	HOME=$W rpm --dbpath "$RPM_DB" "$@"
}

# leaves: of the paths on stdin (sorted), those no other path is below:
# files, and directories that hold nothing.
leaves() {
	awk 'NR > 1 && index($0, prev "/") != 1 { print prev } { prev = $0 }
		END { if (NR) print prev }'
}

# What the package must hold besides its documentation, license and
# build-id links (which make install does not make), with man pages
# compared without their compression suffix.
rpm_paths() {
	rpmq -qlp "$1" | grep -Ev '^/usr/(share/(doc|licenses)|lib/\.build-id)(/|$)' |
		sed -E 's,^(/usr/share/man/.*)\.(gz|bz2|xz|zst)$,\1,' | sort | leaves
}

install_paths() {
	(cd "$1" && find . -mindepth 1 | sed 's,^\.,,') | sort | leaves
}

# The host's files rpm and rpmlint would write to when not told otherwise.
home_state() {
	ls -d /root/.rpmmacros /root/.rpmdb /root/rpmbuild /root/.cache \
		/root/.config /var/lib/rpm 2>/dev/null
}

test_install_rpm() {
	if ! command -v rpmbuild >/dev/null || ! command -v rpmlint >/dev/null; then
		ok "RPM package # SKIP rpmbuild or rpmlint is not installed"
		return
	fi
	local out rpm before d=$W/rpmdest
	before=$(home_state)
	out=$(make -s rpm B="$RPM_B" 2>&1)
	expect_eq "make rpm builds the package" "$?" 0 ||
		diag "$(printf '%s\n' "$out" | tail -n 20)"
	expect_match "rpmlint checks the spec and the package and finds no error" \
		"$out" '^ *1 packages and 1 specfiles checked; 0 errors, '
	expect_eq "building it writes nothing to HOME or the rpm database" \
		"$(home_state)" "$before"
	rpm=$(ls "$RPM_B"/rpm/RPMS/*/pam_mntns-*.rpm 2>/dev/null | head -n 1)
	expect_true "pam_mntns-*.rpm exists" test -f "$rpm"
	[ -f "$rpm" ] || return
	rm -rf "$d"
	make -s install $(rpm_install_args "$d") >/dev/null 2>&1
	expect_eq "the package holds what make install installs" \
		"$(rpm_paths "$rpm" | tr '\n' ' ')" \
		"$(install_paths "$d" | tr '\n' ' ')"
	expect_match "the module is in Fedora's PAM module directory" \
		"$(rpmq -qlp "$rpm")" '^/usr/lib64/security/pam_mntns\.so$'
	expect_no_match "no pam-auth-update profile (a Debian tool)" \
		"$(rpmq -qlp "$rpm")" 'pam-configs'
	expect_match "the config is %config(noreplace)" \
		"$(rpmq -qp --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' "$rpm")" \
		'^/etc/security/pam_mntns\.conf cn$'
	expect_match "the authselect snippet is in the documentation" \
		"$(rpmq -qlp "$rpm")" '^/usr/share/doc/pam_mntns/authselect/session-lines$'
	expect_match "the license is marked as such" \
		"$(rpmq -qp --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' "$rpm")" \
		'^/usr/share/licenses/pam_mntns/LICENSE l$'
	expect_eq "the package's version is the Makefile's" \
		"$(rpmq -qp --qf '%{VERSION}' "$rpm")" \
		"$(sed -n 's/^VERSION = //p' Makefile)"
	rpm_scripts "$rpm"
	rpm_unpacked "$rpm"
	rm -rf "$d" "$RPM_B" "$RPM_DB"
}

rpm_scripts() {
	local s
	s=$(rpmq -qp --scripts "$1")
	expect_match "%post creates the tmpfiles.d entry's directories" \
		"$s" 'systemd-tmpfiles --create pam_mntns\.conf'
	expect_match "%post applies the preset policy to the prepare unit" \
		"$s" 'systemctl --no-reload preset pam_mntns-prepare\.service'
	expect_match "%preun disables the prepare unit on removal" \
		"$s" 'systemctl --no-reload disable --now pam_mntns-prepare\.service'
}

rpm_unpacked() {
	local root=$W/rpmroot
	rm -rf "$root" && mkdir -p "$root"
	(cd "$root" && rpm2cpio "$1" | cpio -idm --quiet)
	expect_match "the unpacked helper runs" \
		"$("$root/usr/sbin/pam_mntns_helper" --version)" '^pam_mntns_helper '
	expect_true "the unpacked default config parses" \
		"$root/usr/sbin/pam_mntns_helper" check --conf "$root/etc/security/pam_mntns.conf"
	expect_match "the unit runs the packaged helper" \
		"$(cat "$root/usr/lib/systemd/system/pam_mntns-prepare.service")" \
		'^ExecStart=/usr/sbin/pam_mntns_helper prepare$'
	expect_eq "the packaged module exports only the PAM entry points" \
		"$(nm -D --defined-only "$root/usr/lib64/security/pam_mntns.so" | awk '{print $3}' | sort | tr '\n' ' ')" \
		"pam_sm_close_session pam_sm_open_session "
	rm -rf "$root"
}

# The documented way to add conf/authselect/session-lines to a custom
# authselect profile, tried on a session section written like those of
# authselect's profiles.
test_install_authselect_lines() {
	local d=$W/authselect expr f
	mkdir -p "$d"
	cat >"$d/system-auth" <<'P'
session     optional                    pam_keyinit.so revoke
-session    optional                    pam_systemd.so
session     optional                    pam_oddjob_mkhomedir.so    {include if "with-mkhomedir"}
session     [success=1 default=ignore]  pam_succeed_if.so service in crond quiet use_uid
session     required                    pam_unix.so
P
	cp "$d/system-auth" "$d/password-auth"
	cp "$d/system-auth" "$W/authselect-orig"
	expr=$(sed -n "s|^sed -i '\(.*\)' \\\\\$|\1|p" conf/authselect/README.md)
	expect_match "conf/authselect/README.md names the shipped lines" \
		"$expr" '/usr/share/doc/pam_mntns/authselect/session-lines$'
	expect_true "README.md gives the same command" \
		grep -qF "sed -i '$expr'" README.md
	cp conf/authselect/session-lines "$d/lines"
	(cd "$d" && sed -i "${expr%% /usr/*} lines" system-auth password-auth)
	for f in system-auth password-auth; do
		expect_eq "$f: the lines follow mkhomedir, before the profile's own crond skip" \
			"$(grep -o 'pam_[a-z_]*\.so' "$d/$f" | tr '\n' ' ')" \
			'pam_keyinit.so pam_systemd.so pam_oddjob_mkhomedir.so pam_succeed_if.so pam_mntns.so pam_succeed_if.so pam_unix.so '
		expect_eq "$f: without the with-mntns feature it is as it was" \
			"$(grep -v '{include if "with-mntns"}$' "$d/$f" | md5sum)" \
			"$(md5sum <"$W/authselect-orig")"
	done
	rm -rf "$d" "$W/authselect-orig"
}

run_tests
