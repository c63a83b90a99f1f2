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

/* An open signer. Every built-in backend is thread-safe: one signer may be
 * shared by any number of threads of a process (the device backends queue
 * and pipeline their requests). A custom signer is as thread-safe as its
 * operations. */
typedef struct awsv2_signer awsv2_signer;

/* The spec to use: flag if not NULL (a --signer option), else the
 * AWSV2_SIGNER environment variable if set and not empty, else "openssl".
 * Borrowed (flag itself, the environment's storage, or a static string). */
AWSV2_API const char *awsv2_signer_spec_resolve(const char *flag);

/* Opens the signer named by spec (docs/signers.md):
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

/* One job of a batch: inputs first, then what the signer fills in.
 * May grow at its end: set size with AWSV2_SIGN_JOB_INIT (0 means this
 * first layout). Jobs are passed by pointer, never as an array of structs,
 * so a larger struct in a later release changes nothing for old callers. */
typedef struct awsv2_sign_job {
    size_t size;
    const char *string_to_sign; /* borrowed; not NUL-terminated necessarily */
    size_t len;
    awsv2_hash hash;
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len;
    awsv2_status status; /* AWSV2_OK or why this job failed */
} awsv2_sign_job;

#define AWSV2_SIGN_JOB_INIT {.size = sizeof(awsv2_sign_job)}

/* Signs the n jobs jobs[0..n), pipelined where the backend can (several
 * requests in flight to a device). Every job gets its own status; the call
 * returns AWSV2_OK when all succeeded, else the status of the first failed
 * job (with err describing it). Inputs are checked first: when any job is
 * invalid nothing is signed, and every job has a status other than
 * AWSV2_OK. */
AWSV2_API awsv2_status awsv2_signer_sign_batch(awsv2_signer *signer, awsv2_sign_job *const *jobs,
                                               size_t n, awsv2_error *err);

/* A one-line description for humans, e.g. "openssl (AKIAIOSFODNN7EXAMPLE)"
 * or "due:/dev/ttyACM0 window=4". Never contains a secret or token. Borrowed,
 * valid until the signer is closed. */
AWSV2_API const char *awsv2_signer_describe(const awsv2_signer *signer);

/* Checks that the signer can sign now: a device answers a PING with a fresh
 * nonce, a daemon answers its /healthz with 200. In-process signers always
 * can. */
AWSV2_API awsv2_status awsv2_signer_ping(awsv2_signer *signer, awsv2_error *err);

/* The access key ids this signer can sign for, comma-separated, into buf
 * (cap bytes including the NUL; AWSV2_KEY_IDS_SIZE is enough for a Due).
 * AWSV2_E_UNAVAILABLE when the backend cannot tell. */
#define AWSV2_KEY_IDS_SIZE 2048
AWSV2_API awsv2_status awsv2_signer_key_ids(awsv2_signer *signer, char *buf, size_t cap,
                                            awsv2_error *err);

/* The access key id to sign with: the one in creds if any, else the
 * signer's, when it holds exactly one; written to out (cap bytes;
 * AWSV2_KEY_ID_SIZE is enough). */
AWSV2_API awsv2_status awsv2_signer_pick_key_id(awsv2_signer *signer,
                                                const awsv2_credentials *creds, char *out,
                                                size_t cap, awsv2_error *err);

/* Whether s (len bytes) may be sent to a device as a string to sign:
 * printable ASCII (0x20-0x7e) and exactly three '\n'. */
AWSV2_API int awsv2_string_to_sign_is_valid(const char *s, size_t len);

/* ---- Reading a string to sign ---------------------------------------------
 * What a device reads before it signs, for a daemon's checks, logs and
 * errors: the same code the firmware runs (docs/serial-protocol.md). */

/* Room for an Action as awsv2_sts_info keeps it (longer ones are cut). */
#define AWSV2_ACTION_SIZE 65

/* May grow at its end: set size with AWSV2_STS_INFO_INIT (0: this layout). */
typedef struct awsv2_sts_info {
    size_t size;
    /* AWSAccessKeyId, percent-decoded; "" unless it is a valid key id. */
    char key_id[AWSV2_KEY_ID_SIZE];
    /* Action as sent (percent-encoded, so printable), cut to fit; "-" when
     * absent. */
    char action[AWSV2_ACTION_SIZE];
    /* SignatureMethod (absent: HmacSHA1); valid when the call succeeded. */
    awsv2_hash hash;
} awsv2_sts_info;

#define AWSV2_STS_INFO_INIT {.size = sizeof(awsv2_sts_info)}

/* Reads a SigV2 string to sign (len bytes) as a Due does: its shape, then
 * the one AWSAccessKeyId, then SignatureMethod. Fills info as far as it got
 * (key_id and action are always terminated and safe to log). A string the
 * device would refuse is AWSV2_E_INVALID with err->code the device's error
 * code ("invalid-command", "awsaccesskeyid-not-found",
 * "invalid-awsaccesskeyid", "unsupported-signaturemethod"). Thread-safe. */
