/* The http: and https: backends: a client of a signing daemon (awsv2-hsmd,
 * or the original hsmd.py) on libcurl.
 *
 * Spec: http[s]://HOST[:PORT]/PATH[?OPTIONS], options separated by '&':
 *   token_file=PATH   send "Authorization: Bearer <first line of PATH>"
 *                     (else the AWSV2_HSMD_TOKEN environment variable, if set)
 *   unix_socket=PATH  connect to a Unix socket (awsv2-hsmd --listen unix:PATH)
 *   timeout_ms=N      per request (default 30000; a device may be slow)
 *   ca_bundle=PATH    https: verify the daemon with the CAs of this PEM file
 *                     (else AWS_CA_BUNDLE, else the system's); the peer is
 *                     always verified
 * Option values are taken literally (no percent-decoding).
 *
 * Threads and connection reuse: libcurl's one rule is that an easy handle
 * is used by one thread at a time. The signer keeps a pool of idle
 * connections (an easy handle and a reply buffer) under a mutex; a signing
 * thread takes one (or makes one when none is idle), performs its request
 * and puts it back. An easy handle keeps its connection alive between
 * transfers, so a thread that signs again gets a warm keep-alive
 * connection, and N concurrent threads settle on N connections. At most
 * POOL_MAX are kept; more concurrent callers get a fresh one that is
 * closed after use.
 *
 * A daemon that cannot be reached is AWSV2_E_DEVICE: it is the signer's
 * device that is unavailable (exit status 3, a signer error), not the AWS
 * service (AWSV2_E_NETWORK, exit 4). A timeout is AWSV2_E_TIMEOUT, a TLS
 * failure AWSV2_E_TLS (the mapping is curl_common.h's, shared with the
 * client). Replies are read by http_reply.c.
 *
 * The daemon's other routes are found beside its /sign/aws: /sign/aws4
 * (awsv2_signer_sign4: a JSON body, docs/daemon-api.md), /keys
 * (awsv2_signer_key_ids) and /healthz (awsv2_signer_ping). A URL ending in
 * /admin is the daemon's admin listener instead (awsv2-hsmd
 * --admin-listen): /admin/keys and the rest serve key_ids, key_put,
 * key_delete, lock and key_policy, and signing there is refused by the
 * daemon (404). */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "curl_common.h"
#include "http_reply.h"
#include "signer_impl.h"

#define POOL_MAX 64
#define REPLY_MAX 16384 /* a daemon's replies are ~100 bytes; /keys of 8 ids < 2 KiB */
#define DEFAULT_TIMEOUT_MS 30000L
#define CONNECT_TIMEOUT_MS 5000L

struct http_signer {
    char *sign_url;             /* the spec without its options */
    char *sign4_url;            /* .../sign/aws4 beside .../sign/aws, or NULL */
    char *keys_url;             /* .../keys beside .../sign/aws, or NULL */
    char *health_url;           /* .../healthz beside it, or NULL */
    char *admin_url;            /* a spec ending in /admin: the admin listener's, or NULL */
    char *unix_socket;          /* or NULL */
    char *ca_bundle;            /* or NULL: the system's CAs */
    long timeout_ms;
    struct curl_slist *headers; /* may hold the token: wiped on close */
    struct curl_slist *json_headers; /* the same for a JSON body */
    char *description;          /* no token */
    pthread_mutex_t lock;
    struct conn *idle[POOL_MAX];
    size_t n_idle;
};

/* An easy handle and the body of its last reply (at most REPLY_MAX). */
struct conn {
    CURL *curl;
    size_t len;
    char data[REPLY_MAX];
};

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
    struct conn *r = arg;
    size_t len = size * n;
    if (len > REPLY_MAX - r->len)
        return 0; /* too large: libcurl fails with CURLE_WRITE_ERROR */
    memcpy(r->data + r->len, p, len);
    r->len += len;
    return len;
}

static void conn_free(struct conn *c)
{
    if (c)
        curl_easy_cleanup(c->curl);
    free(c);
}

