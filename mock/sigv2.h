/* Signature Version 2 verification, written from AWS's documentation
 * ("Signature Version 2 signing process") and nothing else: it shares no
 * code with the library it is there to check. Pure functions; thread-safe. */
#ifndef AWSV2_MOCK_SIGV2_H
#define AWSV2_MOCK_SIGV2_H

#include <stddef.h>

#include "params.h"

typedef enum sigv2_result {
    SIGV2_MATCH,
    SIGV2_MISMATCH,
    SIGV2_NO_SIGNATURE,   /* no Signature parameter */
    SIGV2_BAD_METHOD,     /* SignatureMethod absent, or not HmacSHA256/HmacSHA1 */
    SIGV2_NOMEM,
} sigv2_result;

/* The string to sign of a request as received, malloc'ed (the caller
 * frees), NULL when out of memory:
 *   METHOD \n host \n path \n canonical query
 * host is the Host header, lower-cased, without the default port :80 (the
 * mock speaks plain HTTP); path is the request path as sent ("/" when
 * empty); the canonical query is every parameter but Signature, sorted by
 * name in byte order, names and values percent-encoded per RFC 3986
 * (A-Z a-z 0-9 - _ . ~ kept, everything else %XX in upper-case hex, so a
 * space is %20), joined as name=value with '&'. */
char *sigv2_string_to_sign(const char *method, const char *host, const char *path,
                           const mock_params *params, size_t *len);

/* Checks the Signature parameter: base64 of the HMAC (SHA-256 or SHA-1, as
 * SignatureMethod says) of the string to sign under secret, compared in
 * constant time. */
sigv2_result sigv2_verify(const char *method, const char *host, const char *path,
                          const mock_params *params, const char *secret);

#endif
