/* Authentication of a call: the SigV2 parameters, the key, the signature
 * (sigv2.c) and the request time, with AWS's errors. */
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
