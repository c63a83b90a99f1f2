#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "awsv2/util.h"
#include "token.h"

static bool digest(const char *s, size_t n, unsigned char out[32])
{
    unsigned int len = 0;
    return EVP_Digest(s, n, out, &len, EVP_sha256(), NULL) == 1 && len == 32;
}

awsv2_status hsmd_token_load(struct hsmd_token *out, const char *path, awsv2_error *err)
{
    char buf[AWSV2_TOKEN_SIZE];
    size_t n;
    awsv2_status st = awsv2_token_file_read(path, buf, sizeof buf, &n, err);

    if (!st && !digest(buf, n, out->digest))
        st = awsv2_error_set(err, AWSV2_E_NOMEM, NULL, "token file %s: cannot hash the token",
                             path);
    awsv2_wipe(buf, sizeof buf);
    return st;
}

bool hsmd_token_check(const struct hsmd_token *token, const char *authorization)
{
    static const char scheme[] = "Bearer ";
    unsigned char got[32];

    if (!authorization || strncasecmp(authorization, scheme, sizeof scheme - 1) != 0)
        return false;
    const char *t = authorization + sizeof scheme - 1;
    return digest(t, strlen(t), got) && CRYPTO_memcmp(got, token->digest, sizeof got) == 0;
}

const struct hsmd_token *hsmd_token_find(const struct hsmd_token *tokens, size_t n,
                                         const char *authorization)
{
    const struct hsmd_token *found = NULL;

    for (size_t i = 0; i < n; i++) /* no early exit: which one matched takes no longer */
        if (hsmd_token_check(&tokens[i], authorization))
            found = &tokens[i];
    return found;
}

bool hsmd_token_keys_valid(const char *keys)
{
    for (;;) {
        size_t n = strspn(keys, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        if (n == 0 || n > 128)
            return false;
        if (keys[n] == '\0')
            return true;
        if (keys[n] != ',')
            return false;
        keys += n + 1;
    }
}

bool hsmd_token_allows(const struct hsmd_token *token, const char *key_id, size_t len)
{
    if (!token || !token->keys)
        return true;
    for (const char *k = token->keys;;) {
        size_t n = strcspn(k, ",");
        if (n == len && memcmp(k, key_id, len) == 0)
            return true;
        if (k[n] == '\0')
            return false;
        k += n + 1;
    }
}
