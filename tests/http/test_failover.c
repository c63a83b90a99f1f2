/* The http: signer with several daemons (url=): failover and the circuit
 * breakers, against real awsv2-hsmd processes (the openssl signer, and in
 * front of awsv2-due-emu for a daemon that answers 503). Every signature
 * is checked against OpenSSL's HMAC. */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "awsv2/signer.h"
#include "awsv2/util.h"
#include "load.h"
#include "world.h"

static struct world w1, w2;

static void teardown(void)
{
    int a = world_stop(&w1), b = world_stop(&w2);
    memset(&w1, 0, sizeof w1);
    memset(&w2, 0, sizeof w2);
    ck_assert_int_eq(a, 0);
    ck_assert_int_eq(b, 0);
}

/* A key no daemon holds is refused, and the refusal is the answer. */
static void expect_unknown_key(awsv2_signer *s, awsv2_error *err)
{
    char sts[1024];
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len, len = world_sts(sts, sizeof sts, "AKIANOSUCHKEY0000000", "HmacSHA256", 1);
    ck_assert_int_eq(awsv2_signer_sign(s, AWSV2_HMAC_SHA256, sts, len, mac, &mac_len, err),
                     AWSV2_E_REFUSED);
    ck_assert_str_eq(err->code, "unknown-awsaccesskey");
}

/* A loopback port nothing listens on (bound, then closed). */
static int dead_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

/* The daemon's count of /sign/aws requests answered with status. */
static long signed_count(const struct world *w, const char *status)
{
    struct http_result r;
    char url[600], needle[128];
    snprintf(url, sizeof url, "%s/metrics", w->base);
    ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
    snprintf(needle, sizeof needle,
             "awsv2_hsmd_requests_total{path=\"/sign/aws\",status=\"%s\"} ", status);
    const char *p = strstr(r.body, needle);
    return p ? atol(p + strlen(needle)) : 0;
}

/* One daemon never started, listed first: every signature comes from the
 * second; after `failures` refused connections the first is skipped. */
START_TEST(test_first_never_started)
{
    char spec[1200];
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;

    ck_assert_int_eq(world_start_openssl(&w2, NULL), 0);
    snprintf(spec, sizeof spec, "http://127.0.0.1:%d/sign/aws?url=%s&failures=2&cooldown_ms=600000",
             dead_port(), w2.url);
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_OK);
    for (unsigned i = 0; i < 50; i++)
        ck_assert_msg(load_sign_checked(s, KEY_ID, i, &err) == AWSV2_OK, "%u: %s", i, err.message);
    ck_assert_int_eq(signed_count(&w2, "200"), 50);
    ck_assert_int_eq(awsv2_signer_ping(s, &err), AWSV2_OK);
    char ids[128];
    ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, &err), AWSV2_OK);
    ck_assert_str_eq(ids, KEY_ID);
    awsv2_signer_close(s);

    /* the second's refusal, after the first failed, is its answer */
    snprintf(spec, sizeof spec, "http://127.0.0.1:%d/sign/aws?url=%s&failures=100", dead_port(),
             w2.url);
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_OK);
    expect_unknown_key(s, &err);
    ck_assert_ptr_null(strstr(err.message, "all 2"));
    awsv2_signer_close(s);

    /* neither answers: the last failure, saying that both were tried */
    ck_assert_int_eq(child_stop(&w2.hsmd, SIGTERM, CHILD_TIMEOUT_MS), 0);
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(load_sign_checked(s, KEY_ID, 1, &err), AWSV2_E_DEVICE);
    ck_assert_msg(strstr(err.message, "all 2 signing daemons tried failed"), "%s", err.message);
    awsv2_signer_close(s);
}
END_TEST

/* A daemon whose device is gone answers 503: the request goes on to the
 * next daemon; after `failures` 503s in a row its circuit opens and it is
 * not asked again until the cool-down; a refusal (403) is an answer and is
 * not sent elsewhere. */
START_TEST(test_first_answers_503)
{
    char spec[1200];
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;

    ck_assert_int_eq(world_start(&w1, NULL, NULL, "?timeout_ms=2000"), 0);
    ck_assert_int_eq(world_start_openssl(&w2, NULL), 0);
    snprintf(spec, sizeof spec, "%s?url=%s&failures=3&cooldown_ms=600000", w1.url, w2.url);
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_OK);
    for (unsigned i = 0; i < 5; i++)
        ck_assert_int_eq(load_sign_checked(s, KEY_ID, i, &err), AWSV2_OK);
    ck_assert_int_eq(signed_count(&w1, "200"), 5); /* listed order: the first healthy */
    child_stop(&w1.emu, SIGKILL, CHILD_TIMEOUT_MS);
    for (unsigned i = 5; i < 45; i++)
        ck_assert_msg(load_sign_checked(s, KEY_ID, i, &err) == AWSV2_OK, "%u: %s", i, err.message);
    ck_assert_int_eq(signed_count(&w1, "503"), 3); /* then its circuit opened */
    ck_assert_int_eq(signed_count(&w2, "200"), 40);

    /* an answer is not failed over */
    expect_unknown_key(s, &err);
    awsv2_signer_close(s);
}
END_TEST

