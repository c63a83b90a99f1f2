/* The client's XML responses: the safe reader (src/client/xml.c), AWS error
 * documents, DescribeInstances with its pagination (ec2_result.c, ec2.c)
 * and SQS's SendMessage, ReceiveMessage, CreateQueue and GetQueueUrl
 * results with their MD5 checks (sqs_*.c).
 *
 * The input is one or more response bodies separated by NUL bytes (which
 * XML cannot contain). The service calls run against a stand-in for the
 * client's HTTP call (awsv2__client_call_xml, defined here, so client.c is
 * not linked) that answers each call with the next body. Invariants: no
 * crash or leak; every result the library accepts is well formed; a
 * SendMessage it accepts echoes the MD5 of the body sent (OpenSSL's). */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "awsv2/ec2.h"
#include "awsv2/sqs.h"
#include "client_impl.h"
#include "fuzz.h"
#include "xml.h"

#define MAX_BODIES 16
#define MAX_BYTES (1 << 20)

static struct {
    const char *body[MAX_BODIES];
    size_t len[MAX_BODIES];
    int n, next;
} replies;

awsv2_status awsv2__client_call_xml(awsv2_client *client, awsv2_method method, const char *url,
                                    const awsv2_params *params, xmlDoc **doc, awsv2_error *err)
{
    (void)client, (void)method, (void)url, (void)params;
    *doc = NULL;
    if (replies.next >= replies.n)
        return awsv2_error_set(err, AWSV2_E_TIMEOUT, NULL, "no more replies");
    int i = replies.next++;
    return awsv2__xml_read(replies.body[i], replies.len[i], MAX_BYTES, doc, err);
}

awsv2_method awsv2__client_method(const awsv2_client *client)
{
    (void)client;
    return AWSV2_GET;
}

static void check_instances(const awsv2_ec2_instances *r)
{
    for (size_t i = 0; i < r->n_reservations; i++) {
        const awsv2_ec2_reservation *res = r->reservations[i];
        FUZZ_ASSERT(res);
        for (size_t j = 0; j < res->n_instances; j++) {
            const awsv2_ec2_instance *in = res->instances[j];
            FUZZ_ASSERT(in);
            for (size_t k = 0; k < in->n_tags; k++)
                FUZZ_ASSERT(in->tags[k].value); /* "" without a value; a key may be NULL */
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the stand-in client is never dereferenced */
    awsv2_client *client = (awsv2_client *)&replies;
    awsv2_error err = AWSV2_ERROR_INIT;

    replies.n = 0;
    for (size_t at = 0; at <= size && replies.n < MAX_BODIES;) {
        const uint8_t *nul = memchr(data + at, 0, size - at);
        size_t len = nul ? (size_t)(nul - data) - at : size - at;
        replies.body[replies.n] = (const char *)data + at;
        replies.len[replies.n++] = len;
        at += len + 1;
    }

    /* The first body as a page of DescribeInstances and as an error. */
    awsv2_ec2_instances *page = NULL;
    if (awsv2_ec2_instances_parse(replies.body[0], replies.len[0], &page, &err) == AWSV2_OK)
        check_instances(page);
    awsv2_ec2_instances_free(page);
    err = (awsv2_error)AWSV2_ERROR_INIT;
    FUZZ_ASSERT(awsv2__xml_service_error(replies.body[0], replies.len[0], 400, &err) ==
                AWSV2_E_SERVICE);

    /* Every body as a page of one DescribeInstances. */
    awsv2_ec2_describe_instances_input ec2 = AWSV2_EC2_DESCRIBE_INSTANCES_INPUT_INIT;
    awsv2_ec2_instances *all = NULL;
    replies.next = 0;
    if (awsv2_ec2_describe_instances_all(client, &ec2, &all, &err) == AWSV2_OK) {
        FUZZ_ASSERT(all && !all->next_token);
        check_instances(all);
    } else {
        FUZZ_ASSERT(!all);
    }
    awsv2_ec2_instances_free(all);

    /* SQS */
    awsv2_sqs_receive_input rin = AWSV2_SQS_RECEIVE_INPUT_INIT;
    awsv2_sqs_messages *ms = NULL;
    rin.queue_url = "http://127.0.0.1:1/123456789012/q";
    rin.max_messages = 10;
    replies.next = 0;
    if (awsv2_sqs_receive_message(client, &rin, &ms, &err) == AWSV2_OK) {
        for (size_t i = 0; i < ms->n_messages; i++) {
            const awsv2_sqs_message *m = ms->messages[i];
            FUZZ_ASSERT(m && m->body && strlen(m->body) <= m->body_len);
            for (size_t k = 0; k < m->n_attributes; k++)
                FUZZ_ASSERT(m->attributes[k].name && m->attributes[k].data_type);
        }
    } else {
        FUZZ_ASSERT(!ms);
    }
    awsv2_sqs_messages_free(ms);

    static const char body[] = "Hello from libawsv2";
    static const awsv2_sqs_attribute attr = {"colour", "String", "blue", 4};
    awsv2_sqs_send_input sin = AWSV2_SQS_SEND_INPUT_INIT;
    awsv2_sqs_send_result sout = AWSV2_SQS_SEND_RESULT_INIT;
    sin.queue_url = rin.queue_url;
    sin.body = body;
    sin.attributes = &attr;
    sin.n_attributes = size & 1;
    replies.next = 0;
    if (awsv2_sqs_send_message(client, &sin, &sout, &err) == AWSV2_OK) {
        unsigned char md5[16];
        char hex[33];
        FUZZ_ASSERT(EVP_Digest(body, sizeof body - 1, md5, NULL, EVP_md5(), NULL));
        for (int i = 0; i < 16; i++)
            snprintf(hex + 2 * i, 3, "%02x", md5[i]);
        /* The same digest, in whichever case the service wrote it. */
        FUZZ_ASSERT(strcasecmp(sout.md5_of_body, hex) == 0);
        FUZZ_ASSERT(strlen(sout.message_id) < sizeof sout.message_id);
    }

    char url[256];
    replies.next = 0;
    if (awsv2_sqs_create_queue(client, "q", NULL, url, sizeof url, &err) == AWSV2_OK)
        FUZZ_ASSERT(strlen(url) < sizeof url);
    replies.next = 0;
    if (awsv2_sqs_get_queue_url(client, "q", NULL, url, sizeof url, &err) == AWSV2_OK)
        FUZZ_ASSERT(strlen(url) < sizeof url);
    return 0;
}
