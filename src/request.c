/* A query API request: parameters + endpoint -> what is signed -> what is
 * sent. SigV2: string to sign -> signed query. SigV4: canonical request ->
 * signer (awsv2_signer_sign4) -> Authorization header or presigned URL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/signer.h"
#include "awsv2_sts4.h"
#include "buf.h"
#include "endpoint.h"
#include "internal.h"
#include "params_impl.h"
#include "signer_impl.h"

struct awsv2_request {
    awsv2_method method;
    awsv2__endpoint ep;
    awsv2_params *params;
    awsv2__buf sts;       /* METHOD\nhost\npath\ncanonical-query */
    size_t canon_at;      /* where the canonical query starts in sts: the
                           * lines before it never change, so stay */
    awsv2__buf url;       /* "base?query": the GET URL, or a POST's URL and body */
    size_t query_at;      /* where the query starts in url */
    char signature[72];   /* base64 of at most 32 bytes, or 64 hex digits; the
                           * room past a base64 one is read by
                           * awsv2__percent_copy */
    int signed_ok;
    int v2_auth, v2_time; /* the SigV2 auth / time parameters are ours */
    struct sigv4 *v4;     /* NULL: SigV2 */
};

/* A SigV4 request's own state. Its buffers, like the request's, are kept
 * across signatures. */
struct span {
    size_t off, name_len, len; /* an encoded "name=value" in enc */
};

struct sigv4 {
    char *key_id;
    char *token;          /* NULL: none; wiped on free */
    char region[AWSV2_REGION_SIZE];
    char service[AWSV2_SERVICE_SIZE];
    char *uri;            /* the canonical URI of the endpoint's path */
    char amz_date[17];    /* YYYYMMDDTHHMMSSZ; "" until dated */
    long expires_in;      /* 0: Authorization header; else presigned */
    int has_presign_params; /* the X-Amz-* parameters in the set are ours */
    awsv2__buf cr;        /* the canonical request */
    size_t query_at, query_len; /* the canonical query inside cr */
    awsv2__buf enc;       /* encoded pairs, before sorting */
    struct span *spans;
    size_t spans_cap;
    awsv2__buf auth;      /* the Authorization header's value */
    void *md;             /* a SHA-256 context, reused */
    char sts[AWSV2__STS4_STS_MAX + 1];
    const char *headers[5][2];
    size_t n_headers;
};

static awsv2_status append3(awsv2__buf *b, const char *s, const char *sep)
{
    if (awsv2__buf_append(b, s, strlen(s)) || awsv2__buf_append(b, sep, strlen(sep)))
        return AWSV2_E_NOMEM;
    return AWSV2_OK;
}

awsv2_status awsv2_request_new(awsv2_request **out, awsv2_method method,
                               const char *endpoint_url, awsv2_error *err)
{
    awsv2_request *r = calloc(1, sizeof *r);
    if (!r)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    r->method = method;
    awsv2_status st = awsv2__endpoint_parse(endpoint_url, &r->ep, err);
    if (!st)
        st = awsv2_params_new(&r->params, err);
    if (!st && (append3(&r->sts, method == AWSV2_POST ? "POST" : "GET", "\n") ||
                append3(&r->sts, r->ep.host, "\n") || append3(&r->sts, r->ep.path, "\n")))
        st = awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    r->canon_at = r->sts.len;
    if (st) {
        awsv2_request_free(r);
        return st;
    }
    *out = r;
    return AWSV2_OK;
}

/* The parameters of a presigned SigV4 GET, which the request sets itself. */
static const char *const presign_params[] = {
    "X-Amz-Algorithm",     "X-Amz-Credential", "X-Amz-Date",     "X-Amz-Expires",
    "X-Amz-SignedHeaders", "X-Amz-Signature",  "X-Amz-Security-Token",
};

static void sigv4_free(struct sigv4 *v)
{
    if (!v)
        return;
    free(v->key_id);
    awsv2__free_secret(v->token);
    free(v->uri);
    awsv2__buf_free(&v->cr);
    awsv2__buf_free(&v->enc);
    awsv2__buf_free(&v->auth);
    awsv2__sha256_free(v->md);
    free(v->spans);
    free(v);
}

