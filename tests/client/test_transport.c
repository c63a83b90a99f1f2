/* The client against a scripted loopback HTTP server: methods, headers,
 * connection reuse, retries, timeouts, size limits and hostile XML. */
#include <check.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/check_run.h"
#include "awsv2/client.h"
#include "awsv2/credentials.h"
#include "awsv2/ec2.h"
#include "awsv2/signer.h"
#include "awsv2/util.h"
#include "retry.h"
#include "example_signer.h"
#include "stub_server.h"

#define OK_DOC "<DescribeInstancesResponse><requestId>r</requestId></DescribeInstancesResponse>"
#define EC2_503 "<Response><Errors><Error><Code>Unavailable</Code><Message>busy</Message>" \
                "</Error></Errors><RequestID>x</RequestID></Response>"
#define SQS_THROTTLE "<ErrorResponse><Error><Code>Throttling</Code><Message>slow down" \
                     "</Message></Error><RequestId>y</RequestId></ErrorResponse>"
#define EC2_AUTH "<Response><Errors><Error><Code>AuthFailure</Code><Message>bad key</Message>" \
                 "</Error></Errors><RequestID>z</RequestID></Response>"

static awsv2_credentials *creds;
static awsv2_signer *signer;
static int debug_calls;

static void setup(void)
{
    example_signer(&creds, &signer);
    debug_calls = 0;
}

static void teardown(void)
{
    awsv2_signer_close(signer);
    awsv2_credentials_free(creds);
}

static void count_debug(void *ctx, const char *sts, size_t len)
{
    (void)ctx;
    ck_assert_uint_gt(len, 0);
    ck_assert_ptr_nonnull(strstr(sts, "Timestamp="));
    debug_calls++;
}

static awsv2_client *client_for(struct stub_server *s, awsv2_method method, long timeout_ms)
{
    awsv2_client_options o = {
        .endpoint_url = stub_url(s),
        .signer = signer,
        .access_key_id = "AKIAIOSFODNN7EXAMPLE",
        .method = method,
        .timeout_ms = timeout_ms,
        .max_attempts = 3,
        .retry_base_ms = 1, /* keep the suite fast; backoff is tested apart */
        .debug = count_debug,
    };
    awsv2_client *c;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_client_new(&c, &o, &err) == AWSV2_OK, "%s", err.message);
    return c;
}

static awsv2_status call(awsv2_client *c, awsv2_error *err)
{
    awsv2_params *p;
    char *body;
    size_t len;
    ck_assert_int_eq(awsv2_params_new(&p, NULL), AWSV2_OK);
    awsv2_params_set(p, "Action", "DescribeInstances", NULL);
    awsv2_status st = awsv2_client_call(c, NULL, p, &body, &len, err);
    if (st == AWSV2_OK) {
        ck_assert_str_eq(body, OK_DOC);
        ck_assert_uint_eq(len, strlen(OK_DOC));
    }
    awsv2_free(body);
    awsv2_params_free(p);
    return st;
}

START_TEST(get_is_signed_with_user_agent_and_reuses_the_connection)
{
    const struct stub_reply script[] = {{STUB_REPLY, 200, OK_DOC, 0}};
    struct stub_server *s = stub_start(script, 1);
    awsv2_client *c = client_for(s, AWSV2_GET, 0);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(call(c, NULL), AWSV2_OK);
    char req[4096];
    stub_last_request(s, req, sizeof req);
    ck_assert_msg(strncmp(req, "GET /?", 6) == 0, "%s", req);
    ck_assert_ptr_nonnull(strstr(req, "User-Agent: libawsv2/"));
    ck_assert_ptr_nonnull(strstr(req, "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE"));
    ck_assert_ptr_nonnull(strstr(req, "SignatureMethod=HmacSHA256"));
    ck_assert_ptr_nonnull(strstr(req, "&Signature="));
    ck_assert_int_eq(stub_requests(s), 3);
    ck_assert_int_eq(stub_connections(s), 1);
    ck_assert_int_eq(debug_calls, 3);
    awsv2_client_free(c);
    stub_stop(s);
}
END_TEST

static void *call_25(void *client)
{
    for (int i = 0; i < 25; i++)
        if (call(client, NULL) != AWSV2_OK)
            return client;
    return NULL;
}

START_TEST(threads_share_a_client)
{
    const struct stub_reply script[] = {{STUB_REPLY, 200, OK_DOC, 0}};
    struct stub_server *s = stub_start(script, 1);
    awsv2_client *c = client_for(s, AWSV2_GET, 0);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, call_25, c), 0);
    for (int i = 0; i < 4; i++) {
        void *failed;
        pthread_join(t[i], &failed);
        ck_assert_ptr_null(failed);
    }
    ck_assert_int_eq(stub_requests(s), 100);
    ck_assert_int_eq(stub_connections(s), 1); /* calls were serialised on one connection */
    awsv2_client_free(c);
    stub_stop(s);
}
END_TEST

