#!/usr/bin/env python3
"""libawsv2's SigV4 against botocore's, on thousands of random requests.

Random query requests (parameter names and values over every printable byte,
control characters and UTF-8; presigned GETs and POSTs signed in their
Authorization header; odd hosts, ports and paths; session tokens) are signed
by Debian's python3-botocore (SigV4QueryAuth, SigV4Auth) and by libawsv2:
in bulk through tests/core/sigv4_batch (the request API and the signer
named by --signer), and some through awsv2-sign itself (--print
canonical-request, authorization, url). Canonical requests, signatures,
Authorization headers, form bodies and presigned URLs must agree exactly.

    sigv4_oracle.py --batch PATH --sign PATH [--signer SPEC] [--count N]
                    [--cli-count N] [--seed N]

The signer must hold AWS's example key (AKIAIOSFODNN7EXAMPLE); for the
openssl signer the secret comes from the environment like the programs'.
Exit status 0 when everything agrees, 1 on a mismatch, 2 on a usage error.
"""
import argparse
import datetime
import os
import random
import subprocess
import sys
import types
from urllib.parse import parse_qsl, urlsplit

try:
    import botocore.auth as bauth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from botocore.utils import percent_encode
except ImportError:
    print("sigv4_oracle: python3-botocore is not installed", file=sys.stderr)
    sys.exit(77)

KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
FORM = "application/x-www-form-urlencoded; charset=utf-8"
RESERVED = {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
            "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token"}

PRINTABLE = [chr(c) for c in range(0x20, 0x7F)]
CONTROL = [chr(c) for c in range(1, 0x20)] + ["\x7f"]
UTF8 = ["é", "ü", "ß", "€", "日", "本", "語", "🚀", "\u00a0", "\u2028", "\ufeff", "𝄞", "ñ"]


def rand_text(rng, lo, hi, alphabet_weights):
    n = rng.randint(lo, hi)
    out = []
    for _ in range(n):
        r = rng.random()
        if r < alphabet_weights[0]:
            out.append(rng.choice(PRINTABLE))
        elif r < alphabet_weights[1]:
            out.append(rng.choice(CONTROL))
        else:
            out.append(rng.choice(UTF8))
    return "".join(out)


def rand_host(rng):
    kind = rng.randrange(7)
    if kind == 0:
        return rng.choice(["ec2", "sqs", "EC2", "Sqs"]) + "." + rng.choice(
            ["eu-central-1", "us-east-1", "AP-South-1"]) + ".amazonaws.com"
    if kind == 1:
        return "127.0.0.1"
    if kind == 2:
        return "[::1]"
    if kind == 3:
        return rng.choice(["localhost", "LocalHost", "a", "x-y.z"])
    if kind == 4:
        return "[2001:DB8::A]"
    labels = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
                      for _ in range(rng.randint(1, 10))) for _ in range(rng.randint(1, 4))]
    return ".".join(labels)


def rand_endpoint(rng):
    scheme = rng.choice(["http", "https"])
    host = rand_host(rng)
    port = rng.choice([None, None, 80, 443, rng.randint(1, 65535), 8080, 4566])
    netloc = host if port is None else "%s:%d" % (host, port)
    path_chars = "abcXYZ019-_.~!$&'()*+,;=:%"
    segs = []
    for _ in range(rng.randint(0, 5)):
        r = rng.random()
        if r < 0.1:
            segs.append(".")
        elif r < 0.2:
            segs.append("..")
        elif r < 0.3:
            segs.append("")
        else:
            segs.append("".join(rng.choice(path_chars) for _ in range(rng.randint(1, 8))))
    path = ""
    if segs or rng.random() < 0.5:
        path = "/" + "/".join(segs)
        if rng.random() < 0.3:
            path += "/"
    return "%s://%s%s" % (scheme, netloc, path)


