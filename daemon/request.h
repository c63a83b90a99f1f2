/* One HTTP request as the daemon handles it: created on libmicrohttpd's
 * first call for the request, freed when the reply has been sent. */
#ifndef HSMD_REQUEST_H
#define HSMD_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "awsv2/signer.h"
#include "metrics.h"
#include "pool.h"
#include "queue.h"
#include "token.h"

/* The largest request the device accepts, hence the largest body of
 * POST /sign/aws; POST /sign/aws4 takes a JSON object up to twice that. */
#define HSMD_BODY_MAX 8192
#define HSMD_BODY4_MAX 16384

/* A request refused from its headers alone still has its body read (and
 * dropped) up to this size before the answer: a client that sends its
 * whole body before reading (Python's urllib, requests) would otherwise
 * see a connection reset instead of the answer. A larger declared body is
 * answered at once. */
#define HSMD_DRAIN_MAX (4 * 1024 * 1024)

/* What the routes share: borrowed from main for the daemon's lifetime. */
struct hsmd_ctx {
    hsmd_pool *pool;
};

struct hsmd_conn;

struct hsmd_request {
    struct MHD_Connection *conn;
    struct hsmd_conn *tracked; /* the server's record of the connection */
    hsmd_route route;
    const struct hsmd_token *token; /* the bearer token it carried; NULL without one */
    double start;        /* monotonic seconds */
    char method[16];     /* printable, for the log */
    char path[96];       /* printable, for the log and the admin route */
    char body[HSMD_BODY4_MAX];
    size_t len;
    size_t limit;        /* the route's largest body */
    bool too_long;       /* more than limit bytes came */
    /* Refused from the headers: answered once the body is drained. */
    unsigned refuse_status;
    const char *refuse_code;
    awsv2_sts_info sts;  /* key id and action of a signing request, for the log */
    char scope[64];      /* region/service of a SigV4 request, printable, for the log */
    json_object *json;   /* a SigV4 request's body, parsed; its strings are job.sign4's */
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

/* Copies a client's string for the log: printable ASCII only, truncated
 * to cap - 1 bytes. */
void hsmd_printable(char *out, size_t cap, const char *in);

/* Hands r->job to the pool (hsmd_pool_submit) and suspends the connection
 * until it is done; the route's finish function then replies (also when
 * the queue was full: r->queue_full). */
enum MHD_Result hsmd_request_submit(const struct hsmd_ctx *ctx, struct hsmd_request *r);

#endif
