# make check-vm: the root suites and a booted login host in a Debian 12
# guest under qemu, on Debian's own kernel (tests/vm/README.md).
#
#   make check-vm                     the default files, the login host, Linux 6.1
#   make check-vm VM_T=kernel         namespace identity and the kernel only (CI)
#   make check-vm VM_T=all            every root test file the guest can run
#   make check-vm VM_T="pam/t-scope helper/t-ns"   these files only
#   make check-vm VM_T=none           only the booted login host
#   make check-vm VM_LOGIN=0          no login host, the files only
#   make check-vm VM_KERNEL=6.12      another row of tests/vm/kernels

VM_DIR := $(B)/vm
VM_KERNEL ?= 6.1
VM_T ?=
VM_LOGIN ?= 1
# What DEB_DEPS installs only to build, package or lint on the host; the
# rest is what the tests run, and goes into the guest.
VM_BUILD_ONLY := make pkg-config libpam0g-dev libmount-dev libcmocka-dev \
	mandoc clang-format dpkg-dev debhelper fakeroot lintian rpm rpmlint \
	clang libclang-rt-14-dev
# A booted login host: systemd as PID 1 with logind, the user managers,
# udev, the network from qemu and Debian's initramfs for its kernel.
VM_SYSTEM := systemd systemd-sysv dbus libpam-systemd udev kmod \
	initramfs-tools procps iproute2 e2fsprogs mount netbase psmisc \
	openssh-server openssh-client tmux sudo libcmocka0 \
	dbus-user-session
VM_PACKAGES = $(VM_SYSTEM) $(filter-out $(VM_BUILD_ONLY),$(DEB_DEPS))
# What the host needs to build and boot the guest.
VM_HOST_DEPS := qemu-system-x86 qemu-utils mmdebstrap e2fsprogs \
	openssh-client

.PHONY: check-vm check-vm-deps check-vm-image

check-vm-deps:
	@DEPS_NAME=vm-deps tools/install-deps.sh $(VM_HOST_DEPS)

check-vm-image: check-vm-deps
	@bash tests/vm/build-image.sh $(VM_DIR)/$(VM_KERNEL) $(VM_KERNEL) \
		$(VM_PACKAGES)

# run.sh installs the host's tools when missing, builds the image when
# its inputs changed, and boots it.
check-vm: tests
	@B=$(B) VM_DIR=$(VM_DIR) VM_KERNEL=$(VM_KERNEL) VM_T="$(VM_T)" \
		VM_LOGIN=$(VM_LOGIN) \
		VM_HOST_DEPS="$(VM_HOST_DEPS)" VM_PACKAGES="$(VM_PACKAGES)" \
		bash tests/vm/run.sh
