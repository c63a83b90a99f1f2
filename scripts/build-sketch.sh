#!/usr/bin/env bash
# Builds the Due sketch (firmware/hsm) with arduino-cli:
#   scripts/build-sketch.sh [OUTPUT_DIR]     (default: build-sketch/)
# and leaves hsm.ino.bin there, the image bossac writes (firmware/README.md,
# "Build and flash"). Exits 77 (automake's "skipped") when arduino-cli or the
# arduino:sam core is not installed, saying how to get them; it downloads
# nothing itself. AWSV2_SKETCH_FQBN picks the board (default: the Due's
# programming port).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# In the tree: scripts/../firmware/hsm; installed by awsv2-due-firmware: beside it.
sketch=$here/../firmware/hsm
[ -f "$sketch/hsm.ino" ] || sketch=$here/hsm
[ -f "$sketch/hsm.ino" ] || { echo "build-sketch: no hsm.ino beside $0" >&2; exit 2; }
out=${1:-build-sketch}
fqbn=${AWSV2_SKETCH_FQBN:-arduino:sam:arduino_due_x_dbg}

if ! command -v arduino-cli > /dev/null; then
    cat >&2 <<'MSG'
build-sketch: arduino-cli is not installed, so the sketch was not built.
Install it (https://arduino.github.io/arduino-cli/latest/installation/), then:
    arduino-cli core update-index && arduino-cli core install arduino:sam
MSG
    exit 77
fi
if ! arduino-cli core list 2>/dev/null | grep -q '^arduino:sam '; then
    echo "build-sketch: the Due's core is not installed: arduino-cli core update-index && arduino-cli core install arduino:sam" >&2
    exit 77
fi

mkdir -p "$out"
# arduino-cli insists that the sketch's folder is named after its .ino: copy
# it, so that a read-only or installed copy builds too.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R "$sketch" "$work/hsm"
arduino-cli compile --fqbn "$fqbn" --warnings all --build-path "$work/build" "$work/hsm"
cp "$work/build/hsm.ino.bin" "$out/"
echo "build-sketch: $out/hsm.ino.bin (for $fqbn)"
