#!/usr/bin/env bash
# The EXAMPLES of the section 1 and 8 man pages run: every "$ " line of
# their literal blocks, page by page in one shell, against the build tree's
# programs, with awsv2-mock as AWS (AWS_ENDPOINT_URL_EC2/SQS), an emulated
# Due as /dev/awsv2-due and an awsv2-hsmd in front of another one as
# http://127.0.0.1:8086. An example ending in "&" runs in the background
# until its first line on stdout (every daemon's start-up line). Each must
# exit 0.
set -euo pipefail
: "${top_srcdir:?}" "${top_builddir:?}"
. "$top_srcdir/scripts/lib.sh"
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
bg() { # BG=NAME bg CMD...: starts CMD in the background, output in $work/NAME.out
    "$@" > "$work/$BG.out" 2> "$work/$BG.err" &
    pids+=($!)
}

cat > "$work/credentials" <<'KEYS'
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
KEYS
BG=mock bg "$top_builddir/awsv2-mock" --credentials "$work/credentials"
url=$(first_line "$work/mock.out")
queue=$(AWS_SHARED_CREDENTIALS_FILE="$work/credentials" timeout 60 \
    "$top_builddir/tests/client/sqs-drain" create "$url" awsv2-demo)
[ -n "$queue" ] || { echo "CreateQueue on awsv2-mock failed"; exit 1; }

export PATH="$top_builddir/tools:$top_builddir/examples/ec2-describe:$top_builddir/examples/sqs-send:$top_builddir/daemon:$top_builddir:$PATH"
unset AWSV2_SIGNER AWSV2_SIGNATURE_VERSION AWSV2_HSMD_TOKEN AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY \
    AWS_SESSION_TOKEN AWS_PROFILE AWS_SHARED_CREDENTIALS_FILE AWS_REGION AWS_DEFAULT_REGION \
    AWS_ENDPOINT_URL || true
export AWS_ENDPOINT_URL_EC2="$url" AWS_ENDPOINT_URL_SQS="$url"

fail=0 ran=0
for page in "$top_srcdir"/man/*.[18].scd; do
    name=$(basename "$page" .scd)
    d="$work/$name"
    mkdir -p "$d/home/.aws"
    cp "$work/credentials" "$d/home/.aws/credentials"
    # The commands, continuation lines joined ("\\" in scdoc is one "\").
    awk '/^# / {ex = ($0 == "# EXAMPLES")} ex && /^```/ {lit = !lit; next}
         ex && lit { line = cont ? line " " $0 : $0
                     if (line ~ /\\\\$/) { sub(/ *\\\\$/, "", line); cont = 1; next }
                     cont = 0; if (line ~ /^\$ /) print substr(line, 3) }' "$page" > "$d/commands"
    [ -s "$d/commands" ] || { echo "$name: no examples"; fail=1; continue; }

    # The Due the examples name; empty for awsv2-keys, which provisions it.
    import=(--import-credentials "$work/credentials")
    [ "$name" = awsv2-keys.1 ] && import=()
    BG=$name-due bg "$top_builddir/awsv2-due-emu" "${import[@]}" --symlink "$d/due"
    first_line "$work/$name-due.out" > /dev/null
    hsmd_port=$(free_port)
    if grep -q '127.0.0.1:8086' "$d/commands" && ! grep -q '^awsv2-hsmd ' "$d/commands"; then
        BG=$name-due2 bg "$top_builddir/awsv2-due-emu" "${import[@]}" --symlink "$d/due2"
        first_line "$work/$name-due2.out" > /dev/null
        BG=$name-hsmd bg "$top_builddir/daemon/awsv2-hsmd" --listen 127.0.0.1:0 "due:$d/due2"
        hsmd_url=$(first_line "$work/$name-hsmd.out")
        hsmd_port=${hsmd_url#http://127.0.0.1:}
        hsmd_port=${hsmd_port%%/*}
    fi
    mock_port=$(free_port)

    {
        echo 'set -euo pipefail'
        echo "cd '$d/home'"
        echo 'bgpids=(); trap '\''kill ${bgpids[@]:-} 2>/dev/null || true'\'' EXIT'
        echo 'started() { for _ in $(seq 300); do [ -s "$1" ] && return 0; sleep 0.1; done; echo "no start-up line from: $2"; return 1; }'
        n=0
        while IFS= read -r cmd; do
            cmd=${cmd//\/dev\/awsv2-due/$d/due}
            cmd=${cmd//127.0.0.1:8086/127.0.0.1:$hsmd_port}
            cmd=${cmd//127.0.0.1:8080/127.0.0.1:$mock_port}
            cmd=${cmd//--port 8080/--port $mock_port}
            cmd=${cmd//https:\/\/sqs.us-east-1.amazonaws.com\/123456789012\/awsv2-demo/$queue}
            if [[ $cmd == *' &' ]]; then
                n=$((n + 1))
                printf '%s > bg%d.out &\nbgpids+=($!)\nstarted bg%d.out %q\n' "${cmd% &}" $n $n "$cmd"
            else
                printf 'echo "\\$ "%q\n%s\n' "$cmd" "$cmd"
            fi
        done < "$d/commands"
    } > "$d/script"
    if HOME="$d/home" AWS_CONFIG_FILE="$d/home/none" timeout 120 bash "$d/script" > "$d/log" 2>&1; then
        ran=$((ran + $(wc -l < "$d/commands")))
        echo "$name: $(wc -l < "$d/commands") examples ran"
    else
        echo "$name: an example failed:"; cat "$d/log"; fail=1
    fi
done
[ "$ran" -gt 0 ] || { echo "no example ran"; exit 1; }
exit $fail
