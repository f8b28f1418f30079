#!/bin/bash
# make deps / make bench-deps: installs the Debian packages named on the
# command line that are missing, one line of output per step; apt's own
# output goes to a log, shown only when a step fails.
#
# Installing openssh-server must not start an sshd on this machine: a
# policy-rc.d that refuses every start is in place while apt runs.
set -u
name=${DEPS_NAME:-deps}
missing=()
for p in "$@"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q '^install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "$name: all $# packages are installed"
	exit 0
fi
log=$(mktemp /tmp/mntns-deps.XXXXXX)
policy=/usr/sbin/policy-rc.d
own=
cleanup() {
	[ -z "$own" ] || rm -f "$policy"
	rm -f "$log"
}
trap cleanup EXIT
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 0755 "$policy" && own=1
fi
step() {
	echo "$name: $1"
	shift
	"$@" >>"$log" 2>&1 && return 0
	echo "$name: failed; the last lines of its output:" >&2
	tail -n 20 "$log" >&2
	exit 1
}
step "updating the package lists" apt-get update -qq
step "installing ${#missing[@]} of $# packages: ${missing[*]}" \
	env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	--no-install-recommends "${missing[@]}"
echo "$name: done"