struct clients {
    awsv2_signer *s;
    atomic_uint next, errors;
    unsigned total;
};

static void *load_thread(void *arg)
{
    struct clients *l = arg;
    awsv2_error err = AWSV2_ERROR_INIT;
    unsigned i;

    while ((i = atomic_fetch_add(&l->next, 1)) < l->total)
        if (load_sign_checked(l->s, KEY_ID, i, &err) != AWSV2_OK &&
            atomic_fetch_add(&l->errors, 1) == 0)
            fprintf(stderr, "test_failover: %u: %s\n", i, err.message);
    return NULL;
}

/* 8 threads through two daemons; the first is killed mid-run, then started
 * again on its port and, after the cool-down, signs again (listed order).
 * No error, every signature OpenSSL's. */
START_TEST(test_killed_mid_run)
{
    char spec[1200], listen[64];
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    struct clients l = {.total = 3000};
    pthread_t t[8];

    ck_assert_int_eq(world_start_openssl(&w1, NULL), 0);
    ck_assert_int_eq(world_start_openssl(&w2, NULL), 0);
    snprintf(spec, sizeof spec, "%s?url=%s&cooldown_ms=200", w1.url, w2.url);
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_OK);
    l.s = s;
    for (int i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, load_thread, &l);
    while (atomic_load(&l.next) < l.total / 3)
        usleep(1000);
    child_stop(&w1.hsmd, SIGKILL, CHILD_TIMEOUT_MS);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    ck_assert_uint_eq(atomic_load(&l.errors), 0);
    ck_assert_int_gt(signed_count(&w2, "200"), 0);

    /* back on its port: after the cool-down a call probes it and it leads again */
    snprintf(listen, sizeof listen, "%s", strrchr(w1.base, '/') + 1);
    const char *args[] = {"--listen", listen, NULL};
    ck_assert_int_eq(world_start_openssl(&w1, args), 0);
    long before = signed_count(&w2, "200");
    usleep(300 * 1000);
    for (unsigned i = 0; i < 20; i++)
        ck_assert_int_eq(load_sign_checked(s, KEY_ID, 5000 + i, &err), AWSV2_OK);
    ck_assert_int_eq(signed_count(&w1, "200"), 20);
    ck_assert_int_eq(signed_count(&w2, "200"), before);

    /* a batch fails over as one: every string signed */
    awsv2_sign_job jobs[20], *ptrs[20];
    char sts[20][512];
    child_stop(&w1.hsmd, SIGKILL, CHILD_TIMEOUT_MS);
    for (unsigned i = 0; i < 20; i++) {
        jobs[i] = (awsv2_sign_job)AWSV2_SIGN_JOB_INIT;
        jobs[i].len = world_sts(sts[i], sizeof sts[i], KEY_ID, "HmacSHA256", 9000 + i);
        jobs[i].string_to_sign = sts[i];
        jobs[i].hash = AWSV2_HMAC_SHA256;
        ptrs[i] = &jobs[i];
    }
    ck_assert_msg(awsv2_signer_sign_batch(s, ptrs, 20, &err) == AWSV2_OK, "%s", err.message);
    for (unsigned i = 0; i < 20; i++) {
        char want[65], got[65];
        world_expected_hex(sts[i], jobs[i].len, 0, want);
        awsv2_hex_encode(jobs[i].mac, jobs[i].mac_len, got);
        ck_assert_str_eq(got, want);
    }
    awsv2_signer_close(s);
}
END_TEST

/* Threads that sign at once through one signer are combined into
 * POST /sign/batch requests (the daemon counts them); every signature
 * still OpenSSL's, and a lone thread afterwards goes to /sign/aws. */
START_TEST(test_threads_combined)
{
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    struct clients l = {.total = 4000};
    pthread_t t[16];
    struct http_result r;
    char url[600];

    ck_assert_int_eq(world_start_openssl(&w1, NULL), 0);
    ck_assert_int_eq(awsv2_signer_open(&s, w1.url, NULL, &err), AWSV2_OK);
    l.s = s;
    for (int i = 0; i < 16; i++)
        pthread_create(&t[i], NULL, load_thread, &l);
    for (int i = 0; i < 16; i++)
        pthread_join(t[i], NULL);
    ck_assert_uint_eq(atomic_load(&l.errors), 0);
    snprintf(url, sizeof url, "%s/metrics", w1.base);
    ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
    const char *p =
        strstr(r.body, "awsv2_hsmd_requests_total{path=\"/sign/batch\",status=\"200\"} ");
    ck_assert_msg(p && atol(strchr(p, '}') + 2) > 0, "no batch: %.2000s", r.body);
    long before = signed_count(&w1, "200");
    ck_assert_int_eq(load_sign_checked(s, KEY_ID, 99999, &err), AWSV2_OK);
    ck_assert_int_eq(signed_count(&w1, "200"), before + 1);
    awsv2_signer_close(s);
}
END_TEST

/* A daemon that accepts and never answers (stopped): every call ends
 * within timeout_ms of its start, those that queued behind another's
 * request included, and those combined into a batch too long for one
 * POST /sign/batch (sent one by one) included. */