void awsv2_request_free(awsv2_request *r)
{
    if (!r)
        return;
    sigv4_free(r->v4);
    awsv2__endpoint_free(&r->ep);
    awsv2_params_free(r->params);
    awsv2__buf_free(&r->sts);
    awsv2__buf_free(&r->url);
    free(r);
}

awsv2_params *awsv2_request_params(awsv2_request *r)
{
    r->signed_ok = 0; /* the caller may change them: any signature is stale */
    return r->params;
}

awsv2_method awsv2_request_method(const awsv2_request *r) { return r->method; }
const char *awsv2_request_host(const awsv2_request *r) { return r->ep.host; }

awsv2_status awsv2_request_set_auth(awsv2_request *r, const char *access_key_id,
                                    const char *session_token, awsv2_hash hash,
                                    awsv2_error *err)
{
    if (!access_key_id || !*access_key_id)
        return awsv2__fail(err, AWSV2_E_CREDENTIALS, "no access key id");
    r->signed_ok = 0;
    if (r->v4 && r->v4->has_presign_params)
        for (size_t i = 0; i < AWSV2__ARRAY_LEN(presign_params); i++)
            awsv2_params_remove(r->params, presign_params[i]);
    sigv4_free(r->v4);
    r->v4 = NULL;
    r->v2_auth = 1;
    awsv2_status st = awsv2_params_set(r->params, "AWSAccessKeyId", access_key_id, err);
    if (!st)
        st = awsv2_params_set(r->params, "SignatureVersion", "2", err);
    if (!st)
        st = awsv2_params_set(r->params, "SignatureMethod", awsv2_hash_name(hash), err);
    if (!st && session_token)
        st = awsv2_params_set(r->params, "SecurityToken", session_token, err);
    return st;
}

static awsv2_status set_time(awsv2_request *r, const char *name, const char *other, time_t t,
                             awsv2_error *err)
{
    char ts[AWSV2_TIMESTAMP_SIZE];
    awsv2_timestamp_format(t, ts);
    r->signed_ok = 0;
    r->v2_time = 1;
    awsv2_params_remove(r->params, other);
    return awsv2_params_set(r->params, name, ts, err);
}

awsv2_status awsv2_request_set_timestamp(awsv2_request *r, time_t t, awsv2_error *err)
{
    return set_time(r, "Timestamp", "Expires", t, err);
}

awsv2_status awsv2_request_set_expires(awsv2_request *r, time_t t, awsv2_error *err)
{
    return set_time(r, "Expires", "Timestamp", t, err);
}

static awsv2_status string_to_sign4(awsv2_request *r, const char **out, size_t *len,
                                    awsv2_error *err);

awsv2_status awsv2_request_string_to_sign(awsv2_request *r, const char **out, size_t *len,
                                          awsv2_error *err)
{
    if (r->v4)
        return string_to_sign4(r, out, len, err);
    r->sts.len = r->canon_at;
    if (awsv2__canonical_query(r->params, &r->sts))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    *out = r->sts.data;
    if (len)
        *len = r->sts.len;
    return AWSV2_OK;
}

/* One buffer holds "base?canonical&Signature=<encoded>": the URL of a GET,
 * and for a POST the URL up to the '?' and the form body after it. */
static awsv2_status build_outputs(awsv2_request *r)
{
    const char *canon = r->sts.data + r->canon_at;
    size_t canon_len = r->sts.len - r->canon_at, base_len = strlen(r->ep.base);
    size_t sig_len = strlen(r->signature);
    awsv2__buf_reset(&r->url);
    /* awsv2__percent_copy's room: 3 bytes a byte and 16 to spare; it may
     * read 15 bytes past the signature, which r->signature has. */
    if (awsv2__buf_reserve(&r->url, base_len + canon_len + 3 * sig_len + 16 + 12))
        return AWSV2_E_NOMEM;
    char *o = r->url.data;
    memcpy(o, r->ep.base, base_len);
    o += base_len;
    *o++ = '?';
    r->query_at = (size_t)(o - r->url.data);
    memcpy(o, canon, canon_len);
    o += canon_len;
    if (canon_len)
        *o++ = '&';
    memcpy(o, "Signature=", 10);
    o = awsv2__percent_copy(o + 10, r->signature, sig_len);
    *o = '\0';
    r->url.len = (size_t)(o - r->url.data);
    return AWSV2_OK;
}

