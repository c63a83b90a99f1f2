/* See server.h: the HTTP side. */
#include "server.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <microhttpd.h>

#include "call.h"
#include "handle.h"
#include "sigv4.h"

/* The largest form body accepted (a 256 KiB message percent-encoded fits). */
#define BODY_MAX ((size_t)1 << 20)

/* Per request: the raw URI (MHD hands the handler a decoded path and
 * loosely decoded arguments; SigV2 needs the bytes as sent) and the body. */
typedef struct conn_req {
    char *uri;
    char *body;
    size_t len, cap;
    bool started;
    bool answered;
    bool too_large; /* MHD cannot answer mid-upload: drain, then 413 */
} conn_req;

time_t mock_server_now(const mock_server *srv)
{
    return srv->now != 0 ? srv->now : time(NULL) + srv->clock_offset;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls, (void)conn;
    conn_req *r = calloc(1, sizeof *r);
    if (r != NULL && (r->uri = strdup(uri)) == NULL) {
        free(r);
        r = NULL;
    }
    return r;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)conn, (void)why;
    conn_req *r = *req_cls;
    if (r != NULL) {
        free(r->uri);
        free(r->body);
        free(r);
    }
    *req_cls = NULL;
}

/* Sends body (malloc'ed, taken; NULL for none) with status. */
static enum MHD_Result send_reply(const mock_server *srv, struct MHD_Connection *conn,
                                  unsigned status, char *body, size_t len,
                                  const char *request_id)
{
    struct MHD_Response *resp =
        body ? MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE)
             : MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (resp == NULL) {
        free(body);
        return MHD_NO;
    }
    if (body != NULL)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/xml;charset=UTF-8");
    if (request_id != NULL)
        MHD_add_response_header(resp, "x-amzn-RequestId", request_id);
    /* The mock's own clock, as a client that corrects skew reads it. */
    char date[64];
    time_t now = mock_server_now(srv);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_DATE, date);
    enum MHD_Result ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static const char *header(struct MHD_Connection *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* Sends the call's reply and frees the call; an empty 500 when there is no
 * call (out of memory). */
static enum MHD_Result send_call(const mock_server *srv, struct MHD_Connection *conn,
                                 mock_call *c)
{
    size_t len = 0;
    char *body = c ? mock_call_take_body(c, &len) : NULL;
    enum MHD_Result ret = send_reply(srv, conn, c ? mock_call_status(c) : 500, body, len,
                                     c ? mock_call_request_id(c) : NULL);
    mock_call_free(c);
    return ret;
}

/* Answers an error before the request could be handled (body too large). */
static enum MHD_Result send_error(const mock_server *srv, struct MHD_Connection *conn,
                                  conn_req *r, const char *method, unsigned status,
                                  const char *code, const char *message)
{
    r->uri[strcspn(r->uri, "?")] = '\0';
    mock_call *c = mock_call_new(srv, method, "", r->uri);
    if (c != NULL)
        mock_reply_error(c, status, code, "%s", message);
    r->answered = true;
    return send_call(srv, conn, c);
}

/* POST <base>_mock/fail?status=503&count=N: the next N requests fail. */
static enum MHD_Result control(const mock_server *srv, struct MHD_Connection *conn, const char *method)
{
    const char *status = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "status");
    const char *count = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "count");
    char *end = NULL;
    unsigned long n = count ? strtoul(count, &end, 10) : 0;
    bool ok = strcmp(method, "POST") == 0 && status && count && *count && *end == '\0' &&
              (strcmp(status, "503") == 0 || strcmp(status, "500") == 0);
    if (ok)
        mock_faults_order(srv->faults, (unsigned)atoi(status), n);
    return send_reply(srv, conn, ok ? MHD_HTTP_NO_CONTENT : MHD_HTTP_BAD_REQUEST, NULL, 0, NULL);
}

static void log_request(const mock_call *c)
{
    const char *action = mock_call_action(c);
    fprintf(stderr, "awsv2-mock: %s %s %s -> %u\n", mock_call_method(c), mock_call_path(c),
            action ? action : "-", mock_call_status(c));
}

/* The request's headers in the order received (SigV4 signs them). */
typedef struct header_list {
    sigv4_header *v;
    size_t n, cap;
    bool broken;
} header_list;

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    header_list *l = cls;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        sigv4_header *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL) {
            l->broken = true;
            return MHD_NO;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (sigv4_header){ key, value ? value : "" };
    return MHD_YES;
}

