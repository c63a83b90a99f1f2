/* See sigv4.h. Every step is AWS's documented one, spelled out here on
 * purpose rather than borrowed from the library under test. */
#include "sigv4.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "codec.h"
#include "params.h"

static const char algorithm[] = "AWS4-HMAC-SHA256";

const char *sigv4_header_get(const sigv4_request *r, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value ? r->headers[i].value : "";
    return NULL;
}

/* The raw query's value of name (first match, still encoded) as [*at, +n),
 * or false. Names of the presign set need no decoding. */
static bool raw_param(const char *query, const char *name, const char **at, size_t *n)
{
    size_t len = strlen(name);
    for (const char *p = query; p != NULL && *p != '\0';) {
        const char *end = p + strcspn(p, "&");
        if ((size_t)(end - p) >= len && strncmp(p, name, len) == 0 &&
            (p[len] == '=' || p + len == end)) {
            *at = p[len] == '=' ? p + len + 1 : end;
            *n = (size_t)(end - *at);
            return true;
        }
        p = *end == '&' ? end + 1 : end;
    }
    return false;
}

sigv4_form sigv4_form_of(const sigv4_request *r)
{
    const char *auth = sigv4_header_get(r, "Authorization");
    const char *at;
    size_t n;
    bool header = auth != NULL && strncmp(auth, algorithm, sizeof algorithm - 1) == 0 &&
                  (auth[sizeof algorithm - 1] == ' ' || auth[sizeof algorithm - 1] == '\0');
    bool query = raw_param(r->query, "X-Amz-Algorithm", &at, &n) ||
                 raw_param(r->query, "X-Amz-Credential", &at, &n) ||
                 raw_param(r->query, "X-Amz-Signature", &at, &n);
    return header && query ? SIGV4_BOTH : header ? SIGV4_HEADER : query ? SIGV4_PRESIGNED
                                                                        : SIGV4_NONE;
}

static bool fail(char *why, size_t cap, const char *text)
{
    snprintf(why, cap, "%s", text);
    return false;
}

/* Copies [s, s+n) into out (cap bytes) when it fits. */
static bool copy(char *out, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        return false;
    memcpy(out, s, n);
    out[n] = '\0';
    return true;
}

/* KEY/YYYYMMDD/REGION/SERVICE/TERMINATOR, every part non-empty. */
static bool parse_credential(const char *s, size_t n, sigv4_auth *a)
{
    char *parts[5] = { a->key_id, a->date, a->region, a->service, a->terminator };
    size_t caps[5] = { sizeof a->key_id, sizeof a->date, sizeof a->region, sizeof a->service,
                       sizeof a->terminator };
    const char *end = s + n;
    for (int i = 0; i < 5; i++) {
        const char *slash = i < 4 ? memchr(s, '/', (size_t)(end - s)) : end;
        if (slash == NULL || slash == s || !copy(parts[i], caps[i], s, (size_t)(slash - s)))
            return false;
        s = slash + (i < 4);
    }
    if (strlen(a->date) != 8)
        return false;
    for (int i = 0; i < 8; i++)
        if (a->date[i] < '0' || a->date[i] > '9')
            return false;
    return true;
}

/* Lower-case names, strictly increasing (so sorted and unique), host among
 * them. */
static bool check_signed_headers(const char *s, char *why, size_t cap)
{
    const char *prev = NULL;
    size_t prev_len = 0;
    bool host = false;
    if (*s == '\0')
        return fail(why, cap, "SignedHeaders is empty.");
    for (const char *p = s;;) {
        size_t n = strcspn(p, ";");
        if (n == 0)
            return fail(why, cap, "SignedHeaders holds an empty name.");
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)p[i] <= ' ' || p[i] == ':' || (p[i] >= 'A' && p[i] <= 'Z'))
                return fail(why, cap, "SignedHeaders must be lower-case header names.");
        if (prev != NULL) {
            int cmp = strncmp(prev, p, prev_len < n ? prev_len : n);
            if (cmp > 0 || (cmp == 0 && prev_len >= n))
                return fail(why, cap, "SignedHeaders must be sorted and unique.");
        }
        host |= n == 4 && strncmp(p, "host", 4) == 0;
        prev = p;
        prev_len = n;
        if (p[n] == '\0')
            break;
        p += n + 1;
    }
    if (!host)
        return fail(why, cap, "'Host' must be a 'SignedHeader' in the AWS Authorization.");
    return true;
}

