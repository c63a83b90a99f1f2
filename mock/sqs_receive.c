/* SQS ReceiveMessage: MaxNumberOfMessages, VisibilityTimeout,
 * WaitTimeSeconds (long polling), AttributeName.N and
 * MessageAttributeName.N. */
#include "sqs.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

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
static bool wanted(const names *list, const char *name)
{
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
        { "ApproximateFirstReceiveTimestamp", m->first_receive_ms },
        { "ApproximateReceiveCount", (int64_t)m->receives },
        { "SentTimestamp", m->sent_ms },
    };
    if (wanted(&rc->system, "SenderId")) {
        fputs("<Attribute><Name>SenderId</Name>", rc->f);
        mock_xml_elem(rc->f, "Value", m->sender);
        fputs("</Attribute>", rc->f);
    }
    for (size_t i = 0; i < sizeof numeric / sizeof numeric[0]; i++)
        if (wanted(&rc->system, numeric[i].name))
            fprintf(rc->f, "<Attribute><Name>%s</Name><Value>%" PRId64 "</Value></Attribute>",
                    numeric[i].name, numeric[i].value);
}

/* Base64 of n bytes, written in pieces (whole 3-byte groups but the last). */
static void write_base64(FILE *f, const unsigned char *p, size_t n)
{
    unsigned char out[4 * 256 / 3 + 4];
    while (n > 0) {
        size_t chunk = n < 255 ? n : 255;
        int len = EVP_EncodeBlock(out, p, (int)chunk);
        fwrite(out, 1, (size_t)len, f);
        p += chunk;
        n -= chunk;
    }
}

static void write_user_attr(FILE *f, const sqs_attr *a)
{
    fputs("<MessageAttribute>", f);
    mock_xml_elem(f, "Name", a->name);
    fputs("<Value>", f);
    if (strncmp(a->type, "Binary", 6) == 0) {
        fputs("<BinaryValue>", f);
        write_base64(f, a->value, a->len);
        fputs("</BinaryValue>", f);
    } else {
        fputs("<StringValue>", f);
        mock_xml_text(f, (const char *)a->value, a->len);
        fputs("</StringValue>", f);
    }
    mock_xml_elem(f, "DataType", a->type);
    fputs("</Value></MessageAttribute>", f);
}

/* The user attributes asked for, and their MD5 (AWS covers exactly the
 * attributes it returns). */
static void write_user_attrs(receive_ctx *rc, const sqs_message *m)
{
    const sqs_attr *sel[SQS_ATTRS_MAX];
    size_t n = 0;
    char hex[33];
    for (size_t i = 0; i < m->attrs.n; i++)
        if (wanted(&rc->user, m->attrs.v[i].name))
            sel[n++] = &m->attrs.v[i];
    if (n == 0)
        return;
    sqs_attrs_md5(sel, n, hex);
    mock_xml_elem(rc->f, "MD5OfMessageAttributes", hex);
    for (size_t i = 0; i < n; i++)
        write_user_attr(rc->f, sel[i]);
}

static void emit(void *ctx, const sqs_message *m)
{
    receive_ctx *rc = ctx;
    char hex[33];
    size_t len = strlen(m->body);
    sqs_md5_hex(m->body, len, hex);
    fputs("<Message>", rc->f);
    mock_xml_elem(rc->f, "MessageId", m->id);
    mock_xml_elem(rc->f, "ReceiptHandle", m->handle);
    mock_xml_elem(rc->f, "MD5OfBody", hex);
    fputs("<Body>", rc->f);
    mock_xml_text(rc->f, m->body, len);
    fputs("</Body>", rc->f);
    write_system(rc, m);
    write_user_attrs(rc, m);
    fputs("</Message>", rc->f);
}

/* Collects the values of the parameters PREFIX.N into list. */
static bool collect_names(mock_call *c, names *list, const char *prefix, const char *prefix2)
{
    size_t count = awsv2_params_count(c->params);
    list->v = calloc(count + 1, sizeof *list->v);
    if (list->v == NULL)
        return false;
    for (size_t i = 0; i < count; i++) {
        const char *name, *value;
        awsv2_params_at(c->params, i, &name, &value);
        if (has_prefix(name, prefix) || (prefix2 != NULL && has_prefix(name, prefix2)))
            list->v[list->n++] = value;
    }
    return true;
}

void mock_sqs_receive_message(mock_call *c)
{
    const char *queue = mock_sqs_queue_of(c);
    receive_ctx rc = { .c = c };
    long max, visibility, wait;
    if (queue == NULL || !mock_param_long(c, "MaxNumberOfMessages", 1, 10, 1, &max) ||
        !mock_param_long(c, "VisibilityTimeout", 0, 43200, 30, &visibility) ||
        !mock_param_long(c, "WaitTimeSeconds", 0, 20, 0, &wait))
        return;
    bool ok = collect_names(c, &rc.system, "AttributeName.", "MessageSystemAttributeName.") &&
              collect_names(c, &rc.user, "MessageAttributeName.", NULL);
    if (ok) {
        rc.f = mock_sqs_begin(c, true);
        ok = rc.f == NULL || sqs_receive(c->srv->sqs, queue, (size_t)max, visibility * 1000,
                                         wait * 1000, emit, &rc);
        mock_sqs_end(c, rc.f, true); /* a NULL stream gives a 500 */
    }
    if (!ok)
        mock_reply_error(c, 500, "InternalError", "out of memory");
    free(rc.system.v);
    free(rc.user.v);
}
