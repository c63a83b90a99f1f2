#!/bin/sh
# awsv2-sign run as a process: known-answer vectors (tests/core/sigv2.jsonl),
# every --print form, --debug, and the exit statuses of docs/programs.md. The
# secret must never appear in anything the program prints.
set -u

: "${top_builddir:=.}"
SIGN="$top_builddir/tools/awsv2-sign"
[ -x "$SIGN" ] || { echo "no $SIGN (run from make check)" >&2; exit 99; }

KEY_ID=AKIAIOSFODNN7EXAMPLE
SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

tmp=$(mktemp -d -t awsv2-sign-test.XXXXXX) || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

# Nothing of this machine's AWS configuration may leak in.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE \
    AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE AWS_REGION AWS_DEFAULT_REGION \
    AWS_ENDPOINT_URL AWS_ENDPOINT_URL_EC2 AWS_ENDPOINT_URL_SQS AWSV2_SIGNER
HOME=$tmp
AWS_ACCESS_KEY_ID=$KEY_ID
AWS_SECRET_ACCESS_KEY=$SECRET
# SigV2 unless a check says otherwise (auto would pick 4 for SQS's endpoints).
AWSV2_SIGNATURE_VERSION=2
export HOME AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWSV2_SIGNATURE_VERSION

# Failures and runs are counted in files, so that checks may run in
# subshells (to give one run its own environment).
: >"$tmp/failures"
: >"$tmp/runs"
fail() {
    echo "FAIL: $*" >&2
    echo "$*" >>"$tmp/failures"
}

# Runs awsv2-sign (at most 30 s); stdout in $tmp/out, stderr in $tmp/err,
# exit status in $rc; everything printed is collected in $tmp/all.
run() {
    echo "$*" >>"$tmp/runs"
    timeout 30 "$SIGN" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    cat "$tmp/out" "$tmp/err" >>"$tmp/all"
    if grep -q "runtime error:\|Sanitizer" "$tmp/err"; then
        fail "sanitizer report from awsv2-sign $*: $(cat "$tmp/err")"
    fi
}

# expect_out NAME WANT ARGS...: exits 0 and prints exactly WANT.
expect_out() {
    name=$1 want=$2
    shift 2
    run "$@"
    [ "$rc" -eq 0 ] || fail "$name: exit $rc: $(cat "$tmp/err")"
    [ "$(cat "$tmp/out")" = "$want" ] ||
        fail "$name: printed '$(cat "$tmp/out")', want '$want'"
}

# expect_exit NAME STATUS ARGS...: exits STATUS with a message on stderr
# and nothing on stdout (never a signature from partial input).
expect_exit() {
    name=$1 want=$2
    shift 2
    run "$@"
    [ "$rc" -eq "$want" ] || fail "$name: exit $rc, want $want: $(cat "$tmp/err")"
    [ -s "$tmp/out" ] && fail "$name: printed on stdout: $(cat "$tmp/out")"
    [ -s "$tmp/err" ] || fail "$name: no message on stderr"
}

# expect_failure NAME ARGS...: any non-zero status, nothing on stdout.
expect_failure() {
    name=$1
    shift
    run "$@"
    [ "$rc" -ne 0 ] || fail "$name: exit 0"
    [ -s "$tmp/out" ] && fail "$name: printed on stdout: $(cat "$tmp/out")"
}

# ---- known answers ----------------------------------------------------------

EMR=https://elasticmapreduce.amazonaws.com/
EMR_STS="GET
elasticmapreduce.amazonaws.com
/
AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Action=DescribeJobFlows&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2011-10-03T15%3A19%3A30&Version=2009-03-31"
EMR_SIG=i91nKc4PWAt0JJIdXwz9HxZCJDdiy6cf/Mj6vPxyYIs=
EMR_QUERY="AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Action=DescribeJobFlows&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2011-10-03T15%3A19%3A30&Version=2009-03-31&Signature=i91nKc4PWAt0JJIdXwz9HxZCJDdiy6cf%2FMj6vPxyYIs%3D"

