/* See call.h: the request's parameters, and its reply in AWS's XML, errors
 * in either service's shape. */
#include "call.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "xml.h"

#define SQS_XMLNS "http://queue.amazonaws.com/doc/2012-11-05/"

struct mock_call {
    const mock_server *srv;
    mock_service service;
    const char *method;
    const char *host;
    const char *path;
    const char *action;
    mock_params *params;
    sigv4_request raw;
    char key_id[129];
    char request_id[37];
    unsigned status;
    char *body;
    size_t len;
};

mock_call *mock_call_new(const mock_server *srv, const char *method, const char *host,
                         const char *path)
{
    mock_call *c = calloc(1, sizeof *c);
    if (c == NULL || (c->params = mock_params_new()) == NULL) {
        free(c);
        return NULL;
    }
    c->srv = srv;
    c->method = method;
    c->host = host;
    c->path = path;
    c->raw = (sigv4_request){ .method = method, .path = path };
    mock_uuid(c->request_id);
    /* Queue URLs are /ACCOUNT/NAME: errors there are SQS's whatever the
     * Action says. */
    bool queue = strncmp(path, "/" MOCK_ACCOUNT_ID "/", sizeof MOCK_ACCOUNT_ID + 1) == 0;
    c->service = queue ? MOCK_SQS : MOCK_EC2;
    return c;
}

void mock_call_free(mock_call *c)
{
    if (c == NULL)
        return;
    mock_params_free(c->params);
    free(c->body);
    free(c);
}

static bool form_type(const char *content_type)
{
    static const char form[] = "application/x-www-form-urlencoded";
    return content_type != NULL && strncasecmp(content_type, form, sizeof form - 1) == 0 &&
           strchr("; \t", content_type[sizeof form - 1]) != NULL;
}

bool mock_call_read_params(mock_call *c, const char *raw_query, const char *content_type,
                           const char *body, size_t body_len)
{
    const char *why = NULL;
    if (body_len > 0 && !form_type(content_type)) {
        mock_reply_error(c, 400, "InvalidParameterValue",
                         "A request body must be application/x-www-form-urlencoded.");
        return false;
    }
    if ((raw_query && !mock_params_parse(c->params, raw_query, strlen(raw_query), &why)) ||
        !mock_params_parse(c->params, body, body_len, &why)) {
        mock_reply_error(c, 400, "MalformedQueryString",
                         "The query string contains a syntax error: %s.", why);
        return false;
    }
    return true;
}

void mock_call_set_raw(mock_call *c, const sigv4_request *raw)
{
    c->raw = *raw;
}

const sigv4_request *mock_call_raw(const mock_call *c)
{
    return &c->raw;
}

void mock_call_set_key_id(mock_call *c, const char *key_id)
{
    snprintf(c->key_id, sizeof c->key_id, "%s", key_id);
}

const char *mock_call_key_id(const mock_call *c)
{
    return c->key_id;
}

void mock_call_set_action(mock_call *c, const char *action, mock_service service)
{
    c->action = action;
    c->service = service;
}

const mock_server *mock_call_server(const mock_call *c)
{
    return c->srv;
}

mock_service mock_call_service(const mock_call *c)
{
    return c->service;
}

const char *mock_call_method(const mock_call *c)
{
    return c->method;
}

const char *mock_call_host(const mock_call *c)
{
    return c->host;
}

const char *mock_call_path(const mock_call *c)
{
    return c->path;
}

const char *mock_call_action(const mock_call *c)
{
    return c->action;
}

const char *mock_call_request_id(const mock_call *c)
{
    return c->request_id;
}

const mock_params *mock_call_params(const mock_call *c)
{
    return c->params;
}

const char *mock_call_param(const mock_call *c, const char *name)
{
    return mock_params_get(c->params, name);
}

bool mock_call_param_long(mock_call *c, const char *name, long min, long max, long dflt,
                          long *out)
{
    const char *text = mock_params_get(c->params, name);
    if (text == NULL) {
        *out = dflt;
        return true;
    }
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
        mock_reply_error(c, 400, "InvalidParameterValue",
                         "Value (%s) for parameter %s is invalid. Must be an integer from %ld to %ld.",
                         text, name, min, max);
        return false;
    }
    *out = v;
    return true;
}

unsigned mock_call_status(const mock_call *c)
{
    return c->status;
}

char *mock_call_take_body(mock_call *c, size_t *len)
{
    char *body = c->body;
    *len = c->len;
    c->body = NULL;
    c->len = 0;
    return body;
}

FILE *mock_reply_begin(mock_call *c, unsigned status)
{
    free(c->body);
    c->body = NULL;
    c->len = 0;
    c->status = status;
    FILE *f = open_memstream(&c->body, &c->len);
    if (f != NULL)
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    return f;
}

void mock_reply_end(mock_call *c, FILE *f)
{
    if (f == NULL) {
        c->status = 500;
        return;
    }
    bool failed = ferror(f) != 0;
    if (fclose(f) != 0 || failed) {
        /* Out of memory half-way: an empty 500 rather than a truncated XML. */
        free(c->body);
        c->body = NULL;
        c->len = 0;
        c->status = 500;
    }
}

void mock_reply_error(mock_call *c, unsigned status, const char *code, const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);

    FILE *f = mock_reply_begin(c, status);
    if (f == NULL) {
        mock_reply_end(c, f);
        return;
    }
    if (c->service == MOCK_SQS) {
        fputs("<ErrorResponse xmlns=\"" SQS_XMLNS "\"><Error>", f);
        mock_xml_elem(f, "Type", status >= 500 ? "Receiver" : "Sender");
        mock_xml_elem(f, "Code", code);
        mock_xml_elem(f, "Message", message);
        fputs("<Detail/></Error>", f);
        mock_xml_elem(f, "RequestId", c->request_id);
        fputs("</ErrorResponse>\n", f);
    } else {
        fputs("<Response><Errors><Error>", f);
        mock_xml_elem(f, "Code", code);
        mock_xml_elem(f, "Message", message);
        fputs("</Error></Errors>", f);
        mock_xml_elem(f, "RequestID", c->request_id);
        fputs("</Response>\n", f);
    }
    mock_reply_end(c, f);
}

FILE *mock_reply_sqs_begin(mock_call *c, bool result)
{
    FILE *f = mock_reply_begin(c, 200);
    if (f != NULL) {
        fprintf(f, "<%sResponse xmlns=\"" SQS_XMLNS "\">", c->action);
        if (result)
            fprintf(f, "<%sResult>", c->action);
    }
    return f;
}

void mock_reply_sqs_end(mock_call *c, FILE *f, bool result)
{
    if (f != NULL) {
        if (result)
            fprintf(f, "</%sResult>", c->action);
        fputs("<ResponseMetadata>", f);
        mock_xml_elem(f, "RequestId", c->request_id);
        fprintf(f, "</ResponseMetadata></%sResponse>\n", c->action);
    }
    mock_reply_end(c, f);
}
