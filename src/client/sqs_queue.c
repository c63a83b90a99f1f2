/* SQS CreateQueue, GetQueueUrl and DeleteMessage. */
#include <stdio.h>
#include <string.h>

#include "awsv2/sqs.h"
#include "client_impl.h"
#include "internal.h"
#include "xml.h"

static awsv2_status start(awsv2_params **p, const char *action, awsv2_error *err)
{
    awsv2_status st = awsv2_params_new(p, err);
    if (!st)
        st = awsv2_params_set(*p, "Action", action, err);
    if (!st)
        st = awsv2_params_set(*p, "Version", AWSV2_SQS_API_VERSION, err);
    return st;
}

/* POSTs p to url (NULL: the client's endpoint). With result set, copies
 * the QueueUrl inside that element of the answer into url_out. */
static awsv2_status finish(awsv2_client *c, awsv2_params *p, const char *url,
                           const char *result, char *url_out, size_t cap, awsv2_error *err)
{
    xmlDoc *doc = NULL;
    awsv2_status st = awsv2__client_call_xml(c, AWSV2_POST, url, p, &doc, err);
    if (!st && result) {
        const xmlNode *r = awsv2__xml_find(xmlDocGetRootElement(doc), result);
        st = awsv2__xml_copy(r, "QueueUrl", url_out, cap, err);
        if (!st && (!cap || !url_out[0]))
            st = awsv2__fail(err, AWSV2_E_RESPONSE, "%s has no QueueUrl", result);
    }
    xmlFreeDoc(doc);
    return st;
}

static awsv2_status set_attributes(awsv2_params *p, const char *const *attributes,
                                   awsv2_error *err)
{
    char name[64];
    awsv2_status st = AWSV2_OK;
    for (size_t i = 0; !st && attributes && attributes[2 * i]; i++) {
        if (!attributes[2 * i + 1])
            return awsv2__fail(err, AWSV2_E_INVALID, "queue attribute %s has no value",
                               attributes[2 * i]);
        snprintf(name, sizeof name, "Attribute.%zu.Name", i + 1);
        st = awsv2_params_set(p, name, attributes[2 * i], err);
        snprintf(name, sizeof name, "Attribute.%zu.Value", i + 1);
        if (!st)
            st = awsv2_params_set(p, name, attributes[2 * i + 1], err);
    }
    return st;
}

awsv2_status awsv2_sqs_create_queue(awsv2_client *c, const char *name,
                                    const char *const *attributes, char *url, size_t cap,
                                    awsv2_error *err)
{
    awsv2_params *p = NULL;
    awsv2_status st = start(&p, "CreateQueue", err);
    if (!st)
        st = awsv2_params_set(p, "QueueName", name, err);
    if (!st)
        st = set_attributes(p, attributes, err);
    if (!st)
        st = finish(c, p, NULL, "CreateQueueResult", url, cap, err);
    awsv2_params_free(p);
    return st;
}

awsv2_status awsv2_sqs_get_queue_url(awsv2_client *c, const char *name,
                                     const char *owner_account_id, char *url, size_t cap,
                                     awsv2_error *err)
{
    awsv2_params *p = NULL;
    awsv2_status st = start(&p, "GetQueueUrl", err);
    if (!st)
        st = awsv2_params_set(p, "QueueName", name, err);
    if (!st && owner_account_id)
        st = awsv2_params_set(p, "QueueOwnerAWSAccountId", owner_account_id, err);
    if (!st)
        st = finish(c, p, NULL, "GetQueueUrlResult", url, cap, err);
    awsv2_params_free(p);
    return st;
}

awsv2_status awsv2_sqs_delete_message(awsv2_client *c, const char *queue_url,
                                      const char *receipt_handle, awsv2_error *err)
{
    if (!queue_url || !receipt_handle)
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "DeleteMessage needs a queue URL and a receipt handle");
    awsv2_params *p = NULL;
    awsv2_status st = start(&p, "DeleteMessage", err);
    if (!st)
        st = awsv2_params_set(p, "ReceiptHandle", receipt_handle, err);
    if (!st)
        st = finish(c, p, queue_url, NULL, NULL, 0, err);
    awsv2_params_free(p);
    return st;
}