static bool parse_amz_date(const char *s, sigv4_auth *a)
{
    if (!mock_amz_date(s, &a->when))
        return false;
    memcpy(a->amz_date, s, 17);
    return true;
}

/* "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...":
 * the three parts in any order, each once, separated by ',' and spaces. */
static bool parse_header(const sigv4_request *r, sigv4_auth *a, char *why, size_t cap)
{
    static const char *const names[3] = { "Credential", "SignedHeaders", "Signature" };
    const char *auth = sigv4_header_get(r, "Authorization");
    const char *value[3] = { NULL, NULL, NULL };
    size_t len[3] = { 0, 0, 0 };
    if (auth == NULL || strlen(auth) < sizeof algorithm - 1)
        return fail(why, cap, "No AWS4-HMAC-SHA256 Authorization header.");
    for (const char *p = auth + sizeof algorithm - 1;;) {
        p += strspn(p, " ,");
        if (*p == '\0')
            break;
        size_t n = strcspn(p, ",");
        while (n > 0 && p[n - 1] == ' ')
            n--;
        const char *eq = memchr(p, '=', n);
        int k = -1;
        for (int i = 0; eq != NULL && i < 3; i++)
            if ((size_t)(eq - p) == strlen(names[i]) && strncmp(p, names[i], (size_t)(eq - p)) == 0)
                k = i;
        if (k < 0 || value[k] != NULL)
            return fail(why, cap, k < 0 ? "Authorization header holds an unknown or malformed part."
                                        : "Authorization header repeats a part.");
        value[k] = eq + 1;
        len[k] = n - (size_t)(eq + 1 - p);
        p += n;
    }
    for (int i = 0; i < 3; i++)
        if (value[i] == NULL) {
            snprintf(why, cap, "Authorization header requires '%s' parameter.", names[i]);
            return false;
        }
    if (!parse_credential(value[0], len[0], a))
        return fail(why, cap, "Credential must be KEY/YYYYMMDD/REGION/SERVICE/aws4_request.");
    if (!copy(a->signed_headers, sizeof a->signed_headers, value[1], len[1]) ||
        !check_signed_headers(a->signed_headers, why, cap))
        return len[1] >= sizeof a->signed_headers ? fail(why, cap, "SignedHeaders is too long.")
                                                   : false;
    if (!copy(a->signature, sizeof a->signature, value[2], len[2]))
        return fail(why, cap, "Signature must be 64 hex digits.");
    const char *date = sigv4_header_get(r, "X-Amz-Date");
    if (date == NULL)
        return fail(why, cap, "Authorization header requires existence of a 'X-Amz-Date' header.");
    if (!parse_amz_date(date, a))
        return fail(why, cap, "X-Amz-Date must be YYYYMMDD'T'HHMMSS'Z'.");
    return true;
}

/* The decoded value of a presign parameter into out. */
static bool query_value(const mock_params *q, const char *name, char *out, size_t cap)
{
    const char *v = mock_params_get(q, name);
    return v != NULL && copy(out, cap, v, strlen(v));
}

