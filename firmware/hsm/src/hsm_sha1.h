/* SHA-1 (FIPS 180-4) for the HSM core: portable C, no allocation.
 *
 * Only HMAC-SHA1 for AWS Signature Version 2 uses it; SHA-1's collision
 * weakness does not affect HMAC. */
#ifndef HSM_SHA1_H
#define HSM_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define HSM_SHA1_BLOCK 64
#define HSM_SHA1_DIGEST 20

typedef struct hsm_sha1_ctx {
	uint32_t h[5];     /* chaining state */
	uint64_t bytes;    /* message bytes hashed so far */
	uint8_t buf[64];   /* partial block */
	size_t fill;       /* bytes used in buf */
} hsm_sha1_ctx;

void hsm_sha1_init(hsm_sha1_ctx *c);
void hsm_sha1_update(hsm_sha1_ctx *c, const void *data, size_t n);
/* Writes the digest; the context must be re-initialised before reuse. */
void hsm_sha1_final(hsm_sha1_ctx *c, uint8_t out[HSM_SHA1_DIGEST]);
/* Runs the compression function over nblocks consecutive 64-byte blocks. */
void hsm_sha1_compress(uint32_t h[5], const uint8_t *blocks, size_t nblocks);

#endif
