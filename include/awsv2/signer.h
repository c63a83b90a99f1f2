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
 *   "due:/dev/ttyACM0[?timeout_ms=N&window=N&scoped_key=1]", "due:auto"
 *                                     an Arduino Due (or awsv2-due-emu) over serial
 *   "http://127.0.0.1:8086/sign/aws"  a signing daemon (also https://)
 *   "pkcs11:token=T?module-path=LIB&pin-source=file:PATH"
 *                                     a PKCS#11 token (docs/pkcs11.md)
 * spec NULL means awsv2_signer_spec_resolve(NULL). creds may be NULL for the
 * device and daemon backends. A spec that cannot be parsed or opened fails
 * with a message naming it and the reason (AWSV2_E_SPEC, AWSV2_E_DEVICE,
 * AWSV2_E_UNAVAILABLE, ...); there is never a fallback to another backend.
 * Close the result with awsv2_signer_close. */
AWSV2_API awsv2_status awsv2_signer_open(awsv2_signer **out, const char *spec,
                                         const awsv2_credentials *creds, awsv2_error *err);
/* awsv2_signer_open, where timeout_ms (when > 0) is what a signer that
 * waits on a device or a daemon (due:, http://, https://) gives each call
 * when its spec names no timeout_ms= of its own; the other signers ignore
 * it. A program passes its --timeout here, so that one option bounds the
 * signing as well as the request to AWS. Same errors as awsv2_signer_open,
 * and AWSV2_E_NOMEM. */
AWSV2_API awsv2_status awsv2_signer_open_timeout(awsv2_signer **out, const char *spec,
                                                 const awsv2_credentials *creds,
                                                 long timeout_ms, awsv2_error *err);
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

/* What a signer can compute, as a set of AWSV2_SIGNER_CAN_* bits. A built-in
 * backend knows once it is open: an Arduino Due running the original
 * firmware (hsm.ino, docs/serial-protocol.md) computes HmacSHA1 only; a
 * custom signer says so with its capabilities operation (absent: both
 * SigV2 hashes, and SigV4 when it has sign4). Asking a signer for what it
 * cannot compute fails with AWSV2_E_UNAVAILABLE, never a wrong signature.
 * Thread-safe. */
#define AWSV2_SIGNER_CAN_HMAC_SHA256 0x1u
#define AWSV2_SIGNER_CAN_HMAC_SHA1 0x2u
#define AWSV2_SIGNER_CAN_SIGV4 0x4u
AWSV2_API unsigned awsv2_signer_capabilities(const awsv2_signer *signer);
/* The SignatureMethod to use when none is asked for: HmacSHA256 when the
 * signer can compute it, else HmacSHA1. Thread-safe. */
AWSV2_API awsv2_hash awsv2_signer_default_hash(const awsv2_signer *signer);

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

/* ---- Signature Version 4 ---------------------------------------------------
 * AWS4-HMAC-SHA256 (docs/sigv4.md). The signer is given what AWS hashes, never
 * a hash: the canonical request and, for a POST, the form body whose SHA-256
 * the canonical request's last line names. It hashes both itself, builds the
 * string to sign with the scope DATE/REGION/SERVICE/aws4_request (DATE from
 * the canonical request's timestamp: its x-amz-date header, or the
 * X-Amz-Date parameter of a presigned GET), derives kSigning from the secret
 * it keeps and returns the signature. A device thus decides on what it read
 * itself, and signs nothing it did not hash. */

/* Room for a service name ("ec2", "sqs") with its NUL. */
#define AWSV2_SERVICE_SIZE 32
/* A SigV4 signature: HMAC-SHA256, 32 bytes (64 hex digits on the wire). */
#define AWSV2_SIGV4_SIZE 32

/* One SigV4 signature to compute. May grow at its end: set size with
 * AWSV2_SIGN4_JOB_INIT (0 means this first layout). */
typedef struct awsv2_sign4_job {
    size_t size;
    /* The credential scope's parts (borrowed, NUL-terminated): the access
     * key id, the region ("us-east-1") and the service ("ec2", "sqs"). */
    const char *key_id;
    const char *region;
    const char *service;
    /* The canonical request exactly as AWS defines it (borrowed, len bytes,
     * no NUL needed): method, path, query, headers, signed headers, payload
     * hash, joined by '\n'. */
    const char *canonical_request;
    size_t canonical_request_len;
    /* The payload the last line hashes (borrowed): a POST's form body, or
     * "" with payload_len 0 for a presigned GET (EC2 and SQS want the hash of
     * the empty body there). NULL (and 0) only when that line is
     * UNSIGNED-PAYLOAD, which S3 accepts but EC2 and SQS refuse. */
    const char *payload;
    size_t payload_len;
    /* Filled by the signer: the signature and this job's status. */
    uint8_t signature[AWSV2_SIGV4_SIZE];
    awsv2_status status;
} awsv2_sign4_job;

#define AWSV2_SIGN4_JOB_INIT {.size = sizeof(awsv2_sign4_job)}

/* Computes job->signature. The library first checks what any device would
 * refuse (the shape of the canonical request, a timestamp whose date the
 * scope takes, the key id, region and service alphabets; AWSV2_E_INVALID with
 * err->code the device's code); the backend then hashes and signs. A payload
 * whose SHA-256 is not the one the canonical request names is refused
 * (AWSV2_E_REFUSED, "payload-mismatch") and never signed. A signer without
 * SigV4 answers AWSV2_E_UNAVAILABLE. Thread-safe as the signer is. */
AWSV2_API awsv2_status awsv2_signer_sign4(awsv2_signer *signer, awsv2_sign4_job *job,
                                          awsv2_error *err);

/* ---- Keys on a device -----------------------------------------------------
 * Managing the keys of a signer that stores them (a Due; awsv2-keys is built
 * on these). A backend without such storage (openssl, a daemon) answers
 * AWSV2_E_UNAVAILABLE; a device's refusal is AWSV2_E_REFUSED with err->code
 * its code ("key-exists", "locked", "unknown-awsaccesskey", ...). */

/* What a stored key may sign (docs/policy.md): the device checks it on
 * every request it signs with the key. NULL, or a policy with no field set,
 * allows everything, as a device without policies does. A policy is plain
 * memory owned by its creator: no signer keeps it after the call that took
 * it. Not thread-safe: one thread builds it; any thread may then read it. */
typedef struct awsv2_key_policy awsv2_key_policy;

/* A new, empty policy (allows everything). Free it with
 * awsv2_key_policy_free. */
AWSV2_API awsv2_status awsv2_key_policy_new(awsv2_key_policy **out, awsv2_error *err);
/* NULL is fine. */
AWSV2_API void awsv2_key_policy_free(awsv2_key_policy *policy);

/* Sets one field, by the device's name: "action" (A,B,...), "host",
 * "region", "service" (comma-separated lists), "version" ("2", "4",
 * "2,4"), "method" ("GET", "POST", "GET,POST"), "expires" (seconds,
 * 1..604800), "rate" ("N/s" or "N/min") or "scoped-key" ("1"). value NULL
 * removes the field. The result is checked by the device's own parser:
 * an unknown field or a value the device would refuse is AWSV2_E_INVALID
 * with a message naming the field, and leaves the policy as it was. */
AWSV2_API awsv2_status awsv2_key_policy_set(awsv2_key_policy *policy, const char *name,
                                            const char *value, awsv2_error *err);

/* The policy's encoding as the device stores it ("action=A;rate=10/s";
 * "" for the empty policy and for NULL). Borrowed: valid until the next
 * awsv2_key_policy_set or awsv2_key_policy_free. */
AWSV2_API const char *awsv2_key_policy_text(const awsv2_key_policy *policy);

/* Room for a policy's encoding with its NUL. */
#define AWSV2_KEY_POLICY_SIZE 217

/* Whether id may be stored as an access key id: 1 to 128 characters of A-Z
 * and 0-9, as AWS issues them and a device checks them. Thread-safe. */
AWSV2_API int awsv2_key_id_is_valid(const char *id);

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

/* The policy stored with key_id, in its encoding (awsv2_key_policy_text's
 * form; "" when it allows everything), into buf (cap bytes with the NUL;
 * AWSV2_KEY_POLICY_SIZE is enough). */
AWSV2_API awsv2_status awsv2_signer_key_policy(awsv2_signer *signer, const char *key_id,
                                               char *buf, size_t cap, awsv2_error *err);

/* ---- The device's audit log (docs/policy.md) ------------------------------ */

/* A chain value: SHA-256, 32 bytes. */
#define AWSV2_AUDIT_HASH_SIZE 32
/* Room for one reply line of AUDIT with its NUL. */
#define AWSV2_AUDIT_LINE_SIZE 512

typedef enum awsv2_audit_kind {
    AWSV2_AUDIT_RECORD = 0, /* record seq: line is "AUDIT <record> <chain>" */
    AWSV2_AUDIT_END = 1,    /* no record seq yet: line is "AUDIT-END <seq> <chain>" */
    AWSV2_AUDIT_GAP = 2     /* record gone: seq is the oldest held ("AUDIT-GAP <seq>") */
} awsv2_audit_kind;

/* One answer of the log. May grow at its end: set size with
 * AWSV2_AUDIT_ENTRY_INIT (0 means this first layout). */
typedef struct awsv2_audit_entry {
    size_t size;
    awsv2_audit_kind kind;
    uint32_t seq;
    /* The device's reply line as read (its "\n" cut), for
     * awsv2_audit_verify and for keeping. */
    char line[AWSV2_AUDIT_LINE_SIZE];
} awsv2_audit_entry;

#define AWSV2_AUDIT_ENTRY_INIT {.size = sizeof(awsv2_audit_entry)}

/* Asks the device for audit record seq and fills entry (never checks the
 * chain: see awsv2_audit_verify). Reading a record marks it and every
 * earlier one read (strict mode counts unread records). Thread-safe as the
 * signer is. */
AWSV2_API awsv2_status awsv2_signer_audit_read(awsv2_signer *signer, uint32_t seq,
                                               awsv2_audit_entry *entry, awsv2_error *err);

/* Sets the audit mode: "wrap" (the oldest record is overwritten when the log
 * is full) or "strict" (the device refuses to sign, "audit-full", rather
 * than overwrite an unread record). A locked device refuses ("locked"). */
AWSV2_API awsv2_status awsv2_signer_audit_mode(awsv2_signer *signer, const char *mode,
                                               awsv2_error *err);

/* Checks one "AUDIT <record> <chain>" line (len bytes, no "\n") against the
 * chain value of the record before it, prev (32 zero bytes before a new
 * device's first record), with the device's own check. On success writes
 * the record's number to *seq, the line's chain to next (which may be
 * prev) and whether it is a restart record to *restart (its chain starts
 * from the value it names, which the caller must have seen: see
 * docs/policy.md). A line that is not a record or whose chain does not
 * follow is AWSV2_E_INVALID with err->code "audit-chain". Thread-safe. */
AWSV2_API awsv2_status awsv2_audit_verify(const uint8_t prev[AWSV2_AUDIT_HASH_SIZE],
                                          const char *line, size_t len, uint32_t *seq,
                                          int *restart, uint8_t next[AWSV2_AUDIT_HASH_SIZE],
                                          awsv2_error *err);

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
    /* awsv2_signer_sign4: computes job->signature and returns the status,
     * which the library stores in job->status; called only with a job the
     * library checked. Absent: AWSV2_E_UNAVAILABLE. */
    awsv2_status (*sign4)(void *ctx, awsv2_sign4_job *job, awsv2_error *err);
    /* awsv2_signer_key_policy, with a key id the library checked. Absent:
     * AWSV2_E_UNAVAILABLE. */
    awsv2_status (*key_policy)(void *ctx, const char *key_id, char *buf, size_t cap,
                               awsv2_error *err);
    /* awsv2_signer_audit_read: fills entry->kind, seq and line. Absent:
     * AWSV2_E_UNAVAILABLE. */
    awsv2_status (*audit_read)(void *ctx, uint32_t seq, awsv2_audit_entry *entry,
                               awsv2_error *err);
    /* awsv2_signer_audit_mode, with "wrap" or "strict". Absent:
     * AWSV2_E_UNAVAILABLE. */
    awsv2_status (*audit_mode)(void *ctx, const char *mode, awsv2_error *err);
    /* awsv2_signer_capabilities: the AWSV2_SIGNER_CAN_* bits. Absent: both
     * SigV2 hashes, and SigV4 when sign4 is there. */
    unsigned (*capabilities)(void *ctx);
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
