/* SQS ReceiveMessage: the request, the typed result and its MD5 checks. */
#include <stdlib.h>
#include <string.h>

#include "awsv2/sqs.h"
#include "awsv2/util.h"
#include "client_impl.h"
#include "internal.h"
#include "sqs_check.h"
#include "xml.h"

static void free_message(awsv2_sqs_message *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_attributes; i++) {
        free((void *)m->attributes[i].name);
        free((void *)m->attributes[i].data_type);
        free((void *)m->attributes[i].value);
    }
    free(m->attributes);
    free(m->message_id);
    free(m->receipt_handle);
    free(m->body);
    free(m);
}

void awsv2_sqs_messages_free(awsv2_sqs_messages *ms)
{
    if (!ms)
        return;
    for (size_t i = 0; i < ms->n_messages; i++)
        free_message(ms->messages[i]);
    free(ms->messages);
    free(ms);
}

static awsv2_status build_params(awsv2_params *p, const awsv2_sqs_receive_input *in,
                                 awsv2_error *err)
{
    awsv2_status st = awsv2_params_set(p, "Action", "ReceiveMessage", err);
    if (!st)
        st = awsv2_params_set(p, "Version", AWSV2_SQS_API_VERSION, err);
    if (!st)
        st = awsv2_params_setf(p, "MaxNumberOfMessages", err, "%d",
                               in->max_messages > 0 ? in->max_messages : 1);
    if (!st && in->wait_time_seconds > 0)
        st = awsv2_params_setf(p, "WaitTimeSeconds", err, "%d", in->wait_time_seconds);
    if (!st && in->visibility_timeout > 0)
        st = awsv2_params_setf(p, "VisibilityTimeout", err, "%d", in->visibility_timeout);
    if (!st)
        st = awsv2_params_set(p, "MessageAttributeName.1", "All", err);
    return st;
}

/* <MessageAttribute><Name/><Value><DataType/><StringValue/>|<BinaryValue/></Value> */
static awsv2_status parse_attribute(const xmlNode *n, awsv2_sqs_attribute *a, awsv2_error *err)
{
    char *name, *type, *text;
    const xmlNode *v = awsv2__xml_child(n, "Value");
    if (!awsv2__xml_dup(n, "Name", &name))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    a->name = name;
    if (!awsv2__xml_dup(v, "DataType", &type))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    a->data_type = type;
    if (!name || !type)
        return awsv2__fail(err, AWSV2_E_RESPONSE, "a message attribute without name or type");
    bool binary = awsv2__sqs_is_binary(type);
    if (!awsv2__xml_dup(v, binary ? "BinaryValue" : "StringValue", &text))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    if (!text)
        return awsv2__fail(err, AWSV2_E_RESPONSE, "message attribute %s has no value", name);
    if (!binary) {
        a->value = text;
        a->value_len = strlen(text);
        return AWSV2_OK;
    }
    size_t len = strlen(text);
    char *bytes = malloc(len / 4 * 3 + 1); /* + 1: NUL-terminated, as sqs.h says */
    if (!bytes) {
        free(text);
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    }
    awsv2_status st = awsv2_base64_decode(text, len, bytes, len / 4 * 3, &a->value_len, err);
    free(text);
    a->value = bytes;
    if (st)
        return awsv2__fail(err, AWSV2_E_RESPONSE, "message attribute %s: bad base64", name);
    bytes[a->value_len] = '\0';
    return AWSV2_OK;
}

static awsv2_status check_md5s(const xmlNode *n, const awsv2_sqs_message *m, awsv2_error *err)
{
    char theirs[AWSV2_SQS_MD5_SIZE], ours[AWSV2_SQS_MD5_SIZE];
    awsv2_status st = awsv2__xml_copy(n, "MD5OfBody", theirs, sizeof theirs, err);
    if (!st)
        st = awsv2_sqs_md5_of_body(m->body, m->body_len, ours, err);
    if (!st)
        st = awsv2__sqs_md5_check("MD5OfBody", theirs, ours, err);
    if (st || m->n_attributes == 0)
        return st;
    st = awsv2__xml_copy(n, "MD5OfMessageAttributes", theirs, sizeof theirs, err);
    if (!st)
        st = awsv2_sqs_md5_of_attributes(m->attributes, m->n_attributes, ours, err);
    return st ? st : awsv2__sqs_md5_check("MD5OfMessageAttributes", theirs, ours, err);
}

static awsv2_status parse_message(const xmlNode *n, awsv2_sqs_message *m, awsv2_error *err)
{
    if (!awsv2__xml_dup(n, "MessageId", &m->message_id) ||
        !awsv2__xml_dup(n, "ReceiptHandle", &m->receipt_handle) ||
        !awsv2__xml_dup(n, "Body", &m->body))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    if (!m->message_id || !m->receipt_handle || !m->body)
        return awsv2__fail(err, AWSV2_E_RESPONSE,
                           "a received message lacks its MessageId, ReceiptHandle or Body");
    m->body_len = strlen(m->body);
    size_t count = awsv2__xml_count(n, "MessageAttribute");
    if (count && !(m->attributes = calloc(count, sizeof *m->attributes)))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    for (xmlNode *a = awsv2__xml_child(n, "MessageAttribute"); a; a = awsv2__xml_next(a)) {
        awsv2_status st = parse_attribute(a, &m->attributes[m->n_attributes++], err);
        if (st)
            return st;
    }
    return check_md5s(n, m, err);
}

static awsv2_status parse_result(xmlDoc *doc, awsv2_sqs_messages *ms, awsv2_error *err)
{
    const xmlNode *r = awsv2__xml_find(xmlDocGetRootElement(doc), "ReceiveMessageResult");
    if (!r)
        return awsv2__fail(err, AWSV2_E_RESPONSE, "no ReceiveMessageResult in the response");
    size_t count = awsv2__xml_count(r, "Message");
    if (count && !(ms->messages = calloc(count, sizeof *ms->messages)))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    for (xmlNode *n = awsv2__xml_child(r, "Message"); n; n = awsv2__xml_next(n)) {
        awsv2_sqs_message *m = calloc(1, sizeof *m);
        if (!m)
            return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
        ms->messages[ms->n_messages++] = m;
        awsv2_status st = parse_message(n, m, err);
        if (st)
            return st;
    }
    return AWSV2_OK;
}

awsv2_status awsv2_sqs_receive_message(awsv2_client *c, const awsv2_sqs_receive_input *in,
                                       awsv2_sqs_messages **out, awsv2_error *err)
{
    *out = NULL;
    if (in->size != 0 && in->size < sizeof *in)
        return awsv2__fail(err, AWSV2_E_INVALID, "awsv2_sqs_receive_input.size %zu is too small",
                           in->size);
    if (!in->queue_url)
        return awsv2__fail(err, AWSV2_E_INVALID, "ReceiveMessage needs a queue URL");
    awsv2_params *p;
    awsv2_status st = awsv2_params_new(&p, err);
    if (st)
        return st;
    xmlDoc *doc = NULL;
    awsv2_sqs_messages *ms = calloc(1, sizeof *ms);
    st = ms ? build_params(p, in, err) : awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    if (!st)
        st = awsv2__client_call_xml(c, AWSV2_POST, in->queue_url, p, &doc, err);
    if (!st)
        st = parse_result(doc, ms, err);
    xmlFreeDoc(doc);
    awsv2_params_free(p);
    if (st) {
        awsv2_sqs_messages_free(ms);
        return st;
    }
    *out = ms;
    return AWSV2_OK;
}
