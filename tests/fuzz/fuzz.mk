# libFuzzer target for the config parser and the planner (needs clang):
#
#   make fuzz                  fuzz for FUZZ_SECONDS (60) from the corpus
#   make fuzz FUZZ_SECONDS=600
#
# New inputs go to $(B)/fuzz/corpus, crashes to $(B)/fuzz/artifacts; the
# seed corpus in tests/fuzz/corpus is only read.  tests/fuzz/t-corpus.sh
# replays the seed corpus in "make check" when the target is built.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR := $(B)/fuzz
FUZZ_BIN := $(FUZZ_DIR)/fuzz_conf
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra \
	$(FUZZ_SAN) -D_GNU_SOURCE $(LIB_INC) -I$(B)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_DIR)/%.o)
FUZZ_NSS := getgrnam_r getgrgid_r getgrouplist getpwnam_r

$(FUZZ_DIR)/lib/%.o: lib/%.c $(B)/optmap.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/libmntns.a: $(FUZZ_LIB_OBJ)
	$(AR) rcs $@ $^

$(FUZZ_BIN): tests/fuzz/fuzz_conf.c $(FUZZ_DIR)/libmntns.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		$(FUZZ_DIR)/libmntns.a $(foreach f,$(FUZZ_NSS),-Wl,--wrap=$(f))

ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
TEST_BUILD += $(FUZZ_BIN)
endif

.PHONY: fuzz
fuzz: $(FUZZ_BIN)
	@mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/artifacts
	$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
		-dict=tests/fuzz/conf.dict \
		-artifact_prefix=$(FUZZ_DIR)/artifacts/ \
		$(FUZZ_DIR)/corpus tests/fuzz/corpus
