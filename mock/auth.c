/* Signature Version 2 verification, as AWS does it: rebuild the string to
 * sign from what was received (method, Host header, path, every parameter
 * but Signature), MAC it with the secret of AWSAccessKeyId and compare. */
#include "mock.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "internal.h"

/* The value of a required parameter, or NULL after replying MissingParameter. */
static const char *required(mock_call *c, const char *name)
{
    const char *v = awsv2_params_get(c->params, name);
    if (v == NULL)
        mock_reply_error(c, 400, "MissingParameter", "The request must contain the parameter %s",
                         name);
    return v;
}

static void reply_bad_signature(mock_call *c)
{
    if (c->service == MOCK_SQS)
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
    if (c->service == MOCK_SQS)
        mock_reply_error(c, 403, "InvalidClientTokenId",
                         "The security token included in the request is invalid.");
    else
        mock_reply_error(c, 401, "AuthFailure",
                         "AWS was not able to validate the provided access credentials");
}

/* The string to sign of the request as received, into a request the caller
 * frees. NULL after replying when Host or path cannot form a URL. */
static awsv2_request *rebuild(mock_call *c)
{
    char url[2048];
    awsv2_request *req = NULL;
    awsv2_method method = strcmp(c->method, "POST") == 0 ? AWSV2_POST : AWSV2_GET;
    int n = snprintf(url, sizeof url, "http://%s%s", c->host, c->path);
    if (n < 0 || (size_t)n >= sizeof url || awsv2_request_new(&req, method, url, NULL)) {
        mock_reply_error(c, 400, "InvalidParameterValue",
                         "The Host header or the path of the request is invalid.");
        return NULL;
    }
    awsv2_params *p = awsv2_request_params(req);
    for (size_t i = 0; i < awsv2_params_count(c->params); i++) {
        const char *name, *value;
        awsv2_params_at(c->params, i, &name, &value);
        if (strcmp(name, "Signature") != 0 && awsv2_params_set(p, name, value, NULL)) {
            awsv2_request_free(req);
            mock_reply_error(c, 500, "InternalError", "out of memory");
            return NULL;
        }
    }
    return req;
}

/* True when signature is the base64 HMAC of the request under secret. */
static bool signature_matches(mock_call *c, awsv2_request *req, awsv2_hash hash,
                              const char *secret, const char *signature)
{
    const char *sts;
    size_t sts_len, mac_len = 0;
    unsigned char mac[EVP_MAX_MD_SIZE];
    char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    if (awsv2_request_string_to_sign(req, &sts, &sts_len, NULL) ||
        !EVP_Q_mac(NULL, "HMAC", NULL, hash == AWSV2_HMAC_SHA1 ? "SHA1" : "SHA256", NULL,
                   secret, strlen(secret), (const unsigned char *)sts, sts_len, mac, sizeof mac,
                   &mac_len)) {
        mock_reply_error(c, 500, "InternalError", "cannot compute the signature");
        return false;
    }
    int len = EVP_EncodeBlock((unsigned char *)b64, mac, (int)mac_len);
    bool ok = strlen(signature) == (size_t)len && CRYPTO_memcmp(b64, signature, (size_t)len) == 0;
    awsv2__wipe(mac, sizeof mac);
    if (!ok)
        reply_bad_signature(c);
    return ok;
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
    *timestamp = awsv2_params_get(c->params, "Timestamp");
    *expires = awsv2_params_get(c->params, "Expires");
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
    if (awsv2_timestamp_parse(value, t, NULL) != AWSV2_OK) {
        mock_reply_error(c, 400, "InvalidParameterValue",
                         "Value (%s) for parameter %s is invalid. Must be an ISO 8601 date.",
                         value, name);
        return false;
    }
    return true;
}

bool mock_auth_check(mock_call *c)
{
    const char *key_id, *signature, *version, *method, *timestamp, *expires;
    awsv2_hash hash;
    time_t t;
    if (!(key_id = required(c, "AWSAccessKeyId")) || !(signature = required(c, "Signature")) ||
        !(version = required(c, "SignatureVersion")) || !(method = required(c, "SignatureMethod")))
        return false;
    if (strcmp(version, "2") != 0) {
        mock_reply_error(c, 400, "InvalidParameterValue",
                         "Value (%s) for parameter SignatureVersion is invalid. Valid values: 2.",
                         version);
        return false;
    }
    if (awsv2_hash_parse(method, &hash, NULL) != AWSV2_OK) {
        mock_reply_error(c, 400, "InvalidParameterValue",
                         "Value (%s) for parameter SignatureMethod is invalid. Valid values: "
                         "HmacSHA256, HmacSHA1.", method);
        return false;
    }
    if (!request_time(c, &timestamp, &expires, &t))
        return false;
    const char *secret = mock_keys_secret(&c->srv->keys, key_id);
    if (secret == NULL) {
        reply_unknown_key(c);
        return false;
    }
    awsv2_request *req = rebuild(c);
    bool ok = req != NULL && signature_matches(c, req, hash, secret, signature) &&
              fresh(c, timestamp, expires, t);
    awsv2_request_free(req);
    return ok;
}
