/* Retry decisions and backoff (see retry.h). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "internal.h"
#include "retry.h"

bool awsv2__retry_http_status(long s)
{
    return s == 500 || s == 502 || s == 503 || s == 504;
}

/* The throttling and transient codes of the AWS SDKs' standard mode. */
static const char *const retry_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "RequestTimeout",
    "RequestTimeoutException",
};

bool awsv2__retry_code(const char *code)
{
    for (size_t i = 0; i < AWSV2__ARRAY_LEN(retry_codes); i++)
        if (strcmp(code, retry_codes[i]) == 0)
            return true;
    return false;
}

bool awsv2__retry_quota_take(awsv2__retry_quota *q, bool timeout, int *taken)
{
    int cost = timeout ? AWSV2__RETRY_TIMEOUT_COST : AWSV2__RETRY_COST;
    *taken = 0;
    if (q->tokens < cost)
        return false;
    q->tokens -= cost;
    *taken = cost;
    return true;
}

void awsv2__retry_quota_success(awsv2__retry_quota *q, int taken)
{
    q->tokens += taken ? taken : AWSV2__RETRY_NO_RETRY_INCREMENT;
    if (q->tokens > AWSV2__RETRY_QUOTA)
        q->tokens = AWSV2__RETRY_QUOTA;
}

static const char *const skew_codes[] = {
    "RequestTimeTooSkewed", "RequestExpired",         "RequestInTheFuture",
    "InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure",
};

bool awsv2__retry_skew_code(const char *code)
{
    for (size_t i = 0; i < AWSV2__ARRAY_LEN(skew_codes); i++)
        if (strcmp(code, skew_codes[i]) == 0)
            return true;
    return false;
}

long awsv2__retry_delay_ms(long base_ms, long cap_ms, int attempt)
{
    long ceiling = base_ms;
    for (int i = 1; i < attempt && ceiling < cap_ms; i++)
        ceiling = ceiling > cap_ms / 2 ? cap_ms : ceiling * 2; /* never overflows */
    if (ceiling > cap_ms)
        ceiling = cap_ms;
    if (ceiling <= 0)
        return 0;
    uint64_t r;
    /* Jitter needs no cryptographic quality, but RAND_bytes is at hand,
     * thread-safe and seeded; if it ever fails, wait the full ceiling. */
    if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
        return ceiling;
    /* In 64 bits: (uint32_t)ceiling + 1 was 0 for a cap of 2^32 - 1. */
    return (long)(r % ((uint64_t)ceiling + 1));
}

void awsv2__sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}
