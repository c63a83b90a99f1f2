/* SQS actions on the query API (2012-11-05). */
#include "sqs.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "hex.h"

#define QUEUE_PREFIX "/" MOCK_ACCOUNT_ID "/"

static void reply_no_queue(mock_call *c)
{
    mock_reply_error(c, 400, "AWS.SimpleQueueService.NonExistentQueue",
                     "The specified queue does not exist for this wsdl version.");
}

/* Queue names: 1-80 of A-Z a-z 0-9 - _. */
static bool valid_queue_name(const char *s)
{
    size_t n = strlen(s);
    return n >= 1 && n <= 80 &&
           strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

/* QueueName, checked; NULL after replying. */
static const char *queue_name_param(mock_call *c)
{
    const char *name = awsv2_params_get(c->params, "QueueName");
    if (name == NULL)
        mock_reply_error(c, 400, "MissingParameter",
                         "The request must contain the parameter QueueName.");
    else if (!valid_queue_name(name))
        mock_reply_error(c, 400, "InvalidParameterValue",
                         "Can only include alphanumeric characters, hyphens, or underscores. 1 to "
                         "80 in length");
    else
        return name;
    return NULL;
}

const char *mock_sqs_queue_of(mock_call *c)
{
    const char *url = awsv2_params_get(c->params, "QueueUrl");
    const char *at = strncmp(c->path, QUEUE_PREFIX, strlen(QUEUE_PREFIX)) == 0 ? c->path : NULL;
    if (at == NULL && url != NULL)
        at = strstr(url, QUEUE_PREFIX);
    if (at == NULL) {
        mock_reply_error(c, 400, "MissingParameter",
                         "The request must contain the parameter QueueUrl.");
        return NULL;
    }
    at += strlen(QUEUE_PREFIX);
    if (!valid_queue_name(at) || !sqs_queue_exists(c->srv->sqs, at)) {
        reply_no_queue(c);
        return NULL;
    }
    return at;
}

/* <QueueUrl> on the host the client reached us by. */
static void reply_queue_url(mock_call *c, const char *name)
{
    char url[512];
    snprintf(url, sizeof url, "http://%s" QUEUE_PREFIX "%s", c->host, name);
    FILE *f = mock_sqs_begin(c, true);
    if (f != NULL)
        mock_xml_elem(f, "QueueUrl", url);
    mock_sqs_end(c, f, true);
}

void mock_sqs_create_queue(mock_call *c)
{
    const char *name = queue_name_param(c);
    if (name == NULL)
        return;
    if (!sqs_queue_create(c->srv->sqs, name))
        mock_reply_error(c, 500, "InternalError", "out of memory");
    else
        reply_queue_url(c, name);
}

void mock_sqs_get_queue_url(mock_call *c)
{
    const char *name = queue_name_param(c);
    if (name != NULL && !sqs_queue_exists(c->srv->sqs, name))
        reply_no_queue(c);
    else if (name != NULL)
        reply_queue_url(c, name);
}

void sqs_md5_hex(const void *data, size_t len, char hex[33])
{
    unsigned char digest[16];
    EVP_Digest(data, len, digest, NULL, EVP_md5(), NULL);
    awsv2__hex_encode(digest, sizeof digest, hex);
}

/* --wrong-md5: still hex, never the right value. */
static void spoil(char hex[33])
{
    hex[0] = hex[0] == '0' ? '1' : '0';
}

/* A new message from the call's parameters; NULL after replying. */
static sqs_message *message_from(mock_call *c)
{
    const char *body = awsv2_params_get(c->params, "MessageBody");
    long delay;
    size_t attrs_size;
    if (body == NULL || *body == '\0') {
        mock_reply_error(c, 400, "MissingParameter",
                         "The request must contain the parameter MessageBody.");
        return NULL;
    }
    if (!mock_valid_text(body, strlen(body))) {
        mock_reply_error(c, 400, "InvalidMessageContents",
                         "Invalid binary character in the message body.");
        return NULL;
    }
    if (!mock_param_long(c, "DelaySeconds", 0, 900, 0, &delay))
        return NULL;
    sqs_message *m = calloc(1, sizeof *m);
    bool ok = m != NULL && sqs_attrs_parse(c, &m->attrs, &attrs_size);
    if (ok && strlen(body) + attrs_size > SQS_MESSAGE_MAX) {
        mock_reply_error(c, 400, "InvalidParameterValue",
                         "One or more parameters are invalid. Reason: Message must be shorter "
                         "than %d bytes.", SQS_MESSAGE_MAX);
        ok = false;
    } else if (ok) {
        m->body = strdup(body);
        m->sender = strdup(awsv2_params_get(c->params, "AWSAccessKeyId"));
        if (m->body == NULL || m->sender == NULL) {
            mock_reply_error(c, 500, "InternalError", "out of memory");
            ok = false;
        }
    } else if (m == NULL) {
        mock_reply_error(c, 500, "InternalError", "out of memory");
    }
    if (!ok) {
        sqs_message_free(m);
        return NULL;
    }
    mock_uuid(m->id);
    m->sent_ms = sqs_epoch_ms();
    m->visible_at = sqs_mono_ms() + delay * 1000;
    return m;
}

static void attrs_md5(const sqs_attrs *attrs, char hex[33])
{
    const sqs_attr *v[SQS_ATTRS_MAX];
    for (size_t i = 0; i < attrs->n; i++)
        v[i] = &attrs->v[i];
    sqs_attrs_md5(v, attrs->n, hex);
}

void mock_sqs_send_message(mock_call *c)
{
    const char *queue = mock_sqs_queue_of(c);
    sqs_message *m = queue ? message_from(c) : NULL;
    char body_md5[33], attrs_hex[33] = "", id[37];
    if (m == NULL)
        return;
    sqs_md5_hex(m->body, strlen(m->body), body_md5);
    if (m->attrs.n > 0)
        attrs_md5(&m->attrs, attrs_hex);
    memcpy(id, m->id, sizeof id);
    if (!sqs_send(c->srv->sqs, queue, m)) {
        sqs_message_free(m);
        reply_no_queue(c); /* deleted meanwhile, or out of memory */
        return;
    }
    if (c->srv->wrong_md5) {
        spoil(body_md5);
        if (*attrs_hex)
            spoil(attrs_hex);
    }
    FILE *f = mock_sqs_begin(c, true);
    if (f != NULL) {
        mock_xml_elem(f, "MD5OfMessageBody", body_md5);
        if (*attrs_hex)
            mock_xml_elem(f, "MD5OfMessageAttributes", attrs_hex);
        mock_xml_elem(f, "MessageId", id);
    }
    mock_sqs_end(c, f, true);
}

void mock_sqs_delete_message(mock_call *c)
{
    const char *queue = mock_sqs_queue_of(c);
    const char *handle = queue ? awsv2_params_get(c->params, "ReceiptHandle") : NULL;
    if (queue == NULL)
        return;
    if (handle == NULL) {
        mock_reply_error(c, 400, "MissingParameter",
                         "The request must contain the parameter ReceiptHandle.");
        return;
    }
    if (strlen(handle) != SQS_HANDLE_LEN || strspn(handle, "0123456789abcdef") != SQS_HANDLE_LEN) {
        mock_reply_error(c, 400, "ReceiptHandleIsInvalid",
                         "The input receipt handle \"%s\" is not a valid receipt handle.", handle);
        return;
    }
    if (!sqs_delete(c->srv->sqs, queue, handle)) {
        reply_no_queue(c);
        return;
    }
    FILE *f = mock_sqs_begin(c, false);
    mock_sqs_end(c, f, false);
}
