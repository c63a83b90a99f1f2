/* The http: and https: backends: a client of one or several signing
 * daemons (awsv2-hsmd, or the original hsmd.py) on libcurl.
 *
 * Spec: http[s]://HOST[:PORT]/PATH[?OPTIONS], options separated by '&':
 *   token_file=PATH   send "Authorization: Bearer <first line of PATH>"
 *                     (else the AWSV2_HSMD_TOKEN environment variable, if set)
 *   unix_socket=PATH  connect to a Unix socket (awsv2-hsmd --listen unix:PATH)
 *   timeout_ms=N      bounds each call, failover and batching included (30000)
 *   ca_bundle=PATH    https: verify the daemon with the CAs of this PEM file
 *                     (else AWS_CA_BUNDLE, else the system's); the peer is
 *                     always verified
 *   url=URL           another daemon to fail over to (repeatable, up to 7)
 *   failures=N        consecutive failures that open a daemon's circuit (3)
 *   cooldown_ms=N     how long an open circuit waits for a probe (5000)
 *   batch=N           at most N strings in one POST /sign/batch (32; 1: none)
 *   inflight=N        at most N requests of combined strings at once (3)
 * Option values are taken literally (no percent-decoding). The options are
 * every daemon's (docs/signers.md: "Several daemons").
 *
 * Threads and connection reuse: libcurl's one rule is that an easy handle
 * is used by one thread at a time. The signer keeps a pool of idle
 * connections (an easy handle and a reply buffer) under a mutex; a signing
 * thread takes one (or makes one when none is idle), performs its request
 * and puts it back. An easy handle keeps its connections alive between
 * transfers (one per daemon it has talked to), so a thread that signs
 * again gets a warm keep-alive connection. At most POOL_MAX are kept; more
 * concurrent callers get a fresh one that is closed after use.
 *
 * Batching: the cost of a signature through a daemon is mostly HTTP (a
 * request, a reply, a wake-up on each side), not the HMAC. Threads that
 * sign at once are therefore combined: at most `inflight` requests are in
 * flight from one signer, and whatever queued meanwhile goes out as one
 * POST /sign/batch (one string alone still goes to /sign/aws). A string
 * waits for the others of its batch, so with a slow device (a real Due)
 * batching costs latency that buys nothing: more in flight, or batch=1. A lone
 * caller never waits for company: it finds no request in flight and sends
 * at once. A daemon without /sign/batch (404: hsmd.py, an older
 * awsv2-hsmd) is sent each string alone from then on.
 *
 * Failover: every call goes to the daemons in their listed order, skipping
 * those whose circuit is open, and the next is tried when one fails as a
 * transport (no connection, a timeout, TLS) or answers 502, 503 or 504;
 * any other answer, a refusal included, is the answer. A daemon's circuit
 * opens after `failures` such failures in a row and, `cooldown_ms` later,
 * lets one call through (half-open) whose outcome closes or re-opens it.
 * When every circuit is open, the one that opened first is tried anyway: a
 * call never fails without asking a daemon. Sending a string again to
 * another daemon is safe: an HMAC is a function of the string and the key,
 * so a second device can only give the same signature.
 *
 * A daemon that cannot be reached is AWSV2_E_DEVICE: it is the signer's
 * device that is unavailable (exit status 3, a signer error), not the AWS
 * service (AWSV2_E_NETWORK, exit 4). A timeout is AWSV2_E_TIMEOUT, a TLS
 * failure AWSV2_E_TLS (the mapping is curl_common.h's, shared with the
 * client). Replies are read by http_reply.c.
 *
 * The daemon's other routes are found beside its /sign/aws: /sign/aws4
 * (awsv2_signer_sign4: a JSON body, docs/daemon-api.md), /sign/batch,
 * /keys (awsv2_signer_key_ids) and /healthz (awsv2_signer_ping). A URL
 * ending in /admin is the daemon's admin listener instead (awsv2-hsmd
 * --admin-listen): /admin/keys and the rest serve key_ids, key_put,
 * key_delete, lock and key_policy, and signing there is refused by the
 * daemon (404). */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "curl_common.h"
#include "http_reply.h"
#include "signer_impl.h"

#define POOL_MAX 64
#define REPLY_MAX 16384 /* a daemon's replies are ~100 bytes; /keys of 8 ids < 2 KiB */
#define DEFAULT_TIMEOUT_MS 30000L
#define CONNECT_TIMEOUT_MS 5000L
#define DAEMONS_MAX 8
#define DEFAULT_FAILURES 3
#define DEFAULT_COOLDOWN_MS 5000L
#define BATCH_MAX 32   /* the daemon's limit (docs/daemon-api.md) */
#define SENDERS_MAX 3 /* default inflight: requests of combined strings in flight at once */
#define BATCH_BODY_MAX 16384

