#!/bin/sh
# Key policies and the audit log through awsv2-keys, awsv2-due-emu and
# awsv2-mock: a key allowed only DescribeInstances lists instances but is
# refused SendMessage (policy-denied, exit 3); a rate limit refuses a
# burst; `policy` prints what was stored; `audit` shows every request and
# its chain, and a copy of its output with a record altered, removed or
# reordered fails the check; strict audit mode stops signing at 16 unread
# records until they are read. The chain values are checked independently
# with Python's hashlib.
. "$top_srcdir/tests/due/lib.sh"

MOCK=$top_builddir/awsv2-mock
EC2=$top_builddir/examples/ec2-describe/ec2-describe-instances
SQS=$top_builddir/examples/sqs-send/sqs-send
SIGN=$top_builddir/tools/awsv2-sign
for p in "$MOCK" "$EC2" "$SQS" "$SIGN"; do
    [ -x "$p" ] || { echo "SKIP: $p not built"; exit 77; }
done
command -v python3 > /dev/null || { echo "SKIP: no python3"; exit 77; }

SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
SECRET2=je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY

rm -f "$T/mock.out"; mkfifo "$T/mock.out"
"$MOCK" --port 0 --credentials "$T/credentials" > "$T/mock.out" 2> "$T/mock.err" &
PIDS="$PIDS $!"
URL=$(timeout 10 head -n 1 "$T/mock.out") || true
[ -n "$URL" ] || fail "awsv2-mock did not start: $(cat "$T/mock.err")"

start_emu emu --keystore "$T/keystore"
DUE="--signer due:$PTY"

# Bad policy values are usage errors naming the field, before the device
# is asked (nothing stored).
for bad in "--allow-action Describe-Instances" "--allow-version 3" "--rate 10/h" \
    "--max-expires 0" "--allow-method PUT" "--allow-region US-EAST-1" \
    "--allow-host a;b" "--allow-service ''"; do
    opt=${bad%% *}
    printf '%s\n' "$SECRET" | expect_exit 2 "$KEYS" $DUE put $bad AKIAIOSFODNN7EXAMPLE
    grep -q -e "--${opt#--}" "$T/err" || fail "$bad: the message names no option: $(cat "$T/err")"
done
grep -q "policy field rate" "$T/printed" || fail "no message names the field rate"
expect_exit 0 "$KEYS" $DUE list
[ ! -s "$T/out" ] || fail "a refused put stored a key: $(cat "$T/out")"

printf '%s\n' "$SECRET" | expect_exit 0 "$KEYS" $DUE put --allow-action DescribeInstances \
    --allow-method GET,POST --allow-version 2,4 AKIAIOSFODNN7EXAMPLE
printf '%s\n' "$SECRET2" | expect_exit 0 "$KEYS" $DUE put --rate 1/min AKIAI44QH8DHBEXAMPLE

expect_exit 0 "$KEYS" $DUE policy AKIAIOSFODNN7EXAMPLE
printf 'action=DescribeInstances\nversion=2,4\nmethod=GET,POST\n' > "$T/want"
cmp -s "$T/out" "$T/want" || fail "policy printed: $(cat "$T/out")"
expect_exit 0 "$KEYS" $DUE policy AKIAI44QH8DHBEXAMPLE
[ "$(cat "$T/out")" = "rate=1/min" ] || fail "policy of the rate-limited key: $(cat "$T/out")"
expect_exit 3 "$KEYS" $DUE policy AKIAJ7EXAMPLEEXAMPLE
grep -q unknown-awsaccesskey "$T/err" || fail "policy of a missing key: $(cat "$T/err")"

client_env() {
    env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
        -u AWSV2_SIGNER AWS_SHARED_CREDENTIALS_FILE="$T/none" AWS_CONFIG_FILE="$T/none" "$@"
}
expect_exit 0 client_env "$EC2" --signer "due:$PTY" --endpoint "$URL" --region us-east-1 \
    --access-key-id AKIAIOSFODNN7EXAMPLE
[ -s "$T/out" ] || fail "no instances listed"
expect_exit 3 client_env "$SQS" --signer "due:$PTY" --endpoint "$URL" --region us-east-1 \
    --access-key-id AKIAIOSFODNN7EXAMPLE --queue-url "$URL/123456789012/q" hello
grep -q policy-denied "$T/err" || fail "SendMessage under DescribeInstances: $(cat "$T/err")"

