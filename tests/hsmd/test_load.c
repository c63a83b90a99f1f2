/* Load: 64 concurrent clients x 1,000 signatures through the http backend,
 * awsv2-hsmd and awsv2-due-emu, every one checked against OpenSSL; zero
 * errors allowed, and the whole run bounded in time. */
#include <check.h>
#include <stdatomic.h>
#include <stdio.h>

#include "awsv2/signer.h"
#include "load.h"
#include "world.h"

#define CLIENTS 64
#define PER_CLIENT 1000
#define TIME_LIMIT_S 30.0 /* a few seconds normally; room for sanitizer builds */

static struct world w;

START_TEST(test_64_clients_1000_each)
{
    struct load l = {.clients = CLIENTS, .per_client = PER_CLIENT};
    awsv2_error err = AWSV2_ERROR_INIT;

    ck_assert_int_eq(world_start(&w, NULL, NULL, ""), 0);
    ck_assert_int_eq(awsv2_signer_open(&l.signer, w.url, NULL, &err), AWSV2_OK);
    double t0 = load_now();
    ck_assert_int_eq(load_start(&l), 0);
    load_join(&l);
    double elapsed = load_now() - t0;
    awsv2_signer_close(l.signer);
    printf("load: %d signatures by %d clients in %.2f s (%.0f sig/s), %d failed, %d wrong\n",
           CLIENTS * PER_CLIENT, CLIENTS, elapsed, CLIENTS * PER_CLIENT / elapsed,
           atomic_load(&l.failures), atomic_load(&l.mismatches));
    ck_assert_int_eq(atomic_load(&l.failures), 0);
    ck_assert_int_eq(atomic_load(&l.mismatches), 0);
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