struct stalled {
    awsv2_signer *s;
    unsigned id;
    awsv2_status st;
    double seconds;
};

static double monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *stalled_thread(void *arg)
{
    struct stalled *x = arg;
    static const char head[] = "POST\n127.0.0.1\n/\nAWSAccessKeyId=" KEY_ID "&Filler=";
    char sts[6200];
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len, n = strlen(head);
    awsv2_error err = AWSV2_ERROR_INIT;

    memcpy(sts, head, n);
    memset(sts + n, 'a' + (char)(x->id % 26), sizeof sts - n); /* 6 KiB: 3 fill a batch */
    double start = monotonic();
    x->st = awsv2_signer_sign(x->s, AWSV2_HMAC_SHA256, sts, sizeof sts, mac, &mac_len, &err);
    x->seconds = monotonic() - start;
    return NULL;
}

START_TEST(test_stalled_daemon_bounded)
{
    enum { THREADS = 12 };
    char spec[1200];
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    pthread_t t[THREADS];
    struct stalled x[THREADS];

    ck_assert_int_eq(world_start_openssl(&w1, NULL), 0);
    snprintf(spec, sizeof spec, "%s?timeout_ms=1000&inflight=1", w1.url);
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(kill(w1.hsmd.pid, SIGSTOP), 0);
    for (unsigned i = 0; i < THREADS; i++) {
        x[i] = (struct stalled){.s = s, .id = i};
        pthread_create(&t[i], NULL, stalled_thread, &x[i]);
    }
    for (unsigned i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    kill(w1.hsmd.pid, SIGCONT);
    awsv2_signer_close(s);
    for (unsigned i = 0; i < THREADS; i++) {
        ck_assert_int_eq(x[i].st, AWSV2_E_TIMEOUT);
        /* 1 s and scheduling; one by one after the first's request: 12 s */
        ck_assert_msg(x[i].seconds < 4.0, "thread %u: %.3f s with timeout_ms=1000", i,
                      x[i].seconds);
    }
}
END_TEST

/* A daemon listed by a URL that only signs (not ending in /sign/aws:
 * here one the client's dot-segment removal turns into it), whose circuit
 * opened, is probed by a signing call after the cool-down even when a
 * ping or key list (routes it lacks) planned it meanwhile; and once it
 * answers it leads again. */
START_TEST(test_probe_of_signing_only_url)
{
    char spec[2000], listen[64], odd[600];
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    struct world w3 = {0};

    ck_assert_int_eq(world_start_openssl(&w1, NULL), 0);
    ck_assert_int_eq(world_start_openssl(&w2, NULL), 0);
    ck_assert_int_eq(world_start_openssl(&w3, NULL), 0);
    snprintf(odd, sizeof odd, "%s/sign/x/../aws", w1.base);
    snprintf(spec, sizeof spec, "%s?url=%s&url=%s&failures=1&cooldown_ms=200", w2.url, odd,
             w3.url);
    ck_assert_int_eq(awsv2_signer_open(&s, spec, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(load_sign_checked(s, KEY_ID, 1, &err), AWSV2_OK);
    ck_assert_int_eq(signed_count(&w2, "200"), 1);

    /* the first two gone: their circuits open, the third signs */
    child_stop(&w1.hsmd, SIGKILL, CHILD_TIMEOUT_MS);
    child_stop(&w2.hsmd, SIGKILL, CHILD_TIMEOUT_MS);
    ck_assert_int_eq(load_sign_checked(s, KEY_ID, 2, &err), AWSV2_OK);
    ck_assert_int_eq(signed_count(&w3, "200"), 1);

    /* the second back; after the cool-down a ping passes it by */
    snprintf(listen, sizeof listen, "%s", strrchr(w1.base, '/') + 1);
    const char *args[] = {"--listen", listen, NULL};
    ck_assert_int_eq(world_start_openssl(&w1, args), 0);
    usleep(300 * 1000);
    ck_assert_int_eq(awsv2_signer_ping(s, &err), AWSV2_OK);

    /* and signing probes it: it answers and leads */
    for (unsigned i = 0; i < 5; i++)
        ck_assert_msg(load_sign_checked(s, KEY_ID, 10 + i, &err) == AWSV2_OK, "%s", err.message);
    awsv2_signer_close(s);
    long on_second = signed_count(&w1, "200"), on_third = signed_count(&w3, "200");
    ck_assert_int_eq(world_stop(&w3), 0);
    ck_assert_int_eq(on_second, 5);
    ck_assert_int_eq(on_third, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("http-failover");
    TCase *tc = tcase_create("daemons");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_first_never_started);
    tcase_add_test(tc, test_killed_mid_run);
    tcase_add_test(tc, test_threads_combined);
    tcase_add_test(tc, test_stalled_daemon_bounded);
    tcase_add_test(tc, test_probe_of_signing_only_url);
    if (awsv2_has_backend("due")) /* a daemon whose device is gone: awsv2-due-emu's */
        tcase_add_test(tc, test_first_answers_503);
    suite_add_tcase(s, tc);
    return world_run(s);
}
