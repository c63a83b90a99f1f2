#include "load.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

static const char sts[] =
    "GET\nec2.us-west-2.amazonaws.com\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE"
    "&Action=DescribeInstances&InstanceId.1=i-1234567890abcdef0&MaxResults=100"
    "&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2026-11-21T12%3A00%3A00Z"
    "&Version=2016-11-15";

int bench_load_open(struct bench_load *l, const char *what, const char *spec)
{
    awsv2_error err = AWSV2_ERROR_INIT;

    l->what = what;
    l->signer = NULL;
    atomic_init(&l->done, 0);
    atomic_init(&l->failed, 0);
    if (awsv2_signer_open(&l->signer, spec, NULL, &err) != AWSV2_OK) {
        fprintf(stderr, "awsv2-bench %s: %s\n", what, err.message);
        return -1;
    }
    return 0;
}

/* Each request names another instance, as pipelined calls differ: a
 * device's compact frames then carry a real difference, not none. */
static void *signing_thread(void *arg)
{
    struct bench_load *l = arg;
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len;
    awsv2_error err = AWSV2_ERROR_INIT;
    char s[sizeof sts], digits[18];
    char *id = s + (strstr(sts, "i-1234567890abcdef0") - sts) + 2;
    unsigned long long n = (unsigned long long)(uintptr_t)&s << 20;

    memcpy(s, sts, sizeof sts);
    while (bench_now() < l->end) {
        snprintf(digits, sizeof digits, "%016llx", n++);
        memcpy(id + 1, digits, 16); /* i-1 and 16 hex digits */
        if (awsv2_signer_sign(l->signer, AWSV2_HMAC_SHA256, s, sizeof s - 1, mac, &mac_len,
                              &err) != AWSV2_OK) {
            if (atomic_fetch_add(&l->failed, 1) == 0)
                fprintf(stderr, "awsv2-bench %s: %s\n", l->what, err.message);
            return NULL;
        }
        atomic_fetch_add(&l->done, 1);
    }
    return NULL;
}

double bench_load_pass(struct bench_load *l, size_t clients, double secs)
{
    pthread_t *threads = calloc(clients ? clients : 1, sizeof *threads);
    size_t started = 0;
    double t0 = bench_now();

    atomic_store(&l->done, 0);
    l->end = t0 + secs;
    if (!threads) {
        fprintf(stderr, "awsv2-bench %s: out of memory\n", l->what);
        atomic_fetch_add(&l->failed, 1);
        return -1;
    }
    while (started < clients && pthread_create(&threads[started], NULL, signing_thread, l) == 0)
        started++;
    if (started < clients && atomic_fetch_add(&l->failed, 1) == 0)
        fprintf(stderr, "awsv2-bench %s: cannot start %zu client threads\n", l->what, clients);
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    return (double)atomic_load(&l->done) / (bench_now() - t0);
}

long bench_load_done(struct bench_load *l)
{
    return atomic_load(&l->done);
}

int bench_load_close(struct bench_load *l)
{
    awsv2_signer_close(l->signer);
    l->signer = NULL;
    return atomic_load(&l->failed) ? -1 : 0;
}

int bench_start_quiet(struct child *c, const char *const *argv)
{
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    int rc = null >= 0 ? child_start(c, argv, null) : -1;
    if (null >= 0)
        close(null);
    return rc;
}
