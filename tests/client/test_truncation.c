/* Values in a response longer than the room the library has for them are
 * errors, never cut to fit: an MD5 with junk after it must not pass for
 * the MD5 (issue 10, finding 8). Against a scripted loopback server; the
 * MD5s are Python's hashlib.md5(b"hi") and hashlib.md5(b"second"). */
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
#include "xml.h"

#define MD5_HI "49f68a5c8493ec2c0bf489821c21fc3b"
#define MD5_SECOND "a9f0e61a137d86aa9db53465e0801612"

static awsv2_credentials *creds;
static awsv2_signer *signer;
static struct stub_server *server;
static awsv2_client *client;

static void setup(void)
{
    example_signer(&creds, &signer);
}

static void teardown(void)
{
    awsv2_client_free(client);
    client = NULL;
    if (server)
        stub_stop(server);
    server = NULL;
    awsv2_signer_close(signer);
    awsv2_credentials_free(creds);
}

/* A client of a server that answers every request with 200 and body. */
static void serve(const char *body)
{
    static struct stub_reply script[1];
    script[0] = (struct stub_reply){STUB_REPLY, 200, body, 0};
    server = stub_start(script, 1);
    awsv2_client_options o = {.endpoint_url = stub_url(server), .signer = signer,
                              .access_key_id = "AKIAIOSFODNN7EXAMPLE", .max_attempts = 1};
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_client_new(&client, &o, &err) == AWSV2_OK, "%s", err.message);
}

static awsv2_status send_hi(awsv2_sqs_send_result *out, awsv2_error *err)
{
    awsv2_sqs_send_input in = AWSV2_SQS_SEND_INPUT_INIT;
    in.queue_url = stub_url(server);
    in.body = "hi";
    return awsv2_sqs_send_message(client, &in, out, err);
}

static void expect_response_error(awsv2_status st, const awsv2_error *err, const char *names)
{
    ck_assert_msg(st == AWSV2_E_RESPONSE, "status %d (%s), want AWSV2_E_RESPONSE", st,
                  err->message);
    ck_assert_msg(strstr(err->message, names) != NULL, "'%s' does not name %s", err->message,
                  names);
}

#define SEND(md5, id)                                                                       \
    "<SendMessageResponse><SendMessageResult><MD5OfMessageBody>" md5 "</MD5OfMessageBody>"  \
    "<MessageId>" id "</MessageId></SendMessageResult></SendMessageResponse>"

