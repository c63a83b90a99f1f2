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
#include "profile.h"
#include "retry.h"
#include "transport.h"
#include "xml.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 5000L
#define DEFAULT_TIMEOUT_MS 30000L
#define DEFAULT_MAX_ATTEMPTS 3
#define LEGACY_MAX_ATTEMPTS 5
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
    awsv2_retry_mode retry_mode;
    awsv2__retry_quota quota; /* standard mode only */
    time_t skew;              /* the service's clock minus ours, from a skew error */
    time_t expiration;        /* of the credentials; 0: never */
    awsv2_refresh_fn refresh;
    void *refresh_ctx;
    long retry_base_ms;
    long retry_cap_ms;
    size_t max_response;
    awsv2_debug_fn debug;
    void *debug_ctx;
};

static awsv2_status parse_attempts(const char *text, const char *what, int *out,
                                   awsv2_error *err)
{
    char *end;
    errno = 0;
    long n = strtol(text, &end, 10);
    if (errno || end == text || *end || n < 1 || n > MAX_ATTEMPTS_LIMIT)
        return awsv2__fail(err, AWSV2_E_CONFIG,
                           "%s=\"%s\" is not a number of attempts from 1 to %d", what, text,
                           MAX_ATTEMPTS_LIMIT);
    *out = (int)n;
    return AWSV2_OK;
}

static awsv2_status parse_mode(const char *text, const char *what, awsv2_retry_mode *out,
                               awsv2_error *err)
{
    if (strcmp(text, "standard") == 0 || strcmp(text, "adaptive") == 0)
        *out = AWSV2_RETRY_STANDARD;
    else if (strcmp(text, "legacy") == 0)
        *out = AWSV2_RETRY_LEGACY;
    else
        return awsv2__fail(err, AWSV2_E_CONFIG,
                           "%s=\"%s\" is not a retry mode (legacy or standard)", what, text);
    return AWSV2_OK;
}

/* The retry mode and attempts: the options, else AWS_RETRY_MODE and
 * AWS_MAX_ATTEMPTS, else the profile's retry_mode and max_attempts. */
