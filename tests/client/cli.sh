#!/usr/bin/env bash
# The programs' command lines as a user meets them (issue 15's small CLI
# fixes): README.md's "Every program takes" paragraph matches every
# program's --help; usage lines are spelled one way ("usage: PROG ...");
# every error begins with the program's name, service errors included;
# sqs-send sends standard input byte for byte, drops its final newline with
# --strip-newline, and refuses an empty message before sending anything.
. "$top_srcdir/tests/client/lib.sh"

sign=$(prog tools/awsv2-sign)
keys=$(prog tools/awsv2-keys)
hsmd=$(prog daemon/awsv2-hsmd)
emu=$(prog awsv2-due-emu)
drain=$(prog tests/client/sqs-drain)
signing=("$ec2" "$sqs_send" "$sign")
all=("$ec2" "$sqs_send" "$sign" "$keys" "$hsmd" "$emu" "$mock")

# README's paragraph: the options of the programs that sign requests, then
# awsv2-keys'.
para=$(awk '/^Every program takes/,/docs\/programs.md/' "$top_srcdir/README.md" | tr '\n' ' ')
[ -n "$para" ] || fail "README.md has no \"Every program takes\" paragraph"
signing_part=${para%%awsv2-keys\` takes*}
keys_part=${para#*awsv2-keys\` takes}
readme_opts() { grep -o -- '`--[a-z-]*' <<< "$1" | tr -d '`' | sort -u; }
for p in "${signing[@]}"; do
    "$p" --help > "$tmp/help" || fail "$p --help failed"
    for o in $(readme_opts "$signing_part"); do
        grep -q -- "$o\b" "$tmp/help" || fail "README says $(basename "$p") takes $o; --help does not"
    done
    for o in $(grep -o -- '^ *\(-[a-z], \)\?--[a-z-]*' "$tmp/help" | grep -o -- '--[a-z-]*'); do
        case $o in --signer|--region|--endpoint|--access-key-id|--profile|--signature-*|--debug) \
            grep -q -- "$o" <<< "$signing_part" || fail "README does not list $o" ;;
        esac
    done
done
"$keys" --help > "$tmp/help" || fail "awsv2-keys --help failed"
for o in $(readme_opts "$keys_part"); do
    case $o in --help|--version) continue ;; esac
    grep -q -- "$o\b" "$tmp/help" || fail "README says awsv2-keys takes $o; --help does not"
done
for o in --region --endpoint --access-key-id --signature-version --signature-method; do
    grep -q -- "$o" "$tmp/help" && fail "awsv2-keys --help lists $o"
    "$keys" "$o=x" list > /dev/null 2>&1
    [ $? = 2 ] || fail "awsv2-keys takes $o"
done

# --help and --version everywhere; a usage error exits 2 with
# "usage: PROG" and a message that begins with the program's name.
for p in "${all[@]}"; do
    name=$(basename "$p")
    "$p" --version > /dev/null || fail "$name --version failed"
    "$p" --help > "$tmp/help" || fail "$name --help failed"
    grep -q "^usage: $name " "$tmp/help" || fail "$name --help: no \"usage: $name\" line"
    "$p" --no-such-option > /dev/null 2> "$tmp/err"
    rc=$?
    [ "$rc" = 2 ] || fail "$name --no-such-option exited $rc"
    grep -q "^usage: $name" "$tmp/err" || fail "$name: usage line spelled otherwise: $(cat "$tmp/err")"
    grep -q "^\(.*/\)\?$name: " "$tmp/err" || fail "$name: error not prefixed: $(cat "$tmp/err")"
done

start_server mock "$mock" --port 0 --credentials "$tmp/credentials"
queue=$(timeout 20 "$drain" create "$url" cli) || fail "CreateQueue failed"
send() { "$sqs_send" --endpoint "$url" --queue-url "$queue" "$@"; }
body_of() { # the one message in the queue, as received
    rm -rf "$tmp/got"; mkdir "$tmp/got"
    [ "$(timeout 20 "$drain" drain "$url" "$queue" "$tmp/got")" = 1 ] || fail "not one message"
    cat "$tmp/got"/*
}

# Standard input byte for byte, newline included; or without it.
id=$(echo hello | send -) || fail "sqs-send - failed"
[ "$(body_of | od -An -c | tr -s ' ')" = " h e l l o \n" ] || fail "not 'hello\\n' as sent"
id=$(echo hello | send --strip-newline -) || fail "sqs-send --strip-newline - failed"
[ "$(body_of | od -An -c | tr -s ' ')" = " h e l l o" ] || fail "newline not stripped"
id=$(printf 'a\n\n' | send --strip-newline -) || fail "sqs-send --strip-newline - failed"
[ "$(body_of | od -An -c | tr -s ' ')" = " a \n" ] || fail "more than one newline stripped"

# Empty messages are refused locally: status 2, even with no service.
dead=http://127.0.0.1:9/
for how in "''" "-" "--strip-newline -"; do
    case $how in
        "''") printf '' | "$sqs_send" --endpoint "$dead" --queue-url "${dead}q" '' 2> "$tmp/err" ;;
        "-") printf '' | "$sqs_send" --endpoint "$dead" --queue-url "${dead}q" - 2> "$tmp/err" ;;
        *) echo | "$sqs_send" --endpoint "$dead" --queue-url "${dead}q" --strip-newline - 2> "$tmp/err" ;;
    esac
    rc=$?
    [ "$rc" = 2 ] || fail "empty message ($how) exited $rc: $(cat "$tmp/err")"
    grep -q '^sqs-send: .*empty' "$tmp/err" || fail "empty message ($how): $(cat "$tmp/err")"
done
"$sqs_send" --endpoint "$url" --queue-url "$queue" --strip-newline hello 2> "$tmp/err"
[ $? = 2 ] || fail "--strip-newline with a MESSAGE argument was taken"

# A service error: "PROG: Code: Message".
"$ec2" --endpoint "$url" --instance-id i-00000000000000004 > /dev/null 2> "$tmp/err"
grep -q '^ec2-describe-instances: InvalidInstanceID.NotFound: ' "$tmp/err" ||
    fail "service error not prefixed: $(cat "$tmp/err")"
echo "PASS: command lines"
