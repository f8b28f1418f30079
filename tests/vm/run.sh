#!/bin/bash
# make check-vm: boots the Debian 12 guest of tests/vm/build-image.sh on
# one kernel row of tests/vm/kernels under qemu, has it run root test
# files on that kernel (tests/vm/guest.sh), then drives the booted login
# host over ssh (tests/vm/login-host.sh).  Prints the TAP of both and
# ends with one line "N passed, M failed", as tests/run-all.sh does.
#
# Environment (tests/vm/vm.mk sets the first ones):
#   B, VM_DIR, VM_KERNEL  the build, the image folder, the kernel row
#   VM_PACKAGES, VM_HOST_DEPS  the guest's packages, the host's tools
#   VM_T        test files: empty for the default set, "kernel" for the
#               files about namespace identity and the kernel alone (what
#               CI runs), "all", "none", or names as for make check's T
#               ("pam/t-scope", "t-ns", "helper")
#   VM_LOGIN    1: the booted login host after the files; 0: not
#   VM_ACCEL    kvm or tcg, instead of finding out
#   VM_FILE_LIMIT  seconds one test file may take in the guest (900)
#   VM_TIMEOUT  seconds the whole guest may take (3600)
#   VM_MEM, VM_SMP  the guest's memory (MiB) and CPUs (3072, 2)
#   VM_KEEP=1   leave the guest up at the end, for a look with ssh
set -u
cd "$(dirname "$0")/../.." || exit 1
export TOP=$PWD B=${B:-build}
VM_DIR=${VM_DIR:-$B/vm}
VM_KERNEL=${VM_KERNEL:-6.1}
VM_T=${VM_T:-}
VM_LOGIN=${VM_LOGIN:-1}
VM_ACCEL=${VM_ACCEL:-}
VM_FILE_LIMIT=${VM_FILE_LIMIT:-900}
VM_TIMEOUT=${VM_TIMEOUT:-3600}
VM_MEM=${VM_MEM:-3072}
VM_SMP=${VM_SMP:-2}
VM_KEEP=${VM_KEEP:-0}
IMG=$VM_DIR/$VM_KERNEL
# The module's floor (README, Platforms): below it a login is refused.
FLOOR=5.12
RUN=$(realpath -m "$VM_DIR/run-$VM_KERNEL")
LOG=$RUN/all.tap
QEMU_PID=
T0=$SECONDS

# Files the guest cannot run: they build packages, which needs the build
# tools the guest leaves out (tests/vm/README.md).
HOST_ONLY="install/t-install install/t-rpm"
# The default set: every file that runs a second time under the 5.14
# emulation (OLDKERNEL_FILES of tests/run-root.sh, read from there so
# the two stay one list), and those about the kernel, the clients and
# the attacks that fit in the time of a run under TCG.
DEFAULT_EXTRA="pam/t-kernel pam/t-codes pam/t-methods security/t-caller
	security/t-propagation security/t-chroot e2e/t-lifetime"

say() {
	echo "vm: $*"
}

# tap LINE: a TAP line of this script's own, shown and counted.
tap() {
	echo "$1" | tee -a "$LOG"
}

# oldkernel_files: OLDKERNEL_FILES of tests/run-root.sh, as suite/t-name.
oldkernel_files() {
	sed -n '/^OLDKERNEL_FILES=(/,/)/p' tests/run-root.sh |
		grep -oE 'tests/[a-z0-9_-]+/t-[a-z0-9_-]+\.sh' |
		sed 's|^tests/||; s|\.sh$||'
}

