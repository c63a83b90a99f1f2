/* SQS ReceiveMessage: MaxNumberOfMessages, VisibilityTimeout,
 * WaitTimeSeconds (long polling), AttributeName.N and
 * MessageAttributeName.N. */
#include "sqs.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "sqs_store.h"
#include "xml.h"

/* A list of names a request asked for. */
typedef struct names {
    const char **v;
    size_t n;
} names;

typedef struct receive_ctx {
    mock_call *c;
    FILE *f;
    names system;  /* AttributeName.N / MessageSystemAttributeName.N */
    names user;    /* MessageAttributeName.N */
} receive_ctx;

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "All" and ".*" select everything, "prefix.*" a prefix, else exact. */
static bool wanted(const void *ctx, const char *name)
{
    const names *list = ctx;
    for (size_t i = 0; i < list->n; i++) {
        const char *p = list->v[i];
        size_t len = strlen(p);
        if (strcmp(p, "All") == 0 || strcmp(p, ".*") == 0 || strcmp(p, name) == 0 ||
            (len > 2 && strcmp(p + len - 2, ".*") == 0 && strncmp(name, p, len - 1) == 0))
            return true;
    }
    return false;
}

static void write_system(receive_ctx *rc, const sqs_message *m)
{
    const struct {
        const char *name;
        int64_t value;
    } numeric[] = {
        { "ApproximateFirstReceiveTimestamp", sqs_message_first_receive_ms(m) },
        { "ApproximateReceiveCount", (int64_t)sqs_message_receives(m) },
        { "SentTimestamp", sqs_message_sent_ms(m) },
    };
    if (wanted(&rc->system, "SenderId")) {
        fputs("<Attribute><Name>SenderId</Name>", rc->f);
        mock_xml_elem(rc->f, "Value", sqs_message_sender(m));
        fputs("</Attribute>", rc->f);
    }
    for (size_t i = 0; i < sizeof numeric / sizeof numeric[0]; i++)
        if (wanted(&rc->system, numeric[i].name))
            fprintf(rc->f, "<Attribute><Name>%s</Name><Value>%" PRId64 "</Value></Attribute>",
                    numeric[i].name, numeric[i].value);
}

static void emit(void *ctx, const sqs_message *m)
{
    receive_ctx *rc = ctx;
    char hex[33];
    const char *body = sqs_message_body(m);
    size_t len = strlen(body);
    mock_md5_hex(body, len, hex);
    fputs("<Message>", rc->f);
    mock_xml_elem(rc->f, "MessageId", sqs_message_id(m));
    mock_xml_elem(rc->f, "ReceiptHandle", sqs_message_handle(m));
    mock_xml_elem(rc->f, "MD5OfBody", hex);
    fputs("<Body>", rc->f);
    mock_xml_text(rc->f, body, len);
    fputs("</Body>", rc->f);
    write_system(rc, m);
    sqs_attrs_write(sqs_message_attrs(m), rc->f, wanted, &rc->user);
    fputs("</Message>", rc->f);
}

/* Collects the values of the parameters PREFIX.N into list. */
static bool collect_names(mock_call *c, names *list, const char *prefix, const char *prefix2)
{
    const mock_params *params = mock_call_params(c);
    size_t count = mock_params_count(params);
    list->v = calloc(count + 1, sizeof *list->v);
    if (list->v == NULL)
        return false;
    for (size_t i = 0; i < count; i++) {
        const char *name, *value;
        mock_params_at(params, i, &name, &value);
        if (has_prefix(name, prefix) || (prefix2 != NULL && has_prefix(name, prefix2)))
            list->v[list->n++] = value;
    }
    return true;
}

void sqs_receive_message(mock_call *c)
{
    const char *queue = sqs_queue_of(c);
    receive_ctx rc = { .c = c };
    long max, visibility, wait;
    if (queue == NULL || !mock_call_param_long(c, "MaxNumberOfMessages", 1, 10, 1, &max) ||
        !mock_call_param_long(c, "VisibilityTimeout", 0, 43200, 30, &visibility) ||
        !mock_call_param_long(c, "WaitTimeSeconds", 0, 20, 0, &wait))
        return;
    bool ok = collect_names(c, &rc.system, "AttributeName.", "MessageSystemAttributeName.") &&
              collect_names(c, &rc.user, "MessageAttributeName.", NULL);
    if (ok) {
        rc.f = mock_reply_sqs_begin(c, true);
        ok = rc.f == NULL ||
             sqs_store_receive(mock_call_server(c)->sqs, queue, (size_t)max, visibility * 1000,
                               wait * 1000, emit, &rc);
        mock_reply_sqs_end(c, rc.f, true); /* a NULL stream gives a 500 */
    }
    if (!ok)
        mock_reply_error(c, 500, "InternalError", "out of memory");
    free(rc.system.v);
    free(rc.user.v);
}
