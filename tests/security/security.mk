# Test-only builds for tests/security: copies of pam_mntns.so linked with
# -Wl,--wrap, so that calls the module makes go to test code (the module
# itself has no test hook), and the attacker's helper for the race tests.

SEC := $(B)/tests/security
# Every function tests/security/fault.c declares with WRAPS(...).
FAULT_FNS := $(shell sed -n 's/^WRAPS.[^,]*, *\([A-Za-z_0-9]*\),.*/\1/p' \
	tests/security/fault.c)
MODULE_PARTS := $(B)/pam_module/pam_mntns.o $(B)/libmntns.a

$(SEC)/%.o: tests/security/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -MMD -MP -c -o $@ $<

# $(call wrapped_module,EXTRA_OBJECT,FUNCTIONS)
wrapped_module = $(CC) $(ALL_CFLAGS) -shared -o $@ $(MODULE_PARTS) $(1) \
	$(foreach f,$(2),-Wl,--wrap=$(f)) \
	-Wl,--version-script=pam_module/pam_mntns.map \
	$(LINK_HARDEN) $(LDFLAGS) -lpam

$(SEC)/pam_mntns_fault.so: $(SEC)/fault.o $(MODULE_PARTS) \
		pam_module/pam_mntns.map
	$(call wrapped_module,$(SEC)/fault.o,$(FAULT_FNS))

$(SEC)/swapper: tests/security/swapper.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -o $@ $< $(LDFLAGS)

TEST_BUILD += $(SEC)/pam_mntns_fault.so $(SEC)/swapper

# A sanitizer build runs tests whose programs preload other libraries
# first (nss_wrapper for the unit tests): let ASan start anyway.
ifeq ($(SANITIZE),1)
export ASAN_OPTIONS ?= verify_asan_link_order=0:detect_leaks=1
export UBSAN_OPTIONS ?= print_stacktrace=1
endif