/* One daemon, with its circuit breaker (under the signer's lock). */
struct daemon {
    char *sign_url;   /* the URL without the spec's options */
    char *sign4_url;  /* .../sign/aws4 beside .../sign/aws, or NULL */
    char *batch_url;  /* .../sign/batch beside it, or NULL */
    char *keys_url;   /* .../keys beside it, or NULL */
    char *health_url; /* .../healthz beside it, or NULL */
    unsigned failures; /* in a row */
    double open_since; /* > 0: the circuit is open, since then (monotonic seconds) */
    bool probing;      /* half-open: one call is trying it */
    bool no_batch;     /* it answered /sign/batch 404 */
};

/* A thread waiting in http_sign for its string to be sent in a batch. */
struct waiter {
    awsv2_sign_job *job;
    awsv2_error *err;
    double deadline; /* its call's end: timeout_ms after it began */
    bool done;
    pthread_cond_t wake;
    struct waiter *next;
};

struct http_signer {
    struct daemon daemons[DAEMONS_MAX];
    size_t n_daemons;
    char *admin_url;            /* a spec ending in /admin: the admin listener's, or NULL */
    char *unix_socket;          /* or NULL */
    char *ca_bundle;            /* or NULL: the system's CAs */
    char *token_source;         /* "token_file=PATH", "AWSV2_HSMD_TOKEN", or NULL: none sent */
    long timeout_ms;
    unsigned max_failures;
    long cooldown_ms;
    size_t batch_max;           /* 1: never batch */
    unsigned inflight_max;      /* requests of queued strings in flight at once */
    struct curl_slist *headers; /* may hold the token: wiped on close */
    struct curl_slist *json_headers; /* the same for a JSON body */
    char *description;          /* no token */
    pthread_mutex_t lock;
    struct conn *idle[POOL_MAX];
    size_t n_idle;
    struct waiter *queue, *queue_tail; /* strings waiting to be sent, oldest first */
    unsigned senders;                  /* requests of queued strings in flight */
};

/* An easy handle and the body of its last reply (at most REPLY_MAX). */
struct conn {
    CURL *curl;
    size_t len;
    char data[REPLY_MAX];
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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

/* Puts prefix before err's message, keeping its status, code and HTTP
 * status. */
static void reword(awsv2_error *err, const char *fmt, ...)
{
    char before[AWSV2_ERROR_MESSAGE_MAX], prefix[AWSV2_ERROR_MESSAGE_MAX];
    va_list ap;

    if (!err || !AWSV2__ERROR_HAS(err, message))
        return;
    snprintf(before, sizeof before, "%s", err->message);
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    size_t n = strlen(prefix), cap = sizeof err->message;
    n = n < cap - 1 ? n : cap - 1;
    memcpy(err->message, prefix, n);
    snprintf(err->message + n, cap - n, "%.*s", (int)(cap - n - 1), before);
}

static awsv2_status transfer_failed(const struct http_signer *h, const char *url, CURL *e,
                                    CURLcode rc, long timeout_ms, awsv2_error *err)
{
    awsv2_status st = awsv2__curl_status(rc, AWSV2__CURL_SIGNER);

    if (st == AWSV2_E_TLS)
        return awsv2__fail(err, st, "signing daemon %s: TLS: %s", url,
                           awsv2__curl_tls_advice(e, rc));
    if (st == AWSV2_E_TIMEOUT)
        return awsv2__fail(err, st,
                           "signing daemon %s: no answer within %ld ms (the spec's timeout_ms=, "
                           "default %ld, bounds each signing call)",
                           url, timeout_ms, DEFAULT_TIMEOUT_MS);
    (void)h;
    /* CURLE_WRITE_ERROR: on_data refused a reply over REPLY_MAX */
    return awsv2__fail(err, st, "signing daemon %s: %s", url,
                       rc == CURLE_WRITE_ERROR ? "reply too large" : curl_easy_strerror(rc));
}

/* Performs one request on a pooled connection within timeout_ms: POST
 * body (len bytes) to url, or GET url when body is NULL; a JSON body when
 * json. On success the caller reads the reply in *out and gives it back. */
static awsv2_status perform_method(struct http_signer *h, const char *method, const char *url,
                                   const char *body, size_t len, bool json, long timeout_ms,
                                   struct conn **out, long *status, awsv2_error *err)
{
    struct conn *c = take_conn(h);
    CURLcode rc;

    if (!c)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    c->len = 0;
    curl_easy_setopt(c->curl, CURLOPT_URL, url);
    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS,
                     timeout_ms < CONNECT_TIMEOUT_MS ? timeout_ms : CONNECT_TIMEOUT_MS);
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
        awsv2_status st = transfer_failed(h, url, c->curl, rc, timeout_ms, err);
        give_back(h, c);
        return st;
    }
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
    *out = c;
    return AWSV2_OK;
}

/* ---- the circuit breakers ------------------------------------------------- */

/* Whether an HTTP status says the daemon (or its device) cannot serve now,
 * so that another may: not an answer about the request. */
static bool unavailable_status(long status)
{
    return status == 502 || status == 503 || status == 504;
}

