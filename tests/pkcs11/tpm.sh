#!/bin/sh
# The pkcs11: backend on a TPM 2.0: tpm2-pkcs11 over tpm2-abrmd (on a
# D-Bus session bus of the test's own) over swtpm, all started here on
# loopback. What that stack can do is tested (docs/pkcs11.md, "A TPM"):
# a key imported with tpm2_ptool as hmac:sha256 signs SigV2 HmacSHA256 and
# SigV4 (its ID/aws4 object giving kDate) as OpenSSL does; awsv2-keys list
# shows it. What it cannot do gives a clear error, exit 3: an imported key
# is marked extractable until tpm2_ptool objmod says otherwise (refused
# until then); C_CreateObject of a secret key (awsv2-keys put) is not
# implemented by tpm2-pkcs11; a key imported for SHA-256 does not sign
# HMAC-SHA1. Missing packages are a failure, never a skip.
. "${top_srcdir:?run me through make check}/tests/pkcs11/lib.sh"

SIGN=$top_builddir/tools/awsv2-sign
[ -x "$SIGN" ] || fail "$SIGN not built"
for p in swtpm tpm2-abrmd dbus-daemon tpm2_ptool tpm2_getcap python3; do
    command -v "$p" > /dev/null || fail "$p is not installed (on Debian: apt-get install swtpm \
swtpm-tools tpm2-tools tpm2-abrmd libtss2-tcti-tabrmd0 libtpm2-pkcs11-1 libtpm2-pkcs11-tools \
dbus python3)"
done
TPM_MODULE=
for m in /usr/lib/*/pkcs11/libtpm2_pkcs11.so /usr/lib/*/libtpm2_pkcs11.so.1 \
         /usr/lib64/pkcs11/libtpm2_pkcs11.so /usr/local/lib/libtpm2_pkcs11.so; do
    [ -n "$TPM_MODULE" ] || [ ! -r "$m" ] || TPM_MODULE=$m
done
[ -n "$TPM_MODULE" ] || fail "tpm2-pkcs11 is not installed (on Debian: apt-get install libtpm2-pkcs11-1)"

