#!/usr/bin/env bash
# The ABI check of libawsv2.so (Debian's abigail-tools: abidw, abidiff).
#
#   scripts/abi-check.sh check BUILD_DIR  compares BUILD_DIR's libawsv2.so with
#                                         the baseline abi/libawsv2.abi (make abi-check)
#   scripts/abi-check.sh dump BUILD_DIR   rewrites the baseline: for a release, or a
#                                         deliberate ABI change (make abi-dump)
#   scripts/abi-check.sh selftest         proves the policy below on small libraries
#
# The library must be built with -g: abidw reads the types from DWARF.
#
# The policy. abidiff sets bit 8 (ABIDIFF_ABI_INCOMPATIBLE_CHANGE) only
# for a removed symbol; any other change, a struct's layout as much as an
# added function, is bit 4 (ABIDIFF_ABI_CHANGE). So abidiff runs without
# the additions (--no-added-syms), reporting each changed type once
# (--leaf-changes-only), and the check fails on bit 8 or bit 4, except for
# the growth the ABI rule allows:
#   - compatible: a new function; a new enumerator at the end of an enum
#     (abidiff's "harmless" changes, never reported); members added at the
#     end of a struct that may grow, making it larger: one whose first
#     member is `size_t size;` (found in the headers), or one abi/growable
#     lists (allocated by the library only, reached through pointers);
#   - incompatible: a removed or renamed function, a changed signature, a
#     struct member removed, moved or retyped, a frozen struct that grew, a
#     sized struct that gained a member without growing (old callers' size
#     would claim it), enumerators renumbered.
# libabigail's own suppression of end-growth (has_data_member_inserted_at)
# also hides a retyped member, so that growth is checked here instead: a
# growable struct's report may hold only its size change and insertions at
# or past its old end.
# Types defined outside the public headers (the opaque structs' insides)
# are not part of the ABI (--headers-dir, --drop-private-types).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
baseline=$top/abi/libawsv2.abi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

die() {
    echo "abi-check: $*" >&2
    exit 2
}

command -v abidiff >/dev/null && command -v abidw >/dev/null ||
    die "abidw and abidiff are needed. On Debian: apt-get install abigail-tools"

# abi_dump LIB HEADERS_DIR OUT: the ABI of LIB as abidw's XML, without the
# build's paths (a baseline made in one tree compares with another's, and
# names no machine's folders).
abi_dump() {
    readelf -S --wide "$1" | grep -q '\.debug_info' ||
        die "$1 has no debug information: build with CFLAGS=-g"
    abidw --no-corpus-path --no-comp-dir-path --no-show-locs \
        --headers-dir "$2" --drop-private-types --out-file "$3.tmp" "$1"
    sed -e "s|path='$top/|path='|" "$3.tmp" >"$3"
    rm -f "$3.tmp"
}

# growable HEADERS_DIR [LIST]: the structs that may grow at their end, as
# "a|b|c": those of the headers whose first member is `size_t size;`, and
# those LIST names (one a line, # comments).
growable() {
    {
        awk '/^typedef struct [a-z0-9_]+ \{$/ { name = $3; getline;
             if ($0 ~ /^ +size_t size;/) print name }' "$1"/*.h
        [ -z "${2:-}" ] || sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$2"
    } | tr -d ' \t' | sort -u | paste -sd'|'
}

