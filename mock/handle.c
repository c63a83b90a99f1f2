/* One request, start to end: parameters, the service it is for, injected
 * failures, the signature, then the action. */
#include "mock.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct action {
    const char *name;
    mock_service service;
    void (*run)(mock_call *c);
} action;

static const action actions[] = {
    { "DescribeInstances", MOCK_EC2, mock_ec2_describe_instances },
    { "CreateQueue", MOCK_SQS, mock_sqs_create_queue },
    { "GetQueueUrl", MOCK_SQS, mock_sqs_get_queue_url },
    { "SendMessage", MOCK_SQS, mock_sqs_send_message },
    { "ReceiveMessage", MOCK_SQS, mock_sqs_receive_message },
    { "DeleteMessage", MOCK_SQS, mock_sqs_delete_message },
};

static const action *find_action(const char *name)
{
    for (size_t i = 0; name != NULL && i < sizeof actions / sizeof actions[0]; i++)
        if (strcmp(actions[i].name, name) == 0)
            return &actions[i];
    return NULL;
}

/* Takes one injected failure, if any is pending: its HTTP status, else 0.
 * *throttle tells a throttling error from a plain 5xx. */
static unsigned take_failure(mock_server *srv, bool *throttle)
{
    unsigned status = 0;
    *throttle = false;
    pthread_mutex_lock(&srv->fail_lock);
    if (srv->ctl_count > 0) {
        srv->ctl_count--;
        status = srv->ctl_status;
    } else if (srv->fail_503 > 0) {
        srv->fail_503--;
        status = 503;
    } else if (srv->fail_throttle > 0) {
        srv->fail_throttle--;
        status = 400;
        *throttle = true;
    }
    pthread_mutex_unlock(&srv->fail_lock);
    return status;
}

static bool injected_failure(mock_call *c)
{
    bool throttle;
    unsigned status = take_failure(c->srv, &throttle);
    bool sqs = c->service == MOCK_SQS;
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

static bool form_type(const char *content_type)
{
    static const char form[] = "application/x-www-form-urlencoded";
    return content_type != NULL && strncasecmp(content_type, form, sizeof form - 1) == 0 &&
           strchr("; \t", content_type[sizeof form - 1]) != NULL;
}

static bool parse_params(mock_call *c, const char *raw_query, const char *content_type,
                         const char *body, size_t body_len)
{
    const char *why = NULL;
    if (awsv2_params_new(&c->params, NULL) != AWSV2_OK) {
        mock_reply_error(c, 500, "InternalError", "out of memory");
        return false;
    }
    if (body_len > 0 && !form_type(content_type)) {
        mock_reply_error(c, 400, "InvalidParameterValue",
                         "A request body must be application/x-www-form-urlencoded.");
        return false;
    }
    if ((raw_query && !mock_form_parse(c->params, raw_query, strlen(raw_query), &why)) ||
        !mock_form_parse(c->params, body, body_len, &why)) {
        mock_reply_error(c, 400, "MalformedQueryString",
                         "The query string contains a syntax error: %s.", why);
        return false;
    }
    return true;
}

void mock_call_init(mock_call *c, mock_server *srv, const char *method, const char *host,
                    const char *path)
{
    *c = (mock_call){ .srv = srv, .method = method, .host = host, .path = path };
    mock_uuid(c->request_id);
    /* Queue URLs are /ACCOUNT/NAME: errors there are SQS's whatever the
     * Action says. */
    bool queue = strncmp(path, "/" MOCK_ACCOUNT_ID "/", sizeof MOCK_ACCOUNT_ID + 1) == 0;
    c->service = queue ? MOCK_SQS : MOCK_EC2;
}

void mock_call_free(mock_call *c)
{
    awsv2_params_free(c->params);
    free(c->reply.body);
    c->params = NULL;
    c->reply.body = NULL;
}

void mock_handle(mock_call *c, const char *raw_query, const char *content_type, const char *body,
                 size_t body_len)
{
    if (!parse_params(c, raw_query, content_type, body, body_len))
        return;
    const char *name = awsv2_params_get(c->params, "Action");
    const action *a = find_action(name);
    if (a != NULL) {
        c->service = a->service;
        c->action = a->name;
    }
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
