# Shared by the due shell tests: temp dir, cleanup, starting awsv2-due-emu.
# Sourced; expects $top_builddir (make check exports it).
set -eu
T=$(mktemp -d)
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    for p in $PIDS; do wait "$p" 2>/dev/null || true; done
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

EMU=$top_builddir/awsv2-due-emu
[ -x "$EMU" ] || EMU=$top_builddir/firmware/emu/awsv2-due-emu
KEYS=$top_builddir/tools/awsv2-keys

cat > "$T/credentials" <<'CREDS'
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[other]
aws_access_key_id = AKIAI44QH8DHBEXAMPLE
aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY
CREDS

# start_emu NAME ARGS...: runs the emulator, sets $EMU_PID and reads the pty
# path it prints first (its readiness line) into $PTY, 10 s at most.
start_emu() {
    name=$1; shift
    rm -f "$T/$name.out"; mkfifo "$T/$name.out"
    "$EMU" "$@" > "$T/$name.out" 2> "$T/$name.err" &
    EMU_PID=$!
    PIDS="$PIDS $EMU_PID"
    PTY=$(timeout 10 head -n 1 "$T/$name.out") || true
    [ -n "$PTY" ] || fail "awsv2-due-emu did not start: $(cat "$T/$name.err")"
}

stop_emu() {
    kill "$EMU_PID"
    wait "$EMU_PID" || true
}

# start NAME CMD...: runs CMD and reads its first line (its pty or URL)
# into $LINE, 10 s at most.
start() {
    name=$1; shift
    rm -f "$T/$name.out"; mkfifo "$T/$name.out"
    "$@" > "$T/$name.out" 2> "$T/$name.err" &
    PIDS="$PIDS $!"
    LINE=$(timeout 10 head -n 1 "$T/$name.out") || true
    [ -n "$LINE" ] || fail "$name did not start: $(cat "$T/$name.err")"
}

# device NAME SECRET: an emulator holding AKIAIOSFODNN7EXAMPLE with SECRET,
# behind a daemon ($HSMD) when $via is http; its signer spec in $SIGNER.
device() {
    printf '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = %s\n' \
        "$2" > "$T/$1.credentials"
    start "$1-emu" "$EMU" --import-credentials "$T/$1.credentials"
    rm "$T/$1.credentials"
    SIGNER="due:$LINE?timeout_ms=5000"
    if [ "$via" = http ]; then
        start "$1-hsmd" "$HSMD" --listen 127.0.0.1:0 "due:$LINE"
        SIGNER=$LINE
    fi
}

# expect_exit CODE CMD...: runs CMD (stdout to $T/out, stderr to $T/err).
expect_exit() {
    want=$1; shift
    rc=0; "$@" > "$T/out" 2> "$T/err" || rc=$?
    cat "$T/out" "$T/err" >> "$T/printed"
    [ "$rc" = "$want" ] || fail "$* exited $rc, not $want: $(cat "$T/err")"
}