static bool parse_presigned(const sigv4_request *r, sigv4_auth *a, char *why, size_t cap)
{
    static const char *const required[] = { "X-Amz-Algorithm", "X-Amz-Credential",
                                            "X-Amz-Signature", "X-Amz-Date",
                                            "X-Amz-SignedHeaders", "X-Amz-Expires" };
    const char *why_bad = NULL;
    mock_params *q = mock_params_new();
    if (q == NULL || !mock_params_parse(q, r->query, strlen(r->query), &why_bad)) {
        mock_params_free(q);
        return fail(why, cap, "The query string is malformed.");
    }
    bool ok = true;
    for (size_t i = 0; ok && i < sizeof required / sizeof required[0]; i++)
        ok = mock_params_get(q, required[i]) != NULL;
    char text[512], *end;
    if (!ok)
        fail(why, cap, "AWS query-string parameters must include 'X-Amz-Algorithm', "
                       "'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', "
                       "'X-Amz-SignedHeaders', 'X-Amz-Expires'. Re-examine the query-string "
                       "parameters.");
    else if (strcmp(mock_params_get(q, "X-Amz-Algorithm"), algorithm) != 0)
        ok = fail(why, cap, "X-Amz-Algorithm only supports 'AWS4-HMAC-SHA256'.");
    else if (!query_value(q, "X-Amz-Credential", text, sizeof text) ||
             !parse_credential(text, strlen(text), a))
        ok = fail(why, cap, "X-Amz-Credential must be KEY/YYYYMMDD/REGION/SERVICE/aws4_request.");
    else if (!query_value(q, "X-Amz-SignedHeaders", a->signed_headers, sizeof a->signed_headers))
        ok = fail(why, cap, "X-Amz-SignedHeaders is too long.");
    else if (!check_signed_headers(a->signed_headers, why, cap))
        ok = false;
    else if (!query_value(q, "X-Amz-Signature", a->signature, sizeof a->signature))
        ok = fail(why, cap, "X-Amz-Signature must be 64 hex digits.");
    else if (!parse_amz_date(mock_params_get(q, "X-Amz-Date"), a))
        ok = fail(why, cap, "X-Amz-Date must be YYYYMMDD'T'HHMMSS'Z'.");
    if (ok) {
        /* 1 s to 7 days, as AWS allows. */
        const char *e = mock_params_get(q, "X-Amz-Expires");
        a->expires = strtol(e, &end, 10);
        if (*e < '0' || *e > '9' || *end != '\0' || a->expires < 1 || a->expires > 604800)
            ok = fail(why, cap, "X-Amz-Expires must be a number of seconds from 1 to 604800.");
    }
    mock_params_free(q);
    return ok;
}

bool sigv4_parse(const sigv4_request *r, sigv4_auth *a, char *why, size_t cap)
{
    memset(a, 0, sizeof *a);
    a->form = sigv4_form_of(r);
    switch (a->form) {
    case SIGV4_HEADER:
        return parse_header(r, a, why, cap);
    case SIGV4_PRESIGNED:
        return parse_presigned(r, a, why, cap);
    case SIGV4_BOTH:
        return fail(why, cap, "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
                              "parameter or the Authorization header should be specified.");
    case SIGV4_NONE:
        break;
    }
    return fail(why, cap, "No AWS4-HMAC-SHA256 signature.");
}

/* ---- The canonical request ----------------------------------------------- */

