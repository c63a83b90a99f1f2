/* A SigV2 request: parameters + endpoint -> string to sign -> signed query. */
#include <stdlib.h>
#include <string.h>

#include "awsv2/signer.h"
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
    size_t canon_at;      /* where the canonical query starts in sts */
    awsv2__buf url;       /* "base?query": the GET URL, or a POST's URL and body */
    size_t query_at;      /* where the query starts in url */
    char signature[64];   /* base64 of at most 32 bytes: 44 characters */
    int signed_ok;
};

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
    if (st) {
        awsv2_request_free(r);
        return st;
    }
    *out = r;
    return AWSV2_OK;
}

void awsv2_request_free(awsv2_request *r)
{
    if (!r)
        return;
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

static awsv2_status append3(awsv2__buf *b, const char *s, const char *sep)
{
    if (awsv2__buf_append(b, s, strlen(s)) || awsv2__buf_append(b, sep, strlen(sep)))
        return AWSV2_E_NOMEM;
    return AWSV2_OK;
}

awsv2_status awsv2_request_string_to_sign(awsv2_request *r, const char **out, size_t *len,
                                          awsv2_error *err)
{
    awsv2__buf_reset(&r->sts);
    if (append3(&r->sts, r->method == AWSV2_POST ? "POST" : "GET", "\n") ||
        append3(&r->sts, r->ep.host, "\n") || append3(&r->sts, r->ep.path, "\n"))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    r->canon_at = r->sts.len;
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
    char enc[3 * sizeof r->signature];
    size_t enc_len = awsv2_percent_encode(r->signature, strlen(r->signature), enc);
    const char *canon = r->sts.data + r->canon_at;
    size_t canon_len = r->sts.len - r->canon_at, base_len = strlen(r->ep.base);
    awsv2__buf_reset(&r->url);
    if (awsv2__buf_reserve(&r->url, base_len + canon_len + enc_len + 12))
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
    memcpy(o + 10, enc, enc_len + 1);
    r->url.len = (size_t)(o + 10 + enc_len - r->url.data);
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

/* The hash named by SignatureMethod and the string to sign. */
static awsv2_status prepare(awsv2_request *r, awsv2_hash *hash, const char **sts, size_t *len,
                            awsv2_error *err)
{
    r->signed_ok = 0;
    if (!awsv2_params_get(r->params, "AWSAccessKeyId"))
        return awsv2__fail(err, AWSV2_E_CREDENTIALS, "the request has no AWSAccessKeyId");
    awsv2_status st = awsv2_hash_parse(awsv2_params_get(r->params, "SignatureMethod"), hash, err);
    return st ? st : awsv2_request_string_to_sign(r, sts, len, err);
}

awsv2_status awsv2_request_set_mac(awsv2_request *r, const uint8_t *mac, size_t mac_len,
                                   awsv2_error *err)
{
    awsv2_hash hash;
    const char *sts;
    size_t len;
    awsv2_status st = prepare(r, &hash, &sts, &len, err);
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
    const char *sts;
    size_t len, mac_len;
    uint8_t mac[AWSV2_MAC_MAX];
    awsv2_status st = prepare(r, &hash, &sts, &len, err);
    if (!st)
        st = awsv2__signer_sign_valid(signer, hash, sts, len, mac, &mac_len, err);
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
    return r->method == AWSV2_GET ? r->url.data : r->ep.base;
}
