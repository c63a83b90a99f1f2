/* awsv2-mock's SQS side against the real program: queues, a round trip
 * with attributes and both MD5s checked against values computed here,
 * visibility, delays, long polling and SQS's error shape. */
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <openssl/evp.h>

#include "../common/check_run.h"
#include "harness.h"

static mock_proc mock;
static char queue_url[512];

static const sign_opts post = { AWSV2_POST, AWSV2_HMAC_SHA256, NULL, NULL, 0, false };
static const sign_opts get1 = { AWSV2_GET, AWSV2_HMAC_SHA1, NULL, NULL, 0, false };

static reply sqs(const char *endpoint, const sign_opts *o, long status, const char *const *params)
{
    reply r = call(endpoint, o, params);
    ck_assert_msg(r.status == status, "status %ld, wanted %ld: %s", r.status, status,
                  r.body ? r.body : "");
    return r;
}

static void start(void)
{
    mock_start(&mock, NULL);
    snprintf(queue_url, sizeof queue_url, "%s123456789012/test-queue_1", mock.url);
}

static void stop(void) { ck_assert_int_eq(mock_stop(&mock), 0); }

static void create_queue(const char *name)
{
    const char *params[] = { "Action", "CreateQueue", "QueueName", name, NULL };
    reply r = sqs(mock.url, &post, 200, params);
    reply_free(&r);
}

START_TEST(queues)
{
    const char *create[] = { "Action", "CreateQueue", "QueueName", "test-queue_1", NULL };
    const char *get[] = { "Action", "GetQueueUrl", "QueueName", "test-queue_1", NULL };
    for (int i = 0; i < 2; i++) { /* CreateQueue is idempotent */
        reply r = sqs(mock.url, &post, 200, create);
        char *url = xml_text(&r, "QueueUrl", 0);
        ck_assert_str_eq(url, queue_url);
        ck_assert_ptr_nonnull(strstr(r.body, "<CreateQueueResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><CreateQueueResult><QueueUrl>"));
        ck_assert_int_eq(xml_count(&r, "RequestId"), 1);
        free(url);
        reply_free(&r);
    }
    reply r = sqs(mock.url, &get1, 200, get);
    char *url = xml_text(&r, "QueueUrl", 0);
    ck_assert_str_eq(url, queue_url);
    free(url);
    reply_free(&r);
}
END_TEST

static void sqs_refused(const char *endpoint, const sign_opts *o, const char *const *params,
                        long status, const char *code)
{
    reply r = sqs(endpoint, o, status, params);
    ck_assert_str_eq(error_code(&r), code);
    ck_assert_ptr_nonnull(strstr(r.body, "<ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><Error><Type>Sender</Type><Code>"));
    ck_assert_int_eq(xml_count(&r, "RequestId"), 1);
    ck_assert_int_eq(xml_count(&r, "Detail"), 1);
    reply_free(&r);
}

START_TEST(errors)
{
    char missing_url[512];
    const char *missing[] = { "Action", "GetQueueUrl", "QueueName", "nope", NULL };
    const char *bad_name[] = { "Action", "CreateQueue", "QueueName", "no spaces", NULL };
    const char *send[] = { "Action", "SendMessage", "MessageBody", "x", NULL };
    const char *no_body[] = { "Action", "SendMessage", NULL };
    const char *too_late[] = { "Action", "SendMessage", "MessageBody", "x", "DelaySeconds", "901", NULL };
    const char *bad_handle[] = { "Action", "DeleteMessage", "ReceiptHandle", "forged", NULL };
    const char *bad_chars[] = { "Action", "SendMessage", "MessageBody", "bell\x07", NULL };
    const char *too_many[] = { "Action", "ReceiveMessage", "MaxNumberOfMessages", "11", NULL };
    sign_opts wrong = post, unknown = post;
    wrong.secret = "not the secret";
    unknown.key_id = "AKIAUNKNOWNEXAMPLE";
    snprintf(missing_url, sizeof missing_url, "%s123456789012/nope", mock.url);
    create_queue("test-queue_1");
    sqs_refused(mock.url, &post, missing, 400, "AWS.SimpleQueueService.NonExistentQueue");
    sqs_refused(missing_url, &post, send, 400, "AWS.SimpleQueueService.NonExistentQueue");
    sqs_refused(mock.url, &post, bad_name, 400, "InvalidParameterValue");
    sqs_refused(queue_url, &wrong, send, 403, "SignatureDoesNotMatch");
    sqs_refused(queue_url, &unknown, send, 403, "InvalidClientTokenId");
    sqs_refused(queue_url, &post, no_body, 400, "MissingParameter");
    sqs_refused(queue_url, &post, too_late, 400, "InvalidParameterValue");
    sqs_refused(queue_url, &post, bad_handle, 400, "ReceiptHandleIsInvalid");
    sqs_refused(queue_url, &post, bad_chars, 400, "InvalidMessageContents");
    sqs_refused(queue_url, &post, too_many, 400, "InvalidParameterValue");
}
END_TEST

