/* The shared SigV4 reader (firmware/hsm/src/awsv2_sts4.c). What it accepts
 * is checked against the rules written here from AWS's definition of a
 * canonical request and docs/serial-protocol.md (SIGN-AWS-V4): a key id of
 * [A-Z0-9]; a region and service of [a-z0-9-]; the lines METHOD (GET or
 * POST), an absolute path, a query of name=value parts sorted by name and
 * value, lower-case header lines in strictly increasing order up to an
 * empty line (host among them), the signed headers naming exactly those
 * headers, and the payload hash (64 lower-case hex digits with a payload,
 * UNSIGNED-PAYLOAD without); exactly one timestamp, the x-amz-date header
 * or the X-Amz-Date parameter; a presigned request's algorithm and
 * credential agree with the key id, date, region and service. What it
 * refuses first for the key id or the scope gets that code. The string to
 * sign and the splitting of a device request are checked too.
 *
 * Input: key_id \x01 region \x01 service \x01 flags byte, canonical
 * request \x01 payload. */
#include <stdbool.h>
#include <string.h>

#include "awsv2_sts4.h"
#include "fuzz.h"

static bool in_set(const char *s, size_t n, size_t max, bool upper)
{
    if (n < 1 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= '0' && c <= '9') ||
                  (upper ? (c >= 'A' && c <= 'Z') : ((c >= 'a' && c <= 'z') || c == '-'));
        if (!ok)
            return false;
    }
    return true;
}

/* The first value of name in query (still encoded), how many there are. */
static int param(const char *q, size_t qn, const char *name, const char **v, size_t *vn)
{
    size_t nl = strlen(name), start = 0;
    int count = 0;

    for (size_t i = 0; i <= qn; i++) {
        if (i < qn && q[i] != '&')
            continue;
        if (i - start > nl && memcmp(q + start, name, nl) == 0 && q[start + nl] == '=' &&
            count++ == 0) {
            *v = q + start + nl + 1;
            *vn = i - start - nl - 1;
        }
        start = i + 1;
    }
    return count;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Percent-decodes into a static buffer; its length, or -1. */
static long decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0)
                return -1;
            c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        }
        if (o == cap)
            return -1;
        out[o++] = c;
    }
    return (long)o;
}

static int cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

static bool is(const char *s, size_t n, const char *word)
{
    return n == strlen(word) && memcmp(s, word, n) == 0;
}

#define MAX_LINES 512

