/* The SQS calls against a scripted loopback server: the sized input and
 * result structs (size 0, the current size, a larger one, a too small one),
 * received messages reached through pointers, binary attributes on the wire
 * and back. Every MD5 in the scripted answers was computed with Python's
 * hashlib by AWS's documented algorithm, not by this library. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../common/check_run.h"
#include "awsv2/client.h"
#include "awsv2/credentials.h"
#include "awsv2/signer.h"
#include "awsv2/sqs.h"
#include "example_signer.h"
#include "stub_server.h"

/* md5("hi") and, for Color=String:blue + Raw=Binary:00 01 02 ff, the
 * attributes' MD5. */
#define SEND_OK                                                                             \
    "<SendMessageResponse><SendMessageResult>"                                              \
    "<MD5OfMessageBody>49f68a5c8493ec2c0bf489821c21fc3b</MD5OfMessageBody>"                 \
    "<MD5OfMessageAttributes>7babe24b0f08724641aa3c52f37d8b45</MD5OfMessageAttributes>"     \
    "<MessageId>m-1</MessageId></SendMessageResult></SendMessageResponse>"

/* md5("first \u2713"); md5("second") and, for N=Number:42 +
 * Raw=Binary:00 01 02 ff, the attributes' MD5. */
#define RECEIVE_OK                                                                          \
    "<ReceiveMessageResponse><ReceiveMessageResult>"                                        \
    "<Message><MessageId>m-1</MessageId><ReceiptHandle>rh-1</ReceiptHandle>"                \
    "<MD5OfBody>fdd8e3aeb048c2bb66860dc60bc5b2ac</MD5OfBody>"                               \
    "<Body>first \xe2\x9c\x93</Body></Message>"                                             \
    "<Message><MessageId>m-2</MessageId><ReceiptHandle>rh-2</ReceiptHandle>"                \
    "<MD5OfBody>a9f0e61a137d86aa9db53465e0801612</MD5OfBody><Body>second</Body>"            \
    "<MD5OfMessageAttributes>6e57b772a1f6832ef7090fc0593d388b</MD5OfMessageAttributes>"     \
    "<MessageAttribute><Name>Raw</Name><Value><DataType>Binary</DataType>"                  \
    "<BinaryValue>AAEC/w==</BinaryValue></Value></MessageAttribute>"                        \
    "<MessageAttribute><Name>N</Name><Value><DataType>Number</DataType>"                    \
    "<StringValue>42</StringValue></Value></MessageAttribute>"                              \
    "</Message></ReceiveMessageResult></ReceiveMessageResponse>"

#define RECEIVE_BAD_BASE64                                                                  \
    "<ReceiveMessageResponse><ReceiveMessageResult>"                                        \
    "<Message><MessageId>m-1</MessageId><ReceiptHandle>rh-1</ReceiptHandle>"                \
    "<MD5OfBody>a9f0e61a137d86aa9db53465e0801612</MD5OfBody><Body>second</Body>"            \
    "<MessageAttribute><Name>Raw</Name><Value><DataType>Binary</DataType>"                  \
    "<BinaryValue>AA=C</BinaryValue></Value></MessageAttribute>"                            \
    "</Message></ReceiveMessageResult></ReceiveMessageResponse>"

static const unsigned char raw[] = {0, 1, 2, 255};

static awsv2_credentials *creds;
static awsv2_signer *signer;

static void setup(void)
{
    example_signer(&creds, &signer);
}

static void teardown(void)
{
    awsv2_signer_close(signer);
    awsv2_credentials_free(creds);
}

static awsv2_client *client_for(struct stub_server *s)
{
    awsv2_client_options o = {.endpoint_url = stub_url(s), .signer = signer,
                              .access_key_id = "AKIAIOSFODNN7EXAMPLE", .max_attempts = 1};
    awsv2_client *c;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_client_new(&c, &o, &err) == AWSV2_OK, "%s", err.message);
    return c;
}

static void fill(awsv2_sqs_send_input *in, const char *url, const awsv2_sqs_attribute *attrs)
{
    in->queue_url = url;
    in->body = "hi";
    in->attributes = attrs;
    in->n_attributes = 2;
}

START_TEST(send_sizes)
{
    const struct stub_reply script[] = {{STUB_REPLY, 200, SEND_OK, 0}};
    struct stub_server *s = stub_start(script, 1);
    awsv2_client *c = client_for(s);
    const awsv2_sqs_attribute attrs[] = {{"Raw", "Binary", raw, sizeof raw},
                                         {"Color", "String", "blue", 4}};
    /* 0 (the first layout), the current size, and a later, larger one. */
    const size_t sizes[] = {0, sizeof(awsv2_sqs_send_input), sizeof(awsv2_sqs_send_input) + 64};
    for (size_t i = 0; i < 3; i++) {
        awsv2_sqs_send_input in = {.size = sizes[i]};
        fill(&in, stub_url(s), attrs);
        awsv2_sqs_send_result out = {.size = i == 0 ? 0 : sizeof out};
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_msg(awsv2_sqs_send_message(c, &in, &out, &err) == AWSV2_OK, "%s",
                      err.message);
        ck_assert_uint_eq(out.size, i == 0 ? 0 : sizeof out);
        ck_assert_str_eq(out.message_id, "m-1");
        ck_assert_str_eq(out.md5_of_body, "49f68a5c8493ec2c0bf489821c21fc3b");
        ck_assert_str_eq(out.md5_of_attributes, "7babe24b0f08724641aa3c52f37d8b45");
    }
    ck_assert_int_eq(stub_requests(s), 3);
    /* The binary value went out as its base64 (AAEC/w==, form-encoded). */
    char request[8192];
    stub_last_request(s, request, sizeof request);
    ck_assert_ptr_nonnull(strstr(request, "Value.BinaryValue=AAEC%2Fw%3D%3D"));
    ck_assert_ptr_nonnull(strstr(request, "Value.StringValue=blue"));
    awsv2_client_free(c);
    stub_stop(s);
}
END_TEST

