#!/bin/bash
# ec2-describe-instances and sqs-send signing with Signature Version 4
# (through the openssl signer) against awsv2-mock, whose verifier shares no
# code with the library: accepted as sent, refused under another secret,
# retried with a fresh signature, and chosen by flag or environment; and
# awsv2-sign's presigned URL and POST parts sent with curl.
. "${top_srcdir:-.}/tests/client/lib.sh"

drain=$(prog tests/client/sqs-drain)
start_mock --verbose
export AWS_REGION=eu-central-1

# EC2: every instance of the mock's built-in data, as with SigV2.
expect_status 0 "$ec2" --endpoint "$url" --signature-version 2
cp "$tmp/out" "$tmp/v2"
[ -s "$tmp/v2" ] || fail "no instances with SigV2"
expect_status 0 "$ec2" --endpoint "$url" --signature-version 4 --page-size 5 --debug
cmp -s "$tmp/out" "$tmp/v2" || fail "SigV4 listed $(cat "$tmp/out"), SigV2 $(cat "$tmp/v2")"
grep -q "^AWS4-HMAC-SHA256\$" "$tmp/err" || fail "--debug shows no SigV4 string to sign"
grep -q "/eu-central-1/ec2/aws4_request\$" "$tmp/err" || fail "not the scope: $(cat "$tmp/err")"
grep -q 'wJalrXUtnFEMI' "$tmp/err" && fail "--debug printed the secret"
# SigV4 requests are POSTed (SigV2's default is GET).
grep -q 'POST / DescribeInstances -> 200' "$tmp"/mock*.err || fail "the mock saw no POST"

# The environment variable chooses it too; a bad value is a usage error.
AWSV2_SIGNATURE_VERSION=4 expect_status 0 "$ec2" --endpoint "$url" --debug
grep -q "^AWS4-HMAC-SHA256\$" "$tmp/err" || fail "AWSV2_SIGNATURE_VERSION=4 did not sign SigV4"
AWSV2_SIGNATURE_VERSION=5 expect_status 2 "$ec2" --endpoint "$url"
expect_status 2 "$ec2" --endpoint "$url" --signature-version v4
# auto with a custom endpoint: SigV2.
expect_status 0 "$ec2" --endpoint "$url" --debug
grep -q "^AWS4-HMAC-SHA256\$" "$tmp/err" && fail "auto signed SigV4 for a custom endpoint"

# A session token goes as X-Amz-Security-Token; the mock accepts it.
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
    AWS_SESSION_TOKEN=session-tok3n-value expect_status 0 "$ec2" --endpoint "$url" \
    --signature-version 4 --debug
grep -q 'session-tok3n' "$tmp/err" && fail "--debug printed the session token"

# Another secret: the mock refuses the signature (EC2's 401 AuthFailure or
# 403 SignatureDoesNotMatch), exit 1.
cat > "$tmp/wrong" <<'CREDS'
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = not-the-secret
CREDS
AWS_SHARED_CREDENTIALS_FILE="$tmp/wrong" expect_status 1 "$ec2" --endpoint "$url" \
    --signature-version 4
grep -q 'SignatureDoesNotMatch' "$tmp/err" || fail "wrong secret: $(cat "$tmp/err")"

# SQS: messages sent with SigV4 come back byte for byte.
timeout 20 "$drain" create "$url" sigv4 > "$tmp/queue" || fail "CreateQueue failed"
queue=$(cat "$tmp/queue")
mkdir "$tmp/sent" "$tmp/got"
for ((i = 0; i < 20; i++)); do
    case $((i % 4)) in
    0) printf 'h\xc3\xa9llo \xf0\x9f\x98\x80 ~*/+=&%% #%d' "$i" > "$tmp/sent/$i" ;;
    1) printf 'tab\there\nnew line\r\n#%d' "$i" > "$tmp/sent/$i" ;;
    *) printf 'message %d' "$i" > "$tmp/sent/$i" ;;
    esac
    args=()
    [ "$i" = 3 ] && args=(--attribute 'Color=String:bl\u00e9 ✓' --attribute Raw=Binary:AAEC/w==)
    id=$(timeout 20 "$sqs_send" --endpoint "$url" --queue-url "$queue" --signature-version 4 \
        "${args[@]}" - < "$tmp/sent/$i") || fail "sqs-send of message $i failed"
    echo "$id $i" >> "$tmp/ids"
done
timeout 60 "$drain" drain "$url" "$queue" "$tmp/got" > "$tmp/count" 2> "$tmp/err" ||
    fail "draining failed: $(cat "$tmp/err")"
[ "$(cat "$tmp/count")" = 20 ] || fail "received $(cat "$tmp/count") messages, not 20"
while read -r id i; do
    cmp -s "$tmp/sent/$i" "$tmp/got/$id" || fail "message $i ($id) came back different"
done < "$tmp/ids"
AWS_SHARED_CREDENTIALS_FILE="$tmp/wrong" expect_status 1 "$sqs_send" --endpoint "$url" \
    --queue-url "$queue" --signature-version 4 refused
grep -q 'SignatureDoesNotMatch' "$tmp/err" || fail "wrong secret (SQS): $(cat "$tmp/err")"

# awsv2-sign's SigV4 forms are what the mock accepts: a presigned GET URL,
# and a POST from its form body and Authorization header.
sign=$(prog tools/awsv2-sign)
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
amz=$(date -u -d "$now" +%Y%m%dT%H%M%SZ)
presigned=$(AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE \
    AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY "$sign" \
    --signature-version 4 --service ec2 --timestamp "$now" --expires-in 300 -- "$url" \
    Action=DescribeInstances Version=2016-11-15) || fail "awsv2-sign --print url failed"
code=$(curl -s -o "$tmp/presigned" -w '%{http_code}' "$presigned")
[ "$code" = 200 ] || fail "presigned GET: HTTP $code: $(cat "$tmp/presigned")"
grep -q '<DescribeInstancesResponse' "$tmp/presigned" || fail "presigned GET: $(cat "$tmp/presigned")"
# Change the signature's last hex digit (to 0, or to 1 when it is a 0).
case $presigned in *0) changed=${presigned%?}1 ;; *) changed=${presigned%?}0 ;; esac
code=$(curl -s -o "$tmp/presigned" -w '%{http_code}' "$changed")
[ "$code" = 403 ] || fail "a presigned URL with a changed signature got HTTP $code"
for p in query authorization; do
    AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE \
        AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY "$sign" \
        --signature-version 4 --service ec2 --timestamp "$now" --print "$p" -- "$url" \
        Action=DescribeInstances Version=2016-11-15 'Filter.1.Name=tag:Name' \
        'Filter.1.Value.1=web *' > "$tmp/$p" || fail "awsv2-sign --print $p failed"
done
code=$(curl -s -o "$tmp/posted" -w '%{http_code}' \
    -H "Content-Type: application/x-www-form-urlencoded; charset=utf-8" -H "X-Amz-Date: $amz" \
    -H "Authorization: $(cat "$tmp/authorization")" --data-binary "$(cat "$tmp/query")" "$url")
[ "$code" = 200 ] || fail "POST with awsv2-sign's Authorization: HTTP $code: $(cat "$tmp/posted")"

# Retries sign afresh: after two 503s the third attempt gets through.
start_mock --fail-503 2
AWS_MAX_ATTEMPTS=3 expect_status 0 "$ec2" --endpoint "$url" --signature-version 4 --debug
[ "$(grep -c '^AWS4-HMAC-SHA256$' "$tmp/err")" = 3 ] ||
    fail "not three signed attempts: $(cat "$tmp/err")"
echo "sigv4: ok"
