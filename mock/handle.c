/* See handle.h. */
#include "handle.h"

#include <string.h>

#include "auth.h"
#include "ec2.h"
#include "sqs.h"

typedef struct action {
    const char *name;
    mock_service service;
    void (*run)(mock_call *c);
} action;

static const action actions[] = {
    { "DescribeInstances", MOCK_EC2, ec2_describe_instances },
    { "CreateQueue", MOCK_SQS, sqs_create_queue },
    { "GetQueueUrl", MOCK_SQS, sqs_get_queue_url },
    { "SendMessage", MOCK_SQS, sqs_send_message },
    { "ReceiveMessage", MOCK_SQS, sqs_receive_message },
    { "DeleteMessage", MOCK_SQS, sqs_delete_message },
};

static const action *find_action(const char *name)
{
    for (size_t i = 0; name != NULL && i < sizeof actions / sizeof actions[0]; i++)
        if (strcmp(actions[i].name, name) == 0)
            return &actions[i];
    return NULL;
}

static bool injected_failure(mock_call *c)
{
    bool throttle;
    unsigned status = mock_faults_take(mock_call_server(c)->faults, &throttle);
    bool sqs = mock_call_service(c) == MOCK_SQS;
    if (status == 0)
        return false;
    if (throttle)
        mock_reply_error(c, status, sqs ? "Throttling" : "RequestLimitExceeded",
                         "Rate exceeded (injected by awsv2-mock).");
    else if (status == 503)
        mock_reply_error(c, status, sqs ? "ServiceUnavailable" : "Unavailable",
                         "The service is unavailable (injected by awsv2-mock).");
    else
        mock_reply_error(c, status, sqs ? "InternalFailure" : "InternalError",
                         "An internal error has occurred (injected by awsv2-mock).");
    return true;
}

void mock_handle(mock_call *c, const char *raw_query, const char *content_type, const char *body,
                 size_t body_len)
{
    if (!mock_call_read_params(c, raw_query, content_type, body, body_len))
        return;
    const char *name = mock_call_param(c, "Action");
    const action *a = find_action(name);
    if (a != NULL)
        mock_call_set_action(c, a->name, a->service);
    if (injected_failure(c))
        return;
    if (name == NULL) {
        mock_reply_error(c, 400, "MissingParameter",
                         "The request must contain the parameter Action");
    } else if (a == NULL) {
        mock_reply_error(c, 400, "InvalidAction", "The action %s is not valid for this web service.",
                         name);
    } else if (mock_auth_check(c)) {
        a->run(c);
    }
}