/* Base64 of the MAC, then the signed query and URL. */
static awsv2_status finish(awsv2_request *r, const uint8_t *mac, size_t mac_len, awsv2_error *err)
{
    /* mac_len <= AWSV2_MAC_MAX: 44 characters always fit. */
    awsv2_base64_encode(mac, mac_len, r->signature, sizeof r->signature, NULL, NULL);
    if (build_outputs(r))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    r->signed_ok = 1;
    return AWSV2_OK;
}

/* The string to sign (r->sts), the hash named by SignatureMethod and
 * where the string holds the access key id (for the signer's check). */
static awsv2_status prepare(awsv2_request *r, awsv2_hash *hash, struct awsv2__key_id_mark *mark,
                            awsv2_error *err)
{
    struct awsv2__query_marks m;
    r->signed_ok = 0;
    r->sts.len = r->canon_at;
    if (awsv2__canonical_query_marked(r->params, &r->sts, &m))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    if (!m.has_key_id)
        return awsv2__fail(err, AWSV2_E_CREDENTIALS, "the request has no AWSAccessKeyId");
    mark->query_at = r->canon_at;
    mark->at = m.key_id_at;
    mark->len = m.key_id_len;
    return awsv2_hash_parse(m.method, hash, err);
}

static awsv2_status set_mac4(awsv2_request *r, const uint8_t *mac, size_t mac_len,
                             awsv2_error *err);
static awsv2_status sign4(awsv2_request *r, awsv2_signer *signer, awsv2_error *err);

awsv2_status awsv2_request_set_mac(awsv2_request *r, const uint8_t *mac, size_t mac_len,
                                   awsv2_error *err)
{
    awsv2_hash hash;
    struct awsv2__key_id_mark mark;
    if (r->v4)
        return set_mac4(r, mac, mac_len, err);
    awsv2_status st = prepare(r, &hash, &mark, err);
    if (st)
        return st;
    if (mac_len != awsv2_hash_size(hash))
        return awsv2__fail(err, AWSV2_E_INVALID, "a %s MAC has %zu bytes, not %zu",
                           awsv2_hash_name(hash), awsv2_hash_size(hash), mac_len);
    return finish(r, mac, mac_len, err);
}

awsv2_status awsv2_request_sign(awsv2_request *r, awsv2_signer *signer, awsv2_error *err)
{
    awsv2_hash hash;
    struct awsv2__key_id_mark mark;
    size_t mac_len;
    uint8_t mac[AWSV2_MAC_MAX];
    if (r->v4)
        return sign4(r, signer, err);
    awsv2_status st = prepare(r, &hash, &mark, err);
    if (!st)
        st = awsv2__signer_sign_marked(signer, hash, r->sts.data, r->sts.len, &mark, mac,
                                       &mac_len, err);
    if (!st)
        st = finish(r, mac, mac_len, err);
    return st;
}

const char *awsv2_request_signature(const awsv2_request *r)
{
    return r->signed_ok ? r->signature : NULL;
}

const char *awsv2_request_query(const awsv2_request *r)
{
    return r->signed_ok ? r->url.data + r->query_at : NULL;
}

const char *awsv2_request_url(const awsv2_request *r)
{
    if (!r->signed_ok)
        return NULL;
    /* A SigV4 GET signed in its header still carries its query in the URL. */
    return r->method == AWSV2_GET ? r->url.data : r->ep.base;
}

/* ---- Signature Version 4 ---------------------------------------------------- */

#define ALGORITHM "AWS4-HMAC-SHA256"
#define FORM_TYPE "application/x-www-form-urlencoded; charset=utf-8"
#define MAX_EXPIRES 604800L /* seven days: AWS's limit for a presigned URL */

static const char *const sigv2_auth[] = {
    "AWSAccessKeyId", "SignatureVersion", "SignatureMethod", "SecurityToken",
};

