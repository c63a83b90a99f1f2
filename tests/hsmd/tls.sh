#!/bin/sh
# awsv2-hsmd over HTTPS (--tls-cert/--tls-key) and the https:// signer:
# a CA and certificates made here with the openssl command; signatures
# through ca_bundle= and AWS_CA_BUNDLE checked against OpenSSL's HMAC; a
# daemon refused (AWSV2_E_TLS, exit 4, a message that says what to do)
# without its CA, with a certificate for another name, and with an expired
# one; a key file open to others or a symbolic link refused at start; and
# the AWS client's libcurl honouring AWS_CA_BUNDLE against an HTTPS server.
set -u
B=${top_builddir:-.}
HSMD=$B/daemon/awsv2-hsmd SIGN=$B/tools/awsv2-sign
EC2=$B/examples/ec2-describe/ec2-describe-instances
for p in "$HSMD" "$SIGN"; do
    [ -x "$p" ] || { echo "SKIP: $p not built"; exit 77; }
done
command -v openssl > /dev/null || { echo "SKIP: no openssl command"; exit 77; }

. "$(dirname "$0")/lib.sh"

# A CA, and server certificates it signs: name, days, subjectAltName.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" -out "$T/ca.pem" -days 2 \
    -subj /CN=libawsv2-test-ca > /dev/null 2>&1 || fail "cannot make the CA"
cert() {
    openssl req -newkey rsa:2048 -nodes -keyout "$T/$1.key" -out "$T/$1.csr" \
        -subj "/CN=$1" > /dev/null 2>&1 &&
    printf 'subjectAltName=%s\n' "$3" > "$T/$1.ext" &&
    openssl x509 -req -in "$T/$1.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
        -out "$T/$1.pem" -days "$2" -extfile "$T/$1.ext" > /dev/null 2>&1 &&
    chmod 600 "$T/$1.key" || fail "cannot make the certificate $1"
}
cert good 2 IP:127.0.0.1,DNS:localhost
cert other 2 DNS:other.example
cert expired -1 IP:127.0.0.1,DNS:localhost

cat > "$T/credentials" <<'CREDS'
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
CREDS
SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_SHARED_CREDENTIALS_FILE="$T/credentials" AWS_CONFIG_FILE="$T/none"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWSV2_SIGNER \
    AWSV2_HSMD_TOKEN AWS_CA_BUNDLE

hsmd() { # name, then the certificate's name
    start "$1" "$HSMD" --listen 127.0.0.1:0 --tls-cert "$T/$2.pem" --tls-key "$T/$2.key" openssl
}
hsmd hsmd good; URL=$LINE
hsmd other other; OTHER=$LINE
hsmd expired expired; EXPIRED=$LINE
case $URL in https://127.0.0.1:*/sign/aws) ;; *) fail "the daemon printed '$URL'" ;; esac

sign() { # signer spec; prints the signature of a fixed request
    "$SIGN" --signer "$1" --signature-version 2 --timestamp 2026-11-21T12:00:00Z \
        --print signature https://ec2.us-east-1.amazonaws.com/ Action=DescribeInstances \
        2> "$T/sign.err"
}
# The oracle: OpenSSL's HMAC-SHA256 of the string to sign.
"$SIGN" --signer openssl --signature-version 2 --timestamp 2026-11-21T12:00:00Z \
    --print string-to-sign https://ec2.us-east-1.amazonaws.com/ Action=DescribeInstances \
    > "$T/sts" 2> "$T/sts.err" || fail "no string to sign"
WANT=$(printf '%s' "$(cat "$T/sts")" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64)
[ -n "$WANT" ] || fail "openssl computed no HMAC"

got=$(sign "$URL?ca_bundle=$T/ca.pem") || fail "ca_bundle=: exit $? ($(cat "$T/sign.err"))"
[ "$got" = "$WANT" ] || fail "ca_bundle=: signature $got, want $WANT"
local_url=$(printf '%s' "$URL" | sed 's/127\.0\.0\.1/localhost/')
got=$(AWS_CA_BUNDLE="$T/ca.pem" sign "$local_url") ||
    fail "AWS_CA_BUNDLE via localhost: exit $? ($(cat "$T/sign.err"))"
