#!/bin/sh
# The original client's demo (tests/legacy/original: demo.py and aws.py of
# the hack this project grew from, MPL-2.0, ported from Python 2 to 3 and
# nothing else) lists the instances of awsv2-mock through awsv2-hsmd, the
# daemon signing on the original firmware (hsm-standin) and on today's
# (awsv2-due-emu). Its listing must be what ec2-describe-instances lists.
#
# The demo is run as its README tells a user to: its two "CHANGE THIS"
# settings (the key id, the daemon's URL) are set in a copy. Its EC2
# endpoint, https://ec2.amazonaws.com, is hardcoded (EC2Service takes an
# endpoint but does not pass it on), so a test-side sitecustomize
# (tests/legacy/shim) sends that host's requests to the mock with the Host
# the demo signed, and refuses to resolve any name but loopback: nothing can
# leave this machine. See tests/legacy/README.md.
. "$top_srcdir/tests/due/lib.sh"

MOCK=$top_builddir/awsv2-mock
HSMD=$top_builddir/daemon/awsv2-hsmd
EC2=$top_builddir/examples/ec2-describe/ec2-describe-instances
STANDIN=$top_builddir/tests/legacy/hsm-standin
for p in "$MOCK" "$HSMD" "$EC2" "$STANDIN" "$EMU"; do
    [ -x "$p" ] || { echo "SKIP: $p not built"; exit 77; }
done
# $PYTHON3, else the first python3 with requests (Debian: python3-requests).
PYTHON=
for p in ${PYTHON3:-} python3 /usr/bin/python3; do
    if "$p" -c 'import requests' 2> /dev/null; then PYTHON=$p; break; fi
done
[ -n "$PYTHON" ] || { echo "SKIP: no python3 with requests (python3-requests)"; exit 77; }

start mock "$MOCK" --port 0 --credentials "$T/credentials"
URL=$LINE
AWS_SHARED_CREDENTIALS_FILE="$T/credentials" AWS_CONFIG_FILE="$T/none" \
    expect_exit 0 "$EC2" --signer openssl --endpoint "$URL" --region us-east-1
cp "$T/out" "$T/want"
[ -s "$T/want" ] || fail "ec2-describe-instances listed nothing"

# demo NAME SIGN_URL: the demo, configured for the daemon at SIGN_URL.
demo() {
    mkdir -p "$T/$1"
    cp "$top_srcdir/tests/legacy/original/aws.py" "$T/$1/"
    sed -e 's|^AWS_ACCESS_KEY_ID=.*|AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE"|' \
        -e "s|^HSM_API_URL=.*|HSM_API_URL=\"$2\"|" \
        "$top_srcdir/tests/legacy/original/demo.py" > "$T/$1/demo.py"
    grep -q '^AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE"$' "$T/$1/demo.py" &&
        grep -q "^HSM_API_URL=\"$2\"\$" "$T/$1/demo.py" || fail "cannot configure the demo"
    rc=0
    (cd "$T/$1" && PYTHONPATH="$top_srcdir/tests/legacy/shim" AWSV2_DEMO_EC2_URL="$URL" \
        timeout 120 "$PYTHON" demo.py) > "$T/out" 2> "$T/err" || rc=$?
    [ "$rc" = 0 ] || fail "demo.py through $1 exited $rc: $(cat "$T/out" "$T/err")"
    cmp -s "$T/out" "$T/want" ||
        fail "demo.py through $1 listed otherwise: $(diff "$T/want" "$T/out"; cat "$T/err")"
}

# The original firmware behind the daemon: the whole original stack but
# for hsmd.py.
printf 'AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' > "$T/keys"
start standin "$STANDIN" --keys "$T/keys"
start hsmd-legacy "$HSMD" --listen 127.0.0.1:0 "due:$LINE"
demo legacy "$LINE"
grep -q 'original-firmware' "$T/hsmd-legacy.err" ||
    fail "the daemon does not say it signs on the original firmware: $(cat "$T/hsmd-legacy.err")"

# Today's firmware, in the emulator.
start_emu emu --import-credentials "$T/credentials"
start hsmd "$HSMD" --listen 127.0.0.1:0 "due:$PTY"
demo current "$LINE"
echo "PASS: the original demo, $(wc -l < "$T/want") instances, through awsv2-hsmd"
