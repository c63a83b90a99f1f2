/* Status strings, error filling and secret wiping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "internal.h"

static const char *const status_text[AWSV2_STATUS_COUNT] = {
    [AWSV2_OK] = "success",
    [AWSV2_E_INVALID] = "invalid argument or input",
    [AWSV2_E_NOMEM] = "out of memory",
    [AWSV2_E_SPEC] = "bad signer spec",
    [AWSV2_E_UNAVAILABLE] = "not available in this build",
    [AWSV2_E_CREDENTIALS] = "no usable credentials",
    [AWSV2_E_CONFIG] = "malformed configuration file",
    [AWSV2_E_SIGNER] = "signer failure",
    [AWSV2_E_DEVICE] = "signing device unavailable",
    [AWSV2_E_TIMEOUT] = "timed out",
    [AWSV2_E_PROTOCOL] = "protocol error",
    [AWSV2_E_REFUSED] = "signer refused the request",
    [AWSV2_E_NETWORK] = "network error",
    [AWSV2_E_TLS] = "TLS error",
    [AWSV2_E_SERVICE] = "the service returned an error",
    [AWSV2_E_RESPONSE] = "malformed response",
    [AWSV2_E_CHECKSUM] = "checksum mismatch",
    [AWSV2_E_IO] = "file I/O error",
};

const char *awsv2_strerror(awsv2_status status)
{
    if ((unsigned)status >= AWSV2_STATUS_COUNT)
        return "unknown status";
    return status_text[status];
}

void awsv2_error_clear(awsv2_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

int awsv2_exit_code(awsv2_status status)
{
    switch (status) {
    case AWSV2_OK:
        return 0;
    case AWSV2_E_SERVICE:
    case AWSV2_E_CHECKSUM:
    case AWSV2_E_RESPONSE:
        return 1;
    case AWSV2_E_CREDENTIALS:
    case AWSV2_E_UNAVAILABLE:
    case AWSV2_E_SIGNER:
    case AWSV2_E_DEVICE:
    case AWSV2_E_PROTOCOL:
    case AWSV2_E_REFUSED:
    case AWSV2_E_TIMEOUT:
        return 3;
    case AWSV2_E_NETWORK:
    case AWSV2_E_TLS:
        return 4;
    default:
        return 2;
    }
}

static void vfill(awsv2_error *err, awsv2_status status, const char *code,
                  const char *fmt, va_list ap)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->status = status;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    if (code)
        snprintf(err->code, sizeof err->code, "%s", code);
}

awsv2_status awsv2__fail(awsv2_error *err, awsv2_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfill(err, status, NULL, fmt, ap);
    va_end(ap);
    return status;
}

awsv2_status awsv2__fail_code(awsv2_error *err, awsv2_status status, const char *code,
                              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfill(err, status, code, fmt, ap);
    va_end(ap);
    return status;
}

void awsv2__wipe(void *p, size_t n)
{
    if (p && n)
        OPENSSL_cleanse(p, n);
}

void awsv2__free_secret(char *s)
{
    if (!s)
        return;
    awsv2__wipe(s, strlen(s));
    free(s);
}

char *awsv2__strdup(const char *s)
{
    return s ? strdup(s) : NULL;
}