# 1/min: one signature, then the bucket is empty for a minute.
REQ="http://127.0.0.1:1/ Action=DescribeInstances"
expect_exit 0 client_env "$SIGN" $DUE --access-key-id AKIAI44QH8DHBEXAMPLE --print signature $REQ
expect_exit 3 client_env "$SIGN" $DUE --access-key-id AKIAI44QH8DHBEXAMPLE --print signature $REQ
grep -q rate-limited "$T/err" || fail "second signature within a minute: $(cat "$T/err")"

expect_exit 0 "$KEYS" $DUE audit
cp "$T/out" "$T/audit"
grep -q " AKIAIOSFODNN7EXAMPLE 2 DescribeInstances [^ ]* ok " "$T/audit" ||
    fail "no DescribeInstances ok record: $(cat "$T/audit")"
grep -q " AKIAIOSFODNN7EXAMPLE [24] SendMessage [^ ]* policy-denied " "$T/audit" ||
    fail "no SendMessage policy-denied record: $(cat "$T/audit")"
grep -q " AKIAI44QH8DHBEXAMPLE 2 DescribeInstances [^ ]* rate-limited " "$T/audit" ||
    fail "no rate-limited record: $(cat "$T/audit")"
grep -q "chain verified" "$T/err" || fail "audit did not verify: $(cat "$T/err")"

# The chain, computed apart from the code under test.
python3 - "$T/audit" <<'PY' || fail "the audit chain does not match Python's SHA-256"
import hashlib, sys
prev = bytes(32)
for n, line in enumerate(open(sys.argv[1])):
    text, chain = line.rstrip("\n").rsplit(" ", 1)
    assert int(text.split(" ")[0]) == n, line
    prev = hashlib.sha256(prev + text.encode()).digest()
    assert prev.hex() == chain, line
PY

# A later read from where this one stopped continues the chain.
next=$(sed -n 's/.*next: --since \([0-9]*\) --chain \([0-9a-f]*\).*/\1 \2/p' "$T/err")
[ -n "$next" ] || fail "audit gave no continuation: $(cat "$T/err")"
expect_exit 0 "$KEYS" $DUE audit --since "${next% *}" --chain "${next#* }"
[ ! -s "$T/out" ] || fail "records appeared from nowhere: $(cat "$T/out")"
expect_exit 1 "$KEYS" $DUE audit --since "${next% *}" --chain "$(printf '%064d' 0)"
grep -q "chain broken" "$T/err" || fail "a wrong --chain was accepted: $(cat "$T/err")"

# Tampering with a kept copy.
expect_exit 0 "$KEYS" --verify-file "$T/audit" audit
sed 's/ policy-denied / ok /' "$T/audit" > "$T/forged"
expect_exit 1 "$KEYS" --verify-file "$T/forged" audit
sed '2d' "$T/audit" > "$T/removed"
expect_exit 1 "$KEYS" --verify-file "$T/removed" audit
awk 'NR == 2 { held = $0; next } { print } NR == 3 { print held }' "$T/audit" > "$T/reordered"
expect_exit 1 "$KEYS" --verify-file "$T/reordered" audit
grep -q "chain broken" "$T/err" || fail "reordering not reported: $(cat "$T/err")"

# Strict mode: 16 unread records stop the device until they are read.
expect_exit 0 "$KEYS" $DUE audit-mode strict
i=0
while [ $i -lt 16 ]; do
    expect_exit 0 client_env "$SIGN" $DUE --access-key-id AKIAIOSFODNN7EXAMPLE \
        --print signature $REQ
    i=$((i + 1))
done
expect_exit 3 client_env "$SIGN" $DUE --access-key-id AKIAIOSFODNN7EXAMPLE --print signature $REQ
grep -q audit-full "$T/err" || fail "a 17th unread record in strict mode: $(cat "$T/err")"
expect_exit 0 "$KEYS" $DUE audit --since "${next% *}" --chain "${next#* }"
[ "$(grep -c " DescribeInstances [^ ]* ok " "$T/out")" = 16 ] ||
    fail "strict mode's 16 records: $(cat "$T/out")"
expect_exit 0 client_env "$SIGN" $DUE --access-key-id AKIAIOSFODNN7EXAMPLE --print signature $REQ
expect_exit 0 "$KEYS" $DUE audit-mode wrap
expect_exit 2 "$KEYS" $DUE audit-mode sometimes
expect_exit 0 "$KEYS" $DUE lock
expect_exit 3 "$KEYS" $DUE audit-mode strict
grep -q locked "$T/err" || fail "audit-mode after lock: $(cat "$T/err")"

if grep -q -e "$SECRET" -e "$SECRET2" "$T/printed"; then
    fail "a secret was printed"
fi
echo "PASS: key policies and the audit log"
