#!/usr/bin/env bash
# The whole test suite, as CI runs it: a -Werror build and `make check`, the
# same under AddressSanitizer + UndefinedBehaviorSanitizer, then `make
# distcheck`. Build trees go to build/ and build-asan/.
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

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and make check"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
scripts/build.sh build-asan/ CFLAGS="-g -O1 $san $warn" LDFLAGS="$san" --enable-m3-tests
check build-asan env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

echo "== make distcheck"
make -C build -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS="CFLAGS='-O2 $warn'" >/dev/null
passed=$(( $(count build PASS) + $(count build-asan PASS) ))
failed=$(( $(count build FAIL) + $(count build-asan FAIL) + $(count build ERROR) + $(count build-asan ERROR) ))
skipped=$(( $(count build SKIP) + $(count build-asan SKIP) ))
echo "tests: $passed passed, $failed failed, $skipped skipped"
