/* The INI reader of credentials and config files (src/ini.c) and what reads
 * profiles and regions from it (src/credentials.c, src/region.c). The input
 * is a file's contents. Invariants: callbacks get NUL-free one-line strings
 * with non-decreasing line numbers within the file; loading never crashes
 * or leaks; an error message never contains a secret of the file. */
#define _GNU_SOURCE /* memmem */
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "awsv2/credentials.h"
#include "fuzz.h"
#include "ini.h"

static char path[64];
static int lines, last_line;

static int on_value(void *ctx, const char *section, const char *key, const char *value, int line)
{
    (void)ctx;
    FUZZ_ASSERT(section && key && value);
    FUZZ_ASSERT(!strchr(section, '\n') && !strchr(key, '\n') && !strchr(value, '\n'));
    FUZZ_ASSERT(line >= 1 && line <= lines && line >= last_line);
    last_line = line;
    return 0;
}

/* Whether a value that looks like a secret (the text after '=' on a line
 * naming aws_secret_access_key, trimmed) appears in msg. */
static bool leaks_secret(const uint8_t *data, size_t size, const char *msg)
{
    const char *s = (const char *)data, *end = s + size;

    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s)), *stop = nl ? nl : end;
        const char *eq = memchr(s, '=', (size_t)(stop - s));
        if (eq && memmem(s, (size_t)(eq - s), "aws_secret_access_key", 21)) {
            const char *v = eq + 1, *ve = stop;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
                ve--;
            /* text that also appears elsewhere in the file (a region that
             * happens to hold it) may be quoted from there */
            const char *first = memmem(data, size, v, (size_t)(ve - v));
            bool once = first == v && !memmem(v + 1, size - (size_t)(v + 1 - (const char *)data),
                                              v, (size_t)(ve - v));
            /* nor what the harness itself names: the path, the profiles */
            static const char named[] = "no profile [profile dev] [dev] [default]";
            bool ours = memmem(named, sizeof named - 1, v, (size_t)(ve - v)) ||
                        memmem(path, strlen(path), v, (size_t)(ve - v));
            if (ve - v >= 8 && once && !ours && memmem(msg, strlen(msg), v, (size_t)(ve - v)))
                return true;
        }
        s = stop + 1;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    bool found = false;
    int fd;

    if (!*path) {
        const char *tmp = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/awsv2-fuzz-ini-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (strlen(path) >= sizeof path - 1 || (fd = mkstemp(path)) < 0)
            abort();
        close(fd);
    }
    fd = open(path, O_WRONLY | O_TRUNC);
    FUZZ_ASSERT(fd >= 0 && write(fd, data, size) == (ssize_t)size && close(fd) == 0);
    lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    last_line = 0;

    awsv2_status st = awsv2__ini_parse(path, on_value, NULL, &found, &err);
    FUZZ_ASSERT(found);
    if (st)
        FUZZ_ASSERT(!leaks_secret(data, size, err.message));

    static const char *const profiles[] = {NULL, "dev", "profile dev"};
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
        awsv2_credentials *creds = NULL;
        err = (awsv2_error)AWSV2_ERROR_INIT;
        if (awsv2_credentials_load_file(&creds, path, profiles[i], &err) == AWSV2_OK) {
            FUZZ_ASSERT(creds && awsv2_credentials_access_key_id(creds));
            awsv2_credentials_free(creds);
        } else {
            FUZZ_ASSERT(!creds);
            FUZZ_ASSERT(!leaks_secret(data, size, err.message));
        }
    }

    /* The region of the default profile of a config file. */
    char region[64];
    setenv("AWS_CONFIG_FILE", path, 1);
    unsetenv("AWS_REGION");
    unsetenv("AWS_DEFAULT_REGION");
    unsetenv("AWS_PROFILE");
    err = (awsv2_error)AWSV2_ERROR_INIT;
    if (awsv2_region_resolve(NULL, region, sizeof region, &err) == AWSV2_OK)
        FUZZ_ASSERT(strlen(region) < sizeof region);
    else
        FUZZ_ASSERT(!leaks_secret(data, size, err.message));
    return 0;
}
