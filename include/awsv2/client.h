/* A client of one AWS query API endpoint: HTTP(S) over libcurl, every
 * request signed with Signature Version 2 or 4 through an awsv2_signer,
 * retried as AWS's retry modes do, its clock corrected when the service's
 * differs (docs/configuration.md).
 *
 * Ownership: the client copies every string option; the signer is borrowed.
 * A response body from awsv2_client_call is the caller's, released with
 * awsv2_free. Thread safety: see awsv2_client below. */
#ifndef AWSV2_CLIENT_H
#define AWSV2_CLIENT_H

#include <stddef.h>
#include <time.h>

#include "awsv2/request.h"
#include "awsv2/signer.h"
#include "awsv2/status.h"
#include "awsv2/util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Called with every string to sign before it is signed (each attempt of a
 * retried call has its own), e.g. to print it for --debug. A string to
 * sign holds no secret, though a SigV2 one may hold a session token. The string is
 * borrowed for the call's duration. It runs on the calling thread, under
 * the client's lock: it must not call back into the same client. */
typedef void (*awsv2_debug_fn)(void *ctx, const char *string_to_sign, size_t len);

/* How failed attempts are retried (docs/configuration.md). Both retry
 * 5xx, throttling and transient errors and network failures, with the
 * backoff below. standard: 3 attempts by default, and a retry quota per
 * client (500 tokens; a retry takes 5, one after a timeout 10; a success
 * gives back what its retry took, or 1): when it is spent, failures are
 * not retried until successes refill it. legacy: 5 attempts by default,
 * no quota. "adaptive" (from the environment or a profile) is taken as
 * standard. */
typedef enum awsv2_retry_mode {
    AWSV2_RETRY_DEFAULT = 0,
    AWSV2_RETRY_STANDARD,
    AWSV2_RETRY_LEGACY,
} awsv2_retry_mode;

/* What a refresh gives a client to sign with from then on. */
typedef struct awsv2_client_credentials {
    awsv2_signer *signer;      /* borrowed, as awsv2_client_options.signer */
    const char *access_key_id; /* copied by the client */
    const char *session_token; /* copied; NULL: none */
    time_t expiration;         /* 0: never */
} awsv2_client_credentials;

/* Loads credentials anew (awsv2_credentials_load) and fills *out, e.g. with
 * a signer opened on them. It runs on the calling thread under the
 * client's lock and must not call back into the client; once it returns
 * the client no longer uses the signer it had, which the callback may then
 * close. On failure the client goes on with what it has while that has
 * not expired, else the call fails with the callback's error. */
typedef awsv2_status (*awsv2_refresh_fn)(void *ctx, awsv2_client_credentials *out,
                                         awsv2_error *err);

/* What awsv2_client_new needs; read by that call only, so it may be freed
 * or reused as soon as it returns. Zero every field you do not set: a zero
 * means the default given.
 *
 * The struct may grow at its end in a later release. `size` says which
 * layout the caller was compiled with: start from AWSV2_CLIENT_OPTIONS_INIT
 * (or set size = sizeof(awsv2_client_options)); the library reads no
 * member beyond it. A size of 0 (e.g. `awsv2_client_options o = {0};`)
 * means the first published layout, the one below. */
