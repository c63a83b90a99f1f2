#!/bin/sh
# The programs through the original firmware (hsm-standin, the sketch of the
# hack this project grew from, on a pty) against awsv2-mock, with no secret
# on the host and the key id from the host: ec2-describe-instances lists
# what the openssl signer lists, sqs-send sends, awsv2-sign's signature is
# Python's HMAC-SHA1; HmacSHA1 is the default such a signer picks; what the
# firmware cannot do is refused, naming it; --debug says once what signs.
# Also the advice for a serial device the user may not open.
. "$top_srcdir/tests/due/lib.sh"

MOCK=$top_builddir/awsv2-mock
EC2=$top_builddir/examples/ec2-describe/ec2-describe-instances
SQS=$top_builddir/examples/sqs-send/sqs-send
SIGN=$top_builddir/tools/awsv2-sign
DRAIN=$top_builddir/tests/client/sqs-drain
STANDIN=$top_builddir/tests/legacy/hsm-standin
for p in "$MOCK" "$EC2" "$SQS" "$SIGN" "$DRAIN" "$STANDIN"; do
    [ -x "$p" ] || { echo "SKIP: $p not built"; exit 77; }
done

printf 'AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' > "$T/keys"
start mock "$MOCK" --port 0 --credentials "$T/credentials"
URL=$LINE
start standin "$STANDIN" --keys "$T/keys"
PTY=$LINE

# No credentials at all on the host side.
host() {
    env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
        -u AWSV2_SIGNER -u AWSV2_SIGNATURE_VERSION AWS_SHARED_CREDENTIALS_FILE="$T/none" \
        AWS_CONFIG_FILE="$T/none" "$@"
}
ec2() {
    host "$EC2" --signer "due:$PTY?timeout_ms=5000" --endpoint "$URL" --region us-east-1 "$@"
}

# What the mock holds, listed with the secret in process.
AWS_SHARED_CREDENTIALS_FILE="$T/credentials" AWS_CONFIG_FILE="$T/none" \
    expect_exit 0 "$EC2" --signer openssl --endpoint "$URL" --region us-east-1
cp "$T/out" "$T/want"
[ -s "$T/want" ] || fail "the openssl signer listed nothing"

# The issue's case: HmacSHA1 asked for, the key id given on the host.
expect_exit 0 ec2 --signature-method HmacSHA1 --access-key-id AKIAIOSFODNN7EXAMPLE --debug
cmp -s "$T/out" "$T/want" || fail "listing differs: $(diff "$T/want" "$T/out")"
grep -q 'SignatureMethod=HmacSHA1' "$T/err" || fail "not HmacSHA1: $(cat "$T/err")"
[ "$(grep -c 'original-firmware' "$T/err")" = 1 ] ||
    fail "--debug does not say once that the original firmware signs: $(cat "$T/err")"

# Nothing asked for: the signer's choice is HmacSHA1; the key id from the
# environment (credentials without a secret).
expect_exit 0 host env AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE "$EC2" --signer "due:$PTY" \
    --endpoint "$URL" --region us-east-1 --debug
cmp -s "$T/out" "$T/want" || fail "listing differs: $(diff "$T/want" "$T/out")"
grep -q 'SignatureMethod=HmacSHA1' "$T/err" || fail "default not HmacSHA1: $(cat "$T/err")"

# sqs-send signs its POST the same way.
QUEUE=$(AWS_SHARED_CREDENTIALS_FILE="$T/credentials" timeout 20 "$DRAIN" create "$URL" legacy) ||
    fail "CreateQueue failed"
expect_exit 0 host "$SQS" --signer "due:$PTY" --access-key-id AKIAIOSFODNN7EXAMPLE \
    --endpoint "$URL" --region us-east-1 --queue-url "$QUEUE" "from the original firmware"
[ -s "$T/out" ] || fail "sqs-send printed no MessageId"
mkdir "$T/messages"
AWS_SHARED_CREDENTIALS_FILE="$T/credentials" timeout 20 "$DRAIN" drain "$URL" "$QUEUE" \
    "$T/messages" > "$T/drained" || fail "drain failed"
