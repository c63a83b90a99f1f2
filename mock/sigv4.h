/* Signature Version 4 verification (AWS4-HMAC-SHA256), written from AWS's
 * documentation ("Create a signed AWS API request", "Authenticating
 * requests: using query parameters") and nothing else: like sigv2.c it
 * shares no code with the library it is there to check. Both forms of a
 * query API are read: an Authorization header (any method; the body is the
 * payload), and a presigned request (the X-Amz-* query parameters).
 * Pure functions; thread-safe. */
#ifndef AWSV2_MOCK_SIGV4_H
#define AWSV2_MOCK_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* One request header as received (borrowed). */
typedef struct sigv4_header {
    const char *name, *value;
} sigv4_header;

/* A request as received, every string borrowed. */
typedef struct sigv4_request {
    const char *method;      /* "GET", "POST" */
    const char *path;        /* the raw path, percent-encoding as sent */
    const char *query;       /* the raw query string after '?', or NULL */
    const sigv4_header *headers;
    size_t n_headers;
    const char *body;        /* may be NULL when body_len is 0 */
    size_t body_len;
} sigv4_request;

typedef enum sigv4_form {
    SIGV4_NONE,       /* neither: a SigV2 request, or none */
    SIGV4_HEADER,     /* Authorization: AWS4-HMAC-SHA256 ... */
    SIGV4_PRESIGNED,  /* X-Amz-Algorithm & co. in the query */
    SIGV4_BOTH,       /* both at once: refused */
} sigv4_form;

/* What a request says about its signature, copied out of it. */
typedef struct sigv4_auth {
    sigv4_form form;
    char key_id[129];
    char date[9];            /* the scope's YYYYMMDD */
    char region[64];
    char service[64];
    char terminator[64];     /* must be aws4_request (checked by the caller) */
    char signed_headers[1024]; /* "host;x-amz-date": lower-case, sorted, unique */
    char signature[65];      /* as sent (64 hex digits when well formed) */
    char amz_date[17];       /* YYYYMMDDTHHMMSSZ */
    time_t when;             /* amz_date as a time */
    long expires;            /* X-Amz-Expires of a presigned request, else 0 */
} sigv4_auth;

/* The value of the first header named name (case-insensitive), or NULL. */
const char *sigv4_header_get(const sigv4_request *r, const char *name);

/* Which form r's SigV4 takes (by the Authorization header's scheme and the
 * presence of any X-Amz-Algorithm/-Credential/-Signature parameter). */
sigv4_form sigv4_form_of(const sigv4_request *r);

/* Reads the Authorization header or the presign parameters, and the
 * request time, into a. False when a part is missing or malformed (AWS's
 * IncompleteSignature), with why (cap bytes) saying which; no secret is
 * involved. */
bool sigv4_parse(const sigv4_request *r, sigv4_auth *a, char *why, size_t cap);

/* The canonical request, malloc'ed (the caller frees), NULL when out of
 * memory or a query is malformed:
 *   METHOD \n URI \n query \n headers \n signed headers \n payload hash
 * URI: the path with dot segments and repeated slashes removed, every byte
 * but A-Z a-z 0-9 - _ . ~ / percent-encoded (so an escape as sent becomes
 * %25XX: AWS encodes the path twice). query: the query string's pairs but
 * X-Amz-Signature, decoded then encoded per RFC 3986 (upper-case hex),
 * sorted by encoded name then value. headers: "name:value\n" for each
 * signed header, its values trimmed, runs of spaces made one, several
 * headers of one name joined by ','. payload hash: lower-case hex SHA-256
 * of the body (of nothing for a GET). */
char *sigv4_canonical_request(const sigv4_request *r, const sigv4_auth *a, size_t *len);

/* AWS4-HMAC-SHA256 \n amz_date \n date/region/service/terminator \n
 * hex SHA-256 of the canonical request; malloc'ed, NULL when out of memory. */
char *sigv4_string_to_sign(const sigv4_auth *a, const char *canonical, size_t len,
                           size_t *out_len);

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" secret, date), region), service),
 * "aws4_request"); false when out of memory. */
bool sigv4_signing_key(const char *secret, const char *date, const char *region,
                       const char *service, unsigned char out[32]);

typedef enum sigv4_result {
    SIGV4_MATCH,
    SIGV4_MISMATCH,
    SIGV4_NOMEM,
} sigv4_result;

/* Recomputes the signature of r under secret (with a's scope, which the
 * caller has checked) and compares it with a->signature in constant time. */
sigv4_result sigv4_verify(const sigv4_request *r, const sigv4_auth *a, const char *secret);

#endif
