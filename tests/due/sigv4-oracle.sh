#!/bin/sh
# SigV4 against botocore (tests/core/sigv4-oracle.sh, fewer requests) signed
# by a device holding AWS's example key, the host holding no secret: through
# due: (awsv2-due-emu), or with the argument "http" through http:// ->
# awsv2-hsmd -> awsv2-due-emu (tests/hsmd/sigv4-oracle.sh). A device whose
# secret for that key id differs by one character must make it fail.
. "${top_srcdir:?run me through make check}/tests/due/lib.sh"

via=${1:-due}
HSMD=$top_builddir/daemon/awsv2-hsmd
[ "$via" = due ] || [ -x "$HSMD" ] || { echo "SKIP: $HSMD not built"; exit 77; }

oracle() {
    rc=0
    SIGV4_ORACLE_SIGNER=$SIGNER SIGV4_ORACLE_COUNT=$1 SIGV4_ORACLE_CLI_COUNT=$2 \
        timeout 120 sh "$top_srcdir/tests/core/sigv4-oracle.sh" > "$T/out" 2> "$T/err" || rc=$?
    cat "$T/out"
}

device good wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
oracle 500 10
[ "$rc" = 77 ] && exit 77
[ "$rc" = 0 ] || fail "botocore disagrees through $via (exit $rc): $(head -c 3000 "$T/err")"
grep -q ' 510 requests compared with botocore, 0 mismatches$' "$T/out" ||
    fail "not 510 requests compared: $(cat "$T/out")"

device tampered wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ
oracle 20 2
[ "$rc" = 1 ] || fail "a device with another secret: exit $rc, not 1: $(head -c 3000 "$T/err")"
grep -q '^MISMATCH (signature)' "$T/err" || fail "no signature mismatch: $(head -c 3000 "$T/err")"
grep -q ' 22 requests compared with botocore, [1-9][0-9]* mismatches$' "$T/out" ||
    fail "not 22 requests compared: $(cat "$T/out")"
echo "PASS: SigV4 against botocore through $via"