static struct conn *conn_new(struct http_signer *h)
{
    struct conn *c = malloc(sizeof *c);
    CURL *e = c ? curl_easy_init() : NULL;

    if (!e) {
        free(c);
        return NULL;
    }
    c->curl = e;
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
    curl_easy_setopt(e, CURLOPT_PROXY, ""); /* a local daemon: never via http_proxy */
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
    if (h->unix_socket)
        curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, h->unix_socket);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (h->ca_bundle)
        curl_easy_setopt(e, CURLOPT_CAINFO, h->ca_bundle);
    return c;
}

static struct conn *take_conn(struct http_signer *h)
{
    struct conn *c = NULL;
    pthread_mutex_lock(&h->lock);
    if (h->n_idle > 0)
        c = h->idle[--h->n_idle];
    pthread_mutex_unlock(&h->lock);
    return c ? c : conn_new(h);
}

static void give_back(struct http_signer *h, struct conn *c)
{
    pthread_mutex_lock(&h->lock);
    if (h->n_idle < POOL_MAX) {
        h->idle[h->n_idle++] = c;
        c = NULL;
    }
    pthread_mutex_unlock(&h->lock);
    conn_free(c);
}

static awsv2_status transfer_failed(const struct http_signer *h, CURL *e, CURLcode rc,
                                    awsv2_error *err)
{
    awsv2_status st = awsv2__curl_status(rc, AWSV2__CURL_SIGNER);

    if (st == AWSV2_E_TLS)
        return awsv2__fail(err, st, "signing daemon %s: TLS: %s", h->sign_url,
                           awsv2__curl_tls_advice(e, rc));
    /* CURLE_WRITE_ERROR: on_data refused a reply over REPLY_MAX */
    return awsv2__fail(err, st, "signing daemon %s: %s", h->sign_url,
                       rc == CURLE_WRITE_ERROR ? "reply too large" : curl_easy_strerror(rc));
}

/* Performs one request on a pooled connection: POST body (len bytes) to
 * url, or GET url when body is NULL; a JSON body when json. On success the
 * caller reads the reply in *out and gives it back. */
static awsv2_status perform_method(struct http_signer *h, const char *method, const char *url,
                                   const char *body, size_t len, bool json, struct conn **out,
                                   long *status, awsv2_error *err)
{
    struct conn *c = take_conn(h);
    CURLcode rc;

    if (!c)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    c->len = 0;
    curl_easy_setopt(c->curl, CURLOPT_URL, url);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, json ? h->json_headers : h->headers);
    if (body) {
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE, (long)len);
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
    } else {
        curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
    rc = curl_easy_perform(c->curl);
    /* the POST body may be a secret; libcurl sent it from our buffer */
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, NULL);
    if (rc != CURLE_OK) {
        awsv2_status st = transfer_failed(h, c->curl, rc, err);
        give_back(h, c);
        return st;
    }
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
    *out = c;
    return AWSV2_OK;
}

static awsv2_status perform(struct http_signer *h, const char *url, const char *body, size_t len,
                            bool json, struct conn **out, long *status, awsv2_error *err)
{
    return perform_method(h, NULL, url, body, len, json, out, status, err);
}

static awsv2_status http_sign(void *ctx, awsv2_sign_job *job, awsv2_error *err)
{
    struct http_signer *h = ctx;
    struct conn *c = NULL;
    long status = 0;
    awsv2_status st =
        perform(h, h->sign_url, job->string_to_sign, job->len, false, &c, &status, err);

    if (st == AWSV2_OK) {
        st = awsv2__http_parse_sign(status, c->data, c->len, job->hash, job->mac,
                                    &job->mac_len, h->sign_url, err);
        give_back(h, c);
    }
    return st;
}

/* Adds name: v to o; false (v released) when v is NULL or o cannot take it. */
static bool add_member(json_object *o, const char *name, json_object *v)
{
    if (v && json_object_object_add(o, name, v) == 0)
        return true;
    json_object_put(v);
    return false;
}