static void check_accepted(const char *key, const char *region, const char *service,
                           const char *cr, size_t len, int has_payload, const struct awsv2__sts4 *o)
{
    const char *line[MAX_LINES];
    size_t llen[MAX_LINES], n = 0, start = 0;

    FUZZ_ASSERT(in_set(key, strlen(key), 128, true));
    FUZZ_ASSERT(in_set(region, strlen(region), AWSV2__STS4_REGION_MAX, false));
    FUZZ_ASSERT(in_set(service, strlen(service), AWSV2__STS4_SERVICE_MAX, false));
    for (size_t i = 0; i < len; i++)
        FUZZ_ASSERT(cr[i] == '\n' || (cr[i] >= 0x20 && cr[i] <= 0x7e));
    for (size_t i = 0; i <= len; i++)
        if (i == len || cr[i] == '\n') {
            FUZZ_ASSERT(n < MAX_LINES);
            line[n] = cr + start;
            llen[n++] = i - start;
            start = i + 1;
        }

    /* METHOD, path, query */
    FUZZ_ASSERT(n >= 7);
    FUZZ_ASSERT(is(line[0], llen[0], "GET") || is(line[0], llen[0], "POST"));
    FUZZ_ASSERT(o->method == line[0] && o->method_len == llen[0]);
    FUZZ_ASSERT(llen[1] > 0 && line[1][0] == '/' && o->path == line[1] && o->path_len == llen[1]);
    const char *q = line[2];
    size_t qn = llen[2];
    FUZZ_ASSERT(o->query == q && o->query_len == qn);
    const char *prev = NULL;
    size_t prev_len = 0;
    for (size_t i = 0, s = 0; qn && i <= qn; i++) {
        if (i < qn && q[i] != '&')
            continue;
        const char *part = q + s, *eq = memchr(part, '=', i - s);
        FUZZ_ASSERT(eq && eq > part);
        if (prev) {
            const char *peq = memchr(prev, '=', prev_len);
            int c = cmp(prev, (size_t)(peq - prev), part, (size_t)(eq - part));
            FUZZ_ASSERT(c < 0 || (c == 0 && cmp(peq + 1, prev_len - (size_t)(peq - prev) - 1,
                                                 eq + 1, i - s - (size_t)(eq - part) - 1) <= 0));
        }
        prev = part;
        prev_len = i - s;
        s = i + 1;
    }

    /* the header lines up to the empty one */
    size_t e = 3;
    while (e < n && llen[e] > 0)
        e++;
    FUZZ_ASSERT(e > 3 && e + 3 == n); /* then signed headers, payload hash, the end */
    char names[4096];
    size_t nn = 0;
    const char *host = NULL, *date_hdr = NULL;
    size_t host_len = 0, date_len = 0;
    int date_headers = 0;
    for (size_t h = 3; h < e; h++) {
        const char *colon = memchr(line[h], ':', llen[h]);
        FUZZ_ASSERT(colon && colon > line[h]);
        size_t name = (size_t)(colon - line[h]);
        FUZZ_ASSERT(in_set(line[h], name, 4096, false));
        if (h > 3) {
            const char *pc = memchr(line[h - 1], ':', llen[h - 1]);
            FUZZ_ASSERT(cmp(line[h - 1], (size_t)(pc - line[h - 1]), line[h], name) < 0);
        }
        if (is(line[h], name, "host"))
            host = colon + 1, host_len = llen[h] - name - 1;
        if (is(line[h], name, "x-amz-date"))
            date_hdr = colon + 1, date_len = llen[h] - name - 1, date_headers++;
        FUZZ_ASSERT(nn + name + 1 < sizeof names);
        if (nn)
            names[nn++] = ';';
        memcpy(names + nn, line[h], name);
        nn += name;
    }
    FUZZ_ASSERT(host && o->host == host && o->host_len == host_len);
    FUZZ_ASSERT(o->headers == line[3] && o->headers_len == (size_t)(line[e] - line[3]));
    FUZZ_ASSERT(is(line[e + 1], llen[e + 1], "") ? nn == 0 : (llen[e + 1] == nn &&
                memcmp(line[e + 1], names, nn) == 0));
    FUZZ_ASSERT(o->signed_headers == line[e + 1] && o->signed_headers_len == llen[e + 1]);
    FUZZ_ASSERT(o->payload_hash == line[e + 2] && o->payload_hash_len == llen[e + 2]);
    if (has_payload) {
        FUZZ_ASSERT(llen[e + 2] == 64);
        for (size_t i = 0; i < 64; i++)
            FUZZ_ASSERT((line[e + 2][i] >= '0' && line[e + 2][i] <= '9') ||
                        (line[e + 2][i] >= 'a' && line[e + 2][i] <= 'f'));
    } else {
        FUZZ_ASSERT(is(line[e + 2], llen[e + 2], "UNSIGNED-PAYLOAD"));
    }

    /* one timestamp */
    const char *v;
    size_t vn;
    char t[64];
    int in_query = param(q, qn, "X-Amz-Date", &v, &vn);
    FUZZ_ASSERT(in_query + date_headers == 1);
    long tn = in_query ? decode(v, vn, t, sizeof t) : (long)date_len;
    if (!in_query)
        memcpy(t, date_hdr, date_len < sizeof t ? date_len : sizeof t);
    FUZZ_ASSERT(tn == 16 && t[8] == 'T' && t[15] == 'Z');
    for (int i = 0; i < 15; i++)
        FUZZ_ASSERT(i == 8 || (t[i] >= '0' && t[i] <= '9'));
    FUZZ_ASSERT(memcmp(o->amz_date, t, 16) == 0 && o->amz_date[16] == '\0');
    FUZZ_ASSERT(memcmp(o->date, t, 8) == 0 && o->date[8] == '\0');
    FUZZ_ASSERT(o->presigned == in_query);

    /* a presigned request names this very scope */
    if (in_query) {
        char alg[64], cred[512], want[512];
        FUZZ_ASSERT(param(q, qn, "X-Amz-Algorithm", &v, &vn) == 1);
        long an = decode(v, vn, alg, sizeof alg);
        FUZZ_ASSERT(an == 16 && memcmp(alg, "AWS4-HMAC-SHA256", 16) == 0);
        FUZZ_ASSERT(param(q, qn, "X-Amz-Credential", &v, &vn) == 1);
        long cn = decode(v, vn, cred, sizeof cred);
        int wn = snprintf(want, sizeof want, "%s/%.8s/%s/%s/aws4_request", key, t, region, service);
        FUZZ_ASSERT(cn == wn && memcmp(cred, want, (size_t)wn) == 0);
        FUZZ_ASSERT(param(q, qn, "X-Amz-Signature", &v, &vn) == 0);
    }

    /* the string to sign */
    static const char hash[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    char sts[AWSV2__STS4_STS_MAX + 1], want[AWSV2__STS4_STS_MAX + 64];
    size_t sn = awsv2__sts4_string_to_sign(o, region, service, hash, sts);
    int wn = snprintf(want, sizeof want, "AWS4-HMAC-SHA256\n%.16s\n%.8s/%s/%s/aws4_request\n%s", t,
                      t, region, service, hash);
    FUZZ_ASSERT(sn <= AWSV2__STS4_STS_MAX && sn == (size_t)wn && memcmp(sts, want, sn) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    size_t kl, rl, sl, crl;
    const uint8_t *k = fuzz_field(&in, 1, &kl), *r = fuzz_field(&in, 1, &rl);
    const uint8_t *s = fuzz_field(&in, 1, &sl);
    unsigned flags = fuzz_byte(&in);
    const uint8_t *cr_bytes = fuzz_field(&in, 1, &crl);
    char *key = fuzz_strndup(k, kl), *region = fuzz_strndup(r, rl), *service = fuzz_strndup(s, sl);
    /* exactly the request's bytes: the reader must not look past them */
    char *cr = malloc(crl ? crl : 1);
    struct awsv2__sts4 out;
    int has_payload = flags & 1;

    FUZZ_ASSERT(cr);
    memcpy(cr, cr_bytes, crl);
    int rc = awsv2__sts4_check(key, region, service, cr, crl, has_payload, &out);
    FUZZ_ASSERT(strcmp(awsv2__sts4_code(rc), "") != 0);
    if (!in_set(key, strlen(key), 128, true))
        FUZZ_ASSERT(rc == AWSV2__STS4_BAD_KEY_ID);
    else if (!in_set(region, strlen(region), AWSV2__STS4_REGION_MAX, false) ||
             !in_set(service, strlen(service), AWSV2__STS4_SERVICE_MAX, false))
        FUZZ_ASSERT(rc == AWSV2__STS4_BAD_SCOPE);
    else
        FUZZ_ASSERT(rc == AWSV2__STS4_OK || rc == AWSV2__STS4_BAD_REQUEST ||
                    rc == AWSV2__STS4_BAD_SCOPE);
    if (rc == AWSV2__STS4_OK) {
        check_accepted(key, region, service, cr, crl, has_payload, &out);
        /* a device request: the canonical request, then '\n' and the payload */
        size_t body_len = crl + (has_payload ? 1 + in.n : 0), got_len = 0;
        char *body = malloc(body_len ? body_len : 1);
        int got_payload = -1;
        FUZZ_ASSERT(body);
        memcpy(body, cr, crl);
        if (has_payload) {
            body[crl] = '\n';
            memcpy(body + crl + 1, in.p, in.n);
        }
        FUZZ_ASSERT(awsv2__sts4_split(body, body_len, &got_len, &got_payload));
        FUZZ_ASSERT(got_len == crl && got_payload == has_payload);
        free(body);
    }
    free(cr);
    free(key);
    free(region);
    free(service);
    return 0;
}
