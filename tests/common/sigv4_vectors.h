/* The SigV4 known-answer vectors (tests/core/sigv4.jsonl, computed by
 * botocore and checked against AWS's documented example), loaded once for
 * every test that uses them. Not thread-safe: call sigv4_vectors() before
 * starting threads; after that the vectors are read-only. */
#ifndef TEST_SIGV4_VECTORS_H
#define TEST_SIGV4_VECTORS_H

#include <stddef.h>

struct json_object;

typedef struct sigv4_vector {
    const char *name, *kind;
    const char *key_id, *secret, *region, *service;
    const char *session_token;                      /* NULL when absent */
    const char *timestamp;                          /* X-Amz-Date; NULL for a signing-key vector */
    const char *date;                               /* YYYYMMDD */
    const char *canonical_request, *string_to_sign; /* NULL when absent */
    const char *body;                               /* NULL when absent */
    const char *signature, *signing_key;            /* hex; NULL when absent */
    const char *authorization;                      /* NULL when absent */
    /* The canonical request the signature was made over (NULL without a
     * canonical_request). The POST vectors' canonical_request (and
     * string_to_sign) were captured after botocore had added the
     * Authorization header, so they list it; their signature, headers and
     * body, as AWS would check them, are those of the request without it. */
    char *signed_request;
    /* The whole line, for the members not named above (params, headers,
     * expires); owned by the loader. */
    struct json_object *json;
} sigv4_vector;

/* Loads every vector (on failure: a message, and exit status 99); the
 * memory lives until the process ends. Returns how many there are. The file is found under
 * the environment's top_srcdir (the current directory without it). */
size_t sigv4_vectors(const sigv4_vector **out);

/* Lower-case hex SHA-256 of len bytes (OpenSSL), into hex[65]. */
void sigv4_sha256_hex(const void *data, size_t len, char hex[65]);

/* The oracle for what no vector holds, by AWS's documented chain with
 * OpenSSL's HMAC(): kSigning of a scope, into key[32]. */
void sigv4_oracle_key(const char *secret, const char *date, const char *region,
                      const char *service, unsigned char key[32]);

/* The signature of the canonical request cr (cr_len bytes) for a scope
 * dated by amz_date (YYYYMMDDTHHMMSSZ): into sig[32] and, unless NULL,
 * as lower-case hex into hex[65] (sig may be NULL too). */
void sigv4_oracle_sign(const char *secret, const char *amz_date, const char *region,
                       const char *service, const char *cr, size_t cr_len,
                       unsigned char *sig, char *hex);

#endif
