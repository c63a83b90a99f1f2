/* SHA-256 (FIPS 180-4) for the HSM core: portable C, no allocation. */
#ifndef HSM_SHA256_H
#define HSM_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define HSM_SHA256_BLOCK 64
#define HSM_SHA256_DIGEST 32

typedef struct hsm_sha256_ctx {
	uint32_t h[8];     /* chaining state */
	uint64_t bytes;    /* message bytes hashed so far */
	uint8_t buf[64];   /* partial block */
	size_t fill;       /* bytes used in buf */
} hsm_sha256_ctx;

void hsm_sha256_init(hsm_sha256_ctx *c);
void hsm_sha256_update(hsm_sha256_ctx *c, const void *data, size_t n);
/* Writes the digest; the context must be re-initialised before reuse. */
void hsm_sha256_final(hsm_sha256_ctx *c, uint8_t out[HSM_SHA256_DIGEST]);
/* Runs the compression function over nblocks consecutive 64-byte blocks. */
void hsm_sha256_compress(uint32_t h[8], const uint8_t *blocks, size_t nblocks);

#endif