/* Whether a transfer's failure is the daemon's, worth another daemon. */
static bool transport_failure(awsv2_status st)
{
    return st == AWSV2_E_DEVICE || st == AWSV2_E_TIMEOUT || st == AWSV2_E_TLS ||
           st == AWSV2_E_PROTOCOL;
}

/* The daemons to try for one call, into order[] (count returned): in
 * listed order those whose circuit is closed, and those open for
 * cooldown_ms already that no other call is probing (this call probes
 * them: probe[k]). With none, the open one that opened first. */
static size_t plan(struct http_signer *h, size_t *order, bool *probe)
{
    size_t n = 0, oldest = 0;
    double t = now();

    pthread_mutex_lock(&h->lock);
    for (size_t i = 0; i < h->n_daemons; i++) {
        struct daemon *d = &h->daemons[i];
        if (d->open_since == 0) {
            probe[n] = false;
            order[n++] = i;
        } else if (!d->probing && t - d->open_since >= (double)h->cooldown_ms / 1e3) {
            d->probing = true;
            probe[n] = true;
            order[n++] = i;
        }
        if (d->open_since < h->daemons[oldest].open_since)
            oldest = i;
    }
    if (n == 0) {
        probe[0] = false;
        order[n++] = oldest;
    }
    pthread_mutex_unlock(&h->lock);
    return n;
}

/* The outcome of a call's request to d: ok, or a failure that counts. */
static void breaker(struct http_signer *h, struct daemon *d, bool ok)
{
    pthread_mutex_lock(&h->lock);
    if (ok) {
        d->failures = 0;
        d->open_since = 0;
    } else if (++d->failures >= h->max_failures || d->probing || d->open_since > 0) {
        d->open_since = now(); /* opens, or stays open for another cool-down */
    }
    d->probing = false;
    pthread_mutex_unlock(&h->lock);
}

/* Releases the probes a call planned but did not make. */
static void unplan(struct http_signer *h, const size_t *order, const bool *probe, size_t from,
                   size_t n)
{
    pthread_mutex_lock(&h->lock);
    for (size_t k = from; k < n; k++)
        if (probe[k])
            h->daemons[order[k]].probing = false;
    pthread_mutex_unlock(&h->lock);
}

/* Milliseconds left until deadline (monotonic seconds), at least 0. */
static long ms_left(double deadline)
{
    double left = (deadline - now()) * 1e3;
    return left > 0 ? (long)left + 1 : 0;
}

/* A call's failure after the whole time: every daemon tried in it was slow. */
static awsv2_status out_of_time(const struct http_signer *h, awsv2_error *err)
{
    return awsv2__fail(err, AWSV2_E_TIMEOUT,
                       "signing daemon %s: no answer within %ld ms (the spec's timeout_ms=, "
                       "default %ld, bounds each signing call)",
                       h->daemons[0].sign_url, h->timeout_ms, DEFAULT_TIMEOUT_MS);
}

/* A refused token says where the token came from, or that none was sent. */
static void token_advice(const struct http_signer *h, awsv2_error *err)
{
    if (!err || !AWSV2__ERROR_HAS(err, code) || strcmp(err->code, "invalid-token") != 0)
        return;
    if (h->token_source)
        reword(err, "the token of %s was refused: ", h->token_source);
    else
        reword(err, "the daemon wants a bearer token (set AWSV2_HSMD_TOKEN, or add "
                    "token_file=PATH to the spec): ");
}

enum route { ROUTE_SIGN, ROUTE_SIGN4, ROUTE_KEYS, ROUTE_HEALTH };
static const char *const route_name[] = {"/sign/aws", "/sign/aws4", "/keys", "/healthz"};

static const char *route_url(const struct daemon *d, enum route route)
{
    switch (route) {
    case ROUTE_SIGN: return d->sign_url;
    case ROUTE_SIGN4: return d->sign4_url;
    case ROUTE_KEYS: return d->keys_url;
    case ROUTE_HEALTH: return d->health_url;
    }
    return NULL;
}

/* A URL not ending in /sign/aws has no other route beside it. */
static awsv2_status no_route(const struct http_signer *h, const char *route, awsv2_error *err)
{
    return awsv2__fail(err, AWSV2_E_UNAVAILABLE,
                       "signing daemon %s: no %s beside a URL not ending in /sign/aws",
                       h->daemons[0].sign_url, route);
}

/* Reads a daemon's reply to a call; arg is the call's. */
typedef awsv2_status read_fn(void *arg, const char *url, long status, const struct conn *c,
                             awsv2_error *err);

/* The end of a call that begins now. */
static double call_deadline(const struct http_signer *h)
{
    return now() + (double)h->timeout_ms / 1e3;
}

/* One call: POST body (or GET) to route at the daemons in turn, until
 * deadline (monotonic seconds) in all, until one answers (anything but
 * 502, 503, 504); read reads the answer. */