/* The /sign/aws4 body: {"key_id", "region", "service", "canonical_request"
 * [, "payload"]}, json-c escaping every string (canonical request and
 * payload may hold any byte but are sent with their exact lengths).
 * malloc'd, or NULL when out of memory. */
static char *sign4_body(const awsv2_sign4_job *job, size_t *len)
{
    json_object *o = json_object_new_object();
    char *body = NULL;
    bool ok = o && add_member(o, "key_id", json_object_new_string(job->key_id)) &&
              add_member(o, "region", json_object_new_string(job->region)) &&
              add_member(o, "service", json_object_new_string(job->service)) &&
              add_member(o, "canonical_request",
                         json_object_new_string_len(job->canonical_request,
                                                    (int)job->canonical_request_len)) &&
              (!job->payload ||
               add_member(o, "payload",
                          json_object_new_string_len(job->payload, (int)job->payload_len)));
    size_t n = 0;
    const char *text = ok ? json_object_to_json_string_length(
                                o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n)
                          : NULL;
    if (text && (body = malloc(n + 1))) {
        memcpy(body, text, n + 1);
        *len = n;
    }
    json_object_put(o);
    return body;
}

static awsv2_status http_sign4(void *ctx, awsv2_sign4_job *job, awsv2_error *err)
{
    struct http_signer *h = ctx;
    struct conn *c = NULL;
    long status = 0;
    size_t len = 0;

    if (!h->sign4_url)
        return awsv2__fail(err, AWSV2_E_UNAVAILABLE,
                           "signing daemon %s: no /sign/aws4 beside a URL not ending in /sign/aws",
                           h->sign_url);
    /* json-c measures strings in int; the daemon takes 16 KiB anyway. */
    if (job->canonical_request_len > INT32_MAX / 2 || job->payload_len > INT32_MAX / 2)
        return awsv2__fail(err, AWSV2_E_INVALID, "signing daemon %s: request too large",
                           h->sign_url);
    char *body = sign4_body(job, &len);
    if (!body)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    awsv2_status st = perform(h, h->sign4_url, body, len, true, &c, &status, err);
    free(body);
    if (st == AWSV2_OK) {
        st = awsv2__http_parse_sign4(status, c->data, c->len, job->signature, h->sign4_url, err);
        give_back(h, c);
    }
    if (st)
        memset(job->signature, 0, sizeof job->signature); /* never half a signature */
    return st;
}

static awsv2_status http_key_ids(void *ctx, char *buf, size_t cap, awsv2_error *err)
{
    struct http_signer *h = ctx;
    struct conn *c = NULL;
    long status = 0;
    awsv2_status st;

    if (!h->keys_url)
        return awsv2__fail(err, AWSV2_E_UNAVAILABLE,
                           "signing daemon %s: no /keys beside a URL not ending in /sign/aws",
                           h->sign_url);
    st = perform(h, h->keys_url, NULL, 0, false, &c, &status, err);
    if (st == AWSV2_OK) {
        st = awsv2__http_parse_keys(status, c->data, c->len, buf, cap, h->sign_url, err);
        give_back(h, c);
    }
    return st;
}

static awsv2_status http_ping(void *ctx, awsv2_error *err)
{
    struct http_signer *h = ctx;
    struct conn *c = NULL;
    long status = 0;
    awsv2_status st;

    if (!h->health_url)
        return awsv2__fail(err, AWSV2_E_UNAVAILABLE,
                           "signing daemon %s: no /healthz beside a URL not ending in /sign/aws",
                           h->sign_url);
    st = perform(h, h->health_url, NULL, 0, false, &c, &status, err);
    if (st == AWSV2_OK) {
        st = awsv2__http_parse_health(status, c->data, c->len, h->sign_url, err);
        give_back(h, c);
    }
    return st;
}

/* An admin route's failure: the device's refusals (key-exists, locked,
 * unknown-awsaccesskey, invalid-awsaccesskeyid, ...) are AWSV2_E_REFUSED
 * as the due: backend gives them; a listener without the route (a
 * signing URL's) AWSV2_E_UNAVAILABLE. */
