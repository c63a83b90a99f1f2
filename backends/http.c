/* The http backend: not written yet. */
#include "signer_impl.h"

awsv2_status awsv2__http_open(awsv2_signer **out, const char *spec, const char *rest,
                             const awsv2_credentials *creds, awsv2_error *err)
{
    (void)out;
    (void)rest;
    (void)creds;
    return awsv2__fail(err, AWSV2_E_UNAVAILABLE,
                       "signer spec '%s': the http backend is not available in this build", spec);
}
