/* awsv2-mock's EC2 side and its signature checks, against the real
 * program: DescribeInstances signed every way, refused every way AWS
 * refuses, filtered and paginated over the built-in data set. */
#include <check.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/check_run.h"
#include "harness.h"

static mock_proc mock;

static void start(void) { mock_start(&mock, NULL); }
static void stop(void) { ck_assert_int_eq(mock_stop(&mock), 0); }

static const sign_opts get256 = { AWSV2_GET, AWSV2_HMAC_SHA256, NULL, NULL, 0, false };

#define DESCRIBE "Action", "DescribeInstances", "Version", "2016-11-15"

/* DescribeInstances with extra parameters; asserts the HTTP status. */
static reply describe(const sign_opts *o, long status, const char *const *extra)
{
    const char *params[64] = { DESCRIBE };
    size_t n = 4;
    for (size_t i = 0; extra != NULL && extra[i] != NULL; i++)
        params[n++] = extra[i];
    params[n] = NULL;
    reply r = call(mock.url, o, params);
    ck_assert_msg(r.status == status, "status %ld, wanted %ld: %s", r.status, status,
                  r.body ? r.body : "");
    return r;
}

static int instances_of(const char *const *extra)
{
    reply r = describe(&get256, 200, extra);
    int n = xml_count(&r, "instanceId");
    reply_free(&r);
    return n;
}

START_TEST(signed_every_way)
{
    static const sign_opts ways[] = {
        { AWSV2_GET, AWSV2_HMAC_SHA256, NULL, NULL, 0, false },
        { AWSV2_GET, AWSV2_HMAC_SHA1, NULL, NULL, 0, false },
        { AWSV2_POST, AWSV2_HMAC_SHA256, NULL, NULL, 0, false },
        { AWSV2_POST, AWSV2_HMAC_SHA1, NULL, NULL, 0, false },
        { AWSV2_GET, AWSV2_HMAC_SHA256, NULL, NULL, 0, true },
        { AWSV2_POST, AWSV2_HMAC_SHA1, "AKIASECONDEXAMPLE", "second/secret+key", 0, false },
    };
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        sign_opts o = ways[i];
        if (o.expires)
            o.when = time(NULL) + 60;
        reply r = describe(&o, 200, NULL);
        ck_assert_ptr_nonnull(strstr(r.body, "xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\""));
        ck_assert_int_eq(xml_count(&r, "instanceId"), 7);
        ck_assert_int_eq(xml_count(&r, "reservationId"), 3);
        ck_assert_int_eq(xml_count(&r, "nextToken"), 0);
        reply_free(&r);
    }
}
END_TEST

/* The reply is in the namespace of the Version asked for (2012-12-01 is
 * the original Arduino HSM client's, signed as it signs: GET, HmacSHA1);
 * no Version is the latest; one EC2 never had is AWS's NoSuchVersion. */
START_TEST(answers_in_the_version_asked)
{
    static const sign_opts sha1 = { AWSV2_GET, AWSV2_HMAC_SHA1, NULL, NULL, 0, false };
    const char *versions[] = { "2012-12-01", "2014-10-01", "2016-11-15" };
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        const char *params[] = { "Action", "DescribeInstances", "Version", versions[i], NULL };
        reply r = call(mock.url, &sha1, params);
        char want[128];
        snprintf(want, sizeof want,
                 "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/%s/\">",
                 versions[i]);
        ck_assert_int_eq(r.status, 200);
        ck_assert_msg(strstr(r.body, want) != NULL, "%s", r.body);
        ck_assert_int_eq(xml_count(&r, "instanceId"), 7);
        reply_free(&r);
    }
    const char *none[] = { "Action", "DescribeInstances", NULL };
    reply r = call(mock.url, &sha1, none);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\""));
    reply_free(&r);
    const char *future[] = { "Action", "DescribeInstances", "Version", "2099-01-01", NULL };
    r = call(mock.url, &sha1, future);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(error_code(&r), "NoSuchVersion");
    char *message = xml_text(&r, "Message", 0);
    ck_assert_str_eq(message,
                     "The requested version (2099-01-01) of service AmazonEC2 does not exist");
    free(message);
    ck_assert_int_eq(xml_count(&r, "instanceId"), 0);
    reply_free(&r);
}
END_TEST

