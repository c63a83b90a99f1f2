#!/bin/sh
# Key management through awsv2-hsmd's admin listener (--admin-listen):
# awsv2-keys --signer http://localhost/admin?unix_socket=PATH stores a key
# on awsv2-due-emu while the daemon signs; the new key signs through the
# main listener (checked against OpenSSL's HMAC); list, key-exists,
# a policy stored and read back; delete, lock then locked; the main listener answers 404 to /admin/;
# the admin socket is mode 0600; the secret never reaches the log.
set -u
. "$top_srcdir/tests/hsmd/keys_lib.sh"

start emu "$EMU" --import-credentials "$T/credentials"; PTY=$LINE
start hsmd "$HSMD" --listen 127.0.0.1:0 --admin-listen "unix:$T/admin.sock" "due:$PTY"
URL=$LINE HSMD_PID=$LAST_PID
ADMIN="http://localhost/admin?unix_socket=$T/admin.sock"

mode=$(stat -c %a "$T/admin.sock") || fail "no admin socket"
[ "$mode" = 600 ] || fail "admin socket mode $mode, want 600"

keys list || fail "list: exit $? ($(cat "$T/keys.err"))"
[ "$(cat "$T/keys.out")" = AKIAIOSFODNN7EXAMPLE ] || fail "list: $(cat "$T/keys.out")"

printf '%s\n' "$SECRET2" | keys put "$ID2" || fail "put: exit $? ($(cat "$T/keys.err"))"
keys list || fail "list after put: exit $?"
printf 'AKIAI44QH8DHBEXAMPLE\nAKIAIOSFODNN7EXAMPLE\n' > "$T/want"
sort "$T/keys.out" | cmp -s - "$T/want" || fail "list after put: $(cat "$T/keys.out")"

# The new key signs through the main listener; the oracle is OpenSSL.
want_signature
grep -q "AWSAccessKeyId=$ID2" "$T/sts" || fail "string to sign without $ID2"
# shellcheck disable=SC2086
got=$(AWS_ACCESS_KEY_ID=$ID2 "$SIGN" --signer "$URL" --print signature $args 2> "$T/sign.err") ||
    fail "signing with $ID2: exit $? ($(cat "$T/sign.err"))"
[ "$got" = "$WANT" ] || fail "signature $got, want $WANT"

printf '%s\n' "$SECRET2" | keys put "$ID2"
rc=$?
[ $rc = 3 ] || fail "put of an existing id: exit $rc, want 3"
grep -q key-exists "$T/keys.err" || fail "put of an existing id: $(cat "$T/keys.err")"

keys delete "$ID2" || fail "delete: exit $? ($(cat "$T/keys.err"))"
keys list || fail "list after delete: exit $?"
[ "$(cat "$T/keys.out")" = AKIAIOSFODNN7EXAMPLE ] || fail "list after delete: $(cat "$T/keys.out")"

# A policy goes with the key and reads back as the device stored it.
printf '%s\n' "$SECRET2" | keys put --allow-action DescribeInstances --rate 10/s "$ID2" ||
    fail "put with a policy: exit $? ($(cat "$T/keys.err"))"
keys policy "$ID2" || fail "policy: exit $? ($(cat "$T/keys.err"))"
printf 'action=DescribeInstances\nrate=10/s\n' | cmp -s - "$T/keys.out" ||
    fail "policy: $(cat "$T/keys.out")"
keys policy AKIAIOSFODNN7EXAMPLE || fail "policy of a key without one: exit $?"
[ ! -s "$T/keys.out" ] || fail "policy of a key without one: $(cat "$T/keys.out")"
keys delete "$ID2" || fail "delete: exit $? ($(cat "$T/keys.err"))"

# Signing clients cannot reach the admin routes.
code=$(curl -s -o /dev/null -w '%{http_code}' "${URL%/sign/aws}/admin/keys")
[ "$code" = 404 ] || fail "main listener: /admin/keys answered $code, want 404"
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE \
    "${URL%/sign/aws}/admin/keys/AKIAIOSFODNN7EXAMPLE")
[ "$code" = 404 ] || fail "main listener: DELETE /admin/keys/ID answered $code, want 404"
# ... nor is a signing spec a way to manage keys.
printf '%s\n' "$SECRET2" | "$KEYS" --signer "$URL" put "$ID2" > /dev/null 2>&1
rc=$?
[ $rc != 0 ] || fail "put through the signing URL succeeded"

# The daemon's own checks of a body, before the device.
post() { # JSON body; prints the HTTP status and the error code
    curl -s --unix-socket "$T/admin.sock" -H 'Content-Type: application/json' -d "$1" \
        -w ' %{http_code}' http://localhost/admin/keys
}
case $(post '{"key_id": "AKIAI44QH8DHBEXAMPLE", "secret": "x", "extra": "1"}') in
*'"invalid-field"'*' 400') ;; *) fail "an unknown member was not refused" ;; esac
case $(post '{"key_id": "AKIAI44QH8DHBEXAMPLE", "secret": "x", "policy": "colour=red"}') in
*'"invalid-policy"'*' 400') ;; *) fail "a bad policy was not refused" ;; esac
case $(post '{"key_id": "AKIA I44", "secret": "x"}') in
*'"invalid-field"'*' 400') ;; *) fail "a key id with a space was not refused" ;; esac
case $(post 'not json') in
*'"invalid-json"'*' 400') ;; *) fail "a body that is not JSON was not refused" ;; esac
keys list || fail "list after refusals: exit $?"
[ "$(cat "$T/keys.out")" = AKIAIOSFODNN7EXAMPLE ] || fail "a refused put stored: $(cat "$T/keys.out")"

keys lock || fail "lock: exit $? ($(cat "$T/keys.err"))"
printf '%s\n' "$SECRET2" | keys put "$ID2"
rc=$?
[ $rc = 3 ] || fail "put after lock: exit $rc, want 3"
grep -q locked "$T/keys.err" || fail "put after lock: $(cat "$T/keys.err")"

# The daemon still signs, and never logged the secret.
# shellcheck disable=SC2086
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE "$SIGN" --signer "$URL" --print signature $args \
    > /dev/null 2> "$T/sign.err" || fail "signing after lock: exit $? ($(cat "$T/sign.err"))"
grep -q "POST /admin/keys" "$T/hsmd.err" || fail "the admin requests were not logged"
! grep -q "$SECRET2" "$T/hsmd.err" || fail "the secret is in the daemon's log"
! grep -q "je7MtGbClwBF" "$T/hsmd.err" || fail "part of the secret is in the daemon's log"
kill "$HSMD_PID"; wait "$HSMD_PID" || fail "awsv2-hsmd did not exit 0 on SIGTERM"
[ ! -e "$T/admin.sock" ] || fail "the admin socket was left behind"
echo "PASS"