/* AWS's MD5OfMessageAttributes, written independently of the mock: for
 * each attribute by name, length-prefixed (4 bytes big-endian) name and
 * type, a transport byte (1 string, 2 binary) and the length-prefixed
 * value. Here for attributes already in name order. */
static void put(EVP_MD_CTX *md, const void *p, size_t n)
{
    unsigned char be[4] = { (unsigned char)(n >> 24), (unsigned char)(n >> 16),
                            (unsigned char)(n >> 8), (unsigned char)n };
    EVP_DigestUpdate(md, be, 4);
    EVP_DigestUpdate(md, p, n);
}

static void expected_attrs_md5(char hex[33])
{
    static const unsigned char bin[] = { 0x00, 0x01, 0xfe, 0xff };
    unsigned char d[16], two = 2, one = 1;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_md5(), NULL);
    put(md, "blob", 4), put(md, "Binary", 6), EVP_DigestUpdate(md, &two, 1), put(md, bin, 4);
    put(md, "count", 5), put(md, "Number", 6), EVP_DigestUpdate(md, &one, 1), put(md, "42", 2);
    put(md, "greeting", 8), put(md, "String.custom", 13), EVP_DigestUpdate(md, &one, 1);
    put(md, "h\xc3\xa9llo", 6);
    EVP_DigestFinal_ex(md, d, NULL);
    EVP_MD_CTX_free(md);
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* Attributes sent out of name order, to test the sorting. */
#define ATTRS                                                                                    \
    "MessageAttribute.1.Name", "greeting", "MessageAttribute.1.Value.DataType", "String.custom", \
        "MessageAttribute.1.Value.StringValue", "h\xc3\xa9llo", "MessageAttribute.2.Name",       \
        "count", "MessageAttribute.2.Value.DataType", "Number",                                  \
        "MessageAttribute.2.Value.StringValue", "42", "MessageAttribute.3.Name", "blob",         \
        "MessageAttribute.3.Value.DataType", "Binary", "MessageAttribute.3.Value.BinaryValue",   \
        "AAH+/w=="

static const char body[] = "Hello, \xe4\xb8\x96\xe7\x95\x8c & <friends>\r\n\ttab \xf0\x9f\x98\x80 +%";

