/* AWS's retry modes: which failures are worth another attempt, how long
 * to wait before it, the standard mode's retry quota, and clock skew. The
 * functions are stateless and thread-safe; a quota is its owner's (the
 * client's, under its lock). */
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
/* The standard mode's retry quota, as the AWS SDKs keep it. */
#define AWSV2__RETRY_QUOTA 500
#define AWSV2__RETRY_COST 5
#define AWSV2__RETRY_TIMEOUT_COST 10
#define AWSV2__RETRY_NO_RETRY_INCREMENT 1
typedef struct awsv2__retry_quota {
    int tokens;    /* starts at AWSV2__RETRY_QUOTA */
} awsv2__retry_quota;
/* Takes the cost of one retry (after a timeout: the higher one) into
 * *taken; false, taking nothing, when the quota cannot pay it. */
bool awsv2__retry_quota_take(awsv2__retry_quota *q, bool timeout, int *taken);
/* A call succeeded: gives back what its last retry took (taken), or the
 * no-retry increment when it took none, up to AWSV2__RETRY_QUOTA. */
void awsv2__retry_quota_success(awsv2__retry_quota *q, int taken);

/* Whether an error answer with code may come from a skewed clock (the
 * client then checks the answer's Date). */
bool awsv2__retry_skew_code(const char *code);
/* The Date header's skew worth correcting: 4 minutes, as the SDKs have it. */
#define AWSV2__SKEW_THRESHOLD_S 240

/* Sleeps ms milliseconds, resuming after signals. */
void awsv2__sleep_ms(long ms);

#endif
