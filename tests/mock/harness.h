/* Shared helpers of the awsv2-mock tests: start the real program, sign
 * requests with the library's request API and OpenSSL, talk HTTP with
 * libcurl, read replies with libxml2. */
#ifndef AWSV2_TESTS_MOCK_HARNESS_H
#define AWSV2_TESTS_MOCK_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "awsv2/request.h"
#include "child.h"

#define KEY_ID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

/* A running awsv2-mock. */
typedef struct mock_proc {
    struct child proc;
    char url[128]; /* base URL, "http://127.0.0.1:PORT/" */
    char creds[4096]; /* its credentials file, removed once it has started */
} mock_proc;

/* Starts awsv2-mock --port 0 --credentials <temp> plus extra (NULL-ended)
 * arguments; aborts the test program on failure. */
void mock_start(mock_proc *m, const char *const *extra);
/* SIGTERM, wait (with a timeout, then SIGKILL); returns the exit status,
 * 128 + the signal it died of, or -1 when it had to be killed. */
int mock_stop(mock_proc *m);

/* How to sign a request. */
typedef struct sign_opts {
    awsv2_method method;
    awsv2_hash hash;
    const char *key_id; /* NULL: KEY_ID */
    const char *secret; /* NULL: SECRET */
    time_t when;        /* 0: now */
    bool expires;       /* Expires instead of Timestamp */
} sign_opts;

/* A reply. */
typedef struct reply {
    long status;
    char *body;
    size_t len;
} reply;

/* Signs params (name, value, ..., NULL) for endpoint (a base URL plus an
 * optional path) and sends the request. */
reply call(const char *endpoint, const sign_opts *o, const char *const *params);
/* Sends a raw request: body NULL for GET; content_type NULL for the form
 * type; extra_header may be NULL. */
reply http(const char *method, const char *url, const char *body, size_t body_len,
           const char *content_type, const char *extra_header);
/* Sends a raw request with exactly the given headers ("Name: value",
 * NULL-ended; "Host: x" replaces curl's) and no Content-Type of its own. */
reply http_with(const char *method, const char *url, const char *body, size_t body_len,
                const char *const *headers);
void reply_free(reply *r);

/* The text of the n-th (0-based) element named local (any namespace) in
 * an XML reply, malloc'ed, or NULL. Element text is given back with the
 * exact bytes the XML encodes. */
char *xml_text(const reply *r, const char *local, int n);
/* How many elements named local the reply has. */
int xml_count(const reply *r, const char *local);
/* The AWS error code of a reply (either shape), or "" (static buffer). */
const char *error_code(const reply *r);

/* "scheme://authority/path" as a client sends it: host, the authority
 * without the scheme's default port (what goes in Host), and path ("/"
 * when there is none). */
void split_endpoint(const char *endpoint, char *host, size_t host_cap, char *path,
                    size_t path_cap);
/* s with every byte but RFC 3986's unreserved characters percent-encoded
 * (upper-case hex) into out, which holds 3 * strlen(s) + 1 bytes. */
void percent_encode(const char *s, char *out);

/* Lower-case hex MD5 of n bytes. */
void md5_hex(const void *data, size_t n, char hex[33]);

#endif
