#!/bin/sh
# Counts the instructions of one SigV2 signature under callgrind, and how
# many of them are libawsv2's own (everything but libcrypto).
# usage: callgrind.sh AWSV2_BENCH [ITERATIONS]
#
# Method: "awsv2-bench sign -n N" signs the request N times in count_sign,
# then runs N bare keyed HMACs in count_bare_hmac. Each loop is counted in a
# run of its own (--toggle-collect=FUNCTION: nothing before or after it).
# The whole request is the run's total over N. libcrypto's share is the
# inclusive cost of every call from outside libcrypto into it (EVP_MAC_*,
# base64, and whatever libc they call in turn); our own instructions are the
# rest: the library's code and the libc calls it makes (memcpy, strlen...).
set -eu

bench=$1
n=${2:-2000}
valgrind=${VALGRIND:-valgrind}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
trap 'exit 1' INT TERM

# run FUNCTION: the instructions counted in FUNCTION, and libcrypto's share,
# as "total libcrypto".
run() {
	"$valgrind" --tool=callgrind --callgrind-out-file="$out" --toggle-collect="$1" \
		"$bench" sign -n "$n" >/dev/null 2>&1 ||
		{ echo "callgrind.sh: $bench sign -n $n failed under callgrind" >&2; exit 1; }
	# The callgrind format names each object once as "ob=(id) path" and
	# later by "(id)" alone; a call's object is cob= if given, else the
	# caller's. The line after "calls=" is that call's inclusive cost.
	awk '
	function obj(s,   id) {
		if (match(s, /^\([0-9]+\)/)) {
			id = substr(s, 1, RLENGTH)
			if (length(s) > RLENGTH)
				names[id] = substr(s, RLENGTH + 2)
			return names[id]
		}
		return s
	}
	/^summary:/ { total = $2 }
	/^ob=/ { ob = obj(substr($0, 4)); cob = ob; next }
	/^fl=|^fn=/ { cob = ob; next }
	/^cob=/ { cob = obj(substr($0, 5)); next }
	/^calls=/ { incall = 1; next }
	incall {
		if (ob !~ /libcrypto/ && cob ~ /libcrypto/)
			crypto += $NF
		incall = 0
		cob = ob
	}
	END { printf "%d %d\n", total, crypto }' "$out"
}

set -- $(run count_sign)
total=$1 crypto=$2
set -- $(run count_bare_hmac)
bare=$1
awk -v n="$n" -v t="$total" -v c="$crypto" -v b="$bare" 'BEGIN {
	printf "sign_instructions %.0f instructions\n", t / n
	printf "sign_libcrypto_instructions %.0f instructions\n", c / n
	printf "sign_own_instructions %.0f instructions\n", (t - c) / n
	printf "hmac_sha256_bare_instructions %.0f instructions\n", b / n
	printf "sign_own_instructions_goal 4000 instructions\n"
}'