# Reads abidiff's leaf report; prints and fails on any change to a
# growable struct (names: the regexp re) but a size change and members
# inserted at or past the old size.
read -r -d '' end_growth_only <<'AWK' || true
/^'struct [A-Za-z0-9_]+' changed:$/ {
    name = $2
    gsub(/'/, "", name)
    growable = name ~ re
    old = -1
    next
}
/^[^ ]/ { growable = 0; next }
growable && /^  type size changed from [0-9]+ to [0-9]+ \(in bits\)$/ && $7 + 0 > $5 + 0 {
    old = $5 + 0
    next
}
growable && /^  [0-9]+ data member insertions?:$/ { next }
growable && /, at offset [0-9]+ \(in bits\)$/ && old >= 0 && $(NF - 2) + 0 >= old { next }
growable {
    print "abi-check: not a growth at the end of struct " name ": " $0
    bad = 1
}
END { exit bad }
AWK

# compare OLD.abi NEW.abi HEADERS_DIR [GROWABLE_LIST]: 0 when NEW can
# replace OLD, 1 when not; the report goes to stdout.
compare() {
    local old=$1 new=$2 names rc=0
    names=$(growable "$3" "${4:-}")
    # The suppression hides the growable structs' reports (checked below)
    # and leaves every other change to abidiff's verdict.
    if [ -n "$names" ]; then
        printf '[suppress_type]\n  type_kind = struct\n  name_regexp = ^(%s)$\n' "$names"
        printf '  has_data_member_inserted_at = end\n  has_size_change = yes\n'
    fi >"$work/growable.suppr"
    abidiff --leaf-changes-only --no-added-syms --suppressions "$work/growable.suppr" \
        "$old" "$new" || rc=$?
    [ $((rc & 3)) -eq 0 ] || die "abidiff failed (exit $rc)"
    if [ $((rc & 12)) -ne 0 ]; then
        echo "abi-check: INCOMPATIBLE change (abidiff exit $rc): see above"
        return 1
    fi
    rc=0
    abidiff --leaf-changes-only --no-added-syms "$old" "$new" >"$work/leaves" || rc=$?
    [ $((rc & 3)) -eq 0 ] || die "abidiff failed (exit $rc)"
    if ! awk -v re="^($names)\$" "$end_growth_only" "$work/leaves"; then
        echo "abi-check: INCOMPATIBLE change of a struct that may only grow at its end"
        return 1
    fi
    # What was added, for the log; it never fails the check.
    abidiff --leaf-changes-only "$old" "$new" | grep -E '^ *\[A\]|Added' || true
    return 0
}

library() {
    local lib=$1/.libs/libawsv2.so
    [ -e "$lib" ] || die "no $lib: build first (make -C $1)"
    readlink -f "$lib"
}

selftest() {
    local d=$work/selftest rc
    mkdir -p "$d/h"
    # The first release: a sized struct, a frozen one, an enum, three calls.
    cat >"$d/h/t.h" <<'EOF'
#include <stddef.h>
typedef enum t_status { T_OK, T_E_ONE, T_E_TWO } t_status;
typedef struct t_pair {
    int a;
    int b;
} t_pair;
typedef struct t_options {
    size_t size;
    int retries;
    const t_pair *pairs;
} t_options;
t_status t_open(const t_options *o);
int t_sum(const t_pair *p);
int t_twice(int x);
EOF
    local base='
t_status t_open(const t_options *o) { return o->retries ? T_OK : T_E_ONE; }
int t_sum(const t_pair *p) { return p->a + p->b; }
'
    local twice='int t_twice(int x) { return 2 * x; }'
    # name, expected outcome (0 compatible, 1 not), header edit, extra source
    local -a cases=(
        "same|0||$twice"
        "function-added|0||$twice int t_thrice(int x) { return 3 * x; }"
        "enumerator-appended|0|s/T_E_TWO }/T_E_TWO, T_E_THREE }/|$twice"
        "sized-struct-grown-at-end|0|s/const t_pair \*pairs;/const t_pair *pairs; long timeout;/|$twice"
        "function-removed|1||"
        "frozen-struct-grown|1|s/int b;/int b; int c;/|$twice"
        "struct-member-retyped|1|s/int a;/long a;/|$twice"
        "sized-struct-member-inserted|1|s/size_t size;/size_t size; int flags;/|$twice"
        "sized-struct-member-retyped|1|s/int retries;/long retries;/|$twice"
        "sized-struct-member-resigned|1|s/int retries;/unsigned retries;/|$twice"
        "sized-struct-padding-used|1|s/int retries;/int retries; int flags;/|$twice"
        "enumerators-renumbered|1|s/T_OK, /T_OK, T_E_ZERO, /|$twice"
    )
    build() { # DIR HEADER_SED EXTRA
        mkdir -p "$1"
        sed -e "${2:-s/^//}" "$d/h/t.h" >"$1/t.h"
        printf '#include "t.h"\n%s\n%s\n' "$base" "$3" >"$1/t.c"
        cc -g -O2 -shared -fPIC -o "$1/libt.so" "$1/t.c"
    }
    build "$d/v0" "" "$twice"
    abi_dump "$d/v0/libt.so" "$d/v0" "$d/v0.abi"
    for c in "${cases[@]}"; do
        IFS='|' read -r name want edit extra <<<"$c"
        build "$d/$name" "$edit" "$extra"
        abi_dump "$d/$name/libt.so" "$d/$name" "$d/$name.abi"
        rc=0
        compare "$d/v0.abi" "$d/$name.abi" "$d/$name" >"$d/$name.log" || rc=$?
        if [ "$rc" -ne "$want" ]; then
            cat "$d/$name.log" >&2
            echo "abi-check selftest: $name: got $rc, want $want" >&2
            return 1
        fi
        echo "abi-check selftest: $name: $([ "$want" -eq 0 ] && echo compatible || echo incompatible) as expected"
    done
}

case ${1:-} in
check)
    [ $# -eq 2 ] || die "usage: $0 check BUILD_DIR"
    [ -f "$baseline" ] || die "no baseline $baseline: make abi-dump"
    lib=$(library "$2")
    abi_dump "$lib" "$top/include/awsv2" "$work/current.abi"
    if compare "$baseline" "$work/current.abi" "$top/include/awsv2" "$top/abi/growable"; then
        echo "abi-check: $(basename "$lib") is compatible with abi/libawsv2.abi"
    else
        echo "abi-check: if the change is deliberate, bump AWSV2_LT_VERSION in configure.ac" \
            "and run make abi-dump" >&2
        exit 1
    fi
    ;;
dump)
    [ $# -eq 2 ] || die "usage: $0 dump BUILD_DIR"
    lib=$(library "$2")
    abi_dump "$lib" "$top/include/awsv2" "$baseline"
    echo "abi-check: wrote abi/libawsv2.abi from $lib"
    ;;
selftest)
    selftest
    ;;
*)
    die "usage: $0 check BUILD_DIR | dump BUILD_DIR | selftest"
    ;;
esac