# wanted NAME: NAME (suite/t-name) is named by VM_T, as make check's T
# names files: the whole name, the file's name, or its folder.
wanted() {
	local w
	for w in $VM_T; do
		w=${w#tests/}
		w=${w%.sh}
		[ "$w" = "$1" ] || [ "$w" = "${1##*/}" ] || [ "$w" = "${1%%/*}" ] &&
			return 0
	done
	return 1
}

# files: the root test files this run hands the guest, in order.
files() {
	local f n list=()
	case $VM_T in
	none) return 0 ;;
	"" | kernel)
		[ "$MODULE_ON" = refuses ] && return 0
		list=($(oldkernel_files) pam/t-kernel)
		[ "$VM_T" = kernel ] || list+=($DEFAULT_EXTRA)
		;;
	*)
		for f in tests/*/t-*.sh; do
			n=${f#tests/}
			n=${n%.sh}
			[ "$VM_T" = all ] || wanted "$n" || continue
			[[ " $HOST_ONLY " == *" $n "* ]] && continue
			list+=("$n")
		done
		;;
	esac
	printf '%s\n' "${list[@]}" | awk '!seen[$0]++'
}

# host_tools: 0 when this host has what check-vm runs; else says what
# is missing (on stderr).
host_tools() {
	local t missing=()
	for t in qemu-system-x86_64 qemu-img mmdebstrap mke2fs ssh ssh-keygen ss; do
		command -v "$t" >/dev/null || missing+=("$t")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "${missing[*]} missing" >&2
	return 1
}

# free_port: a TCP port on 127.0.0.1 nothing listens on now.
free_port() {
	local p
	for p in $(shuf -i 20000-60000 -n 50); do
		ss -Hltn "sport = :$p" | grep -q . || {
			echo "$p"
			return 0
		}
	done
	return 1
}

# choose_accel: "kvm" where KVM boots Debian's kernel, else "tcg"; the
# reason goes to ACCEL_WHY.  Nested or paravirtual KVM may offer
# /dev/kvm and still not boot a stock kernel (it stops in the
# decompressor or at an MSR), so KVM is tried once on the kernel itself,
# to its first panic for lack of a root file system, and the answer is
# kept per host kernel, qemu and guest kernel.
choose_accel() {
	local probe out
	if [ -n "$VM_ACCEL" ]; then
		ACCEL=$VM_ACCEL ACCEL_WHY="VM_ACCEL=$VM_ACCEL"
		return
	fi
	if [ ! -c /dev/kvm ] || ! : 2>/dev/null <>/dev/kvm; then
		ACCEL=tcg ACCEL_WHY="no usable /dev/kvm"
		return
	fi
	probe=$VM_DIR/kvm-probe.$(uname -r).$(cat "$IMG/release").$(qemu-system-x86_64 --version |
		head -n 1 | tr -dc '0-9.')
	if [ ! -e "$probe" ]; then
		out=$(timeout 90 qemu-system-x86_64 -accel kvm -cpu host -m 512 \
			-display none -no-reboot -monitor none -serial stdio \
			-kernel "$IMG/vmlinuz" -append "console=ttyS0 panic=-1" 2>&1)
		if printf '%s\n' "$out" | grep -q 'VFS: Unable to mount root\|Kernel panic'; then
			echo kvm >"$probe"
		else
			printf '%s\n' "$out" | tail -n 3 | tr '\n' ' ' >"$probe"
		fi
	fi
	if [ "$(cat "$probe")" = kvm ]; then
		ACCEL=kvm ACCEL_WHY="KVM boots Debian's kernel here"
	else
		ACCEL=tcg ACCEL_WHY="KVM cannot boot a stock kernel here ($(cut -c1-120 "$probe"))"
	fi
}

# deb: the package make deb builds, made anew only when a file of the
# tree is newer than it.
deb() {
	local d
	d=$(ls "$B"/deb/libpam-mntns_*.deb 2>/dev/null | head -n 1)
	if [ -z "$d" ] || [ -n "$(git ls-files -z -co --exclude-standard 2>/dev/null |
		xargs -0 -r find 2>/dev/null -newer "$d" -type f | head -n 1)" ]; then
		say "building the Debian package (make deb)" >&2
		make -s deb B="$B" >"$RUN/deb.log" 2>&1 || {
			tail -n 20 "$RUN/deb.log" >&2
			return 1
		}
		d=$(ls "$B"/deb/libpam-mntns_*.deb 2>/dev/null | head -n 1)
	fi
	[ -n "$d" ] && echo "$d"
}

# The ssh client key for root and the login host's users, kept with the
# images.
client_key() {
	mkdir -p "$VM_DIR/ssh" && chmod 0700 "$VM_DIR/ssh" || return 1
	[ -e "$VM_DIR/ssh/id_ed25519" ] ||
		ssh-keygen -q -t ed25519 -N '' -C mntns-vm -f "$VM_DIR/ssh/id_ed25519"
}

qemu_start() {
	local accel_opt cpu
	if [ "$ACCEL" = kvm ]; then
		accel_opt=kvm cpu=host
	else
		accel_opt=tcg,thread=multi cpu=max
	fi
	# The cached image stays as built: each run writes to an overlay.
	qemu-img create -q -f qcow2 -F raw -b "$(realpath "$IMG/disk.img")" \
		"$RUN/disk.qcow2" || return 1
	# restrict=on: the guest reaches neither the host nor beyond it;
	# the one way in is ssh forwarded from 127.0.0.1.
	qemu-system-x86_64 -name mntns-vm -machine q35 -accel "$accel_opt" \
		-cpu "$cpu" -smp "$VM_SMP" -m "$VM_MEM" \
		-kernel "$IMG/vmlinuz" -initrd "$IMG/initrd.img" \
		-append "root=/dev/vda rw console=ttyS0 net.ifnames=0 mitigations=off" \
		-drive "file=$RUN/disk.qcow2,format=qcow2,if=virtio,cache=unsafe" \
		-virtfs "local,path=$TOP,mount_tag=vm-src,security_model=none,readonly=on" \
		-virtfs "local,path=$RUN/share,mount_tag=vm-out,security_model=none" \
		-netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$PORT-:22" \
		-device virtio-net-pci,netdev=n0 \
		-display none -monitor none -serial "file:$RUN/console.log" \
		</dev/null >"$RUN/qemu.log" 2>&1 &
	QEMU_PID=$!
}

qemu_alive() {
	[ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null
}

# qemu_stop: ends the guest this run started, by its PID.
qemu_stop() {
	qemu_alive || return 0
	kill "$QEMU_PID" 2>/dev/null
	sleep 2
	kill -KILL "$QEMU_PID" 2>/dev/null
	wait "$QEMU_PID" 2>/dev/null
}

console_tail() {
	tail -n "${1:-25}" "$RUN/console.log" 2>/dev/null | tr -d '\r' |
		sed 's/^/#   console: /'
}

# show_new FILE: prints the complete lines FILE got since the last call.
SHOWN=0
show_new() {
	local size
	[ -e "$1" ] || return 0
	size=$(stat -c %s "$1")
	[ "$size" -gt "$SHOWN" ] || return 0
	tail -c +$((SHOWN + 1)) "$1" | head -c $((size - SHOWN)) >"$RUN/chunk"
	# Up to the last newline; a partial line waits for the next call.
	size=$(($(sed -n '$=' "$RUN/chunk" 2>/dev/null || echo 0)))
	[ "$(tail -c 1 "$RUN/chunk" | od -An -c | tr -d ' ')" = '\n' ] ||
		size=$((size - 1))
	[ "$size" -gt 0 ] || return 0
	head -n "$size" "$RUN/chunk" | tee -a "$LOG"
	SHOWN=$((SHOWN + $(head -n "$size" "$RUN/chunk" | wc -c)))
}

# wait_for FILE LIMIT WHAT: waits until the guest writes FILE, showing
# the suites' TAP meanwhile; a guest that stops, or makes no progress in
# LIMIT seconds (or passes VM_TIMEOUT), is a failure, with the console.
wait_for() {
	local file=$1 limit=$2 what=$3 last=$SECONDS size=-1 s
	while [ ! -e "$file" ]; do
		show_new "$RUN/share/suites.tap"
		s=$(stat -c %s "$RUN/share/suites.tap" 2>/dev/null || echo 0)
		[ "$s" = "$size" ] || {
			size=$s
			last=$SECONDS
		}
		if ! qemu_alive; then
			tap "not ok - the guest ended before $what"
			console_tail | tee -a "$LOG"
			return 1
		fi
		if [ $((SECONDS - last)) -ge "$limit" ] || [ $((SECONDS - T0)) -ge "$VM_TIMEOUT" ]; then
			tap "not ok - the guest did not reach $what in time (no progress for $((SECONDS - last)) s, $((SECONDS - T0)) s in all); stopped"
			console_tail | tee -a "$LOG"
			qemu_stop
			return 1
		fi
		sleep 2
	done
	show_new "$RUN/share/suites.tap"
}

# summary: every failure with its first diagnostic lines, then the count.
summary() {
	local passed failed
	passed=$(grep -c '^ok' "$LOG")
	failed=$(grep -c '^not ok' "$LOG")
	echo
	awk '/^not ok/ {print "FAILED: " $0; n = 5; next}
		n > 0 && /^#   / {print "        " $0; n--; next}
		{n = 0}' "$LOG"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

cleanup() {
	if [ "$VM_KEEP" = 1 ] && qemu_alive; then
		say "VM_KEEP=1: the guest (qemu PID $QEMU_PID) stays up:" \
			"ssh -F /dev/null -i $VM_DIR/ssh/id_ed25519 -p $PORT root@127.0.0.1;" \
			"end it with: kill $QEMU_PID"
		return
	fi
	qemu_stop
	rm -f "$RUN/disk.qcow2" "$RUN/chunk"
}

mkdir -p "$VM_DIR" || exit 1
# One run at a time per kernel: a second would remove the first one's
# results folder and overlay under it.
exec 9>"$VM_DIR/run-$VM_KERNEL.lock"
flock -n 9 || {
	echo "not ok - [vm $VM_KERNEL] another check-vm runs on this kernel ($VM_DIR/run-$VM_KERNEL)"
	echo "0 passed, 1 failed"
	exit 1
}
rm -rf "$RUN" && mkdir -p "$RUN/share" || exit 1
: >"$LOG"
trap cleanup EXIT
trap 'exit 130' INT TERM
# The host's tools, installed when missing.  Where qemu cannot be
# installed at all the run is skipped, and says so in its last line; a
# guest that cannot be built or booted is a failure.
if ! host_tools; then
	[ -z "${VM_HOST_DEPS:-}" ] ||
		DEPS_NAME=vm-deps tools/install-deps.sh $VM_HOST_DEPS >&2
	if ! host_tools; then
		echo
		echo "vm: SKIPPED: check-vm cannot run here, $(host_tools 2>&1) and cannot be installed"
		echo "0 passed, 0 failed, 1 skipped"
		exit 0
	fi
fi
if [ -n "${VM_PACKAGES:-}" ]; then
	s=$SECONDS
	bash tests/vm/build-image.sh "$IMG" "$VM_KERNEL" $VM_PACKAGES || {
		tap "not ok - [vm $VM_KERNEL] the guest image builds (tests/vm/build-image.sh)"
		summary
		exit 1
	}
	[ $((SECONDS - s)) -lt 10 ] || say "image: $((SECONDS - s)) s"
fi
for f in vmlinuz initrd.img disk.img release; do
	[ -e "$IMG/$f" ] || {
		tap "not ok - [vm $VM_KERNEL] the guest image is built ($IMG/$f is missing: make check-vm-image)"
		summary
		exit 1
	}
done
# "works", or "refuses" on a kernel below the floor.
MODULE_ON=works
[ "$(printf '%s\n' "$FLOOR" "$(cat "$IMG/release")" | sort -V | head -n 1)" = "$FLOOR" ] ||
	MODULE_ON=refuses
FILES=$(files | tr '\n' ' ')
[ -n "$FILES" ] || [ "$VM_T" = none ] || [ "$VM_T" = kernel ] ||
	[ -z "$VM_T" ] || {
	tap "not ok - VM_T=$VM_T names no root test file the guest can run"
	summary
	exit 1
}
choose_accel
PORT=$(free_port) || {
	tap "not ok - a free port on 127.0.0.1 for the guest's ssh"
	summary
	exit 1
}
client_key || exit 1
DEB=
if [ "$VM_LOGIN" = 1 ]; then
	DEB=$(deb) || {
		tap "not ok - make deb builds the package for the login host"
		summary
		exit 1
	}
fi
cp "$VM_DIR/ssh/id_ed25519.pub" "$RUN/share/authorized_keys"
cat >"$RUN/share/job.env" <<J
VM_FILES="$FILES"
VM_FILE_LIMIT=$VM_FILE_LIMIT
VM_LOGIN=$VM_LOGIN
VM_TAG="vm $VM_KERNEL"
B=$B
J

say "Linux $(cat "$IMG/release") ($VM_KERNEL) under qemu with ${ACCEL^^}: $ACCEL_WHY"
say "files: ${FILES:-none}; login host: $([ "$VM_LOGIN" = 1 ] && echo yes || echo no); ssh on 127.0.0.1:$PORT"
say "console: $RUN/console.log"
qemu_start || exit 1
BOOT0=$SECONDS
ok_boot=0
if wait_for "$RUN/share/started" 600 "its test runner (boot)"; then
	ok_boot=1
	tap "ok - [vm $VM_KERNEL] the guest boots Linux $(cat "$IMG/release") with systemd and starts its runner ($((SECONDS - BOOT0)) s)"
fi
if [ $ok_boot = 1 ] && wait_for "$RUN/share/suites.done" $((VM_FILE_LIMIT + 300)) "the end of its test files"; then
	sed 's/^/# guest: /' "$RUN/share/guest.txt" 2>/dev/null
	if [ "$VM_LOGIN" = 1 ]; then
		VM_TAG="vm $VM_KERNEL" PORT=$PORT KEY=$VM_DIR/ssh/id_ed25519 VM_KEEP=$VM_KEEP \
			DEB=$DEB RUN=$RUN RELEASE=$(cat "$IMG/release") MODULE_ON=$MODULE_ON \
			bash tests/vm/login-host.sh 2>&1 | tee -a "$LOG"
	fi
	s=$SECONDS
	while [ "$VM_KEEP" != 1 ] && qemu_alive && [ $((SECONDS - s)) -lt 300 ]; do
		sleep 2
	done
	if [ "$VM_KEEP" = 1 ]; then
		:
	elif qemu_alive; then
		tap "not ok - [vm $VM_KERNEL] the guest powers off at the end; stopped"
		console_tail | tee -a "$LOG"
		qemu_stop
	else
		tap "ok - [vm $VM_KERNEL] the guest powers off at the end"
	fi
fi
[ "$VM_KEEP" = 1 ] || qemu_stop
say "Linux $VM_KERNEL: $((SECONDS - T0)) s in all; per file (s):"
awk '{printf "vm:   %-26s %5d%s\n", $1, $2, ($3 == 0 ? "" : "  exit " $3)}' \
	"$RUN/share/timings" 2>/dev/null
summary