static awsv2_status call(struct http_signer *h, enum route route, const char *body, size_t len,
                         bool json, read_fn *read, void *arg, double deadline, awsv2_error *err)
{
    size_t order[DAEMONS_MAX], n, k, tried = 0;
    bool probe[DAEMONS_MAX];
    awsv2_status st = AWSV2_OK;
    bool answered = false;

    n = plan(h, order, probe);
    for (k = 0; k < n; k++) {
        struct daemon *d = &h->daemons[order[k]];
        const char *url = route_url(d, route);
        long left = ms_left(deadline), status = 0;
        struct conn *c = NULL;

        if (!url) { /* a url= not ending in /sign/aws: only signs; a signing call probes it */
            unplan(h, order, probe, k, k + 1);
            continue;
        }
        if (left == 0) {
            st = out_of_time(h, err);
            break;
        }
        tried++;
        st = perform_method(h, NULL, url, body, len, json, left, &c, &status, err);
        if (st) {
            breaker(h, d, !transport_failure(st));
            if (transport_failure(st))
                continue;
            k++;
            answered = true; /* out of memory: no other daemon would help */
            break;
        }
        st = read(arg, url, status, c, err);
        give_back(h, c);
        breaker(h, d, !unavailable_status(status));
        if (!unavailable_status(status)) {
            k++;
            answered = true;
            break;
        }
    }
    unplan(h, order, probe, k, n);
    if (st)
        token_advice(h, err);
    if (!tried && !st) /* no daemon listed has the route */
        st = no_route(h, route_name[route], err);
    else if (st && tried > 1 && !answered)
        reword(err, "all %zu signing daemons tried failed; the last: ", tried);
    return st;
}

/* ---- signing --------------------------------------------------------------- */

static awsv2_status read_sign(void *arg, const char *url, long status, const struct conn *c,
                              awsv2_error *err)
{
    awsv2_sign_job *job = arg;
    return awsv2__http_parse_sign(status, c->data, c->len, job->hash, job->mac, &job->mac_len,
                                  url, err);
}

/* One string, alone, to /sign/aws, by deadline. */
static awsv2_status sign_one(struct http_signer *h, awsv2_sign_job *job, double deadline,
                             awsv2_error *err)
{
    awsv2_status st = call(h, ROUTE_SIGN, job->string_to_sign, job->len, false, read_sign, job,
                           deadline, err);
    job->status = st;
    return st;
}

/* The /sign/batch body: a JSON array of the n strings to sign (printable
 * ASCII and newlines, json-c escaping them); malloc'd, or NULL when out of
 * memory or over BATCH_BODY_MAX (the daemon's limit). */
static char *batch_body(awsv2_sign_job *const *jobs, size_t n, size_t *len)
{
    json_object *a = json_object_new_array_ext((int)n);
    char *body = NULL;
    bool ok = a != NULL;

    for (size_t i = 0; ok && i < n; i++) {
        json_object *s = json_object_new_string_len(jobs[i]->string_to_sign, (int)jobs[i]->len);
        ok = s && json_object_array_add(a, s) == 0;
        if (!ok)
            json_object_put(s);
    }
    size_t m = 0;
    const char *text = ok ? json_object_to_json_string_length(
                                a, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &m)
                          : NULL;
    if (text && m <= BATCH_BODY_MAX && (body = malloc(m + 1))) {
        memcpy(body, text, m + 1);
        *len = m;
    }
    json_object_put(a);
    return body;
}

/* Signs jobs[0..n) (1 < n <= BATCH_MAX, each with its own err, entries
 * may be NULL) in one POST /sign/batch per daemon tried: the strings a
 * daemon could not serve (its 502, 503, 504, or no answer) go on to the
 * next, in one request again; the rest have their answer. A daemon
 * without /sign/batch, or strings too long to go together, are signed
 * one by one instead. Each job gets its status, all by deadline (one by
 * one included: the strings' callers wait for the last). */