expect_out emr-signature "$EMR_SIG" --timestamp 2011-10-03T15:19:30 --print signature \
    "$EMR" Action=DescribeJobFlows Version=2009-03-31
expect_out emr-string-to-sign "$EMR_STS" --timestamp 2011-10-03T15:19:30 \
    --print string-to-sign "$EMR" Action=DescribeJobFlows Version=2009-03-31
expect_out emr-query "$EMR_QUERY" --timestamp 2011-10-03T15:19:30 --print query \
    "$EMR" Action=DescribeJobFlows Version=2009-03-31
expect_out emr-url-default "$EMR?$EMR_QUERY" --timestamp 2011-10-03T15:19:30 \
    "$EMR" Action=DescribeJobFlows Version=2009-03-31
# After the endpoint URL (or after --) come parameters only, even when
# they look like options: a parameter name may begin with '-'.
expect_out emr-url "$EMR?$EMR_QUERY" --print url --timestamp 2011-10-03T15:19:30 -- \
    "$EMR" Action=DescribeJobFlows Version=2009-03-31
expect_exit option-after-endpoint 2 "$EMR" Action=DescribeJobFlows --print url
expect_out dash-parameter "GET
example.com
/
--print=url&-x=1&AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2026-01-02T03%3A04%3A05Z" \
    --timestamp 2026-01-02T03:04:05Z --print string-to-sign https://example.com -x=1 \
    --print=url
expect_out emr-timestamp-as-argument "$EMR_SIG" --print signature \
    "$EMR" Action=DescribeJobFlows Version=2009-03-31 Timestamp=2011-10-03T15:19:30
expect_out emr-explicit-defaults "$EMR_SIG" --method GET --signature-method HmacSHA256 \
    --timestamp 2011-10-03T15:19:30 --print signature \
    "$EMR" Action=DescribeJobFlows Version=2009-03-31

expect_out sha1-expires O3BaXC9DYQ3rpMo2+JG5eUw7VG4= --signature-method HmacSHA1 \
    --expires 2013-01-01T12:00:30Z --print signature \
    https://ec2.amazonaws.com/ Action=DescribeInstances Version=2012-12-01

SQS=https://sqs.eu-west-1.amazonaws.com/123456789012/orders
BODY=$(printf 'Hello, world! a+b=c & d/e ~tilde* 100%% "quoted" <xml/>\nsecond line\ttab')
POST_QUERY="AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Action=SendMessage&DelaySeconds=0&MessageBody=Hello%2C%20world%21%20a%2Bb%3Dc%20%26%20d%2Fe%20~tilde%2A%20100%25%20%22quoted%22%20%3Cxml%2F%3E%0Asecond%20line%09tab&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2026-11-21T08%3A30%3A05Z&Version=2012-11-05&Signature=4NtldyJlGdU23PPKF93R7%2BEAbpGhh6I6EhNVqkk%2BglM%3D"
expect_out post-query "$POST_QUERY" --method POST --timestamp 2026-11-21T08:30:05Z \
    --print query "$SQS" Action=SendMessage Version=2012-11-05 "MessageBody=$BODY" \
    DelaySeconds=0
expect_out post-url-is-endpoint "$SQS" --method POST --timestamp 2026-11-21T08:30:05Z \
    --print url "$SQS" Action=SendMessage Version=2012-11-05 "MessageBody=$BODY" \
    DelaySeconds=0

expect_out utf8-sha1 F8Q0dQ2GQZDlm0O27lkEZV8chs0= --method POST --signature-method HmacSHA1 \
    --timestamp 2026-11-21T08:30:05Z --print signature \
    https://sqs.us-east-1.amazonaws.com/123456789012/q-utf8 Action=SendMessage \
    Version=2012-11-05 "MessageBody=café 日本語 🚀 üñî" MessageAttribute.1.Name=kind \
    MessageAttribute.1.Value.DataType=String "MessageAttribute.1.Value.StringValue=tést value"

expect_out host-port-uppercase "GET
localhost:4566
/
AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Action=DescribeInstances&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2026-01-02T03%3A04%3A05Z&Version=2016-11-15" \
    --timestamp 2026-01-02T03:04:05Z --print string-to-sign http://LocalHost:4566/ \
    Action=DescribeInstances Version=2016-11-15

