/* The way through one request: parameters, the action it names, injected
 * failures, the signature, then the action. */
#ifndef AWSV2_MOCK_HANDLE_H
#define AWSV2_MOCK_HANDLE_H

#include <stddef.h>

#include "call.h"

/* Answers the call (its reply is set on return): raw_query may be NULL; a
 * non-empty body must be a form. */
void mock_handle(mock_call *c, const char *raw_query, const char *content_type, const char *body,
                 size_t body_len);

#endif
