#!/bin/bash
# Builds the check-vm guest for one kernel row of tests/vm/kernels into
# OUTDIR: disk.img (ext4, made with mke2fs -d: no loop device, no mount),
# vmlinuz, initrd.img, release (the kernel's uname -r) and stamp (the
# hash of everything the image is made from).  Nothing is done when the
# stamp already matches; otherwise the image is built anew with
# mmdebstrap from this machine's own apt sources.
#
# Usage: build-image.sh OUTDIR KERNEL PACKAGE...
set -u
cd "$(dirname "$0")/../.." || exit 1
out=$1 kernel=$2
shift 2
packages=$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')
row=$(awk -v k="$kernel" '!/^#/ && $1 == k' tests/vm/kernels)
[ -n "$row" ] || {
	echo "vm: no kernel row '$kernel' in tests/vm/kernels" \
		"(there are: $(awk '!/^#/ && NF {printf "%s ", $1}' tests/vm/kernels))" >&2
	exit 1
}
read -r _ suite kpkg <<<"$row"

# The host's enabled apt sources, whole: the image comes from the same
# mirror, and a change of mirror is a change of input.
sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
	/etc/apt/sources.list.d/*.sources; do
	[ -s "$f" ] && grep -qv '^[[:space:]]*\(#\|$\)' "$f" && sources+=("$f")
done
[ ${#sources[@]} -gt 0 ] || {
	echo "vm: this machine has no apt sources to build the image from" >&2
	exit 1
}
# The Debian mirror of the host's sources, for a suite they lack.
mirror=$(cat "${sources[@]}" | sed -n \
	-e 's|^URIs:[[:space:]]*\(http[^ ]*/debian\)/*$|\1|p' \
	-e 's|^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\{0,1\}\(http[^ ]*/debian\)/*[[:space:]].*|\2|p' |
	head -n 1)
extra=()
if ! cat "${sources[@]}" | grep -Eq "(^Suites:|^deb[[:space:]]).*[[:space:]]$suite([[:space:]]|$)"; then
	[ -n "$mirror" ] || {
		echo "vm: no Debian mirror in this machine's apt sources for $suite" >&2
		exit 1
	}
	extra=("deb $mirror $suite main")
fi

stamp=$( {
	cat tests/vm/build-image.sh tests/vm/guest/*
	echo "$row"
	echo "$packages"
	cat "${sources[@]}"
	printf '%s\n' "${extra[@]}"
} | sha256sum | cut -d' ' -f1)
if [ -e "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] &&
	[ -e "$out/disk.img" ] && [ -e "$out/vmlinuz" ] && [ -e "$out/initrd.img" ]; then
	echo "vm: image for Linux $kernel is up to date ($out)"
	exit 0
fi

for tool in mmdebstrap mke2fs; do
	command -v "$tool" >/dev/null || {
		echo "vm: $tool is missing (make check-vm-deps)" >&2
		exit 1
	}
done
[ "$(id -u)" -eq 0 ] || {
	echo "vm: building the image needs root (mmdebstrap --mode=root)" >&2
	exit 1
}

mkdir -p "$out" || exit 1
# The tree, the packages and the image: about 3 GB while building.
free=$(df -Pm "$out" | awk 'NR == 2 {print $4}')
[ "${free:-0}" -ge 3072 ] || {
	echo "vm: $out has ${free:-?} MB free; building the image needs about 3 GB" >&2
	exit 1
}
root=$out/rootfs.tmp
# A root tree left by a build that was killed: mmdebstrap may have left
# /proc or /dev mounted in it, which rm must not descend into.
remove_root() {
	local m
	[ -e "$root" ] || return 0
	for m in $(awk -v r="$(realpath "$root")" 'index($5, r "/") == 1 {print $5}' \
		/proc/self/mountinfo | sort -r); do
		umount -l "$m"
	done
	rm -rf --one-file-system "$root"
}
trap remove_root EXIT
remove_root
rm -f "$out/stamp"

echo "vm: building the image for Linux $kernel ($kpkg) with mmdebstrap; log in $out/build.log"
start=$SECONDS
# --variant=apt: Essential packages and apt, and only what is named here
# (no Recommends), so the image holds what the tests use and no more.
# The customize hooks make a system that boots on its own: root on the
# virtio disk, the network from qemu's DHCP, no timers that would eat an
# emulated CPU, and the runner unit.
mmdebstrap --mode=root --variant=apt --format=directory \
	--include="$(echo "$packages $kpkg" | tr ' ' ',')" \
	--aptopt='Acquire::Languages "none"' \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-include=/usr/share/doc/*/copyright' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--customize-hook='echo mntns-vm >"$1/etc/hostname"' \
	--customize-hook='printf "127.0.0.1 localhost\n127.0.1.1 mntns-vm\n" >"$1/etc/hosts"' \
	--customize-hook='printf "/dev/vda / ext4 defaults,errors=remount-ro 0 1\n" >"$1/etc/fstab"' \
	--customize-hook='mkdir -p "$1/etc/systemd/network" && printf "[Match]\nName=e*\n\n[Network]\nDHCP=ipv4\n" >"$1/etc/systemd/network/20-wired.network"' \
	--customize-hook='chroot "$1" systemctl enable systemd-networkd.service' \
	--customize-hook='chroot "$1" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer systemd-networkd-wait-online.service' \
	--customize-hook="install -m 0755 '$PWD/tests/vm/guest/mntns-vm-boot' \"\$1/usr/local/sbin/mntns-vm-boot\"" \
	--customize-hook="install -m 0644 '$PWD/tests/vm/guest/mntns-vm.service' \"\$1/etc/systemd/system/mntns-vm.service\"" \
	--customize-hook='chroot "$1" systemctl enable mntns-vm.service' \
	--customize-hook='passwd --root "$1" --lock root >/dev/null' \
	bookworm "$root" "${sources[@]}" "${extra[@]}" >"$out/build.log" 2>&1 || {
	echo "vm: mmdebstrap failed; the end of $out/build.log:" >&2
	tail -n 25 "$out/build.log" >&2
	exit 1
}
release=$(ls "$root/lib/modules" | sort -V | tail -n 1)
[ -n "$release" ] && [ -e "$root/boot/vmlinuz-$release" ] &&
	[ -e "$root/boot/initrd.img-$release" ] || {
	echo "vm: the image has no kernel and initrd for Linux $kernel" >&2
	exit 1
}
cp "$root/boot/vmlinuz-$release" "$out/vmlinuz.tmp" &&
	cp "$root/boot/initrd.img-$release" "$out/initrd.img.tmp" || exit 1
# Room for the tests beside the system: a copy of the tree, users' homes
# and instances, the journal.
size=$(($(du -sxm "$root" | cut -f1) + 2048))
rm -f "$out/disk.img.tmp"
truncate -s "${size}M" "$out/disk.img.tmp" &&
	mke2fs -q -t ext4 -L mntns-vm -d "$root" "$out/disk.img.tmp" >>"$out/build.log" 2>&1 || {
	echo "vm: mke2fs -d failed; the end of $out/build.log:" >&2
	tail -n 10 "$out/build.log" >&2
	exit 1
}
mv "$out/disk.img.tmp" "$out/disk.img" && mv "$out/vmlinuz.tmp" "$out/vmlinuz" &&
	mv "$out/initrd.img.tmp" "$out/initrd.img" &&
	echo "$release" >"$out/release" && echo "$stamp" >"$out/stamp" || exit 1
echo "vm: image for Linux $release built in $((SECONDS - start)) s (${size} MB)"