[ "$got" = "$WANT" ] || fail "AWS_CA_BUNDLE: signature $got, want $WANT"
# ca_bundle= wins over AWS_CA_BUNDLE.
got=$(AWS_CA_BUNDLE="$T/none.pem" sign "$URL?ca_bundle=$T/ca.pem") ||
    fail "ca_bundle= did not win over AWS_CA_BUNDLE: $(cat "$T/sign.err")"
[ "$got" = "$WANT" ] || fail "ca_bundle= over AWS_CA_BUNDLE: signature $got"

refused() { # what, exit status wanted, text the message must hold, spec
    sign "$4" > /dev/null
    rc=$?
    [ "$rc" -eq "$2" ] || fail "$1: exit $rc, want $2 ($(cat "$T/sign.err"))"
    grep -q -- "$3" "$T/sign.err" || fail "$1: message lacks '$3': $(cat "$T/sign.err")"
}
refused "without the CA" 4 "not signed by a CA this host trusts: give its CA with ca_bundle=FILE or AWS_CA_BUNDLE" "$URL"
refused "another name" 4 "not for this host name" "$OTHER?ca_bundle=$T/ca.pem"
refused "expired" 4 "has expired" "$EXPIRED?ca_bundle=$T/ca.pem"
refused "unreadable CA bundle" 4 "cannot read the CA bundle" "$URL?ca_bundle=$T/none.pem"
refused "plain http to https" 3 "" "$(printf '%s' "$URL" | sed 's/^https/http/')"

# A key file open to others, or a symbolic link to one, stops the daemon.
start_refused() { # what, text the message must hold, key file
    "$HSMD" --listen 127.0.0.1:0 --tls-cert "$T/good.pem" --tls-key "$3" openssl \
        > "$T/refused.out" 2> "$T/refused.log"
    rc=$?
    [ "$rc" -eq 2 ] || fail "$1: daemon exit $rc, want 2 ($(cat "$T/refused.log"))"
    [ ! -s "$T/refused.out" ] || fail "$1: the daemon printed a URL"
    grep -q -- "$2" "$T/refused.log" || fail "$1: message lacks '$2': $(cat "$T/refused.log")"
}
cp "$T/good.key" "$T/open.key" && chmod 640 "$T/open.key"
start_refused "key file mode 0640" "too open" "$T/open.key"
ln -s "$T/good.key" "$T/link.key"
start_refused "key file symlink" "symbolic link" "$T/link.key"
printf 'not a key\n' > "$T/junk.key" && chmod 600 "$T/junk.key"
start_refused "not a key" "PEM certificate and its private key" "$T/junk.key"
"$HSMD" --tls-cert "$T/good.pem" openssl > /dev/null 2> "$T/refused.log"
[ $? -eq 2 ] || fail "--tls-cert without --tls-key: not a usage error"

# The AWS client's libcurl honours AWS_CA_BUNDLE too: against the daemon's
# HTTPS port (no AWS service: a 404), TLS must succeed with the CA (exit 1,
# a service error) and fail without it (exit 4).
if [ -x "$EC2" ]; then
    ENDPOINT=$(printf '%s' "$URL" | sed 's,/sign/aws$,/,')
    AWS_CA_BUNDLE="$T/ca.pem" "$EC2" --signer openssl --endpoint "$ENDPOINT" \
        --region us-east-1 > /dev/null 2> "$T/ec2.log"
    rc=$?
    [ "$rc" -eq 1 ] || fail "client with AWS_CA_BUNDLE: exit $rc, want 1: $(cat "$T/ec2.log")"
    "$EC2" --signer openssl --endpoint "$ENDPOINT" --region us-east-1 > /dev/null 2> "$T/ec2.log"
    rc=$?
    [ "$rc" -eq 4 ] || fail "client without the CA: exit $rc, want 4: $(cat "$T/ec2.log")"
    grep -q "TLS" "$T/ec2.log" || fail "client without the CA: $(cat "$T/ec2.log")"
fi
echo "PASS"
