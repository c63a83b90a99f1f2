#!/bin/sh
# Key management of a pool: awsv2-keys through the admin listener of an
# awsv2-hsmd owning three awsv2-due-emu stores a key on all three in one
# command, its secret read once from stdin; a put that one device refuses
# is undone on the others; with a device down nothing is stored or deleted.
# Each device then signs with the key on its own, checked against OpenSSL.
set -u
. "$top_srcdir/tests/hsmd/keys_lib.sh"

STARTS=0
emu() { # number: (re)starts that emulator on $T/dueN
    STARTS=$((STARTS + 1))
    start "emu$1-$STARTS" "$EMU" --import-credentials "$T/credentials" --symlink "$T/due$1"
    eval "EMU$1_PID=\$LAST_PID"
}
emu 0; emu 1; emu 2
# Device 2 holds ID2 already: a put to all three is refused by it.
printf '%s\n' "$SECRET2" | "$KEYS" --signer "due:$T/due2" put "$ID2" > /dev/null 2> "$T/pre.err" ||
    fail "storing $ID2 on device 2: $(cat "$T/pre.err")"

start hsmd "$HSMD" --listen 127.0.0.1:0 --admin-listen "unix:$T/admin.sock" \
    "due:$T/due0" "due:$T/due1" "due:$T/due2"
URL=$LINE HSMD_PID=$LAST_PID BASE=${URL%/sign/aws}
ADMIN="http://localhost/admin?unix_socket=$T/admin.sock"

holders() { # key id: its holders as /keys lists them, e.g. [0,1,2]
    curl -s "$BASE/keys" | sed -n "s/.*\"$1\":\(\[[0-9,]*\]\).*/\1/p"
}

[ "$(holders "$ID2")" = "[2]" ] || fail "holders of $ID2: $(curl -s "$BASE/keys")"
printf '%s\n' "$SECRET2" | keys put "$ID2"
rc=$?
[ $rc = 3 ] || fail "put refused by device 2: exit $rc, want 3"
grep -q key-exists "$T/keys.err" || fail "put refused by device 2: $(cat "$T/keys.err")"
[ "$(holders "$ID2")" = "[2]" ] || fail "a refused put stayed on: $(curl -s "$BASE/keys")"

keys delete "$ID2" || fail "delete: exit $? ($(cat "$T/keys.err"))"
[ -z "$(holders "$ID2")" ] || fail "after delete: $(curl -s "$BASE/keys")"

# One command, the secret read once: on every device.
printf '%s\n' "$SECRET2" | keys put "$ID2" || fail "put: exit $? ($(cat "$T/keys.err"))"
[ "$(holders "$ID2")" = "[0,1,2]" ] || fail "after put: $(curl -s "$BASE/keys")"
keys list || fail "list: exit $?"
printf 'AKIAI44QH8DHBEXAMPLE\nAKIAIOSFODNN7EXAMPLE\n' > "$T/want"
sort "$T/keys.out" | cmp -s - "$T/want" || fail "list: $(cat "$T/keys.out")"

want_signature
for i in 1 2 3 4 5 6; do
    # shellcheck disable=SC2086
    got=$(AWS_ACCESS_KEY_ID=$ID2 "$SIGN" --signer "$URL" --print signature $args \
        2> "$T/sign.err") || fail "signing with $ID2: exit $? ($(cat "$T/sign.err"))"
    [ "$got" = "$WANT" ] || fail "signature $got, want $WANT"
done

# A device down: nothing is stored or deleted, signing goes on.
kill -9 "$EMU1_PID"
keys delete "$ID2"
rc=$?
[ $rc = 3 ] || fail "delete with a device down: exit $rc, want 3"
grep -q device-unavailable "$T/keys.err" || fail "delete with a device down: $(cat "$T/keys.err")"
[ "$(holders "$ID2")" = "[0,2]" ] || fail "a refused delete deleted: $(curl -s "$BASE/keys")"
# shellcheck disable=SC2086
got=$(AWS_ACCESS_KEY_ID=$ID2 "$SIGN" --signer "$URL" --print signature $args 2> "$T/sign.err") ||
    fail "signing with a device down: exit $? ($(cat "$T/sign.err"))"
[ "$got" = "$WANT" ] || fail "signature with a device down $got, want $WANT"
# A new device in its place, without ID2: it rejoins with its own key list.
emu 1
KEY1=AKIAIOSFODNN7EXAMPLE
for _ in $(seq 100); do # the daemon probes it every 0.5 s
    [ "$(holders $KEY1)" = "[0,1,2]" ] && break
    sleep 0.1
done
[ "$(holders $KEY1)" = "[0,1,2]" ] || fail "device 1 did not rejoin: $(curl -s "$BASE/keys")"
[ "$(holders "$ID2")" = "[0,2]" ] || fail "device 1's key list: $(curl -s "$BASE/keys")"

# Stored on device 1 only, with a policy that devices 0 and 2 do not have
# for it: refused (it would sign what they refuse), nothing stored.
printf '{"key_id": "%s", "secret": "%s", "policy": "action=DescribeInstances", "devices": [1]}' \
    "$ID2" "$SECRET2" > "$T/put.json"
code=$(curl -s -o "$T/put.out" -w '%{http_code}' --unix-socket "$T/admin.sock" \
    --data-binary "@$T/put.json" http://localhost/admin/keys)
[ "$code" = 409 ] && grep -q '"policy-mismatch"' "$T/put.out" ||
    fail "a put with another policy than the other holders': HTTP $code $(cat "$T/put.out")"
[ "$(holders "$ID2")" = "[0,2]" ] || fail "after a mismatched put: $(curl -s "$BASE/keys")"

kill "$HSMD_PID"; wait "$HSMD_PID" || fail "awsv2-hsmd did not exit 0 on SIGTERM"
! grep -q "$SECRET2" "$T/hsmd.err" || fail "the secret is in the daemon's log"

# Each device on its own signs with the key it was given.
for n in 0 2; do # device 1 was restarted from the credentials file: it lost ID2
    # shellcheck disable=SC2086
    got=$(AWS_ACCESS_KEY_ID=$ID2 "$SIGN" --signer "due:$T/due$n" --print signature $args \
        2> "$T/sign.err") || fail "device $n alone: exit $? ($(cat "$T/sign.err"))"
    [ "$got" = "$WANT" ] || fail "device $n alone: signature $got, want $WANT"
done
echo PASS
