# Shared by the client's process-level tests: temp files, child processes
# cleaned up on every exit, servers started on free loopback ports.
set -u

: "${top_builddir:?run me through make check}"
tmp=$(mktemp -d)
pids=()

cleanup() {
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# The path of a built program, wherever the build puts it.
prog() {
    local p
    for p in "$top_builddir/$1" "$top_builddir/$(basename "$1")"; do
        [ -x "$p" ] && { echo "$p"; return; }
    done
    fail "$1 is not built"
}

mock=$(prog mock/awsv2-mock)
ec2=$(prog examples/ec2-describe/ec2-describe-instances)
sqs_send=$(prog examples/sqs-send/sqs-send)

# Only what the tests set: no user configuration leaks in.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWSV2_SIGNER \
    AWS_ENDPOINT_URL AWS_ENDPOINT_URL_EC2 AWS_ENDPOINT_URL_SQS AWS_MAX_ATTEMPTS AWS_CA_BUNDLE
export AWS_REGION=us-east-1
export AWS_CONFIG_FILE="$tmp/no-config"
export AWS_SHARED_CREDENTIALS_FILE="$tmp/credentials"
cat > "$tmp/credentials" <<'CREDS'
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
CREDS

# start_server NAME COMMAND...: runs COMMAND, reads the base URL it prints
# first into $url (10 s at most); its stderr goes to $tmp/NAME.err.
start_server() {
    local name=$1 fd
    shift
    mkfifo "$tmp/$name.fifo"
    "$@" > "$tmp/$name.fifo" 2> "$tmp/$name.err" &
    pids+=($!)
    exec {fd}<> "$tmp/$name.fifo" # read-write: opening never blocks
    url=
    read -t 10 -r url <&"$fd" || fail "$name printed no URL: $(cat "$tmp/$name.err")"
    case $url in http://127.0.0.1:*/) ;; *) fail "$name printed \"$url\"" ;; esac
}

# start_mock [OPTION]...: awsv2-mock with the test credentials.
start_mock() {
    start_server "mock$#$RANDOM" "$mock" --credentials "$tmp/credentials" "$@"
}

# expect_status N COMMAND...: runs COMMAND (20 s at most), output in
# $tmp/out and $tmp/err, and checks its exit status.
expect_status() {
    local want=$1 got
    shift
    timeout 20 "$@" > "$tmp/out" 2> "$tmp/err"
    got=$?
    [ "$got" = "$want" ] ||
        fail "$* exited $got, not $want; stderr: $(head -c 2000 "$tmp/err")"
    # A sanitizer's report may come with the very status a test expects.
    ! grep -qE 'Sanitizer|runtime error:' "$tmp/err" || fail "$*: $(cat "$tmp/err")"
}
