/* The one way into a credentials object's secret, for the library's own
 * code that must hand it to a key (the openssl backend keys its HMAC with
 * it; awsv2_signer_key_put_credentials sends it to a device). No public
 * call returns a secret. */
#ifndef AWSV2_CREDENTIALS_IMPL_H
#define AWSV2_CREDENTIALS_IMPL_H

#include <time.h>

#include "awsv2/credentials.h"

/* The secret of creds; NULL if none. Borrowed, valid as long as creds. */
const char *awsv2__credentials_secret(const awsv2_credentials *creds);

/* Sets when creds expire (0: never); for the code that makes them. */
void awsv2__credentials_set_expiration(awsv2_credentials *creds, time_t expiration);

#endif
