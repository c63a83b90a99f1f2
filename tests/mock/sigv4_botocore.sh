#!/bin/bash
# awsv2-mock against an independent SigV4 signer: python3-botocore signs
# random requests (SigV4Auth: POST or GET with an Authorization header;
# SigV4QueryAuth: presigned GET) with random parameters, regions, session
# tokens and bodies, and sends them to a real awsv2-mock on 127.0.0.1,
# which must accept every one (and check SQS's MD5s); the same requests
# signed with another secret or for the other service, or with one byte
# changed, must be refused.
set -u
mock="${top_builddir:-.}/awsv2-mock"
python3 -c 'import botocore.auth' 2>/dev/null || {
    echo "SKIP: python3-botocore is not installed (scripts/deps.sh installs it)"
    exit 77
}
dir=$(mktemp -d) || exit 99
pid=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    rm -rf "$dir"
}
trap cleanup EXIT

printf '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\naws_session_token = FQoGZXIvYXdzEXAMPLE/session+token==\n' \
    > "$dir/credentials"
mkfifo "$dir/fifo" || exit 99
"$mock" --credentials "$dir/credentials" > "$dir/fifo" 2> "$dir/err" &
pid=$!
url=$(timeout 10 head -n 1 "$dir/fifo")
[ -n "$url" ] || { echo "FAIL: awsv2-mock printed no URL"; cat "$dir/err"; exit 99; }

python3 - "$url" "${SIGV4_SEED:-}" <<'EOF'
import hashlib, http.client, random, sys, time, urllib.parse
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

url, seed = sys.argv[1], sys.argv[2] or str(time.time_ns())
print("seed", seed, "(SIGV4_SEED=... repeats a run)")
rng = random.Random(seed)
base = urllib.parse.urlsplit(url)
KEY, SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "FQoGZXIvYXdzEXAMPLE/session+token=="
REGIONS = ["us-east-1", "eu-central-1", "ap-south-1", "us-gov-west-1", "cn-north-1", "xx-test-9"]
AUTH_CODES = {"SignatureDoesNotMatch", "IncompleteSignature", "AuthFailure", "InvalidClientTokenId",
              "RequestExpired", "XAmzContentSHA256Mismatch", "MissingParameter"}
failures = 0

def fail(msg):
    global failures
    failures += 1
    print("FAIL:", msg)

def text(n, sqs=False):
    """Random text: ASCII (controls too, but what SQS refuses), reserved
    characters, spaces, and multi-byte UTF-8."""
    pool = [chr(c) for c in range(0x20, 0x7F)] + list("é日本€\U0001F600 +&=%/~")
    pool += ["\t", "\n", "\r"] if sqs else [chr(c) for c in range(1, 0x20)]
    return "".join(rng.choice(pool) for _ in range(n))

def params_for(service):
    p = {"Action": "DescribeInstances", "Version": "2016-11-15"} if service == "ec2" else \
        {"Action": "SendMessage", "Version": "2012-11-05", "MessageBody": text(rng.randint(1, 300), True)}
    for i in range(rng.randint(0, 8)):
        # P-prefixed names: neither an action's parameter nor an auth one
        p["P" + text(rng.randint(0, 12)).replace("\0", "")] = text(rng.randint(0, 40))
    return p

def send(prepared):
    u = urllib.parse.urlsplit(prepared.url)
    target = (u.path or "/") + ("?" + u.query if u.query else "")
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
    body = prepared.body
    if isinstance(body, str):
        body = body.encode()
    conn.request(prepared.method, target, body=body or None, headers=dict(prepared.headers))
    r = conn.getresponse()
    data = r.read().decode("utf-8", "replace")
    conn.close()
    return r.status, data

def code_of(data):
    a = data.find("<Code>")
    return data[a + 6:data.find("</Code>")] if a >= 0 else ""