typedef struct awsv2_client_options {
    size_t size;
    /* The service endpoint, "http[s]://host[:port][/path]" (required). */
    const char *endpoint_url;
    /* Signs every request (required). Borrowed: it must outlive the client. */
    awsv2_signer *signer;
    /* AWSAccessKeyId of every request (required; copied). */
    const char *access_key_id;
    /* Sent as SecurityToken when not NULL (copied). */
    const char *session_token;
    /* SignatureMethod; default HmacSHA256. */
    awsv2_hash hash;
    /* Default GET. Calls that need POST (SQS) use it whatever this says. */
    awsv2_method method;
    /* Per attempt: connecting (default 5000 ms) and the whole exchange
     * (default 30000 ms). A timeout is a network error, and retried. */
    long connect_timeout_ms;
    long timeout_ms;
    /* Attempts per call, first one included (default: AWS_MAX_ATTEMPTS if
     * set, else the profile's max_attempts, else 3, or 5 in legacy mode).
     * 1 disables retries (but for one retry with the clock corrected, see
     * awsv2_client_call). */
    int max_attempts;
    /* Backoff before attempt n+1: uniformly random in
     * [0, min(retry_cap_ms, retry_base_ms * 2^(n-1))] ("full jitter");
     * defaults 100 ms and 20000 ms. */
    long retry_base_ms;
    long retry_cap_ms;
    /* Largest response body accepted, enforced while receiving (default
     * 16 MiB). A larger one fails with AWSV2_E_RESPONSE. */
    size_t max_response_bytes;
    /* CA bundle file for TLS; NULL: AWS_CA_BUNDLE if set, else the system's.
     * TLS peers and host names are always verified. */
    const char *ca_bundle;
    /* Optional: sees every string to sign. */
    awsv2_debug_fn debug;
    void *debug_ctx;
    /* Members added after the first layout: read only when size covers them. */
    /* Signature Version 2, 4, or AUTO (the default, a zero):
     * awsv2_signature_version_auto(service, region, endpoint_url). SigV4
     * requests are POSTed (whatever method says) with the Authorization
     * header; hash is then unused. */
    awsv2_signature_version signature_version;
    /* The region and service of SigV4's credential scope (copied). region is
     * required for SigV4 (and for AUTO to pick it); service NULL means the
     * first label of the endpoint's host ("ec2", "sqs"). */
    const char *region;
    const char *service;
    /* The profile whose retry_mode and max_attempts settings apply (NULL:
     * AWS_PROFILE, else "default"; see docs/configuration.md). */
    const char *profile;
    /* AWSV2_RETRY_DEFAULT (a zero): AWS_RETRY_MODE, else the profile's
     * retry_mode, else standard. */
    awsv2_retry_mode retry_mode;
    /* Nonzero: SigV2's SignatureMethod is the signer's choice,
     * awsv2_signer_default_hash (HmacSHA256, or HmacSHA1 for a signer that
     * computes only that, as an Arduino Due with the original firmware),
     * and hash is not read. Zero: hash, which a signer that cannot compute
     * it refuses (AWSV2_E_UNAVAILABLE) at the first call. */
    int hash_auto;
    /* When the credentials signed with (access_key_id, session_token, the
     * signer's key) expire, e.g. awsv2_credentials_expiration of
     * credential_process's; 0: never. */
    time_t credentials_expiration;
    /* Optional, for clients that outlive their credentials: called before
     * a call when credentials_expiration is less than 5 minutes away (or
     * past). See awsv2_refresh_fn. */
    awsv2_refresh_fn refresh;
    void *refresh_ctx;
} awsv2_client_options;

#define AWSV2_CLIENT_OPTIONS_INIT {.size = sizeof(awsv2_client_options)}

/* A client bound to one endpoint. It keeps one HTTP connection alive across
 * calls. Thread-safe: calls from several threads are serialised on the one
 * connection, so give each thread its own client for parallel requests. */
typedef struct awsv2_client awsv2_client;

/* Makes a client; free it with awsv2_client_free. AWSV2_E_INVALID for a
 * missing or bad option (or a size smaller than the first layout's),
 * AWSV2_E_CONFIG for a bad AWS_MAX_ATTEMPTS or AWS_RETRY_MODE, a bad
 * retry_mode or max_attempts in the profile, or a missing profile. */
AWSV2_API awsv2_status awsv2_client_new(awsv2_client **out, const awsv2_client_options *options,
                                        awsv2_error *err);
/* Closes the connection and frees. NULL is fine. No call on the client may
 * be running, or start after it. */
AWSV2_API void awsv2_client_free(awsv2_client *client);

/* The endpoint URL the client was made with. Borrowed: valid as long as
 * the client. */
AWSV2_API const char *awsv2_client_endpoint(const awsv2_client *client);

/* One call of any query API action: params (Action, Version and the
 * action's own; borrowed, not changed) are sent to url (NULL: the client's
 * endpoint; SQS queue actions pass the queue URL) with the client's method,
 * signed, and retried as described above. On success *body receives the
 * response document (NUL-terminated, *len bytes), which the caller releases
 * with awsv2_free (never free(): the library's allocator may differ). An
 * error answer fails with AWSV2_E_SERVICE, err->code/message/request_id/
 * http_status filled in: err->code is AWS's code (e.g. "AuthFailure") and
 * err->message AWS's Message; print them as "Code: Message". A failure
 * worth retrying that was not tried again has " (gave up after N
 * attempts)" after the message (": retries are off" with one attempt
 * allowed, ": the retry quota is spent" when the quota stopped it).
 *
 * Clock skew: when an answer is RequestExpired, RequestTimeTooSkewed,
 * RequestInTheFuture, InvalidSignatureException, SignatureDoesNotMatch or
 * AuthFailure and its Date header is 4 minutes or more away from the
 * client's clock, the client keeps the difference and signs with the
 * corrected time from then on; the failed attempt is retried once so,
 * whatever the retry settings. */
AWSV2_API awsv2_status awsv2_client_call(awsv2_client *client, const char *url,
                                         const awsv2_params *params, char **body, size_t *len,
                                         awsv2_error *err);

#ifdef __cplusplus
}
#endif
#endif
