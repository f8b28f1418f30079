# pam_mntns: a private mount namespace for every login session.

VERSION = 0.1.0

PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
SYSCONFDIR ?= /etc
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
UNITDIR ?= $(PREFIX)/lib/systemd/system
PAMCONFIGDIR ?= $(DATADIR)/pam-configs
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
PAM_LIBDIR := $(shell pkg-config --variable=libdir pam 2>/dev/null)
SECUREDIR ?= $(if $(PAM_LIBDIR),$(PAM_LIBDIR),/lib/$(MULTIARCH))/security
DESTDIR ?=

B := build
CC ?= cc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-format-truncation
# A distribution's own _FORTIFY_SOURCE (Fedora's is 3) wins over ours.
HARDEN := $(if $(findstring _FORTIFY_SOURCE,$(CFLAGS) $(CPPFLAGS)),,\
	-D_FORTIFY_SOURCE=2) -fstack-protector-strong -fPIC
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
CPPFLAGS += -D_GNU_SOURCE -DMNTNS_VERSION='"$(VERSION)"' \
	-DMNTNS_DEFAULT_CONF='"$(SYSCONFDIR)/security/pam_mntns.conf"' \
	$(LIB_INC) -I$(B)
ALL_CFLAGS = -std=gnu11 $(WARN) $(HARDEN) $(CFLAGS)
LINK_HARDEN := -Wl,-z,relro,-z,now -Wl,--as-needed

