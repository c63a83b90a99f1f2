/* Status strings, error filling and secret wiping. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "internal.h"

const char *awsv2_strerror(awsv2_status status)
{
    switch (status) {
    case AWSV2_OK:
        return "success";
    case AWSV2_E_INVALID:
        return "invalid argument or input";
    case AWSV2_E_NOMEM:
        return "out of memory";
    case AWSV2_E_SPEC:
        return "bad signer spec";
    case AWSV2_E_UNAVAILABLE:
        return "not available in this build";
    case AWSV2_E_CREDENTIALS:
        return "no usable credentials";
    case AWSV2_E_CONFIG:
        return "malformed configuration file";
    case AWSV2_E_SIGNER:
        return "signer failure";
    case AWSV2_E_DEVICE:
        return "signing device unavailable";
    case AWSV2_E_TIMEOUT:
        return "timed out";
    case AWSV2_E_PROTOCOL:
        return "protocol error";
    case AWSV2_E_REFUSED:
        return "signer refused the request";
    case AWSV2_E_NETWORK:
        return "network error";
    case AWSV2_E_TLS:
        return "TLS error";
    case AWSV2_E_SERVICE:
        return "the service returned an error";
    case AWSV2_E_RESPONSE:
        return "malformed response";
    case AWSV2_E_CHECKSUM:
        return "checksum mismatch";
    case AWSV2_E_IO:
        return "file I/O error";
    }
    return "unknown status"; /* a value that is no awsv2_status */
}

/* How many bytes of err the caller's layout has (see awsv2_error.size). */
static size_t error_size(const awsv2_error *err)
{
    return err->size == 0 || err->size > sizeof *err ? sizeof *err : err->size;
}

void awsv2_error_clear(awsv2_error *err)
{
    if (!err)
        return;
    size_t size = err->size;
    memset(err, 0, error_size(err));
    err->size = size;
}

void awsv2__error_copy(awsv2_error *dst, const awsv2_error *src)
{
    if (!dst)
        return;
    size_t size = dst->size;
    memcpy(dst, src, error_size(dst));
    dst->size = size;
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
    case AWSV2_E_INVALID:
    case AWSV2_E_NOMEM:
    case AWSV2_E_SPEC:
    case AWSV2_E_CONFIG:
    case AWSV2_E_IO:
        return 2;
    }
    return 2; /* a value that is no awsv2_status */
}

static void vfill(awsv2_error *err, awsv2_status status, const char *code,
                  const char *fmt, va_list ap)
{
    if (!err)
        return;
    awsv2_error_clear(err);
    if (AWSV2__ERROR_HAS(err, status))
        err->status = status;
    if (AWSV2__ERROR_HAS(err, message))
        vsnprintf(err->message, sizeof err->message, fmt, ap);
    if (code && AWSV2__ERROR_HAS(err, code))
        snprintf(err->code, sizeof err->code, "%s", code);
}

awsv2_status awsv2_error_set(awsv2_error *err, awsv2_status status, const char *code,
                             const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfill(err, status, code, fmt, ap);
    va_end(ap);
    return status;
}

awsv2_status awsv2__fail(awsv2_error *err, awsv2_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfill(err, status, NULL, fmt, ap);
    va_end(ap);
    return status;
}

void awsv2_wipe(void *p, size_t n)
{
    if (p && n)
        OPENSSL_cleanse(p, n);
}

void awsv2__free_secret(char *s)
{
    if (!s)
        return;
    awsv2_wipe(s, strlen(s));
    free(s);
}

void awsv2_free(void *p)
{
    free(p);
}

char *awsv2__strdup(const char *s)
{
    return s ? strdup(s) : NULL;
}
