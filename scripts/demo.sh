#!/usr/bin/env bash
# The main job: installs what is needed (Debian 12), builds, then lists EC2
# instances with ec2-describe-instances signing through an emulated Arduino
# Due, against awsv2-mock, a local EC2 endpoint. No AWS account; nothing
# leaves this machine; the host side holds no secret.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/deps.sh
scripts/build.sh build/

. scripts/lib.sh

# The AWS side knows the key pair (AWS's documented example key)...
cat > "$work/aws-keys" <<'KEYS'
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
KEYS
build/awsv2-mock --port 0 --credentials "$work/aws-keys" > "$work/mock.out" &
pids+=($!)
endpoint=$(first_line "$work/mock.out")

# ...and so does the Due, provisioned once; its keystore is its flash.
build/awsv2-due-emu --keystore "$work/due-flash" --import-credentials "$work/aws-keys" \
    > "$work/due.out" &
pids+=($!)
device=$(first_line "$work/due.out")
rm "$work/aws-keys"

echo "awsv2-mock at $endpoint, emulated Due at $device" >&2
# The host has no credentials at all: the access key id comes from the Due.
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE \
    HOME="$work" AWS_SHARED_CREDENTIALS_FILE="$work/none" AWS_CONFIG_FILE="$work/none" \
    build/examples/ec2-describe/ec2-describe-instances --signer "due:$device" \
    --endpoint "$endpoint" --region us-east-1