static void sign_batch(struct http_signer *h, awsv2_sign_job **jobs, size_t n, awsv2_error **errs,
                       double deadline)
{
    size_t order[DAEMONS_MAX], k, m, tried = 0;
    bool probe[DAEMONS_MAX];
    long http[BATCH_MAX];
    size_t len = 0;
    char *body = NULL;

    m = plan(h, order, probe);
    for (k = 0; k < m && n > 0; k++) {
        struct daemon *d = &h->daemons[order[k]];
        long left = ms_left(deadline), status = 0;
        struct conn *c = NULL;
        awsv2_status st;

        pthread_mutex_lock(&h->lock);
        bool no_batch = d->no_batch;
        pthread_mutex_unlock(&h->lock);
        if (no_batch || !d->batch_url || (!body && !(body = batch_body(jobs, n, &len))))
            break; /* one by one, below */
        if (left == 0) {
            for (size_t i = 0; i < n; i++)
                jobs[i]->status = out_of_time(h, errs[i]);
            n = 0;
            break;
        }
        tried++;
        st = perform_method(h, NULL, d->batch_url, body, len, true, left, &c, &status, errs[0]);
        if (st) {
            breaker(h, d, !transport_failure(st));
            for (size_t i = 0; i < n; i++) {
                jobs[i]->status = st;
                if (i)
                    awsv2__error_copy(errs[i], errs[0]);
            }
            if (!transport_failure(st)) { /* out of memory: no other daemon would help */
                n = 0;
                k++;
                break;
            }
            continue;
        }
        if (status == 404) { /* hsmd.py or an older awsv2-hsmd: never again */
            give_back(h, c);
            pthread_mutex_lock(&h->lock);
            d->no_batch = true;
            pthread_mutex_unlock(&h->lock);
            break;
        }
        awsv2__http_parse_batch(status, c->data, c->len, jobs, n, http, errs, d->batch_url);
        give_back(h, c);
        /* what this daemon could not serve goes on; the rest is answered */
        size_t left_n = 0;
        bool served = false;
        for (size_t i = 0; i < n; i++) {
            if (jobs[i]->status && unavailable_status(http[i])) {
                jobs[left_n] = jobs[i];
                errs[left_n++] = errs[i];
            } else {
                served = true;
                if (jobs[i]->status)
                    token_advice(h, errs[i]);
            }
        }
        breaker(h, d, served || left_n == 0);
        if (left_n != n) {
            free(body);
            body = NULL;
        }
        n = left_n;
    }
    free(body);
    unplan(h, order, probe, k, m);
    if (k >= m && n > 0) { /* every daemon tried: the last one's answers stand */
        for (size_t i = 0; i < n; i++) {
            token_advice(h, errs[i]);
            if (tried > 1)
                reword(errs[i], "all %zu signing daemons tried failed; the last: ", tried);
        }
        return;
    }
    for (size_t i = 0; i < n; i++)
        sign_one(h, jobs[i], deadline, errs[i]);
}

/* Takes the oldest waiting strings (at most batch_max) off the queue,
 * signs them by the earliest of their deadlines (the oldest's: newer ones
 * may fail sooner than theirs, never later) and wakes their threads;
 * called and returns with h->lock held, which it releases meanwhile.
 * Since the queue is FIFO, whatever a later string waits behind ends
 * before its own deadline: no caller waits past timeout_ms. */
static void send_queued(struct http_signer *h)
{
    awsv2_sign_job *jobs[BATCH_MAX];
    awsv2_error *errs[BATCH_MAX];
    struct waiter *taken = h->queue, *w;
    size_t n = 0;
    double deadline = taken->deadline;

    for (w = h->queue; w && n < h->batch_max; w = w->next) {
        jobs[n] = w->job;
        errs[n++] = w->err;
        deadline = w->deadline < deadline ? w->deadline : deadline;
        h->queue = w->next;
    }
    if (!h->queue)
        h->queue_tail = NULL;
    h->senders++;
    if (h->queue && h->senders < h->inflight_max) /* more than a batch waits */
        pthread_cond_signal(&h->queue->wake);
    pthread_mutex_unlock(&h->lock);
    if (n == 1)
        sign_one(h, jobs[0], deadline, errs[0]);
    else
        sign_batch(h, jobs, n, errs, deadline);
    pthread_mutex_lock(&h->lock);
    h->senders--;
    for (w = taken; n-- > 0; w = w->next) {
        w->done = true;
        pthread_cond_signal(&w->wake);
    }
    if (h->queue) /* its head becomes the next sender */
        pthread_cond_signal(&h->queue->wake);
}

/* Joins the queue; sends (whatever is queued, oldest first) whenever fewer
 * than inflight requests are in flight, else waits to be sent. */
static awsv2_status http_sign(void *ctx, awsv2_sign_job *job, awsv2_error *err)
{
    struct http_signer *h = ctx;
    awsv2_error own = AWSV2_ERROR_INIT;
    struct waiter w = {.job = job, .err = err ? err : &own, .deadline = call_deadline(h)};

    if (h->batch_max <= 1)
        return sign_one(h, job, w.deadline, err);
    pthread_mutex_lock(&h->lock);
    bool batching = false;
    for (size_t i = 0; i < h->n_daemons; i++)
        batching |= !h->daemons[i].no_batch;
    if (!batching) {
        pthread_mutex_unlock(&h->lock);
        return sign_one(h, job, w.deadline, err);
    }
    pthread_cond_init(&w.wake, NULL);
    if (h->queue_tail)
        h->queue_tail->next = &w;
    else
        h->queue = &w;
    h->queue_tail = &w;
    while (!w.done) {
        if (h->senders < h->inflight_max && h->queue)
            send_queued(h);
        else
            pthread_cond_wait(&w.wake, &h->lock);
    }
    pthread_mutex_unlock(&h->lock);
    pthread_cond_destroy(&w.wake);
    return job->status;
}

