#!/bin/sh
# awsv2-hsmd --profile: an openssl signer takes its key pair from the named
# profile of the shared files (awsv2-mock, with its own verifier, accepts
# what it signs), and a profile in neither file stops the daemon with
# exit 2, naming it.
set -u
B=${top_builddir:-.}
MOCK=$B/awsv2-mock HSMD=$B/daemon/awsv2-hsmd
EC2=$B/examples/ec2-describe/ec2-describe-instances
for p in "$MOCK" "$HSMD" "$EC2"; do
    [ -x "$p" ] || { echo "SKIP: $p not built"; exit 77; }
done

. "$(dirname "$0")/lib.sh"

# The mock knows the example pair; the daemon's default profile holds a
# different secret, so only --profile prod can sign what the mock accepts.
cat > "$T/mock-credentials" <<'CREDS'
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
CREDS
cat > "$T/credentials" <<'CREDS'
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = notTheSecretTheMockKnowsEXAMPLEKEY00000
[prod]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
CREDS

hsmd_env() {
    env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
        AWS_SHARED_CREDENTIALS_FILE="$T/credentials" AWS_CONFIG_FILE="$T/none" "$@"
}
run_ec2() {
    env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
        -u AWSV2_SIGNER -u AWSV2_HSMD_TOKEN AWS_SHARED_CREDENTIALS_FILE="$T/none" \
        AWS_CONFIG_FILE="$T/none" \
        "$EC2" --endpoint "$ENDPOINT" --region us-east-1 --access-key-id AKIAIOSFODNN7EXAMPLE \
        --signer "$1" > "$T/out" 2> "$T/ec2.err"
}

start mock "$MOCK" --port 0 --credentials "$T/mock-credentials"; ENDPOINT=$LINE

start hsmd_default hsmd_env "$HSMD" --listen 127.0.0.1:0 openssl; URL=$LINE
run_ec2 "$URL"
[ $? -eq 1 ] || fail "the default profile's secret: want the mock's refusal (exit 1)"
grep -q AuthFailure "$T/ec2.err" || fail "no AuthFailure (EC2's refusal of a signature): $(cat "$T/ec2.err")"

start hsmd_prod hsmd_env "$HSMD" --listen 127.0.0.1:0 --profile prod openssl; URL=$LINE
run_ec2 "$URL" || fail "--profile prod: exit $?: $(cat "$T/ec2.err")"
[ -s "$T/out" ] || fail "no instances listed"

hsmd_env "$HSMD" --listen 127.0.0.1:0 --profile nosuch openssl > "$T/nosuch.out" 2> "$T/nosuch.err"
rc=$?
[ $rc -eq 2 ] || fail "a missing profile: want exit 2, got $rc"
grep -q "nosuch" "$T/nosuch.err" || fail "the message does not name the profile: $(cat "$T/nosuch.err")"
[ -s "$T/nosuch.out" ] && fail "a daemon that did not start printed a URL"
grep -q 'wJalrXUtnFEMI\|notTheSecret' "$T"/*.err && fail "a secret in a log"
exit 0
