/* The shared string-to-sign reader (firmware/hsm/src/awsv2_sts.c) against
 * a reference written here from docs/serial-protocol.md: a string to sign
 * is printable ASCII with exactly three '\n'; parameters are split at '&'
 * and matched by whole name; AWSAccessKeyId must occur once and decode to
 * 1..128 of [A-Z0-9]; SignatureMethod, if present, once and exactly
 * HmacSHA1 or HmacSHA256. Also its codecs: percent-decoding, hex, UTF-8. */
#include <stdbool.h>
#include <string.h>

#include "awsv2_sts.h"
#include "fuzz.h"

static int hexval(int c)
{
    static const char digits[] = "0123456789abcdef0123456789ABCDEF";
    const char *d = c ? strchr(digits, c) : NULL;

    return d ? (int)((d - digits) % 16) : -1;
}

/* Decodes %XX escapes; -1 for a bad escape or more than cap bytes. */
static long ref_decode(const char *in, size_t len, char *out, size_t cap)
{
    size_t n = 0, i = 0;

    while (i < len) {
        int c = (unsigned char)in[i];
        if (c == '%') {
            if (len - i < 3 || hexval(in[i + 1]) < 0 || hexval(in[i + 2]) < 0)
                return -1;
            c = hexval(in[i + 1]) * 16 + hexval(in[i + 2]);
            i += 3;
        } else {
            i++;
        }
        if (n >= cap)
            return -1;
        out[n++] = (char)c;
    }
    return (long)n;
}

/* Every occurrence of name=... among the '&'-separated parts of q. */
static int ref_param(const char *q, size_t qlen, const char *name, const char **first,
                     size_t *first_len)
{
    size_t nl = strlen(name), start = 0;
    int count = 0;

    for (size_t i = 0; i <= qlen; i++) {
        if (i < qlen && q[i] != '&')
            continue;
        size_t plen = i - start;
        if (plen > nl && strncmp(q + start, name, nl) == 0 && q[start + nl] == '=') {
            if (count++ == 0) {
                *first = q + start + nl + 1;
                *first_len = plen - nl - 1;
            }
        }
        start = i + 1;
    }
    return count;
}

static bool ref_key_id(const char *s, size_t n)
{
    if (n < 1 || n > 128)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            return false;
    return true;
}

/* The reference reading: the status, and the parts. */
static awsv2__sts_status ref_parse(const char *s, size_t len, size_t line_start[4],
                                   char key[129], size_t *key_len, awsv2__sts_hash *hash)
{
    int lines = 0;
    const char *q, *v = NULL;
    size_t qlen, vlen = 0;
    char buf[256];
    long n;

    line_start[0] = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') {
            if (++lines > 3)
                return AWSV2__STS_MALFORMED;
            line_start[lines] = i + 1;
        } else if (c < 0x20 || c > 0x7e) {
            return AWSV2__STS_MALFORMED;
        }
    }
    if (lines != 3)
        return AWSV2__STS_MALFORMED;
    q = s + line_start[3];
    qlen = len - line_start[3];
    switch (ref_param(q, qlen, "AWSAccessKeyId", &v, &vlen)) {
    case 0:
        return AWSV2__STS_NO_KEY_ID;
    case 1:
        n = ref_decode(v, vlen, buf, sizeof buf);
        if (n < 0 || !ref_key_id(buf, (size_t)n))
            return AWSV2__STS_BAD_KEY_ID;
        memcpy(key, buf, (size_t)n);
        *key_len = (size_t)n;
        break;
    default:
        return AWSV2__STS_BAD_KEY_ID;
    }
    switch (ref_param(q, qlen, "SignatureMethod", &v, &vlen)) {
    case 0:
        *hash = AWSV2__STS_SHA1;
        return AWSV2__STS_OK;
    case 1:
        n = ref_decode(v, vlen, buf, sizeof buf);
        if (n == 8 && memcmp(buf, "HmacSHA1", 8) == 0)
            *hash = AWSV2__STS_SHA1;
        else if (n == 10 && memcmp(buf, "HmacSHA256", 10) == 0)
            *hash = AWSV2__STS_SHA256;
        else
            return AWSV2__STS_BAD_METHOD;
        return AWSV2__STS_OK;
    default:
        return AWSV2__STS_BAD_METHOD;
    }
}

/* The reference UTF-8 decoder: the shortest form, no surrogates, at most U+10FFFF. */
static size_t ref_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
    static const struct {
        unsigned char mask, lead;
        uint32_t min;
    } forms[] = {{0x80, 0x00, 0}, {0xE0, 0xC0, 0x80}, {0xF0, 0xE0, 0x800}, {0xF8, 0xF0, 0x10000}};

    for (size_t len = 1; len <= 4; len++) {
        if ((s[0] & forms[len - 1].mask) != forms[len - 1].lead)
            continue;
        if (n < len)
            return 0;
        uint32_t c = s[0] & (uint32_t)(0x7F >> (len == 1 ? 0 : len));
        for (size_t i = 1; i < len; i++) {
            if ((s[i] & 0xC0) != 0x80)
                return 0;
            c = c << 6 | (s[i] & 0x3F);
        }
        if (c < forms[len - 1].min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        *cp = c;
        return len;
    }
    return 0;
}

/* The original firmware's (hsm.ino) reading of the key id, as that sketch
 * wrote it: strstr, then up to '&' or the end, more than 64 refused. Right
 * for the due backend's legacy mode when that is the AWSAccessKeyId
 * parameter itself with a valid id. */
