#!/bin/sh
# Runs the Cortex-M3 vector suite under QEMU (make check). It passes when
# the program exits 0 and said "all passed", so a QEMU that ignores the
# semihosting exit call cannot pass it by accident.
# Environment: QEMU_ARM (qemu-system-arm), top_builddir.
set -u

elf=${top_builddir:-.}/firmware/m3/m3-vectors.elf
qemu=${QEMU_ARM:-qemu-system-arm}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
trap 'exit 1' INT TERM

# The program's output goes to a file of its own (QEMU would otherwise mix
# it into its standard error); the timeout covers a program that faults into
# a loop or never exits.
timeout 120 "$qemu" -M lm3s6965evb -nographic \
	-semihosting-config enable=on,target=native,chardev=out \
	-chardev file,id=out,path="$out" -kernel "$elf" </dev/null
status=$?
cat "$out"
if test $status -eq 124; then
	echo "m3-test: timed out" >&2
	exit 1
fi
test $status -eq 0 && grep -q '^m3 vectors: all passed$' "$out"