static awsv2_status admin_status(long status, const char *code)
{
    if (status == 404)
        return AWSV2_E_UNAVAILABLE;
    if (status == 504)
        return AWSV2_E_TIMEOUT;
    if (status == 503)
        return strcmp(code, "locked") && strcmp(code, "storage-failure") ? AWSV2_E_DEVICE
                                                                         : AWSV2_E_REFUSED;
    if (status >= 500)
        return AWSV2_E_SIGNER;
    if (status == 400 && strcmp(code, "invalid-awsaccesskeyid") != 0)
        return AWSV2_E_INVALID; /* the daemon's own checks */
    return AWSV2_E_REFUSED;
}

/* The admin listener's routes (docs/daemon-api.md). A device's refusal
 * (key-exists, locked, unknown-awsaccesskey, ...) is AWSV2_E_REFUSED with
 * err->code the device's code, as the due: backend gives it. */
static awsv2_status admin_reply(const struct http_signer *h, long status, const struct conn *c,
                                char *policy, size_t cap, awsv2_error *err)
{
    json_tokener *tok = json_tokener_new();
    json_object *o = tok ? json_tokener_parse_ex(tok, c->data, (int)c->len) : NULL;
    json_object *ok = NULL, *code = NULL;
    awsv2_status st;

    if (!o || !json_object_is_type(o, json_type_object) ||
        !json_object_object_get_ex(o, "success", &ok) ||
        !json_object_is_type(ok, json_type_boolean)) {
        st = awsv2__fail(err, AWSV2_E_PROTOCOL, "signing daemon %s: not its reply (HTTP %ld)",
                         h->admin_url, status);
    } else if (json_object_get_boolean(ok) && status == 200) {
        json_object *p = NULL;
        st = AWSV2_OK;
        if (policy && !(json_object_object_get_ex(o, "policy", &p) &&
                        json_object_is_type(p, json_type_string)))
            st = awsv2__fail(err, AWSV2_E_PROTOCOL, "signing daemon %s: no policy in its reply",
                             h->admin_url);
        else if (policy && (size_t)json_object_get_string_len(p) >= cap)
            st = awsv2__fail(err, AWSV2_E_INVALID, "policy too long for the buffer");
        else if (policy)
            memcpy(policy, json_object_get_string(p), (size_t)json_object_get_string_len(p) + 1);
    } else {
        const char *why = json_object_object_get_ex(o, "error", &code) &&
                                  json_object_is_type(code, json_type_string)
                              ? json_object_get_string(code)
                              : "";
        st = awsv2_error_set(err, admin_status(status, why), why,
                             "signing daemon %s refused: %s (HTTP %ld)", h->admin_url,
                             why[0] ? why : "no reason given", status);
    }
    json_object_put(o);
    json_tokener_free(tok);
    return st;
}

/* policy (policy_cap bytes): where GET .../policy's answer goes, or NULL. */
static awsv2_status admin_call(struct http_signer *h, const char *method, const char *route,
                               const char *body, size_t len, char *policy, size_t policy_cap,
                               awsv2_error *err)
{
    size_t cap = strlen(h->admin_url) + strlen(route) + 1;
    char *url = malloc(cap);
    struct conn *c = NULL;
    long status = 0;
    awsv2_status st;

    if (!url)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    snprintf(url, cap, "%s%s", h->admin_url, route);
    st = perform_method(h, method, url, body, len, body != NULL, &c, &status, err);
    free(url);
    if (st == AWSV2_OK) {
        st = admin_reply(h, status, c, policy, policy_cap, err);
        give_back(h, c);
    }
    return st;
}

static awsv2_status no_admin(const struct http_signer *h, awsv2_error *err)
{
    return awsv2__fail(err, AWSV2_E_UNAVAILABLE,
                       "signing daemon %s: keys are managed through its admin listener "
                       "(http://localhost/admin?unix_socket=PATH)",
                       h->sign_url);
}

