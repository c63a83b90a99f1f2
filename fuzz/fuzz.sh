#!/usr/bin/env bash
# make fuzz: builds the harnesses with clang (fuzz.mk) and runs each for
# FUZZ_SECONDS, printing "fuzz_NAME_execs N execs". Exits non-zero when a
# harness finds a crash, a leak, a hang or a broken invariant, printing the
# path of the input that reproduces it. Everything it writes goes to
# $out (default: fuzz-out/ in the build tree): the binaries, each harness's
# growing corpus (seeded from fuzz/corpus/NAME/ and fuzz/regressions/NAME/),
# its log and its crash files.
#
# Set by the make rule: top_srcdir, top_builddir, FUZZ_HARNESSES,
# FUZZ_LIB_SOURCES, FUZZ_HSM_SOURCES, FUZZ_DEP_CFLAGS, FUZZ_DEP_LIBS.
# Optional: FUZZ_SECONDS (60), FUZZ_CC (clang), FUZZ_ONLY (names to run),
# FUZZ_RUNS (stop after that many executions, or the time limit if first),
# FUZZ_OUT, FUZZ_JOBS (parallel compilations, default: nproc), FUZZ_FLAGS
# (more libFuzzer options, e.g. -jobs=4 or -only_ascii=1).
set -euo pipefail
secs=${FUZZ_SECONDS:-60}
out=${FUZZ_OUT:-$top_builddir/fuzz-out}
harnesses=${FUZZ_ONLY:-$FUZZ_HARNESSES}
cc=${FUZZ_CC:-clang}

if ! command -v "$cc" >/dev/null; then
    echo "make fuzz: $cc not found (scripts/deps.sh installs clang)" >&2
    exit 1
fi
mkdir -p "$out"
# Only the harnesses that exist in this tree (the SigV4 reader's comes with it).
build=()
for name in $harnesses; do
    [ -f "$top_srcdir/fuzz/fuzz_$name.c" ] && build+=("$name")
done
make -s -f "$top_srcdir/fuzz/fuzz.mk" -j"${FUZZ_JOBS:-$(nproc)}" FUZZ_CC="$cc" \
    srcdir="$top_srcdir" builddir="$top_builddir" out="$out" HARNESSES="${build[*]}" \
    LIB_SOURCES="$FUZZ_LIB_SOURCES" HSM_SOURCES="$FUZZ_HSM_SOURCES" \
    DEP_CFLAGS="$FUZZ_DEP_CFLAGS" DEP_LIBS="$FUZZ_DEP_LIBS"

status=0
for name in "${build[@]}"; do
    corpus=$out/corpus/$name
    crashes=$out/crashes/$name
    mkdir -p "$corpus" "$crashes"
    seeds=()
    for d in corpus regressions; do
        [ -d "$top_srcdir/fuzz/$d/$name" ] && seeds+=("$top_srcdir/fuzz/$d/$name")
    done
    dict=()
    [ -f "$top_srcdir/fuzz/dict/$name.dict" ] && dict=(-dict="$top_srcdir/fuzz/dict/$name.dict")
    # The protocol's requests go up to 8192 bytes and past them.
    max_len=8192
    [ "$name" = protocol ] && max_len=20000
    limit=(-max_total_time="$secs")
    [ -n "${FUZZ_RUNS:-}" ] && limit+=(-runs="$FUZZ_RUNS")
    # A fixed seed makes a short run (CI's) repeat the same mutations, so
    # that it fails for a change, not by luck; long runs leave it unset.
    [ -n "${FUZZ_SEED:-}" ] && limit+=(-seed="$FUZZ_SEED")
    log=$out/$name.log
    rc=0
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
        UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        "$out/fuzz_$name" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=$max_len \
        "${dict[@]}" -artifact_prefix="$crashes/" -print_final_stats=1 ${FUZZ_FLAGS:-} \
        "$corpus" "${seeds[@]}" >"$log" 2>&1 || rc=$?
    execs=$(awk '/stat::number_of_executed_units:/ {n = $2} END {print n}' "$log")
    cov=$(awk '/^#[0-9]+.*cov: / {c = $0} END {print c}' "$log" | sed -E 's/.*(cov: [0-9]+ ft: [0-9]+).*/\1/')
    echo "fuzz_${name}_execs ${execs:-0} execs (${cov:-no coverage line})"
    if [ "$rc" -ne 0 ]; then
        status=1
        repro=$(awk '/Test unit written to / {r = $NF} END {print r}' "$log")
        echo "fuzz_$name: FAILED (exit $rc); reproducer: ${repro:-none written}; log: $log" >&2
        grep -E -A25 'ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|LeakSanitizer|libFuzzer)|invariant failed|runtime error' "$log" | head -40 >&2 || true
    fi
done
exit $status
