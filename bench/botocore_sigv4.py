#!/usr/bin/env python3
"""Times botocore's SigV4Auth on the request awsv2-bench sign4 signs (the
vector ec2-describe-instances-post of tests/core/sigv4.jsonl): each
iteration builds the request and its form body and signs it, as botocore
does for every call. Prints "sign4_botocore N req/s" (best of several
slices, like awsv2-bench)."""
import datetime
import sys
import time

try:
    import botocore.auth as bauth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from botocore.utils import percent_encode_sequence
except ImportError:
    print("botocore_sigv4: python3-botocore is not installed", file=sys.stderr)
    sys.exit(77)

PARAMS = [
    ("Action", "DescribeInstances"), ("Version", "2016-11-15"),
    ("Filter.1.Name", "instance-state-name"), ("Filter.1.Value.1", "running"),
    ("Filter.1.Value.2", "stopped"), ("Filter.2.Name", "tag:Name"),
    ("Filter.2.Value.1", "web*"), ("Filter.10.Name", "instance-type"),
    ("Filter.10.Value.1", "t3.micro"), ("InstanceId.1", "i-1234567890abcdef0"),
    ("MaxResults", "100"),
]
NOW = datetime.datetime(2026, 11, 21, 12, 0, 0)


def sign_one(creds):
    body = percent_encode_sequence(PARAMS)
    req = AWSRequest(method="POST", url="https://ec2.eu-central-1.amazonaws.com/", data=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    bauth.SigV4Auth(creds, "ec2", "eu-central-1").add_auth(req)
    return req.headers["Authorization"]


def main():
    bauth.get_current_datetime = lambda: NOW
    creds = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    sign_one(creds)
    best = 0.0
    for _ in range(5):
        n, start = 0, time.perf_counter()
        while True:
            for _ in range(100):
                sign_one(creds)
            n += 100
            elapsed = time.perf_counter() - start
            if elapsed >= 0.2:
                break
        best = max(best, n / elapsed)
    print("sign4_botocore %.0f req/s" % best)


if __name__ == "__main__":
    main()