[ "$(cat "$T/drained")" = 1 ] || fail "drained $(cat "$T/drained") messages, not 1"
[ "$(cat "$T/messages/$(cat "$T/out")")" = "from the original firmware" ] ||
    fail "the message did not arrive as sent"

# awsv2-sign: Python's HMAC-SHA1 of the string to sign is the signature.
sign() {
    host "$SIGN" --signer "due:$PTY" --access-key-id AKIAIOSFODNN7EXAMPLE \
        --timestamp 2026-11-21T12:00:00Z "$@" http://127.0.0.1:8080/ \
        Action=DescribeInstances Version=2012-12-01
}
expect_exit 0 sign --print string-to-sign
cp "$T/out" "$T/sts"
expect_exit 0 sign --print signature
want=$(python3 -c '
import base64, hashlib, hmac, sys
sts = open(sys.argv[1], "rb").read()[:-1]
print(base64.b64encode(hmac.new(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", sts,
                                hashlib.sha1).digest()).decode())' "$T/sts")
[ "$(cat "$T/out")" = "$want" ] || fail "signature $(cat "$T/out"), Python says $want"

# Refusals, before anything is sent, naming the firmware.
expect_exit 3 ec2 --signature-method HmacSHA256 --access-key-id AKIAIOSFODNN7EXAMPLE
grep -q 'original firmware.*HmacSHA1 only' "$T/err" || fail "HmacSHA256: $(cat "$T/err")"
grep -q '^ec2-describe-instances: ' "$T/err" || fail "not prefixed: $(cat "$T/err")"
expect_exit 3 ec2 --signature-version 4 --access-key-id AKIAIOSFODNN7EXAMPLE
grep -q 'original firmware.*Signature Version 4' "$T/err" || fail "SigV4: $(cat "$T/err")"
expect_exit 2 ec2 --signature-version 4 --signature-method HmacSHA1 \
    --access-key-id AKIAIOSFODNN7EXAMPLE
grep -q 'HMAC-SHA256 only' "$T/err" || fail "HmacSHA1 with SigV4: $(cat "$T/err")"
expect_exit 2 ec2 --signature-method HmacMD5
expect_exit 3 ec2
grep -q 'no access key id.*--access-key-id.*original firmware.*cannot list its keys' "$T/err" ||
    fail "no key id: $(cat "$T/err")"
expect_exit 3 host "$KEYS" --signer "due:$PTY" list
grep -q 'original firmware' "$T/err" || fail "awsv2-keys list: $(cat "$T/err")"
# Still in step after the refusals.
expect_exit 0 ec2 --access-key-id AKIAIOSFODNN7EXAMPLE
cmp -s "$T/out" "$T/want" || fail "listing differs after the refusals"

# Permission denied names the dialout group and the udev rule. Root opens
# anything: then the program runs as nobody, if setpriv can make it so.
start standin2 "$STANDIN" --keys "$T/keys"
PTY2=$LINE
as_user=
if [ "$(id -u)" = 0 ]; then
    if command -v setpriv > /dev/null; then
        as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
        chmod 0600 "$PTY2"
    fi
else
    chmod 0 "$PTY2"
fi
if [ "$(id -u)" != 0 ] || [ -n "$as_user" ]; then
    rc=0
    $as_user env -u AWSV2_SIGNER HOME=/nonexistent AWS_CONFIG_FILE=/nonexistent/c \
        AWS_SHARED_CREDENTIALS_FILE=/nonexistent/c "$SIGN" --signer "due:$PTY2" \
        --access-key-id AKIAIOSFODNN7EXAMPLE --print string-to-sign http://127.0.0.1:8080/ \
        Action=A > /dev/null 2> "$T/err" || rc=$?
    if grep -q "$PTY2.*Permission denied" "$T/err"; then
        [ "$rc" = 3 ] || fail "permission denied exited $rc"
        grep -q "dialout" "$T/err" && grep -q "60-awsv2-due.rules" "$T/err" ||
            fail "no advice for permission denied: $(cat "$T/err")"
    elif [ -z "$as_user" ]; then
        fail "permission denied not reported: $(cat "$T/err")"
    else
        echo "note: nobody cannot run the build's programs here; permission test skipped"
    fi
fi
echo "PASS: the programs through the original firmware"
