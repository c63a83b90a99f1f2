#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "awsv2/status.h"
#include "reply.h"
#include "routes.h"
#include "server.h"

#define CONNECTION_TIMEOUT_S 60u /* idle keep-alive connections are closed */
#define CONNECTION_LIMIT 1000u

struct hsmd_server {
    struct MHD_Daemon *mhd;
    const struct hsmd_server_config *cfg;
    pthread_mutex_t lock;
    pthread_cond_t idle; /* in_progress dropped to 0 */
    size_t in_progress;  /* requests begun and not yet completed */
    bool stopping;
};

double hsmd_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const struct {
    const char *path;
    hsmd_route route;
    hsmd_route_fn handle, finish;
} routes[] = {
    {"/sign/aws", HSMD_ROUTE_SIGN, hsmd_route_sign, hsmd_route_sign_finish},
    {"/healthz", HSMD_ROUTE_HEALTHZ, hsmd_route_ping, hsmd_route_healthz_finish},
    {"/keys", HSMD_ROUTE_KEYS, hsmd_route_key_ids, hsmd_route_keys_finish},
    {"/metrics", HSMD_ROUTE_METRICS, hsmd_route_metrics, NULL},
};

/* Runs on a worker thread: the request's reply can be made now. */
static void job_done(struct hsmd_job *job)
{
    struct hsmd_request *r =
        (struct hsmd_request *)((char *)job - offsetof(struct hsmd_request, job));
    MHD_resume_connection(r->conn);
}

/* Suspending first means the worker's resume can never come before it. */
enum MHD_Result hsmd_request_submit(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    MHD_suspend_connection(r->conn);
    r->submitted = true;
    r->job.done = job_done;
    if (!hsmd_queue_submit(ctx->queue, &r->job)) {
        r->queue_full = true;
        MHD_resume_connection(r->conn);
    }
    return MHD_YES;
}

/* Copies a client's string for the log: printable ASCII only, truncated. */
static void printable(char *out, size_t cap, const char *in)
{
    size_t n = 0;
    for (; in[n] && n + 1 < cap; n++)
        out[n] = in[n] >= 0x20 && in[n] <= 0x7e ? in[n] : '?';
    out[n] = '\0';
}

static struct hsmd_request *begin(hsmd_server *srv, struct MHD_Connection *conn,
                                  const char *url, const char *method)
{
    struct hsmd_request *r = calloc(1, sizeof *r);

    if (!r)
        return NULL;
    r->conn = conn;
    r->start = hsmd_now();
    r->route = HSMD_ROUTE_OTHER;
    for (size_t i = 0; i < (sizeof routes / sizeof routes[0]); i++)
        if (strcmp(url, routes[i].path) == 0)
            r->route = routes[i].route;
    printable(r->method, sizeof r->method, method);
    printable(r->path, sizeof r->path, url);
    strcpy(r->sts.action, "-");
    hsmd_metrics_begin();
    pthread_mutex_lock(&srv->lock);
    srv->in_progress++;
    r->close = srv->stopping;
    pthread_mutex_unlock(&srv->lock);
    return r;
}

static bool method_ok(const struct hsmd_request *r, const char *method)
{
    if (r->route == HSMD_ROUTE_SIGN)
        return strcmp(method, MHD_HTTP_METHOD_POST) == 0;
    return strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
}

/* A declared body over the limit is refused before any of it is read. */
static bool declared_too_long(struct MHD_Connection *conn)
{
    const char *cl =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    return cl && strtoull(cl, NULL, 10) > HSMD_BODY_MAX;
}

/* What can be decided from the headers alone; MHD_YES with no reply queued
 * means "read the body". */
static enum MHD_Result on_headers(hsmd_server *srv, struct hsmd_request *r, const char *method)
{
    const struct hsmd_token *token = srv->cfg->token;

    if (r->close)
        return hsmd_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "shutting-down");
    if (token && !hsmd_token_check(token, MHD_lookup_connection_value(
                                              r->conn, MHD_HEADER_KIND,
                                              MHD_HTTP_HEADER_AUTHORIZATION)))
        return hsmd_reply_error(r, MHD_HTTP_FORBIDDEN, "invalid-token");
    if (r->route == HSMD_ROUTE_OTHER)
        return hsmd_reply_error(r, MHD_HTTP_NOT_FOUND, "not-found");
    if (!method_ok(r, method))
        return hsmd_reply_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, "method-not-allowed");
    if (r->route == HSMD_ROUTE_SIGN && declared_too_long(r->conn))
        return hsmd_reply_error(r, 413, "message-too-long");
    return MHD_YES;
}

/* Keeps the first HSMD_BODY_MAX bytes; the rest of an undeclared (chunked)
 * body is read and dropped, as libmicrohttpd cannot answer mid-upload. */