# Only the first '=' splits: the rest is the value.
expect_out value-with-equals "GET
example.com
/
AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Empty=&Expr=a%3Db%3Dc&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2026-01-02T03%3A04%3A05Z" \
    --timestamp 2026-01-02T03:04:05Z --print string-to-sign https://example.com \
    Expr=a=b=c Empty=

# The session token goes in as SecurityToken.
(
    AWS_SESSION_TOKEN='FQoGZXIvYXdzEJr//////////wEaDOUPQ+TOKEN/with+special=chars'
    export AWS_SESSION_TOKEN
    expect_out security-token QMIUn+wvczgz2RneDMcAaLovADt4GCjaiQwJlHq3Xv0= \
        --timestamp 2026-01-02T03:04:05Z --print signature \
        https://sqs.us-east-1.amazonaws.com/ Action=ListQueues Version=2012-11-05
)

# Credentials from a shared credentials file profile sign the same.
cat >"$tmp/credentials" <<EOF
[default]
aws_access_key_id = AKIDWRONG
aws_secret_access_key = wrong

[example]
aws_access_key_id = $KEY_ID
aws_secret_access_key = $SECRET
EOF
(
    unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
    AWS_SHARED_CREDENTIALS_FILE=$tmp/credentials AWS_PROFILE=example
    export AWS_SHARED_CREDENTIALS_FILE AWS_PROFILE
    expect_out profile "$EMR_SIG" --timestamp 2011-10-03T15:19:30 \
        --print signature "$EMR" Action=DescribeJobFlows Version=2009-03-31
)

# Without --timestamp, now.
before=$(date -u +%Y-%m-%d)
run --print string-to-sign https://example.com/ Action=X
after=$(date -u +%Y-%m-%d)
[ "$rc" -eq 0 ] || fail "timestamp-now: exit $rc"
grep -Eq "Timestamp=($before|$after)T[0-2][0-9]%3A[0-5][0-9]%3A[0-6][0-9]Z\$" "$tmp/out" ||
    fail "timestamp-now: $(cat "$tmp/out")"

# --debug: the string to sign on stderr, the result on stdout.
run --debug --timestamp 2011-10-03T15:19:30 --print signature "$EMR" \
    Action=DescribeJobFlows Version=2009-03-31
[ "$rc" -eq 0 ] || fail "debug: exit $rc"
[ "$(cat "$tmp/out")" = "$EMR_SIG" ] || fail "debug: stdout $(cat "$tmp/out")"
grep -qF "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Action=DescribeJobFlows&SignatureMethod=HmacSHA256" \
    "$tmp/err" || fail "debug: no string to sign on stderr: $(cat "$tmp/err")"
grep -qxF "elasticmapreduce.amazonaws.com" "$tmp/err" || fail "debug: no host line on stderr"

# ---- help and version ---------------------------------------------------------

run --help
[ "$rc" -eq 0 ] || fail "help: exit $rc"
grep -q "usage: awsv2-sign" "$tmp/out" || fail "help: no usage line"
grep -q -- "--signer" "$tmp/out" || fail "help: no --signer"
run --version
[ "$rc" -eq 0 ] || fail "version: exit $rc"
grep -q "^awsv2-sign .*[0-9]" "$tmp/out" || fail "version: $(cat "$tmp/out")"

# ---- usage errors: 2 ----------------------------------------------------------

E=https://ec2.amazonaws.com/
expect_exit unknown-spec 2 --signer bogus $E Action=X
(
    AWSV2_SIGNER=bogus
    export AWSV2_SIGNER
    expect_exit unknown-spec-env 2 $E Action=X
)
expect_exit bad-timestamp 2 --timestamp garbage $E Action=X
expect_exit impossible-timestamp 2 --timestamp 2026-02-30T00:00:00Z $E Action=X
expect_exit bad-expires 2 --expires 2026-01-01T25:00:00Z $E Action=X
expect_exit timestamp-and-expires 2 --timestamp 2026-01-01T00:00:00Z \
    --expires 2026-01-01T00:00:00Z $E Action=X