START_TEST(send_refuses_too_small_sizes)
{
    const struct stub_reply script[] = {{STUB_REPLY, 200, SEND_OK, 0}};
    struct stub_server *s = stub_start(script, 1);
    awsv2_client *c = client_for(s);
    const awsv2_sqs_attribute attrs[] = {{"Raw", "Binary", raw, sizeof raw},
                                         {"Color", "String", "blue", 4}};
    awsv2_sqs_send_input in = {.size = sizeof in - 1};
    fill(&in, stub_url(s), attrs);
    awsv2_sqs_send_result out = AWSV2_SQS_SEND_RESULT_INIT;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_sqs_send_message(c, &in, &out, &err), AWSV2_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "awsv2_sqs_send_input.size"));

    in.size = sizeof in;
    awsv2_sqs_send_result small = {.size = 1};
    memset(small.message_id, 'x', sizeof small.message_id); /* must stay untouched */
    ck_assert_int_eq(awsv2_sqs_send_message(c, &in, &small, &err), AWSV2_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "awsv2_sqs_send_result.size"));
    ck_assert_int_eq(small.message_id[0], 'x');
    ck_assert_int_eq(stub_requests(s), 0); /* refused before sending */
    awsv2_client_free(c);
    stub_stop(s);
}
END_TEST

START_TEST(receive_sizes_and_messages)
{
    const struct stub_reply script[] = {{STUB_REPLY, 200, RECEIVE_OK, 0}};
    struct stub_server *s = stub_start(script, 1);
    awsv2_client *c = client_for(s);
    const size_t sizes[] = {0, sizeof(awsv2_sqs_receive_input),
                            sizeof(awsv2_sqs_receive_input) + 64};
    for (size_t i = 0; i < 3; i++) {
        awsv2_sqs_receive_input in = {.size = sizes[i], .queue_url = stub_url(s),
                                      .max_messages = 10};
        awsv2_sqs_messages *ms;
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_msg(awsv2_sqs_receive_message(c, &in, &ms, &err) == AWSV2_OK, "%s",
                      err.message);
        ck_assert_uint_eq(ms->n_messages, 2);
        const awsv2_sqs_message *first = ms->messages[0], *second = ms->messages[1];
        ck_assert_str_eq(first->message_id, "m-1");
        ck_assert_str_eq(first->receipt_handle, "rh-1");
        ck_assert_str_eq(first->body, "first \xe2\x9c\x93");
        ck_assert_uint_eq(first->body_len, 9);
        ck_assert_uint_eq(first->n_attributes, 0);
        ck_assert_str_eq(second->body, "second");
        ck_assert_uint_eq(second->n_attributes, 2);
        const awsv2_sqs_attribute *a = &second->attributes[0];
        ck_assert_str_eq(a->name, "Raw");
        ck_assert_str_eq(a->data_type, "Binary");
        ck_assert_uint_eq(a->value_len, sizeof raw);
        ck_assert_int_eq(memcmp(a->value, raw, sizeof raw), 0);
        ck_assert_int_eq(((const char *)a->value)[sizeof raw], '\0');
        ck_assert_str_eq(second->attributes[1].value, "42");
        awsv2_sqs_messages_free(ms);
    }
    awsv2_client_free(c);
    stub_stop(s);
}
END_TEST

START_TEST(receive_refuses_a_too_small_size)
{
    const struct stub_reply script[] = {{STUB_REPLY, 200, RECEIVE_OK, 0}};
    struct stub_server *s = stub_start(script, 1);
    awsv2_client *c = client_for(s);
    awsv2_sqs_receive_input in = {.size = sizeof(size_t), .queue_url = stub_url(s)};
    awsv2_sqs_messages *ms = (void *)1;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_sqs_receive_message(c, &in, &ms, &err), AWSV2_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "awsv2_sqs_receive_input.size"));
    ck_assert_ptr_null(ms);
    ck_assert_int_eq(stub_requests(s), 0);
    awsv2_client_free(c);
    stub_stop(s);
}
END_TEST

START_TEST(receive_refuses_bad_base64)
{
    const struct stub_reply script[] = {{STUB_REPLY, 200, RECEIVE_BAD_BASE64, 0}};
    struct stub_server *s = stub_start(script, 1);
    awsv2_client *c = client_for(s);
    awsv2_sqs_receive_input in = AWSV2_SQS_RECEIVE_INPUT_INIT;
    in.queue_url = stub_url(s);
    awsv2_sqs_messages *ms = (void *)1;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_sqs_receive_message(c, &in, &ms, &err), AWSV2_E_RESPONSE);
    ck_assert_ptr_nonnull(strstr(err.message, "Raw: bad base64"));
    ck_assert_ptr_null(ms);
    awsv2_client_free(c);
    stub_stop(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sqs");
    TCase *t = tcase_create("calls");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 30);
    tcase_add_test(t, send_sizes);
    tcase_add_test(t, send_refuses_too_small_sizes);
    tcase_add_test(t, receive_sizes_and_messages);
    tcase_add_test(t, receive_refuses_a_too_small_size);
    tcase_add_test(t, receive_refuses_bad_base64);
    suite_add_tcase(s, t);
    return check_run(s);
}
