#!/bin/bash
# ec2-describe-instances and sqs-send with --signature-version 4 (and 2)
# signing through a device that holds AWS's example key, the host holding
# no secret, against awsv2-mock: through due: (awsv2-due-emu), or with the
# argument "http" through http:// -> awsv2-hsmd -> awsv2-due-emu
# (tests/hsmd/sigv4.sh). Instances listed, messages sent with their MD5s
# checked and received byte for byte; a device whose secret differs gets
# SignatureDoesNotMatch (exit 1). And `auto` signs SigV4 for EC2 in a
# region that refuses SigV2 (eu-central-1), SigV2 in us-east-1, with
# awsv2-sign and no network; the SigV4 header is botocore's.
. "${top_srcdir:?run me through make check}/tests/due/lib.sh"

via=${1:-due}
MOCK=$top_builddir/awsv2-mock
HSMD=$top_builddir/daemon/awsv2-hsmd
EC2=$top_builddir/examples/ec2-describe/ec2-describe-instances
SQS=$top_builddir/examples/sqs-send/sqs-send
SIGN=$top_builddir/tools/awsv2-sign
DRAIN=$top_builddir/tests/client/sqs-drain
for p in "$MOCK" "$EC2" "$SQS" "$SIGN" "$DRAIN"; do
    [ -x "$p" ] || { echo "SKIP: $p not built"; exit 77; }
done
[ "$via" = due ] || [ -x "$HSMD" ] || { echo "SKIP: $HSMD not built"; exit 77; }

# run PROGRAM ARGS...: PROGRAM signing through $SIGNER for $URL; no key,
# secret or configuration of the host's, the key id from the device.
run() {
    prog=$1; shift
    timeout 30 env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
        -u AWS_PROFILE -u AWSV2_SIGNER -u AWSV2_SIGNATURE_VERSION -u AWS_ENDPOINT_URL \
        -u AWS_ENDPOINT_URL_EC2 -u AWS_ENDPOINT_URL_SQS -u AWS_MAX_ATTEMPTS \
        AWS_SHARED_CREDENTIALS_FILE="$T/none" AWS_CONFIG_FILE="$T/none" \
        "$prog" --signer "$SIGNER" --region eu-central-1 "$@"
}

start mock "$MOCK" --port 0 --verbose --credentials "$T/credentials"; URL=$LINE
device good wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

# EC2: the same instances with either version; SigV4's string to sign.
expect_exit 0 run "$EC2" --endpoint "$URL" --signature-version 2
cp "$T/out" "$T/v2"
[ -s "$T/v2" ] || fail "no instances listed with SigV2"
awk 'NF != 4 || $2 !~ /^i-/ { bad = 1 } END { exit bad }' "$T/v2" ||
    fail "not 'reservationId instanceId instanceType stateName' lines: $(cat "$T/v2")"
expect_exit 0 run "$EC2" --endpoint "$URL" --signature-version 4 --page-size 5 --debug
cmp -s "$T/out" "$T/v2" || fail "SigV4 listed $(cat "$T/out"), SigV2 $(cat "$T/v2")"
grep -q '^AWS4-HMAC-SHA256$' "$T/err" || fail "--debug shows no SigV4 string to sign"
grep -q '/eu-central-1/ec2/aws4_request$' "$T/err" || fail "not the scope: $(cat "$T/err")"
grep -q 'POST / DescribeInstances -> 200' "$T/mock.err" || fail "the mock saw no SigV4 POST"
if [ "$via" = http ]; then
    grep -q 'POST /sign/aws4 key=AKIAIOSFODNN7EXAMPLE scope=eu-central-1/ec2 status=200' \
        "$T/good-hsmd.err" || fail "the daemon signed no SigV4: $(cat "$T/good-hsmd.err")"
    grep -q 'POST /sign/aws key=AKIAIOSFODNN7EXAMPLE action=DescribeInstances status=200' \
        "$T/good-hsmd.err" || fail "the daemon signed no SigV2: $(cat "$T/good-hsmd.err")"
fi

# SQS: messages sent with either version (sqs-send checks the MD5s the
# mock reports) come back byte for byte; the receiver is the test's own.
QUEUE=$(AWS_SHARED_CREDENTIALS_FILE=$T/credentials timeout 20 "$DRAIN" create "$URL" "sigv4-$via") ||
    fail "CreateQueue failed"
mkdir "$T/sent" "$T/got"
printf 'h\303\251llo \360\237\230\200 ~*/+=&%% #0' > "$T/sent/0"
printf 'tab\there\nnew line\r\n#1' > "$T/sent/1"
printf 'plain #2' > "$T/sent/2"
printf 'signed with SigV2 #3' > "$T/sent/3"
for i in 0 1 2 3; do
    v=4; [ "$i" = 3 ] && v=2
    set --
    [ "$i" = 1 ] && set -- --attribute 'Color=String:bl\u00e9' --attribute Raw=Binary:AAEC/w==
    expect_exit 0 run "$SQS" --endpoint "$URL" --queue-url "$QUEUE" --signature-version "$v" \
        --debug "$@" - < "$T/sent/$i"
    echo "$(cat "$T/out") $i" >> "$T/ids"
    if [ "$v" = 4 ]; then
        grep -q '/eu-central-1/sqs/aws4_request$' "$T/err" || fail "message $i: not SigV4: $(cat "$T/err")"
    else
        grep -q 'AWS4' "$T/err" && fail "message $i: not SigV2: $(cat "$T/err")"
    fi
