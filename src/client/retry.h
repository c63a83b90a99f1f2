/* AWS's "standard" retry mode: which failures are worth another attempt,
 * and how long to wait before it. Stateless and thread-safe. */
#ifndef AWSV2_CLIENT_RETRY_H
#define AWSV2_CLIENT_RETRY_H

#include <stdbool.h>

/* HTTP 500, 502, 503, 504. */
bool awsv2__retry_http_status(long http_status);
/* A throttling or transient AWS error code (Throttling, RequestLimitExceeded,
 * RequestTimeout, ...). */
bool awsv2__retry_code(const char *code);
/* The wait before attempt number attempt + 1 (attempt >= 1), in ms:
 * uniformly random in [0, min(cap_ms, base_ms * 2^(attempt - 1))]. */
long awsv2__retry_delay_ms(long base_ms, long cap_ms, int attempt);
/* Sleeps ms milliseconds, resuming after signals. */
void awsv2__sleep_ms(long ms);

#endif