AWSV2_API awsv2_status awsv2_string_to_sign_inspect(const char *s, size_t len,
                                                    awsv2_sts_info *info, awsv2_error *err);

/* ---- Keys on a device -----------------------------------------------------
 * Managing the keys of a signer that stores them (a Due; awsv2-keys is built
 * on these). A backend without such storage (openssl, a daemon) answers
 * AWSV2_E_UNAVAILABLE; a device's refusal is AWSV2_E_REFUSED with err->code
 * its code ("key-exists", "locked", "unknown-awsaccesskey", ...). */

/* What a stored key may sign. Reserved: no policy can be built yet, pass
 * NULL (allow everything, as a device without policies does). */
typedef struct awsv2_key_policy awsv2_key_policy;

/* Stores key_id with its secret (NUL-terminated; wiped from the library's
 * buffers afterwards, the caller wipes its own). An id already stored is
 * refused ("key-exists"): delete it first. */
AWSV2_API awsv2_status awsv2_signer_key_put(awsv2_signer *signer, const char *key_id,
                                            const char *secret, const awsv2_key_policy *policy,
                                            awsv2_error *err);
/* Stores the key pair of creds (which must hold a secret): the secret goes
 * from the credentials to the device without passing through the caller. */
AWSV2_API awsv2_status awsv2_signer_key_put_credentials(awsv2_signer *signer,
                                                        const awsv2_credentials *creds,
                                                        const awsv2_key_policy *policy,
                                                        awsv2_error *err);
AWSV2_API awsv2_status awsv2_signer_key_delete(awsv2_signer *signer, const char *key_id,
                                               awsv2_error *err);
/* Locks the device: from then on keys can neither be stored nor deleted
 * (only erasing the chip removes them). Cannot be undone. */
AWSV2_API awsv2_status awsv2_signer_lock(awsv2_signer *signer, awsv2_error *err);

/* ---- Custom signers -------------------------------------------------------
 * An application's own signer (an HSM of its own, a remote service, a test
 * double) becomes an awsv2_signer that every libawsv2 call takes. The
 * built-in backends are made the same way.
 *
 * The table may grow at its end: set size with AWSV2_SIGNER_OPS_INIT (a
 * size of 0 means this first layout). Members beyond size, and NULL ones,
 * are absent; only sign is required. ctx is the application's and is
 * passed back to every operation. The library checks every job before an
 * operation sees it (a valid hash, a string of the right shape, mac_len 0),
 * so an operation only computes. Operations may be called from several
 * threads at once: make them thread-safe, or serialise inside. */
typedef struct awsv2_signer_ops {
    size_t size;
    /* Signs one job: fills job->mac and job->mac_len (awsv2_hash_size(job->hash)
     * bytes) and returns the status, which the library stores in
     * job->status. On failure err (may be NULL) says why. */
    awsv2_status (*sign)(void *ctx, awsv2_sign_job *job, awsv2_error *err);
    /* Signs n jobs, each getting its own status; returns the first failed
     * job's status. Absent: the jobs are signed one by one with sign. */
    awsv2_status (*sign_batch)(void *ctx, awsv2_sign_job *const *jobs, size_t n,
                               awsv2_error *err);
    /* awsv2_signer_ping. Absent: the signer can always sign. */
    awsv2_status (*ping)(void *ctx, awsv2_error *err);
    /* awsv2_signer_key_ids. Absent: AWSV2_E_UNAVAILABLE. */
    awsv2_status (*key_ids)(void *ctx, char *buf, size_t cap, awsv2_error *err);
    /* awsv2_signer_key_put, key_delete, lock. Absent: AWSV2_E_UNAVAILABLE. */
    awsv2_status (*key_put)(void *ctx, const char *key_id, const char *secret,
                            const awsv2_key_policy *policy, awsv2_error *err);
    awsv2_status (*key_delete)(void *ctx, const char *key_id, awsv2_error *err);
    awsv2_status (*lock)(void *ctx, awsv2_error *err);
    /* Releases ctx, wiping any key material. Called once, by
     * awsv2_signer_close. Absent: ctx is not the library's to release. */
    void (*close)(void *ctx);
} awsv2_signer_ops;

#define AWSV2_SIGNER_OPS_INIT {.size = sizeof(awsv2_signer_ops)}

/* Makes a signer of ops (copied) and ctx (borrowed until close). description
 * is what awsv2_signer_describe returns (copied; NULL: "custom signer"); it
 * must hold no secret. On failure nothing is called and ctx stays the
 * caller's. Close the result with awsv2_signer_close, which calls
 * ops->close(ctx). */
AWSV2_API awsv2_status awsv2_signer_new(awsv2_signer **out, const awsv2_signer_ops *ops, void *ctx,
                                        const char *description, awsv2_error *err);

#ifdef __cplusplus
}
#endif
#endif
