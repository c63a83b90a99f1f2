#!/bin/sh
# awsv2-mock's command line: usage errors exit 2, --help/--version exit 0,
# only loopback addresses are accepted, bad files are refused, and a
# started mock prints its base URL first and exits 0 on SIGTERM.
set -u
mock="${top_builddir:-.}/awsv2-mock"
dir=$(mktemp -d) || exit 99
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; fi
    rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

creds="$dir/credentials"
printf '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' > "$creds"

expect_status() { # WANT ARGS...
    want=$1; shift
    "$mock" "$@" > "$dir/out" 2> "$dir/err" < /dev/null
    got=$?
    [ "$got" -eq "$want" ] || fail "awsv2-mock $*: exit $got, wanted $want"
}

expect_status 0 --help
grep -q -- '--credentials FILE' "$dir/out" || fail "--help does not describe --credentials"
expect_status 0 --version
grep -q '^awsv2-mock ' "$dir/out" || fail "--version prints no name"
expect_status 2
expect_status 2 --credentials "$creds" --port 70000
expect_status 2 --credentials "$creds" --port x
expect_status 2 --credentials "$creds" --bind 0.0.0.0
expect_status 2 --credentials "$creds" --bind 192.0.2.1
expect_status 2 --credentials "$creds" --fail-503 -1
expect_status 2 --credentials "$creds" --no-such-option
expect_status 2 --credentials "$creds" extra-argument
expect_status 2 --credentials "$creds" --now yesterday
expect_status 2 --credentials "$creds" --now 20261131T120000Z
expect_status 2 --credentials "$dir/missing"
printf '[empty]\nregion = us-east-1\n' > "$dir/nokeys"
expect_status 2 --credentials "$dir/nokeys"
grep -q 'no aws_access_key_id' "$dir/err" || fail "no reason given for a key-less file"
printf '{"reservations": [{"id": "r-1", "instances": [{"id": "i-1", "type": "t3.micro", "state": "dreaming"}]}]}' > "$dir/bad.json"
expect_status 2 --credentials "$creds" --instances "$dir/bad.json"
grep -q 'unknown state' "$dir/err" || fail "no reason given for a bad instances file"
printf '{"reservations": [' > "$dir/truncated.json"
expect_status 2 --credentials "$creds" --instances "$dir/truncated.json"
grep -q -i 'secret\|wJalr' "$dir/err" && fail "a secret appears on stderr"

# A real start: the URL line first, then SIGTERM gives exit 0.
mkfifo "$dir/fifo" || exit 99
"$mock" --credentials "$creds" --port 0 > "$dir/fifo" 2> "$dir/err" &
pid=$!
url=$(timeout 10 head -n 1 "$dir/fifo")
case "$url" in
http://127.0.0.1:[0-9]*/) ;;
*) fail "first line is '$url', not a base URL" ;;
esac
kill -TERM "$pid"
wait "$pid"
status=$?
pid=
[ "$status" -eq 0 ] || fail "exit $status after SIGTERM"
echo "PASS"
