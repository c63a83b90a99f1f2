#!/usr/bin/env bash
# Bootstraps and builds libawsv2 out of tree: scripts/build.sh DIR [configure args...]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$1
shift
[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi >/dev/null)
mkdir -p "$dir"
cd "$dir"
# automake refuses to configure out of tree once the source tree itself has
# been configured (README's "Building" does that): say so, and how to undo it.
if [ -f "$top/config.status" ] && [ "$(pwd -P)" != "$(cd "$top" && pwd -P)" ] && [ ! -f Makefile ]; then
    echo "build.sh: $top is configured in place (./configure was run there), so it" >&2
    echo "cannot also be built out of tree in $dir. Either keep building in place" >&2
    echo "(make -C $top), or run 'make -C $top distclean' and then build.sh again." >&2
    exit 1
fi
[ -f Makefile ] || "$top/configure" -q "$@"
make -j"$(nproc)" >/dev/null
