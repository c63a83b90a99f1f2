/* A custom signer, written as a third party would: only the installed
 * headers, linked against libawsv2.so alone (no internal library). Its
 * operations compute the HMAC with OpenSSL's one-shot HMAC(), and an EC2
 * call signed through it must pass awsv2-mock's own SigV2 verifier. The
 * registry's rules for tables and jobs are checked here too. */
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include <openssl/hmac.h>

#include "awsv2/awsv2.h"
#include "child.h"
#include "harness.h"
#include "tmpdir.h"

/* ---- the application's signer -------------------------------------------- */

struct app_signer {
    const char *key_id, *secret;
    atomic_int signed_jobs;
    atomic_int closed;
    int corrupt; /* flip a bit of every MAC */
};

static awsv2_status app_sign(void *ctx, awsv2_sign_job *job, awsv2_error *err)
{
    struct app_signer *a = ctx;
    unsigned int len = 0;
    const EVP_MD *md = job->hash == AWSV2_HMAC_SHA1 ? EVP_sha1() : EVP_sha256();
    if (!HMAC(md, a->secret, (int)strlen(a->secret), (const unsigned char *)job->string_to_sign,
              job->len, job->mac, &len))
        return awsv2_error_set(err, AWSV2_E_SIGNER, NULL, "HMAC failed");
    if (a->corrupt)
        job->mac[0] ^= 1;
    job->mac_len = len;
    a->signed_jobs++;
    return AWSV2_OK;
}

static awsv2_status app_key_ids(void *ctx, char *buf, size_t cap, awsv2_error *err)
{
    struct app_signer *a = ctx;
    if (strlen(a->key_id) >= cap)
        return awsv2_error_set(err, AWSV2_E_INVALID, NULL, "no room");
    strcpy(buf, a->key_id);
    return AWSV2_OK;
}

static void app_close(void *ctx)
{
    ((struct app_signer *)ctx)->closed++;
}

static const awsv2_signer_ops app_ops = {
    .size = sizeof app_ops,
    .sign = app_sign,
    .key_ids = app_key_ids,
    .close = app_close,
};

static struct app_signer app;

static awsv2_signer *open_app(const awsv2_signer_ops *ops)
{
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    app = (struct app_signer){.key_id = TEST_KEY_ID, .secret = TEST_SECRET};
    ck_assert_msg(awsv2_signer_new(&s, ops, &app, "app signer (" TEST_KEY_ID ")", &err) ==
                      AWSV2_OK,
                  "%s", err.message);
    return s;
}

/* ---- against awsv2-mock --------------------------------------------------- */

static char dir[512];
static struct child mock;

static void mock_up(void)
{
    char prog[1024], creds[600];
    ck_assert_int_eq(tmpdir_create(dir, sizeof dir, "custom-signer"), 0);
    ck_assert_int_eq(tmpdir_add_credentials(dir), 0);
    snprintf(creds, sizeof creds, "%s/credentials", dir);
    const char *argv[] = {child_program(prog, sizeof prog, "awsv2-mock"), "--port", "0",
                          "--credentials", creds, NULL};
    ck_assert_int_eq(child_start(&mock, argv, -1), 0);
}

static void mock_down(void)
{
    child_stop(&mock, 15, 5000);
    tmpdir_remove(dir);
}

static awsv2_status describe(awsv2_signer *s, awsv2_error *err, size_t *reservations)
{
    awsv2_client *client = NULL;
    awsv2_ec2_instances *page = NULL;
    awsv2_ec2_describe_instances_input in = {0};
    awsv2_client_options o = {0};
    o.endpoint_url = mock.line;
    o.signer = s;
    o.access_key_id = TEST_KEY_ID;
    o.max_attempts = 1;
    awsv2_status st = awsv2_client_new(&client, &o, err);
    if (!st)
        st = awsv2_ec2_describe_instances_all(client, &in, &page, err);
    *reservations = page ? page->n_reservations : 0;
    awsv2_ec2_instances_free(page);
    awsv2_client_free(client);
    return st;
}

