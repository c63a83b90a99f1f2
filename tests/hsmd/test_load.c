/* Load: 64 concurrent clients x 1,000 signatures through the http backend,
 * awsv2-hsmd and awsv2-due-emu, every one checked against OpenSSL; zero
 * errors allowed, and the whole run bounded in time. */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "awsv2/signer.h"
#include "world.h"

#define CLIENTS 64
#define PER_CLIENT 1000
#define TIME_LIMIT_S 30.0 /* a few seconds normally; room for sanitizer builds */

static struct world w;
static awsv2_signer *signer;
static atomic_int failures, mismatches;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *client(void *arg)
{
    unsigned id = (unsigned)(size_t)arg;
    char sts[1024], want[65], got[65];
    uint8_t mac[AWSV2_MAC_MAX];
    awsv2_error err = AWSV2_ERROR_INIT;

    for (unsigned i = 0; i < PER_CLIENT; i++) {
        int sha1 = i & 1;
        size_t mac_len = 0, len = world_sts(sts, sizeof sts, KEY_ID,
                                            sha1 ? "HmacSHA1" : "HmacSHA256",
                                            id * PER_CLIENT + i);
        if (awsv2_signer_sign(signer, sha1 ? AWSV2_HMAC_SHA1 : AWSV2_HMAC_SHA256, sts, len, mac,
                              &mac_len, &err) != AWSV2_OK) {
            if (atomic_fetch_add(&failures, 1) == 0)
                fprintf(stderr, "first failure: %s\n", err.message);
            continue;
        }
        world_expected_hex(sts, len, sha1, want);
        for (size_t j = 0; j < mac_len; j++)
            sprintf(got + 2 * j, "%02x", mac[j]);
        got[2 * mac_len] = '\0';
        if (strcmp(got, want) != 0)
            atomic_fetch_add(&mismatches, 1);
    }
    return NULL;
}

START_TEST(test_64_clients_1000_each)
{
    pthread_t threads[CLIENTS];
    awsv2_error err = AWSV2_ERROR_INIT;

    ck_assert_int_eq(world_start(&w, NULL, NULL, ""), 0);
    ck_assert_int_eq(awsv2_signer_open(&signer, w.url, NULL, &err), AWSV2_OK);
    double t0 = now();
    for (size_t i = 0; i < CLIENTS; i++)
        ck_assert_int_eq(pthread_create(&threads[i], NULL, client, (void *)i), 0);
    for (size_t i = 0; i < CLIENTS; i++)
        pthread_join(threads[i], NULL);
    double elapsed = now() - t0;
    awsv2_signer_close(signer);
    printf("load: %d signatures by %d clients in %.2f s (%.0f sig/s), %d failed, %d wrong\n",
           CLIENTS * PER_CLIENT, CLIENTS, elapsed, CLIENTS * PER_CLIENT / elapsed,
           atomic_load(&failures), atomic_load(&mismatches));
    ck_assert_int_eq(atomic_load(&failures), 0);
    ck_assert_int_eq(atomic_load(&mismatches), 0);
    ck_assert_msg(elapsed < TIME_LIMIT_S, "took %.1f s", elapsed);
    ck_assert_int_eq(world_stop(&w), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hsmd-load");
    TCase *tc = tcase_create("load");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_64_clients_1000_each);
    suite_add_tcase(s, tc);
    return world_run(s);
}
