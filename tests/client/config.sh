#!/bin/bash
# The AWS CLI's configuration through the programs, against awsv2-mock:
# --profile, keys in the config file, credential_process, endpoint_url in a
# profile and in a services section, a missing profile, AWS_RETRY_MODE, and
# a service whose clock is off.
. "${top_srcdir:-.}/tests/client/lib.sh"

sign=$(prog tools/awsv2-sign)
start_mock
base=$url
lines() { wc -l < "$tmp/out" | tr -d ' '; }

# --profile on every program that reads the configuration.
for p in "$ec2" "$sqs_send" "$sign"; do
    "$p" --help | grep -q -- '--profile NAME' || fail "$p --help has no --profile"
done

# Keys and the endpoint in the config file's [profile dev]; no credentials
# file at all, no endpoint option.
export AWS_SHARED_CREDENTIALS_FILE="$tmp/no-credentials"
cat > "$tmp/config" <<CONF
[default]
region = eu-west-1

[profile dev]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
endpoint_url = $base

[profile svc]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
endpoint_url = http://127.0.0.1:1/
services = local

[services local]
ec2 =
  endpoint_url = $base

[profile proc]
credential_process = "$tmp/my creds" --for proc
endpoint_url = $base

[profile failing]
credential_process = "$tmp/my creds" --fail
endpoint_url = $base
CONF
export AWS_CONFIG_FILE="$tmp/config"
unset AWS_REGION

expect_status 0 "$ec2" --profile dev
[ "$(lines)" = 7 ] || fail "--profile dev listed $(lines) instances"
AWS_PROFILE=dev expect_status 0 "$ec2"
[ "$(lines)" = 7 ] || fail "AWS_PROFILE=dev listed $(lines) instances"
# --profile wins over AWS_PROFILE and over keys in the environment
AWS_PROFILE=nosuch AWS_ACCESS_KEY_ID=AKIDNOTKNOWN AWS_SECRET_ACCESS_KEY=x \
    expect_status 0 "$ec2" --profile dev
# the services section's ec2 endpoint wins over the profile's endpoint_url
expect_status 0 "$ec2" --profile svc
[ "$(lines)" = 7 ] || fail "--profile svc listed $(lines) instances"
# and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS sends it to AWS's own (which the
# test does not reach: --endpoint, always honoured, points at the mock)
AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true expect_status 0 "$ec2" --profile svc --endpoint "$base"

# A missing profile is named, with the files looked in; not "no secret".
expect_status 2 "$ec2" --profile nosuch
grep -q "^ec2-describe-instances: profile 'nosuch' not found: neither \[profile nosuch\] in $tmp/config nor \[nosuch\] in $tmp/no-credentials" "$tmp/err" ||
    fail "missing profile: $(cat "$tmp/err")"
! grep -qi secret "$tmp/err" || fail "missing profile reported as: $(cat "$tmp/err")"
AWS_PROFILE=nosuch expect_status 2 "$sqs_send" --queue-url "${base}123456789012/q" hello
grep -q "profile 'nosuch' not found" "$tmp/err" || fail "sqs-send: $(cat "$tmp/err")"

# credential_process: its JSON's keys sign; its stderr reaches ours; its
# failure is named.
cat > "$tmp/my creds" <<'SH'
#!/bin/sh
echo "creds: called with $*" >&2
[ "$1" = --fail ] && exit 7
printf '{"Version": 1, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE",
 "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
 "SessionToken": "token-from-process", "Expiration": "2099-01-01T00:00:00Z"}\n'
SH
chmod +x "$tmp/my creds"
expect_status 0 "$ec2" --profile proc --debug
[ "$(lines)" = 7 ] || fail "credential_process profile listed $(lines) instances"
grep -q "^creds: called with --for proc$" "$tmp/err" || fail "process stderr: $(cat "$tmp/err")"
grep -q "SecurityToken=(redacted)" "$tmp/err" || fail "no session token was sent"
! grep -q EXAMPLEKEY "$tmp/err" || fail "the secret was printed"
expect_status 3 "$ec2" --profile failing
grep -q "creds: called with --fail" "$tmp/err" || fail "process stderr: $(cat "$tmp/err")"
grep -q "credential_process '$tmp/my creds' exited with status 7" "$tmp/err" ||
    fail "process failure: $(cat "$tmp/err")"

# Credentials that expire within 5 minutes are loaded again before the
# call (the program would outlive them); an hour ahead, once is enough.
cat > "$tmp/expiring" <<'SH'
#!/bin/sh
echo "expiring: called" >&2
printf '{"Version": 1, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE",
 "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
 "Expiration": "%s"}\n' "$(date -u -d "+$LIFETIME" +%Y-%m-%dT%H:%M:%SZ)"
SH
chmod +x "$tmp/expiring"
printf '[profile expiring]\ncredential_process = %s/expiring\n' "$tmp" >> "$tmp/config"
LIFETIME='2 minutes' expect_status 0 "$ec2" --profile expiring --endpoint "$base"
[ "$(grep -c '^expiring: called$' "$tmp/err")" = 2 ] || fail "no refresh: $(cat "$tmp/err")"
LIFETIME='1 hour' expect_status 0 "$ec2" --profile expiring --endpoint "$base"
[ "$(grep -c '^expiring: called$' "$tmp/err")" = 1 ] || fail "refreshed: $(cat "$tmp/err")"

# Retry modes: 4 failures are one too many for standard's 3 attempts, not
# for legacy's 5.
start_mock --fail-503 4
expect_status 1 "$ec2" --profile dev --endpoint "$url"
grep -q "Unavailable" "$tmp/err" || fail "standard: $(cat "$tmp/err")"
start_mock --fail-503 4
AWS_RETRY_MODE=legacy expect_status 0 "$ec2" --profile dev --endpoint "$url"
start_mock --fail-503 4
printf '[profile legacy]\nretry_mode = legacy\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' \
    >> "$tmp/config"
expect_status 0 "$ec2" --profile legacy --endpoint "$url"
AWS_RETRY_MODE=fast expect_status 2 "$ec2" --profile dev
grep -q 'AWS_RETRY_MODE="fast" is not a retry mode' "$tmp/err" || fail "$(cat "$tmp/err")"

# A service whose clock is an hour ahead: corrected after one refusal.
start_mock --clock-offset 3600
AWS_MAX_ATTEMPTS=1 expect_status 0 "$ec2" --profile dev --endpoint "$url" --debug
[ "$(grep -c '^ec2-describe-instances: string to sign:' "$tmp/err")" = 2 ] ||
    fail "skew: $(cat "$tmp/err")"
start_mock --clock-offset -3600
AWS_MAX_ATTEMPTS=1 expect_status 0 "$ec2" --profile dev --endpoint "$url" --signature-version 4
exit 0