def sign(method, path, params, service, region, secret, token, presign, content_sha=False, tamper=False):
    creds = Credentials(KEY, secret, token)
    endpoint = f"http://{base.hostname}:{base.port}{path}"
    if presign:
        req = AWSRequest(method="GET", url=endpoint, params=params)
        SigV4QueryAuth(creds, service, region, expires=rng.randint(60, 3600)).add_auth(req)
    elif method == "GET":
        req = AWSRequest(method="GET", url=endpoint, params=params)
        SigV4Auth(creds, service, region).add_auth(req)
    else:
        quote = rng.choice([urllib.parse.quote, urllib.parse.quote_plus])
        body = urllib.parse.urlencode(params, quote_via=lambda s, safe, enc, err: quote(s, safe=""))
        # runs of blanks inside header values: signed as one space
        blanks = lambda: "".join(rng.choice(" \t") for _ in range(rng.randint(1, 3)))
        headers = {"Content-Type": "application/x-www-form-urlencoded;" + blanks() + "charset=utf-8"}
        if rng.random() < 0.5:
            headers["X-Test-Header"] = "a" + blanks() + "b" + blanks() + "c"
        if content_sha:
            headers["X-Amz-Content-SHA256"] = hashlib.sha256(body.encode()).hexdigest()
        req = AWSRequest(method="POST", url=endpoint, data=body, headers=headers)
        SigV4Auth(creds, service, region).add_auth(req)
    prepared = req.prepare()
    if tamper:
        # one letter of the operation's parameters (in the body, or in the
        # query before the auth parameters), never a hex digit of an escape
        def flip(s, end):
            i = end - 1
            while i > 0 and not (s[i].isascii() and s[i].isalnum() and "%" not in s[i - 2:i]):
                i -= 1
            return None if i <= 0 else s[:i] + ("b" if s[i] == "a" else "a") + s[i + 1:]
        if presign:
            q = prepared.url
            prepared.url = flip(q, q.index("X-Amz-Algorithm=") - 1)
        elif method == "GET":
            prepared.url = flip(prepared.url, len(prepared.url))
        else:
            b = prepared.body if isinstance(prepared.body, str) else prepared.body.decode()
            prepared.body = flip(b, len(b))
        if prepared.url is None or (method == "POST" and prepared.body is None):
            return None
    return prepared

# Queues for SendMessage, created through botocore-signed requests too.
queues = []
for n in range(3):
    name = f"q{n}-" + "".join(rng.choice("abcXYZ019_-") for _ in range(8))
    st, data = send(sign("POST", "/", {"Action": "CreateQueue", "Version": "2012-11-05", "QueueName": name},
                         "sqs", rng.choice(REGIONS), SECRET, None, False))
    if st != 200:
        fail(f"CreateQueue {name}: {st} {code_of(data)}")
    queues.append("/123456789012/" + name)

accepted = refused = 0
for i in range(300):
    service = rng.choice(["ec2", "sqs"])
    mode = rng.choice(["presigned GET", "POST", "GET with a header"])
    presign, method = mode == "presigned GET", "POST" if mode == "POST" else "GET"
    path = "/" if service == "ec2" else rng.choice(queues)
    params = params_for(service)
    region = rng.choice(REGIONS)
    token = TOKEN if rng.random() < 0.3 else None
    content_sha = method == "POST" and rng.random() < 0.3
    what = f"#{i} {service} {mode} {region} token={token is not None}"
    st, data = send(sign(method, path, params, service, region, SECRET, token,
                         presign, content_sha))
    if st != 200 and (st in (401, 403) or code_of(data) in AUTH_CODES or service == "sqs"):
        fail(f"{what}: refused: {st} {code_of(data)}\n{data[:400]}")
        continue
    if service == "sqs":
        md5 = hashlib.md5(params["MessageBody"].encode()).hexdigest()
        if f"<MD5OfMessageBody>{md5}</MD5OfMessageBody>" not in data:
            fail(f"{what}: wrong MD5OfMessageBody\n{data[:400]}")
    accepted += 1

    # The same request under another secret, or with one byte changed.
    st, data = send(sign(method, path, params, service, region,
                         SECRET[:-1] + "Z", token, presign, content_sha))
    if (st, code_of(data)) != (403, "SignatureDoesNotMatch"):
        fail(f"{what}, another secret: {st} {code_of(data)}")
    # Correctly signed, but for the other service than the endpoint's.
    other = "sqs" if service == "ec2" else "ec2"
    st, data = send(sign(method, path, params, other, region, SECRET, token,
                         presign, content_sha))
    if (st, code_of(data)) != (403, "SignatureDoesNotMatch") or "correct service" not in data:
        fail(f"{what}, scoped to {other}: {st} {code_of(data)}")
    prepared = sign(method, path, params, service, region, SECRET, token,
                    presign, content_sha, tamper=True)
    if prepared is not None:
        st, data = send(prepared)
        want = "XAmzContentSHA256Mismatch" if content_sha else "SignatureDoesNotMatch"
        if code_of(data) not in (want, "MalformedQueryString") or st == 200:
            fail(f"{what}, one byte changed: {st} {code_of(data)}")
        refused += 1

print(f"{accepted} botocore-signed requests accepted, {refused} tampered ones refused")
if accepted < 250 or refused < 200:
    fail("too few requests exercised")
sys.exit(1 if failures else 0)
EOF
status=$?
# The mock ends cleanly (under a sanitizer: without a report).
kill -TERM "$pid"
wait "$pid"
mock_status=$?
pid=
if [ "$mock_status" -ne 0 ]; then
    echo "FAIL: awsv2-mock exited $mock_status"
    cat "$dir/err"
    exit 1
fi
exit "$status"