# The module links only the objects it uses out of the archive.
# lib/README.md maps the folders: the login path, then admin/, which only
# the helper (and the tests) link.
# Headers are included by folder ("plan/plan.h"): only lib/ is on the
# include path, and tests/layers.sh checks that no stage includes one
# above it.
LIB_DIRS := lib lib/config lib/plan lib/mount lib/session lib/admin
LIB_INC := -Ilib
LIB_SRC := $(sort $(wildcard $(addsuffix /*.c,$(filter-out lib/admin,$(LIB_DIRS)))))
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
ADMIN_SRC := $(sort $(wildcard lib/admin/*.c))
ADMIN_OBJ := $(ADMIN_SRC:%.c=$(B)/%.o)
MODULE := $(B)/pam_mntns.so
HELPER := $(B)/pam_mntns_helper

.PHONY: all clean install uninstall deb rpm check check-unit deps demo tests
all: $(MODULE) $(HELPER)

$(B)/gen-optmap: tools/gen-optmap.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) $(shell pkg-config --cflags mount) \
		-o $@ $< $(shell pkg-config --libs mount)

# The mount-flag words, resolved through libmount's option map at build
# time, so the module does not load libmount at login.
$(B)/optmap.h: $(B)/gen-optmap
	$(B)/gen-optmap > $@.tmp && mv $@.tmp $@

$(B)/lib/config/options.o: $(B)/optmap.h

# Each object depends on the headers it includes (-MMD writes them down).
$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -MMD -MP -c -o $@ $<

# (build/vm holds a guest's file system, whose *.d files are not ours.)
-include $(shell find $(B) -path $(B)/vm -prune -o -name '*.d' -type f -print 2>/dev/null)

$(B)/libmntns.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(B)/libmntns-admin.a: $(ADMIN_OBJ)
	$(AR) rcs $@ $^

# -z nodelete: pam_end() leaves the module mapped, so a login does not pay
# for unmapping it just before its process goes on to exit anyway.
$(MODULE): $(B)/pam_module/pam_mntns.o $(B)/libmntns.a pam_module/pam_mntns.map
	$(CC) $(ALL_CFLAGS) -shared -o $@ $(B)/pam_module/pam_mntns.o \
		$(B)/libmntns.a -Wl,--version-script=pam_module/pam_mntns.map \
		$(LINK_HARDEN) -Wl,-z,nodelete $(LDFLAGS) -lpam

HELPER_OBJ := $(patsubst %.c,$(B)/%.o,$(sort $(wildcard helper/*.c)))

$(HELPER): $(HELPER_OBJ) $(B)/libmntns-admin.a $(B)/libmntns.a
	$(CC) $(ALL_CFLAGS) -pie -o $@ $^ $(LINK_HARDEN) $(LDFLAGS)

# ---- tests ------------------------------------------------------------

# Every tests/unit/test_*.c is a cmocka program of its own.
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,\
	$(wildcard tests/unit/test_*.c))
TEST_TOOLS := $(B)/tests/pam-session $(B)/tests/logshim.so \
	$(B)/tests/vgshim.so $(B)/tests/oldkernel $(B)/tests/leaderless \
	$(B)/tests/shm

$(B)/tests/unit/%: tests/unit/%.c $(B)/libmntns-admin.a $(B)/libmntns.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -MMD -MP -Itests/unit -o $@ $< \
		$(B)/libmntns-admin.a $(B)/libmntns.a \
		$(LDFLAGS) $(shell pkg-config --libs cmocka mount)

$(B)/tests/pam-session: tests/pam/pam-session.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -o $@ $< $(LDFLAGS) -lpam -lpthread

$(B)/tests/logshim.so: tests/lib/logshim.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -shared -o $@ $< $(LDFLAGS)

# Preloaded under valgrind, which lacks the new mount system calls.
$(B)/tests/vgshim.so: tests/lib/vgshim.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -shared -o $@ $< $(LDFLAGS) -ldl

# Runs a command as on an older kernel (Linux 5.14 unless -k says), with
# a seccomp filter: for the tests of the fallbacks.
$(B)/tests/oldkernel: tests/lib/oldkernel.c lib/syscalls.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -o $@ $< $(LDFLAGS)

# A process whose thread-group leader has exited, its other thread alive.
$(B)/tests/leaderless: tests/lib/leaderless.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -o $@ $< $(LDFLAGS) -lpthread

# POSIX shared memory (shm_open) as programs use it.
$(B)/tests/shm: tests/lib/shm.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -o $@ $< $(LDFLAGS)

# Suites with their own build rules add to TEST_BUILD from their fragment.
TEST_BUILD :=
-include $(wildcard tests/*/*.mk bench/*.mk)

tests: all $(UNIT_TESTS) $(TEST_TOOLS) $(TEST_BUILD)

# make check T=NAME runs one suite or root test file: T=security/t-race
# (or T=t-race), T=unit/test_lint (or T=test_lint), T=style; a folder
# (T=unit), or several: T="unit pam".
check: tests
	@B=$(B) T="$(T)" tests/run-all.sh

# The unit tests alone: no root, no test tools; what a package build runs.
check-unit: $(UNIT_TESTS)
	@for t in $(UNIT_TESTS); do tests/unit/run-unit.sh $$t || exit 1; done

# ---- installation -----------------------------------------------------

UNITS := $(wildcard conf/systemd/*.service)

install: all
	install -d $(DESTDIR)$(SECUREDIR) $(DESTDIR)$(SBINDIR) \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SYSCONFDIR)/security/pam_mntns.d \
		$(DESTDIR)$(TMPFILESDIR) \
		$(if $(PAMCONFIGDIR),$(DESTDIR)$(PAMCONFIGDIR))
	install -m 0644 $(MODULE) $(DESTDIR)$(SECUREDIR)/pam_mntns.so
	install -m 0755 $(HELPER) $(DESTDIR)$(SBINDIR)/pam_mntns_helper
	install -m 0644 man/pam_mntns.8 man/pam_mntns_helper.8 \
		$(DESTDIR)$(MANDIR)/man8/
	install -m 0644 man/pam_mntns.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 conf/tmpfiles.d/pam_mntns.conf \
		$(DESTDIR)$(TMPFILESDIR)/pam_mntns.conf
	@# PAMCONFIGDIR= (empty): no pam-auth-update profile, as on Fedora.
	$(if $(PAMCONFIGDIR),install -m 0644 conf/pam-configs/mntns \
		$(DESTDIR)$(PAMCONFIGDIR)/mntns)
	install -d $(DESTDIR)$(UNITDIR)
	$(foreach u,$(UNITS),sed 's|/usr/sbin/|$(SBINDIR)/|' $(u) \
		>$(DESTDIR)$(UNITDIR)/$(notdir $(u)) && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$(notdir $(u)) &&) true
	@# An admin's config is never overwritten.
	test -e $(DESTDIR)$(SYSCONFDIR)/security/pam_mntns.conf || \
		install -m 0644 conf/pam_mntns.conf \
			$(DESTDIR)$(SYSCONFDIR)/security/pam_mntns.conf

# Leaves the config and its drop-ins alone, as package removal does.
uninstall:
	rm -f $(DESTDIR)$(SECUREDIR)/pam_mntns.so \
		$(DESTDIR)$(SBINDIR)/pam_mntns_helper \
		$(DESTDIR)$(MANDIR)/man8/pam_mntns.8 \
		$(DESTDIR)$(MANDIR)/man8/pam_mntns_helper.8 \
		$(DESTDIR)$(MANDIR)/man5/pam_mntns.conf.5 \
		$(DESTDIR)$(TMPFILESDIR)/pam_mntns.conf \
		$(if $(PAMCONFIGDIR),$(DESTDIR)$(PAMCONFIGDIR)/mntns) \
		$(addprefix $(DESTDIR)$(UNITDIR)/,$(notdir $(UNITS)))

# A Debian package, built from a copy of the tree in $(B)/deb so that
# nothing lands outside the build directory.
deb:
	rm -rf $(B)/deb && mkdir -p $(B)/deb/src
	tar --exclude=./$(B) --exclude=./build --exclude=./.git -cf - . | \
		tar -C $(B)/deb/src -xf -
	@# The package build must not inherit this make's variables (B=...).
	cd $(B)/deb/src && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		dpkg-buildpackage -us -uc -b
	cd $(B)/deb && lintian --fail-on error *.changes

# An RPM for Fedora and RHEL (rpm/pam_mntns.spec), built from a tarball
# of the tree (rpmbuild -tb reads the spec inside it, and rpmlint runs in
# the build directory: the tree's own path may not be reachable by name,
# as under the test sandbox's /tmp).  rpmbuild's tree, database, temporary files and HOME are
# all under $(B)/rpm, so nothing lands outside the build directory.  A
# host without systemd-rpm-macros (Debian) gets rpm/macros.fallback.
RPM_TOP = $(abspath $(B))/rpm
RPM_TAR = $(RPM_TOP)/SOURCES/pam_mntns-$(VERSION).tar.gz
RPM_FOREIGN = $(if $(shell rpm --eval '%{?_unitdir}' 2>/dev/null),,yes)
# Relative: the tree may lie under a path the test sandbox covers (/tmp).
RPM_MACROS = $(if $(RPM_FOREIGN),--load=rpm/macros.fallback)
# Debian's rpm has an empty database: BuildRequires cannot be checked.
RPM_NODEPS = $(if $(RPM_FOREIGN),--nodeps)
# The filters of rpm/pam_mntns.rpmlintrc are for a foreign host; a Fedora
# host's rpmlint may not need them all.
RPMLINT_FLAGS = $(if $(RPM_FOREIGN),,--ignore-unused-rpmlintrc)
RPMBUILD_FLAGS ?=
RPMLINT ?= rpmlint
RPM_ENV = env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u TOP -u B -u T HOME=$(RPM_TOP) \
	XDG_CONFIG_HOME=$(RPM_TOP) XDG_CACHE_HOME=$(RPM_TOP)
rpm:
	rm -rf $(RPM_TOP) && mkdir -p $(RPM_TOP)/SOURCES $(RPM_TOP)/db \
		$(RPM_TOP)/tmp
	tar --exclude=./$(B) --exclude=./build --exclude=./.git \
		--transform 's,^\.,pam_mntns-$(VERSION),' -czf $(RPM_TAR) .
	$(RPM_ENV) rpmbuild -tb $(RPM_NODEPS) $(RPM_MACROS) $(RPMBUILD_FLAGS) \
		--define '_topdir $(RPM_TOP)' --define '_dbpath $(RPM_TOP)/db' \
		--define '_tmppath $(RPM_TOP)/tmp' $(RPM_TAR)
	cp rpm/pam_mntns.spec rpm/pam_mntns.rpmlintrc $(RPM_TOP)/
	cd $(RPM_TOP) && $(RPM_ENV) $(RPMLINT) $(RPMLINT_FLAGS) \
		-r pam_mntns.rpmlintrc pam_mntns.spec RPMS/*/*.rpm

# ---- the rest ---------------------------------------------------------

DEB_DEPS := gcc make pkg-config libpam0g-dev libmount-dev libcmocka-dev \
	pamtester libpam-wrapper libnss-wrapper mandoc clang-format \
	util-linux bsdutils login passwd binutils \
	dpkg-dev debhelper fakeroot lintian rpm rpmlint \
	openssh-server expect valgrind clang libclang-rt-14-dev sudo tmux

deps:
	@tools/install-deps.sh $(DEB_DEPS)

demo: deps
	@echo "demo: building the module, the helper and the test tools"
	@$(MAKE) -s tests >/dev/null
	@B=$(B) tests/demo.sh

clean:
	rm -rf $(B)