START_TEST(post_sends_a_form)
{
    const struct stub_reply script[] = {{STUB_REPLY, 200, OK_DOC, 0}};
    struct stub_server *s = stub_start(script, 1);
    awsv2_client *c = client_for(s, AWSV2_POST, 0);
    ck_assert_int_eq(call(c, NULL), AWSV2_OK);
    char req[4096];
    stub_last_request(s, req, sizeof req);
    ck_assert_msg(strncmp(req, "POST / HTTP/1.1", 15) == 0, "%s", req);
    ck_assert_ptr_nonnull(strstr(req, "Content-Type: application/x-www-form-urlencoded"));
    ck_assert_ptr_null(strstr(req, "Expect:"));
    ck_assert_ptr_nonnull(strstr(strstr(req, "\r\n\r\n"), "Action=DescribeInstances"));
    awsv2_client_free(c);
    stub_stop(s);
}
END_TEST

START_TEST(retries_503_and_throttling_then_succeeds)
{
    const struct stub_reply script[] = {
        {STUB_REPLY, 503, EC2_503, 0},
        {STUB_REPLY, 400, SQS_THROTTLE, 0},
        {STUB_REPLY, 200, OK_DOC, 0},
    };
    struct stub_server *s = stub_start(script, 3);
    awsv2_client *c = client_for(s, AWSV2_GET, 0);
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(call(c, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_int_eq(stub_requests(s), 3);
    ck_assert_int_eq(debug_calls, 3); /* signed afresh for every attempt */
    awsv2_client_free(c);
    stub_stop(s);
}
END_TEST

START_TEST(gives_up_after_max_attempts)
{
    const struct stub_reply script[] = {{STUB_REPLY, 503, EC2_503, 0}};
    struct stub_server *s = stub_start(script, 1);
    awsv2_client *c = client_for(s, AWSV2_GET, 0);
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(call(c, &err), AWSV2_E_SERVICE);
    ck_assert_str_eq(err.code, "Unavailable");
    /* AWS's Message, and how many attempts were made (issue 15). */
    ck_assert_str_eq(err.message, "busy (gave up after 3 attempts)");
    ck_assert_int_eq(err.http_status, 503);
    ck_assert_int_eq(stub_requests(s), 3);
    awsv2_client_free(c);
    stub_stop(s);
}
END_TEST

START_TEST(client_errors_are_not_retried)
{
    const struct stub_reply script[] = {{STUB_REPLY, 401, EC2_AUTH, 0}};
    struct stub_server *s = stub_start(script, 1);
    awsv2_client *c = client_for(s, AWSV2_GET, 0);
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(call(c, &err), AWSV2_E_SERVICE);
    ck_assert_str_eq(err.code, "AuthFailure");
    ck_assert_str_eq(err.request_id, "z");
    ck_assert_int_eq(stub_requests(s), 1);
    awsv2_client_free(c);
    stub_stop(s);
}
END_TEST

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

START_TEST(silent_server_times_out)
{
    const struct stub_reply script[] = {{STUB_SILENT, 0, "", 0}};
    struct stub_server *s = stub_start(script, 1);
    awsv2_client *c = client_for(s, AWSV2_GET, 300);
    awsv2_error err = AWSV2_ERROR_INIT;
    double t0 = now();
    ck_assert_int_eq(call(c, &err), AWSV2_E_NETWORK);
    double took = now() - t0;
    ck_assert_ptr_nonnull(strstr(err.message, "timed out"));
    ck_assert_int_eq(stub_requests(s), 3); /* a timeout is worth retrying */
    ck_assert_msg(took >= 0.85 && took < 3.0, "took %.2f s", took);
    awsv2_client_free(c);
    stub_stop(s);
}
END_TEST

START_TEST(closed_port_is_a_network_error)
{
    const struct stub_reply script[] = {{STUB_REPLY, 200, OK_DOC, 0}};
    struct stub_server *s = stub_start(script, 1);
    char url[64];
    snprintf(url, sizeof url, "%s", stub_url(s));
    stub_stop(s); /* the port is closed now */
    awsv2_client_options o = {.endpoint_url = url, .signer = signer,
                              .access_key_id = "AKIAIOSFODNN7EXAMPLE", .retry_base_ms = 1};
    awsv2_client *c;
    ck_assert_int_eq(awsv2_client_new(&c, &o, NULL), AWSV2_OK);
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(call(c, &err), AWSV2_E_NETWORK);
    ck_assert_ptr_nonnull(strstr(err.message, "127.0.0.1"));
    ck_assert_ptr_null(strstr(err.message, "Signature"));
    awsv2_client_free(c);
}
END_TEST

START_TEST(huge_responses_are_cut_off)
{
    /* 100 MB of an endless element, announced or not: both stop at the
     * 16 MiB default limit long before the end. */
    static const char chunk[] = "<a>0123456789abcdef0123456789abcdef0123456789abcdef</a>";
    for (int announced = 0; announced < 2; announced++) {
        const struct stub_reply script[] = {
            {announced ? STUB_HUGE_LENGTH : STUB_STREAM, 200, chunk, 100u << 20}};
        struct stub_server *s = stub_start(script, 1);
        awsv2_client *c = client_for(s, AWSV2_GET, 0);
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_int_eq(call(c, &err), AWSV2_E_RESPONSE);
        ck_assert_ptr_nonnull(strstr(err.message, "larger than"));
        ck_assert_int_eq(stub_requests(s), 1);
        awsv2_client_free(c);
        stub_stop(s);
    }
}
END_TEST

/* A file the XXE document points at: it must never be read. */
static char marker_path[4096];

START_TEST(hostile_xml_served_is_refused)
{
    static const char marker[] = "MARKER-7f3a9c-NOT-TO-BE-READ";
    char name[] = "xxe-marker-XXXXXX";
    int fd = mkstemp(name);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, marker, sizeof marker - 1), (ssize_t)sizeof marker - 1);
    close(fd);
    ck_assert_ptr_nonnull(realpath(name, marker_path)); /* file:// wants it absolute */
    char xxe[sizeof marker_path + 256];
    snprintf(xxe, sizeof xxe,
             "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file://%s\">]>"
             "<DescribeInstancesResponse><requestId>&x;</requestId>"
             "</DescribeInstancesResponse>", marker_path);
    const char *bomb =
        "<?xml version=\"1.0\"?><!DOCTYPE b [<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
        "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
        "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
        "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">]>"
        "<DescribeInstancesResponse><requestId>&e;&e;&e;&e;</requestId>"
        "</DescribeInstancesResponse>";
    const char *truncated = "<DescribeInstancesResponse><reservationSet><item><reserv";
    const char *docs[] = {xxe, bomb, truncated};
    for (size_t i = 0; i < 3; i++) {
        const struct stub_reply script[] = {{STUB_REPLY, 200, docs[i], 0}};
        struct stub_server *s = stub_start(script, 1);
        awsv2_client *c = client_for(s, AWSV2_GET, 0);
        awsv2_ec2_instances *r = NULL;
        awsv2_error err = AWSV2_ERROR_INIT;
        awsv2_ec2_describe_instances_input in = {0};
        ck_assert_int_eq(awsv2_ec2_describe_instances(c, &in, &r, &err), AWSV2_E_RESPONSE);
        ck_assert_ptr_null(r);
        ck_assert_ptr_null(strstr(err.message, marker));
        ck_assert_int_eq(stub_requests(s), 1);
        awsv2_client_free(c);
        stub_stop(s);
    }
    unlink(name);
}
END_TEST

