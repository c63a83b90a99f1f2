#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "awsv2/status.h"
#include "reply.h"
#include "batch.h"
#include "routes.h"
#include "server.h"

#define CONNECTION_LIMIT 1000u
/* libmicrohttpd's own timeout, a backstop: it counts from the last byte
 * received, so a client trickling bytes would never meet it. The request
 * deadline (cfg->request_timeout) is what closes such connections. */
#define IDLE_TIMEOUT_S 60u

/* A connection while it waits for a request: from when it was accepted, or
 * from its previous answer, until its request has arrived whole. Kept in
 * the server's list, oldest first, so the reaper looks only at the head. */
struct hsmd_conn {
    MHD_socket fd;
    double since;  /* monotonic seconds */
    bool waiting;  /* in the list */
    bool served;   /* answered a request before: an idle keep-alive connection */
    struct hsmd_conn *prev, *next;
};

struct hsmd_server {
    struct MHD_Daemon *mhd;
    const struct hsmd_server_config *cfg;
    pthread_mutex_t lock;
    pthread_cond_t idle; /* in_progress or fresh dropped */
    pthread_cond_t tick; /* the reaper's: stop */
    size_t in_progress;  /* requests begun and not yet completed */
    size_t fresh;        /* waiting connections that never sent a request */
    size_t adopting;     /* taken from the backlog, not yet started by libmicrohttpd */
    struct hsmd_conn *head, *tail;
    pthread_t reaper;
    bool reaping;        /* the reaper runs */
    bool stopping;
    MHD_socket listen_fd; /* after quiesce: shut down, closed at stop */
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
    size_t limit; /* the largest body */
    hsmd_route_fn handle, finish;
} routes[] = {
    {"/sign/aws", HSMD_ROUTE_SIGN, HSMD_BODY_MAX, hsmd_route_sign, hsmd_route_sign_finish},
    {"/sign/aws4", HSMD_ROUTE_SIGN4, HSMD_BODY4_MAX, hsmd_route_sign4, hsmd_route_sign4_finish},
    {"/sign/batch", HSMD_ROUTE_BATCH, HSMD_BODY4_MAX, hsmd_batch_route, hsmd_batch_finish},
    {"/healthz", HSMD_ROUTE_HEALTHZ, 0, hsmd_route_ping, hsmd_route_healthz_finish},
    {"/keys", HSMD_ROUTE_KEYS, 0, hsmd_route_key_ids, hsmd_route_keys_finish},
    {"/metrics", HSMD_ROUTE_METRICS, 0, hsmd_route_metrics, NULL},
    {"/audit", HSMD_ROUTE_AUDIT, 0, hsmd_route_audit, hsmd_route_audit_finish},
    /* Only on the admin listener; begin() picks it by its prefix. */
    {NULL, HSMD_ROUTE_ADMIN, HSMD_BODY_MAX, hsmd_route_admin, hsmd_route_admin_finish},
};

/* The waiting list; called with srv->lock held. */
static void wait_begin(hsmd_server *srv, struct hsmd_conn *c)
{
    if (c->waiting)
        return;
    c->since = hsmd_now();
    c->waiting = true;
    c->next = NULL;
    c->prev = srv->tail;
    if (srv->tail)
        srv->tail->next = c;
    else
        srv->head = c;
    srv->tail = c;
    srv->fresh += !c->served;
}

static void wait_end(hsmd_server *srv, struct hsmd_conn *c)
{
    if (!c->waiting)
        return;
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        srv->tail = c->prev;
    c->waiting = false;
    if (!c->served && --srv->fresh == 0)
        pthread_cond_broadcast(&srv->idle);
}

/* Closes the connections whose request has not arrived whole in time. The
 * socket is shut down, not closed: libmicrohttpd sees the end of the
 * stream and closes it, and since it tells notify_connection (which takes
 * the lock) before closing, the fd is still this connection's here. */
static void *reaper(void *arg)
{
    hsmd_server *srv = arg;

    pthread_mutex_lock(&srv->lock);
    while (srv->reaping) {
        /* With nothing waiting it sleeps a whole deadline: whatever starts
         * waiting meanwhile is due after it wakes, so nobody need wake it
         * (a wake-up per request cost a tenth of the daemon's time). */
        struct hsmd_conn *c = srv->head;
        double due = (c ? c->since : hsmd_now()) + srv->cfg->request_timeout;
        if (c && hsmd_now() >= due) {
            shutdown(c->fd, SHUT_RDWR);
            wait_end(srv, c);
            hsmd_metrics_deadline();
            continue;
        }
        struct timespec ts = {.tv_sec = (time_t)due,
                              .tv_nsec = (long)((due - (double)(time_t)due) * 1e9)};
        pthread_cond_timedwait(&srv->tick, &srv->lock, &ts);
    }
    pthread_mutex_unlock(&srv->lock);
    return NULL;
}

