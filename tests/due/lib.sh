# Shared by the due shell tests: temp dir, cleanup, starting awsv2-due-emu.
# Sourced; expects $top_builddir and $top_srcdir (make check exports
# them).
. "$top_srcdir/tests/common/shell.sh"

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
    start "$name" "$EMU" "$@"
    EMU_PID=$! PTY=$LINE
}

stop_emu() {
    kill "$EMU_PID"
    wait "$EMU_PID" || true
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
