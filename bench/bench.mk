# make bench: system calls, login latency, login storms and kernel memory per session
# against libpam alone, the floor and pam_namespace (bench/run.sh).
# Needs root; the results go to bench/results/ and the latest run to
# bench/RESULTS.md and bench/plot*.png.
# The floor and minimal modules are for the benchmark only and are never
# installed.

BENCH_BIN := $(B)/bench/loadgen $(B)/bench/floor.so $(B)/bench/minimal.so \
	$(TEST_TOOLS)
BENCH_DEB_DEPS := gnuplot-nox valgrind linux-perf
BENCH_ROUNDS ?= 1000
BENCH_SIZES ?= 20 1000 5000
BENCH_STORMS ?= 8 32 128
BENCH_STORM_LOGINS ?= 512
BENCH_MEM_SIZES ?= 1000 5000
BENCH_MEM_SESSIONS ?= 100
BENCH_PROFILE_SIZES ?= 20 5000
PROFILE_PARTS ?= sessions storms

TEST_BUILD += $(BENCH_BIN)

.PHONY: bench bench-deps bench-profile

LOADGEN_SRC := bench/loadgen.c bench/storm.c bench/memory.c bench/syscount.c

$(B)/bench/loadgen: $(LOADGEN_SRC) bench/loadgen.h $(B)/bench/sysnames.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -I$(B)/bench -pie -o $@ $(LOADGEN_SRC) \
		$(LINK_HARDEN) $(LDFLAGS) -lpam

# The names of this architecture's system calls, by number, from the
# C library's headers: "[__NR_openat] = "openat",".
$(B)/bench/sysnames.h: bench/bench.mk
	@mkdir -p $(@D)
	{ echo '#include <sys/syscall.h>'; \
	  echo 'static const char *const sysnames[] = {'; \
	  echo '#include <sys/syscall.h>' | $(CC) -dM -E - | \
		sed -n 's/^#define __NR_\([a-z0-9_]*\) .*/[__NR_\1] = "\1",/p' | \
		sort -u; \
	  echo '};'; } >$@.tmp && mv $@.tmp $@

$(B)/bench/floor.so: bench/floor.c bench/close.c pam_module/pam_mntns.map
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -shared -o $@ $(filter %.c,$^) \
		-Wl,--version-script=pam_module/pam_mntns.map \
		$(LINK_HARDEN) $(LDFLAGS) -lpam

$(B)/bench/minimal.so: bench/minimal.c bench/close.c pam_module/pam_mntns.map
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -shared -o $@ $(filter %.c,$^) \
		-Wl,--version-script=pam_module/pam_mntns.map \
		$(LINK_HARDEN) $(LDFLAGS) -lpam

bench: bench-deps all $(BENCH_BIN)
	@B=$(B) BENCH_ROUNDS="$(BENCH_ROUNDS)" BENCH_SIZES="$(BENCH_SIZES)" \
		BENCH_STORMS="$(BENCH_STORMS)" \
		BENCH_STORM_LOGINS="$(BENCH_STORM_LOGINS)" \
		BENCH_MEM_SIZES="$(BENCH_MEM_SIZES)" \
		BENCH_MEM_SESSIONS="$(BENCH_MEM_SESSIONS)" bench/run.sh --record

# callgrind and perf profiles of permit, the floor, minimal and
# pam_mntns at 20 and 5000 mounts, and system-wide perf profiles of
# storms of 32 logins of the floor and of pam_mntns in both scopes
# (bench/profile.sh), kept in the run's directory under bench/results/
# (profile-SIZE.txt, profile-storm-SIZE.txt); RESULTS.md is not touched.
# PROFILE_PARTS=storms (or sessions) runs one part only.
bench-profile: bench-deps all $(BENCH_BIN)
	@B=$(B) BENCH_SIZES="$(BENCH_PROFILE_SIZES)" \
		PROFILE_PARTS="$(PROFILE_PARTS)" bench/run.sh --exec bench/profile.sh

bench-deps:
	@DEPS_NAME=bench-deps tools/install-deps.sh $(BENCH_DEB_DEPS)
