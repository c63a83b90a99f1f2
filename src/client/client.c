/* The client: options, and one call as a loop of signed attempts (see
 * awsv2/client.h). */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "client_impl.h"
#include "curl_common.h"
#include "internal.h"
#include "retry.h"
#include "transport.h"
#include "xml.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 5000L
#define DEFAULT_TIMEOUT_MS 30000L
#define DEFAULT_MAX_ATTEMPTS 3
#define MAX_ATTEMPTS_LIMIT 100
#define DEFAULT_RETRY_BASE_MS 100L
#define DEFAULT_RETRY_CAP_MS 20000L
#define DEFAULT_MAX_RESPONSE ((size_t)16 << 20)

struct awsv2_client {
    pthread_mutex_t lock; /* serialises calls: one transport, one buffer */
    awsv2__transport *transport;
    awsv2__buf body;
    awsv2_signer *signer;
    char *endpoint;
    char *access_key_id;
    char *session_token;
    awsv2_hash hash;
    awsv2_method method;
    int sigv4;       /* 1: SigV4 (region and service set), 0: SigV2 */
    char *region;
    char *service;
    int max_attempts;
    long retry_base_ms;
    long retry_cap_ms;
    size_t max_response;
    awsv2_debug_fn debug;
    void *debug_ctx;
};

static awsv2_status max_attempts(int option, int *out, awsv2_error *err)
{
    const char *env = getenv("AWS_MAX_ATTEMPTS");
    *out = option > 0 ? option : DEFAULT_MAX_ATTEMPTS;
    if (option > 0 || !env || !*env)
        return AWSV2_OK;
    char *end;
    errno = 0;
    long n = strtol(env, &end, 10);
    if (errno || *end || n < 1 || n > MAX_ATTEMPTS_LIMIT)
        return awsv2__fail(err, AWSV2_E_CONFIG,
                           "AWS_MAX_ATTEMPTS=\"%s\" is not a number of attempts from 1 to %d",
                           env, MAX_ATTEMPTS_LIMIT);
    *out = (int)n;
    return AWSV2_OK;
}

static long or_default(long v, long def)
{
    return v > 0 ? v : def;
}

/* The first published layout of awsv2_client_options ends with debug_ctx.
 * Every member up to it is read unconditionally, so a caller's size may not
 * be smaller; members added later are read only when size covers them. */
#define OPTIONS_FIRST_LAYOUT (offsetof(awsv2_client_options, debug_ctx) + sizeof(void *))
#define OPTIONS_HAVE(o, member)                                                             \
    ((o)->size >= offsetof(awsv2_client_options, member) + sizeof(o)->member)

static awsv2_status check_options(const awsv2_client_options *o, awsv2_error *err)
{
    if (o && o->size != 0 && o->size < OPTIONS_FIRST_LAYOUT)
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "awsv2_client_options.size %zu is smaller than its first layout "
                           "(%zu bytes)",
                           o->size, (size_t)OPTIONS_FIRST_LAYOUT);
    if (!o || !o->endpoint_url || !o->signer || !o->access_key_id || !*o->access_key_id)
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "a client needs an endpoint URL, a signer and an access key id");
    if (o->hash != AWSV2_HMAC_SHA256 && o->hash != AWSV2_HMAC_SHA1)
        return awsv2__fail(err, AWSV2_E_INVALID, "unknown signature hash %d", (int)o->hash);
    if (o->method != AWSV2_GET && o->method != AWSV2_POST)
        return awsv2__fail(err, AWSV2_E_INVALID, "unknown HTTP method %d", (int)o->method);
    return AWSV2_OK;
}

/* The service of an endpoint URL: its host's first label ("ec2" of
 * "https://ec2.eu-central-1.amazonaws.com/"). */
static char *service_of(const char *url)
{
    const char *host = strstr(url, "://");
    host = host ? host + 3 : url;
    size_t n = strcspn(host, ".:/");
    char *s = malloc(n + 1);
    if (s) {
        for (size_t i = 0; i < n; i++)
            s[i] = (char)(host[i] >= 'A' && host[i] <= 'Z' ? host[i] + 32 : host[i]);
        s[n] = '\0';
    }
    return s;
}

