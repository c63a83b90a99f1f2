/* Conversions the mock's replies and checks share: hex, base64, MD5,
 * random ids and ISO 8601 times. Stateless; thread-safe. */
#ifndef AWSV2_MOCK_CODEC_H
#define AWSV2_MOCK_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Lower-case hex of n bytes into out (room for 2n + 1). */
void mock_hex(const void *data, size_t n, char *out);
/* Lower-case hex MD5 of n bytes. */
void mock_md5_hex(const void *data, size_t n, char hex[33]);
/* Base64 of n bytes into out (room for 4 * ((n + 2) / 3) + 1); returns the
 * length written. */
size_t mock_base64(const void *data, size_t n, char *out);
/* Base64 text to a malloc'ed block (the caller frees); false when text is
 * empty, not base64, or memory runs out. */
bool mock_unbase64(const char *text, unsigned char **out, size_t *len);
/* A random version 4 UUID, 36 characters and a NUL. */
void mock_uuid(char out[37]);
/* n random bytes as lower-case hex (room for 2n + 1). */
void mock_random_hex(size_t n, char *out);
/* "YYYY-MM-DDTHH:MM:SS[.fraction][Z]", UTC, a real date; false else. */
bool mock_iso8601(const char *text, time_t *out);
/* SigV4's "YYYYMMDDTHHMMSSZ" (ISO 8601 basic format), UTC, a real date;
 * false else. */
bool mock_amz_date(const char *text, time_t *out);

#endif