/* The control: the right MD5 alone is accepted. */
START_TEST(send_md5_exact)
{
    serve(SEND(MD5_HI, "m-1"));
    awsv2_sqs_send_result out = AWSV2_SQS_SEND_RESULT_INIT;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(send_hi(&out, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_str_eq(out.md5_of_body, MD5_HI);
}
END_TEST

START_TEST(send_md5_with_trailing_junk)
{
    serve(SEND(MD5_HI "XYZ", "m-1"));
    awsv2_sqs_send_result out = AWSV2_SQS_SEND_RESULT_INIT;
    awsv2_error err = AWSV2_ERROR_INIT;
    expect_response_error(send_hi(&out, &err), &err, "MD5OfMessageBody");
}
END_TEST

START_TEST(send_md5_of_attributes_with_trailing_junk)
{
    serve("<SendMessageResponse><SendMessageResult>"
          "<MD5OfMessageBody>" MD5_HI "</MD5OfMessageBody>"
          "<MD5OfMessageAttributes>" MD5_HI "0</MD5OfMessageAttributes>"
          "<MessageId>m-1</MessageId></SendMessageResult></SendMessageResponse>");
    awsv2_sqs_send_result out = AWSV2_SQS_SEND_RESULT_INIT;
    awsv2_error err = AWSV2_ERROR_INIT;
    expect_response_error(send_hi(&out, &err), &err, "MD5OfMessageAttributes");
}
END_TEST

START_TEST(send_message_id_too_long)
{
    char body[1024], id[200];
    memset(id, 'a', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    snprintf(body, sizeof body,
             "<SendMessageResponse><SendMessageResult><MD5OfMessageBody>%s</MD5OfMessageBody>"
             "<MessageId>%s</MessageId></SendMessageResult></SendMessageResponse>",
             MD5_HI, id);
    serve(body);
    awsv2_sqs_send_result out = AWSV2_SQS_SEND_RESULT_INIT;
    awsv2_error err = AWSV2_ERROR_INIT;
    expect_response_error(send_hi(&out, &err), &err, "MessageId");
    ck_assert_str_eq(out.message_id, ""); /* not a cut copy */
}
END_TEST

static awsv2_status receive(awsv2_error *err)
{
    awsv2_sqs_receive_input in = AWSV2_SQS_RECEIVE_INPUT_INIT;
    in.queue_url = stub_url(server);
    awsv2_sqs_messages *ms = NULL;
    awsv2_status st = awsv2_sqs_receive_message(client, &in, &ms, err);
    awsv2_sqs_messages_free(ms);
    return st;
}

START_TEST(receive_md5_with_trailing_junk)
{
    serve("<ReceiveMessageResponse><ReceiveMessageResult><Message>"
          "<MessageId>m-2</MessageId><ReceiptHandle>rh-2</ReceiptHandle>"
          "<MD5OfBody>" MD5_SECOND "XYZ</MD5OfBody><Body>second</Body>"
          "</Message></ReceiveMessageResult></ReceiveMessageResponse>");
    awsv2_error err = AWSV2_ERROR_INIT;
    expect_response_error(receive(&err), &err, "MD5OfBody");
}
END_TEST

START_TEST(queue_url_too_long)
{
    serve("<GetQueueUrlResponse><GetQueueUrlResult>"
          "<QueueUrl>http://127.0.0.1/123456789012/q</QueueUrl>"
          "</GetQueueUrlResult></GetQueueUrlResponse>");
    char url[16];
    awsv2_error err = AWSV2_ERROR_INIT;
    expect_response_error(awsv2_sqs_get_queue_url(client, "q", NULL, url, sizeof url, &err),
                          &err, "QueueUrl");
    ck_assert_str_eq(url, "");
}
END_TEST

/* In an AWS error: a request id too long for err->request_id is left out,
 * and a code too long for err->code gives no code, rather than cut ones. */
START_TEST(error_fields_not_cut)
{
    char id[AWSV2_ERROR_CODE_MAX + 10], code[AWSV2_ERROR_CODE_MAX + 10], doc[1024];
    memset(id, '7', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    memset(code, 'C', sizeof code - 1);
    code[sizeof code - 1] = '\0';
    awsv2_error err = AWSV2_ERROR_INIT;

    snprintf(doc, sizeof doc,
             "<ErrorResponse><Error><Code>Throttling</Code><Message>slow</Message></Error>"
             "<RequestId>%s</RequestId></ErrorResponse>", id);
    ck_assert_int_eq(awsv2__xml_service_error(doc, strlen(doc), 400, &err), AWSV2_E_SERVICE);
    ck_assert_str_eq(err.code, "Throttling");
    ck_assert_str_eq(err.request_id, "");

    snprintf(doc, sizeof doc,
             "<ErrorResponse><Error><Code>%s</Code><Message>m</Message></Error>"
             "<RequestId>r-1</RequestId></ErrorResponse>", code);
    err = (awsv2_error)AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2__xml_service_error(doc, strlen(doc), 400, &err), AWSV2_E_SERVICE);
    ck_assert_str_eq(err.code, "");
    ck_assert_msg(strstr(err.message, "longer than") != NULL, "%s", err.message);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("truncation");
    TCase *t = tcase_create("responses");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, send_md5_exact);
    tcase_add_test(t, send_md5_with_trailing_junk);
    tcase_add_test(t, send_md5_of_attributes_with_trailing_junk);
    tcase_add_test(t, send_message_id_too_long);
    tcase_add_test(t, receive_md5_with_trailing_junk);
    tcase_add_test(t, queue_url_too_long);
    tcase_add_test(t, error_fields_not_cut);
    suite_add_tcase(s, t);
    return check_run(s);
}