/* The signature version (AUTO resolved) and SigV4's scope. */
static awsv2_status choose_version(awsv2_client *c, const awsv2_client_options *o,
                                   awsv2_error *err)
{
    awsv2_signature_version v = AWSV2_SIGNATURE_AUTO;
    const char *region = NULL, *service = NULL;
    if (o->size != 0 && OPTIONS_HAVE(o, service)) {
        v = o->signature_version;
        region = o->region;
        service = o->service;
    }
    if (v != AWSV2_SIGNATURE_AUTO && v != AWSV2_SIGNATURE_V2 && v != AWSV2_SIGNATURE_V4)
        return awsv2__fail(err, AWSV2_E_INVALID, "unknown signature version %d", (int)v);
    c->service = service ? awsv2__strdup(service) : service_of(o->endpoint_url);
    if (!c->service)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    if (v == AWSV2_SIGNATURE_AUTO)
        v = awsv2_signature_version_auto(c->service, region, o->endpoint_url);
    if (v == AWSV2_SIGNATURE_V2)
        return AWSV2_OK;
    if (!region || !*region)
        return awsv2__fail(err, AWSV2_E_INVALID, "Signature Version 4 needs a region");
    c->region = awsv2__strdup(region);
    if (!c->region)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    c->sigv4 = 1;
    return AWSV2_OK;
}

static awsv2_status open_transport(awsv2_client *c, const awsv2_client_options *o,
                                   awsv2_error *err)
{
    struct awsv2__transport_options t = {
        .connect_timeout_ms = or_default(o->connect_timeout_ms, DEFAULT_CONNECT_TIMEOUT_MS),
        .timeout_ms = or_default(o->timeout_ms, DEFAULT_TIMEOUT_MS),
        .max_response_bytes = c->max_response,
        .ca_bundle = awsv2__curl_ca_bundle(o->ca_bundle),
    };
    return awsv2__transport_new(&c->transport, &t, err);
}

awsv2_status awsv2_client_new(awsv2_client **out, const awsv2_client_options *o,
                              awsv2_error *err)
{
    *out = NULL;
    awsv2_status st = check_options(o, err);
    if (st)
        return st;
    awsv2_client *c = calloc(1, sizeof *c);
    if (!c)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    pthread_mutex_init(&c->lock, NULL);
    c->signer = o->signer;
    c->hash = o->hash;
    c->method = o->method;
    c->retry_base_ms = or_default(o->retry_base_ms, DEFAULT_RETRY_BASE_MS);
    c->retry_cap_ms = or_default(o->retry_cap_ms, DEFAULT_RETRY_CAP_MS);
    c->max_response = o->max_response_bytes ? o->max_response_bytes : DEFAULT_MAX_RESPONSE;
    c->debug = o->debug;
    c->debug_ctx = o->debug_ctx;
    c->endpoint = strdup(o->endpoint_url);
    c->access_key_id = strdup(o->access_key_id);
    c->session_token = awsv2__strdup(o->session_token);
    if (!c->endpoint || !c->access_key_id || (o->session_token && !c->session_token))
        st = awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    if (!st)
        st = choose_version(c, o, err);
    if (!st)
        st = max_attempts(o->max_attempts, &c->max_attempts, err);
    if (!st)
        st = open_transport(c, o, err);
    if (st) {
        awsv2_client_free(c);
        return st;
    }
    *out = c;
    return AWSV2_OK;
}