static awsv2_status http_key_put(void *ctx, const char *key_id, const char *secret,
                                 const awsv2_key_policy *policy, awsv2_error *err)
{
    struct http_signer *h = ctx;
    const char *text = policy ? awsv2_key_policy_text(policy) : "";

    if (!h->admin_url)
        return no_admin(h, err);
    json_object *o = json_object_new_object();
    json_object *sec = json_object_new_string(secret);
    /* o takes a reference of its own: sec outlives it, to be wiped */
    bool ok = o && sec && add_member(o, "key_id", json_object_new_string(key_id)) &&
              add_member(o, "secret", json_object_get(sec)) &&
              (!text[0] || add_member(o, "policy", json_object_new_string(text)));
    size_t n = 0;
    const char *body = ok ? json_object_to_json_string_length(
                                o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n)
                          : NULL;
    awsv2_status st = body ? admin_call(h, NULL, "/keys", body, n, NULL, 0, err)
                           : awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    /* json-c's copies of the secret: the body and the string */
    if (body)
        awsv2_wipe((char *)body, n);
    json_object_put(o);
    if (sec) {
        awsv2_wipe((char *)json_object_get_string(sec), (size_t)json_object_get_string_len(sec));
        json_object_put(sec);
    }
    return st;
}

static awsv2_status http_key_delete(void *ctx, const char *key_id, awsv2_error *err)
{
    struct http_signer *h = ctx;
    char route[AWSV2_KEY_ID_SIZE + 8];

    if (!h->admin_url)
        return no_admin(h, err);
    snprintf(route, sizeof route, "/keys/%s", key_id); /* the library checked the id */
    return admin_call(h, "DELETE", route, NULL, 0, NULL, 0, err);
}

static awsv2_status http_lock(void *ctx, awsv2_error *err)
{
    struct http_signer *h = ctx;

    if (!h->admin_url)
        return no_admin(h, err);
    return admin_call(h, "POST", "/lock", NULL, 0, NULL, 0, err);
}

static awsv2_status http_key_policy(void *ctx, const char *key_id, char *buf, size_t cap,
                                    awsv2_error *err)
{
    struct http_signer *h = ctx;
    char route[AWSV2_KEY_ID_SIZE + 16];

    if (!h->admin_url)
        return no_admin(h, err);
    snprintf(route, sizeof route, "/keys/%s/policy", key_id);
    return admin_call(h, NULL, route, NULL, 0, buf, cap, err);
}

static void http_close(void *ctx)
{
    struct http_signer *h = ctx;

    for (size_t i = 0; i < h->n_idle; i++)
        conn_free(h->idle[i]);
    for (struct curl_slist *l = h->headers; l; l = l->next)
        awsv2_wipe(l->data, strlen(l->data));
    for (struct curl_slist *l = h->json_headers; l; l = l->next)
        awsv2_wipe(l->data, strlen(l->data));
    curl_slist_free_all(h->headers);
    curl_slist_free_all(h->json_headers);
    pthread_mutex_destroy(&h->lock);
    free(h->sign_url);
    free(h->sign4_url);
    free(h->keys_url);
    free(h->health_url);
    free(h->admin_url);
    free(h->unix_socket);
    free(h->ca_bundle);
    free(h->description);
    free(h);
}

static const awsv2_signer_ops http_ops = {
    .size = sizeof http_ops,
    .sign = http_sign,
    .ping = http_ping,
    .key_ids = http_key_ids,
    .key_put = http_key_put,
    .key_delete = http_key_delete,
    .lock = http_lock,
    .key_policy = http_key_policy,
    .close = http_close,
    .sign4 = http_sign4,
};

/* The token: that of the file at path (awsv2_token_file_read), else
 * $AWSV2_HSMD_TOKEN, else none (*out = NULL). malloc'd; wipe it. */