static void notify_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                              enum MHD_ConnectionNotificationCode toe)
{
    hsmd_server *srv = cls;
    struct hsmd_conn *c = *socket_context;

    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        c = info ? calloc(1, sizeof *c) : NULL; /* NULL: only the idle timeout applies */
        pthread_mutex_lock(&srv->lock);
        if (srv->adopting > 0) /* after quiesce, every connection is adopted */
            srv->adopting--;
        if (c) {
            c->fd = info->connect_fd;
            *socket_context = c;
            wait_begin(srv, c);
        }
        pthread_cond_broadcast(&srv->idle);
        pthread_mutex_unlock(&srv->lock);
        return;
    }
    if (!c)
        return;
    pthread_mutex_lock(&srv->lock);
    wait_end(srv, c);
    pthread_mutex_unlock(&srv->lock);
    free(c);
    *socket_context = NULL;
}

/* The request has arrived whole (or was answered before its body). */
static void request_received(hsmd_server *srv, struct hsmd_request *r)
{
    if (!r->tracked)
        return;
    pthread_mutex_lock(&srv->lock);
    wait_end(srv, r->tracked);
    r->tracked->served = true;
    pthread_mutex_unlock(&srv->lock);
}

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
    if (!hsmd_pool_submit(ctx->pool, &r->job)) {
        r->queue_full = true;
        MHD_resume_connection(r->conn);
    }
    return MHD_YES;
}

void hsmd_printable(char *out, size_t cap, const char *in)
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
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    r->conn = conn;
    r->tracked = info ? info->socket_context : NULL;
    r->start = hsmd_now();
    r->route = HSMD_ROUTE_OTHER;
    if (srv->cfg->admin) {
        /* The routes' own checks tell the rest (hsmd_route_admin). */
        if (strncmp(url, "/admin/", 7) == 0) {
            r->route = HSMD_ROUTE_ADMIN;
            r->limit = HSMD_BODY_MAX;
        }
    } else
        for (size_t i = 0; i < (sizeof routes / sizeof routes[0]); i++)
            if (routes[i].path && strcmp(url, routes[i].path) == 0) {
                r->route = routes[i].route;
                r->limit = routes[i].limit;
            }
    hsmd_printable(r->method, sizeof r->method, method);
    hsmd_printable(r->path, sizeof r->path, url);
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
    if (r->route == HSMD_ROUTE_SIGN || r->route == HSMD_ROUTE_SIGN4 || r->route == HSMD_ROUTE_BATCH)
        return strcmp(method, MHD_HTTP_METHOD_POST) == 0;
    if (r->route == HSMD_ROUTE_ADMIN)
        return true; /* hsmd_route_admin checks */
    return strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
}

/* The declared Content-Length; 0 when there is none. */
static unsigned long long declared_length(struct MHD_Connection *conn)
{
    const char *cl =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    return cl ? strtoull(cl, NULL, 10) : 0;
}

/* Whether a refusal goes out before the body: when the client waits for
 * it to send the body (Expect: 100-continue), or the body is too large to
 * drain. Otherwise the body is read and dropped first, so that a client
 * writing its whole body before reading gets the answer, not a reset. */
static bool refuse_at_once(struct MHD_Connection *conn)
{
    const char *expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
    return (expect && strcasecmp(expect, "100-continue") == 0) ||
           declared_length(conn) > HSMD_DRAIN_MAX;
}

/* What can be decided from the headers alone: 0, or the refusal's status
 * and *code. A declared body over the limit is refused before any of it
 * is kept. */