expect_exit timestamp-arg-and-expires 2 --expires 2026-01-01T00:00:00Z $E \
    Timestamp=2026-01-01T00:00:00Z
expect_exit bad-timestamp-arg 2 $E Timestamp=yesterday
expect_exit arg-without-equals 2 $E Action
expect_exit arg-empty-name 2 $E =value
for reserved in AWSAccessKeyId SignatureVersion SignatureMethod Signature SecurityToken; do
    expect_exit "reserved-$reserved" 2 $E "$reserved=x"
done
expect_exit missing-endpoint 2 --print url
expect_exit no-arguments 2
expect_exit bad-method 2 --method PUT $E Action=X
expect_exit lower-case-method 2 --method get $E Action=X
expect_exit bad-signature-method 2 --signature-method HmacMD5 $E Action=X
expect_exit bad-print 2 --print body $E Action=X
expect_exit unknown-option 2 --bogus $E Action=X
expect_exit option-without-value 2 $E Action=X --timestamp
expect_exit ftp-endpoint 2 ftp://example.com/ Action=X
expect_exit endpoint-with-query 2 "https://example.com/?Action=X"
expect_exit endpoint-bad-port 2 https://example.com:99999/ Action=X

# A malformed credentials file: 2, naming the file and line, not the secret.
printf '[default]\naws_access_key_id = %s\n%s\n' "$KEY_ID" "$SECRET" >"$tmp/bad-credentials"
(
    unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
    AWS_SHARED_CREDENTIALS_FILE=$tmp/bad-credentials
    export AWS_SHARED_CREDENTIALS_FILE
    expect_exit malformed-credentials 2 $E Action=X
    grep -qF "$tmp/bad-credentials:3:" "$tmp/err" ||
        fail "malformed-credentials: $(cat "$tmp/err")"
)

# ---- signer errors: 3 ---------------------------------------------------------

(
    unset AWS_SECRET_ACCESS_KEY
    expect_exit env-id-without-secret 3 $E Action=X
    unset AWS_ACCESS_KEY_ID
    expect_exit no-credentials 3 $E Action=X
    printf '[default]\naws_access_key_id = %s\n' "$KEY_ID" >"$tmp/id-only"
    AWS_SHARED_CREDENTIALS_FILE=$tmp/id-only
    export AWS_SHARED_CREDENTIALS_FILE
    expect_exit file-id-without-secret 3 $E Action=X
)

# Device and daemon specs that cannot work fail, with no fallback to openssl.
expect_failure missing-device --signer "due:$tmp/no-such-tty" $E Action=X
port=1
expect_failure nothing-listening --signer "http://127.0.0.1:$port/sign/aws" $E Action=X

# ---- Signature Version 4 ------------------------------------------------------
# Known answers of tests/core/sigv4.jsonl (botocore); every form is checked
# against botocore at length by sigv4-oracle.sh.

V4_URL="https://ec2.eu-central-1.amazonaws.com/?Action=DescribeInstances&Version=2016-11-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261121%2Feu-central-1%2Fec2%2Faws4_request&X-Amz-Date=20261121T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=e721b0bebdcc326e06c0a7ebe6dfc76d0b4aae9abb2fb1d9d987cd6a7c83009b"
V4_EC2=https://ec2.eu-central-1.amazonaws.com/
expect_out v4-presigned-url "$V4_URL" --signature-version 4 --region eu-central-1 \
    --timestamp 2026-11-21T12:00:00Z -- "$V4_EC2" Action=DescribeInstances Version=2016-11-15
expect_out v4-signature e721b0bebdcc326e06c0a7ebe6dfc76d0b4aae9abb2fb1d9d987cd6a7c83009b \
    --signature-version 4 --region eu-central-1 --timestamp 2026-11-21T12:00:00Z \
    --print signature "$V4_EC2" Action=DescribeInstances Version=2016-11-15
