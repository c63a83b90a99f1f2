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
grep -q 'delete it first (awsv2-keys delete AKIAIOSFODNN7EXAMPLE)' "$T/err" ||
    fail "key-exists gives no advice: $(cat "$T/err")"

# A key id is checked before anything is opened or read (the device here
# does not exist), and not echoed: it might be a secret in the wrong place.
printf '%s\n' "$SECRET" | expect_exit 2 "$KEYS" --signer "due:$T/nonexistent" put akiaiosfodnn7example
grep -q 'A-Z and 0-9' "$T/err" || fail "bad key id: $(cat "$T/err")"
grep -q akiaiosfodnn7example "$T/err" && fail "the bad key id was echoed"
expect_exit 2 "$KEYS" --signer "due:$T/nonexistent" delete "AKIA/EXAMPLE"
# Options that mean nothing for awsv2-keys are refused, and not in --help.
for opt in --region=us-east-1 --endpoint=http://127.0.0.1:1/ --access-key-id=AKIAIOSFODNN7EXAMPLE; do
    expect_exit 2 "$KEYS" $DUE "$opt" list
done
expect_exit 0 "$KEYS" --help
grep -q -e '--region' -e '--endpoint' -e '--access-key-id' "$T/out" &&
    fail "awsv2-keys --help lists options it does not take"

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
