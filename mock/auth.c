/* See auth.h. The order of the checks is AWS's: what is missing, then the
 * key, then the signature, and only a signed request hears that it is
 * stale. */
#include "auth.h"

#include <string.h>
#include <time.h>

#include "codec.h"
#include "sigv2.h"

/* The value of a required parameter, or NULL after replying MissingParameter. */
static const char *required(mock_call *c, const char *name)
{
    const char *v = mock_call_param(c, name);
    if (v == NULL)
        mock_reply_error(c, 400, "MissingParameter", "The request must contain the parameter %s",
                         name);
    return v;
}

static void reply_bad_signature(mock_call *c)
{
    if (mock_call_service(c) == MOCK_SQS)
        mock_reply_error(c, 403, "SignatureDoesNotMatch",
                         "The request signature we calculated does not match the signature you "
                         "provided. Check your AWS Secret Access Key and signing method. Consult "
                         "the service documentation for details.");
    else
        mock_reply_error(c, 401, "AuthFailure",
                         "AWS was not able to validate the provided access credentials");
}

static void reply_unknown_key(mock_call *c)
{
    if (mock_call_service(c) == MOCK_SQS)
        mock_reply_error(c, 403, "InvalidClientTokenId",
                         "The security token included in the request is invalid.");
    else
        mock_reply_error(c, 401, "AuthFailure",
                         "AWS was not able to validate the provided access credentials");
}

static bool signature_matches(mock_call *c, const char *secret)
{
    switch (sigv2_verify(mock_call_method(c), mock_call_host(c), mock_call_path(c),
                         mock_call_params(c), secret)) {
    case SIGV2_MATCH:
        return true;
    case SIGV2_MISMATCH:
    case SIGV2_NO_SIGNATURE: /* checked before: cannot happen */
    case SIGV2_BAD_METHOD:   /* likewise */
        reply_bad_signature(c);
        return false;
    case SIGV2_NOMEM:
        mock_reply_error(c, 500, "InternalError", "cannot compute the signature");
        return false;
    }
    return false;
}

/* Timestamp within MOCK_CLOCK_SKEW_SECONDS of now, or Expires not past. */
static bool fresh(mock_call *c, const char *timestamp, const char *expires, time_t t)
{
    time_t now = time(NULL);
    if (timestamp != NULL && (t < now - MOCK_CLOCK_SKEW_SECONDS || t > now + MOCK_CLOCK_SKEW_SECONDS)) {
        mock_reply_error(c, 400, "RequestExpired",
                         "Request has expired. Timestamp date is %s", timestamp);
        return false;
    }
    if (expires != NULL && t < now) {
        mock_reply_error(c, 400, "RequestExpired", "Request has expired. Expires date is %s",
                         expires);
        return false;
    }
    return true;
}

/* Parses Timestamp or Expires (exactly one of them) into *t. */
static bool request_time(mock_call *c, const char **timestamp, const char **expires, time_t *t)
{
    *timestamp = mock_call_param(c, "Timestamp");
    *expires = mock_call_param(c, "Expires");
    if (*timestamp == NULL && *expires == NULL) {
        mock_reply_error(c, 400, "MissingParameter",
                         "The request must contain the parameter Timestamp or Expires");
        return false;
    }
    if (*timestamp != NULL && *expires != NULL) {
        mock_reply_error(c, 400, "InvalidParameterCombination",
                         "The parameter Timestamp cannot be used with the parameter Expires");
        return false;
    }
    const char *name = *timestamp ? "Timestamp" : "Expires", *value = *timestamp ? *timestamp : *expires;
    if (!mock_iso8601(value, t)) {
        mock_reply_error(c, 400, "InvalidParameterValue",
                         "Value (%s) for parameter %s is invalid. Must be an ISO 8601 date.",
                         value, name);
        return false;
    }
    return true;
}

bool mock_auth_check(mock_call *c)
{
    const char *key_id, *version, *method, *timestamp, *expires;
    time_t t;
    if (!(key_id = required(c, "AWSAccessKeyId")) || !required(c, "Signature") ||
        !(version = required(c, "SignatureVersion")) || !(method = required(c, "SignatureMethod")))
        return false;
    if (strcmp(version, "2") != 0) {
        mock_reply_error(c, 400, "InvalidParameterValue",
                         "Value (%s) for parameter SignatureVersion is invalid. Valid values: 2.",
                         version);
        return false;
    }
    if (strcmp(method, "HmacSHA256") != 0 && strcmp(method, "HmacSHA1") != 0) {
        mock_reply_error(c, 400, "InvalidParameterValue",
                         "Value (%s) for parameter SignatureMethod is invalid. Valid values: "
                         "HmacSHA256, HmacSHA1.", method);
        return false;
    }
    if (!request_time(c, &timestamp, &expires, &t))
        return false;
    const char *secret = mock_keys_secret(mock_call_server(c)->keys, key_id);
    if (secret == NULL) {
        reply_unknown_key(c);
        return false;
    }
    return signature_matches(c, secret) && fresh(c, timestamp, expires, t);
}
