/* SQS SendMessage with its MD5 checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/sqs.h"
#include "awsv2/util.h"
#include "client_impl.h"
#include "internal.h"
#include "sqs_check.h"
#include "xml.h"

/* Both structs are the caller's: a size below the first layout's is
 * refused before anything is written or sent (see sqs.h). */
static awsv2_status check_sizes(const awsv2_sqs_send_input *in, const awsv2_sqs_send_result *out,
                                awsv2_error *err)
{
    if (in->size != 0 && in->size < sizeof *in)
        return awsv2__fail(err, AWSV2_E_INVALID, "awsv2_sqs_send_input.size %zu is too small",
                           in->size);
    if (out->size != 0 && out->size < sizeof *out)
        return awsv2__fail(err, AWSV2_E_INVALID, "awsv2_sqs_send_result.size %zu is too small",
                           out->size);
    return AWSV2_OK;
}

static awsv2_status check_input(const awsv2_sqs_send_input *in, awsv2_error *err)
{
    if (!in->queue_url || !in->body)
        return awsv2__fail(err, AWSV2_E_INVALID, "SendMessage needs a queue URL and a body");
    if (in->delay_seconds < 0 || in->delay_seconds > 900)
        return awsv2__fail(err, AWSV2_E_INVALID, "DelaySeconds %d is not in 0..900",
                           in->delay_seconds);
    size_t total = strlen(in->body);
    if (!awsv2__sqs_text_is_valid(in->body, total))
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "the message body is not UTF-8 of characters SQS accepts");
    for (size_t i = 0; i < in->n_attributes; i++) {
        const awsv2_sqs_attribute *a = &in->attributes[i];
        awsv2_status st = awsv2__sqs_check_attribute(a, err);
        if (st)
            return st;
        total += strlen(a->name) + strlen(a->data_type) + a->value_len;
    }
    if (total > AWSV2_SQS_MESSAGE_MAX)
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "the message is %zu bytes with its attributes; SQS takes at most %d",
                           total, AWSV2_SQS_MESSAGE_MAX);
    return AWSV2_OK;
}

/* MessageAttribute.N.Name / .Value.DataType / .Value.StringValue or
 * .Value.BinaryValue (base64). */
static awsv2_status set_attribute(awsv2_params *p, size_t n, const awsv2_sqs_attribute *a,
                                  awsv2_error *err)
{
    char name[64];
    snprintf(name, sizeof name, "MessageAttribute.%zu.Name", n);
    awsv2_status st = awsv2_params_set(p, name, a->name, err);
    snprintf(name, sizeof name, "MessageAttribute.%zu.Value.DataType", n);
    if (!st)
        st = awsv2_params_set(p, name, a->data_type, err);
    if (st)
        return st;
    if (!awsv2__sqs_is_binary(a->data_type)) {
        snprintf(name, sizeof name, "MessageAttribute.%zu.Value.StringValue", n);
        return awsv2_params_setf(p, name, err, "%.*s", (int)a->value_len,
                                 (const char *)a->value);
    }
    /* check_input bounded value_len by AWSV2_SQS_MESSAGE_MAX. */
    size_t cap = AWSV2_BASE64_LEN(a->value_len) + 1;
    char *b64 = malloc(cap);
    if (!b64)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    st = awsv2_base64_encode(a->value, a->value_len, b64, cap, NULL, err);
    snprintf(name, sizeof name, "MessageAttribute.%zu.Value.BinaryValue", n);
    if (!st)
        st = awsv2_params_set(p, name, b64, err);
    free(b64);
    return st;
}

static awsv2_status build_params(awsv2_params *p, const awsv2_sqs_send_input *in,
                                 awsv2_error *err)
{
    awsv2_status st = awsv2_params_set(p, "Action", "SendMessage", err);
    if (!st)
        st = awsv2_params_set(p, "Version", AWSV2_SQS_API_VERSION, err);
    if (!st)
        st = awsv2_params_set(p, "MessageBody", in->body, err);
    if (!st && in->delay_seconds > 0)
        st = awsv2_params_setf(p, "DelaySeconds", err, "%d", in->delay_seconds);
    for (size_t i = 0; !st && i < in->n_attributes; i++)
        st = set_attribute(p, i + 1, &in->attributes[i], err);
    return st;
}

static awsv2_status read_result(xmlDoc *doc, const awsv2_sqs_send_input *in,
                                awsv2_sqs_send_result *out, awsv2_error *err)
{
    const xmlNode *r = awsv2__xml_find(xmlDocGetRootElement(doc), "SendMessageResult");
    awsv2_status st = awsv2__xml_copy(r, "MessageId", out->message_id, sizeof out->message_id,
                                      err);
    if (!st && !out->message_id[0])
        st = awsv2__fail(err, AWSV2_E_RESPONSE, "SendMessage answered without a MessageId");
    if (!st)
        st = awsv2__xml_copy(r, "MD5OfMessageBody", out->md5_of_body, sizeof out->md5_of_body,
                             err);
    if (!st)
        st = awsv2__xml_copy(r, "MD5OfMessageAttributes", out->md5_of_attributes,
                             sizeof out->md5_of_attributes, err);
    if (st)
        return st;
    char ours[AWSV2_SQS_MD5_SIZE];
    st = awsv2_sqs_md5_of_body(in->body, strlen(in->body), ours, err);
    if (!st)
        st = awsv2__sqs_md5_check("MD5OfMessageBody", out->md5_of_body, ours, err);
    if (!st && in->n_attributes > 0) {
        st = awsv2_sqs_md5_of_attributes(in->attributes, in->n_attributes, ours, err);
        if (!st)
            st = awsv2__sqs_md5_check("MD5OfMessageAttributes", out->md5_of_attributes, ours,
                                      err);
    }
    return st;
}

awsv2_status awsv2_sqs_send_message(awsv2_client *c, const awsv2_sqs_send_input *in,
                                    awsv2_sqs_send_result *out, awsv2_error *err)
{
    awsv2_status st = check_sizes(in, out, err);
    if (st)
        return st;
    size_t size = out->size;
    memset(out, 0, sizeof *out);
    out->size = size;
    if ((st = check_input(in, err)))
        return st;
    awsv2_params *p;
    if ((st = awsv2_params_new(&p, err)))
        return st;
    xmlDoc *doc = NULL;
    st = build_params(p, in, err);
    if (!st)
        st = awsv2__client_call_xml(c, AWSV2_POST, in->queue_url, p, &doc, err);
    if (!st)
        st = read_result(doc, in, out, err);
    xmlFreeDoc(doc);
    awsv2_params_free(p);
    return st;
}