static int scope_part_valid(const char *s, size_t cap)
{
    size_t n = strlen(s);
    if (n == 0 || n >= cap)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

/* The canonical URI as AWS (and botocore) make it for every service but S3:
 * dot segments and empty segments removed, then each byte but '/' and the
 * unreserved ones percent-encoded. */
static char *canonical_uri(const char *path)
{
    size_t n = strlen(path);
    char *norm = malloc(n + 2), *out = malloc(3 * n + 2);
    if (!norm || !out) {
        free(norm);
        free(out);
        return NULL;
    }
    size_t len = 0;
    for (const char *p = path; *p;) {
        const char *seg = p + (*p == '/');
        size_t seg_len = strcspn(seg, "/");
        p = seg + seg_len;
        if (seg_len == 0 || (seg_len == 1 && seg[0] == '.'))
            continue;
        if (seg_len == 2 && seg[0] == '.' && seg[1] == '.') {
            while (len > 0 && norm[--len] != '/')
                ;
            continue;
        }
        norm[len++] = '/';
        memcpy(norm + len, seg, seg_len);
        len += seg_len;
    }
    if (len == 0)
        norm[len++] = '/';
    else if (n && path[n - 1] == '/')
        norm[len++] = '/';
    norm[len] = '\0';
    char *o = out;
    for (size_t i = 0; i < len; i++)
        o += norm[i] == '/' ? (*o = '/', 1) : awsv2_percent_encode(norm + i, 1, o);
    *o = '\0';
    free(norm);
    return out;
}

awsv2_status awsv2_request_set_auth4(awsv2_request *r, const char *access_key_id,
                                     const char *session_token, const char *region,
                                     const char *service, awsv2_error *err)
{
    if (!access_key_id || !*access_key_id)
        return awsv2__fail(err, AWSV2_E_CREDENTIALS, "no access key id");
    if (!awsv2__key_id_valid(access_key_id, strlen(access_key_id)))
        return awsv2__fail(err, AWSV2_E_CREDENTIALS,
                           "an access key id is 1 to 128 characters of A-Z and 0-9");
    if (!region || !scope_part_valid(region, AWSV2_REGION_SIZE))
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "invalid region '%.64s' for SigV4 (a-z, 0-9 and '-')",
                           region ? region : "");
    if (!service || !scope_part_valid(service, AWSV2_SERVICE_SIZE))
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "invalid service '%.32s' for SigV4 (a-z, 0-9 and '-')",
                           service ? service : "");
    if (session_token) {
        /* It goes into an HTTP header as it is: nothing a header could not hold. */
        if (!*session_token)
            return awsv2__fail(err, AWSV2_E_CREDENTIALS, "empty session token");
        for (const char *c = session_token; *c; c++)
            if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
                return awsv2__fail(err, AWSV2_E_CREDENTIALS,
                                   "the session token has a byte that is not printable ASCII");
    }
    struct sigv4 *v = r->v4 ? r->v4 : calloc(1, sizeof *v);
    if (!v)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    r->v4 = v;
    r->signed_ok = 0;
    /* Kept when unchanged: re-authorising a request allocates nothing. */
    if (!v->key_id || strcmp(v->key_id, access_key_id) != 0) {
        free(v->key_id);
        v->key_id = awsv2__strdup(access_key_id);
    }
    if (!session_token || !v->token || strcmp(v->token, session_token) != 0) {
        awsv2__free_secret(v->token);
        v->token = awsv2__strdup(session_token);
    }
    if (!v->uri)
        v->uri = canonical_uri(r->ep.path); /* the endpoint never changes */
    if (!v->key_id || (session_token && !v->token) || !v->uri) {
        sigv4_free(v);
        r->v4 = NULL;
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    }
    strcpy(v->region, region);
    strcpy(v->service, service);
    /* Only what SigV2 signing added: a parameter of the caller's that
     * happens to be named Timestamp stays. */
    for (size_t i = 0; r->v2_auth && i < AWSV2__ARRAY_LEN(sigv2_auth); i++)
        awsv2_params_remove(r->params, sigv2_auth[i]);
    if (r->v2_time) {
        awsv2_params_remove(r->params, "Timestamp");
        awsv2_params_remove(r->params, "Expires");
    }
    r->v2_auth = r->v2_time = 0;
    return AWSV2_OK;
}