START_TEST(round_trip)
{
    const char *send[] = { "Action", "SendMessage", "MessageBody", body, ATTRS, NULL };
    const char *receive[] = { "Action", "ReceiveMessage", "MaxNumberOfMessages", "10",
                              "MessageAttributeName.1", "All", "AttributeName.1", "All", NULL };
    char want_body[33], want_attrs[33];
    create_queue("test-queue_1");
    md5_hex(body, strlen(body), want_body);
    expected_attrs_md5(want_attrs);

    reply r = sqs(queue_url, &post, 200, send);
    char *md5_body = xml_text(&r, "MD5OfMessageBody", 0);
    char *md5_attrs = xml_text(&r, "MD5OfMessageAttributes", 0);
    char *id = xml_text(&r, "MessageId", 0);
    ck_assert_str_eq(md5_body, want_body);
    ck_assert_str_eq(md5_attrs, want_attrs);
    ck_assert_int_eq(strlen(id), 36);
    free(md5_body), free(md5_attrs);
    reply_free(&r);

    r = sqs(queue_url, &get1, 200, receive);
    ck_assert_int_eq(xml_count(&r, "Message"), 1);
    char *got = xml_text(&r, "Body", 0), *got_id = xml_text(&r, "MessageId", 0);
    char *got_md5 = xml_text(&r, "MD5OfBody", 0);
    char *got_attrs_md5 = xml_text(&r, "MD5OfMessageAttributes", 0);
    char *bin = xml_text(&r, "BinaryValue", 0), *handle = xml_text(&r, "ReceiptHandle", 0);
    ck_assert_str_eq(got, body);
    ck_assert_str_eq(got_id, id);
    ck_assert_str_eq(got_md5, want_body);
    ck_assert_str_eq(got_attrs_md5, want_attrs);
    ck_assert_str_eq(bin, "AAH+/w==");
    ck_assert_int_eq(xml_count(&r, "MessageAttribute"), 3);
    ck_assert_ptr_nonnull(strstr(r.body, "<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>"));
    free(got), free(got_id), free(got_md5), free(got_attrs_md5), free(bin), free(id);
    reply_free(&r);

    /* Hidden while in flight, gone once deleted. */
    const char *again[] = { "Action", "ReceiveMessage", NULL };
    r = sqs(queue_url, &post, 200, again);
    ck_assert_int_eq(xml_count(&r, "Message"), 0);
    reply_free(&r);
    const char *del[] = { "Action", "DeleteMessage", "ReceiptHandle", handle, NULL };
    r = sqs(queue_url, &post, 200, del);
    ck_assert_ptr_nonnull(strstr(r.body, "<DeleteMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><ResponseMetadata><RequestId>"));
    reply_free(&r);
    free(handle);
}
END_TEST

START_TEST(selected_attributes)
{
    const char *send[] = { "Action", "SendMessage", "MessageBody", "attrs", ATTRS, NULL };
    const char *receive[] = { "Action", "ReceiveMessage", "MessageAttributeName.1", "count",
                              "VisibilityTimeout", "0", NULL };
    const char *plain[] = { "Action", "ReceiveMessage", NULL };
    char want[33];
    unsigned char one = 1, d[16];
    create_queue("selected");
    char url[512];
    snprintf(url, sizeof url, "%s123456789012/selected", mock.url);
    reply r = sqs(url, &post, 200, send);
    reply_free(&r);
    /* The MD5 covers exactly the attributes returned. */
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_md5(), NULL);
    put(md, "count", 5), put(md, "Number", 6), EVP_DigestUpdate(md, &one, 1), put(md, "42", 2);
    EVP_DigestFinal_ex(md, d, NULL);
    EVP_MD_CTX_free(md);
    for (int i = 0; i < 16; i++)
        snprintf(want + 2 * i, 3, "%02x", d[i]);
    r = sqs(url, &post, 200, receive);
    char *md5 = xml_text(&r, "MD5OfMessageAttributes", 0);
    ck_assert_int_eq(xml_count(&r, "MessageAttribute"), 1);
    ck_assert_str_eq(md5, want);
    free(md5);
    reply_free(&r);
    r = sqs(url, &post, 200, plain); /* VisibilityTimeout=0: visible again */
    ck_assert_int_eq(xml_count(&r, "Message"), 1);
    ck_assert_int_eq(xml_count(&r, "MessageAttribute"), 0);
    ck_assert_int_eq(xml_count(&r, "MD5OfMessageAttributes"), 0);
    reply_free(&r);
}
END_TEST

static double now_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return tv.tv_sec + tv.tv_usec / 1e6;
}

START_TEST(delay_and_long_poll)
{
    const char *send[] = { "Action", "SendMessage", "MessageBody", "later", "DelaySeconds", "1", NULL };
    const char *now[] = { "Action", "ReceiveMessage", NULL };
    const char *wait[] = { "Action", "ReceiveMessage", "WaitTimeSeconds", "5", NULL };
    char url[512];
    create_queue("delayed");
    snprintf(url, sizeof url, "%s123456789012/delayed", mock.url);
    reply r = sqs(url, &post, 200, send);
    reply_free(&r);
    r = sqs(url, &post, 200, now);
    ck_assert_int_eq(xml_count(&r, "Message"), 0);
    reply_free(&r);
    double t0 = now_s();
    r = sqs(url, &post, 200, wait);
    double took = now_s() - t0;
    char *got = xml_text(&r, "Body", 0);
    ck_assert_str_eq(got, "later");
    ck_assert_msg(took < 4.0, "long poll took %.2f s", took);
    free(got);
    reply_free(&r);
}
END_TEST

