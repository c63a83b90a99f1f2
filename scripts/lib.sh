# Shared by scripts/demo.sh, scripts/deb.sh and tests/man/examples.sh
# (bash, sourced): a temporary directory $work, removed at exit after the
# background programs whose ids are in $pids are stopped; and first_line.
work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Prints the first line a background program writes to $1, waiting at most
# 30 s; without one, says so, with what it wrote to ${1%.out}.err if any.
first_line() {
    for _ in $(seq 300); do
        [ -s "$1" ] && head -n 1 "$1" | grep -q . && { head -n 1 "$1"; return 0; }
        sleep 0.1
    done
    echo "${0##*/}: no start-up line in $1" >&2; cat "${1%.out}.err" >&2 2>/dev/null || true
    return 1
}
