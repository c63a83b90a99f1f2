/* Query API requests: parameters, then signed with Signature Version 2
 * (canonical query, string to sign, signed GET URL or POST body) or 4
 * (canonical request, Authorization header or presigned URL). */
#ifndef AWSV2_REQUEST_H
#define AWSV2_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "awsv2/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum awsv2_hash { AWSV2_HMAC_SHA256 = 0, AWSV2_HMAC_SHA1 = 1 } awsv2_hash;
typedef enum awsv2_method { AWSV2_GET = 0, AWSV2_POST = 1 } awsv2_method;

/* Largest MAC any signer returns (HMAC-SHA256). */
#define AWSV2_MAC_MAX 32

/* "HmacSHA256" or "HmacSHA1": the SignatureMethod value of a hash. Static. */
AWSV2_API const char *awsv2_hash_name(awsv2_hash hash);
/* Parses a SignatureMethod value (exact, case-sensitive). */
AWSV2_API awsv2_status awsv2_hash_parse(const char *name, awsv2_hash *out, awsv2_error *err);
/* The MAC length of a hash in bytes: 32 or 20. */
AWSV2_API size_t awsv2_hash_size(awsv2_hash hash);

/* ISO 8601 UTC, "2026-11-21T12:00:00Z": 20 characters and a NUL. */
#define AWSV2_TIMESTAMP_SIZE 21
AWSV2_API void awsv2_timestamp_format(time_t t, char out[AWSV2_TIMESTAMP_SIZE]);
/* Parses "YYYY-MM-DDTHH:MM:SS" with optional fractional seconds and an
 * optional "Z" (UTC). Rejects anything else, including impossible dates. */
AWSV2_API awsv2_status awsv2_timestamp_parse(const char *text, time_t *out, awsv2_error *err);

/* ---- Parameter sets ------------------------------------------------------
 * A set of name=value pairs with unique names, kept in the byte order of the
 * names (the canonical query's order); values are any bytes
 * but NUL (UTF-8 expected). Storage is reused across awsv2_params_clear, so a
 * set rebuilt for every request stops allocating once warm.
 * Not thread-safe: one thread at a time per set. */
typedef struct awsv2_params awsv2_params;

/* Creates an empty set; free it with awsv2_params_free. */
AWSV2_API awsv2_status awsv2_params_new(awsv2_params **out, awsv2_error *err);
AWSV2_API void awsv2_params_free(awsv2_params *params);
/* Removes every parameter, keeping the memory. */
AWSV2_API void awsv2_params_clear(awsv2_params *params);
/* Sets name to value (both copied), replacing an existing value of that name.
 * The empty name is invalid. */
AWSV2_API awsv2_status awsv2_params_set(awsv2_params *params, const char *name,
                                        const char *value, awsv2_error *err);
