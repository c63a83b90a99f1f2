#!/bin/sh
# Counts the Cortex-M3 instructions of the measurements in m3_bench.c.
# usage: m3-bench.sh ELF [SUFFIX]
# Environment: QEMU_ARM (qemu-system-arm), ARM_NM (arm-none-eabi-nm).
#
# QEMU runs the program with one instruction per translation block and
# logs every block it executes (-d exec,nochain), so the log has one line
# per instruction. A measurement is the lines from entering m3_mark_start
# to entering m3_mark_end, less the same count with nothing in between.
set -eu

elf=$1
suffix=${2:-}
qemu=${QEMU_ARM:-qemu-system-arm}
nm=${ARM_NM:-arm-none-eabi-nm}

log=$(mktemp)
err=$(mktemp)
trap 'rm -f "$log" "$err"' EXIT
trap 'exit 1' INT TERM

# QEMU 8.1 renamed -singlestep to -one-insn-per-tb.
if "$qemu" -help | grep -q -- -one-insn-per-tb; then
	one=-one-insn-per-tb
else
	one=-singlestep
fi

# Trace lines give the PC as 8 lower-case hex digits, as nm prints addresses
# (a Thumb function's odd address is rounded down to the instruction).
addr() {
	a=$("$nm" "$elf" | awk -v s="$1" '$3 == s { print $1 }')
	test -n "$a" || { echo "m3-bench: no symbol $1 in $elf" >&2; exit 1; }
	printf '%08x' $((0x$a & ~1))
}
start=$(addr m3_mark_start)
end=$(addr m3_mark_end)

timeout 300 "$qemu" -M lm3s6965evb -nographic \
	-semihosting-config enable=on,target=native $one \
	-d exec,nochain -D "$log" -kernel "$elf" >/dev/null 2>"$err" ||
	{ cat "$err" >&2; echo "m3-bench: $elf failed under QEMU" >&2; exit 1; }

awk -v start="$start" -v end="$end" -v suffix="$suffix" '
/^Trace / {
	split($0, f, "[[/]")
	pc = f[3]
	if (pc == start && !on) { on = 1; n = 0 }
	if (pc == end && on) { count[k++] = n; on = 0 }
	n++
}
END {
	if (k != 9) { print "m3-bench: expected 9 measurements, found " k > "/dev/stderr"; exit 1 }
	base = count[0]
	if (count[2] - count[1] != 2000) {
		print "m3-bench: counting is off: a 1000-iteration, 2-instruction loop counted " \
			count[2] - count[1] > "/dev/stderr"
		exit 1
	}
	printf "hmac_sha1_1k_instructions%s %d instructions\n", suffix, count[3] - base
	printf "hmac_sha256_1k_instructions%s %d instructions\n", suffix, count[4] - base
	printf "m3_sigv4_signing_key%s %d instructions\n", suffix, count[5] - base
	printf "m3_sigv4_describe_instances_12p_cold%s %d instructions\n", suffix, count[6] - base
	printf "m3_sigv4_describe_instances_12p%s %d instructions\n", suffix, count[7] - base
	printf "m3_policy_check%s %d instructions\n", suffix, count[8] - base
}' "$log"
