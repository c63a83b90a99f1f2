#!/bin/sh
# ec2-describe-instances signing through the emulated Due against awsv2-mock,
# with no secret on the host side; a killed emulator makes it exit 3.
. "$top_srcdir/tests/due/lib.sh"

MOCK=$top_builddir/awsv2-mock
EC2=$top_builddir/examples/ec2-describe/ec2-describe-instances
for p in "$MOCK" "$EC2"; do
    [ -x "$p" ] || { echo "SKIP: $p not built"; exit 77; }
done

rm -f "$T/mock.out"; mkfifo "$T/mock.out"
"$MOCK" --port 0 --credentials "$T/credentials" > "$T/mock.out" 2> "$T/mock.err" &
PIDS="$PIDS $!"
URL=$(timeout 10 head -n 1 "$T/mock.out") || true
[ -n "$URL" ] || fail "awsv2-mock did not start: $(cat "$T/mock.err")"

start_emu emu --import-credentials "$T/credentials"

# The host knows no key at all: the id comes from the device (KEYS).
run_ec2() {
    env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
        -u AWSV2_SIGNER AWS_SHARED_CREDENTIALS_FILE="$T/none" AWS_CONFIG_FILE="$T/none" \
        "$EC2" --signer "due:$PTY?timeout_ms=1000" --endpoint "$URL" --region us-east-1 "$@"
}

# The emulator imported two keys: the device alone cannot say which to use.
expect_exit 3 run_ec2
grep -q -i "access key id" "$T/err" || fail "two keys on the device: $(cat "$T/err")"

expect_exit 0 run_ec2 --access-key-id AKIAIOSFODNN7EXAMPLE
[ -s "$T/out" ] || fail "no instances listed"
awk 'NF != 4 || $2 !~ /^i-/ { bad = 1 } END { exit bad }' "$T/out" ||
    fail "not 'reservationId instanceId instanceType stateName' lines: $(cat "$T/out")"

# A device holding exactly one key needs no --access-key-id.
"$top_builddir/tools/awsv2-keys" --signer "due:$PTY" delete AKIAI44QH8DHBEXAMPLE > /dev/null ||
    fail "cannot delete the second key"
expect_exit 0 run_ec2
[ -s "$T/out" ] || fail "no instances listed with the device's only key"

kill -9 "$EMU_PID"
wait "$EMU_PID" 2>/dev/null || true
expect_exit 3 run_ec2
echo "PASS: ec2-describe-instances through due:"