/* Like awsv2_params_set with a printf-formatted value. */
AWSV2_API awsv2_status awsv2_params_setf(awsv2_params *params, const char *name,
                                         awsv2_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Removes name if present (not an error when absent). */
AWSV2_API void awsv2_params_remove(awsv2_params *params, const char *name);
/* The value of name, or NULL. Borrowed: valid until the set changes. */
AWSV2_API const char *awsv2_params_get(const awsv2_params *params, const char *name);
AWSV2_API size_t awsv2_params_count(const awsv2_params *params);
/* The i-th pair in name order (i < count). Borrowed, as above. */
AWSV2_API void awsv2_params_at(const awsv2_params *params, size_t i, const char **name,
                               const char **value);

/* Percent-encodes n bytes per RFC 3986 as SigV2 wants it (A-Z a-z 0-9 - _ . ~
 * kept, every other byte %XX upper-case) into out, which must hold 3 * n + 1
 * bytes; NUL-terminates and returns the encoded length. */
AWSV2_API size_t awsv2_percent_encode(const char *in, size_t n, char *out);

/* ---- Requests -------------------------------------------------------------
 * One query API request to one endpoint. Holds its parameters and reusable
 * buffers for the canonical query, string to sign and URL, so a request can
 * be re-signed (a retry with a new Timestamp) without new allocations. A
 * request is SigV2 until awsv2_request_set_auth4 makes it SigV4.
 * Not thread-safe: one thread at a time per request. */
typedef struct awsv2_request awsv2_request;
struct awsv2_signer;

/* endpoint_url: "http[s]://host[:port][/path]", no query or fragment. The
 * host is lower-cased and a default port dropped for the string to sign. */
AWSV2_API awsv2_status awsv2_request_new(awsv2_request **out, awsv2_method method,
                                         const char *endpoint_url, awsv2_error *err);
AWSV2_API void awsv2_request_free(awsv2_request *req);
/* The request's parameter set (borrowed; lives as long as the request). */
AWSV2_API awsv2_params *awsv2_request_params(awsv2_request *req);
AWSV2_API awsv2_method awsv2_request_method(const awsv2_request *req);
/* "host" or "host:port" as it goes into the string to sign. Borrowed. */
AWSV2_API const char *awsv2_request_host(const awsv2_request *req);

/* Sets AWSAccessKeyId, SignatureVersion=2, SignatureMethod and, when
 * session_token is not NULL, SecurityToken. */
AWSV2_API awsv2_status awsv2_request_set_auth(awsv2_request *req, const char *access_key_id,
                                              const char *session_token, awsv2_hash hash,
                                              awsv2_error *err);
/* Sets Timestamp to t (removing Expires), or Expires to t (removing
 * Timestamp). */
AWSV2_API awsv2_status awsv2_request_set_timestamp(awsv2_request *req, time_t t, awsv2_error *err);
AWSV2_API awsv2_status awsv2_request_set_expires(awsv2_request *req, time_t t, awsv2_error *err);

/* The string to sign of the current parameters (every parameter but
 * Signature). Borrowed: valid until the request changes. */
AWSV2_API awsv2_status awsv2_request_string_to_sign(awsv2_request *req, const char **out,
                                                    size_t *len, awsv2_error *err);

/* Signs the request with signer, using the hash named by its SignatureMethod
 * parameter (which must be present, as must AWSAccessKeyId). On failure the
 * request holds no signature. */
AWSV2_API awsv2_status awsv2_request_sign(awsv2_request *req, struct awsv2_signer *signer,
                                          awsv2_error *err);
/* Signs with a MAC computed elsewhere (mac_len bytes for the request's hash). */
AWSV2_API awsv2_status awsv2_request_set_mac(awsv2_request *req, const uint8_t *mac,
                                             size_t mac_len, awsv2_error *err);

/* Borrowed results of a signed request, valid until the request changes:
 * the signature (SigV2: base64; SigV4: 64 lower-case hex digits); the query
 * (SigV2: canonical query & Signature=...; a presigned SigV4 GET: canonical
 * query & X-Amz-Signature=...; a SigV4 request signed in its header: the
 * canonical query alone), which is the form body of a POST; the URL
 * (endpoint?query for GET, the endpoint for POST). Each returns NULL when
 * the request is not signed. */
AWSV2_API const char *awsv2_request_signature(const awsv2_request *req);
AWSV2_API const char *awsv2_request_query(const awsv2_request *req);
AWSV2_API const char *awsv2_request_url(const awsv2_request *req);

/* ---- Signature Version 4 ---------------------------------------------------
 * The same request signed with AWS4-HMAC-SHA256 (docs/sigv4.md) instead:
 * awsv2_request_set_auth4 switches it to SigV4 (awsv2_request_set_auth
 * switches it back), awsv2_request_set_amz_date gives it its time and
 * chooses where the signature goes, awsv2_request_sign signs it through
 * the signer's awsv2_signer_sign4, and the accessors above and below give
 * what to send. The parameters may be any names and values (the query is
 * sorted by encoded name, as SigV4 wants); names starting with "X-Amz-" are
 * the request's own when presigned. */

/* Which signature version to use. AUTO picks one per endpoint
 * (awsv2_signature_version_auto). */
typedef enum awsv2_signature_version {
    AWSV2_SIGNATURE_AUTO = 0,
    AWSV2_SIGNATURE_V2 = 2,
    AWSV2_SIGNATURE_V4 = 4
} awsv2_signature_version;

/* Parses "2", "4" or "auto". */
AWSV2_API awsv2_status awsv2_signature_version_parse(const char *text,
                                                     awsv2_signature_version *out,
                                                     awsv2_error *err);
/* flag if not NULL (a --signature-version option), else the
 * AWSV2_SIGNATURE_VERSION environment variable if set and not empty, else
 * "auto"; parsed as above (a bad value names its source). */
AWSV2_API awsv2_status awsv2_signature_version_resolve(const char *flag,
                                                       awsv2_signature_version *out,
                                                       awsv2_error *err);
/* What AUTO means for a request of service to endpoint_url in region: 2 for
 * EC2 in the regions that still accept SigV2 (us-east-1, us-west-1,
 * us-west-2, eu-west-1, ap-northeast-1, ap-southeast-1, ap-southeast-2,
 * sa-east-1) and for a custom endpoint (any whose host is not
 * SERVICE.REGION.amazonaws.com, e.g. a local mock); 4 everywhere else. An
 * unparsable endpoint counts as custom. Returns AWSV2_SIGNATURE_V2 or
 * AWSV2_SIGNATURE_V4. Thread-safe. */
AWSV2_API awsv2_signature_version awsv2_signature_version_auto(const char *service,
                                                               const char *region,
                                                               const char *endpoint_url);

/* Makes the request a SigV4 one for access_key_id (1 to 128 of A-Z and
 * 0-9, as a signer accepts) in the credential scope of region and service
 * (lower-case letters, digits and '-'; "ec2", "sqs"), sending
 * session_token (NULL: none) as X-Amz-Security-Token. Removes the
 * parameters SigV2 signing added (awsv2_request_set_auth's, and Timestamp
 * or Expires when awsv2_request_set_timestamp/_expires set them). */
AWSV2_API awsv2_status awsv2_request_set_auth4(awsv2_request *req, const char *access_key_id,
                                               const char *session_token, const char *region,
                                               const char *service, awsv2_error *err);
/* Dates a SigV4 request at t (X-Amz-Date). expires_in 0: signed in the
 * Authorization header (the parameters go in the form body of a POST, in
 * the URL of a GET). 1 to 604800 seconds: a presigned GET whose URL carries
 * X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders (host),
 * -Security-Token and -Signature. */
AWSV2_API awsv2_status awsv2_request_set_amz_date(awsv2_request *req, time_t t, long expires_in,
                                                  awsv2_error *err);
/* The canonical request of the current parameters, exactly as AWS defines
 * it (of a signed request: the one signed). Borrowed: valid until the
 * request changes. awsv2_request_string_to_sign
 * of a SigV4 request is its string to sign (AWS4-HMAC-SHA256, timestamp,
 * scope, hex SHA-256 of the canonical request). */
AWSV2_API awsv2_status awsv2_request_canonical_request(awsv2_request *req, const char **out,
                                                       size_t *len, awsv2_error *err);
/* 2 or 4: how the request is signed. */
AWSV2_API awsv2_signature_version awsv2_request_signature_version(const awsv2_request *req);
/* The Authorization header's value of a SigV4 request signed in its header;
 * NULL otherwise (unsigned, presigned or SigV2). Borrowed, as above. */
AWSV2_API const char *awsv2_request_authorization(const awsv2_request *req);
/* The HTTP headers a signed request must be sent with, in order: for a
 * SigV4 request signed in its header, Content-Type, Host, X-Amz-Date,
 * X-Amz-Security-Token (with a session token) and Authorization; none
 * otherwise. i < count; borrowed, as above. */
AWSV2_API size_t awsv2_request_header_count(const awsv2_request *req);
AWSV2_API void awsv2_request_header_at(const awsv2_request *req, size_t i, const char **name,
                                       const char **value);

#ifdef __cplusplus
}
#endif
#endif
