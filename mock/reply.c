/* Reply bodies: the XML envelope and AWS's two error shapes. */
#include "mock.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#define SQS_XMLNS "http://queue.amazonaws.com/doc/2012-11-05/"

void mock_uuid(char out[37])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1)
        abort(); /* no randomness: ids would repeat */
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
}

FILE *mock_reply_begin(mock_call *c, unsigned status)
{
    free(c->reply.body);
    c->reply.body = NULL;
    c->reply.len = 0;
    c->reply.status = status;
    FILE *f = open_memstream(&c->reply.body, &c->reply.len);
    if (f != NULL)
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    return f;
}

void mock_reply_end(mock_call *c, FILE *f)
{
    if (f == NULL) {
        c->reply.status = 500;
        return;
    }
    bool failed = ferror(f) != 0;
    if (fclose(f) != 0 || failed) {
        /* Out of memory half-way: an empty 500 rather than a truncated XML. */
        free(c->reply.body);
        c->reply.body = NULL;
        c->reply.len = 0;
        c->reply.status = 500;
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

FILE *mock_sqs_begin(mock_call *c, bool result)
{
    FILE *f = mock_reply_begin(c, 200);
    if (f != NULL) {
        fprintf(f, "<%sResponse xmlns=\"" SQS_XMLNS "\">", c->action);
        if (result)
            fprintf(f, "<%sResult>", c->action);
    }
    return f;
}

void mock_sqs_end(mock_call *c, FILE *f, bool result)
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