START_TEST(lists_the_data)
{
    reply r = describe(&get256, 200, NULL);
    char *id = xml_text(&r, "instanceId", 0), *type = xml_text(&r, "instanceType", 0);
    char *code = xml_text(&r, "code", 2), *name = xml_text(&r, "name", 2);
    char *tag = xml_text(&r, "value", 0), *owner = xml_text(&r, "ownerId", 0);
    char *amp = xml_text(&r, "value", 15); /* a tag with markup characters */
    ck_assert_str_eq(id, "i-0a1b2c3d4e5f60001");
    ck_assert_str_eq(type, "t3.micro");
    ck_assert_str_eq(code, "80");
    ck_assert_str_eq(name, "stopped");
    ck_assert_str_eq(tag, "web-1");
    ck_assert_str_eq(owner, "123456789012");
    ck_assert_str_eq(amp, "batch-worker & <co>");
    ck_assert_ptr_nonnull(strstr(r.body, "<requestId>"));
    free(id), free(type), free(code), free(name), free(tag), free(owner), free(amp);
    reply_free(&r);
}
END_TEST

/* Refused requests: status and AWS code, in EC2's shape. */
static void refused(const sign_opts *o, const char *const *params, long status, const char *code)
{
    reply r = call(mock.url, o, params);
    ck_assert_msg(r.status == status, "status %ld, wanted %ld", r.status, status);
    ck_assert_str_eq(error_code(&r), code);
    ck_assert_ptr_nonnull(strstr(r.body, "<Response><Errors><Error>"));
    ck_assert_int_eq(xml_count(&r, "RequestID"), 1);
    reply_free(&r);
}

START_TEST(refuses_bad_credentials)
{
    const char *params[] = { DESCRIBE, NULL };
    sign_opts wrong = get256, unknown = get256, post_wrong = get256;
    wrong.secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ";
    unknown.key_id = "AKIAUNKNOWNEXAMPLE";
    post_wrong.method = AWSV2_POST, post_wrong.hash = AWSV2_HMAC_SHA1;
    post_wrong.secret = wrong.secret;
    refused(&wrong, params, 401, "AuthFailure");
    refused(&post_wrong, params, 401, "AuthFailure");
    refused(&unknown, params, 401, "AuthFailure");
}
END_TEST

START_TEST(refuses_stale_requests)
{
    const char *params[] = { DESCRIBE, NULL };
    sign_opts stale = get256, future = get256, expired = get256;
    stale.when = time(NULL) - 16 * 60;
    future.when = time(NULL) + 16 * 60;
    expired.when = time(NULL) - 5, expired.expires = true;
    refused(&stale, params, 400, "RequestExpired");
    refused(&future, params, 400, "RequestExpired");
    refused(&expired, params, 400, "RequestExpired");
    stale.when = time(NULL) - 14 * 60; /* inside the window */
    reply r = describe(&stale, 200, NULL);
    reply_free(&r);
}
END_TEST

START_TEST(refuses_bad_actions)
{
    const char *none[] = { "Version", "2016-11-15", NULL };
    const char *unknown[] = { "Action", "DescribeUnicorns", NULL };
    refused(&get256, none, 400, "MissingParameter");
    refused(&get256, unknown, 400, "InvalidAction");
}
END_TEST

START_TEST(refuses_tampering)
{
    /* A valid signature on one set of parameters does not cover another. */
    char url[512];
    reply r = http("GET", mock.url, NULL, 0, NULL, NULL);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(error_code(&r), "MissingParameter");
    reply_free(&r);
    snprintf(url, sizeof url,
             "%s?Action=DescribeInstances&AWSAccessKeyId=" KEY_ID "&SignatureVersion=1"
             "&SignatureMethod=HmacSHA256&Timestamp=2030-01-01T00:00:00Z&Signature=x",
             mock.url);
    r = http("GET", url, NULL, 0, NULL, NULL);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(error_code(&r), "InvalidParameterValue");
    reply_free(&r);
    snprintf(url, sizeof url,
             "%s?Action=DescribeInstances&AWSAccessKeyId=" KEY_ID "&SignatureVersion=2"
             "&SignatureMethod=HmacMD5&Timestamp=2030-01-01T00:00:00Z&Signature=x",
             mock.url);
    r = http("GET", url, NULL, 0, NULL, NULL);
    ck_assert_str_eq(error_code(&r), "InvalidParameterValue");
    reply_free(&r);
}
END_TEST

