/* The bearer token of --token-file. Only its SHA-256 is kept: requests are
 * checked by comparing digests in constant time, which leaks neither the
 * token's bytes nor its length through timing, and no copy of the token
 * stays in the daemon's memory. */
#ifndef HSMD_TOKEN_H
#define HSMD_TOKEN_H

#include <stdbool.h>

#include "awsv2/status.h"

struct hsmd_token {
    unsigned char digest[32];
};

/* Reads the token of the file at path (awsv2_token_file_read). An empty or
 * too long token or an unreadable file is an error naming path. */
awsv2_status hsmd_token_load(struct hsmd_token *out, const char *path, awsv2_error *err);

/* Whether the value of an Authorization header (NULL when absent) is
 * "Bearer <the token>". */
bool hsmd_token_check(const struct hsmd_token *token, const char *authorization);

#endif
