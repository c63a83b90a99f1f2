#!/usr/bin/env bash
# Every option a program's --help lists is in its man page: the pages keep
# up with the programs. Reads the scdoc sources, where options are written
# *--name*.
set -euo pipefail
: "${top_srcdir:?}" "${top_builddir:?}"
fail=0
check() {
    local prog=$1 page=$2 opt
    [ -f "$top_srcdir/man/$page.scd" ] || { echo "no man/$page.scd for $prog"; fail=1; return; }
    "$top_builddir/$prog" --help > /dev/null 2>&1 || { echo "$prog --help failed"; fail=1; return; }
    local n=0
    for opt in $("$top_builddir/$prog" --help 2>&1 | grep -oE -- '(^|[^a-zA-Z0-9_-])--[a-z0-9][a-z0-9-]*' |
                 grep -oE -- '--[a-z0-9-]+' | sort -u); do
        n=$((n + 1))
        if ! grep -qF -- "*$opt*" "$top_srcdir/man/$page.scd"; then
            echo "man/$page.scd does not describe $opt, which $prog --help lists"
            fail=1
        fi
    done
    [ "$n" -gt 0 ] || { echo "$prog --help lists no option"; fail=1; }
    echo "$page: $n options of --help"
}
check examples/ec2-describe/ec2-describe-instances ec2-describe-instances.1
check examples/sqs-send/sqs-send sqs-send.1
check tools/awsv2-sign awsv2-sign.1
check tools/awsv2-keys awsv2-keys.1
check awsv2-due-emu awsv2-due-emu.1
check awsv2-mock awsv2-mock.1
check daemon/awsv2-hsmd awsv2-hsmd.8
# Every installed program has its page (a new program needs one).
for p in $(sed -n 's/^bin_PROGRAMS += //p' "$top_srcdir"/*/local.mk "$top_srcdir"/Makefile.am 2>/dev/null); do
    name=${p##*/}
    ls "$top_srcdir/man/$name".[18].scd > /dev/null 2>&1 || { echo "$name has no man page"; fail=1; }
done
exit $fail