START_TEST(backoff_is_full_jitter_under_a_capped_exponential)
{
    for (int attempt = 1; attempt <= 12; attempt++) {
        long ceiling = 100L << (attempt - 1);
        if (ceiling > 20000)
            ceiling = 20000;
        long lo = ceiling, hi = 0;
        for (int i = 0; i < 200; i++) {
            long d = awsv2__retry_delay_ms(100, 20000, attempt);
            ck_assert_int_ge(d, 0);
            ck_assert_int_le(d, ceiling);
            lo = d < lo ? d : lo;
            hi = d > hi ? d : hi;
        }
        /* Full jitter spreads over the whole range, not near the ceiling. */
        ck_assert_int_lt(lo, ceiling / 4);
        ck_assert_int_gt(hi, ceiling / 2);
    }
    ck_assert(awsv2__retry_code("Throttling"));
    ck_assert(awsv2__retry_code("RequestLimitExceeded"));
    ck_assert(!awsv2__retry_code("AuthFailure"));
    ck_assert(awsv2__retry_http_status(503) && !awsv2__retry_http_status(501));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client transport");
    TCase *t = tcase_create("stub server");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 30);
    tcase_add_test(t, get_is_signed_with_user_agent_and_reuses_the_connection);
    tcase_add_test(t, threads_share_a_client);
    tcase_add_test(t, post_sends_a_form);
    tcase_add_test(t, retries_503_and_throttling_then_succeeds);
    tcase_add_test(t, gives_up_after_max_attempts);
    tcase_add_test(t, client_errors_are_not_retried);
    tcase_add_test(t, silent_server_times_out);
    tcase_add_test(t, closed_port_is_a_network_error);
    tcase_add_test(t, huge_responses_are_cut_off);
    tcase_add_test(t, hostile_xml_served_is_refused);
    tcase_add_test(t, backoff_is_full_jitter_under_a_capped_exponential);
    suite_add_tcase(s, t);
    return check_run(s);
}
