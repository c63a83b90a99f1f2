/* Endpoint URLs: the host and path lines of the string to sign, and the
 * URLs awsv2_request_new must refuse. */
#include <stdio.h>
#include <string.h>

#include "harness.h"

/* The host and path lines the string to sign takes from url. */
static void check_endpoint(const char *url, const char *host, const char *path)
{
    awsv2_request *req;
    awsv2_error err = AWSV2_ERROR_INIT;
    const char *sts;
    size_t len;
    char want[512];
    ck_assert_msg(awsv2_request_new(&req, AWSV2_GET, url, &err) == AWSV2_OK, "%s: %s", url,
                  err.message);
    ck_assert_str_eq(awsv2_request_host(req), host);
    ck_assert_int_eq(awsv2_request_string_to_sign(req, &sts, &len, &err), AWSV2_OK);
    snprintf(want, sizeof want, "GET\n%s\n%s\n", host, path);
    ck_assert_str_eq(sts, want);
    awsv2_request_free(req);
}

static void check_rejected(const char *url)
{
    awsv2_request *req = NULL;
    awsv2_error err = {0};
    awsv2_status st = awsv2_request_new(&req, AWSV2_GET, url, &err);
    ck_assert_msg(st != AWSV2_OK, "'%s' accepted", url ? url : "(null)");
    ck_assert_int_eq(st, AWSV2_E_INVALID);
    ck_assert_int_eq(err.status, st);
    ck_assert_str_ne(err.message, "");
    if (url && *url)
        ck_assert_msg(strstr(err.message, url) != NULL, "message '%s' does not name '%s'",
                      err.message, url);
}

START_TEST(host_lower_cased)
{
    check_endpoint("https://EC2.Us-West-2.AmazonAWS.com/", "ec2.us-west-2.amazonaws.com", "/");
    check_endpoint("HTTPS://ec2.amazonaws.com/", "ec2.amazonaws.com", "/");
}
END_TEST

START_TEST(default_ports_dropped)
{
    check_endpoint("http://example.com:80/", "example.com", "/");
    check_endpoint("https://example.com:443/", "example.com", "/");
}
END_TEST

/* A port is only default for its own scheme. */
START_TEST(other_ports_kept)
{
    check_endpoint("http://localhost:4566", "localhost:4566", "/");
    check_endpoint("http://LocalHost:4566/", "localhost:4566", "/");
    check_endpoint("http://example.com:443/", "example.com:443", "/");
    check_endpoint("https://example.com:80/", "example.com:80", "/");
    check_endpoint("http://127.0.0.1:65535/", "127.0.0.1:65535", "/");
    check_endpoint("http://127.0.0.1:1/", "127.0.0.1:1", "/");
}
END_TEST

START_TEST(ipv6)
{
    check_endpoint("http://[::1]:8080/", "[::1]:8080", "/");
    check_endpoint("http://[::1]/", "[::1]", "/");
    check_endpoint("http://[::1]:80/", "[::1]", "/");
    check_endpoint("https://[FE80::1]:8443/x", "[fe80::1]:8443", "/x");
}
END_TEST

START_TEST(paths)
{
    check_endpoint("https://sqs.eu-west-1.amazonaws.com", "sqs.eu-west-1.amazonaws.com", "/");
    check_endpoint("https://sqs.eu-west-1.amazonaws.com/123456789012/orders",
                   "sqs.eu-west-1.amazonaws.com", "/123456789012/orders");
    check_endpoint("http://localhost:4566/000000000000/My-Queue.fifo", "localhost:4566",
                   "/000000000000/My-Queue.fifo");
}
END_TEST

START_TEST(get_url_joins_endpoint_and_query)
{
    awsv2_request *req;
    static const uint8_t mac[32];
    ck_assert_int_eq(awsv2_request_new(&req, AWSV2_GET, "http://localhost:4566/q", NULL),
                     AWSV2_OK);
    ck_assert_int_eq(awsv2_request_set_auth(req, TEST_KEY_ID, NULL, AWSV2_HMAC_SHA256, NULL),
                     AWSV2_OK);
    ck_assert_int_eq(awsv2_request_set_mac(req, mac, sizeof mac, NULL), AWSV2_OK);
    const char *url = awsv2_request_url(req);
    ck_assert_int_eq(strncmp(url, "http://localhost:4566/q?AWSAccessKeyId=", 39), 0);
    ck_assert_str_eq(url + strlen("http://localhost:4566/q?"), awsv2_request_query(req));
    awsv2_request_free(req);
}
END_TEST

START_TEST(rejected)
{
    static const char *const bad[] = {
        "ftp://example.com/",
        "example.com",
        "",
        "http://",
        "https:///path",
        "http://:8080/",
        "http://example.com/?Action=x",
        "http://example.com?Action=x",
        "http://example.com/#frag",
        "http://user@example.com/",
        "http://user:pass@example.com/",
        "http://example.com:0/",
        "http://example.com:65536/",
        "http://example.com:99999/",
        "http://example.com:abc/",
        "http://example.com:/",
        "http://example.com:-1/",
        "http://exa mple.com/",
        "http://example.com/a b",
        "http://example.com/a\nb",
        "http://exa\nmple.com/",
        "http://example.com/\r",
        "http://example.com/\t",
        "http://example.com/\x7f",
        "http://example.com/caf\xc3\xa9",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        check_rejected(bad[i]);
}
END_TEST

START_TEST(rejected_null)
{
    check_rejected(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("endpoint");
    TCase *tc = tcase_create("endpoint");
    tcase_add_test(tc, host_lower_cased);
    tcase_add_test(tc, default_ports_dropped);
    tcase_add_test(tc, other_ports_kept);
    tcase_add_test(tc, ipv6);
    tcase_add_test(tc, paths);
    tcase_add_test(tc, get_url_joins_endpoint_and_query);
    tcase_add_test(tc, rejected);
    tcase_add_test(tc, rejected_null);
    suite_add_tcase(s, tc);
    return core_run(s);
}