static awsv2_status retry_settings(awsv2_client *c, awsv2_retry_mode mode, int attempts,
                                   const char *profile, awsv2_error *err)
{
    const char *env_mode = getenv("AWS_RETRY_MODE"), *env_attempts = getenv("AWS_MAX_ATTEMPTS");
    awsv2_status st = AWSV2_OK;
    if (mode != AWSV2_RETRY_DEFAULT && mode != AWSV2_RETRY_STANDARD && mode != AWSV2_RETRY_LEGACY)
        return awsv2__fail(err, AWSV2_E_INVALID, "unknown retry mode %d", (int)mode);
    if (!mode && env_mode && *env_mode)
        st = parse_mode(env_mode, "AWS_RETRY_MODE", &mode, err);
    if (!st && attempts <= 0 && env_attempts && *env_attempts)
        st = parse_attempts(env_attempts, "AWS_MAX_ATTEMPTS", &attempts, err);
    if (!st && (!mode || attempts <= 0)) {
        awsv2__profile *p = NULL;
        st = awsv2__profile_load(&p, profile, err);
        const char *v;
        int line = 0, file = 0;
        char what[4200];
        if (!st && !mode && (v = awsv2__profile_get(p, -1, "retry_mode", &line, &file))) {
            snprintf(what, sizeof what, "%s:%d: retry_mode", awsv2__profile_path(p, file), line);
            st = parse_mode(v, what, &mode, err);
        }
        if (!st && attempts <= 0 &&
            (v = awsv2__profile_get(p, -1, "max_attempts", &line, &file))) {
            snprintf(what, sizeof what, "%s:%d: max_attempts", awsv2__profile_path(p, file),
                     line);
            st = parse_attempts(v, what, &attempts, err);
        }
        awsv2__profile_free(p);
    }
    if (st)
        return st;
    c->retry_mode = mode ? mode : AWSV2_RETRY_STANDARD;
    c->max_attempts = attempts > 0 ? attempts
                      : c->retry_mode == AWSV2_RETRY_LEGACY ? LEGACY_MAX_ATTEMPTS
                                                            : DEFAULT_MAX_ATTEMPTS;
    c->quota.tokens = AWSV2__RETRY_QUOTA;
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
    c->hash = o->size != 0 && OPTIONS_HAVE(o, hash_auto) && o->hash_auto
                  ? awsv2_signer_default_hash(o->signer)
                  : o->hash;
    c->method = o->method;
    c->retry_base_ms = or_default(o->retry_base_ms, DEFAULT_RETRY_BASE_MS);
    c->retry_cap_ms = or_default(o->retry_cap_ms, DEFAULT_RETRY_CAP_MS);
    c->max_response = o->max_response_bytes ? o->max_response_bytes : DEFAULT_MAX_RESPONSE;
    c->debug = o->debug;
    c->debug_ctx = o->debug_ctx;
    if (o->size != 0 && OPTIONS_HAVE(o, refresh_ctx)) {
        c->expiration = o->credentials_expiration;
        c->refresh = o->refresh;
        c->refresh_ctx = o->refresh_ctx;
    }
    c->endpoint = strdup(o->endpoint_url);
    c->access_key_id = strdup(o->access_key_id);
    c->session_token = awsv2__strdup(o->session_token);
    if (!c->endpoint || !c->access_key_id || (o->session_token && !c->session_token))
        st = awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    if (!st)
        st = choose_version(c, o, err);
    if (!st) {
        bool have = o->size != 0 && OPTIONS_HAVE(o, retry_mode);
        st = retry_settings(c, have ? o->retry_mode : AWSV2_RETRY_DEFAULT, o->max_attempts,
                            have ? o->profile : NULL, err);
    }
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
    time_t now = time(NULL) + c->skew;
    awsv2_status st = c->sigv4 ? awsv2_request_set_amz_date(req, now, 0, err)
                               : awsv2_request_set_timestamp(req, now, err);
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

/* How a failed attempt may be tried again. */
enum again { AGAIN_NO, AGAIN_RETRY, AGAIN_TIMEOUT, AGAIN_SKEW };

/* An error answer from a skewed clock: keeps the skew, when the answer's
 * Date shows one worth correcting. */
static bool skewed(awsv2_client *c, const awsv2_error *err)
{
    time_t date = awsv2__transport_date(c->transport);
    if (!date || !awsv2__retry_skew_code(err->code))
        return false;
    time_t skew = date - time(NULL);
    time_t change = skew - c->skew;
    if (change > -AWSV2__SKEW_THRESHOLD_S && change < AWSV2__SKEW_THRESHOLD_S)
        return false;
    c->skew = skew;
    return true;
}

/* One attempt; *again tells whether a failure is worth another. */
static awsv2_status attempt(awsv2_client *c, awsv2_request *req, enum again *again,
                            awsv2_error *err)
{
    *again = AGAIN_NO;
    awsv2_status st = sign(c, req, err);
    if (st)
        return st;
    const char *form = awsv2_request_method(req) == AWSV2_POST ? awsv2_request_query(req) : NULL;
    long http = 0;
    st = awsv2__transport_perform(c->transport, req, form, &http, &c->body, err);
    if (st) {
        if (st == AWSV2_E_NETWORK)
            *again = awsv2__transport_timed_out(c->transport) ? AGAIN_TIMEOUT : AGAIN_RETRY;
        return st;
    }
    if (http >= 200 && http < 300)
        return AWSV2_OK;
    st = awsv2__xml_service_error(c->body.data ? c->body.data : "", c->body.len, http, err);
    if (skewed(c, err))
        *again = AGAIN_SKEW;
    else if (awsv2__retry_http_status(http) || awsv2__retry_code(err->code))
        *again = AGAIN_RETRY;
    return st;
}

/* A retryable failure not tried again: the message says after how many
 * attempts, and why no more (err is the caller's full-size error). */
static void gave_up(awsv2_error *err, int attempts, bool all_used)
{
    size_t len = strlen(err->message);
    snprintf(err->message + len, sizeof err->message - len, " (gave up after %d attempt%s%s)",
             attempts, attempts == 1 ? "" : "s",
             all_used ? (attempts == 1 ? ": retries are off" : "")
                      : ": the retry quota is spent");
}

/* As the AWS SDKs do: a refresh when the credentials have less than this
 * left; failing, the old ones serve until they expire. */
#define REFRESH_AHEAD_S 300

static awsv2_status refresh_credentials(awsv2_client *c, awsv2_error *err)
{
    time_t now = time(NULL);
    if (!c->refresh || !c->expiration || now < c->expiration - REFRESH_AHEAD_S)
        return AWSV2_OK;
    awsv2_client_credentials fresh = {0};
    awsv2_error e = AWSV2_ERROR_INIT;
    awsv2_status st = c->refresh(c->refresh_ctx, &fresh, &e);
    char *id = NULL, *token = NULL;
    if (!st && (!fresh.signer || !fresh.access_key_id || !*fresh.access_key_id))
        st = awsv2__fail(&e, AWSV2_E_INVALID, "a credentials refresh gave no signer or key id");
    if (!st && (!(id = strdup(fresh.access_key_id)) ||
                (fresh.session_token && !(token = strdup(fresh.session_token)))))
        st = awsv2__fail(&e, AWSV2_E_NOMEM, "out of memory");
    if (st) {
        free(id);
        if (now < c->expiration)
            return AWSV2_OK; /* the old credentials still serve */
        return awsv2__fail(err, st, "the credentials expired and could not be refreshed: %s",
                           e.message);
    }
    c->signer = fresh.signer;
    free(c->access_key_id);
    c->access_key_id = id;
    awsv2__free_secret(c->session_token);
    c->session_token = token;
    c->expiration = fresh.expiration;
    return AWSV2_OK;
}

/* The response body lands in c->body; the caller holds c->lock. */
static awsv2_status call_locked(awsv2_client *c, awsv2_method method, const char *url,
                                const awsv2_params *params, awsv2_error *err)
{
    awsv2_request *req;
    awsv2_status st = refresh_credentials(c, err);
    if (st)
        return st;
    st = build_request(c, method, url, params, &req, err);
    if (st)
        return st;
    bool standard = c->retry_mode == AWSV2_RETRY_STANDARD, skew_retried = false;
    int taken = 0; /* the quota's tokens the last retry took */
    for (int n = 1;;) {
        enum again again;
        st = attempt(c, req, &again, err);
        if (!st && standard)
            awsv2__retry_quota_success(&c->quota, taken);
        if (!st || again == AGAIN_NO)
            break;
        if (again == AGAIN_SKEW) {
            if (skew_retried)
                break; /* corrected once already: the clock is not the problem */
            skew_retried = true; /* at once, and outside the retry budget */
            continue;
        }
        if (n >= c->max_attempts ||
            (standard && !awsv2__retry_quota_take(&c->quota, again == AGAIN_TIMEOUT, &taken))) {
            gave_up(err, n, n >= c->max_attempts);
            break;
        }
        awsv2__sleep_ms(awsv2__retry_delay_ms(c->retry_base_ms, c->retry_cap_ms, n));
        n++;
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
