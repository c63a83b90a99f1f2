/* Load and faults: three emulated Dues behind one awsv2-hsmd, 64 clients
 * (the http backend) x 1,000 signatures, every one checked against
 * OpenSSL, while device 1's emulator is killed (SIGKILL: pulled out) and
 * started again twice during the run. Zero wrong signatures; the clients'
 * errors are counted and must be zero, since the two devices left can
 * always take the requests the lost one had (they are re-sent); the
 * killed device rejoins each time and signs again. */
#include <check.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>

#include "awsv2/signer.h"
#include "../hsmd/load.h"
#include "pool_world.h"

#define CLIENTS 64
#define PER_CLIENT 1000
#define TOTAL (CLIENTS * PER_CLIENT)
#define VICTIM 1
#define TIME_LIMIT_S 100.0 /* a few seconds normally; room for sanitizer builds */

static struct pool_world p;
static struct load l = {.clients = CLIENTS, .per_client = PER_CLIENT};
static int killed_at[2], restarted_at[2]; /* requests made by then */

/* Waits until the clients have made at least n requests (or all). */
static void wait_progress(int n)
{
    while (atomic_load(&l.done) < n)
        poll(NULL, 0, 1); /* polling a condition; the clients bound it */
}

static long metric(const char *name)
{
    char series[128];
    snprintf(series, sizeof series, "%s{device=\"%d\"}", name, VICTIM);
    return pool_metric(&p, series);
}

/* Waits (30 s at most) until the victim has rejoined `times` times. */
static void wait_rejoined(long times)
{
    long have = -1;
    for (int k = 0; k < 3000 && have < times; k++) {
        have = metric("awsv2_hsmd_device_rejoined_total");
        if (have < times)
            poll(NULL, 0, 10); /* polling a condition, bounded */
    }
    ck_assert_msg(have >= times, "device %d rejoined %ld times, want %ld", VICTIM, have, times);
}

START_TEST(test_three_devices_one_killed_twice)
{
    static const enum pool_keys keys[] = {POOL_KEY1, POOL_KEY1, POOL_KEY1};
    awsv2_error err = AWSV2_ERROR_INIT;

    ck_assert_int_eq(pool_start_emus(&p, 3, keys, NULL), 0);
    ck_assert_int_eq(pool_start_hsmd(&p, NULL), 0);
    ck_assert_int_eq(awsv2_signer_open(&l.signer, p.w.url, NULL, &err), AWSV2_OK);
    double t0 = load_now();
    ck_assert_int_eq(load_start(&l), 0);
    /* The emulators are restarted from this thread: a child dies with the
     * thread that started it. */
    for (int round = 1; round <= 2; round++) {
        wait_progress(TOTAL * (round == 1 ? 15 : 55) / 100);
        ck_assert_int_eq(child_stop(&p.emu[VICTIM], SIGKILL, CHILD_TIMEOUT_MS), 128 + SIGKILL);
        killed_at[round - 1] = atomic_load(&l.done);
        wait_progress(TOTAL * (round == 1 ? 30 : 70) / 100);
        ck_assert_int_eq(pool_start_emu(&p, VICTIM, NULL), 0);
        restarted_at[round - 1] = atomic_load(&l.done);
        wait_rejoined(round);
    }
    load_join(&l);
    double elapsed = load_now() - t0;
    long down = metric("awsv2_hsmd_device_down_total");
    long resent = metric("awsv2_hsmd_device_resent_total");
    printf("pool fault run: %d signatures by %d clients in %.2f s (%.0f sig/s), device %d "
           "killed after %d and %d requests, restarted after %d and %d: marked down %ld "
           "times, %ld requests re-sent, rejoined %ld times; %d client errors, %d wrong "
           "signatures\n",
           TOTAL, CLIENTS, elapsed, TOTAL / elapsed, VICTIM, killed_at[0], killed_at[1],
           restarted_at[0], restarted_at[1], down, resent,
           metric("awsv2_hsmd_device_rejoined_total"), atomic_load(&l.failures),
           atomic_load(&l.mismatches));
    ck_assert_int_eq(atomic_load(&l.mismatches), 0);
    ck_assert_int_eq(atomic_load(&l.failures), 0);
    ck_assert_int_ge(down, 2); /* more only if a loaded machine made it time out */
    ck_assert_msg(elapsed < TIME_LIMIT_S, "took %.1f s", elapsed);

    /* The device that came back signs again. */
    long before = pool_metric(&p, "awsv2_hsmd_device_jobs_total{device=\"1\",result=\"ok\"}");
    char want[65], got[65];
    for (unsigned i = 0; i < 30; i++) {
        ck_assert_int_eq(load_sign_hex(l.signer, KEY_ID, TOTAL + i, 0, got, want, &err), AWSV2_OK);
        ck_assert_str_eq(got, want);
    }
    ck_assert_int_gt(pool_metric(&p, "awsv2_hsmd_device_jobs_total{device=\"1\",result=\"ok\"}"),
                     before);
    awsv2_signer_close(l.signer);
    ck_assert_int_eq(pool_stop(&p), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pool-fault");
    TCase *tc = tcase_create("fault");

    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, test_three_devices_one_killed_twice);
    suite_add_tcase(s, tc);
    return world_run(s);
}
