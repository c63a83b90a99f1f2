#!/usr/bin/env bash
# make check: runs every fuzz harness, built with the configured compiler
# and fuzz/replay_main.c (fuzz/replay-NAME), over its seed corpus
# (fuzz/corpus/NAME/) and its regressions (fuzz/regressions/NAME/: inputs
# that once crashed or broke an invariant). A harness of a backend
# configured out is not built and is skipped.
set -u
: "${top_srcdir:?run from make check}" "${top_builddir:?run from make check}"
status=0 ran=0
for dir in "$top_srcdir"/fuzz/corpus/*/; do
    name=$(basename "$dir")
    bin=$top_builddir/fuzz/replay-$name
    if [ ! -x "$bin" ]; then
        echo "skip $name: $bin not built (its backend is configured out)"
        continue
    fi
    files=("$dir"*)
    [ -d "$top_srcdir/fuzz/regressions/$name" ] && files+=("$top_srcdir/fuzz/regressions/$name"/*)
    if "$bin" "${files[@]}"; then
        echo "ok $name: ${#files[@]} inputs"
    else
        echo "FAIL $name: one of ${#files[@]} inputs broke it (run $bin FILE on each to find which)"
        status=1
    fi
    ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || { echo "no harness ran"; exit 1; }
exit $status
