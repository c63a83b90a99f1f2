/* The HTTP transport of a client on libcurl (see transport.h). */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "curl_common.h"
#include "internal.h"
#include "transport.h"

struct awsv2__transport {
    CURL *curl;
    struct curl_slist *form_headers;
    size_t max_response_bytes;
    char errbuf[CURL_ERROR_SIZE];
    /* Per exchange: where the body goes and why the write callback stopped. */
    awsv2__buf *resp;
    bool too_large;
    bool nomem;
    bool timed_out;
    time_t date; /* the reply's Date header; 0: none */
};

/* Keeps the reply's Date (for clock-skew correction). */
static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
    awsv2__transport *t = ud;
    size_t len = size * n;
    if (len > 5 && len < 128 && strncasecmp(data, "Date:", 5) == 0) {
        char value[128];
        memcpy(value, data + 5, len - 5);
        value[len - 5] = '\0';
        time_t d = curl_getdate(value, NULL);
        t->date = d > 0 ? d : 0;
    }
    return len;
}

bool awsv2__transport_timed_out(const awsv2__transport *t)
{
    return t->timed_out;
}

time_t awsv2__transport_date(const awsv2__transport *t)
{
    return t->date;
}

/* Enforces the size limit while receiving, so a huge reply is cut off
 * after max_response_bytes rather than buffered whole. */
static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
    awsv2__transport *t = ud;
    size_t len = size * n;
    if (len > t->max_response_bytes - t->resp->len) {
        t->too_large = true;
        return 0;
    }
    if (awsv2__buf_append(t->resp, data, len)) {
        t->nomem = true;
        return 0;
    }
    return len;
}