static awsv2_status read_token(const char *spec, const char *path, char **out, awsv2_error *err)
{
    char buf[AWSV2_TOKEN_SIZE];
    const char *env = getenv("AWSV2_HSMD_TOKEN");
    size_t len;

    *out = NULL;
    if (!path) {
        *out = env && *env ? awsv2__strdup(env) : NULL;
        return env && *env && !*out ? awsv2__fail(err, AWSV2_E_NOMEM, "out of memory") : AWSV2_OK;
    }
    awsv2_status st = awsv2_token_file_read(path, buf, sizeof buf, &len, err);
    if (st == AWSV2_OK && !(*out = awsv2__strdup(buf)))
        st = awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    awsv2_wipe(buf, sizeof buf);
    if (st && st != AWSV2_E_NOMEM && err && AWSV2__ERROR_HAS(err, message)) {
        char why[sizeof err->message];
        snprintf(why, sizeof why, "%s", err->message);
        awsv2__fail(err, st, "signer spec '%s': %s", spec, why);
    }
    return st;
}

static bool add_header(struct curl_slist **list, const char *line)
{
    struct curl_slist *l = curl_slist_append(*list, line);
    if (l)
        *list = l;
    return l != NULL;
}

/* The request headers: the token if any; no "Expect: 100-continue" (a
 * round trip for nothing); the body is text, or JSON for /sign/aws4. */
static awsv2_status make_headers(struct http_signer *h, const char *spec, const char *token_file,
                                 awsv2_error *err)
{
    char *token = NULL;
    awsv2_status st = read_token(spec, token_file, &token, err);

    if (st)
        return st;
    bool ok = add_header(&h->headers, "Expect:") &&
              add_header(&h->headers, "Content-Type: text/plain") &&
              add_header(&h->json_headers, "Expect:") &&
              add_header(&h->json_headers, "Content-Type: application/json");
    if (ok && token) {
        size_t n = strlen(token) + sizeof "Authorization: Bearer ";
        char *line = malloc(n);
        if (line)
            snprintf(line, n, "Authorization: Bearer %s", token);
        ok = line && add_header(&h->headers, line) && add_header(&h->json_headers, line);
        awsv2__free_secret(line);
    }
    awsv2__free_secret(token);
    return ok ? AWSV2_OK : awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
}

/* The options after '?'; values point into q, which is cut at each '&'. */
struct options {
    const char *token_file, *unix_socket, *timeout_ms, *ca_bundle;
};

static awsv2_status parse_options(const char *spec, char *q, struct options *o,
                                  awsv2_error *err)
{
    for (char *opt = q; opt && *opt;) {
        char *amp = strchr(opt, '&'), *eq = strchr(opt, '=');
        if (amp)
            *amp = '\0';
        if (eq && strncmp(opt, "token_file=", 11) == 0)
            o->token_file = eq + 1;
        else if (eq && strncmp(opt, "unix_socket=", 12) == 0)
            o->unix_socket = eq + 1;
        else if (eq && strncmp(opt, "timeout_ms=", 11) == 0)
            o->timeout_ms = opt;
        else if (eq && strncmp(opt, "ca_bundle=", 10) == 0)
            o->ca_bundle = eq + 1;
        else
            return awsv2__fail(err, AWSV2_E_SPEC,
                               "signer spec '%s': unknown option '%s' (token_file, "
                               "unix_socket, timeout_ms, ca_bundle)",
                               spec, opt);
        opt = amp ? amp + 1 : NULL;
    }
    return AWSV2_OK;
}

static const char sign_path[] = "/sign/aws";

/* route beside the daemon's /sign/aws in url (n bytes, ending so): malloc'd. */
static char *beside(const char *url, size_t n, const char *route)
{
    size_t base = n - (sizeof sign_path - 1), cap = base + strlen(route) + 1;
    char *s = malloc(cap);
    if (s)
        snprintf(s, cap, "%.*s%s", (int)base, url, route);
    return s;
}

