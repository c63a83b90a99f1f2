/* SQS's actions but ReceiveMessage (sqs_receive.c). */
#include "sqs.h"

#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "sqs_attrs.h"
#include "sqs_store.h"
#include "xml.h"

/* SQS's limit on a message, body and attributes together. */
#define SQS_MESSAGE_MAX 262144

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
    const char *name = mock_call_param(c, "QueueName");
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

const char *sqs_queue_of(mock_call *c)
{
    const char *url = mock_call_param(c, "QueueUrl");
    const char *path = mock_call_path(c);
    const char *at = strncmp(path, QUEUE_PREFIX, strlen(QUEUE_PREFIX)) == 0 ? path : NULL;
    if (at == NULL && url != NULL)
        at = strstr(url, QUEUE_PREFIX);
    if (at == NULL) {
        mock_reply_error(c, 400, "MissingParameter",
                         "The request must contain the parameter QueueUrl.");
        return NULL;
    }
    at += strlen(QUEUE_PREFIX);
    if (!valid_queue_name(at) || !sqs_store_has_queue(mock_call_server(c)->sqs, at)) {
        reply_no_queue(c);
        return NULL;
    }
    return at;
}

/* <QueueUrl> on the host the client reached us by. */
static void reply_queue_url(mock_call *c, const char *name)
{
    char url[512];
    snprintf(url, sizeof url, "http://%s" QUEUE_PREFIX "%s", mock_call_host(c), name);
    FILE *f = mock_reply_sqs_begin(c, true);
    if (f != NULL)
        mock_xml_elem(f, "QueueUrl", url);
    mock_reply_sqs_end(c, f, true);
}

void sqs_create_queue(mock_call *c)
{
    const char *name = queue_name_param(c);
    if (name == NULL)
        return;
    if (!sqs_store_create_queue(mock_call_server(c)->sqs, name))
        mock_reply_error(c, 500, "InternalError", "out of memory");
    else
        reply_queue_url(c, name);
}

void sqs_get_queue_url(mock_call *c)
{
    const char *name = queue_name_param(c);
    if (name != NULL && !sqs_store_has_queue(mock_call_server(c)->sqs, name))
        reply_no_queue(c);
    else if (name != NULL)
        reply_queue_url(c, name);
}

/* --wrong-md5: still hex, never the right value. */
static void spoil(char hex[33])
{
    hex[0] = hex[0] == '0' ? '1' : '0';
}

/* The message body and attributes of a SendMessage, checked; false after
 * replying. */
static bool read_message(mock_call *c, const char **body, sqs_attrs **attrs, long *delay)
{
    *attrs = NULL;
    *body = mock_call_param(c, "MessageBody");
    if (*body == NULL || **body == '\0') {
        mock_reply_error(c, 400, "MissingParameter",
                         "The request must contain the parameter MessageBody.");
        return false;
    }
    if (!mock_valid_text(*body, strlen(*body))) {
        mock_reply_error(c, 400, "InvalidMessageContents",
                         "Invalid binary character in the message body.");
        return false;
    }
    if (!mock_call_param_long(c, "DelaySeconds", 0, 900, 0, delay) ||
        (*attrs = sqs_attrs_parse(c)) == NULL)
        return false;
    if (strlen(*body) + sqs_attrs_size(*attrs) > SQS_MESSAGE_MAX) {
        mock_reply_error(c, 400, "InvalidParameterValue",
                         "One or more parameters are invalid. Reason: Message must be shorter "
                         "than %d bytes.", SQS_MESSAGE_MAX);
        sqs_attrs_free(*attrs);
        return false;
    }
    return true;
}

void sqs_send_message(mock_call *c)
{
    const char *queue = sqs_queue_of(c), *body;
    sqs_attrs *attrs;
    long delay;
    char body_md5[33], attrs_md5[33], id[37];
    if (queue == NULL || !read_message(c, &body, &attrs, &delay))
        return;
    mock_md5_hex(body, strlen(body), body_md5);
    sqs_attrs_md5(attrs, attrs_md5);
    if (!sqs_store_send(mock_call_server(c)->sqs, queue, body,
                        mock_call_key_id(c), attrs, delay, id)) {
        reply_no_queue(c); /* deleted meanwhile, or out of memory */
        return;
    }
    if (mock_call_server(c)->wrong_md5) {
        spoil(body_md5);
        if (*attrs_md5)
            spoil(attrs_md5);
    }
    FILE *f = mock_reply_sqs_begin(c, true);
    if (f != NULL) {
        mock_xml_elem(f, "MD5OfMessageBody", body_md5);
        if (*attrs_md5)
            mock_xml_elem(f, "MD5OfMessageAttributes", attrs_md5);
        mock_xml_elem(f, "MessageId", id);
    }
    mock_reply_sqs_end(c, f, true);
}

void sqs_delete_message(mock_call *c)
{
    const char *queue = sqs_queue_of(c);
    const char *handle = queue ? mock_call_param(c, "ReceiptHandle") : NULL;
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
    if (!sqs_store_delete(mock_call_server(c)->sqs, queue, handle)) {
        reply_no_queue(c);
        return;
    }
    FILE *f = mock_reply_sqs_begin(c, false);
    mock_reply_sqs_end(c, f, false);
}