def rand_request(rng, for_cli=False):
    method = rng.choice(["GET", "POST"])
    params = {}
    for _ in range(rng.randint(0, 8)):
        name = rand_text(rng, 1, 12, (0.8, 0.85))
        if for_cli:
            # awsv2-sign splits Name=Value at the first '='.
            name = name.replace("=", "_")
        if name in RESERVED:
            continue
        params[name] = rand_text(rng, 0, 30, (0.7, 0.8))
    if rng.random() < 0.7:
        params.setdefault("Action", rng.choice(["DescribeInstances", "SendMessage"]))
    token = None
    if rng.random() < 0.3:
        token = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
                        for _ in range(rng.randint(16, 400)))
    region = rng.choice(["us-east-1", "eu-central-1", "ap-south-1", "cn-north-1", "x",
                         "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789-")
                                 for _ in range(rng.randint(1, 20)))])
    service = rng.choice(["ec2", "sqs", "iam", "sts", "a-b-0"])
    epoch = rng.randint(946684800, 4102444799)  # 2000..2099
    expires = rng.randint(1, 604800) if method == "GET" else 0
    return {"method": method, "endpoint": rand_endpoint(rng), "params": params,
            "token": token, "region": region, "service": service, "epoch": epoch,
            "expires": expires}


class Fixed:
    """Pins botocore's clock to the request's time."""

    def __init__(self, epoch):
        self.dt = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).replace(tzinfo=None)

    def __enter__(self):
        if hasattr(bauth, "get_current_datetime"):
            self.name, replacement = "get_current_datetime", lambda: self.dt
        else:
            # botocore before 1.33 (Debian's 1.29) reads datetime.datetime.utcnow().
            fixed = self.dt

            class Clock(datetime.datetime):
                @classmethod
                def utcnow(cls):
                    return fixed

            self.name, replacement = "datetime", types.SimpleNamespace(datetime=Clock)
        self.saved = getattr(bauth, self.name)
        setattr(bauth, self.name, replacement)

    def __exit__(self, *exc):
        setattr(bauth, self.name, self.saved)


def encoded_body(params):
    """The form body as libawsv2 sends it: pairs sorted by encoded name,
    encoded by botocore's percent_encode."""
    pairs = sorted((percent_encode(k), percent_encode(v)) for k, v in params.items())
    return "&".join("%s=%s" % kv for kv in pairs)


def botocore_sign(r):
    """(canonical request, signature, authorization or None, url, body)."""
    creds = Credentials(KEY_ID, SECRET, r["token"])
    captured = []
    if r["expires"]:
        auth = bauth.SigV4QueryAuth(creds, r["service"], r["region"], expires=r["expires"])
        req = AWSRequest(method="GET", url=r["endpoint"], params=dict(r["params"]))
    else:
        auth = bauth.SigV4Auth(creds, r["service"], r["region"])
        body = encoded_body(r["params"])
        req = AWSRequest(method="POST", url=r["endpoint"], data=body,
                         headers={"Content-Type": FORM})
    original = auth.canonical_request

    def capture(request):
        cr = original(request)
        captured.append(cr)
        return cr

    auth.canonical_request = capture
    with Fixed(r["epoch"]):
        auth.add_auth(req)
    cr = captured[-1]
    if r["expires"]:
        query = dict(parse_qsl(urlsplit(req.url).query, keep_blank_values=True))
        return cr, query["X-Amz-Signature"], None, req.url, None
    authz = req.headers["Authorization"]
    return cr, authz.rsplit("Signature=", 1)[1], authz, r["endpoint"], body


def url_pairs(url):
    parts = urlsplit(url)
    return (parts.scheme, parts.netloc, parts.path,
            sorted(parts.query.split("&")) if parts.query else [])


def hexs(s):
    """A text field for sigv4_batch: 'x' and its UTF-8 in hex (never empty)."""
    return "x" + s.encode("utf-8").hex()