START_TEST(filters)
{
    const char *running[] = { "Filter.1.Name", "instance-state-name", "Filter.1.Value.1",
                              "running", NULL };
    const char *two_states[] = { "Filter.1.Name", "instance-state-name", "Filter.1.Value.1",
                                 "running", "Filter.1.Value.2", "stopped", NULL };
    const char *db[] = { "Filter.1.Name", "tag:role", "Filter.1.Value.1", "db", NULL };
    const char *and[] = { "Filter.1.Name", "tag:role", "Filter.1.Value.1", "web",
                          "Filter.2.Name", "instance-state-name", "Filter.2.Value.1", "running",
                          NULL };
    const char *wild[] = { "Filter.1.Name", "instance-type", "Filter.1.Value.1", "t3.*", NULL };
    const char *by_id[] = { "Filter.1.Name", "instance-id", "Filter.1.Value.1",
                            "i-0a1b2c3d4e5f60004", NULL };
    const char *ids[] = { "InstanceId.1", "i-0a1b2c3d4e5f60002", "InstanceId.2",
                          "i-0a1b2c3d4e5f60007", NULL };
    const char *none[] = { "Filter.1.Name", "tag:env", "Filter.1.Value.1", "qa", NULL };
    ck_assert_int_eq(instances_of(running), 3);
    ck_assert_int_eq(instances_of(two_states), 4);
    ck_assert_int_eq(instances_of(db), 2);
    ck_assert_int_eq(instances_of(and), 2);
    ck_assert_int_eq(instances_of(wild), 3);
    ck_assert_int_eq(instances_of(by_id), 1);
    ck_assert_int_eq(instances_of(ids), 2);
    ck_assert_int_eq(instances_of(none), 0);
}
END_TEST

START_TEST(filter_errors)
{
    const char *bad_name[] = { DESCRIBE, "Filter.1.Name", "colour", "Filter.1.Value.1", "x", NULL };
    const char *no_name[] = { DESCRIBE, "Filter.1.Value.1", "x", NULL };
    const char *no_id[] = { DESCRIBE, "InstanceId.1", "i-00000000000000000", NULL };
    const char *both[] = { DESCRIBE, "InstanceId.1", "i-0a1b2c3d4e5f60002", "MaxResults", "5",
                           NULL };
    refused(&get256, bad_name, 400, "InvalidParameterValue");
    refused(&get256, no_name, 400, "MissingParameter");
    refused(&get256, no_id, 400, "InvalidInstanceID.NotFound");
    refused(&get256, both, 400, "InvalidParameterCombination");
}
END_TEST

START_TEST(pages)
{
    const char *first[] = { "MaxResults", "5", NULL };
    reply r = describe(&get256, 200, first);
    char *token = xml_text(&r, "nextToken", 0);
    ck_assert_int_eq(xml_count(&r, "instanceId"), 5);
    ck_assert_ptr_nonnull(token);
    reply_free(&r);
    const char *second[] = { "MaxResults", "5", "NextToken", token, NULL };
    r = describe(&get256, 200, second);
    ck_assert_int_eq(xml_count(&r, "instanceId"), 2);
    ck_assert_int_eq(xml_count(&r, "nextToken"), 0);
    char *id = xml_text(&r, "instanceId", 1);
    ck_assert_str_eq(id, "i-0a1b2c3d4e5f60007");
    free(id);
    free(token);
    reply_free(&r);

    const char *too_small[] = { DESCRIBE, "MaxResults", "4", NULL };
    const char *too_big[] = { DESCRIBE, "MaxResults", "1001", NULL };
    const char *forged[] = { DESCRIBE, "NextToken", "bm90LWEtdG9rZW4=", NULL };
    refused(&get256, too_small, 400, "InvalidParameterValue");
    refused(&get256, too_big, 400, "InvalidParameterValue");
    refused(&get256, forged, 400, "InvalidParameterValue");
}
END_TEST

/* A data set from a file: 2 reservations of 6 instances each. */
static char instances_file[4096];

