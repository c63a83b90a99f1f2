#!/bin/sh
# ec2-describe-instances signing through http:// -> awsv2-hsmd ->
# awsv2-due-emu, against awsv2-mock; the host holds no key at all. Then
# with a bearer token, and a stopped daemon makes the client exit 3.
set -u
B=${top_builddir:-.}
MOCK=$B/awsv2-mock EMU=$B/awsv2-due-emu HSMD=$B/daemon/awsv2-hsmd
EC2=$B/examples/ec2-describe/ec2-describe-instances
for p in "$MOCK" "$EMU" "$HSMD" "$EC2"; do
    [ -x "$p" ] || { echo "SKIP: $p not built"; exit 77; }
done

. "$(dirname "$0")/lib.sh"

cat > "$T/credentials" <<'CREDS'
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
CREDS
echo "hsmd-e2e-token" > "$T/token"
chmod 600 "$T/token" # a token file open to others is refused

start mock "$MOCK" --port 0 --credentials "$T/credentials"; ENDPOINT=$LINE
start emu "$EMU" --import-credentials "$T/credentials"; PTY=$LINE
start hsmd "$HSMD" --listen 127.0.0.1:0 "due:$PTY"; URL=$LINE; HSMD_PID=$LAST_PID

run_ec2() {
    env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
        -u AWSV2_SIGNER -u AWSV2_HSMD_TOKEN AWS_SHARED_CREDENTIALS_FILE="$T/none" \
        AWS_CONFIG_FILE="$T/none" \
        "$EC2" --endpoint "$ENDPOINT" --region us-east-1 "$@" > "$T/out" 2> "$T/ec2.err"
}

run_ec2 --signer "$URL" || fail "ec2-describe-instances through $URL: exit $?"
[ -s "$T/out" ] || fail "no instances listed"
awk 'NF != 4 || $2 !~ /^i-/ { bad = 1 } END { exit bad }' "$T/out" ||
    fail "not 'reservationId instanceId instanceType stateName' lines: $(cat "$T/out")"
grep -q 'POST /sign/aws key=AKIAIOSFODNN7EXAMPLE action=DescribeInstances status=200' \
    "$T/hsmd.err" || fail "the daemon did not log the signature"
grep -q 'wJalrXUtnFEMI' "$T/hsmd.err" && fail "a secret in the daemon's log"

# The same through a daemon that wants a token; the first one goes.
kill "$HSMD_PID"; wait "$HSMD_PID" || fail "awsv2-hsmd did not exit 0 on SIGTERM"
start hsmd2 "$HSMD" --listen 127.0.0.1:0 --token-file "$T/token" "due:$PTY"; URL=$LINE
run_ec2 --signer "$URL" --access-key-id AKIAIOSFODNN7EXAMPLE
[ $? -eq 3 ] || fail "no token: want exit 3"
run_ec2 --signer "$URL?token_file=$T/token" || fail "with the token: exit $?"
[ -s "$T/out" ] || fail "no instances listed with the token"
grep -q 'hsmd-e2e-token' "$T/hsmd2.err" "$T/ec2.err" && fail "the token in a log"

kill $LAST_PID; wait $LAST_PID
run_ec2 --signer "$URL?token_file=$T/token" --access-key-id AKIAIOSFODNN7EXAMPLE
[ $? -eq 3 ] || fail "daemon gone: want exit 3 (signer error)"
echo "PASS: ec2-describe-instances through awsv2-hsmd"