void awsv2_client_free(awsv2_client *c)
{
    if (!c)
        return;
    awsv2__transport_free(c->transport);
    awsv2__buf_free(&c->body);
    free(c->endpoint);
    free(c->access_key_id);
    free(c->region);
    free(c->service);
    awsv2__free_secret(c->session_token);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

const char *awsv2_client_endpoint(const awsv2_client *c)
{
    return c->endpoint;
}

awsv2_method awsv2__client_method(const awsv2_client *c)
{
    return c->sigv4 ? AWSV2_POST : c->method;
}

/* A request to url carrying params and the client's auth parameters. */
static awsv2_status build_request(awsv2_client *c, awsv2_method method, const char *url,
                                  const awsv2_params *params, awsv2_request **out,
                                  awsv2_error *err)
{
    if (c->sigv4)
        method = AWSV2_POST; /* as botocore sends query requests */
    awsv2_status st = awsv2_request_new(out, method, url ? url : c->endpoint, err);
    if (st)
        return st;
    awsv2_params *p = awsv2_request_params(*out);
    for (size_t i = 0; !st && i < awsv2_params_count(params); i++) {
        const char *name, *value;
        awsv2_params_at(params, i, &name, &value);
        st = awsv2_params_set(p, name, value, err);
    }
    if (!st)
        st = c->sigv4 ? awsv2_request_set_auth4(*out, c->access_key_id, c->session_token,
                                                c->region, c->service, err)
                      : awsv2_request_set_auth(*out, c->access_key_id, c->session_token,
                                               c->hash, err);
    if (st) {
        awsv2_request_free(*out);
        *out = NULL;
    }
    return st;
}

/* Every attempt gets a fresh Timestamp (X-Amz-Date) and so a fresh
 * signature. */
static awsv2_status sign(awsv2_client *c, awsv2_request *req, awsv2_error *err)
{
    awsv2_status st = c->sigv4 ? awsv2_request_set_amz_date(req, time(NULL), 0, err)
                               : awsv2_request_set_timestamp(req, time(NULL), err);
    if (st)
        return st;
    if (c->debug) {
        const char *sts;
        size_t len;
        st = awsv2_request_string_to_sign(req, &sts, &len, err);
        if (st)
            return st;
        c->debug(c->debug_ctx, sts, len);
    }
    return awsv2_request_sign(req, c->signer, err);
}

/* One attempt; *retry tells whether a failure is worth another. */
static awsv2_status attempt(awsv2_client *c, awsv2_request *req, bool *retry, awsv2_error *err)
{
    *retry = false;
    awsv2_status st = sign(c, req, err);
    if (st)
        return st;
    const char *form = awsv2_request_method(req) == AWSV2_POST ? awsv2_request_query(req) : NULL;
    long http = 0;
    st = awsv2__transport_perform(c->transport, req, form, &http, &c->body, err);
    if (st) {
        *retry = st == AWSV2_E_NETWORK;
        return st;
    }
    if (http >= 200 && http < 300)
        return AWSV2_OK;
    st = awsv2__xml_service_error(c->body.data ? c->body.data : "", c->body.len, http, err);
    *retry = awsv2__retry_http_status(http) || awsv2__retry_code(err->code);
    return st;
}

/* The response body lands in c->body; the caller holds c->lock. */
static awsv2_status call_locked(awsv2_client *c, awsv2_method method, const char *url,
                                const awsv2_params *params, awsv2_error *err)
{
    awsv2_request *req;
    awsv2_status st = build_request(c, method, url, params, &req, err);
    if (st)
        return st;
    for (int n = 1;; n++) {
        bool retry;
        st = attempt(c, req, &retry, err);
        if (!st || !retry || n >= c->max_attempts)
            break;
        awsv2__sleep_ms(awsv2__retry_delay_ms(c->retry_base_ms, c->retry_cap_ms, n));
    }
    awsv2_request_free(req);
    return st;
}

awsv2_status awsv2__client_call_xml(awsv2_client *c, awsv2_method method, const char *url,
                                    const awsv2_params *params, xmlDoc **doc, awsv2_error *err)
{
    awsv2_error e = AWSV2_ERROR_INIT;
    *doc = NULL;
    pthread_mutex_lock(&c->lock);
    awsv2_status st = call_locked(c, method, url, params, &e);
    if (!st)
        st = awsv2__xml_read(c->body.data ? c->body.data : "", c->body.len, c->max_response,
                             doc, &e);
    pthread_mutex_unlock(&c->lock);
    if (st && err)
        awsv2__error_copy(err, &e);
    return st;
}

awsv2_status awsv2_client_call(awsv2_client *c, const char *url, const awsv2_params *params,
                               char **body, size_t *len, awsv2_error *err)
{
    awsv2_error e = AWSV2_ERROR_INIT;
    *body = NULL;
    *len = 0;
    pthread_mutex_lock(&c->lock);
    awsv2_status st = call_locked(c, c->method, url, params, &e);
    if (!st) {
        /* Released with awsv2_free, i.e. by the library's own free(). */
        *body = malloc(c->body.len + 1);
        if (*body) {
            if (c->body.len)
                memcpy(*body, c->body.data, c->body.len);
            (*body)[c->body.len] = '\0';
            *len = c->body.len;
        } else {
            st = awsv2__fail(&e, AWSV2_E_NOMEM, "out of memory");
        }
    }
    pthread_mutex_unlock(&c->lock);
    if (st && err)
        awsv2__error_copy(err, &e);
    return st;
}
