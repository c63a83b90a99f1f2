#!/bin/bash
# ec2-describe-instances against awsv2-mock: every instance of the mock's
# data, exactly, in one page or several, with each kind of filter.
. "${top_srcdir:-.}/tests/client/lib.sh"

# 9 reservations of 1 to 4 instances (21 in all); $tmp/truth gets one line
# per instance: reservation instance type state env.
types=(t3.micro m5.large c6g.xlarge)
states=(running stopped pending terminated)
n=0
{
    echo '{"reservations": ['
    for r in 1 2 3 4 5 6 7 8 9; do
        [ "$r" = 1 ] || echo ','
        printf '{"id": "r-%017d", "owner_id": "123456789012", "instances": [' "$r"
        for ((k = 0; k <= (r - 1) % 4; k++)); do
            n=$((n + 1))
            env=$([ $((n % 5)) -lt 2 ] && echo prod || echo dev)
            [ "$k" = 0 ] || echo ','
            printf '{"id": "i-%017d", "type": "%s", "state": "%s", "image_id": "ami-1",' \
                "$n" "${types[n % 3]}" "${states[n % 4]}"
            printf ' "launch_time": "2024-01-02T03:04:05.000Z", "availability_zone": "us-east-1a",'
            printf ' "private_ip": "10.0.0.%d", "tags": {"Name": "node %d", "env": "%s"}}' \
                "$n" "$n" "$env"
            printf 'r-%017d i-%017d %s %s %s\n' "$r" "$n" "${types[n % 3]}" "${states[n % 4]}" \
                "$env" >> "$tmp/truth"
        done
        echo ']}'
    done
    echo ']}'
} > "$tmp/instances.json"
[ "$(wc -l < "$tmp/truth")" = 21 ] || fail "the data set is not 21 instances"

start_mock --instances "$tmp/instances.json"

# check_one AWK_CONDITION ARGS...: the program's text output is exactly the
# truth's lines matching the condition.
check_one() {
    local cond=$1
    shift
    awk "$cond"' { print $1, $2, $3, $4 }' "$tmp/truth" > "$tmp/want"
    [ -s "$tmp/want" ] || fail "no instance matches $cond: a useless check"
    expect_status 0 "$ec2" --endpoint "$url" "$@"
    cmp -s "$tmp/out" "$tmp/want" || fail "$*: got $(cat "$tmp/out"), want $(cat "$tmp/want")"
}

# check: the same in one page and in pages of 5.
check() {
    check_one "$@"
    local cond=$1
    shift
    check_one "$cond" --page-size 5 "$@"
}

check 1
check '$4 == "running"' --filter Name=instance-state-name,Values=running
check '$4 == "running" || $4 == "stopped"' --filter Name=instance-state-name,Values=running,stopped
check '$3 == "m5.large"' --filter Name=instance-type,Values=m5.large
check '$5 == "prod"' --filter Name=tag:env,Values=prod
check '$5 == "dev" && $4 == "running"' --filter Name=tag:env,Values=dev \
    --filter Name=instance-state-name,Values=running
check '$2 == "i-00000000000000003" || $2 == "i-00000000000000017"' \
    --filter Name=instance-id,Values=i-00000000000000003,i-00000000000000017
# EC2 refuses MaxResults with instance ids, so one page only.
check_one '$2 == "i-00000000000000004" || $2 == "i-00000000000000020"' \
    --instance-id i-00000000000000004 --instance-id i-00000000000000020

# Several pages were really fetched: 21 instances by 5 is 5 pages.
expect_status 0 "$ec2" --endpoint "$url" --page-size 5 --debug
[ "$(grep -c 'NextToken=' "$tmp/err")" = 4 ] || fail "not 4 follow-up pages: $(cat "$tmp/err")"
grep -q 'wJalrXUtnFEMI' "$tmp/err" && fail "--debug printed the secret"

# A session token is sent, but --debug does not show it.
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
    AWS_SESSION_TOKEN=session-tok3n-value expect_status 0 "$ec2" --endpoint "$url" --debug
grep -q '&SecurityToken=(redacted)&' "$tmp/err" || fail "no redacted token: $(cat "$tmp/err")"
grep -q 'session-tok3n' "$tmp/err" && fail "--debug printed the session token"

# JSON: every instance once, with its state code.
expect_status 0 "$ec2" --endpoint "$url" --output json
[ "$(grep -c '"InstanceId"' "$tmp/out")" = 21 ] || fail "JSON lacks instances: $(cat "$tmp/out")"
grep -q '"Code": 16' "$tmp/out" || fail "JSON lacks state codes"
# Reservations cut by a page boundary are joined again.
expect_status 0 "$ec2" --endpoint "$url" --output json --page-size 5
[ "$(grep -c '"InstanceId"' "$tmp/out")" = 21 ] || fail "paged JSON lacks instances"
[ "$(grep -c '"ReservationId"' "$tmp/out")" = 9 ] || fail "paged JSON splits reservations"

expect_status 1 "$ec2" --endpoint "$url" --page-size 5 --instance-id i-00000000000000004
grep -q '^ec2-describe-instances: InvalidParameterCombination: ' "$tmp/err" || fail "no Code: Message: $(cat "$tmp/err")"

# Usage errors exit 2.
expect_status 2 "$ec2" --endpoint "$url" --filter instance-state-name=running
expect_status 2 "$ec2" --endpoint "$url" --output yaml
exit 0