/* A growing string; a failed append marks it broken. */
typedef struct buf {
    char *s;
    size_t len, cap;
    bool broken;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->broken)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (p == NULL) {
            b->broken = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void puts_(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static bool unreserved(unsigned char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '_' || ch == '.' || ch == '~';
}

/* RFC 3986 encoding of n bytes; '/' kept when keep_slash. */
static void put_encoded(buf *b, const char *s, size_t n, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (unreserved(ch) || (keep_slash && ch == '/')) {
            put(b, (const char *)&ch, 1);
        } else {
            char esc[3] = { '%', hex[ch >> 4], hex[ch & 15] };
            put(b, esc, 3);
        }
    }
}

/* The path without "." and ".." segments and empty ones (RFC 3986 5.2.4,
 * and AWS drops repeated slashes), keeping a leading and a trailing '/'. */
static void put_uri(buf *b, const char *path)
{
    size_t n = strlen(path), count = 0;
    const char **seg = malloc((n / 2 + 2) * sizeof *seg);
    size_t *len = malloc((n / 2 + 2) * sizeof *len);
    if (seg == NULL || len == NULL) {
        free(seg);
        free(len);
        b->broken = true;
        return;
    }
    for (const char *p = path; *p != '\0';) {
        size_t k = strcspn(p, "/");
        if (k == 2 && strncmp(p, "..", 2) == 0)
            count -= count > 0;
        else if (k > 0 && !(k == 1 && *p == '.')) {
            seg[count] = p;
            len[count++] = k;
        }
        p += k + (p[k] == '/');
    }
    put(b, "/", 1);
    for (size_t i = 0; i < count; i++) {
        if (i > 0)
            put(b, "/", 1);
        put_encoded(b, seg[i], len[i], true);
    }
    if (count > 0 && n > 0 && path[n - 1] == '/')
        put(b, "/", 1);
    free(seg);
    free(len);
}

typedef struct enc_pair {
    char *name, *value; /* encoded */
} enc_pair;

static int by_encoded(const void *x, const void *y)
{
    const enc_pair *a = x, *b = y;
    int cmp = strcmp(a->name, b->name);
    return cmp != 0 ? cmp : strcmp(a->value, b->value);
}

static char *encoded(const char *s)
{
    buf b = { 0 };
    put_encoded(&b, s, strlen(s), false);
    if (b.s == NULL && !b.broken)
        return calloc(1, 1);
    return b.broken ? (free(b.s), NULL) : b.s;
}

/* The query's pairs but X-Amz-Signature, decoded, encoded, sorted. */
static bool put_query(buf *b, const char *query)
{
    const char *why;
    mock_params *q = mock_params_new();
    if (q == NULL || (query != NULL && !mock_params_parse(q, query, strlen(query), &why))) {
        mock_params_free(q);
        return false;
    }
    size_t count = mock_params_count(q), n = 0;
    enc_pair *v = calloc(count + 1, sizeof *v);
    bool ok = v != NULL;
    for (size_t i = 0; ok && i < count; i++) {
        const char *name, *value;
        mock_params_at(q, i, &name, &value);
        if (strcmp(name, "X-Amz-Signature") == 0)
            continue;
        v[n].name = encoded(name);
        v[n].value = encoded(value);
        ok = v[n].name != NULL && v[n].value != NULL;
        n++;
    }
    if (ok) {
        qsort(v, n, sizeof *v, by_encoded);
        for (size_t i = 0; i < n; i++) {
            if (i > 0)
                put(b, "&", 1);
            puts_(b, v[i].name);
            put(b, "=", 1);
            puts_(b, v[i].value);
        }
    }
    for (size_t i = 0; v != NULL && i < n; i++) {
        free(v[i].name);
        free(v[i].value);
    }
    free(v);
    mock_params_free(q);
    return ok;
}

/* One header value: trimmed, runs of spaces and tabs made one space. */
static void put_value(buf *b, const char *v)
{
    v += strspn(v, " \t");
    bool space = false;
    for (; *v != '\0'; v++) {
        if (*v == ' ' || *v == '\t') {
            space = true;
            continue;
        }
        if (space)
            put(b, " ", 1);
        space = false;
        put(b, v, 1);
    }
}

/* "name:value\n" for each signed header; values of repeated headers joined
 * by ','; a signed header the request lacks has an empty value (and so no
 * signature a client made will match). */
static void put_headers(buf *b, const sigv4_request *r, const char *signed_headers)
{
    for (const char *p = signed_headers; *p != '\0';) {
        size_t n = strcspn(p, ";");
        bool first = true;
        put(b, p, n);
        put(b, ":", 1);
        for (size_t i = 0; i < r->n_headers; i++) {
            if (strlen(r->headers[i].name) != n || strncasecmp(r->headers[i].name, p, n) != 0)
                continue;
            if (!first)
                put(b, ",", 1);
            first = false;
            put_value(b, r->headers[i].value ? r->headers[i].value : "");
        }
        put(b, "\n", 1);
        p += n + (p[n] == ';');
    }
}

static bool sha256_hex(const void *data, size_t n, char hex[65])
{
    unsigned char d[32];
    if (!EVP_Digest(data != NULL ? data : "", n, d, NULL, EVP_sha256(), NULL))
        return false;
    mock_hex(d, sizeof d, hex);
    return true;
}

char *sigv4_canonical_request(const sigv4_request *r, const sigv4_auth *a, size_t *len)
{
    buf b = { 0 };
    char payload[65];
    puts_(&b, r->method);
    put(&b, "\n", 1);
    put_uri(&b, r->path);
    put(&b, "\n", 1);
    if (!put_query(&b, r->query))
        b.broken = true;
    put(&b, "\n", 1);
    put_headers(&b, r, a->signed_headers);
    put(&b, "\n", 1);
    puts_(&b, a->signed_headers);
    put(&b, "\n", 1);
    if (!sha256_hex(r->body, r->body_len, payload))
        b.broken = true;
    put(&b, payload, 64);
    if (b.broken) {
        free(b.s);
        return NULL;
    }
    *len = b.len;
    return b.s;
}

char *sigv4_string_to_sign(const sigv4_auth *a, const char *canonical, size_t len,
                           size_t *out_len)
{
    char hash[65];
    if (!sha256_hex(canonical, len, hash))
        return NULL;
    size_t cap = sizeof algorithm + sizeof a->amz_date + sizeof a->date + sizeof a->region +
                 sizeof a->service + sizeof a->terminator + sizeof hash + 8;
    char *sts = malloc(cap);
    if (sts == NULL)
        return NULL;
    int n = snprintf(sts, cap, "%s\n%s\n%s/%s/%s/%s\n%s", algorithm, a->amz_date, a->date,
                     a->region, a->service, a->terminator, hash);
    *out_len = (size_t)n;
    return sts;
}

static bool hmac(const void *key, size_t key_len, const char *msg, size_t msg_len,
                 unsigned char out[32])
{
    size_t n = 0;
    return EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, key_len,
                     (const unsigned char *)msg, msg_len, out, 32, &n) != NULL && n == 32;
}

