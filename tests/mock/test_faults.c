/* awsv2-mock's failure injection (--fail-503, --fail-throttle,
 * --wrong-md5, the control endpoint) and its robustness against garbage:
 * malformed encodings, oversized bodies, odd methods and headers, raw
 * junk on the socket. The mock must answer, never crash. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/check_run.h"
#include "harness.h"

static mock_proc mock;
static const sign_opts get = { AWSV2_GET, AWSV2_HMAC_SHA256, NULL, NULL, 0, false };
static const char *const describe[] = { "Action", "DescribeInstances", NULL };

static void stop(void) { ck_assert_int_eq(mock_stop(&mock), 0); }

static void expect(reply *r, long status, const char *code)
{
    ck_assert_msg(r->status == status, "status %ld, wanted %ld: %s", r->status, status,
                  r->body ? r->body : "");
    if (code != NULL)
        ck_assert_str_eq(error_code(r), code);
    reply_free(r);
}

static void start_faulty(void)
{
    static const char *const extra[] = { "--fail-503", "2", "--fail-throttle", "1",
                                         "--wrong-md5", NULL };
    mock_start(&mock, extra);
}

START_TEST(injected_failures)
{
    char queue[512];
    const char *create[] = { "Action", "CreateQueue", "QueueName", "q", NULL };
    reply r = call(mock.url, &get, describe);
    expect(&r, 503, "Unavailable");
    r = call(mock.url, &get, create);
    ck_assert_ptr_nonnull(strstr(r.body, "<Type>Receiver</Type>"));
    expect(&r, 503, "ServiceUnavailable");
    r = call(mock.url, &get, describe);
    expect(&r, 400, "RequestLimitExceeded");
    r = call(mock.url, &get, describe);
    expect(&r, 200, NULL);

    /* The control endpoint: unsigned, loopback only, 204. */
    snprintf(queue, sizeof queue, "%s_mock/fail?status=500&count=2", mock.url);
    r = http("POST", queue, "", 0, NULL, NULL);
    expect(&r, 204, NULL);
    r = call(mock.url, &get, describe);
    expect(&r, 500, "InternalError");
    r = call(mock.url, &get, create);
    expect(&r, 500, "InternalFailure");
    r = call(mock.url, &get, create);
    expect(&r, 200, NULL);
    snprintf(queue, sizeof queue, "%s_mock/fail?status=503&count=1", mock.url);
    r = http("POST", queue, "", 0, NULL, NULL);
    expect(&r, 204, NULL);
    r = call(mock.url, &get, create);
    expect(&r, 503, "ServiceUnavailable");
    snprintf(queue, sizeof queue, "%s_mock/fail?status=404&count=1", mock.url);
    r = http("POST", queue, "", 0, NULL, NULL);
    expect(&r, 400, NULL);
    snprintf(queue, sizeof queue, "%s_mock/fail?status=503&count=x", mock.url);
    r = http("POST", queue, "", 0, NULL, NULL);
    expect(&r, 400, NULL);
}
END_TEST

