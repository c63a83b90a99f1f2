/* Authentication of a call: SigV4 (an AWS4-HMAC-SHA256 Authorization
 * header or presigned X-Amz-* parameters, sigv4.c) or else SigV2 (its
 * parameters, sigv2.c): the parts, the key, the signature and the request
 * time, with AWS's errors. */
#ifndef AWSV2_MOCK_AUTH_H
#define AWSV2_MOCK_AUTH_H

#include <stdbool.h>

#include "call.h"

/* How far Timestamp may be from the mock's clock, as AWS allows. */
#define MOCK_CLOCK_SKEW_SECONDS 900

/* Verifies the call's signature, key and time; on failure replies with the
 * AWS error and returns false. */
bool mock_auth_check(mock_call *c);

#endif
