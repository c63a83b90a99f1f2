#!/bin/bash
# How the programs fail: a wrong secret, wrong MD5s, 503s and throttling
# (retried), an unreachable endpoint (exit 4 within its timeout).
. "${top_srcdir:-.}/tests/client/lib.sh"

drain=$(prog tests/client/sqs-drain)
start_mock
good=$url
queue=$(timeout 20 "$drain" create "$good" errors) || fail "CreateQueue failed"

# A wrong secret for a key the mock knows: 1, with AWS's code.
cat > "$tmp/wrong" <<'CREDS'
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEY0
CREDS
AWS_SHARED_CREDENTIALS_FILE="$tmp/wrong" expect_status 1 "$ec2" --endpoint "$good"
grep -q '^ec2-describe-instances: AuthFailure: ' "$tmp/err" || fail "EC2 did not say AuthFailure: $(cat "$tmp/err")"
AWS_SHARED_CREDENTIALS_FILE="$tmp/wrong" expect_status 1 "$sqs_send" --endpoint "$good" \
    --queue-url "$queue" hello
grep -q '^sqs-send: SignatureDoesNotMatch: ' "$tmp/err" ||
    fail "SQS did not say SignatureDoesNotMatch: $(cat "$tmp/err")"
grep -q 'WRONGKEY' "$tmp/err" && fail "the secret was printed"

# The right secret still works against the same mock.
expect_status 0 "$ec2" --endpoint "$good"
[ -s "$tmp/out" ] || fail "no instances listed"

# A service that answers with wrong MD5s: 1.
start_mock --wrong-md5
q=$(timeout 20 "$drain" create "$url" md5) || fail "CreateQueue failed"
expect_status 1 "$sqs_send" --endpoint "$url" --queue-url "$q" hello
grep -q 'MD5OfMessageBody' "$tmp/err" || fail "no MD5 complaint: $(cat "$tmp/err")"
expect_status 1 "$sqs_send" --endpoint "$url" --queue-url "$q" --attribute A=String:b hello

# 503 then success: retried (3 attempts by default), and succeeds.
start_mock --fail-503 2
expect_status 0 "$ec2" --endpoint "$url" --debug
[ "$(grep -c '^GET$' "$tmp/err")" = 3 ] || fail "not 3 signed attempts: $(cat "$tmp/err")"
start_mock --fail-503 1
q=$(timeout 20 "$drain" create "$url" retry) || fail "CreateQueue after a 503 failed"
expect_status 0 "$sqs_send" --endpoint "$url" --queue-url "$q" hello
# ... unless retries are turned off, or exhausted.
start_mock --fail-503 1
AWS_MAX_ATTEMPTS=1 expect_status 1 "$ec2" --endpoint "$url"
grep -q '^ec2-describe-instances: Unavailable: ' "$tmp/err" || fail "no Unavailable: $(cat "$tmp/err")"
grep -q '(gave up after 1 attempt: retries are off)' "$tmp/err" ||
    fail "retries off not said: $(cat "$tmp/err")"
start_mock --fail-503 3
expect_status 1 "$ec2" --endpoint "$url"
grep -q '(gave up after 3 attempts)' "$tmp/err" || fail "attempts not counted: $(cat "$tmp/err")"
start_mock --fail-throttle 2
expect_status 0 "$ec2" --endpoint "$url"
AWS_MAX_ATTEMPTS=zero expect_status 2 "$ec2" --endpoint "$url"

# A closed port: 4 at once (the mock's port, after it is gone).
start_mock
closed=$url
kill "${pids[-1]}"
wait "${pids[-1]}" 2>/dev/null
start=$SECONDS
expect_status 4 "$ec2" --endpoint "$closed" --connect-timeout 1
expect_status 4 "$sqs_send" --endpoint "$closed" --queue-url "${closed}1/q" --connect-timeout 1 m
[ $((SECONDS - start)) -le 5 ] || fail "a closed port took $((SECONDS - start)) s"

# A listener that never answers: 4 with "timed out", within the attempts'
# timeouts (2 attempts of 1 s, and a backoff of at most 0.2 s).
start_server silent "$(prog tests/client/stub-http)" silent
start=$(date +%s%N)
AWS_MAX_ATTEMPTS=2 expect_status 4 "$ec2" --endpoint "$url" --timeout 1
took=$((($(date +%s%N) - start) / 1000000))
grep -q 'timed out' "$tmp/err" || fail "no 'timed out': $(cat "$tmp/err")"
[ "$took" -ge 2000 ] && [ "$took" -lt 4000 ] || fail "the timeout took $took ms"
AWS_MAX_ATTEMPTS=1 expect_status 4 "$sqs_send" --endpoint "$url" --queue-url "${url}1/q" \
    --timeout 0.5 m

# The same silent listener as the signing daemon: --timeout bounds the
# signing call too (3, within 1 s plus slack, not the signer's default 30 s),
# and a spec's own timeout_ms wins over it.
silent=$url
start=$(date +%s%N)
expect_status 3 "$ec2" --endpoint "$good" --signer "${silent}sign/aws" \
    --access-key-id AKIAIOSFODNN7EXAMPLE --timeout 1
took=$((($(date +%s%N) - start) / 1000000))
grep -q 'timeout_ms' "$tmp/err" || fail "the signer's timeout does not name timeout_ms: $(cat "$tmp/err")"
[ "$took" -ge 1000 ] && [ "$took" -lt 4000 ] || fail "--timeout 1 on the signer took $took ms"
start=$(date +%s%N)
expect_status 3 "$sqs_send" --endpoint "$good" --queue-url "$queue" \
    --signer "${silent}sign/aws?timeout_ms=1500" --access-key-id AKIAIOSFODNN7EXAMPLE \
    --timeout 10 m
took=$((($(date +%s%N) - start) / 1000000))
[ "$took" -ge 1500 ] && [ "$took" -lt 4500 ] || fail "timeout_ms=1500 in the spec took $took ms"

# TLS: AWS_CA_BUNDLE is honoured (a missing bundle is a TLS error, 4).
AWS_CA_BUNDLE="$tmp/no-such-bundle.pem" AWS_MAX_ATTEMPTS=1 \
    expect_status 4 "$ec2" --endpoint "${url/http:/https:}" --timeout 2
grep -q 'TLS failed: .*no-such-bundle' "$tmp/err" || fail "CA bundle: $(cat "$tmp/err")"
exit 0
