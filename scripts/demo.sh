#!/usr/bin/env bash
# The main job: installs what is needed, builds, and presigns an EC2
# DescribeInstances request with awsv2-sign (AWS's documented example key).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/deps.sh
scripts/build.sh build/
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
build/tools/awsv2-sign --debug https://ec2.us-east-1.amazonaws.com/ \
    Action=DescribeInstances Version=2016-11-15