done
AWS_SHARED_CREDENTIALS_FILE=$T/credentials timeout 60 "$DRAIN" drain "$URL" "$QUEUE" "$T/got" \
    > "$T/count" 2> "$T/err" || fail "draining failed: $(cat "$T/err")"
[ "$(cat "$T/count")" = 4 ] || fail "received $(cat "$T/count") messages, not 4"
while read -r id i; do
    cmp -s "$T/sent/$i" "$T/got/$id" || fail "message $i ($id) came back different"
done < "$T/ids"

# The MD5 check can fail: a service answering with wrong MD5s, exit 1.
start badmd5 "$MOCK" --port 0 --wrong-md5 --credentials "$T/credentials"; BAD_URL=$LINE
BAD_QUEUE=$(AWS_SHARED_CREDENTIALS_FILE=$T/credentials timeout 20 "$DRAIN" create "$BAD_URL" md5) ||
    fail "CreateQueue failed"
expect_exit 1 run "$SQS" --endpoint "$BAD_URL" --queue-url "$BAD_QUEUE" --signature-version 4 hi
grep -q 'MD5OfMessageBody' "$T/err" || fail "no MD5 complaint: $(cat "$T/err")"

# awsv2-sign's auto, no network: SigV4 where SigV2 is refused, SigV2 in
# us-east-1 (whose --print authorization is a usage error).
for v in auto 4; do
    expect_exit 0 run "$SIGN" --signature-version "$v" --timestamp 2026-11-21T12:00:00Z \
        --print authorization https://ec2.eu-central-1.amazonaws.com/ \
        Action=DescribeInstances Version=2016-11-15
    cp "$T/out" "$T/authorization-$v"
done
grep -q '^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261121/eu-central-1/ec2/aws4_request, ' \
    "$T/authorization-auto" || fail "auto in eu-central-1: $(cat "$T/authorization-auto")"
cmp -s "$T/authorization-auto" "$T/authorization-4" || fail "auto and 4 signed differently"
PYTHON=python3
/usr/bin/python3 -c 'import botocore' 2>/dev/null && PYTHON=/usr/bin/python3
if "$PYTHON" -c 'import botocore' 2>/dev/null; then
    "$PYTHON" - "$top_srcdir/tests/core" "$T/authorization-auto" <<'PY' || fail "see above"
import sys
sys.path.insert(0, sys.argv[1])
import sigv4_oracle
want = sigv4_oracle.botocore_sign({
    "method": "POST", "endpoint": "https://ec2.eu-central-1.amazonaws.com/",
    "params": {"Action": "DescribeInstances", "Version": "2016-11-15"}, "token": None,
    "region": "eu-central-1", "service": "ec2", "epoch": 1795262400, "expires": 0})[2]
got = open(sys.argv[2]).read().rstrip("\n")
if got != want:
    print("FAIL: Authorization %r, botocore's %r" % (got, want), file=sys.stderr)
    sys.exit(1)
PY
fi
expect_exit 0 run "$SIGN" --region us-east-1 --signature-version auto \
    --timestamp 2026-11-21T12:00:00Z https://ec2.us-east-1.amazonaws.com/ \
    Action=DescribeInstances Version=2016-11-15
grep -q '[?&]SignatureVersion=2&' "$T/out" || fail "auto in us-east-1: $(cat "$T/out")"
grep -q 'X-Amz-' "$T/out" && fail "auto in us-east-1 signed SigV4: $(cat "$T/out")"
expect_exit 2 run "$SIGN" --region us-east-1 --signature-version auto \
    --print authorization https://ec2.us-east-1.amazonaws.com/ Action=DescribeInstances
grep -q 'for --signature-version 4' "$T/err" || fail "us-east-1 authorization: $(cat "$T/err")"

# A device holding another secret for the key: the mock refuses, exit 1.
device tampered wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ
for v in 4 2; do
    expect_exit 1 run "$EC2" --endpoint "$URL" --signature-version "$v"
    grep -q 'SignatureDoesNotMatch\|AuthFailure' "$T/err" || fail "tampered device (EC2, SigV$v): $(cat "$T/err")"
    expect_exit 1 run "$SQS" --endpoint "$URL" --queue-url "$QUEUE" --signature-version "$v" refused
    grep -q 'SignatureDoesNotMatch' "$T/err" || fail "tampered device (SQS, SigV$v): $(cat "$T/err")"
done
grep -q 'wJalrXUtnFEMI' "$T/printed" "$T"/*.err && fail "a secret was printed"
# A sanitizer's report may come with the very status a step expects.
grep -qE 'Sanitizer|runtime error:' "$T/printed" "$T"/*.err && fail "$(cat "$T/printed" "$T"/*.err)"
echo "PASS: EC2 and SQS with SigV4 and SigV2 through $via"
