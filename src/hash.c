/* The two SigV2 signature methods. */
#include <string.h>

#include "awsv2/request.h"
#include "internal.h"

const char *awsv2_hash_name(awsv2_hash hash)
{
    return hash == AWSV2_HMAC_SHA1 ? "HmacSHA1" : "HmacSHA256";
}

size_t awsv2_hash_size(awsv2_hash hash)
{
    return hash == AWSV2_HMAC_SHA1 ? 20 : 32;
}

awsv2_status awsv2_hash_parse(const char *name, awsv2_hash *out, awsv2_error *err)
{
    if (name && strcmp(name, "HmacSHA256") == 0) {
        *out = AWSV2_HMAC_SHA256;
        return AWSV2_OK;
    }
    if (name && strcmp(name, "HmacSHA1") == 0) {
        *out = AWSV2_HMAC_SHA1;
        return AWSV2_OK;
    }
    return awsv2__fail(err, AWSV2_E_INVALID,
                       "unsupported signature method '%s' (HmacSHA256 or HmacSHA1)",
                       name ? name : "(none)");
}