static unsigned refusal(hsmd_server *srv, struct hsmd_request *r, const char *method,
                        const char **code)
{
    if (r->close) {
        *code = "shutting-down";
        return MHD_HTTP_SERVICE_UNAVAILABLE;
    }
    if (r->route == HSMD_ROUTE_HEALTHZ || r->route == HSMD_ROUTE_METRICS) {
        const char *auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                                       MHD_HTTP_HEADER_AUTHORIZATION);
        const struct hsmd_token *probe = srv->cfg->probe_token;
        /* Open to a probe without a token (unless a probe token is set);
         * a token that is sent must be right, so that a client's ping
         * also checks the token it signs with. */
        bool any = probe || srv->cfg->n_tokens;
        bool ok = !auth ? !probe
                        : !any || (probe && hsmd_token_check(probe, auth)) ||
                              hsmd_token_find(srv->cfg->tokens, srv->cfg->n_tokens, auth);
        if (!ok) {
            *code = "invalid-token";
            return MHD_HTTP_FORBIDDEN;
        }
    } else if (srv->cfg->n_tokens && !srv->cfg->admin) {
        r->token = hsmd_token_find(srv->cfg->tokens, srv->cfg->n_tokens,
                                   MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                                               MHD_HTTP_HEADER_AUTHORIZATION));
        if (!r->token) {
            *code = "invalid-token";
            return MHD_HTTP_FORBIDDEN;
        }
    }
    if (r->route == HSMD_ROUTE_OTHER) {
        *code = "not-found";
        return MHD_HTTP_NOT_FOUND;
    }
    if (!method_ok(r, method)) {
        *code = "method-not-allowed";
        return MHD_HTTP_METHOD_NOT_ALLOWED;
    }
    if (r->limit && declared_length(r->conn) > r->limit) {
        *code = "message-too-long";
        return 413; /* Content Too Large */
    }
    return 0;
}

/* MHD_YES with no reply queued means "read the body". */
static enum MHD_Result on_headers(hsmd_server *srv, struct hsmd_request *r, const char *method)
{
    const char *code;
    unsigned status = refusal(srv, r, method, &code);

    if (!status)
        return MHD_YES;
    if (!refuse_at_once(r->conn)) {
        r->refuse_status = status;
        r->refuse_code = code;
        return MHD_YES;
    }
    request_received(srv, r);
    return hsmd_reply_error(r, status, code);
}

/* Keeps the first r->limit bytes; the rest of an undeclared (chunked) body
 * is read and dropped, as libmicrohttpd cannot answer mid-upload (the
 * request deadline bounds how long that may take). */
