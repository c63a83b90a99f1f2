#!/bin/sh
# libawsv2's SigV4 against botocore on thousands of random requests
# (tests/core/sigv4_oracle.py), through the openssl signer, or the signer
# named by SIGV4_ORACLE_SIGNER: a due: or http: spec whose device holds
# AWS's example key (tests/README.md). SIGV4_ORACLE_COUNT, _CLI_COUNT and
# _SEED tune the run. Skips (77) without python3-botocore.
set -u

: "${top_builddir:=.}"
: "${top_srcdir:=.}"
BATCH="$top_builddir/tests/core/sigv4_batch"
SIGN="$top_builddir/tools/awsv2-sign"
[ -x "$BATCH" ] && [ -x "$SIGN" ] || { echo "no $BATCH or $SIGN (run from make check)" >&2; exit 99; }
# Debian's python3-botocore is under /usr/bin/python3, which another python3
# first on PATH may not see.
PYTHON=python3
/usr/bin/python3 -c 'import botocore' 2>/dev/null && PYTHON=/usr/bin/python3
"$PYTHON" -c 'import botocore' 2>/dev/null || { echo "python3-botocore not installed" >&2; exit 77; }

tmp=$(mktemp -d -t awsv2-sigv4-oracle.XXXXXX) || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE \
    AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE AWS_REGION AWS_DEFAULT_REGION \
    AWS_ENDPOINT_URL AWS_ENDPOINT_URL_EC2 AWS_ENDPOINT_URL_SQS AWSV2_SIGNER \
    AWSV2_SIGNATURE_VERSION
HOME=$tmp
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export HOME AWS_ACCESS_KEY_ID
# Only the openssl signer gets the secret: a device or daemon signs with its own.
if [ "${SIGV4_ORACLE_SIGNER:-openssl}" = openssl ]; then
    AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
    export AWS_SECRET_ACCESS_KEY
fi

# The seed is printed, so that a failure can be replayed (SIGV4_ORACLE_SEED).
"$PYTHON" "$top_srcdir/tests/core/sigv4_oracle.py" --batch "$BATCH" --sign "$SIGN" \
    --signer "${SIGV4_ORACLE_SIGNER:-openssl}" --count "${SIGV4_ORACLE_COUNT:-4000}" \
    --cli-count "${SIGV4_ORACLE_CLI_COUNT:-25}" ${SIGV4_ORACLE_SEED:+--seed "$SIGV4_ORACLE_SEED"}