START_TEST(big_body)
{
    size_t n = 262144;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + i % 26);
    big[n] = '\0';
    const char *send[] = { "Action", "SendMessage", "MessageBody", big, NULL };
    const char *receive[] = { "Action", "ReceiveMessage", NULL };
    char url[512];
    create_queue("big");
    snprintf(url, sizeof url, "%s123456789012/big", mock.url);
    reply r = sqs(url, &post, 200, send);
    reply_free(&r);
    r = sqs(url, &post, 200, receive);
    char *got = xml_text(&r, "Body", 0);
    ck_assert_ptr_nonnull(got);
    ck_assert_int_eq(strlen(got), n);
    ck_assert_int_eq(memcmp(got, big, n), 0);
    free(got);
    reply_free(&r);
    big[n - 1] = '\0';
    big[n - 2] = '\0';
    const char *attr_too_big[] = { "Action", "SendMessage", "MessageBody", big,
                                   "MessageAttribute.1.Name", "a",
                                   "MessageAttribute.1.Value.DataType", "String",
                                   "MessageAttribute.1.Value.StringValue", "bcdefgh", NULL };
    sqs_refused(url, &post, attr_too_big, 400, "InvalidParameterValue");
    free(big);
}
END_TEST

/* Senders on 8 threads beside a long poll (whichever comes first, it gets
 * one message), then every message received exactly once. */
#define SENDERS 8
#define PER_SENDER 25

static char busy_url[512];

static void *sender(void *arg)
{
    char text[32];
    for (int i = 0; i < PER_SENDER; i++) {
        snprintf(text, sizeof text, "m-%d-%d", (int)(intptr_t)arg, i);
        const char *send[] = { "Action", "SendMessage", "MessageBody", text, NULL };
        reply r = call(busy_url, &post, send);
        if (r.status != 200)
            return (void *)1; /* failed */
        reply_free(&r);
    }
    return NULL;
}

static void *long_poll(void *arg)
{
    const char *wait[] = { "Action", "ReceiveMessage", "WaitTimeSeconds", "20", NULL };
    double t0 = now_s();
    reply r = call(busy_url, &post, wait);
    *(double *)arg = xml_count(&r, "Message") == 1 ? now_s() - t0 : -1;
    reply_free(&r);
    return NULL;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(concurrent)
{
    pthread_t poller, threads[SENDERS];
    double waited = 0;
    char *seen[SENDERS * PER_SENDER];
    int n = 0;
    create_queue("busy");
    snprintf(busy_url, sizeof busy_url, "%s123456789012/busy", mock.url);
    pthread_create(&poller, NULL, long_poll, &waited);
    for (intptr_t i = 0; i < SENDERS; i++)
        pthread_create(&threads[i], NULL, sender, (void *)i);
    for (int i = 0; i < SENDERS; i++) {
        void *failed;
        pthread_join(threads[i], &failed);
        ck_assert_ptr_null(failed);
    }
    pthread_join(poller, NULL);
    ck_assert_msg(waited >= 0 && waited < 10, "long poll: %.2f s", waited);
    const char *receive[] = { "Action", "ReceiveMessage", "MaxNumberOfMessages", "10",
                              "VisibilityTimeout", "60", NULL };
    for (int got = 1; got > 0;) {
        reply r = sqs(busy_url, &post, 200, receive);
        got = xml_count(&r, "Message");
        for (int i = 0; i < got; i++) {
            ck_assert_int_lt(n, SENDERS * PER_SENDER);
            seen[n++] = xml_text(&r, "Body", i);
        }
        reply_free(&r);
    }
    /* The long poll took one; the rest arrive once each. */
    ck_assert_int_eq(n, SENDERS * PER_SENDER - 1);
    qsort(seen, (size_t)n, sizeof *seen, by_string);
    for (int i = 1; i < n; i++)
        ck_assert_str_ne(seen[i - 1], seen[i]);
    for (int i = 0; i < n; i++)
        free(seen[i]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mock-sqs");
    TCase *tc = tcase_create("sqs");
    tcase_add_unchecked_fixture(tc, start, stop);
    tcase_add_test(tc, queues);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, selected_attributes);
    tcase_add_test(tc, delay_and_long_poll);
    tcase_add_test(tc, big_body);
    tcase_add_test(tc, concurrent);
    suite_add_tcase(s, tc);
    return check_run(s);
}
