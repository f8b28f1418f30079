#!/bin/bash
# Runs one cmocka test binary with TAP output and NSS served by
# nss_wrapper from tests/unit/fixtures (no root, no real users needed):
# run-unit.sh [LAUNCHER ARG...] BINARY.
cd "${TOP:-.}" || exit 1
lib=$(pkg-config --variable=libdir nss_wrapper 2>/dev/null)
lib=${lib:-/usr/lib/$(gcc -print-multiarch)}/libnss_wrapper.so
export CMOCKA_MESSAGE_OUTPUT=TAP
export NSS_WRAPPER_PASSWD=$PWD/tests/unit/fixtures/passwd
export NSS_WRAPPER_GROUP=$PWD/tests/unit/fixtures/group
export UNIT_FIXTURES=$PWD/tests/unit/fixtures
LD_PRELOAD=$lib exec "$@"
