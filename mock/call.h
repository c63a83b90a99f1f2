/* One request and its reply, from the HTTP side to an action and back.
 * A call belongs to the thread that answers its request. */
#ifndef AWSV2_MOCK_CALL_H
#define AWSV2_MOCK_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "params.h"
#include "server.h"
#include "sigv4.h"

/* Which service's error shape a reply takes. */
typedef enum mock_service { MOCK_EC2, MOCK_SQS } mock_service;

typedef struct mock_call mock_call;

/* A call with a new request id; the service is guessed from the path (a
 * queue URL is SQS's). The strings are borrowed for the call's life. NULL
 * when out of memory. */
mock_call *mock_call_new(const mock_server *srv, const char *method, const char *host,
                         const char *path);
void mock_call_free(mock_call *c);

/* Reads raw_query (may be NULL) and a body, which must be a form when it
 * is not empty; false after replying. */
bool mock_call_read_params(mock_call *c, const char *raw_query, const char *content_type,
                           const char *body, size_t body_len);
/* The request as received (its strings borrowed for the call's life), for
 * the SigV4 check; before this, one without headers, query or body. */
void mock_call_set_raw(mock_call *c, const sigv4_request *raw);
const sigv4_request *mock_call_raw(const mock_call *c);
/* The access key id that signed the call (SigV2's AWSAccessKeyId or
 * SigV4's Credential), once authenticated; "" before. */
void mock_call_set_key_id(mock_call *c, const char *key_id);
const char *mock_call_key_id(const mock_call *c);
/* The action the call runs, and the service it belongs to. */
void mock_call_set_action(mock_call *c, const char *action, mock_service service);

const mock_server *mock_call_server(const mock_call *c);
mock_service mock_call_service(const mock_call *c);
const char *mock_call_method(const mock_call *c); /* "GET" or "POST" */
const char *mock_call_host(const mock_call *c);   /* the Host header as received */
const char *mock_call_path(const mock_call *c);   /* the raw request path */
const char *mock_call_action(const mock_call *c); /* NULL before set */
const char *mock_call_request_id(const mock_call *c);
/* The parameters (empty before mock_call_read_params). */
const mock_params *mock_call_params(const mock_call *c);
const char *mock_call_param(const mock_call *c, const char *name);
/* A decimal parameter in [min, max]; absent: *out = dflt. False after
 * replying InvalidParameterValue when it is malformed. */
bool mock_call_param_long(mock_call *c, const char *name, long min, long max, long dflt,
                          long *out);

/* Starts an XML reply (replacing any earlier one); write to the stream,
 * then end with mock_reply_end. NULL when out of memory (end it anyway). */
FILE *mock_reply_begin(mock_call *c, unsigned status);
void mock_reply_end(mock_call *c, FILE *f);
/* Replies with an error in the shape of the call's service. */
void mock_reply_error(mock_call *c, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The SQS envelope: <ActionResponse xmlns=...>[<ActionResult>] ... (result
 * false for actions without a result element, as DeleteMessage) ... */
FILE *mock_reply_sqs_begin(mock_call *c, bool result);
/* ... [</ActionResult>]<ResponseMetadata>...</ActionResponse>. */
void mock_reply_sqs_end(mock_call *c, FILE *f, bool result);

/* The reply's HTTP status (0 before any reply). */
unsigned mock_call_status(const mock_call *c);
/* Hands the reply body (malloc'ed, may be NULL) to the caller. */
char *mock_call_take_body(mock_call *c, size_t *len);

#endif