START_TEST(ec2_call_through_a_custom_signer)
{
    mock_up();
    awsv2_signer *s = open_app(&app_ops);
    awsv2_error err = AWSV2_ERROR_INIT;
    size_t n = 0;
    ck_assert_msg(describe(s, &err, &n) == AWSV2_OK, "%s", err.message);
    ck_assert_uint_gt(n, 0);
    ck_assert_int_gt(app.signed_jobs, 0);
    awsv2_signer_close(s);
    ck_assert_int_eq(app.closed, 1);
    mock_down();
}
END_TEST

/* The mock verifies: a wrong MAC from the application is EC2's refusal. */
START_TEST(a_wrong_mac_is_refused_by_the_service)
{
    mock_up();
    awsv2_signer *s = open_app(&app_ops);
    app.corrupt = 1;
    awsv2_error err = AWSV2_ERROR_INIT;
    size_t n = 0;
    ck_assert_int_eq(describe(s, &err, &n), AWSV2_E_SERVICE);
    ck_assert_str_eq(err.code, "AuthFailure");
    awsv2_signer_close(s);
    mock_down();
}
END_TEST

/* ---- the registry's rules -------------------------------------------------- */

/* Every MAC equals OpenSSL's; the batch fell back to sign, job by job. */
START_TEST(batch_without_a_batch_op)
{
    awsv2_signer *s = open_app(&app_ops);
    static const char a[] = "GET\nh\n/\nAWSAccessKeyId=" TEST_KEY_ID "&Action=A";
    static const char b[] = "POST\nh\n/\nAWSAccessKeyId=" TEST_KEY_ID "&Action=B";
    awsv2_sign_job j1 = {.size = sizeof j1, .string_to_sign = a, .len = sizeof a - 1,
                         .hash = AWSV2_HMAC_SHA256};
    awsv2_sign_job j2 = {.string_to_sign = b, .len = sizeof b - 1, .hash = AWSV2_HMAC_SHA1};
    awsv2_sign_job *jobs[] = {&j1, &j2};
    ck_assert_int_eq(awsv2_signer_sign_batch(s, jobs, 2, NULL), AWSV2_OK);
    ck_assert_int_eq(app.signed_jobs, 2);
    for (int i = 0; i < 2; i++) {
        uint8_t want[AWSV2_MAC_MAX];
        size_t n = core_hmac(jobs[i]->hash, TEST_SECRET, jobs[i]->string_to_sign, jobs[i]->len,
                             want);
        ck_assert_int_eq(jobs[i]->status, AWSV2_OK);
        ck_assert_uint_eq(jobs[i]->mac_len, n);
        ck_assert_mem_eq(jobs[i]->mac, want, n);
    }
    awsv2_signer_close(s);
}
END_TEST

/* The library checks jobs before the application's operation sees them. */
START_TEST(invalid_jobs_never_reach_the_op)
{
    awsv2_signer *s = open_app(&app_ops);
    static const char smuggled[] = "GET\nh\n/\na=b\0LOCK";
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len = 0;
    ck_assert_int_eq(awsv2_signer_sign(s, AWSV2_HMAC_SHA256, smuggled, sizeof smuggled - 1, mac,
                                       &mac_len, NULL),
                     AWSV2_E_INVALID);
    awsv2_sign_job small = {.size = 1, .string_to_sign = "GET\nh\n/\n", .len = 8};
    awsv2_sign_job *jobs[] = {&small};
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_signer_sign_batch(s, jobs, 1, &err), AWSV2_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "awsv2_sign_job.size"));
    ck_assert_int_eq(app.signed_jobs, 0);
    awsv2_signer_close(s);
}
END_TEST

