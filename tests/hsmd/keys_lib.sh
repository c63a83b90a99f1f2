# Shared by the key-management shell tests (tests/hsmd/admin.sh,
# tests/pool/admin.sh), sourced after `set -u`: the programs (the test is
# skipped when one is not built), lib.sh, AWS's example key in
# $T/credentials, its second example pair in $ID2/$SECRET2, an environment
# without credentials, keys() through the admin listener $ADMIN (set by the
# test), and the request both sign with its signature by OpenSSL.
B=${top_builddir:-.}
EMU=$B/awsv2-due-emu HSMD=$B/daemon/awsv2-hsmd SIGN=$B/tools/awsv2-sign KEYS=$B/tools/awsv2-keys
for p in "$EMU" "$HSMD" "$SIGN" "$KEYS"; do
    [ -x "$p" ] || { echo "SKIP: $p not built"; exit 77; }
done
for c in openssl curl; do
    command -v $c > /dev/null || { echo "SKIP: no $c command"; exit 77; }
done

. "$top_srcdir/tests/hsmd/lib.sh"

cat > "$T/credentials" <<'CREDS'
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
CREDS
ID2=AKIAI44QH8DHBEXAMPLE SECRET2=je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY
export AWS_CONFIG_FILE="$T/none"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWSV2_SIGNER \
    AWSV2_HSMD_TOKEN AWS_CA_BUNDLE AWS_SHARED_CREDENTIALS_FILE

keys() { # awsv2-keys arguments; stdin passed on; output in $T/keys.out/err
    "$KEYS" --signer "$ADMIN" "$@" > "$T/keys.out" 2> "$T/keys.err"
}

# The request the tests sign (awsv2-sign's arguments), its string to sign
# for $ID2 in $T/sts, and OpenSSL's HMAC-SHA256 of it with $SECRET2 in
# $WANT.
args="--signature-version 2 --timestamp 2026-11-21T12:00:00Z https://ec2.us-east-1.amazonaws.com/ Action=DescribeInstances"
want_signature() {
    # shellcheck disable=SC2086
    AWS_ACCESS_KEY_ID=$ID2 AWS_SECRET_ACCESS_KEY=$SECRET2 "$SIGN" --signer openssl \
        --print string-to-sign $args > "$T/sts" 2> "$T/sts.err" || fail "no string to sign"
    WANT=$(printf '%s' "$(cat "$T/sts")" | openssl dgst -sha256 -hmac "$SECRET2" -binary | base64)
    [ -n "$WANT" ] || fail "openssl computed no HMAC"
}
