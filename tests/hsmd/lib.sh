# Shared by the hsmd shell tests: temp dir, cleanup, starting programs.
# Sourced after `set -u`; the temp dir is named after the script.
T=$(mktemp -d -t "hsmd-$(basename "$0" .sh).XXXXXX") || exit 99
PIDS=
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; for f in "$T"/*.err; do echo "--- $f"; cat "$f"; done; exit 1; }

# Starts a program (name, then its command line) and reads its first line,
# its address, into $LINE within 10 s; its process id in $LAST_PID. A
# daemon asked for TLS that was built without it skips the test.
start() {
    name=$1; shift
    mkfifo "$T/$name.out"
    "$@" > "$T/$name.out" 2> "$T/$name.err" &
    PIDS="$PIDS $!"
    LAST_PID=$!
    LINE=$(timeout 10 head -n 1 "$T/$name.out") || true
    if [ -z "$LINE" ] && grep -q "built without TLS" "$T/$name.err"; then
        echo "SKIP: libmicrohttpd without TLS"; exit 77
    fi
    [ -n "$LINE" ] || fail "$name did not start"
}