/* The whole request is in: answer it. */
static enum MHD_Result answer(const mock_server *srv, struct MHD_Connection *conn, conn_req *r,
                              const char *method)
{
    char *query = strchr(r->uri, '?');
    if (query != NULL)
        *query++ = '\0';
    if (strcmp(r->uri, "/_mock/fail") == 0)
        return control(srv, conn, method);
    const char *host = header(conn, MHD_HTTP_HEADER_HOST);
    mock_call *c = mock_call_new(srv, method, host ? host : "", r->uri);
    header_list headers = { 0 };
    if (c == NULL)
        return send_call(srv, conn, c);
    MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, &headers);
    if (headers.broken) {
        mock_reply_error(c, 500, "InternalError", "out of memory");
    } else if (host == NULL) {
        mock_reply_error(c, 400, "MissingParameter", "The request must have a Host header");
    } else {
        sigv4_request raw = { .method = method, .path = r->uri, .query = query,
                              .headers = headers.v, .n_headers = headers.n,
                              .body = r->body, .body_len = r->len };
        mock_call_set_raw(c, &raw);
        mock_handle(c, query, header(conn, MHD_HTTP_HEADER_CONTENT_TYPE), r->body, r->len);
    }
    if (srv->verbose)
        log_request(c);
    free(headers.v);
    return send_call(srv, conn, c);
}

/* Appends upload data; false when the body grows past BODY_MAX (or
 * memory runs out, which the client hears as the same). */
static bool take_upload(conn_req *r, const char *data, size_t n)
{
    if (n > BODY_MAX - r->len)
        return false;
    if (r->len + n + 1 > r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16384;
        while (cap < r->len + n + 1)
            cap *= 2;
        char *body = realloc(r->body, cap);
        if (body == NULL)
            return false;
        r->body = body;
        r->cap = cap;
    }
    memcpy(r->body + r->len, data, n);
    r->len += n;
    r->body[r->len] = '\0';
    return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **req_cls)
{
    (void)url, (void)version;
    const mock_server *srv = cls;
    conn_req *r = *req_cls;
    if (r == NULL)
        return MHD_NO; /* out of memory in on_uri: drop the connection */
    if (r->answered) {
        *upload_data_size = 0; /* discard the rest of a refused body */
        return MHD_YES;
    }
    if (!r->started) {
        r->started = true;
        if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
            return send_error(srv, conn, r, method, 405, "InvalidAction",
                              "Only GET and POST are supported.");
        const char *length = header(conn, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (length != NULL && strtoull(length, NULL, 10) > BODY_MAX)
            return send_error(srv, conn, r, method, MHD_HTTP_CONTENT_TOO_LARGE,
                              "RequestEntityTooLarge", "The request body is larger than 1 MiB.");
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (!r->too_large && !take_upload(r, upload_data, *upload_data_size))
            r->too_large = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (r->too_large)
        return send_error(srv, conn, r, method, MHD_HTTP_CONTENT_TOO_LARGE,
                          "RequestEntityTooLarge", "The request body is larger than 1 MiB.");
    r->answered = true;
    return answer(srv, conn, r, method);
}

struct MHD_Daemon *mock_http_start(const mock_server *srv, const struct sockaddr *addr, char *url,
                                   size_t url_cap)
{
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
    if (addr->sa_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (srv->verbose)
        flags |= MHD_USE_ERROR_LOG;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, (void *)srv, MHD_OPTION_SOCK_ADDR, addr,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        NULL, MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_CONNECTION_LIMIT, 512u,
        MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "awsv2-mock: cannot listen (port in use?)\n");
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[INET6_ADDRSTRLEN];
    const void *in = addr->sa_family == AF_INET6
                         ? (const void *)&((const struct sockaddr_in6 *)addr)->sin6_addr
                         : (const void *)&((const struct sockaddr_in *)addr)->sin_addr;
    inet_ntop(addr->sa_family, in, host, sizeof host);
    snprintf(url, url_cap, addr->sa_family == AF_INET6 ? "http://[%s]:%u/" : "http://%s:%u/",
             host, info ? info->port : 0);
    return d;
}
