#!/usr/bin/env bash
# The whole test suite, as CI runs it: a -Werror build and `make check`, the
# ABI check of its libawsv2.so, a short run of every fuzz harness (make
# fuzz, FUZZ_SECONDS each, default 5), the same under AddressSanitizer +
# UndefinedBehaviorSanitizer, the core tests of a library configured without
# its optional backends, `make distcheck`, then the Debian packages
# (scripts/deb.sh). Build trees go to build/, build-asan/, build-minimal/
# and build-deb/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/deps.sh

warn="-Wall -Wextra -Werror"

# make check, printing the logs of what failed so that CI shows them.
check() {
    local dir=$1
    shift
    if ! "$@" make -C "$dir" -j"$jobs" check; then
        find "$dir" -name test-suite.log -exec cat {} + >&2
        exit 1
    fi
}

# Adds the PASS/FAIL/SKIP counts of one automake run.
count() {
    awk -v what="# $2:" '$1" "$2 == what {n += $3} END {print n + 0}' "$1/test-suite.log"
}
jobs=$(nproc)

echo "== build with $warn and make check"
scripts/build.sh build/ CFLAGS="-g -O2 $warn" --enable-m3-tests
check build

echo "== make fuzz: each harness of fuzz/ for a few seconds (clang, libFuzzer, ASan+UBSan)"
make -C build fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-5}" FUZZ_SEED="${FUZZ_SEED:-1}"

echo "== ABI check of libawsv2.so against abi/libawsv2.abi"
scripts/abi-check.sh selftest
make -C build abi-check

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and make check"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
scripts/build.sh build-asan/ CFLAGS="-g -O1 $san $warn" LDFLAGS="$san" --enable-m3-tests
check build-asan env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

echo "== --disable-due --disable-http --disable-pkcs11: the core tests, without the optional backends"
# Only what those tests need is built (test-suite.log needs each test's log,
# which needs its program: check-TESTS would build every check program),
# and the library, which must not link the backends' own libraries (json-c
# is the core's too: credential_process).
minimal_tests="tests/core/test_build tests/core/test_ping tests/core/test_vectors tests/core/test_request
    tests/core/test_status tests/core/test_credentials tests/core/test_curl tests/client/test_transport"
mkdir -p build-minimal
[ -f build-minimal/Makefile ] ||
    (cd build-minimal && ../configure -q CFLAGS="-g -O2 $warn" --disable-due --disable-http \
        --disable-pkcs11)
make -C build-minimal -j"$jobs" libawsv2.la >/dev/null
if readelf -d build-minimal/.libs/libawsv2.so | grep -E 'NEEDED.*(serialport|p11-kit)'; then
    echo "libawsv2.so without the optional backends still links their libraries" >&2
    exit 1
fi
(cd build-minimal && rm -f test-suite.log $(for t in $minimal_tests; do echo "$t.log $t.trs"; done))
if ! make -C build-minimal -j"$jobs" test-suite.log TESTS="$(echo $minimal_tests)"; then
    cat build-minimal/test-suite.log >&2
    exit 1
fi

echo "== make distcheck"
make -C build -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS="CFLAGS='-O2 $warn'" >/dev/null

echo "== Debian packages: build, lintian, install, the demo with the installed programs"
start=$(date +%s)
scripts/deb.sh build-deb/
echo "Debian stage: $(( $(date +%s) - start )) s"
passed=0 failed=0 skipped=0
for dir in build build-asan build-minimal; do
    passed=$(( passed + $(count $dir PASS) ))
    failed=$(( failed + $(count $dir FAIL) + $(count $dir ERROR) ))
    skipped=$(( skipped + $(count $dir SKIP) ))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
