/* The HTTP side of awsv2-hsmd on libmicrohttpd: one event-driven thread
 * (epoll) serves every connection; a request that needs the signer is
 * suspended while the queue works on it and resumed by its worker, so
 * under load one wake-up of each side carries a whole batch. Also
 * authorisation, routing, body limits, the request log, the metrics, and
 * the limits that keep slow or greedy clients from locking others out:
 * connections per client address, and a deadline for each request to
 * arrive whole (a reaper thread closes connections that miss it). */
#ifndef HSMD_SERVER_H
#define HSMD_SERVER_H

#include "request.h"
#include "token.h"

typedef struct hsmd_server hsmd_server;

struct hsmd_server_config {
    int listen_fd;                  /* a listening socket, taken over */
    const struct hsmd_token *tokens; /* any one of them is required */
    size_t n_tokens;                 /* 0: no Authorization needed */
    /* /healthz and /metrics never need a signing token, so that probes
     * need no power to sign; with a probe token they need it (or a
     * signing token). NULL: open. */
    const struct hsmd_token *probe_token;
    unsigned per_ip_limit;          /* open connections from one IP address */
    unsigned request_timeout;       /* seconds for a request to arrive whole */
    /* HTTPS: PEM texts of the certificate (chain) and its private key, read
     * only while the server starts (the caller may wipe and free them
     * then). NULL: plain HTTP. */
    const char *tls_cert, *tls_key;
    /* The admin listener: only the /admin/ routes, without tokens (the
     * Unix socket's permissions decide who may connect). */
    bool admin;
    struct hsmd_ctx ctx;
};

/* Starts serving; cfg and what it points to (but tls_cert and tls_key)
 * must outlive the server. */
awsv2_status hsmd_server_start(hsmd_server **out, const struct hsmd_server_config *cfg,
                               awsv2_error *err);

/* Stops accepting connections: those the kernel has accepted already are
 * taken in, then the listening socket is shut down. From now on every
 * request is answered 503 "shutting-down" with Connection: close. */
void hsmd_server_quiesce(hsmd_server *srv);

/* Waits (at most seconds) until every request begun has been answered and
 * every connection that has not sent a request yet has sent one (and got
 * its 503) or was closed by the request deadline. */
void hsmd_server_wait(hsmd_server *srv, double seconds);

/* Closes every connection and frees. The queue must be closed first: a
 * job still queued would resume a connection that no longer exists. */
void hsmd_server_stop(hsmd_server *srv);

#endif
