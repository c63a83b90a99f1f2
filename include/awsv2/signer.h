/* Signers: where the HMAC of a string to sign is computed. */
#ifndef AWSV2_SIGNER_H
#define AWSV2_SIGNER_H

#include <stddef.h>
#include <stdint.h>

#include "awsv2/credentials.h"
#include "awsv2/request.h"
#include "awsv2/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An open signer. Every backend is thread-safe: one signer may be shared by
 * any number of threads of a process (the device backends queue and pipeline
 * their requests). */
typedef struct awsv2_signer awsv2_signer;

/* The spec to use: flag if not NULL (a --signer option), else the
 * AWSV2_SIGNER environment variable if set and not empty, else "openssl".
 * Borrowed (flag itself, the environment's storage, or a static string). */
AWSV2_API const char *awsv2_signer_spec_resolve(const char *flag);

/* Opens the signer named by spec (DESIGN.md, "Signer specs"):
 *   "openssl"                         HMAC in process; needs creds with a secret
 *   "due:/dev/ttyACM0[?timeout_ms=N&window=N]", "due:auto"
 *                                     an Arduino Due (or awsv2-due-emu) over serial
 *   "http://127.0.0.1:8086/sign/aws"  a signing daemon (also https://)
 * spec NULL means awsv2_signer_spec_resolve(NULL). creds may be NULL for the
 * device and daemon backends. A spec that cannot be parsed or opened fails
 * with a message naming it and the reason (AWSV2_E_SPEC, AWSV2_E_DEVICE,
 * AWSV2_E_UNAVAILABLE, ...); there is never a fallback to another backend.
 * Close the result with awsv2_signer_close. */
AWSV2_API awsv2_status awsv2_signer_open(awsv2_signer **out, const char *spec,
                                         const awsv2_credentials *creds, awsv2_error *err);
/* Closes the signer, wiping any key material it held. NULL is fine. */
AWSV2_API void awsv2_signer_close(awsv2_signer *signer);

/* Computes the HMAC of one string to sign into mac (awsv2_hash_size(hash)
 * bytes, stored in *mac_len). A string to sign must be printable ASCII with
 * exactly three newlines; anything else is refused with AWSV2_E_INVALID. */
AWSV2_API awsv2_status awsv2_signer_sign(awsv2_signer *signer, awsv2_hash hash,
                                         const char *string_to_sign, size_t len,
                                         uint8_t mac[AWSV2_MAC_MAX], size_t *mac_len,
                                         awsv2_error *err);

/* One job of a batch: inputs first, then what the signer fills in. */
typedef struct awsv2_sign_job {
    const char *string_to_sign; /* borrowed; not NUL-terminated necessarily */
    size_t len;
    awsv2_hash hash;
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len;
    awsv2_status status; /* AWSV2_OK or why this job failed */
} awsv2_sign_job;

/* Signs n jobs, pipelined where the backend can (several requests in flight
 * to a device). Every job gets its own status; the call returns AWSV2_OK
 * when all succeeded, else the status of the first failed job (with err
 * describing it). Inputs are checked first: when any job is invalid nothing
 * is signed, and every job has a status other than AWSV2_OK. */
AWSV2_API awsv2_status awsv2_signer_sign_batch(awsv2_signer *signer, awsv2_sign_job *jobs,
                                               size_t n, awsv2_error *err);

/* A one-line description for humans, e.g. "openssl (AKIAIOSFODNN7EXAMPLE)"
 * or "due:/dev/ttyACM0 window=4". Never contains a secret or token. Borrowed,
 * valid until the signer is closed. */
AWSV2_API const char *awsv2_signer_describe(const awsv2_signer *signer);

/* Checks that the signer can sign now: a device answers a PING with a fresh
 * nonce, a daemon reports itself healthy. In-process signers always can. */
AWSV2_API awsv2_status awsv2_signer_ping(awsv2_signer *signer, awsv2_error *err);

/* The access key ids this signer can sign for, comma-separated, into buf
 * (cap bytes including the NUL). AWSV2_E_UNAVAILABLE when the backend cannot
 * tell. */
AWSV2_API awsv2_status awsv2_signer_key_ids(awsv2_signer *signer, char *buf, size_t cap,
                                            awsv2_error *err);

/* The access key id to sign with: the one in creds if any, else the
 * signer's, when it holds exactly one; written to out (cap bytes). */
AWSV2_API awsv2_status awsv2_signer_pick_key_id(awsv2_signer *signer,
                                                const awsv2_credentials *creds, char *out,
                                                size_t cap, awsv2_error *err);

/* Whether s (len bytes) may be sent to a device as a string to sign:
 * printable ASCII (0x20-0x7e) and exactly three '\n'. */
AWSV2_API int awsv2_string_to_sign_is_valid(const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif
