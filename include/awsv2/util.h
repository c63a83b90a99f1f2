/* Memory, secrets and the encodings AWS's protocols use: what a program
 * built on libawsv2 needs beside the calls that talk to AWS or a signer. */
#ifndef AWSV2_UTIL_H
#define AWSV2_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "awsv2/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Frees memory the library allocated and handed to the caller with "free
 * it with awsv2_free" (a response body, an encoded string). The library
 * and the program may use different allocators; never pass such memory to
 * free(). NULL is fine. */
AWSV2_API void awsv2_free(void *p);

/* Zeroes n bytes in a way the compiler cannot drop as a dead store
 * (OPENSSL_cleanse): for secrets, before their memory is reused or freed.
 * NULL or 0 is fine. Thread-safe. */
AWSV2_API void awsv2_wipe(void *p, size_t n);

/* ---- Bearer token files -------------------------------------------------
 * One reader, so that awsv2-hsmd --token-file and the http: signer's
 * token_file= option always agree on what a file holds: the token is the
 * file's first line without its line end and trailing spaces and tabs. */

/* Room for the longest token accepted (4096 characters) and its NUL. */
#define AWSV2_TOKEN_SIZE 4097

/* Reads the token of the file at path into buf (cap bytes, NUL-terminated;
 * AWSV2_TOKEN_SIZE suffice) and its length into *len. AWSV2_E_IO when the
 * file cannot be read; AWSV2_E_CONFIG when it is a symbolic link, not a
 * regular file, or open to group or others (mode wider than 0600), or when
 * its first line holds a NUL, no token or one too long for buf. The message
 * names the file, never the token. The library leaves no copy of the token
 * behind (docs/secrets.md); the caller wipes buf. */
AWSV2_API awsv2_status awsv2_token_file_read(const char *path, char *buf, size_t cap,
                                             size_t *len, awsv2_error *err);

/* ---- Private files --------------------------------------------------------
 * A file only its owner may read, such as awsv2-hsmd's TLS private key:
 * read by the same rules as a token file, whole. */

/* Reads the whole file at path (at most max bytes) into *data, allocated
 * and NUL-terminated after its *len bytes (the file may hold NULs). Errors
 * as awsv2_token_file_read's: AWSV2_E_IO when it cannot be read,
 * AWSV2_E_CONFIG for a symbolic link, not a regular file, a mode wider
 * than 0600 or a file over max bytes; the message names the file, never
 * its contents. Release *data with awsv2_private_file_free(*data, *len),
 * which wipes it; the library leaves no other copy behind. Thread-safe. */
AWSV2_API awsv2_status awsv2_private_file_read(const char *path, size_t max, char **data,
                                               size_t *len, awsv2_error *err);
AWSV2_API void awsv2_private_file_free(char *data, size_t len);

/* ---- Hexadecimal ----------------------------------------------------------
 * As the signer protocols carry MACs (the Due's "SUCCESS <hex>", the
 * daemon's "signature") and as MD5 digests are written. */

/* Writes the n bytes of in as 2 * n lower-case hex digits and a NUL into out,
 * which must hold 2 * n + 1 bytes. */
AWSV2_API void awsv2_hex_encode(const void *in, size_t n, char *out);

/* Decodes exactly 2 * n hex digits (either case) of hex (len bytes, not
 * necessarily terminated) into out[n]. AWSV2_E_INVALID, with out partly
 * written, if len is not 2 * n or a byte is not a hex digit. */
AWSV2_API awsv2_status awsv2_hex_decode(const char *hex, size_t len, void *out, size_t n,
                                        awsv2_error *err);

/* ---- Base64 (RFC 4648, standard alphabet, with padding) -------------------
 * As SQS carries binary message attributes. */

/* The length of the base64 text of n bytes, without its NUL. */
#define AWSV2_BASE64_LEN(n) (4 * (((size_t)(n) + 2) / 3))

/* Encodes n bytes into out, which holds cap bytes (AWSV2_BASE64_LEN(n) + 1
 * are needed); NUL-terminates and stores the text's length in *out_len
 * (may be NULL). AWSV2_E_INVALID when out is too small. */
AWSV2_API awsv2_status awsv2_base64_encode(const void *in, size_t n, char *out, size_t cap,
                                           size_t *out_len, awsv2_error *err);

/* Decodes len bytes of canonical base64 (no whitespace, padding where it
 * belongs) into out and stores the number of bytes in *out_len. out must
 * hold cap >= len / 4 * 3 bytes (padding included, though *out_len leaves
 * it out). AWSV2_E_INVALID for anything else, or when out is too small. */
AWSV2_API awsv2_status awsv2_base64_decode(const char *text, size_t len, void *out, size_t cap,
                                           size_t *out_len, awsv2_error *err);

/* ---- What this library was built with -----------------------------------
 * The library a program runs with may be newer than the headers it was
 * compiled against, and its signer backends are chosen when it is built
 * (configure --disable-due, --disable-http): a spec naming a backend left
 * out fails with AWSV2_E_UNAVAILABLE. Thread-safe; the strings are static. */

/* The library's version, e.g. "0.2.0". */
AWSV2_API const char *awsv2_version(void);

/* The signer backends built in, space-separated, e.g. "openssl due http"
 * ("http" covers http:// and https://). */
AWSV2_API const char *awsv2_backends(void);

/* 1 when the backend name (a word of awsv2_backends(), such as "due") is
 * built in, else 0. NULL is 0. */
AWSV2_API int awsv2_has_backend(const char *name);

#ifdef __cplusplus
}
#endif
#endif
