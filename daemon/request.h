/* One HTTP request as the daemon handles it: created on libmicrohttpd's
 * first call for the request, freed when the reply has been sent. */
#ifndef HSMD_REQUEST_H
#define HSMD_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

#include "awsv2/signer.h"
#include "metrics.h"
#include "queue.h"

/* The largest request the device accepts, hence the largest body. */
#define HSMD_BODY_MAX 8192

/* What the routes share: borrowed from main for the daemon's lifetime. */
struct hsmd_ctx {
    awsv2_signer *signer;
    hsmd_queue *queue;
};

struct hsmd_request {
    struct MHD_Connection *conn;
    hsmd_route route;
    double start;        /* monotonic seconds */
    char method[16];     /* printable, for the log */
    char path[64];       /* printable, for the log */
    char body[HSMD_BODY_MAX];
    size_t len;
    bool too_long;       /* more than HSMD_BODY_MAX bytes came */
    awsv2_sts_info sts;  /* key id and action of a signing request, for the log */
    bool close;          /* reply with "Connection: close" (shutting down) */
    struct hsmd_job job; /* what the signer was asked, once submitted */
    bool submitted;      /* the request waits for (or got) job's result */
    bool queue_full;     /* ... or the queue refused it */
    /* The answer: */
    unsigned status;                     /* 0 until a reply is queued */
    char error[AWSV2_ERROR_CODE_MAX];    /* the JSON body's error code, "" on success */
    char detail[AWSV2_ERROR_MESSAGE_MAX]; /* why a signer failed, for the log */
};

/* Seconds on the monotonic clock. */
double hsmd_now(void);

/* Hands r->job to the queue and suspends the connection until it is done;
 * the route's finish function then replies (also when the queue was full:
 * r->queue_full). */
enum MHD_Result hsmd_request_submit(const struct hsmd_ctx *ctx, struct hsmd_request *r);

#endif