/* awsv2_signer_sign_batch: BATCH_MAX strings a request. */
static awsv2_status http_sign_batch(void *ctx, awsv2_sign_job *const *jobs, size_t n,
                                    awsv2_error *err)
{
    struct http_signer *h = ctx;
    awsv2_status first = AWSV2_OK;

    for (size_t i = 0; i < n; i += h->batch_max) {
        size_t m = n - i < h->batch_max ? n - i : h->batch_max;
        awsv2_sign_job *chunk[BATCH_MAX];
        awsv2_error errors[BATCH_MAX], *errs[BATCH_MAX];
        for (size_t j = 0; j < m; j++) {
            chunk[j] = jobs[i + j];
            errors[j] = (awsv2_error)AWSV2_ERROR_INIT;
            errs[j] = &errors[j];
        }
        if (m == 1)
            sign_one(h, chunk[0], call_deadline(h), errs[0]);
        else
            sign_batch(h, chunk, m, errs, call_deadline(h));
        for (size_t j = 0; j < m; j++)
            if (jobs[i + j]->status && !first) {
                first = jobs[i + j]->status;
                awsv2__error_copy(err, &errors[j]);
            }
    }
    return first;
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

struct sign4_call {
    awsv2_sign4_job *job;
};

static awsv2_status read_sign4(void *arg, const char *url, long status, const struct conn *c,
                               awsv2_error *err)
{
    struct sign4_call *x = arg;
    return awsv2__http_parse_sign4(status, c->data, c->len, x->job->signature, url, err);
}

static awsv2_status http_sign4(void *ctx, awsv2_sign4_job *job, awsv2_error *err)
{
    struct http_signer *h = ctx;
    size_t len = 0;

    if (!h->daemons[0].sign4_url)
        return awsv2__fail(err, AWSV2_E_UNAVAILABLE,
                           "signing daemon %s: no /sign/aws4 beside a URL not ending in /sign/aws",
                           h->daemons[0].sign_url);
    /* json-c measures strings in int; the daemon takes 16 KiB anyway. */
    if (job->canonical_request_len > INT32_MAX / 2 || job->payload_len > INT32_MAX / 2)
        return awsv2__fail(err, AWSV2_E_INVALID, "signing daemon %s: request too large",
                           h->daemons[0].sign_url);
    char *body = sign4_body(job, &len);
    if (!body)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    struct sign4_call x = {job};
    awsv2_status st =
        call(h, ROUTE_SIGN4, body, len, true, read_sign4, &x, call_deadline(h), err);
    free(body);
    if (st)
        memset(job->signature, 0, sizeof job->signature); /* never half a signature */
    return st;
}

struct keys_call {
    char *buf;
    size_t cap;
};

static awsv2_status read_keys(void *arg, const char *url, long status, const struct conn *c,
                              awsv2_error *err)
{
    struct keys_call *x = arg;
    return awsv2__http_parse_keys(status, c->data, c->len, x->buf, x->cap, url, err);
}

/* Without /keys the caller cannot learn the key id from the daemon: a
 * wrong URL is the likelier mistake (the one awsv2-hsmd prints ends in
 * /sign/aws), so that is said, not "no key id". */
static awsv2_status http_key_ids(void *ctx, char *buf, size_t cap, awsv2_error *err)
{
    struct http_signer *h = ctx;
    struct keys_call x = {buf, cap};

    if (h->admin_url) {
        struct conn *c = NULL;
        long status = 0;
        awsv2_status st = perform_method(h, NULL, h->daemons[0].keys_url, NULL, 0, false,
                                         h->timeout_ms, &c, &status, err);
        if (st == AWSV2_OK) {
            st = read_keys(&x, h->admin_url, status, c, err);
            give_back(h, c);
        }
        return st;
    }
    if (!h->daemons[0].keys_url)
        return awsv2__fail(err, AWSV2_E_SPEC,
                           "signing daemon %s: the URL does not end in /sign/aws, so there is no "
                           "/keys beside it to learn the access key id from: give the URL "
                           "awsv2-hsmd prints when it starts, or the key id (--access-key-id)",
                           h->daemons[0].sign_url);
    return call(h, ROUTE_KEYS, NULL, 0, false, read_keys, &x, call_deadline(h), err);
}

static awsv2_status read_health(void *arg, const char *url, long status, const struct conn *c,
                                awsv2_error *err)
{
    (void)arg;
    return awsv2__http_parse_health(status, c->data, c->len, url, err);
}

/* Healthy when a daemon is: the signer can sign through it. */
static awsv2_status http_ping(void *ctx, awsv2_error *err)
{
    struct http_signer *h = ctx;

    if (!h->daemons[0].health_url)
        return no_route(h, "/healthz", err);
    return call(h, ROUTE_HEALTH, NULL, 0, false, read_health, NULL, call_deadline(h), err);
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
    st = perform_method(h, method, url, body, len, body != NULL, h->timeout_ms, &c, &status,
                        err);
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
                       h->daemons[0].sign_url);
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
    for (size_t i = 0; i < DAEMONS_MAX; i++) {
        struct daemon *d = &h->daemons[i];
        free(d->sign_url);
        free(d->sign4_url);
        free(d->batch_url);
        free(d->keys_url);
        free(d->health_url);
    }
    free(h->admin_url);
    free(h->unix_socket);
    free(h->ca_bundle);
    free(h->token_source);
    free(h->description);
    free(h);
}