# Two free consecutive loopback ports: the TPM's and its control port (the
# swtpm TCTI takes the second to be the first + 1).
PORT=$(python3 -c '
import random, socket
for _ in range(200):
    p = random.randrange(20000, 60000, 2)
    try:
        for q in (p, p + 1):
            s = socket.socket(); s.bind(("127.0.0.1", q)); s.close()
        print(p); break
    except OSError:
        pass
') || fail "no free loopback ports"
mkdir "$T/state" "$T/store"
swtpm socket --tpm2 --tpmstate dir="$T/state" --flags not-need-init,startup-clear \
    --server type=tcp,port="$PORT",bindaddr=127.0.0.1 \
    --ctrl type=tcp,port=$((PORT + 1)),bindaddr=127.0.0.1 2> "$T/swtpm.err" &
PIDS="$PIDS $!"

# A session bus of our own, for tpm2-abrmd (the resource manager: without
# one, tpm2_ptool runs the TPM out of object slots, TPM_RC_OBJECT_MEMORY).
rm -f "$T/bus"; mkfifo "$T/bus"
dbus-daemon --session --nofork --print-address=1 > "$T/bus" 2> "$T/dbus.err" &
PIDS="$PIDS $!"
DBUS_SESSION_BUS_ADDRESS=$(timeout 10 head -n 1 "$T/bus") || true
[ -n "$DBUS_SESSION_BUS_ADDRESS" ] || fail "dbus-daemon did not start: $(cat "$T/dbus.err")"
export DBUS_SESSION_BUS_ADDRESS

# until CMD...: CMD retried for 20 s at most (a daemon getting ready).
until_ok() {
    i=0
    until "$@" > /dev/null 2>&1; do
        i=$((i + 1)); [ "$i" -lt 200 ] || return 1
        sleep 0.1
    done
}
until_ok env TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=$PORT" tpm2_getcap properties-fixed ||
    fail "swtpm did not start: $(cat "$T/swtpm.err")"
root=; [ "$(id -u)" = 0 ] && root=--allow-root
tpm2-abrmd --session --flush-all $root --tcti="swtpm:host=127.0.0.1,port=$PORT" \
    2> "$T/abrmd.err" &
PIDS="$PIDS $!"
export TPM2TOOLS_TCTI=tabrmd:bus_type=session TPM2_PKCS11_TCTI=tabrmd:bus_type=session
export TPM2_PKCS11_STORE=$T/store
until_ok tpm2_getcap properties-fixed || fail "tpm2-abrmd did not start: $(cat "$T/abrmd.err")"

# A token, and the example key imported as HMAC-SHA256: its secret and
# "AWS4" + secret (SigV4), from files only we can read, removed after.
tpm2_ptool init --path "$T/store" > "$T/ptool.out" 2>&1 || fail "tpm2_ptool init: $(cat "$T/ptool.out")"
tpm2_ptool addtoken --pid=1 --sopin=12345678 --userpin="$PIN" --label=tpm --path "$T/store" \
    > "$T/ptool.out" 2>&1 || fail "tpm2_ptool addtoken: $(cat "$T/ptool.out")"
(umask 077; printf '%s' "$SECRET" > "$T/k"; printf 'AWS4%s' "$SECRET" > "$T/k4")
for l in AKIAIOSFODNN7EXAMPLE:k AKIAIOSFODNN7EXAMPLE/aws4:k4; do
    tpm2_ptool import --label tpm --key-label "${l%:*}" --userpin "$PIN" --privkey "$T/${l#*:}" \
        --algorithm hmac:sha256 --path "$T/store" > "$T/ptool.out" 2>&1 ||
        fail "tpm2_ptool import: $(cat "$T/ptool.out")"
done
rm "$T/k" "$T/k4"

TPM="pkcs11:token=tpm?module-path=$TPM_MODULE&pin-source=file:$T/pin"
signature() { # signer args...: the signature awsv2-sign prints
    signer=$1; shift
    env -u AWS_SECRET_ACCESS_KEY AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE \
        AWS_SHARED_CREDENTIALS_FILE="$T/none" AWS_CONFIG_FILE="$T/none" \
        "$SIGN" --signer "$signer" --timestamp 2026-11-21T12:00:00Z --print signature "$@"
}
openssl_signature() {
    AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=$SECRET \
        "$SIGN" --signer openssl --timestamp 2026-11-21T12:00:00Z --print signature "$@"
}
V2="--signature-version 2 https://ec2.amazonaws.com/ Action=DescribeInstances"
V4="--signature-version 4 https://ec2.eu-central-1.amazonaws.com/ Action=DescribeInstances"

# Imported keys are marked extractable: refused, saying why.
expect_exit 3 signature "$TPM" $V2
grep -q 'CKA_EXTRACTABLE' "$T/err" || fail "an extractable TPM key: $(cat "$T/err")"
tpm2_ptool listobjects --label tpm --path "$T/store" > "$T/objects" 2>&1 ||
    fail "tpm2_ptool listobjects: $(cat "$T/objects")"
for id in $(sed -n 's/^  id: //p' "$T/objects"); do
    tpm2_ptool objmod --id "$id" --key CKA_EXTRACTABLE --value false --type bool \
        --path "$T/store" > "$T/ptool.out" 2>&1 || fail "tpm2_ptool objmod: $(cat "$T/ptool.out")"
done

expect_exit 0 "$KEYS" --signer "$TPM" list
[ "$(cat "$T/out")" = AKIAIOSFODNN7EXAMPLE ] || fail "TPM list: $(cat "$T/out")"
for v in "$V2" "$V4"; do
    expected=$(openssl_signature $v)
    expect_exit 0 signature "$TPM" $v
    [ -n "$expected" ] && [ "$(cat "$T/out")" = "$expected" ] ||
        fail "TPM signature $(cat "$T/out"), OpenSSL's $expected ($v)"
done

# What tpm2-pkcs11 cannot do: each a clear error, exit 3.
expect_exit 3 signature "$TPM" --signature-method HmacSHA1 $V2
grep -q 'cannot sign with HMAC-SHA1' "$T/err" || fail "HMAC-SHA1 on the TPM: $(cat "$T/err")"
printf '%s\n' je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY |
    expect_exit 3 "$KEYS" --signer "$TPM" put AKIAI44QH8DHBEXAMPLE
grep -q 'C_CreateObject failed' "$T/err" || fail "put on the TPM: $(cat "$T/err")"

cat "$T"/*.err >> "$T/printed"
! grep -q -F "$SECRET" "$T/printed" || fail "the secret was printed"
! grep -q -F "$PIN" "$T/printed" || fail "the PIN was printed"
echo "PASS: pkcs11: on a TPM (tpm2-pkcs11, swtpm)"
