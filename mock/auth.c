/* See auth.h. The order of the checks is AWS's: what is missing, then the
 * key, then the signature, and only a signed request hears that it is
 * stale. */
#include "auth.h"

#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "codec.h"
#include "sigv2.h"
#include "sigv4.h"

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
    time_t now = mock_server_now(mock_call_server(c));
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

/* ---- Signature Version 4 -------------------------------------------------- */

/* The scope names the request's date, this endpoint's service and AWS's
 * terminator; any region is served. */
static bool scope_matches(mock_call *c, const sigv4_auth *a)
{
    const char *service = mock_call_service(c) == MOCK_SQS ? "sqs" : "ec2";
    if (strncmp(a->date, a->amz_date, 8) != 0) {
        mock_reply_error(c, 403, "SignatureDoesNotMatch",
                         "Date in Credential scope does not match YYYYMMDD from ISO-8601 version "
                         "of date from HTTP: '%s' != '%.8s', from '%s'.",
                         a->date, a->amz_date, a->amz_date);
        return false;
    }
    if (strcmp(a->service, service) != 0) {
        mock_reply_error(c, 403, "SignatureDoesNotMatch",
                         "Credential should be scoped to correct service: '%s'.", service);
        return false;
    }
    if (strcmp(a->terminator, "aws4_request") != 0) {
        mock_reply_error(c, 403, "SignatureDoesNotMatch",
                         "Credential should be scoped with a valid terminator: 'aws4_request', "
                         "not '%s'.", a->terminator);
        return false;
    }
    return true;
}

/* An X-Amz-Content-Sha256 header must name the body that came: the mock
 * signs what it received, never what a header claims. */
static bool content_hash_matches(mock_call *c, const sigv4_request *r)
{
    const char *claimed = sigv4_header_get(r, "X-Amz-Content-Sha256");
    unsigned char d[32];
    char hex[65];
    if (claimed == NULL)
        return true;
    if (!EVP_Digest(r->body != NULL ? r->body : "", r->body_len, d, NULL, EVP_sha256(), NULL)) {
        mock_reply_error(c, 500, "InternalError", "cannot hash the body");
        return false;
    }
    mock_hex(d, sizeof d, hex);
    if (strcmp(claimed, hex) != 0) {
        mock_reply_error(c, 400, "XAmzContentSHA256Mismatch",
                         "The provided 'x-amz-content-sha256' header does not match what was "
                         "computed.");
        return false;
    }
    return true;
}

/* With an Authorization header, X-Amz-Date within MOCK_CLOCK_SKEW_SECONDS
 * of now; presigned, from MOCK_CLOCK_SKEW_SECONDS before X-Amz-Date to
 * X-Amz-Expires after it. */
static bool sigv4_fresh(mock_call *c, const sigv4_auth *a)
{
    time_t now = mock_server_now(mock_call_server(c));
    bool early = a->when > now + MOCK_CLOCK_SKEW_SECONDS;
    bool late = a->form == SIGV4_PRESIGNED ? now > a->when + a->expires
                                           : a->when < now - MOCK_CLOCK_SKEW_SECONDS;
    if (!early && !late)
        return true;
    const char *why = early ? ", too far ahead"
                      : a->form == SIGV4_PRESIGNED ? " and X-Amz-Expires past" : "";
    mock_reply_error(c, 400, "RequestExpired", "Request has expired. X-Amz-Date is %s%s.",
                     a->amz_date, why);
    return false;
}

static bool sigv4_check(mock_call *c)
{
    const sigv4_request *r = mock_call_raw(c);
    sigv4_auth a;
    char why[512];
    if (!sigv4_parse(r, &a, why, sizeof why)) {
        mock_reply_error(c, 400, "IncompleteSignature", "%s", why);
        return false;
    }
    const char *secret = mock_keys_secret(mock_call_server(c)->keys, a.key_id);
    if (secret == NULL) {
        reply_unknown_key(c);
        return false;
    }
    if (!scope_matches(c, &a) || !content_hash_matches(c, r))
        return false;
    switch (sigv4_verify(r, &a, secret)) {
    case SIGV4_MATCH:
        mock_call_set_key_id(c, a.key_id);
        return sigv4_fresh(c, &a);
    case SIGV4_MISMATCH:
        mock_reply_error(c, 403, "SignatureDoesNotMatch",
                         "The request signature we calculated does not match the signature you "
                         "provided. Check your AWS Secret Access Key and signing method. Consult "
                         "the service documentation for details.");
        return false;
    case SIGV4_NOMEM:
        break;
    }
    mock_reply_error(c, 500, "InternalError", "cannot compute the signature");
    return false;
}

bool mock_auth_check(mock_call *c)
{
    if (sigv4_form_of(mock_call_raw(c)) != SIGV4_NONE)
        return sigv4_check(c);
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
    if (!signature_matches(c, secret))
        return false;
    mock_call_set_key_id(c, key_id);
    return fresh(c, timestamp, expires, t);
}