static const awsv2_signer_ops http_ops = {
    .size = sizeof http_ops,
    .sign = http_sign,
    .sign_batch = http_sign_batch,
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
    /* token is wiped and freed below; whether there was one is kept */
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
    if (ok && token_file) {
        size_t n = strlen(token_file) + sizeof "token_file=";
        if ((h->token_source = malloc(n)))
            snprintf(h->token_source, n, "token_file=%s", token_file);
        ok = h->token_source != NULL;
    } else if (ok && token) {
        ok = (h->token_source = awsv2__strdup("$AWSV2_HSMD_TOKEN")) != NULL;
    }
    return ok ? AWSV2_OK : awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
}

/* The options after '?'; values point into q, which is cut at each '&'. */
struct options {
    const char *token_file, *unix_socket, *ca_bundle;
    const char *urls[DAEMONS_MAX - 1]; /* url=, in order */
    size_t n_urls;
    /* timeout_ms, failures, cooldown_ms, batch, inflight */
    unsigned long numbers[5];
};

static const char *const number_names[] = {"timeout_ms", "failures", "cooldown_ms", "batch",
                                           "inflight", NULL};

static bool is_number_option(const char *name, size_t n)
{
    for (size_t i = 0; number_names[i]; i++)
        if (strlen(number_names[i]) == n && strncmp(name, number_names[i], n) == 0)
            return true;
    return false;
}