#define SETOPT(opt, val)                                                   \
    do {                                                                   \
        if (curl_easy_setopt(t->curl, opt, val) != CURLE_OK)               \
            return awsv2__fail(err, AWSV2_E_UNAVAILABLE,                   \
                               "libcurl does not support " #opt);          \
    } while (0)

static awsv2_status configure(awsv2__transport *t, const struct awsv2__transport_options *o,
                              awsv2_error *err)
{
    SETOPT(CURLOPT_NOSIGNAL, 1L); /* no SIGALRM timeouts: threads may share the process */
#if LIBCURL_VERSION_NUM >= 0x075500
    SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
#else
    SETOPT(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    SETOPT(CURLOPT_FOLLOWLOCATION, 0L); /* a redirect would carry the signature elsewhere */
    SETOPT(CURLOPT_SSL_VERIFYPEER, 1L);
    SETOPT(CURLOPT_SSL_VERIFYHOST, 2L);
    if (o->ca_bundle)
        SETOPT(CURLOPT_CAINFO, o->ca_bundle);
    SETOPT(CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
    SETOPT(CURLOPT_TIMEOUT_MS, o->timeout_ms);
    SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_response_bytes);
    SETOPT(CURLOPT_USERAGENT, "libawsv2/" PACKAGE_VERSION);
    SETOPT(CURLOPT_ERRORBUFFER, t->errbuf);
    SETOPT(CURLOPT_WRITEFUNCTION, on_body);
    SETOPT(CURLOPT_WRITEDATA, t);
    SETOPT(CURLOPT_HEADERFUNCTION, on_header);
    SETOPT(CURLOPT_HEADERDATA, t);
    return AWSV2_OK;
}

awsv2_status awsv2__transport_new(awsv2__transport **out,
                                  const struct awsv2__transport_options *options,
                                  awsv2_error *err)
{
    *out = NULL;
    awsv2_status st = awsv2__curl_init(err);
    if (st)
        return st;
    awsv2__transport *t = calloc(1, sizeof *t);
    if (!t)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    t->max_response_bytes = options->max_response_bytes;
    t->curl = curl_easy_init();
    /* "Expect:" stops libcurl waiting for 100-continue before large bodies. */
    struct curl_slist *h = curl_slist_append(
        NULL, "Content-Type: application/x-www-form-urlencoded; charset=utf-8");
    if (h)
        t->form_headers = curl_slist_append(h, "Expect:");
    if (!t->curl || !t->form_headers) {
        if (!t->form_headers)
            curl_slist_free_all(h);
        awsv2__transport_free(t);
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    }
    st = configure(t, options, err);
    if (st) {
        awsv2__transport_free(t);
        return st;
    }
    *out = t;
    return AWSV2_OK;
}

void awsv2__transport_free(awsv2__transport *t)
{
    if (!t)
        return;
    if (t->curl)
        curl_easy_cleanup(t->curl);
    curl_slist_free_all(t->form_headers);
    free(t);
}

/* Turns a failed exchange into a status and a message naming the host. */
static awsv2_status curl_failure(awsv2__transport *t, CURLcode rc, const char *host,
                                 awsv2_error *err)
{
    const char *why = t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc);
    if (t->nomem)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory receiving from %s", host);
    awsv2_status st = awsv2__curl_status(rc, AWSV2__CURL_SERVICE);
    if (t->too_large || st == AWSV2_E_RESPONSE)
        return awsv2__fail(err, AWSV2_E_RESPONSE,
                           "the response from %s is larger than the limit of %zu bytes", host,
                           t->max_response_bytes);
    if (rc == CURLE_OPERATION_TIMEDOUT)
        return awsv2__fail(err, st, "%s: timed out: %s", host, why);
    if (st == AWSV2_E_TLS)
        return awsv2__fail(err, st, "%s: TLS failed: %s (%s)", host,
                           awsv2__curl_tls_advice(t->curl, rc), why);
    return awsv2__fail(err, st, "%s: %s", host, why);
}

/* The request's own headers (a SigV4 Authorization, ...) and "Expect:";
 * NULL (*nomem set) when out of memory. */
static struct curl_slist *request_headers(const awsv2_request *req, bool *nomem)
{
    struct curl_slist *list = curl_slist_append(NULL, "Expect:");
    awsv2__buf line = {0};
    for (size_t i = 0; list && i < awsv2_request_header_count(req); i++) {
        const char *name, *value;
        awsv2_request_header_at(req, i, &name, &value);
        awsv2__buf_reset(&line);
        struct curl_slist *l = NULL;
        if (!awsv2__buf_append(&line, name, strlen(name)) &&
            !awsv2__buf_append(&line, ": ", 2) &&
            !awsv2__buf_append(&line, value, strlen(value)))
            l = curl_slist_append(list, line.data);
        if (!l) {
            curl_slist_free_all(list);
            list = NULL;
            break;
        }
        list = l;
    }
    awsv2__buf_free(&line); /* wiped: it held a session token */
    *nomem = list == NULL;
    return list;
}

awsv2_status awsv2__transport_perform(awsv2__transport *t, const awsv2_request *req,
                                      const char *form, long *http_status, awsv2__buf *resp,
                                      awsv2_error *err)
{
    const char *host = awsv2_request_host(req);
    struct curl_slist *own = NULL;
    bool nomem = false;
    if (awsv2_request_header_count(req) && !(own = request_headers(req, &nomem)))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    t->resp = resp;
    t->too_large = t->nomem = t->timed_out = false;
    t->date = 0;
    t->errbuf[0] = '\0';
    awsv2__buf_reset(resp);
    if (form) {
        curl_easy_setopt(t->curl, CURLOPT_POSTFIELDS, form);
        curl_easy_setopt(t->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(form));
        curl_easy_setopt(t->curl, CURLOPT_HTTPHEADER, own ? own : t->form_headers);
    } else {
        curl_easy_setopt(t->curl, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(t->curl, CURLOPT_HTTPHEADER, own);
    }
    awsv2_status st = AWSV2_OK;
    if (curl_easy_setopt(t->curl, CURLOPT_URL, awsv2_request_url(req)) != CURLE_OK) {
        st = awsv2__fail(err, AWSV2_E_INVALID, "libcurl rejected the URL for %s", host);
    } else {
        CURLcode rc = curl_easy_perform(t->curl);
        t->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
        if (rc != CURLE_OK)
            st = curl_failure(t, rc, host, err);
        else
            curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, http_status);
    }
    t->resp = NULL;
    /* The list holds the Authorization (and any session token) header. */
    curl_easy_setopt(t->curl, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
    for (struct curl_slist *l = own; l; l = l->next)
        awsv2_wipe(l->data, strlen(l->data));
    curl_slist_free_all(own);
    return st;
}
