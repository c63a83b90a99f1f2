#!/usr/bin/env bash
# The C example of README.md must stay true: extract it, build it against
# the build tree's libawsv2, and run it against awsv2-mock. Its listing must
# equal ec2-describe-instances' (instance id and state of every instance).
set -euo pipefail
: "${top_srcdir:?}" "${top_builddir:?}"
work=$(mktemp -d)
mock_pid=
cleanup() { [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

awk '/^```c$/ {on = 1; next} /^```$/ {on = 0} on' "$top_srcdir/README.md" > "$work/list.c"
[ -s "$work/list.c" ] || { echo "README.md has no C example"; exit 1; }
# As a user would build it, and warning-free: a reader copies it.
${CC:-cc} -std=c11 -Wall -Wextra -Werror ${CFLAGS:-} -I"$top_srcdir/include" "$work/list.c" \
    ${LDFLAGS:-} \
    -L"$top_builddir/.libs" -lawsv2 -o "$work/list"

cat > "$work/credentials" <<'KEYS'
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
KEYS
"$top_builddir/awsv2-mock" --credentials "$work/credentials" > "$work/mock.out" &
mock_pid=$!
for _ in $(seq 100); do [ -s "$work/mock.out" ] && break; sleep 0.1; done
url=$(head -n 1 "$work/mock.out")
[ -n "$url" ] || { echo "awsv2-mock did not start"; exit 1; }

export HOME="$work" AWS_SHARED_CREDENTIALS_FILE="$work/credentials" AWS_CONFIG_FILE="$work/none"
export AWS_ENDPOINT_URL_EC2="$url" AWSV2_SIGNER=openssl
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_PROFILE AWS_REGION AWS_ENDPOINT_URL || true
LD_LIBRARY_PATH="$top_builddir/.libs" "$work/list" > "$work/got"
"$top_builddir/examples/ec2-describe/ec2-describe-instances" | awk '{print $2, $4}' > "$work/want"
[ -s "$work/want" ] || { echo "ec2-describe-instances listed nothing"; exit 1; }
if ! diff -u "$work/want" "$work/got"; then
    echo "README example's listing differs from ec2-describe-instances'"
    exit 1
fi
# And with a wrong secret it must fail with the service's error and status 1.
printf '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wrong\n' \
    > "$work/credentials"
rc=0
LD_LIBRARY_PATH="$top_builddir/.libs" "$work/list" > /dev/null 2> "$work/err" || rc=$?
[ "$rc" -eq 1 ] && grep -q '^AuthFailure: ' "$work/err" || {
    echo "wrong secret: exit $rc, stderr:"; cat "$work/err"; exit 1; }
echo "README example: $(wc -l < "$work/got") instances, as ec2-describe-instances lists them"
