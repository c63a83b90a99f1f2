#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/NAME/ from the test suite's own
traffic: the SigV2 and SigV4 vectors (tests/core/*.jsonl), the XML
responses of tests/client/, and a few real requests and replies of each
protocol. Run from the top of the tree after the vectors change:
    python3 fuzz/seeds.py
The files are committed; make fuzz and make check read them."""
import base64
import hashlib
import hmac
import json
import os
import re
import shutil

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def load(name):
    with open(os.path.join(TOP, "tests", "core", name)) as f:
        return [json.loads(line) for line in f if line.strip()]


V2 = load("sigv2.jsonl")
V4 = [v for v in load("sigv4.jsonl") if "canonical_request" in v]


def b(s):
    return s.encode() if isinstance(s, str) else s


corpora = {}


def seed(name, label, data):
    corpora.setdefault(name, []).append((label, b(data)))


def pct(s):
    out = []
    for c in b(s):
        ch = chr(c)
        out.append(ch if ch.isalnum() and c < 128 or ch in "-_.~" else "%%%02X" % c)
    return "".join(out)


# ---- sts: strings to sign, and "name\x01query" lookups
for v in V2:
    seed("sts", v["name"], v["string_to_sign"])
    seed("sts", v["name"] + "-lookup", "AWSAccessKeyId\x01" + v["string_to_sign"].split("\n")[3])
q = "AWSAccessKeyId=%s&Action=DescribeInstances&SignatureMethod=HmacSHA256" % KEY
for label, s in [
    ("repeated-key", "GET\nh\n/\n%s&AWSAccessKeyId=%s" % (q, KEY)),
    ("prefixed-name", "GET\nh\n/\nXAWSAccessKeyId=%s&SignatureMethod=HmacSHA1" % KEY),
    ("escaped-key", "GET\nh\n/\nAWSAccessKeyId=AKIA%%41%%42&SignatureMethod=HmacSHA1"),
    ("bad-escape", "GET\nh\n/\nAWSAccessKeyId=AKIA%%4"),
    ("nul-method", "GET\nh\n/\nAWSAccessKeyId=AK&SignatureMethod=HmacSHA256%00x"),
    ("four-lines", "GET\nh\n/\n%s\nx" % q),
    ("utf8", "caf\xc3\xa9 \xf0\x9f\x98\x80 \xed\xa0\x80 \xc0\xaf"),
    ("hex", "0123456789abcdefABCDEF"),
]:
    seed("sts", label, s.encode("latin-1") if label == "utf8" else s)

# ---- sts4: key \x01 region \x01 service \x01 flags, canonical request \x01 payload
def has_payload(v):
    """Whether the canonical request names a payload hash (else UNSIGNED-PAYLOAD)."""
    return v["canonical_request"].rsplit("\n", 1)[1] != "UNSIGNED-PAYLOAD"


for v in V4:
    post = has_payload(v)
    body = v.get("body") or ""
    seed("sts4", v["name"], "%s\x01%s\x01%s\x01%s%s%s" % (
        v["access_key_id"], v["region"], v["service"], "\x01" if post else "\x00",
        v["canonical_request"], "\x01" + body if post else ""))
cr = V4[0]["canonical_request"]
seed("sts4", "bad-region", "%s\x01EU-West\x01ec2\x01\x00%s" % (KEY, cr))
seed("sts4", "bad-key", "akia\x01us-east-1\x01ec2\x01\x00%s" % cr)

# ---- protocol: sessions of the serial protocol (0xFF escapes: fuzz_protocol.c)
FF = b"\xff"
put = b"PUT-KEY %s %s\0" % (b(KEY), b(SECRET))
signs = b"".join(b"SIGN-AWS-V2 " + b(v["string_to_sign"]) + b"\0" for v in V2[:4])
seed("protocol", "session", put + signs + b"KEYS\0PING n0nce-1\0DELETE-KEY " + b(KEY) + b"\0KEYS\0")
seed("protocol", "restart", put + FF + b"P" + signs + b"KEYS\0")
seed("protocol", "lock", put + b"LOCK\0PUT-KEY AKIAI44QH8DHBEXAMPLE secret2\0DELETE-KEY " + b(KEY)
     + b"\0" + FF + b"PLOCK\0KEYS\0")
seed("protocol", "power-cut-put", FF + b"B\x50" + put + b"KEYS\0" + FF + b"PKEYS\0" + signs)
seed("protocol", "power-cut-delete", put + FF + b"B\x20DELETE-KEY " + b(KEY) + b"\0" + FF + b"PKEYS\0")
seed("protocol", "read-failure", put + FF + b"R" + FF + b"B\x10DELETE-KEY " + b(KEY) + b"\0" + FF + b"P"
     + b"KEYS\0" + signs)
seed("protocol", "full", b"".join(b"PUT-KEY AKIA%d s%d\0" % (i, i) for i in range(9)) + b"KEYS\0")
seed("protocol", "framing", b"\r\n \tPING a\0\0\0 KEYS x\0KEYS\0PING\0PING " + b"x" * 65 + b"\0SIGN-AWS-V2\0")
seed("protocol", "too-long", b"SIGN-AWS-V2 " + b"A" * 8200 + b"\0PING after\0")
seed("protocol", "half-request", put + b"SIGN-AWS-V2 GET\nh\n/\nAWS" + FF + b"PKEYS\0")
for v in V4[:3] + [v for v in V4 if v["kind"].startswith("post")][:1]:
    post = has_payload(v)
    seed("protocol", "v4-" + v["name"], put + b"SIGN-AWS-V4 %s %s %s\n%s%s\0" % (
        b(KEY), b(v["region"]), b(v["service"]), b(v["canonical_request"]),
        b"\n" + b(v.get("body") or "") if post else b""))

# ---- query: method/endpoint byte, then name=value operations split by NUL
for i, v in enumerate(V2):
    ops = "\0".join("%s=%s" % (n, val) for n, val in v["params"])
    seed("query", v["name"], bytes([i % 8]) + b(ops))
seed("query", "remove-and-replace", b"\x01Action=A\0Action=B\0Version\0Signature=x\0SignatureMethod=HmacSHA1"
     b"\0AWSAccessKeyId=" + b(KEY) + b"\0empty=\0=novalue\0sp ace=\xe2\x82\xac&=")

# ---- ini: credentials and config files
seed("ini", "credentials", "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (KEY, SECRET))
seed("ini", "profiles", "# comment\n; other\n[default]\naws_access_key_id=%s\naws_secret_access_key=%s\n"
     "aws_session_token = tok\n\n[dev]\naws_access_key_id = AKIAI44QH8DHBEXAMPLE\n"
     "aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\n" % (KEY, SECRET))
seed("ini", "config", "[default]\nregion = eu-west-1\ns3 =\n  max_concurrent_requests = 10\n"
     "[profile dev]\nregion=us-west-2\noutput = json\n")
seed("ini", "malformed", "[default\naws_access_key_id\n= x\n[dev]\naws_secret_access_key = %s\n" % SECRET)
seed("ini", "empty-value", "[default]\naws_access_key_id =\naws_secret_access_key = %s\r\n" % SECRET)

# ---- spec: signer specs
for i, s in enumerate(["openssl", "due:/dev/ttyACM0", "due:/dev/ttyACM0?timeout_ms=2000&window=4", "due:auto",
                       "due:/dev/ttyUSB0?window=0", "due:?timeout_ms=1", "http://127.0.0.1:8086/sign/aws",
                       "https://hsm.example.com:8443/sign/aws?timeout_ms=500",
                       "http://localhost/sign/aws?unix_socket=/run/awsv2-hsmd.sock&timeout_ms=2000",
                       "http://[::1]:8086/sign/aws?bogus=1", "http://", "https://:0/x?timeout_ms=-1",
                       "hsm:/dev/ttyACM0", "", "openssl?x=1",
                       "http://h/sign/aws?timeout_ms=18446744073709551616"]):
    seed("spec", "spec-%02d" % i, s)

# ---- xml: the responses of tests/client/, and SQS results with real MD5s
def c_strings(path):
    """The XML string literals of a C file (adjacent literals joined)."""
    text = open(os.path.join(TOP, path)).read()
    out = []
    for m in re.finditer(r'(?:"(?:[^"\\\n]|\\.)*"\s*)+', text):
        parts = re.findall(r'"((?:[^"\\\n]|\\.)*)"', m.group(0))
        s = "".join(parts).encode().decode("unicode_escape")
        if s.lstrip().startswith("<") and len(s) > 40:
            out.append(s)
    return out


for path in ["tests/client/test_responses.c", "tests/client/test_ec2.c"]:
    for i, s in enumerate(c_strings(path)):
        seed("xml", "%s-%d" % (os.path.basename(path)[:-2], i), s)
body = "Hello from libawsv2"
md5 = hashlib.md5(body.encode()).hexdigest()
seed("xml", "sqs-send", "<SendMessageResponse><SendMessageResult><MD5OfMessageBody>%s</MD5OfMessageBody>"
     "<MessageId>5fea7756-0ea4-451a-a703-a558b933e274</MessageId></SendMessageResult>"
     "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></SendMessageResponse>" % md5)
msg = "caf\u00e9 \U0001F600"
seed("xml", "sqs-receive", "<ReceiveMessageResponse><ReceiveMessageResult><Message><MessageId>m-1</MessageId>"
     "<ReceiptHandle>rh-1</ReceiptHandle><MD5OfBody>%s</MD5OfBody><Body>%s</Body>"
     "<Attribute><Name>SenderId</Name><Value>123</Value></Attribute></Message><Message><MessageId>m-2"
     "</MessageId><ReceiptHandle>rh-2</ReceiptHandle><MD5OfBody>%s</MD5OfBody><Body>&lt;x&gt;</Body>"
     "<MessageAttribute><Name>bin</Name><Value><DataType>Binary</DataType><BinaryValue>AAEC/w==</BinaryValue>"
     "</Value></MessageAttribute><MD5OfMessageAttributes>00000000000000000000000000000000"
     "</MD5OfMessageAttributes></Message></ReceiveMessageResult></ReceiveMessageResponse>"
     % (hashlib.md5(msg.encode()).hexdigest(), msg, hashlib.md5(b"<x>").hexdigest()))
seed("xml", "sqs-queue-url", "<CreateQueueResponse><CreateQueueResult><QueueUrl>http://127.0.0.1:9324/123456789012/q"
     "</QueueUrl></CreateQueueResult></CreateQueueResponse>\0<GetQueueUrlResponse><GetQueueUrlResult>"
     "<QueueUrl>http://127.0.0.1:9324/123456789012/q</QueueUrl></GetQueueUrlResult></GetQueueUrlResponse>")
page = ("<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r%d</requestId>"
        "<reservationSet><item><reservationId>r-%d</reservationId><ownerId>123456789012</ownerId><instancesSet>"
        "<item><instanceId>i-%d</instanceId><instanceState><code>16</code><name>running</name></instanceState>"
        "<tagSet><item><key>Name</key><value>web</value></item></tagSet></item></instancesSet></item>"
        "</reservationSet>%s</DescribeInstancesResponse>")
seed("xml", "ec2-pages", (page % (1, 1, 1, "<nextToken>t1</nextToken>")) + "\0" + (page % (2, 1, 2, "")))

# ---- daemon: route byte, Authorization \x01 body \x01 signer status byte, code \x01
tok = "Bearer fuzz-token-0123456789"
for v in V2[:4]:
    seed("daemon", "sign-" + v["name"], "\x00%s\x01%s\x01\x00\x01" % (tok, v["string_to_sign"]))
seed("daemon", "sign-refused", "\x00bearer fuzz-token-0123456789\x01%s\x01\x01unknown-awsaccesskey\x01"
     % V2[0]["string_to_sign"])
seed("daemon", "sign-bad", "\x00Basic x\x01GET\nh\n/\nAction=x\x01\x00\x01")
for v in V4[:3]:
    post = has_payload(v)
    obj = {"key_id": v["access_key_id"], "region": v["region"], "service": v["service"],
           "canonical_request": v["canonical_request"]}
    if post:
        obj["payload"] = v.get("body") or ""
    seed("daemon", "sign4-" + v["name"], "\x01%s\x01%s\x01\x02invalid-scope\x01" % (tok, json.dumps(obj)))
seed("daemon", "sign4-bad", '\x01\x01{"key_id": "A", "region": 1}\x01\x00\x01')
seed("daemon", "keys", "\x02\x01%s,AKIAI44QH8DHBEXAMPLE,,x\x01\x00\x01" % KEY)

# ---- mock: query strings and form bodies as a client sends them
for v in V2:
    canon = v["string_to_sign"].split("\n")[3]
    mac = hmac.new(SECRET.encode(), v["string_to_sign"].encode(),
                   hashlib.sha256 if v["signature_method"] == "HmacSHA256" else hashlib.sha1).digest()
    seed("mock", v["name"], canon + "&Signature=" + pct(base64.b64encode(mac).decode()))
seed("mock", "form", "Action=SendMessage&MessageBody=hello+world%%21&AWSAccessKeyId=%s&SignatureMethod=HmacSHA1&"
     "SignatureVersion=2&Timestamp=2026-12-02T04%%3A20%%3A00Z" % KEY)
seed("mock", "bad", "a=1&a=2&=x&b=%ZZ&c=%00&&d")

# ---- mock4: method byte, path \x01 query \x01 header lines \x01 body
V4ALL = load("sigv4.jsonl")
for v in V4ALL:
    if "endpoint" not in v:
        continue
    path = "/" + v["endpoint"].split("/", 3)[3] if v["endpoint"].count("/") >= 3 else "/"
    host = v["endpoint"].split("/")[2]
    if v["kind"] == "presigned-get":
        seed("mock4", v["name"], "\x00%s\x01%s\x01host:%s\x01" % (path, v["query"], host))
    elif "authorization" in v:
        lines = ["%s:%s" % kv for kv in sorted(v["headers"].items())]
        lines.append("Authorization:" + v["authorization"])
        post = v["kind"].startswith("post")
        seed("mock4", v["name"], "%s%s\x01%s\x01%s\x01%s" % (
            "\x01" if post else "\x00", path, "" if post else "&".join("%s=%s" % (pct(n), pct(x))
                                                                   for n, x in v["params"]),
            "\n".join(lines), v.get("body") or ""))

# ---- http_reply: status (two bytes), then the daemon's JSON
sig = hmac.new(SECRET.encode(), V2[0]["string_to_sign"].encode(), hashlib.sha256).hexdigest()
for label, st, body in [
    ("sign-ok", 0, '{"success": true, "signature": "%s"}' % sig),
    ("sign-ok-sha1", 0, '{"success": true, "signature": "%s"}' % sig[:40].upper()),
    ("refused", 3, '{"success": false, "error": "unknown-awsaccesskey"}'),
    ("hsmd-py", 0, '{"success": false, "error": "invalid-command"}'),
    ("busy", 8, '{"success": false, "error": "queue-full"}'),
    ("keys", 0, '{"success": true, "keys": ["%s", "AKIAI44QH8DHBEXAMPLE"]}' % KEY),
    ("health", 0, '{"success": true, "healthy": true, "signer": "due:/dev/ttyACM0"}'),
    ("not-json", 6, "<html>502 Bad Gateway</html>"),
    ("batch", 0, '{"success": true, "results": [{"success": true, "signature": "%s"}, '
                 '{"success": false, "error": "device-unavailable", "status": 503}, '
                 '{"success": true, "signature": "%s"}]}' % (sig, sig[:40])),
]:
    seed("http_reply", label, bytes([st, 0]) + b(body))

# ---- batch: the signer's answer for every job (0 ok, 1 refused, 2 device
# gone; 0x80 and up: the pool refuses the first job), then the JSON body
def batch_sts(n, method="HmacSHA256"):
    return ("GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=%s&Action=DescribeInstances"
            "&InstanceId.1=i-%08x%s&SignatureVersion=2&Timestamp=2026-11-21T12%%3A00%%3A00Z"
            "&Version=2012-12-01" % (KEY, n, "&SignatureMethod=" + method if method else ""))


for label, answer, body in [
    ("ok", 0, [batch_sts(1), batch_sts(2, "")]),
    ("refused", 1, [batch_sts(1), "not a string to sign"]),
    ("device", 2, [batch_sts(3)]),
    ("queue-full", 0x80, [batch_sts(1), batch_sts(2)]),
    ("empty", 0, []),
    ("object", 0, {"a": 1}),
]:
    seed("batch", label, bytes([answer]) + b(json.dumps(body)))

# ---- due_reply: nonce \x01 line
for label, line in [
    ("success-sha256", "SUCCESS " + sig), ("success-sha1", "SUCCESS " + sig[:40].upper()),
    ("error", "ERROR unknown-awsaccesskey"), ("keys", "KEYS %s,AKIAI44QH8DHBEXAMPLE" % KEY),
    ("keys-empty", "KEYS"), ("pong", "PONG n0nce-1 awsv2-hsm/0.1.0"), ("pong-old", "PONG n0nce-1"),
    ("garbled", "SUCC\x00ESS ERROR Bad"),
]:
    seed("due_reply", label, "n0nce-1\x01" + line)
# compact frames' replies, the nonce being the tag: whole, and spliced (the
# head of reply 5 on the tail of reply 6)
for label, line in [
    ("tagged", "D 5 SUCCESS %s 5" % sig), ("tagged-error", "D 5 ERROR delta-reference 5"),
    ("tagged-spliced", "D 5 SUCCESS %s 6" % sig),
]:
    seed("due_reply", label, "5\x01" + line)

# ---- delta: mode, reference \x01 script (even mode) or new request (odd)
ref = "SIGN-AWS-V2 " + V2[0]["string_to_sign"]
new = ref.replace("2", "3", 2)
for label, mode, second in [
    ("whole", 0, "%d+%s" % (len(ref), ref)), ("copy-skip-insert", 0, "12=3-2+ab"),
    ("past-end", 0, "99999="), ("cut-literal", 0, "5+ab"), ("no-room", 40, "30+" + "x" * 30),
    ("encode-similar", 1, new), ("encode-other", 1, "SIGN-AWS-V4 AKIA us-east-1 ec2\nGET\n/"),
    ("encode-empty", 1, ""),
]:
    seed("delta", label, bytes([mode]) + b(ref) + b"\x01" + b(second))

for name, files in corpora.items():
    d = os.path.join(TOP, "fuzz", "corpus", name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for label, data in files:
        with open(os.path.join(d, re.sub(r"[^A-Za-z0-9_.-]", "_", label)), "wb") as f:
            f.write(data)
    print("%-10s %d seeds" % (name, len(files)))
