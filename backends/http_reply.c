#include <stdbool.h>
#include <string.h>

#include <json-c/json.h>

#include "awsv2_sts.h"
#include "http_reply.h"
#include "internal.h"

/* The body as a JSON object, or NULL (the caller releases it). */
static json_object *parse_object(const char *body, size_t len)
{
    json_tokener *tok = json_tokener_new();
    json_object *obj = NULL;

    if (!tok || len > (size_t)INT32_MAX) {
        json_tokener_free(tok);
        return NULL;
    }
    obj = json_tokener_parse_ex(tok, body, (int)len);
    if (json_tokener_get_error(tok) != json_tokener_success ||
        !json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        obj = NULL;
    }
    json_tokener_free(tok);
    return obj;
}

/* obj's member name if it is a string, else NULL. */
static const char *string_member(json_object *obj, const char *name)
{
    json_object *v;
    if (!obj || !json_object_object_get_ex(obj, name, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* 1 for "success": true, 0 for false, -1 when missing or not a boolean. */
static int success_of(json_object *obj)
{
    json_object *v;
    if (!obj || !json_object_object_get_ex(obj, "success", &v) ||
        !json_object_is_type(v, json_type_boolean))
        return -1;
    return json_object_get_boolean(v);
}

static awsv2_status status_of(long http)
{
    switch (http) {
    case 200: /* hsmd.py: the device's ERROR, relayed */
    case 401:
    case 403:
        return AWSV2_E_REFUSED;
    case 400:
    case 413:
        return AWSV2_E_INVALID;
    case 503:
        return AWSV2_E_DEVICE;
    case 504:
        return AWSV2_E_TIMEOUT;
    default:
        return http >= 500 && http <= 599 ? AWSV2_E_SIGNER : AWSV2_E_PROTOCOL;
    }
}

/* A failed reply: its status from the HTTP status, its code (if any) from
 * the body's "error". A SigV4 payload that does not hash to what its
 * canonical request names is refused (the signer checked and said no), as
 * awsv2_signer_sign4 promises whichever signer finds it. */
/* Whether s is an error code as daemons and devices write them: lower-case
 * letters, digits and '-'. Anything else (a control character that would
 * reach a terminal or a log) is no code at all. */
static bool is_code(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-");
    return n > 0 && s[n] == '\0' && n < AWSV2_ERROR_CODE_MAX;
}

static awsv2_status fail_reply(long http, json_object *obj, const char *url, awsv2_error *err)
{
    const char *code = string_member(obj, "error");
    awsv2_status st = status_of(http);

    if (code && !is_code(code))
        code = NULL;

    if (http == 400 && code && strcmp(code, "payload-mismatch") == 0)
        st = AWSV2_E_REFUSED;

    if (!obj && http == 200)
        st = AWSV2_E_PROTOCOL; /* 200 and no JSON: not a signing daemon */
    if (http == 404)
        return awsv2_error_set(err, AWSV2_E_SPEC, code ? code : "",
                               "signing daemon %s: nothing at this path (HTTP 404): "
                               "awsv2-hsmd signs at /sign/aws, the URL it prints when it starts",
                               url);
    if (st == AWSV2_E_PROTOCOL)
        awsv2__fail(err, st, "signing daemon %s: unexpected reply (HTTP %ld%s)", url, http,
                    obj ? "" : ", not JSON");
    else
        awsv2_error_set(err, st, code ? code : "", "signing daemon %s: %s (HTTP %ld)", url,
                         code ? code : "failed", http);
    return st;
}

/* Whether a 404's body is awsv2-hsmd's own {"success": false, "error":
 * "not-found"}: the daemon is there but the URL's path is not its (hsmd.py
 * answers a route it lacks with an HTML page instead). */
static bool is_not_found(json_object *obj)
{
    const char *code = string_member(obj, "error");
    return success_of(obj) == 0 && code && strcmp(code, "not-found") == 0;
}

/* The signature of exactly n bytes (2n hex digits) that obj, a reply
 * with HTTP status, carries into mac; or why not. */
static awsv2_status signature_of(long status, json_object *obj, size_t n, uint8_t *mac,
                                 const char *url, awsv2_error *err)
{
    awsv2_status st = AWSV2_OK;

    if (status != 200 || success_of(obj) != 1) {
        st = success_of(obj) == -1 && status == 200
                 ? awsv2__fail(err, AWSV2_E_PROTOCOL, "signing daemon %s: reply without success",
                               url)
                 : fail_reply(status, obj, url, err);
    } else {
        const char *sig = string_member(obj, "signature");
        if (!sig || !awsv2__hex_decode(sig, strlen(sig), mac, n))
            st = awsv2__fail(err, AWSV2_E_PROTOCOL,
                             "signing daemon %s: not a %zu-byte signature in hex", url, n);
    }
    if (st && err && AWSV2__ERROR_HAS(err, http_status))
        err->http_status = status;
    return st;
}

/* A reply carrying a signature of exactly n bytes (2n hex digits) into mac. */
static awsv2_status parse_signature(long status, const char *body, size_t len, size_t n,
                                    uint8_t *mac, const char *url, awsv2_error *err)
{
    json_object *obj = parse_object(body, len);
    awsv2_status st = signature_of(status, obj, n, mac, url, err);

    json_object_put(obj);
    return st;
}

/* One item of a /sign/batch reply: an object read as a /sign/aws reply
 * whose HTTP status is its "status" member (200 when absent). */
static awsv2_status batch_item(json_object *item, awsv2_sign_job *job, long *http,
                               const char *url, awsv2_error *err)
{
    json_object *v;
    long status = 200;

    if (!json_object_is_type(item, json_type_object))
        return awsv2__fail(err, AWSV2_E_PROTOCOL, "signing daemon %s: a batch result that is "
                           "not an object", url);
    if (json_object_object_get_ex(item, "status", &v)) {
        int64_t s = json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;
        if (s < 100 || s > 599)
            return awsv2__fail(err, AWSV2_E_PROTOCOL, "signing daemon %s: a batch result's "
                               "status is not an HTTP status", url);
        status = (long)s;
    }
    *http = status;
    size_t n = awsv2_hash_size(job->hash);
    awsv2_status st = signature_of(status, item, n, job->mac, url, err);
    if (st == AWSV2_OK)
        job->mac_len = n;
    return st;
}

awsv2_status awsv2__http_parse_batch(long status, const char *body, size_t len,
                                     awsv2_sign_job *const *jobs, size_t n, long *http,
                                     awsv2_error *const *errs, const char *url)
{
    json_object *obj = parse_object(body, len), *results = NULL;
    awsv2_status st = AWSV2_OK;
    awsv2_error whole = AWSV2_ERROR_INIT;

    if (status != 200 || success_of(obj) != 1)
        st = signature_of(status, obj, 0, NULL, url, &whole);
    else if (!json_object_object_get_ex(obj, "results", &results) ||
             !json_object_is_type(results, json_type_array) ||
             json_object_array_length(results) != n)
        st = awsv2__fail(&whole, AWSV2_E_PROTOCOL,
                         "signing daemon %s: not %zu results in its batch reply", url, n);
    for (size_t i = 0; i < n; i++) {
        awsv2_error *e = errs ? errs[i] : NULL;
        jobs[i]->mac_len = 0;
        http[i] = status;
        if (st) {
            jobs[i]->status = st;
            awsv2__error_copy(e, &whole);
            if (e && AWSV2__ERROR_HAS(e, http_status))
                e->http_status = status;
            continue;
        }
        jobs[i]->status =
            batch_item(json_object_array_get_idx(results, i), jobs[i], &http[i], url, e);
        if (jobs[i]->status)
            memset(jobs[i]->mac, 0, sizeof jobs[i]->mac); /* never half a signature */
    }
    json_object_put(obj);
    return st;
}

awsv2_status awsv2__http_parse_sign(long status, const char *body, size_t len, awsv2_hash hash,
                                    uint8_t *mac, size_t *mac_len, const char *url,
                                    awsv2_error *err)
{
    size_t n = awsv2_hash_size(hash);
    awsv2_status st = parse_signature(status, body, len, n, mac, url, err);

    if (st == AWSV2_OK)
        *mac_len = n;
    return st;
}

awsv2_status awsv2__http_parse_sign4(long status, const char *body, size_t len,
                                     uint8_t signature[AWSV2_SIGV4_SIZE], const char *url,
                                     awsv2_error *err)
{
    return parse_signature(status, body, len, AWSV2_SIGV4_SIZE, signature, url, err);
}

/* Appends the array's ids to buf, comma-separated. */
static awsv2_status join_ids(json_object *keys, char *buf, size_t cap, const char *url,
                             awsv2_error *err)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < json_object_array_length(keys); i++) {
        json_object *k = json_object_array_get_idx(keys, i);
        const char *id = json_object_is_type(k, json_type_string) ? json_object_get_string(k)
                                                                  : NULL;
        if (!id || strchr(id, ','))
            return awsv2__fail(err, AWSV2_E_PROTOCOL, "signing daemon %s: bad key id", url);
        size_t n = strlen(id) + (used > 0);
        if (used + n >= cap)
            return awsv2__fail(err, AWSV2_E_INVALID, "buffer too small for the key ids");
        if (used > 0)
            buf[used++] = ',';
        strcpy(buf + used, id);
        used += strlen(id);
    }
    return AWSV2_OK;
}

awsv2_status awsv2__http_parse_keys(long status, const char *body, size_t len, char *buf,
                                    size_t cap, const char *url, awsv2_error *err)
{
    json_object *obj = parse_object(body, len);
    json_object *keys = NULL;
    awsv2_status st;

    if (status == 404 && !is_not_found(obj))
        st = awsv2__fail(err, AWSV2_E_UNAVAILABLE, "signing daemon %s cannot list its keys",
                         url);
    else if (status != 200 || success_of(obj) != 1)
        st = fail_reply(status, obj, url, err);
    else if (!json_object_object_get_ex(obj, "keys", &keys) ||
             !json_object_is_type(keys, json_type_array))
        st = awsv2__fail(err, AWSV2_E_PROTOCOL, "signing daemon %s: reply without keys", url);
    else
        st = join_ids(keys, buf, cap, url, err);
    json_object_put(obj);
    if (st && err && AWSV2__ERROR_HAS(err, http_status))
        err->http_status = status;
    return st;
}

/* 1 when obj's member name is the boolean true. */
static int is_true(json_object *obj, const char *name)
{
    json_object *v;
    return obj && json_object_object_get_ex(obj, name, &v) &&
           json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

awsv2_status awsv2__http_parse_health(long status, const char *body, size_t len, const char *url,
                                      awsv2_error *err)
{
    json_object *obj = parse_object(body, len);
    awsv2_status st = AWSV2_OK;

    if (status == 404 && !is_not_found(obj))
        st = awsv2__fail(err, AWSV2_E_UNAVAILABLE, "signing daemon %s has no /healthz", url);
    else if (status != 200 || success_of(obj) == 0)
        st = fail_reply(status, obj, url, err);
    else if (success_of(obj) != 1 || !is_true(obj, "healthy"))
        st = awsv2__fail(err, AWSV2_E_PROTOCOL, "signing daemon %s: not a health reply", url);
    json_object_put(obj);
    if (st && err && AWSV2__ERROR_HAS(err, http_status))
        err->http_status = status;
    return st;
}