/* Splits spec into URL and options; derives the /keys and /healthz URLs. */
static awsv2_status parse_spec(struct http_signer *h, const char *spec, struct options *o,
                               char **query, awsv2_error *err)
{
    static const char *const timeout_opt[] = {"timeout_ms", NULL};
    unsigned long timeout = DEFAULT_TIMEOUT_MS;
    awsv2_status st;

    h->sign_url = awsv2__strdup(spec);
    if (!h->sign_url)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    char *q = strchr(h->sign_url, '?');
    if (q) {
        *q++ = '\0';
        *query = awsv2__strdup(q);
        if (!*query)
            return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
        if ((st = parse_options(spec, *query, o, err)))
            return st;
    }
    if (o->timeout_ms &&
        (st = awsv2__spec_options(spec, o->timeout_ms, timeout_opt, &timeout, err)))
        return st;
    h->timeout_ms = timeout > 0 && timeout < 3600000 ? (long)timeout : DEFAULT_TIMEOUT_MS;
    size_t n = strlen(h->sign_url), sn = sizeof sign_path - 1;
    if (n > sn && strcmp(h->sign_url + n - sn, sign_path) == 0) {
        h->sign4_url = beside(h->sign_url, n, "/sign/aws4");
        h->keys_url = beside(h->sign_url, n, "/keys");
        h->health_url = beside(h->sign_url, n, "/healthz");
        if (!h->sign4_url || !h->keys_url || !h->health_url)
            return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    } else if (n > 6 && strcmp(h->sign_url + n - 6, "/admin") == 0) {
        h->admin_url = awsv2__strdup(h->sign_url);
        h->keys_url = malloc(n + sizeof "/keys");
        if (h->keys_url)
            snprintf(h->keys_url, n + sizeof "/keys", "%s/keys", h->sign_url);
        if (!h->admin_url || !h->keys_url)
            return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    }
    return AWSV2_OK;
}

/* Checks that libcurl can parse the URL (host present, no junk). */
static awsv2_status check_url(const char *spec, const char *url, awsv2_error *err)
{
    CURLU *u = curl_url();
    char *host = NULL;
    CURLUcode rc = u ? curl_url_set(u, CURLUPART_URL, url, 0) : CURLUE_OUT_OF_MEMORY;

    if (rc == CURLUE_OK)
        rc = curl_url_get(u, CURLUPART_HOST, &host, 0);
    curl_free(host);
    curl_url_cleanup(u);
    if (rc != CURLUE_OK)
        return awsv2__fail(err, AWSV2_E_SPEC, "signer spec '%s': not a URL (%s)", spec,
                           rc == CURLUE_OUT_OF_MEMORY ? "out of memory" : "no host");
    return AWSV2_OK;
}

static awsv2_status setup(struct http_signer *h, const char *spec, awsv2_error *err)
{
    struct options o = {0};
    char *query = NULL;
    awsv2_status st = parse_spec(h, spec, &o, &query, err);

    if (!st)
        st = check_url(spec, h->sign_url, err);
    if (!st && o.unix_socket && !(h->unix_socket = awsv2__strdup(o.unix_socket)))
        st = awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    const char *ca = awsv2__curl_ca_bundle(o.ca_bundle);
    if (!st && ca && !(h->ca_bundle = awsv2__strdup(ca)))
        st = awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    if (!st)
        st = make_headers(h, spec, o.token_file, err);
    if (!st) {
        size_t n = strlen(h->sign_url) + 6 + (h->unix_socket ? strlen(h->unix_socket) : 0);
        if (!(h->description = malloc(n)))
            st = awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
        else
            snprintf(h->description, n, "%s%s%s", h->sign_url, h->unix_socket ? " via " : "",
                     h->unix_socket ? h->unix_socket : "");
    }
    free(query);
    return st;
}

awsv2_status awsv2__http_open(awsv2_signer **out, const char *spec, const char *rest,
                              const awsv2_credentials *creds, awsv2_error *err)
{
    struct http_signer *h;
    awsv2_status st;

    (void)rest;
    (void)creds; /* the daemon holds the keys */
    if ((st = awsv2__curl_init(err)))
        return st;
    h = calloc(1, sizeof *h);
    if (!h)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    pthread_mutex_init(&h->lock, NULL);
    st = setup(h, spec, err);
    if (!st)
        st = awsv2_signer_new(out, &http_ops, h, h->description, err);
    if (st)
        http_close(h);
    return st;
}