static awsv2_status parse_options(const char *spec, char *q, struct options *o,
                                  awsv2_error *err)
{
    for (char *opt = q; opt && *opt;) {
        char *amp = strchr(opt, '&'), *eq = strchr(opt, '=');
        awsv2_status st;
        if (amp)
            *amp = '\0';
        if (eq && strncmp(opt, "token_file=", 11) == 0)
            o->token_file = eq + 1;
        else if (eq && strncmp(opt, "unix_socket=", 12) == 0)
            o->unix_socket = eq + 1;
        else if (eq && strncmp(opt, "ca_bundle=", 10) == 0)
            o->ca_bundle = eq + 1;
        else if (eq && strncmp(opt, "url=", 4) == 0) {
            if (o->n_urls == DAEMONS_MAX - 1)
                return awsv2__fail(err, AWSV2_E_SPEC, "signer spec '%s': more than %d daemons",
                                   spec, DAEMONS_MAX);
            o->urls[o->n_urls++] = eq + 1;
        } else if (eq && is_number_option(opt, (size_t)(eq - opt))) {
            if ((st = awsv2__spec_options(spec, opt, number_names, o->numbers, err)))
                return st;
        } else
            return awsv2__fail(err, AWSV2_E_SPEC,
                               "signer spec '%s': unknown option '%s' (token_file, "
                               "unix_socket, timeout_ms, ca_bundle, url, failures, "
                               "cooldown_ms, batch, inflight)",
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

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

/* A URL whose path is surely not where a daemon signs: none at all, or
 * one of its other routes. Said at open, before anyone wonders why no key
 * id could be found. Any other path is taken (a proxy may map one). */
static awsv2_status check_path(const char *spec, const char *url, const char *path,
                               awsv2_error *err)
{
    static const char *const others[] = {"/sign/aws4", "/sign/batch", "/keys", "/healthz",
                                         "/metrics", "/audit", "/sign/aws/"};
    if (!path[0] || strcmp(path, "/") == 0)
        return awsv2__fail(err, AWSV2_E_SPEC,
                           "signer spec '%s': %s has no path: the daemon signs at "
                           "/sign/aws (give the URL awsv2-hsmd prints when it starts)",
                           spec, url);
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        if (ends_with(path, others[i]))
            return awsv2__fail(err, AWSV2_E_SPEC,
                               "signer spec '%s': %s ends in %s, not /sign/aws (give the URL "
                               "awsv2-hsmd prints when it starts)",
                               spec, url, others[i]);
    return AWSV2_OK;
}

/* Checks that libcurl can parse the URL (host present, no junk) and that
 * its path may be a daemon's. */
static awsv2_status check_url(const char *spec, const char *url, bool admin, awsv2_error *err)
{
    CURLU *u = curl_url();
    char *host = NULL, *path = NULL;
    CURLUcode rc = u ? curl_url_set(u, CURLUPART_URL, url, 0) : CURLUE_OUT_OF_MEMORY;
    awsv2_status st = AWSV2_OK;

    if (rc == CURLUE_OK)
        rc = curl_url_get(u, CURLUPART_HOST, &host, 0);
    if (rc == CURLUE_OK)
        rc = curl_url_get(u, CURLUPART_PATH, &path, 0);
    if (rc != CURLUE_OK)
        st = awsv2__fail(err, AWSV2_E_SPEC, "signer spec '%s': not a URL (%s)", spec,
                         rc == CURLUE_OUT_OF_MEMORY ? "out of memory" : "no host");
    else if (!admin)
        st = check_path(spec, url, path, err);
    curl_free(host);
    curl_free(path);
    curl_url_cleanup(u);
    return st;
}

/* d's URLs from url (its own copy). */
static awsv2_status add_daemon(struct http_signer *h, const char *spec, const char *url,
                               awsv2_error *err)
{
    struct daemon *d = &h->daemons[h->n_daemons++];
    size_t n = strlen(url);

    if (strchr(url, '?'))
        return awsv2__fail(err, AWSV2_E_SPEC, "signer spec '%s': url=%s has options: the "
                           "spec's options are every daemon's", spec, url);
    if (!(d->sign_url = awsv2__strdup(url)))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    if (ends_with(url, sign_path)) {
        d->sign4_url = beside(url, n, "/sign/aws4");
        d->batch_url = beside(url, n, "/sign/batch");
        d->keys_url = beside(url, n, "/keys");
        d->health_url = beside(url, n, "/healthz");
        if (!d->sign4_url || !d->batch_url || !d->keys_url || !d->health_url)
            return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    }
    return check_url(spec, url, false, err);
}

/* Splits spec into URLs and options; derives each daemon's other routes. */
static awsv2_status parse_spec(struct http_signer *h, const char *spec, struct options *o,
                               char **url, awsv2_error *err)
{
    awsv2_status st;

    o->numbers[0] = DEFAULT_TIMEOUT_MS;
    o->numbers[1] = DEFAULT_FAILURES;
    o->numbers[2] = DEFAULT_COOLDOWN_MS;
    o->numbers[3] = BATCH_MAX;
    o->numbers[4] = SENDERS_MAX;
    if (!(*url = awsv2__strdup(spec)))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    char *q = strchr(*url, '?');
    if (q) {
        *q++ = '\0';
        if ((st = parse_options(spec, q, o, err)))
            return st;
    }
    unsigned long *v = o->numbers;
    h->timeout_ms = v[0] > 0 && v[0] < 3600000 ? (long)v[0] : DEFAULT_TIMEOUT_MS;
    h->max_failures = v[1] > 0 && v[1] < 1000 ? (unsigned)v[1] : DEFAULT_FAILURES;
    h->cooldown_ms = v[2] < 3600000 ? (long)v[2] : DEFAULT_COOLDOWN_MS;
    h->batch_max = v[3] > 0 && v[3] <= BATCH_MAX ? v[3] : BATCH_MAX;
    h->inflight_max = v[4] > 0 && v[4] <= POOL_MAX ? (unsigned)v[4] : SENDERS_MAX;
    if (ends_with(*url, "/admin")) {
        if (o->n_urls)
            return awsv2__fail(err, AWSV2_E_SPEC, "signer spec '%s': keys are managed one "
                               "daemon at a time (no url= with /admin)", spec);
        size_t n = strlen(*url) + sizeof "/keys";
        h->n_daemons = 1;
        h->admin_url = awsv2__strdup(*url);
        h->daemons[0].sign_url = awsv2__strdup(*url);
        h->daemons[0].keys_url = malloc(n);
        if (h->daemons[0].keys_url)
            snprintf(h->daemons[0].keys_url, n, "%s/keys", *url);
        if (!h->admin_url || !h->daemons[0].sign_url || !h->daemons[0].keys_url)
            return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
        return check_url(spec, *url, true, err);
    }
    if ((st = add_daemon(h, spec, *url, err)))
        return st;
    for (size_t i = 0; i < o->n_urls; i++)
        if ((st = add_daemon(h, spec, o->urls[i], err)))
            return st;
    return AWSV2_OK;
}

/* "URL[ via SOCKET]", and " or URL" for each other daemon. */
static awsv2_status describe(struct http_signer *h, awsv2_error *err)
{
    size_t n = 8 + (h->unix_socket ? strlen(h->unix_socket) : 0), used = 0;

    for (size_t i = 0; i < h->n_daemons; i++)
        n += strlen(h->daemons[i].sign_url) + 4;
    if (!(h->description = malloc(n)))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    for (size_t i = 0; i < h->n_daemons; i++)
        used += (size_t)snprintf(h->description + used, n - used, "%s%s", i ? " or " : "",
                                 h->daemons[i].sign_url);
    if (h->unix_socket)
        snprintf(h->description + used, n - used, " via %s", h->unix_socket);
    return AWSV2_OK;
}

static awsv2_status setup(struct http_signer *h, const char *spec, awsv2_error *err)
{
    struct options o = {0};
    char *url = NULL;
    awsv2_status st = parse_spec(h, spec, &o, &url, err);

    if (!st && o.unix_socket && !(h->unix_socket = awsv2__strdup(o.unix_socket)))
        st = awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    const char *ca = awsv2__curl_ca_bundle(o.ca_bundle);
    if (!st && ca && !(h->ca_bundle = awsv2__strdup(ca)))
        st = awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    if (!st)
        st = make_headers(h, spec, o.token_file, err);
    if (!st)
        st = describe(h, err);
    free(url);
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
