/* The daemon's counters, rendered for GET /metrics in the Prometheus text
 * format. Lock-free (C11 atomics): every connection thread updates them. */
#ifndef HSMD_METRICS_H
#define HSMD_METRICS_H

#include <stddef.h>
#include <stdio.h>

/* The endpoints a request is counted under. */
typedef enum hsmd_route {
    HSMD_ROUTE_SIGN,
    HSMD_ROUTE_SIGN4,
    HSMD_ROUTE_BATCH,
    HSMD_ROUTE_HEALTHZ,
    HSMD_ROUTE_KEYS,
    HSMD_ROUTE_METRICS,
    HSMD_ROUTE_AUDIT,
    HSMD_ROUTE_ADMIN, /* the admin listener's routes */
    HSMD_ROUTE_OTHER,
    HSMD_ROUTE_COUNT
} hsmd_route;

/* A connection was closed for not delivering a whole request in time. */
void hsmd_metrics_deadline(void);

/* A request begins (the in-progress gauge). Every begin has one
 * hsmd_metrics_request when it ends. */
void hsmd_metrics_begin(void);

/* Counts one finished request: its HTTP status (0: never answered), its
 * error code (NULL on success, counted under the route) and, for
 * /sign/aws, its latency. */
void hsmd_metrics_request(hsmd_route route, unsigned status, const char *error,
                          double seconds);

/* The exposition text, malloc'd (caller frees) with its length in *len;
 * NULL when out of memory. queue_depth and queue_capacity are gauges the
 * caller reads from the queue; more (if not NULL) appends its own series
 * (the devices'). */
char *hsmd_metrics_render(size_t queue_depth, size_t queue_capacity,
                          void (*more)(void *arg, FILE *f), void *arg, size_t *len);

#endif