static void start_with_file(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(instances_file, sizeof instances_file, "%s/awsv2-mock-instances-XXXXXX",
             tmp && *tmp ? tmp : ".");
    int fd = mkstemp(instances_file);
    FILE *f = fdopen(fd, "w");
    fputs("{\"reservations\": [", f);
    for (int r = 0; r < 2; r++) {
        fprintf(f, "%s{\"id\": \"r-%d\", \"instances\": [", r ? "," : "", r);
        for (int i = 0; i < 6; i++)
            fprintf(f, "%s{\"id\": \"i-%d%d\", \"type\": \"t4g.nano\", \"state\": \"%s\","
                       " \"tags\": {\"n\": \"%d\"}}",
                    i ? "," : "", r, i, i % 2 ? "stopped" : "running", i);
        fputs("]}", f);
    }
    fputs("]}", f);
    fclose(f);
    const char *extra[] = { "--instances", instances_file, NULL };
    mock_start(&mock, extra);
}

static void stop_with_file(void)
{
    unlink(instances_file);
    stop();
}

START_TEST(file_pages)
{
    const char *params[] = { "MaxResults", "5", NULL, NULL, NULL };
    int per_page[3], reservations[3], pages = 0;
    char *token = NULL;
    do {
        reply r = describe(&get256, 200, params);
        ck_assert_int_lt(pages, 3);
        per_page[pages] = xml_count(&r, "instanceId");
        reservations[pages++] = xml_count(&r, "reservationId");
        free(token);
        token = xml_text(&r, "nextToken", 0);
        params[2] = "NextToken", params[3] = token;
        reply_free(&r);
    } while (token != NULL);
    ck_assert_int_eq(pages, 3);
    /* A reservation cut by a page boundary appears on both pages. */
    static const int want_instances[] = { 5, 5, 2 }, want_reservations[] = { 1, 2, 1 };
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(per_page[i], want_instances[i]);
        ck_assert_int_eq(reservations[i], want_reservations[i]);
    }
    const char *stopped[] = { "Filter.1.Name", "instance-state-name", "Filter.1.Value.1",
                              "stopped", "Filter.2.Name", "tag:n", "Filter.2.Value.1", "?", NULL };
    ck_assert_int_eq(instances_of(stopped), 6);
}
END_TEST

/* --bind ::1, where the machine has IPv6 loopback. */
static bool have_ipv6;

static void start_ipv6(void)
{
    struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    have_ipv6 = fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    if (fd >= 0)
        close(fd);
    static const char *const extra[] = { "--bind", "::1", NULL };
    if (have_ipv6)
        mock_start(&mock, extra);
}

static void stop_ipv6(void)
{
    if (have_ipv6)
        stop();
}

START_TEST(ipv6)
{
    if (!have_ipv6)
        return; /* nothing to test here */
    ck_assert_int_eq(strncmp(mock.url, "http://[::1]:", 13), 0);
    static const sign_opts post1 = { AWSV2_POST, AWSV2_HMAC_SHA1, NULL, NULL, 0, false };
    reply r = describe(&post1, 200, NULL);
    ck_assert_int_eq(xml_count(&r, "instanceId"), 7);
    reply_free(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mock-ec2");
    TCase *tc = tcase_create("ec2");
    tcase_add_unchecked_fixture(tc, start, stop);
    tcase_add_test(tc, signed_every_way);
    tcase_add_test(tc, answers_in_the_version_asked);
    tcase_add_test(tc, lists_the_data);
    tcase_add_test(tc, refuses_bad_credentials);
    tcase_add_test(tc, refuses_stale_requests);
    tcase_add_test(tc, refuses_bad_actions);
    tcase_add_test(tc, refuses_tampering);
    tcase_add_test(tc, filters);
    tcase_add_test(tc, filter_errors);
    tcase_add_test(tc, pages);
    suite_add_tcase(s, tc);
    TCase *file = tcase_create("instances-file");
    tcase_add_unchecked_fixture(file, start_with_file, stop_with_file);
    tcase_add_test(file, file_pages);
    suite_add_tcase(s, file);
    TCase *v6 = tcase_create("ipv6");
    tcase_add_unchecked_fixture(v6, start_ipv6, stop_ipv6);
    tcase_add_test(v6, ipv6);
    suite_add_tcase(s, v6);
    return check_run(s);
}