bool sigv4_signing_key(const char *secret, const char *date, const char *region,
                       const char *service, unsigned char out[32])
{
    size_t n = strlen(secret) + 5;
    char *key = malloc(n);
    unsigned char k[32];
    if (key == NULL)
        return false;
    snprintf(key, n, "AWS4%s", secret);
    bool ok = hmac(key, n - 1, date, strlen(date), k) &&
              hmac(k, sizeof k, region, strlen(region), k) &&
              hmac(k, sizeof k, service, strlen(service), k) &&
              hmac(k, sizeof k, "aws4_request", 12, out);
    OPENSSL_cleanse(key, n);
    OPENSSL_cleanse(k, sizeof k);
    free(key);
    return ok;
}

sigv4_result sigv4_verify(const sigv4_request *r, const sigv4_auth *a, const char *secret)
{
    size_t cr_len = 0, sts_len = 0;
    unsigned char key[32], mac[32];
    char hex[65];
    char *cr = sigv4_canonical_request(r, a, &cr_len);
    char *sts = cr != NULL ? sigv4_string_to_sign(a, cr, cr_len, &sts_len) : NULL;
    bool ok = sts != NULL && sigv4_signing_key(secret, a->date, a->region, a->service, key) &&
              hmac(key, sizeof key, sts, sts_len, mac);
    free(cr);
    free(sts);
    OPENSSL_cleanse(key, sizeof key);
    if (!ok)
        return SIGV4_NOMEM;
    mock_hex(mac, sizeof mac, hex);
    bool match = strlen(a->signature) == 64 && CRYPTO_memcmp(hex, a->signature, 64) == 0;
    OPENSSL_cleanse(mac, sizeof mac);
    OPENSSL_cleanse(hex, sizeof hex);
    return match ? SIGV4_MATCH : SIGV4_MISMATCH;
}
