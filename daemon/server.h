/* The HTTP side of awsv2-hsmd on libmicrohttpd: one event-driven thread
 * (epoll) serves every connection; a request that needs the signer is
 * suspended while the queue works on it and resumed by its worker, so
 * under load one wake-up of each side carries a whole batch. Also
 * authorisation, routing, body limits, the request log and the metrics. */
#ifndef HSMD_SERVER_H
#define HSMD_SERVER_H

#include "request.h"
#include "token.h"

typedef struct hsmd_server hsmd_server;

struct hsmd_server_config {
    int listen_fd;                  /* a listening socket, taken over */
    const struct hsmd_token *token; /* NULL: no Authorization needed */
    struct hsmd_ctx ctx;
};

/* Starts serving; cfg and what it points to must outlive the server. */
awsv2_status hsmd_server_start(hsmd_server **out, const struct hsmd_server_config *cfg,
                               awsv2_error *err);

/* Stops accepting connections, answers further requests on open ones 503
 * "shutting-down" with Connection: close, and waits (at most
 * drain_seconds) for the requests in progress to be answered. */
void hsmd_server_quiesce(hsmd_server *srv, double drain_seconds);

/* Closes every connection and frees. The queue must be closed first: a
 * job still queued would resume a connection that no longer exists. */
void hsmd_server_stop(hsmd_server *srv);

#endif
