#!/bin/sh
# awsv2-keys against awsv2-due-emu: put, list, delete, lock, refusal after
# lock, keys persisting across a restart, and no secret ever printed.
. "$top_srcdir/tests/due/lib.sh"

SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
SECRET2=je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY
start_emu emu --keystore "$T/keystore"
DUE="--signer due:$PTY"

expect_exit 0 "$KEYS" $DUE list
[ ! -s "$T/out" ] || fail "a new device lists keys: $(cat "$T/out")"

printf '%s\n' "$SECRET" | expect_exit 0 "$KEYS" $DUE put AKIAIOSFODNN7EXAMPLE
expect_exit 0 "$KEYS" $DUE list
[ "$(cat "$T/out")" = AKIAIOSFODNN7EXAMPLE ] || fail "list after put: $(cat "$T/out")"

# The stored secret is the right one: the device signs as OpenSSL does.
# (Options before the URL: what follows it are the request's parameters.)
SIGN="$top_builddir/tools/awsv2-sign --timestamp 2026-11-21T12:00:00Z --print signature"
REQ="https://ec2.amazonaws.com/ Action=DescribeInstances"
if [ -x "$top_builddir/tools/awsv2-sign" ]; then
    want=$(env AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=$SECRET $SIGN --signer openssl $REQ)
    got=$(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_SHARED_CREDENTIALS_FILE=/nonexistent $SIGN $DUE $REQ)
    [ -n "$want" ] && [ "$want" = "$got" ] || fail "device signature '$got' is not '$want'"
fi

printf '%s\n' "$SECRET" | expect_exit 3 "$KEYS" $DUE put AKIAIOSFODNN7EXAMPLE
grep -q key-exists "$T/err" || fail "second put: $(cat "$T/err")"

expect_exit 0 "$KEYS" $DUE put --from-credentials "$T/credentials" --profile other
expect_exit 0 "$KEYS" $DUE list
[ "$(sort "$T/out" | tr '\n' ' ')" = "AKIAI44QH8DHBEXAMPLE AKIAIOSFODNN7EXAMPLE " ] ||
    fail "list with two keys: $(cat "$T/out")"

expect_exit 0 "$KEYS" $DUE delete AKIAI44QH8DHBEXAMPLE
expect_exit 3 "$KEYS" $DUE delete AKIAI44QH8DHBEXAMPLE
grep -q unknown-awsaccesskey "$T/err" || fail "delete of a missing key: $(cat "$T/err")"

# Usage errors: no command, a secret on the command line, not a device.
expect_exit 2 "$KEYS" $DUE
expect_exit 2 "$KEYS" $DUE put AKIAI44QH8DHBEXAMPLE "$SECRET2"
expect_exit 2 "$KEYS" --signer openssl list
expect_exit 3 "$KEYS" --signer "due:$T/nonexistent" list

# Keys persist in the keystore across a restart (a power cycle).
stop_emu
start_emu emu2 --keystore "$T/keystore"
DUE="--signer due:$PTY"
expect_exit 0 "$KEYS" $DUE list
[ "$(cat "$T/out")" = AKIAIOSFODNN7EXAMPLE ] || fail "list after restart: $(cat "$T/out")"

expect_exit 0 "$KEYS" $DUE lock
printf '%s\n' "$SECRET2" | expect_exit 3 "$KEYS" $DUE put AKIAI44QH8DHBEXAMPLE
grep -q locked "$T/err" || fail "put after lock: $(cat "$T/err")"
expect_exit 0 "$KEYS" $DUE list
[ "$(cat "$T/out")" = AKIAIOSFODNN7EXAMPLE ] || fail "list after lock: $(cat "$T/out")"

# No secret anywhere in what the programs printed.
cat "$T"/*.err >> "$T/printed"
if grep -q -e "$SECRET" -e "$SECRET2" "$T/printed"; then
    fail "a secret was printed"
fi
echo "PASS: awsv2-keys"