static void on_body(struct hsmd_request *r, const char *data, size_t n)
{
    if (r->refuse_status)
        return;
    if (r->len + n > r->limit) {
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
    request_received(srv, r);
    if (r->refuse_status)
        return hsmd_reply_error(r, r->refuse_status, r->refuse_code);
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
    else if (r->route == HSMD_ROUTE_SIGN4)
        n += snprintf(line + n, sizeof line - (size_t)n, " key=%s scope=%s",
                      r->sts.key_id[0] ? r->sts.key_id : "-", r->scope[0] ? r->scope : "-");
    else if (r->route == HSMD_ROUTE_ADMIN && r->sts.key_id[0])
        n += snprintf(line + n, sizeof line - (size_t)n, " key=%s", r->sts.key_id);
    if (r->status)
        n += snprintf(line + n, sizeof line - (size_t)n, " status=%u", r->status);
    else
        n += snprintf(line + n, sizeof line - (size_t)n, " status=- (connection closed)");
    if (r->error[0])
        n += snprintf(line + n, sizeof line - (size_t)n, " error=%s", r->error);
    if (r->submitted && r->job.tried) /* the device that answered */
        n += snprintf(line + n, sizeof line - (size_t)n, " device=%u", r->job.device);
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
    if (!r)
        return;
    double seconds = hsmd_now() - r->start;
    log_request(r, seconds);
    hsmd_metrics_request(r->route, r->status, r->error[0] ? r->error : NULL, seconds);
    hsmd_route_admin_wipe(r);
    json_object_put(r->json);
    pthread_mutex_lock(&srv->lock);
    /* A kept-alive connection now waits for its next request; if it is
     * closed instead, notify_connection takes it off the list. */
    if (r->tracked && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
        wait_begin(srv, r->tracked);
    if (--srv->in_progress == 0)
        pthread_cond_broadcast(&srv->idle);
    pthread_mutex_unlock(&srv->lock);
    free(r);
    *con_cls = NULL;
}

/* Conditions and the reaper's waits use the monotonic clock. */
static void cond_init(pthread_cond_t *cond)
{
    pthread_condattr_t attr;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
}

static void server_free(hsmd_server *srv)
{
    if (srv->reaping) {
        pthread_mutex_lock(&srv->lock);
        srv->reaping = false;
        pthread_cond_signal(&srv->tick);
        pthread_mutex_unlock(&srv->lock);
        pthread_join(srv->reaper, NULL);
    }
    pthread_cond_destroy(&srv->tick);
    pthread_cond_destroy(&srv->idle);
    pthread_mutex_destroy(&srv->lock);
    free(srv);
}

awsv2_status hsmd_server_start(hsmd_server **out, const struct hsmd_server_config *cfg,
                               awsv2_error *err)
{
    hsmd_server *srv = calloc(1, sizeof *srv);

    if (!srv)
        return awsv2_error_set(err, AWSV2_E_NOMEM, NULL, "out of memory");
    srv->cfg = cfg;
    srv->listen_fd = MHD_INVALID_SOCKET;
    pthread_mutex_init(&srv->lock, NULL);
    cond_init(&srv->idle);
    cond_init(&srv->tick);
    srv->reaping = true; /* before the thread looks at it */
    if (pthread_create(&srv->reaper, NULL, reaper, srv) != 0) {
        srv->reaping = false;
        server_free(srv);
        return awsv2_error_set(err, AWSV2_E_NOMEM, NULL, "cannot start the reaper thread");
    }
    /* libmicrohttpd reads the PEM texts only while it starts, handing them
     * to GnuTLS, which keeps its parsed copy (docs/secrets.md). */
    struct MHD_OptionItem tls[] = {
        {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key},
        {MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cfg->tls_cert},
        {MHD_OPTION_END, 0, NULL},
    };
    bool https = cfg->tls_key && cfg->tls_cert;
    srv->mhd = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC |
            MHD_USE_ERROR_LOG | (https ? MHD_USE_TLS : 0),
        0, NULL, NULL, handle, srv, MHD_OPTION_LISTEN_SOCKET, cfg->listen_fd,
        MHD_OPTION_NOTIFY_COMPLETED, completed, srv, MHD_OPTION_NOTIFY_CONNECTION,
        notify_connection, srv, MHD_OPTION_CONNECTION_TIMEOUT, IDLE_TIMEOUT_S,
        MHD_OPTION_CONNECTION_LIMIT, CONNECTION_LIMIT, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        cfg->per_ip_limit, MHD_OPTION_ARRAY, https ? tls : tls + 2, MHD_OPTION_END);
    if (!srv->mhd) {
        int e = errno;
        server_free(srv);
        if (https) /* libmicrohttpd logged GnuTLS's reason just before */
            return awsv2_error_set(err, AWSV2_E_CONFIG, NULL,
                                   "cannot start the HTTPS server: are --tls-cert and "
                                   "--tls-key a PEM certificate and its private key?");
        return awsv2_error_set(err, AWSV2_E_NETWORK, NULL, "cannot start the HTTP server: %s",
                               strerror(e));
    }
    *out = srv;
    return AWSV2_OK;
}

/* Hands the connections waiting in the listening socket's backlog to
 * libmicrohttpd, which answers their requests 503 (it closes the socket
 * of one it cannot take). */
static void adopt_backlog(hsmd_server *srv, MHD_socket fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
        return;
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        int c = accept(fd, (struct sockaddr *)&ss, &len);
        if (c < 0 && errno == EINTR)
            continue;
        if (c < 0)
            return;
        fcntl(c, F_SETFD, FD_CLOEXEC);
        fcntl(c, F_SETFL, O_NONBLOCK);
        /* libmicrohttpd's thread starts it later: until then it counts
         * for hsmd_server_wait here. */
        pthread_mutex_lock(&srv->lock);
        srv->adopting++;
        pthread_mutex_unlock(&srv->lock);
        if (MHD_add_connection(srv->mhd, c, (struct sockaddr *)&ss, len) != MHD_YES) {
            pthread_mutex_lock(&srv->lock);
            srv->adopting--;
            pthread_mutex_unlock(&srv->lock);
        }
    }
}

void hsmd_server_quiesce(hsmd_server *srv)
{
    pthread_mutex_lock(&srv->lock);
    srv->stopping = true;
    pthread_mutex_unlock(&srv->lock);
    srv->listen_fd = MHD_quiesce_daemon(srv->mhd);
    if (srv->listen_fd == MHD_INVALID_SOCKET)
        return;
    adopt_backlog(srv, srv->listen_fd);
    /* Refuses connections from now on. The descriptor itself stays open
     * until libmicrohttpd has stopped, as its documentation requires. */
    shutdown(srv->listen_fd, SHUT_RDWR);
}

void hsmd_server_wait(hsmd_server *srv, double seconds)
{
    double deadline = hsmd_now() + seconds;
    struct timespec ts = {.tv_sec = (time_t)deadline,
                          .tv_nsec = (long)((deadline - (double)(time_t)deadline) * 1e9)};

    pthread_mutex_lock(&srv->lock);
    while (srv->in_progress > 0 || srv->fresh > 0 || srv->adopting > 0)
        if (pthread_cond_timedwait(&srv->idle, &srv->lock, &ts) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&srv->lock);
}

void hsmd_server_stop(hsmd_server *srv)
{
    MHD_stop_daemon(srv->mhd);
    if (srv->listen_fd != MHD_INVALID_SOCKET)
        close(srv->listen_fd);
    server_free(srv);
}