static void on_body(struct hsmd_request *r, const char *data, size_t n)
{
    if (r->len + n > HSMD_BODY_MAX) {
        r->too_long = true;
        return;
    }
    memcpy(r->body + r->len, data, n);
    r->len += n;
}

/* The whole request is in; or, once submitted, its job is done. */
static enum MHD_Result on_complete(hsmd_server *srv, struct hsmd_request *r)
{
    for (size_t i = 0; i < (sizeof routes / sizeof routes[0]); i++)
        if (routes[i].route == r->route)
            return (r->submitted ? routes[i].finish : routes[i].handle)(&srv->cfg->ctx, r);
    return MHD_NO; /* not reached: on_headers answered unknown paths */
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *data_size, void **con_cls)
{
    hsmd_server *srv = cls;
    struct hsmd_request *r = *con_cls;

    (void)version;
    if (!r) {
        r = *con_cls = begin(srv, conn, url, method);
        return r ? on_headers(srv, r, method) : MHD_NO;
    }
    if (r->status) { /* answered from the headers: drop any body */
        *data_size = 0;
        return MHD_YES;
    }
    if (*data_size) {
        on_body(r, data, *data_size);
        *data_size = 0;
        return MHD_YES;
    }
    return on_complete(srv, r);
}

/* One line per request: never the string to sign, a secret or a token. */
static void log_request(const struct hsmd_request *r, double seconds)
{
    char line[1024];
    int n = snprintf(line, sizeof line, "awsv2-hsmd: %s %s", r->method, r->path);

    if (r->route == HSMD_ROUTE_SIGN)
        n += snprintf(line + n, sizeof line - (size_t)n, " key=%s action=%s",
                      r->sts.key_id[0] ? r->sts.key_id : "-", r->sts.action);
    if (r->status)
        n += snprintf(line + n, sizeof line - (size_t)n, " status=%u", r->status);
    else
        n += snprintf(line + n, sizeof line - (size_t)n, " status=- (connection closed)");
    if (r->error[0])
        n += snprintf(line + n, sizeof line - (size_t)n, " error=%s", r->error);
    n += snprintf(line + n, sizeof line - (size_t)n, " latency_ms=%.3f", seconds * 1e3);
    if (r->detail[0])
        snprintf(line + n, sizeof line - (size_t)n, " (%s)", r->detail);
    fprintf(stderr, "%s\n", line);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    hsmd_server *srv = cls;
    struct hsmd_request *r = *con_cls;

    (void)conn;
    (void)toe;
    if (!r)
        return;
    double seconds = hsmd_now() - r->start;
    log_request(r, seconds);
    hsmd_metrics_request(r->route, r->status, r->error[0] ? r->error : NULL, seconds);
    free(r);
    *con_cls = NULL;
    pthread_mutex_lock(&srv->lock);
    if (--srv->in_progress == 0)
        pthread_cond_broadcast(&srv->idle);
    pthread_mutex_unlock(&srv->lock);
}

awsv2_status hsmd_server_start(hsmd_server **out, const struct hsmd_server_config *cfg,
                               awsv2_error *err)
{
    hsmd_server *srv = calloc(1, sizeof *srv);

    if (!srv)
        return awsv2_error_set(err, AWSV2_E_NOMEM, NULL, "out of memory");
    srv->cfg = cfg;
    pthread_mutex_init(&srv->lock, NULL);
    pthread_cond_init(&srv->idle, NULL);
    srv->mhd = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC |
            MHD_USE_ERROR_LOG,
        0, NULL, NULL, handle, srv, MHD_OPTION_LISTEN_SOCKET, cfg->listen_fd,
        MHD_OPTION_NOTIFY_COMPLETED, completed, srv, MHD_OPTION_CONNECTION_TIMEOUT,
        CONNECTION_TIMEOUT_S, MHD_OPTION_CONNECTION_LIMIT, CONNECTION_LIMIT, MHD_OPTION_END);
    if (!srv->mhd) {
        int e = errno;
        pthread_cond_destroy(&srv->idle);
        pthread_mutex_destroy(&srv->lock);
        free(srv);
        return awsv2_error_set(err, AWSV2_E_NETWORK, NULL, "cannot start the HTTP server: %s",
                           strerror(e));
    }
    *out = srv;
    return AWSV2_OK;
}

void hsmd_server_quiesce(hsmd_server *srv, double drain_seconds)
{
    struct timespec deadline;
    MHD_socket fd = MHD_quiesce_daemon(srv->mhd);

    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += (time_t)drain_seconds;
    pthread_mutex_lock(&srv->lock);
    srv->stopping = true;
    while (srv->in_progress > 0)
        if (pthread_cond_timedwait(&srv->idle, &srv->lock, &deadline) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&srv->lock);
}

void hsmd_server_stop(hsmd_server *srv)
{
    MHD_stop_daemon(srv->mhd);
    pthread_cond_destroy(&srv->idle);
    pthread_mutex_destroy(&srv->lock);
    free(srv);
}