awsv2_status awsv2_request_set_amz_date(awsv2_request *r, time_t t, long expires_in,
                                        awsv2_error *err)
{
    if (!r->v4)
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "not a SigV4 request (call awsv2_request_set_auth4 first)");
    if (expires_in < 0 || expires_in > MAX_EXPIRES)
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "a presigned URL expires in 1 to %ld seconds, not %ld", MAX_EXPIRES,
                           expires_in);
    if (expires_in && r->method != AWSV2_GET)
        return awsv2__fail(err, AWSV2_E_INVALID, "only a GET can be presigned");
    struct tm tm;
    if (!gmtime_r(&t, &tm) || tm.tm_year < 1000 - 1900 || tm.tm_year > 9999 - 1900)
        return awsv2__fail(err, AWSV2_E_INVALID, "time out of range for X-Amz-Date");
    r->signed_ok = 0;
    strftime(r->v4->amz_date, sizeof r->v4->amz_date, "%Y%m%dT%H%M%SZ", &tm);
    r->v4->expires_in = expires_in;
    return AWSV2_OK;
}

/* Sorts the encoded pairs by encoded name (names are unique, so that is the
 * whole order). The set is kept in raw byte order, which differs from the
 * encoded one only where an encoded byte meets an unreserved one: insertion
 * sort has next to nothing to do. */
static int span_less(const char *enc, const struct span *a, const struct span *b)
{
    size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
    int c = memcmp(enc + a->off, enc + b->off, n);
    return c ? c < 0 : a->name_len < b->name_len;
}

/* base?canonical-query into r->url (query_at where the query starts). */
static awsv2_status canonical_query4(awsv2_request *r)
{
    struct sigv4 *v = r->v4;
    size_t n = awsv2_params_count(r->params);
    if (n > v->spans_cap) {
        struct span *s = realloc(v->spans, n * sizeof *s);
        if (!s)
            return AWSV2_E_NOMEM;
        v->spans = s;
        v->spans_cap = n;
    }
    awsv2__buf_reset(&v->enc);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name, *value;
        awsv2_params_at(r->params, i, &name, &value);
        size_t nl = strlen(name), vl = strlen(value);
        if (awsv2__buf_reserve(&v->enc, 3 * (nl + vl) + 1))
            return AWSV2_E_NOMEM;
        struct span sp = {.off = v->enc.len};
        char *o = v->enc.data + v->enc.len;
        sp.name_len = awsv2_percent_encode(name, nl, o);
        o[sp.name_len] = '=';
        sp.len = sp.name_len + 1 + awsv2_percent_encode(value, vl, o + sp.name_len + 1);
        v->enc.len += sp.len;
        total += sp.len + 1;
        size_t k = i;
        for (; k > 0 && span_less(v->enc.data, &sp, &v->spans[k - 1]); k--)
            v->spans[k] = v->spans[k - 1];
        v->spans[k] = sp;
    }
    size_t base_len = strlen(r->ep.base);
    awsv2__buf_reset(&r->url);
    if (awsv2__buf_reserve(&r->url, base_len + total + 2))
        return AWSV2_E_NOMEM;
    char *o = r->url.data;
    memcpy(o, r->ep.base, base_len);
    o += base_len;
    *o++ = '?';
    r->query_at = (size_t)(o - r->url.data);
    for (size_t i = 0; i < n; i++) {
        if (i)
            *o++ = '&';
        memcpy(o, v->enc.data + v->spans[i].off, v->spans[i].len);
        o += v->spans[i].len;
    }
    *o = '\0';
    r->url.len = (size_t)(o - r->url.data);
    return AWSV2_OK;
}

static const char *signed_headers(const struct sigv4 *v)
{
    if (v->expires_in)
        return "host";
    return v->token ? "content-type;host;x-amz-date;x-amz-security-token"
                    : "content-type;host;x-amz-date";
}

/* The auth parameters of a presigned GET, or none of them otherwise. */
static awsv2_status presign_params_set(awsv2_request *r, awsv2_error *err)
{
    struct sigv4 *v = r->v4;
    if (v->expires_in || v->has_presign_params)
        for (size_t i = 0; i < AWSV2__ARRAY_LEN(presign_params); i++)
            awsv2_params_remove(r->params, presign_params[i]);
    v->has_presign_params = v->expires_in != 0;
    if (!v->expires_in)
        return AWSV2_OK;
    awsv2_status st = awsv2_params_set(r->params, "X-Amz-Algorithm", ALGORITHM, err);
    if (!st)
        st = awsv2_params_setf(r->params, "X-Amz-Credential", err, "%s/%.8s/%s/%s/aws4_request",
                               v->key_id, v->amz_date, v->region, v->service);
    if (!st)
        st = awsv2_params_set(r->params, "X-Amz-Date", v->amz_date, err);
    if (!st)
        st = awsv2_params_setf(r->params, "X-Amz-Expires", err, "%ld", v->expires_in);
    if (!st)
        st = awsv2_params_set(r->params, "X-Amz-SignedHeaders", "host", err);
    if (!st && v->token)
        st = awsv2_params_set(r->params, "X-Amz-Security-Token", v->token, err);
    return st;
}

