#!/bin/sh
# The programs through pkcs11: on a SoftHSM2 token the test makes:
# awsv2-keys put/list/delete; ec2-describe-instances and sqs-send (SigV2
# and SigV4) against awsv2-mock with no secret on the host; awsv2-hsmd
# signing with a pkcs11: signer; each refusal (wrong PIN, missing token,
# missing object, unknown key id) exit 3 with a
# message naming it; and neither the secret nor the PIN in anything printed.
. "${top_srcdir:?run me through make check}/tests/pkcs11/lib.sh"

MOCK=$top_builddir/awsv2-mock
HSMD=$top_builddir/daemon/awsv2-hsmd
EC2=$top_builddir/examples/ec2-describe/ec2-describe-instances
SQS=$top_builddir/examples/sqs-send/sqs-send
DRAIN=$top_builddir/tests/client/sqs-drain
for p in "$MOCK" "$HSMD" "$EC2" "$SQS" "$KEYS" "$DRAIN"; do
    [ -x "$p" ] || fail "$p not built"
done

# Keys: put (secret on stdin), list, refusal of a second put, delete.
expect_exit 0 "$KEYS" --signer "$SPEC" list
[ ! -s "$T/out" ] || fail "a new token lists keys: $(cat "$T/out")"
printf '%s\n' "$SECRET" | expect_exit 0 "$KEYS" --signer "$SPEC" put AKIAIOSFODNN7EXAMPLE
printf '%s\n' je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY |
    expect_exit 0 "$KEYS" --signer "$SPEC" put AKIAI44QH8DHBEXAMPLE
expect_exit 0 "$KEYS" --signer "$SPEC" list
[ "$(sort "$T/out" | tr '\n' ' ')" = "AKIAI44QH8DHBEXAMPLE AKIAIOSFODNN7EXAMPLE " ] ||
    fail "list with two keys: $(cat "$T/out")"
printf '%s\n' "$SECRET" | expect_exit 3 "$KEYS" --signer "$SPEC" put AKIAIOSFODNN7EXAMPLE
grep -q 'already holds a key' "$T/err" || fail "second put: $(cat "$T/err")"
expect_exit 0 "$KEYS" --signer "$SPEC" delete AKIAI44QH8DHBEXAMPLE
expect_exit 3 "$KEYS" --signer "$SPEC" delete AKIAI44QH8DHBEXAMPLE
grep -q 'holds no key labelled' "$T/err" || fail "delete of a missing key: $(cat "$T/err")"
expect_exit 0 "$KEYS" --signer "$SPEC" list
[ "$(cat "$T/out")" = AKIAIOSFODNN7EXAMPLE ] || fail "list after delete: $(cat "$T/out")"

cat > "$T/credentials" <<CREDS
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = $SECRET
CREDS
start mock "$MOCK" --port 0 --verbose --credentials "$T/credentials"; URL=$LINE
rm "$T/credentials"

# run PROGRAM SIGNER ARGS...: no key, secret or configuration of the host's;
# the key id comes from the token, its only key.
run() {
    prog=$1; signer=$2; shift 2
    timeout 60 env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
        -u AWS_PROFILE -u AWSV2_SIGNER -u AWSV2_SIGNATURE_VERSION -u AWS_ENDPOINT_URL \
        -u AWS_ENDPOINT_URL_EC2 -u AWS_ENDPOINT_URL_SQS -u AWS_MAX_ATTEMPTS \
        AWS_SHARED_CREDENTIALS_FILE="$T/none" AWS_CONFIG_FILE="$T/none" \
        "$prog" --signer "$signer" --region eu-central-1 --endpoint "$URL" "$@"
}

start hsmd "$HSMD" --listen 127.0.0.1:0 "$SPEC"; DAEMON=$LINE
for via in pkcs11 hsmd; do
    signer=$SPEC; [ "$via" = hsmd ] && signer=$DAEMON
    for v in 2 4; do
        expect_exit 0 run "$EC2" "$signer" --signature-version "$v"
        [ -s "$T/out" ] || fail "$via SigV$v: no instances listed"
        awk 'NF != 4 || $2 !~ /^i-/ { bad = 1 } END { exit bad }' "$T/out" ||
            fail "$via SigV$v: not instance lines: $(cat "$T/out")"
    done
