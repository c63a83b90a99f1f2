#!/usr/bin/env bash
# awsv2-due-emu's key store file holds the device's secrets: it is created
# 0600 whatever the umask, and refused, untouched, when group or others may
# use it, when it is a symbolic link, or when it is not a regular file
# (docs/secrets.md). Expects $top_builddir (make check exports it).
set -eu
T=$(mktemp -d)
PID=""
cleanup() {
	if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

EMU=$top_builddir/awsv2-due-emu
[ -x "$EMU" ] || EMU=$top_builddir/firmware/emu/awsv2-due-emu

# serves FILE: the emulator starts on FILE (prints its pty within 20 s),
# then is stopped.
serves() {
	rm -f "$T/out"; mkfifo "$T/out"
	"$EMU" --keystore "$1" > "$T/out" 2> "$T/err" &
	PID=$!
	PTY=$(timeout 20 head -n 1 "$T/out") || true
	kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=""
	[ -n "$PTY" ] || fail "awsv2-due-emu did not start on $1: $(cat "$T/err")"
}

# refuses FILE TEXT: the emulator exits non-zero at once (20 s at most),
# saying TEXT on stderr.
refuses() {
	set +e
	timeout 20 "$EMU" --keystore "$1" < /dev/null > "$T/out2" 2> "$T/err"
	rc=$?
	set -e
	[ "$rc" -ne 124 ] || fail "$1: still running after 20 s instead of refusing"
	[ "$rc" -ne 0 ] || fail "$1: served ($(cat "$T/out2"))"
	grep -qF -- "$2" "$T/err" || fail "$1: '$2' not in: $(cat "$T/err")"
	grep -qF -- "$1" "$T/err" || fail "$1: the message does not name it: $(cat "$T/err")"
}

# Created 0600 under any umask.
for mask in 022 000; do
	(umask "$mask"; serves "$T/keys-$mask")
	[ "$(stat -c %a "$T/keys-$mask")" = 600 ] ||
		fail "created $(stat -c %a "$T/keys-$mask") under umask $mask"
done

# Owner-only modes are served.
cp "$T/keys-022" "$T/keys"
for mode in 600 700; do
	chmod "$mode" "$T/keys"
	serves "$T/keys"
done
chmod 600 "$T/keys"

# Wider modes are refused, and the file is left as it was.
cp "$T/keys" "$T/keys.orig"
for mode in 644 640 604 660 606 620 602 610 601; do
	chmod "$mode" "$T/keys"
	refuses "$T/keys" "permissions 0$mode are too open"
	cmp -s "$T/keys" "$T/keys.orig" || fail "mode $mode: the refused file was changed"
done
chmod 600 "$T/keys"

# A symbolic link is refused, to an existing file or to nothing (which is
# then not created).
ln -s "$T/keys" "$T/link"
refuses "$T/link" "symbolic link"
ln -s "$T/absent" "$T/dangling"
refuses "$T/dangling" "symbolic link"
[ ! -e "$T/absent" ] || fail "the target of a dangling link was created"

# A FIFO in its place is refused at once.
mkfifo "$T/fifo"
chmod 600 "$T/fifo"
refuses "$T/fifo" "not a regular file"

echo "PASS"