static const char *payload_of(const awsv2_request *r, size_t *len)
{
    /* A POST signed in its header sends its parameters as the body; every
     * other request has an empty one, whose SHA-256 it signs (as botocore
     * does for a presigned URL too). */
    if (r->method == AWSV2_POST && !r->v4->expires_in) {
        *len = r->url.len - r->query_at;
        return r->url.data + r->query_at;
    }
    *len = 0;
    return "";
}

static awsv2_status put(awsv2__buf *b, const char *s)
{
    return awsv2__buf_append(b, s, strlen(s));
}

/* Builds the query (r->url) and the canonical request (v->cr). */
static awsv2_status build4(awsv2_request *r, awsv2_error *err)
{
    struct sigv4 *v = r->v4;
    r->signed_ok = 0;
    if (!v->amz_date[0])
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "the request has no date (call awsv2_request_set_amz_date)");
    awsv2_status st = presign_params_set(r, err);
    if (st)
        return st;
    if (canonical_query4(r))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    size_t plen;
    const char *payload = payload_of(r, &plen);
    char hex[65];
    awsv2__sha256_hex(&v->md, payload, plen, hex);
    awsv2__buf *cr = &v->cr;
    awsv2__buf_reset(cr);
    int in_query = r->method == AWSV2_GET;
    size_t qlen = r->url.len - r->query_at;
    int bad = put(cr, r->method == AWSV2_POST ? "POST\n" : "GET\n") || put(cr, v->uri) ||
              put(cr, "\n");
    v->query_at = cr->len;
    v->query_len = in_query ? qlen : 0;
    bad = bad || awsv2__buf_append(cr, r->url.data + r->query_at, v->query_len) ||
          put(cr, "\n");
    if (v->expires_in) {
        bad = bad || put(cr, "host:") || put(cr, r->ep.host) || put(cr, "\n");
    } else {
        bad = bad || put(cr, "content-type:" FORM_TYPE "\nhost:") || put(cr, r->ep.host) ||
              put(cr, "\nx-amz-date:") || put(cr, v->amz_date) || put(cr, "\n");
        if (v->token)
            bad = bad || put(cr, "x-amz-security-token:") || put(cr, v->token) || put(cr, "\n");
    }
    bad = bad || put(cr, "\n") || put(cr, signed_headers(v)) || put(cr, "\n") || put(cr, hex);
    if (bad)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    return AWSV2_OK;
}

awsv2_status awsv2_request_canonical_request(awsv2_request *r, const char **out, size_t *len,
                                             awsv2_error *err)
{
    if (!r->v4)
        return awsv2__fail(err, AWSV2_E_INVALID, "not a SigV4 request");
    /* A signed request's canonical request is current: every change unsigns
     * it. Rebuilding would drop the signature from what is sent. */
    awsv2_status st = r->signed_ok ? AWSV2_OK : build4(r, err);
    if (st)
        return st;
    *out = r->v4->cr.data;
    if (len)
        *len = r->v4->cr.len;
    return AWSV2_OK;
}

static awsv2_status string_to_sign4(awsv2_request *r, const char **out, size_t *len,
                                    awsv2_error *err)
{
    struct sigv4 *v = r->v4;
    awsv2_status st = r->signed_ok ? AWSV2_OK : build4(r, err);
    if (st)
        return st;
    struct awsv2__sts4 info;
    int rc = awsv2__sts4_check(v->key_id, v->region, v->service, v->cr.data, v->cr.len, 1,
                               &info);
    if (rc)
        return awsv2_error_set(err, AWSV2_E_INVALID, awsv2__sts4_code(rc),
                               "the canonical request is not one a signer accepts (%s)",
                               awsv2__sts4_code(rc));
    char hex[65];
    awsv2__sha256_hex(&v->md, v->cr.data, v->cr.len, hex);
    size_t n = awsv2__sts4_string_to_sign(&info, v->region, v->service, hex, v->sts);
    v->sts[n] = '\0';
    *out = v->sts;
    if (len)
        *len = n;
    return AWSV2_OK;
}