/* Absent operations: ping succeeds, key management is unavailable. */
START_TEST(absent_operations)
{
    awsv2_signer *s = open_app(&app_ops);
    awsv2_error err = AWSV2_ERROR_INIT;
    char ids[64];
    ck_assert_str_eq(awsv2_signer_describe(s), "app signer (" TEST_KEY_ID ")");
    ck_assert_int_eq(awsv2_signer_ping(s, NULL), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, NULL), AWSV2_OK);
    ck_assert_str_eq(ids, TEST_KEY_ID);
    ck_assert_int_eq(awsv2_signer_key_put(s, "AKIDNEW", "x", NULL, &err), AWSV2_E_UNAVAILABLE);
    ck_assert_ptr_nonnull(strstr(err.message, "app signer"));
    ck_assert_int_eq(awsv2_signer_key_delete(s, TEST_KEY_ID, NULL), AWSV2_E_UNAVAILABLE);
    ck_assert_int_eq(awsv2_signer_lock(s, NULL), AWSV2_E_UNAVAILABLE);
    /* Arguments are checked before the backend is asked. */
    ck_assert_int_eq(awsv2_signer_key_put(s, "not an id", "x", NULL, NULL), AWSV2_E_INVALID);
    ck_assert_int_eq(awsv2_signer_key_put(s, "AKIDNEW", "", NULL, NULL), AWSV2_E_INVALID);
    ck_assert_int_eq(awsv2_signer_key_delete(s, "", NULL), AWSV2_E_INVALID);
    awsv2_signer_close(s);
    ck_assert_int_eq(app.closed, 1);
}
END_TEST

/* An older, smaller table: the members past its size are absent, even if
 * the memory after it holds something. */
START_TEST(older_smaller_table)
{
    awsv2_signer_ops ops;
    memset(&ops, 0xff, sizeof ops); /* garbage past the old size */
    ops.size = offsetof(awsv2_signer_ops, sign_batch);
    ops.sign = app_sign;
    awsv2_signer *s = open_app(&ops);
    char ids[64];
    ck_assert_int_eq(awsv2_signer_ping(s, NULL), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_key_ids(s, ids, sizeof ids, NULL), AWSV2_E_UNAVAILABLE);
    awsv2_signer_close(s);
    ck_assert_int_eq(app.closed, 0); /* no close op in that table */
}
END_TEST

START_TEST(bad_tables_are_refused)
{
    awsv2_signer *s = (awsv2_signer *)&app; /* must be set to NULL */
    awsv2_error err = AWSV2_ERROR_INIT;
    awsv2_signer_ops no_sign = {.size = sizeof no_sign};
    ck_assert_int_eq(awsv2_signer_new(&s, &no_sign, &app, NULL, &err), AWSV2_E_INVALID);
    ck_assert_ptr_null(s);
    awsv2_signer_ops tiny = {.size = 1, .sign = app_sign};
    ck_assert_int_eq(awsv2_signer_new(&s, &tiny, &app, NULL, &err), AWSV2_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "size"));
    ck_assert_int_eq(awsv2_signer_new(&s, NULL, &app, NULL, NULL), AWSV2_E_INVALID);
    /* Size 0 is the first layout; a NULL description gets a default. */
    awsv2_signer_ops zero = {.sign = app_sign};
    ck_assert_int_eq(awsv2_signer_new(&s, &zero, &app, NULL, NULL), AWSV2_OK);
    ck_assert_str_eq(awsv2_signer_describe(s), "custom signer");
    awsv2_signer_close(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("custom_signer");
    TCase *mock_tc = tcase_create("against awsv2-mock");
    core_env_fixtures(mock_tc);
    tcase_set_timeout(mock_tc, 60);
    tcase_add_test(mock_tc, ec2_call_through_a_custom_signer);
    tcase_add_test(mock_tc, a_wrong_mac_is_refused_by_the_service);
    suite_add_tcase(s, mock_tc);
    TCase *rules = tcase_create("rules");
    tcase_add_test(rules, batch_without_a_batch_op);
    tcase_add_test(rules, invalid_jobs_never_reach_the_op);
    tcase_add_test(rules, absent_operations);
    tcase_add_test(rules, older_smaller_table);
    tcase_add_test(rules, bad_tables_are_refused);
    suite_add_tcase(s, rules);
    return core_run(s);
}
