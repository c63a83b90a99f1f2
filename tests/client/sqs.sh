#!/bin/bash
# sqs-send against awsv2-mock: 1,000 messages (ASCII, UTF-8, control
# characters SQS allows, attributes, a 256 KiB body) sent, then received
# back byte for byte, none lost and none twice.
. "${top_srcdir:-.}/tests/client/lib.sh"

drain=$(prog tests/client/sqs-drain)
start_mock
timeout 20 "$drain" create "$url" roundtrip > "$tmp/queue" || fail "CreateQueue failed"
queue=$(cat "$tmp/queue")
case $queue in "${url}"*/roundtrip) ;; *) fail "odd queue URL $queue" ;; esac

mkdir "$tmp/sent" "$tmp/got"
for ((i = 0; i < 1000; i++)); do
    f="$tmp/sent/$i"
    case $((i % 5)) in
    0) printf 'h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93 \xf0\x9f\x98\x80 \xe6\x97\xa5\xe6\x9c\xac #%d' "$i" > "$f" ;;
    1) printf 'tab\there\nnew line\r\ncarriage return #%d\n' "$i" > "$f" ;;
    2) printf '<xml attr="&amp;"> & ]]> %d' "$i" > "$f" ;;
    *) printf 'message %d' "$i" > "$f" ;;
    esac
done
# The largest body SQS takes: 262,144 bytes, multi-byte characters included.
yes 'abcdefghij ✓ 0123456789ABCDEFG' | head -c 262144 > "$tmp/sent/500"
[ "$(wc -c < "$tmp/sent/500")" = 262144 ] || fail "the big body is not 256 KiB"

for ((i = 0; i < 1000; i++)); do
    args=()
    case $i in
    7) args=(--attribute 'Color=String:bl\u00e9 ✓' --attribute Count=Number:42
        --attribute Raw=Binary:AAEC/w==) ;;
    8) args=(--delay-seconds 0 --attribute Only=String:x) ;;
    esac
    id=$(timeout 20 "$sqs_send" --endpoint "$url" --queue-url "$queue" "${args[@]}" - \
        < "$tmp/sent/$i") || fail "sqs-send of message $i failed"
    [ -n "$id" ] || fail "no MessageId for message $i"
    echo "$id $i" >> "$tmp/ids"
done
# MESSAGE as an argument rather than standard input.
id=$(timeout 20 "$sqs_send" --endpoint "$url" --queue-url "$queue" 'from argv ✓') ||
    fail "sqs-send MESSAGE failed"
printf 'from argv ✓' > "$tmp/sent/argv"
echo "$id argv" >> "$tmp/ids"

timeout 120 "$drain" drain "$url" "$queue" "$tmp/got" > "$tmp/count" 2> "$tmp/err" ||
    fail "draining failed: $(cat "$tmp/err")"
[ "$(cat "$tmp/count")" = 1001 ] || fail "received $(cat "$tmp/count") messages, not 1001"
[ "$(sort -u "$tmp/ids" | wc -l)" = 1001 ] || fail "MessageIds are not unique"
while read -r id i; do
    cmp -s "$tmp/sent/$i" "$tmp/got/$id" || fail "message $i ($id) came back different"
done < "$tmp/ids"

# Too large by one byte: refused before sending (usage, 2).
{ cat "$tmp/sent/500"; printf x; } > "$tmp/big"
expect_status 2 "$sqs_send" --endpoint "$url" --queue-url "$queue" - < "$tmp/big"
expect_status 2 "$sqs_send" --endpoint "$url" --queue-url "$queue" --attribute X=Binary:'!!' m
# A Binary value that is not canonical base64 (RFC 4648: a bad character, a
# length that is not a multiple of 4, '=' inside, whitespace): 2, saying so.
for bad in '!!' AAE 'A=AA' 'AA EC/w==' AAEC/w=; do
    expect_status 2 "$sqs_send" --endpoint "$url" --queue-url "$queue" \
        --attribute "X=Binary:$bad" m
    grep -qF "X=Binary:$bad: a Binary value must be base64" "$tmp/err" ||
        fail "no clear message for Binary:$bad: $(cat "$tmp/err")"
done
expect_status 2 "$sqs_send" --endpoint "$url" --queue-url "$queue" --attribute X=Date:1 m
expect_status 2 "$sqs_send" --endpoint "$url" m
exit 0