class Checker:
    def __init__(self):
        self.failures = 0
        self.checked = 0

    def fail(self, r, what, got, want):
        self.failures += 1
        if self.failures <= 5:
            print("MISMATCH (%s) for %r\n  got:  %r\n  want: %r" % (what, r, got, want),
                  file=sys.stderr)

    def compare(self, r, cr, sig, authz, url, query):
        want = botocore_sign(r)
        self.checked += 1
        if cr is not None and cr != want[0]:
            self.fail(r, "canonical request", cr, want[0])
        if sig is not None and sig != want[1]:
            self.fail(r, "signature", sig, want[1])
        if r["expires"]:
            if url is not None and url_pairs(url) != url_pairs(want[3]):
                self.fail(r, "presigned url", url, want[3])
        else:
            if authz is not None and authz != want[2]:
                self.fail(r, "authorization", authz, want[2])
            if query is not None and query != want[4]:
                self.fail(r, "form body", query, want[4])


def unhex(h):
    return bytes.fromhex(h).decode("utf-8")


def run_batch(args, rng, checker):
    reqs = [rand_request(rng) for _ in range(args.count)]
    lines = []
    for r in reqs:
        fields = [r["method"], hexs(r["endpoint"]), r["region"], r["service"], str(r["epoch"]),
                  str(r["expires"]), hexs(r["token"]) if r["token"] else "-",
                  str(len(r["params"]))]
        for k, v in r["params"].items():
            fields += [hexs(k), hexs(v)]
        lines.append("\t".join(fields))
    proc = subprocess.run([args.batch, args.signer], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, timeout=args.timeout)
    if proc.returncode != 0:
        print("sigv4_batch failed (%d): %s" % (proc.returncode, proc.stderr), file=sys.stderr)
        return False
    out = proc.stdout.splitlines()
    if len(out) != len(reqs):
        print("sigv4_batch answered %d lines for %d requests" % (len(out), len(reqs)),
              file=sys.stderr)
        return False
    for r, line in zip(reqs, out):
        f = line.split("\t")
        if f[0] != "OK":
            checker.fail(r, "batch error", line, "OK")
            continue
        cr, sig, authz, url, query = (unhex(f[1]), f[2], None if f[3] == "-" else unhex(f[3]),
                                      unhex(f[4]), unhex(f[5]) if len(f) > 5 else "")
        checker.compare(r, cr, sig, authz, url, query)
    return True


def run_cli(args, rng, checker):
    env = dict(os.environ)
    for _ in range(args.cli_count):
        r = rand_request(rng, for_cli=True)
        ts = datetime.datetime.fromtimestamp(r["epoch"], datetime.timezone.utc)
        base = [args.sign, "--signature-version", "4", "--signer", args.signer,
                "--region", r["region"], "--service", r["service"],
                "--timestamp", ts.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "--method", r["method"]]
        if r["expires"]:
            base += ["--expires-in", str(r["expires"])]
        params = ["%s=%s" % kv for kv in r["params"].items()]
        if any("\x00" in p for p in params):
            continue
        run_env = dict(env)
        run_env.pop("AWS_SESSION_TOKEN", None)
        if r["token"]:
            run_env["AWS_SESSION_TOKEN"] = r["token"]
        prints = ["canonical-request", "url" if r["expires"] else "authorization"]
        got = {}
        for p in prints:
            argv = base + ["--print", p, "--", r["endpoint"]] + params
            proc = subprocess.run(argv, capture_output=True, env=run_env, timeout=args.timeout)
            if proc.returncode != 0:
                checker.fail(r, "awsv2-sign --print %s exit %d" % (p, proc.returncode),
                             proc.stderr, b"")
                break
            got[p] = proc.stdout.decode("utf-8")[:-1]
        else:
            checker.compare(r, got["canonical-request"], None, got.get("authorization"),
                            got.get("url"), None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batch", required=True, help="tests/core/sigv4_batch")
    ap.add_argument("--sign", help="tools/awsv2-sign (for --cli-count)")
    ap.add_argument("--signer", default="openssl")
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--cli-count", type=int, default=30)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    checker = Checker()
    ok = run_batch(args, rng, checker)
    if ok and args.sign and args.cli_count:
        run_cli(args, rng, checker)
    print("sigv4_oracle: seed %d, %d requests compared with botocore, %d mismatches"
          % (seed, checker.checked, checker.failures))
    return 0 if ok and checker.failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