/* The signature into what is sent: X-Amz-Signature, or the Authorization
 * header and the headers to send with it. */
static awsv2_status finish4(awsv2_request *r, const uint8_t sig[AWSV2_SIGV4_SIZE],
                            awsv2_error *err)
{
    struct sigv4 *v = r->v4;
    awsv2_hex_encode(sig, AWSV2_SIGV4_SIZE, r->signature);
    v->n_headers = 0;
    if (v->expires_in) {
        if (put(&r->url, "&X-Amz-Signature=") || put(&r->url, r->signature))
            return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    } else {
        awsv2__buf_reset(&v->auth);
        if (put(&v->auth, ALGORITHM " Credential=") || put(&v->auth, v->key_id) ||
            awsv2__buf_append(&v->auth, "/", 1) || awsv2__buf_append(&v->auth, v->amz_date, 8) ||
            awsv2__buf_append(&v->auth, "/", 1) || put(&v->auth, v->region) ||
            awsv2__buf_append(&v->auth, "/", 1) || put(&v->auth, v->service) ||
            put(&v->auth, "/aws4_request, SignedHeaders=") || put(&v->auth, signed_headers(v)) ||
            put(&v->auth, ", Signature=") || put(&v->auth, r->signature))
            return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
        const char *(*h)[2] = v->headers;
        h[v->n_headers][0] = "Content-Type", h[v->n_headers++][1] = FORM_TYPE;
        h[v->n_headers][0] = "Host", h[v->n_headers++][1] = r->ep.host;
        h[v->n_headers][0] = "X-Amz-Date", h[v->n_headers++][1] = v->amz_date;
        if (v->token)
            h[v->n_headers][0] = "X-Amz-Security-Token", h[v->n_headers++][1] = v->token;
        h[v->n_headers][0] = "Authorization", h[v->n_headers++][1] = v->auth.data;
        if (r->url.len == r->query_at) /* no query: no '?' either */
            r->url.data[--r->url.len] = '\0', r->query_at = r->url.len;
    }
    r->signed_ok = 1;
    return AWSV2_OK;
}

static awsv2_status set_mac4(awsv2_request *r, const uint8_t *mac, size_t mac_len,
                             awsv2_error *err)
{
    if (mac_len != AWSV2_SIGV4_SIZE)
        return awsv2__fail(err, AWSV2_E_INVALID, "a SigV4 signature has %d bytes, not %zu",
                           AWSV2_SIGV4_SIZE, mac_len);
    awsv2_status st = build4(r, err);
    return st ? st : finish4(r, mac, err);
}

static awsv2_status sign4(awsv2_request *r, awsv2_signer *signer, awsv2_error *err)
{
    awsv2_status st = build4(r, err);
    if (st)
        return st;
    struct sigv4 *v = r->v4;
    awsv2_sign4_job job = AWSV2_SIGN4_JOB_INIT;
    job.key_id = v->key_id;
    job.region = v->region;
    job.service = v->service;
    job.canonical_request = v->cr.data;
    job.canonical_request_len = v->cr.len;
    job.payload = payload_of(r, &job.payload_len);
    st = awsv2_signer_sign4(signer, &job, err);
    return st ? st : finish4(r, job.signature, err);
}

awsv2_signature_version awsv2_request_signature_version(const awsv2_request *r)
{
    return r->v4 ? AWSV2_SIGNATURE_V4 : AWSV2_SIGNATURE_V2;
}

const char *awsv2_request_authorization(const awsv2_request *r)
{
    return r->signed_ok && r->v4 && !r->v4->expires_in ? r->v4->auth.data : NULL;
}

size_t awsv2_request_header_count(const awsv2_request *r)
{
    return r->signed_ok && r->v4 ? r->v4->n_headers : 0;
}

void awsv2_request_header_at(const awsv2_request *r, size_t i, const char **name,
                             const char **value)
{
    *name = r->v4->headers[i][0];
    *value = r->v4->headers[i][1];
}
