/* Fixed label sets (routes, statuses, error codes) keep every counter a
 * plain atomic in a static array: no allocation or lock per request. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

static const char *const route_names[HSMD_ROUTE_COUNT] = {
    "/sign/aws", "/sign/aws4", "/sign/batch", "/healthz", "/keys", "/metrics", "/audit", "/admin",
    "other",
};

/* The statuses the daemon answers with; anything else counts as 500. */
static const unsigned statuses[] = {200, 400, 403, 404, 405, 409, 413, 429, 500, 501, 503, 504};
#define N_STATUSES (sizeof statuses / sizeof statuses[0])

/* The device's codes (docs/serial-protocol.md) and the daemon's own; the last is the
 * catch-all. */
static const char *const codes[] = {
    "invalid-command", "awsaccesskeyid-not-found", "invalid-awsaccesskeyid",
    "unknown-awsaccesskey", "unsupported-signaturemethod", "message-too-long",
    "locked", "key-exists", "storage-failure", "invalid-token", "queue-full",
    "device-unavailable", "device-timeout", "device-protocol-error", "not-found",
    "method-not-allowed", "refused", "shutting-down", "internal-error",
    /* SigV4 (POST /sign/aws4) */
    "invalid-json", "invalid-field", "invalid-canonical-request", "invalid-scope",
    "payload-mismatch", "not-supported",
    /* the key's policy on the device (docs/policy.md) */
    "policy-denied", "rate-limited", "audit-full",
    /* --token-keys */
    "key-not-allowed",
    /* the admin listener */
    "invalid-policy", "other",
};
#define N_CODES (sizeof codes / sizeof codes[0])

/* Upper bounds (seconds) of the latency histogram's buckets; +Inf is the
 * total count. */
static const double bounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5, 5, 10};
#define N_BOUNDS (sizeof bounds / sizeof bounds[0])

static atomic_ulong requests[HSMD_ROUTE_COUNT][N_STATUSES];
static atomic_ulong errors[HSMD_ROUTE_COUNT][N_CODES];
static atomic_ulong deadline_closed;
static atomic_ulong buckets[N_BOUNDS]; /* not cumulative; summed when rendered */
static atomic_ulong latency_count;
static atomic_ulong latency_sum_ns;
static atomic_long in_progress;

void hsmd_metrics_deadline(void)
{
    atomic_fetch_add(&deadline_closed, 1);
}

void hsmd_metrics_begin(void)
{
    atomic_fetch_add(&in_progress, 1);
}

static size_t status_index(unsigned status)
{
    for (size_t i = 0; i < N_STATUSES; i++)
        if (statuses[i] == status)
            return i;
    return status_index(500);
}

static size_t code_index(const char *code)
{
    for (size_t i = 0; i < N_CODES - 1; i++)
        if (strcmp(codes[i], code) == 0)
            return i;
    return N_CODES - 1;
}

void hsmd_metrics_request(hsmd_route route, unsigned status, const char *error,
                          double seconds)
{
    atomic_fetch_sub(&in_progress, 1);
    if (status == 0)
        return; /* the client went away before an answer */
    atomic_fetch_add(&requests[route][status_index(status)], 1);
    if (error)
        atomic_fetch_add(&errors[route][code_index(error)], 1);
    if (route != HSMD_ROUTE_SIGN)
        return;
    for (size_t i = 0; i < N_BOUNDS; i++)
        if (seconds <= bounds[i]) {
            atomic_fetch_add(&buckets[i], 1);
            break;
        }
    atomic_fetch_add(&latency_count, 1);
    atomic_fetch_add(&latency_sum_ns, (unsigned long)(seconds * 1e9));
}

static void render_requests(FILE *f)
{
    fputs("# HELP awsv2_hsmd_requests_total HTTP requests answered, by path and status.\n"
          "# TYPE awsv2_hsmd_requests_total counter\n",
          f);
    for (size_t r = 0; r < HSMD_ROUTE_COUNT; r++)
        for (size_t s = 0; s < N_STATUSES; s++)
            fprintf(f, "awsv2_hsmd_requests_total{path=\"%s\",status=\"%u\"} %lu\n",
                    route_names[r], statuses[s], atomic_load(&requests[r][s]));
}

static void render_errors(FILE *f)
{
    fputs("# HELP awsv2_hsmd_errors_total Failed requests, by path and error code.\n"
          "# TYPE awsv2_hsmd_errors_total counter\n",
          f);
    for (size_t r = 0; r < HSMD_ROUTE_COUNT; r++)
        for (size_t i = 0; i < N_CODES; i++)
            fprintf(f, "awsv2_hsmd_errors_total{path=\"%s\",code=\"%s\"} %lu\n",
                    route_names[r], codes[i], atomic_load(&errors[r][i]));
}

static void render_latency(FILE *f)
{
    unsigned long cumulative = 0;

    fputs("# HELP awsv2_hsmd_sign_duration_seconds Time to answer POST /sign/aws.\n"
          "# TYPE awsv2_hsmd_sign_duration_seconds histogram\n",
          f);
    for (size_t i = 0; i < N_BOUNDS; i++) {
        cumulative += atomic_load(&buckets[i]);
        fprintf(f, "awsv2_hsmd_sign_duration_seconds_bucket{le=\"%g\"} %lu\n", bounds[i],
                cumulative);
    }
    unsigned long count = atomic_load(&latency_count);
    fprintf(f, "awsv2_hsmd_sign_duration_seconds_bucket{le=\"+Inf\"} %lu\n", count);
    fprintf(f, "awsv2_hsmd_sign_duration_seconds_sum %.9f\n",
            (double)atomic_load(&latency_sum_ns) / 1e9);
    fprintf(f, "awsv2_hsmd_sign_duration_seconds_count %lu\n", count);
}

char *hsmd_metrics_render(size_t queue_depth, size_t queue_capacity,
                          void (*more)(void *arg, FILE *f), void *arg, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);

    if (!f)
        return NULL;
    render_requests(f);
    render_errors(f);
    render_latency(f);
    fprintf(f,
            "# HELP awsv2_hsmd_queue_depth Signing requests waiting for the signer.\n"
            "# TYPE awsv2_hsmd_queue_depth gauge\n"
            "awsv2_hsmd_queue_depth %zu\n"
            "# HELP awsv2_hsmd_queue_capacity Requests the queue holds before answering 503.\n"
            "# TYPE awsv2_hsmd_queue_capacity gauge\n"
            "awsv2_hsmd_queue_capacity %zu\n"
            "# HELP awsv2_hsmd_requests_in_progress HTTP requests begun and not yet answered.\n"
            "# TYPE awsv2_hsmd_requests_in_progress gauge\n"
            "awsv2_hsmd_requests_in_progress %ld\n"
            "# HELP awsv2_hsmd_connections_timed_out_total Connections closed for not "
            "delivering a whole request in time.\n"
            "# TYPE awsv2_hsmd_connections_timed_out_total counter\n"
            "awsv2_hsmd_connections_timed_out_total %lu\n",
            queue_depth, queue_capacity, atomic_load(&in_progress),
            atomic_load(&deadline_closed));
    if (more)
        more(arg, f);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}
