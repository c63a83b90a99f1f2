/* The bearer tokens of --token-file (one per file, up to HSMD_TOKENS_MAX
 * files), each maybe limited to some key ids (--token-keys). Only a
 * token's SHA-256 is kept: requests are checked by comparing digests in
 * constant time, which leaks neither the token's bytes nor its length
 * through timing, and no copy of the token stays in the daemon's memory.
 * Read-only once loaded, so any thread may check. */
#ifndef HSMD_TOKEN_H
#define HSMD_TOKEN_H

#include <stdbool.h>

#include "awsv2/status.h"

#include <stddef.h>

#define HSMD_TOKENS_MAX 16

struct hsmd_token {
    unsigned char digest[32];
    /* The key ids it may sign with, comma-separated (--token-keys,
     * borrowed); NULL: any. */
    const char *keys;
};

/* Reads the token of the file at path (awsv2_token_file_read). An empty or
 * too long token or an unreadable file is an error naming path. */
awsv2_status hsmd_token_load(struct hsmd_token *out, const char *path, awsv2_error *err);

/* Whether the value of an Authorization header (NULL when absent) is
 * "Bearer <the token>". */
bool hsmd_token_check(const struct hsmd_token *token, const char *authorization);

/* The token among tokens[n] that the value of an Authorization header
 * (NULL when absent) carries as "Bearer <token>"; NULL when none. Every
 * token is compared, whichever matches. */
const struct hsmd_token *hsmd_token_find(const struct hsmd_token *tokens, size_t n,
                                         const char *authorization);

/* Whether keys is a --token-keys list: key ids of A-Z 0-9 (1 to 128 each)
 * joined by ",". */
bool hsmd_token_keys_valid(const char *keys);

/* Whether a request that carried token (NULL: the daemon takes none) may
 * sign with the key id key_id[len]. */
bool hsmd_token_allows(const struct hsmd_token *token, const char *key_id, size_t len);

#endif
