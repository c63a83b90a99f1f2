/* What the client tests sign with (header-only, like check_run.h). */
#ifndef AWSV2_TESTS_EXAMPLE_SIGNER_H
#define AWSV2_TESTS_EXAMPLE_SIGNER_H

#include <check.h>

#include "awsv2/credentials.h"
#include "awsv2/signer.h"

/* AWS's example credentials and the openssl signer over them (the test
 * fails when they cannot be made). The caller closes the signer, then
 * frees the credentials. */
static inline void example_signer(awsv2_credentials **creds, awsv2_signer **signer)
{
    ck_assert_int_eq(awsv2_credentials_new(creds, "AKIAIOSFODNN7EXAMPLE",
                                           "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL, NULL),
                     AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_open(signer, "openssl", *creds, NULL), AWSV2_OK);
}

#endif