static bool ref_legacy_ok(const char *s, size_t len, const size_t starts[4])
{
    char *copy = fuzz_strndup((const uint8_t *)s, len);
    const char *p = strstr(copy, "AWSAccessKeyId=");
    bool ok = false;

    if (p) {
        size_t at = (size_t)(p - copy), n = strcspn(p + 15, "&");
        ok = at >= starts[3] && (at == starts[3] || copy[at - 1] == '&') && n <= 64 &&
             ref_key_id(p + 15, n);
    }
    free(copy);
    return ok;
}

static void check_parse(const char *s, size_t len)
{
    awsv2__sts got;
    size_t starts[4] = {0}, key_len = 0;
    char key[129];
    awsv2__sts_hash hash = AWSV2__STS_SHA1;
    awsv2__sts_status want = ref_parse(s, len, starts, key, &key_len, &hash);
    awsv2__sts_status st = awsv2__sts_parse(s, len, &got);

    FUZZ_ASSERT(st == want);
    FUZZ_ASSERT(awsv2__sts_is_valid(s, len) == (want != AWSV2__STS_MALFORMED));
    FUZZ_ASSERT(strcmp(awsv2__sts_code(st), "") != 0);
    if (want == AWSV2__STS_MALFORMED)
        return;
    FUZZ_ASSERT(got.verb == s && got.verb_len == starts[1] - 1);
    FUZZ_ASSERT(got.host == s + starts[1] && got.host_len == starts[2] - starts[1] - 1);
    FUZZ_ASSERT(got.path == s + starts[2] && got.path_len == starts[3] - starts[2] - 1);
    FUZZ_ASSERT(got.query == s + starts[3] && got.query_len == len - starts[3]);
    FUZZ_ASSERT(awsv2__sts_legacy_key_id_ok(s, len) == ref_legacy_ok(s, len, starts));

    const char *q, *action = NULL;
    size_t qlen, action_len = 0;
    FUZZ_ASSERT(awsv2__sts_query(s, len, &q, &qlen) && q == got.query && qlen == got.query_len);
    if (ref_param(got.query, got.query_len, "Action", &action, &action_len) == 0)
        FUZZ_ASSERT(got.action == NULL);
    else
        FUZZ_ASSERT(got.action == action && got.action_len == action_len);

    if (want == AWSV2__STS_OK || want == AWSV2__STS_BAD_METHOD) {
        FUZZ_ASSERT(got.key_id_len == key_len && memcmp(got.key_id, key, key_len) == 0);
        FUZZ_ASSERT(got.key_id[key_len] == '\0');
    } else {
        FUZZ_ASSERT(got.key_id[0] == '\0');
    }
    if (want == AWSV2__STS_OK)
        FUZZ_ASSERT(got.hash == hash);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char out[512], ref[512];
    uint8_t bytes[64];

    check_parse(s, size);

    /* Parameter lookup by a name taken from the input: "name\x01query". */
    {
        fuzz_in in = {data, size};
        size_t nlen, qlen;
        const uint8_t *name = fuzz_field(&in, 1, &nlen);
        const char *q = (const char *)in.p, *v1 = NULL, *v2 = NULL;
        size_t l1 = 0, l2 = 0, olen = 0;
        qlen = in.n;
        if (nlen > 0 && memchr(name, 0, nlen) == NULL) {
            char *nm = fuzz_strndup(name, nlen);
            int c1 = awsv2__sts_param(q, qlen, nm, &v1, &l1);
            int c2 = ref_param(q, qlen, nm, &v2, &l2);
            FUZZ_ASSERT(c1 == c2);
            if (c1 > 0)
                FUZZ_ASSERT(v1 == v2 && l1 == l2);
            int d = awsv2__sts_param_decoded(q, qlen, nm, out, 64, &olen);
            if (c2 != 1) {
                FUZZ_ASSERT(d == c2);
            } else {
                long r = ref_decode(v2, l2, ref, 64);
                if (r >= 0 && memchr(ref, 0, (size_t)r))
                    r = -1; /* a decoded NUL is refused: it would end a C string */
                FUZZ_ASSERT(d == (r < 0 ? -1 : 1));
                if (r >= 0)
                    FUZZ_ASSERT(olen == (size_t)r && memcmp(out, ref, olen) == 0);
            }
            free(nm);
        }
    }

    /* The codecs on the raw input. */
    size_t cap = size % 97;
    long a = awsv2__pct_decode(s, size, out, cap), b = ref_decode(s, size, ref, cap);
    FUZZ_ASSERT(a == b);
    if (a > 0)
        FUZZ_ASSERT(memcmp(out, ref, (size_t)a) == 0);
    FUZZ_ASSERT(awsv2__key_id_valid(s, size) == ref_key_id(s, size));
    if (size > 0)
        FUZZ_ASSERT(awsv2__hex_digit(s[0]) == hexval((unsigned char)s[0]));
    size_t nbytes = size / 2 < sizeof bytes ? size / 2 : sizeof bytes;
    bool hex_ok = size % 2 == 0 && size / 2 <= sizeof bytes;
    for (size_t i = 0; hex_ok && i < size; i++)
        hex_ok = hexval((unsigned char)s[i]) >= 0;
    FUZZ_ASSERT(awsv2__hex_decode(s, size, bytes, nbytes) == hex_ok);
    if (hex_ok) {
        char again[2 * sizeof bytes];
        awsv2__hex_encode(bytes, nbytes, again);
        for (size_t i = 0; i < size; i++)
            FUZZ_ASSERT(again[i] == (s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 'a' : s[i]));
    }
    for (size_t i = 0; i < size;) {
        uint32_t c1 = 0, c2 = 0;
        size_t n1 = awsv2__utf8_next(data + i, size - i, &c1);
        size_t n2 = ref_utf8(data + i, size - i, &c2);
        FUZZ_ASSERT(n1 == n2);
        if (n1)
            FUZZ_ASSERT(c1 == c2);
        i += n1 ? n1 : 1;
    }
    return 0;
}
