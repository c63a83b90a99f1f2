# Shared by the shell tests' libraries (tests/due/lib.sh,
# tests/pkcs11/lib.sh): a temp dir $T removed at exit with the processes
# started, fail, start and expect_exit. Sourced; sets -eu.
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

# expect_exit CODE CMD...: runs CMD (stdout to $T/out, stderr to $T/err).
expect_exit() {
    want=$1; shift
    rc=0; "$@" > "$T/out" 2> "$T/err" || rc=$?
    cat "$T/out" "$T/err" >> "$T/printed"
    [ "$rc" = "$want" ] || fail "$* exited $rc, not $want: $(cat "$T/err")"
}