done
grep -q 'POST / DescribeInstances -> 200' "$T/mock.err" || fail "the mock saw no SigV4 POST"
grep -q 'POST /sign/aws4 key=AKIAIOSFODNN7EXAMPLE scope=eu-central-1/ec2 status=200' \
    "$T/hsmd.err" || fail "the daemon signed no SigV4: $(cat "$T/hsmd.err")"
grep -q 'POST /sign/aws key=AKIAIOSFODNN7EXAMPLE action=DescribeInstances status=200' \
    "$T/hsmd.err" || fail "the daemon signed no SigV2: $(cat "$T/hsmd.err")"

printf '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = %s\n' \
    "$SECRET" > "$T/drain.credentials"
QUEUE=$(AWS_SHARED_CREDENTIALS_FILE=$T/drain.credentials timeout 20 "$DRAIN" create "$URL" pkcs11) ||
    fail "CreateQueue failed"
for v in 2 4; do
    expect_exit 0 run "$SQS" "$SPEC" --queue-url "$QUEUE" --signature-version "$v" \
        "sent through pkcs11: with SigV$v"
done
mkdir "$T/got"
n=$(AWS_SHARED_CREDENTIALS_FILE=$T/drain.credentials timeout 60 "$DRAIN" drain "$URL" "$QUEUE" \
    "$T/got" 2> "$T/drain.err") || fail "drain failed: $(cat "$T/drain.err")"
rm -f "$T/drain.credentials"
[ "$n" = 2 ] || fail "$n messages came back, not 2"
[ "$(for f in "$T/got"/*; do cat "$f"; echo; done | sort | tr '\n' '|')" = \
    "sent through pkcs11: with SigV2|sent through pkcs11: with SigV4|" ] ||
    fail "the messages came back different: $(cat "$T/got"/*)"

# Refusals: each exit 3 with a message that names what is wrong.
expect_exit 3 run "$EC2" "pkcs11:token=no-such-token?module-path=$MODULE&pin-source=file:$T/pin"
grep -q 'no token matches' "$T/err" || fail "missing token: $(cat "$T/err")"
(umask 077; printf '000000\n' > "$T/wrong-pin")
expect_exit 3 run "$EC2" "pkcs11:token=$TOKEN?module-path=$MODULE&pin-source=file:$T/wrong-pin"
grep -q 'refused the PIN' "$T/err" || fail "wrong PIN: $(cat "$T/err")"
expect_exit 3 run "$EC2" "$SPEC" --access-key-id AKIAI44QH8DHBEXAMPLE
grep -q "holds no secret key labelled 'AKIAI44QH8DHBEXAMPLE'" "$T/err" ||
    fail "missing object: $(cat "$T/err")"
expect_exit 3 run "$EC2" "pkcs11:token=$TOKEN;object=AKIAIOSFODNN7EXAMPLE?module-path=$MODULE&pin-source=file:$T/pin" \
    --access-key-id AKIAI44QH8DHBEXAMPLE --signature-version 2
grep -q 'limited to key AKIAIOSFODNN7EXAMPLE' "$T/err" || fail "unknown key id: $(cat "$T/err")"
# (A key that cannot sign, or could leave the token, is refused too:
# tests/pkcs11/test_pkcs11 makes such keys with PKCS#11 calls of its own.)
printf '%s' "$SECRET" | od -An -tx1 | tr -d ' \n' > "$T/key.hex"
expect_exit 2 run "$EC2" "pkcs11:token=$TOKEN?module-path=$MODULE&pin-value=$PIN"
grep -q 'pin-source' "$T/err" || fail "pin-value: $(cat "$T/err")"

# Neither the secret nor the PIN in anything printed or logged.
cat "$T"/*.err >> "$T/printed"
! grep -q -F "$SECRET" "$T/printed" || fail "the secret was printed"
! grep -q -F "$PIN" "$T/printed" || fail "the PIN was printed"
! grep -q -F "$(cat "$T/key.hex")" "$T/printed" || fail "the secret was printed in hex"
echo "PASS: the programs through pkcs11:"
