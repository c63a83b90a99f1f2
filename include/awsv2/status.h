/* Status codes and error details shared by every libawsv2 call. */
#ifndef AWSV2_STATUS_H
#define AWSV2_STATUS_H

#include <stddef.h>

#if defined(__GNUC__) && defined(AWSV2_BUILDING)
#define AWSV2_API __attribute__((visibility("default")))
#else
#define AWSV2_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Every fallible call returns one of these. AWSV2_OK is zero, so
 * `if (awsv2_x(...))` reads as "if it failed". */
typedef enum awsv2_status {
    AWSV2_OK = 0,
    AWSV2_E_INVALID,      /* a bad argument or malformed input from the caller */
    AWSV2_E_NOMEM,        /* out of memory */
    AWSV2_E_SPEC,         /* a signer spec that cannot be parsed */
    AWSV2_E_UNAVAILABLE,  /* a feature or backend not available in this build */
    AWSV2_E_CREDENTIALS,  /* no usable credentials (missing key id or secret) */
    AWSV2_E_CONFIG,       /* a malformed credentials or config file */
    AWSV2_E_SIGNER,       /* the signer failed for another reason */
    AWSV2_E_DEVICE,       /* the signing device cannot be opened, vanished or failed I/O */
    AWSV2_E_TIMEOUT,      /* the signer or service did not answer in time */
    AWSV2_E_PROTOCOL,     /* a garbled or unexpected reply from a signer */
    AWSV2_E_REFUSED,      /* the signer refused the request (see awsv2_error.code) */
    AWSV2_E_NETWORK,      /* could not reach the service, or the connection broke */
    AWSV2_E_TLS,          /* TLS handshake or peer verification failed */
    AWSV2_E_SERVICE,      /* the service answered with an error (code/message/request id) */
    AWSV2_E_RESPONSE,     /* a response that cannot be parsed or is too large */
    AWSV2_E_CHECKSUM,     /* a checksum in the response did not match (SQS MD5s) */
    AWSV2_E_IO            /* a local file could not be read or written */
    /* New statuses are added at the end. awsv2_strerror and awsv2_exit_code
     * are switches without a default: a status they miss fails the build. */
} awsv2_status;

/* A short, static English description of a status. Never NULL; a value
 * that is not an awsv2_status gives "unknown status". Thread-safe. */
AWSV2_API const char *awsv2_strerror(awsv2_status status);

#define AWSV2_ERROR_MESSAGE_MAX 512
#define AWSV2_ERROR_CODE_MAX 128

/* The details of the last failure of a call, in caller-provided storage.
 * Every fallible function takes an `awsv2_error *err` as its last argument;
 * it may be NULL. On failure the call fills it; on success it leaves it
 * untouched. No field ever contains a secret. Not shared between threads.
 *
 * The struct may grow at its end in a later release. `size` says which
 * layout the caller was compiled with: initialise with AWSV2_ERROR_INIT (or
 * set size = sizeof(awsv2_error)); the library writes no field that lies
 * beyond it. A size of 0 (e.g. `awsv2_error err = {0};`) means the first
 * published layout, the one below, so such code keeps working. */
typedef struct awsv2_error {
    size_t size;
    awsv2_status status;
    /* For humans: what failed and why, naming the file, spec, key id or
     * parameter involved. */
    char message[AWSV2_ERROR_MESSAGE_MAX];
    /* A machine-readable code where the other side gave one: AWS's error
     * code (AWSV2_E_SERVICE, e.g. "AuthFailure"), or a device or daemon
     * error code (AWSV2_E_REFUSED, e.g. "unknown-awsaccesskey"). Else "". */
    char code[AWSV2_ERROR_CODE_MAX];
    /* AWS's request id for AWSV2_E_SERVICE, else "". */
    char request_id[AWSV2_ERROR_CODE_MAX];
    /* The HTTP status of the reply that failed, or 0. */
    long http_status;
} awsv2_error;

#define AWSV2_ERROR_INIT {.size = sizeof(awsv2_error)}

/* Resets an error to AWSV2_OK with empty strings, keeping its size. */
AWSV2_API void awsv2_error_clear(awsv2_error *err);

/* Fills err (if not NULL) with status, code (NULL: none) and a
 * printf-formatted message, within err's layout; returns status, so that
 * `return awsv2_error_set(err, ...)` reads naturally. For the operations of
 * a custom signer (signer.h) and for programs that report their own
 * failures the library's way. */
AWSV2_API awsv2_status awsv2_error_set(awsv2_error *err, awsv2_status status, const char *code,
                                       const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* The exit status every libawsv2 program uses for a failure (docs/programs.md):
 * 1 the service answered with an error (or a bad response or checksum), 3 the
 * signer cannot sign (no secret, device absent, refused, timed out), 4
 * network or TLS error, 2 anything the user got wrong (usage, spec syntax,
 * config, a local file). 0 for AWSV2_OK; 2 for a value that is no status. */
AWSV2_API int awsv2_exit_code(awsv2_status status);

#ifdef __cplusplus
}
#endif
#endif
