/* HMAC-SHA1 and HMAC-SHA256 (RFC 2104) with precomputed keys.
 *
 * hsm_hmac_key_init hashes the key's inner and outer pads once; every
 * hsm_hmac then resumes from copies of those two states, so a signature
 * costs only the message's blocks plus one outer block. A key holds
 * key-derived state: wipe it with hsm_hmac_key_wipe when done. */
#ifndef HSM_HMAC_H
#define HSM_HMAC_H

#include <stddef.h>
#include <stdint.h>

#include "hsm_sha1.h"
#include "hsm_sha256.h"

#define HSM_HMAC_MAX 32 /* the largest digest: SHA-256 */

typedef enum { HSM_SHA1, HSM_SHA256 } hsm_hash;

typedef struct hsm_hmac_key {
	hsm_hash hash;
	union {
		struct { hsm_sha1_ctx inner, outer; } sha1;
		struct { hsm_sha256_ctx inner, outer; } sha256;
	} u;
} hsm_hmac_key;

/* Prepares k for hash h from a secret of any length (longer than a block
 * is hashed first, as RFC 2104 says). Leaves no copy of the secret. */
void hsm_hmac_key_init(hsm_hmac_key *k, hsm_hash h, const uint8_t *secret, size_t len);

/* Writes HMAC(k, msg) to out and returns its length: 20 or 32. */
size_t hsm_hmac(const hsm_hmac_key *k, const uint8_t *msg, size_t len, uint8_t out[HSM_HMAC_MAX]);

/* Zeroes the key-derived state. */
void hsm_hmac_key_wipe(hsm_hmac_key *k);

#endif