START_TEST(wrong_md5)
{
    char queue[512], want[33];
    const char *send[] = { "Action", "SendMessage", "MessageBody", "hello",
                           "MessageAttribute.1.Name", "a",
                           "MessageAttribute.1.Value.DataType", "String",
                           "MessageAttribute.1.Value.StringValue", "b", NULL };
    snprintf(queue, sizeof queue, "%s123456789012/q", mock.url);
    md5_hex("hello", 5, want);
    reply r = call(queue, &get, send);
    char *md5 = xml_text(&r, "MD5OfMessageBody", 0), *attrs = xml_text(&r, "MD5OfMessageAttributes", 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(strlen(md5), 32);
    ck_assert_str_ne(md5, want);
    ck_assert_int_eq(strlen(attrs), 32);
    free(md5), free(attrs);
    reply_free(&r);
}
END_TEST

static void start_plain(void) { mock_start(&mock, NULL); }

static reply get_url(const char *query)
{
    char url[1024];
    snprintf(url, sizeof url, "%s%s", mock.url, query);
    return http("GET", url, NULL, 0, NULL, NULL);
}

START_TEST(malformed_queries)
{
    static const char *const bad[] = {
        "?Action=DescribeInstances&x=%zz", "?Action=DescribeInstances&x=%4",
        "?Action=DescribeInstances&x=%00", "?Action=DescribeInstances&Action=CreateQueue",
        "?=novalue&Action=DescribeInstances", "?Action=DescribeInstances&Action",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        reply r = get_url(bad[i]);
        expect(&r, 400, "MalformedQueryString");
    }
    reply r = get_url("?%ff%fe=%c3"); /* well-formed, if not UTF-8 */
    expect(&r, 400, "MissingParameter");
    r = get_url("?&&&=&");
    expect(&r, 400, "MalformedQueryString");
    r = get_url("?Action=%3Cscript%3E%26%ff");
    ck_assert_ptr_nonnull(strstr(r.body, "&lt;script&gt;&amp;\xef\xbf\xbd"));
    expect(&r, 400, "InvalidAction");
    r = get_url("?Action=DescribeInstances&AWSAccessKeyId=" KEY_ID "&SignatureVersion=2"
                "&SignatureMethod=HmacSHA256&Timestamp=yesterday&Signature=x");
    expect(&r, 400, "InvalidParameterValue");
    r = get_url("?Action=DescribeInstances&AWSAccessKeyId=" KEY_ID "&SignatureVersion=2"
                "&SignatureMethod=HmacSHA256&Signature=x");
    expect(&r, 400, "MissingParameter");
}
END_TEST

START_TEST(bodies)
{
    size_t n = 2u << 20;
    char *big = malloc(n);
    memset(big, 'a', n);
    memcpy(big, "Action=", 7);
    reply r = http("POST", mock.url, big, n, NULL, NULL);
    expect(&r, 413, "RequestEntityTooLarge");
    /* Chunked, so no Content-Length tells in advance. */
    r = http("POST", mock.url, big, n, NULL, "Transfer-Encoding: chunked");
    expect(&r, 413, "RequestEntityTooLarge");
    /* Under 1 MiB but 100,000 parameters: refused before any work. */
    size_t len = 0;
    for (int i = 0; i < 100000; i++)
        len += (size_t)sprintf(big + len, "%s%x=", i ? "&" : "", i);
    r = http("POST", mock.url, big, len, NULL, NULL);
    expect(&r, 400, "MalformedQueryString");
    free(big);
    r = http("POST", mock.url, "Action=DescribeInstances", 24, "application/json", NULL);
    expect(&r, 400, "InvalidParameterValue");
    r = http("POST", mock.url, "", 0, NULL, NULL);
    expect(&r, 400, "MissingParameter");
    r = http("PUT", mock.url, "Action=DescribeInstances", 24, NULL, NULL);
    expect(&r, 405, NULL);
    r = http("DELETE", mock.url, NULL, 0, NULL, NULL);
    expect(&r, 405, NULL);
}
END_TEST

START_TEST(odd_hosts)
{
    char url[512];
    snprintf(url, sizeof url,
             "%s?Action=DescribeInstances&AWSAccessKeyId=" KEY_ID "&SignatureVersion=2"
             "&SignatureMethod=HmacSHA256&Timestamp=2030-01-01T00:00:00Z&Signature=x",
             mock.url);
    static const char *const hosts[] = { "Host: a/b?c", "Host: user@host", "Host: :99999",
                                         "Host: \xff\xfe" };
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        reply r = http("GET", url, NULL, 0, NULL, hosts[i]);
        ck_assert_msg(r.status == 400 || r.status == 401, "Host %s: status %ld", hosts[i], r.status);
        reply_free(&r);
    }
}
END_TEST

/* Raw junk on a TCP connection: whatever MHD answers, the mock lives on. */
START_TEST(raw_junk)
{
    static const char *const junk[] = {
        "GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\n\r\n", "\x00\x01\x02\xff\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nAct",
    };
    unsigned port = 0;
    sscanf(mock.url, "http://127.0.0.1:%u/", &port);
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
        struct timeval tv = { 2, 0 };
        char buf[512];
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
        ck_assert_int_ge(write(fd, junk[i], strlen(junk[i]) + (i == 2 ? 8 : 0)), 1);
        shutdown(fd, SHUT_WR);
        while (read(fd, buf, sizeof buf) > 0)
            ;
        close(fd);
    }
    reply r = call(mock.url, &get, describe);
    expect(&r, 200, NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mock-faults");
    TCase *faults = tcase_create("faults");
    tcase_add_unchecked_fixture(faults, start_faulty, stop);
    tcase_add_test(faults, injected_failures);
    tcase_add_test(faults, wrong_md5);
    suite_add_tcase(s, faults);
    TCase *garbage = tcase_create("garbage");
    tcase_add_unchecked_fixture(garbage, start_plain, stop);
    tcase_add_test(garbage, malformed_queries);
    tcase_add_test(garbage, bodies);
    tcase_add_test(garbage, odd_hosts);
    tcase_add_test(garbage, raw_junk);
    suite_add_tcase(s, garbage);
    return check_run(s);
}
