/* credential_process's two parsers (src/credential_process.c): the JSON a
 * process prints and the command line's words. The input is the JSON; the
 * same bytes, up to a NUL, are a command line. Invariants: never a crash
 * or leak; parsed credentials have a key id and a secret and an expiry in
 * the future or none; an error never quotes the SecretAccessKey; the words
 * of a command line are never longer than it. */
#define _GNU_SOURCE /* memmem */
#include <string.h>
#include <time.h>

#include "awsv2/credentials.h"
#include "credential_process.h"
#include "fuzz.h"

/* The text of the first "SecretAccessKey": "..." value, if any. */
static const char *secret_of(const char *s, size_t n, size_t *len)
{
    const char *k = memmem(s, n, "\"SecretAccessKey\"", 17);
    if (!k)
        return NULL;
    const char *q = memchr(k + 17, '"', n - (size_t)(k + 17 - s));
    if (!q)
        return NULL;
    const char *e = memchr(q + 1, '"', n - (size_t)(q + 1 - s));
    if (!e)
        return NULL;
    *len = (size_t)(e - q - 1);
    return q + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    awsv2_credentials *creds = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    if (awsv2__credential_process_parse(text, size, &creds, &err) == AWSV2_OK) {
        FUZZ_ASSERT(creds && awsv2_credentials_access_key_id(creds) &&
                    awsv2_credentials_has_secret(creds));
        time_t exp = awsv2_credentials_expiration(creds);
        FUZZ_ASSERT(exp == 0 || exp > time(NULL) - 60);
        awsv2_credentials_free(creds);
    } else {
        size_t n = 0;
        const char *secret = secret_of(text, size, &n);
        FUZZ_ASSERT(!creds);
        FUZZ_ASSERT(!(secret && n >= 8 && memmem(err.message, strlen(err.message), secret, n)));
    }

    char cmd[4096];
    size_t n = strnlen(text, size < sizeof cmd - 1 ? size : sizeof cmd - 1);
    memcpy(cmd, text, n);
    cmd[n] = '\0';
    char **argv = NULL;
    err = (awsv2_error)AWSV2_ERROR_INIT;
    if (awsv2__command_split(cmd, &argv, &err) == AWSV2_OK) {
        size_t total = 0, words = 0;
        FUZZ_ASSERT(argv && argv[0]);
        for (; argv[words]; words++)
            total += strlen(argv[words]);
        FUZZ_ASSERT(total <= n && words <= n / 2 + 1);
        free(argv);
    } else {
        FUZZ_ASSERT(!argv && err.status == AWSV2_E_CONFIG);
    }
    return 0;
}
