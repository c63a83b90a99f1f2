/* The open functions of the backends configure left out (--disable-due,
 * --disable-http): the spec is still recognised, and refused by name,
 * never handed to another backend. One line per optional backend. */
#include "config.h"

#include "signer_impl.h"

#define UNAVAILABLE(name)                                                                   \
    awsv2_status awsv2__##name##_open(awsv2_signer **out, const char *spec, const char *rest, \
                                      const awsv2_credentials *creds, awsv2_error *err)     \
    {                                                                                       \
        (void)rest;                                                                         \
        (void)creds;                                                                        \
        *out = NULL;                                                                        \
        return awsv2__fail(err, AWSV2_E_UNAVAILABLE,                                        \
                           "signer spec '%s': this libawsv2 was built without the " #name   \
                           ": backend (it has: %s)",                                        \
                           spec, awsv2_backends());                                         \
    }

#ifndef AWSV2_HAVE_DUE
UNAVAILABLE(due)
#endif
#ifndef AWSV2_HAVE_HTTP
UNAVAILABLE(http)
#endif
#ifndef AWSV2_HAVE_PKCS11
UNAVAILABLE(pkcs11)
#endif
