/* SigV4 signed on this host with a kSigning held here: the one rule for
 * the openssl backend (which derives kSigning from the secret) and the due
 * backend's scoped keys (which the device derives, DERIVE-AWS-V4). Both
 * check a job the same way, build the same string to sign and keep
 * kSigning in the same small cache. */
#ifndef AWSV2_SIGV4_HOST_H
#define AWSV2_SIGV4_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "awsv2/signer.h"
#include "awsv2_sts4.h"

/* Derives kSigning of (key_id, date, region, service) into key[32]. A
 * refusal with err->code "policy-denied" is remembered for the scope. */
typedef awsv2_status awsv2__scope_derive_fn(void *ctx, const char *key_id, const char *date,
                                            const char *region, const char *service,
                                            unsigned char key[32], awsv2_error *err);

/* A cache of a few kSigning keys (each kept only as an HMAC context keyed
 * with it), least recently used evicted. With expire, a key goes once its
 * date has ended (UTC, by this host's clock): one whose date has already
 * ended when it is derived signs once and goes. Keys are wiped when they
 * go and when the cache is freed. Thread-safe: one mutex, held while a key
 * is derived (so a scope is derived once however many threads ask). */
struct awsv2__scope_keys;

/* NULL when out of memory. derive and ctx are kept. */
struct awsv2__scope_keys *awsv2__scope_keys_new(awsv2__scope_derive_fn *derive, void *ctx,
                                                bool expire);
void awsv2__scope_keys_free(struct awsv2__scope_keys *c);

/* The HMAC-SHA256 of msg (len bytes) under kSigning of the scope, into
 * out, deriving the key on first use. When derive refused the scope with
 * "policy-denied" (now or before), sets *denied and signs nothing (the
 * caller asks the device to sign instead); any other failure of derive is
 * returned as it is. */
awsv2_status awsv2__scope_keys_sign(struct awsv2__scope_keys *c, const char *key_id,
                                    const char *date, const char *region, const char *service,
                                    const char *msg, size_t len, unsigned char out[32],
                                    bool *denied, awsv2_error *err);

/* Signs job with kSigning of its scope from c: reads job as a device
 * would (awsv2__sts4_check), checks that the payload, if any, has the
 * SHA-256 the canonical request names ("payload-mismatch"), builds the
 * string to sign and signs it with awsv2__scope_keys_sign (so *denied as
 * there; false when the job itself is refused). */
awsv2_status awsv2__sigv4_host_sign(struct awsv2__scope_keys *c, awsv2_sign4_job *job,
                                    bool *denied, awsv2_error *err);

#endif