expect_out v4-string-to-sign "AWS4-HMAC-SHA256
20261121T120000Z
20261121/eu-central-1/ec2/aws4_request
4bb5757f4a0bd3dd99c9d78716264fec3a33c03d585d5e470afbcc6ddc7c2076" \
    --signature-version 4 --region eu-central-1 --timestamp 2026-11-21T12:00:00Z \
    --print string-to-sign "$V4_EC2" Action=DescribeInstances Version=2016-11-15
(
    # auto: 4 for EC2 in a region opened after 2014, from the environment too.
    unset AWSV2_SIGNATURE_VERSION
    AWS_REGION=eu-central-1
    export AWS_REGION
    expect_out v4-auto "$V4_URL" --timestamp 2026-11-21T12:00:00Z "$V4_EC2" \
        Action=DescribeInstances Version=2016-11-15
    AWSV2_SIGNATURE_VERSION=4
    export AWSV2_SIGNATURE_VERSION
    expect_out v4-env "$V4_URL" --timestamp 2026-11-21T12:00:00Z "$V4_EC2" \
        Action=DescribeInstances Version=2016-11-15
    AWSV2_SIGNATURE_VERSION=3
    expect_exit v4-env-bad 2 "$V4_EC2" Action=X
)
# A POST signed in its header: the Authorization value, and the form body
# (its parameters sorted by encoded name).
V4_SQS=https://sqs.eu-central-1.amazonaws.com/123456789012/my-queue
run --signature-version 4 --region eu-central-1 --timestamp 2026-11-21T12:00:00Z \
    --print authorization "$V4_SQS" Action=SendMessage Version=2012-11-05 MessageBody=x
[ "$rc" -eq 0 ] || fail "v4-authorization: exit $rc: $(cat "$tmp/err")"
grep -Eqx "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261121/eu-central-1/sqs/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}" \
    "$tmp/out" || fail "v4-authorization: $(cat "$tmp/out")"
expect_out v4-query "Action=SendMessage&MessageBody=x&Version=2012-11-05" \
    --signature-version 4 --region eu-central-1 --print query "$V4_SQS" \
    Action=SendMessage Version=2012-11-05 MessageBody=x
(
    AWS_SESSION_TOKEN='FQoGZXIvYXdzEXAMPLE/session+token=='
    export AWS_SESSION_TOKEN
    expect_out v4-session-token 152baf0753cd52991354f76335ce8bba97998e1113b56b52490008e22adfb165 \
        --signature-version 4 --region eu-central-1 --timestamp 2026-11-21T12:00:00Z \
        --print signature "$V4_SQS" Action=ReceiveMessage Version=2012-11-05 \
        MaxNumberOfMessages=10
)
expect_exit v4-bad-version 2 --signature-version 3 "$V4_EC2" Action=X
expect_exit v4-authorization-of-get 2 --signature-version 4 --method GET \
    --print authorization "$V4_EC2" Action=X
expect_exit v4-url-of-post 2 --signature-version 4 --method POST --print url "$V4_EC2" Action=X
expect_exit v4-signature-method 2 --signature-version 4 --signature-method HmacSHA1 \
    "$V4_EC2" Action=X
expect_exit v4-expires 2 --signature-version 4 --expires 2026-01-01T00:00:00Z "$V4_EC2" Action=X
expect_exit v4-expires-in-range 2 --signature-version 4 --expires-in 604801 "$V4_EC2" Action=X
expect_exit v4-expires-in-v2 2 --signature-version 2 --expires-in 60 "$V4_EC2" Action=X
expect_exit v4-reserved 2 --signature-version 4 "$V4_EC2" X-Amz-Date=20260101T000000Z
expect_exit v4-bad-region 2 --signature-version 4 --region EU "$V4_EC2" Action=X
expect_exit v4-canonical-request-v2 2 --signature-version 2 --print canonical-request "$V4_EC2"

# ---- the secret never appears ---------------------------------------------------

grep -qF "$SECRET" "$tmp/all" && fail "the secret appeared in the output"
grep -qF "wJalrXUtnFEMI" "$tmp/all" && fail "part of the secret appeared in the output"

runs=$(wc -l <"$tmp/runs")
failures=$(wc -l <"$tmp/failures")
echo "awsv2-sign: $runs runs, $failures failures"
[ "$failures" -eq 0 ]
