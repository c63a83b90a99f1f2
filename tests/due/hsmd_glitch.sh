#!/bin/sh
# awsv2-hsmd over a Due that repeats every reply line (due-glitch --double):
# 16 clients at once, and not one 200 carries a signature other than the
# HMAC of its own string to sign (Python's hmac is the oracle); every other
# answer is an error. Meanwhile awsv2-keys on the same device is refused.
. "$top_srcdir/tests/due/lib.sh"

HSMD=$top_builddir/daemon/awsv2-hsmd
GLITCH=$top_builddir/tests/due/due-glitch
for p in "$HSMD" "$GLITCH"; do
    [ -x "$p" ] || { echo "SKIP: $p not built"; exit 77; }
done
command -v python3 > /dev/null || { echo "SKIP: no python3"; exit 77; }

start_emu emu --import-credentials "$T/credentials"
start glitch "$GLITCH" --double "$PTY"
GPTY=$LINE
start hsmd "$HSMD" --listen 127.0.0.1:0 "due:$GPTY?timeout_ms=1000"
URL=$LINE

python3 - "$URL" <<'PY' || fail "see above"
import hashlib, hmac, json, sys, threading, urllib.error, urllib.request

url = sys.argv[1]
secret = b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
results = []


def sign(i):
    sts = ("GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE"
           "&Action=DescribeInstances&InstanceId.1=i-%08x&SignatureMethod=HmacSHA256"
           "&SignatureVersion=2&Timestamp=2026-11-21T12%%3A00%%3A00Z&Version=2016-11-15" % i)
    req = urllib.request.Request(url, data=sts.encode(), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            code, body = r.status, json.load(r)
    except urllib.error.HTTPError as e:
        code, body = e.code, json.load(e)
    want = hmac.new(secret, sts.encode(), hashlib.sha256).hexdigest()
    results.append((i, code, body, want))


for rnd in range(4):
    threads = [threading.Thread(target=sign, args=(rnd * 16 + i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

bad = 0
errors = 0
for i, code, body, want in results:
    if code == 200:
        if body.get("success") is not True or body.get("signature") != want:
            print("FAIL: request %d: 200 with a wrong signature: %s" % (i, body))
            bad += 1
    elif body.get("success") is not False or not body.get("error"):
        print("FAIL: request %d: %d without an error code: %s" % (i, code, body))
        bad += 1
    else:
        errors += 1
if len(results) != 64:
    print("FAIL: %d answers, not 64" % len(results))
    bad += 1
if errors == 0:
    print("FAIL: the doubling device was never caught")
    bad += 1
sys.exit(1 if bad else 0)
PY
# The daemon owns the device: another program is refused at once, told who.
if [ -x "$KEYS" ]; then
    expect_exit 3 "$KEYS" --signer "due:$GPTY" list
    grep "in use" "$T/err" | grep -q "awsv2-hsmd" || fail "owner not named: $(cat "$T/err")"
fi
echo "PASS: awsv2-hsmd over a device that repeats its replies"
