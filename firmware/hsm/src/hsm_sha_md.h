/* The Merkle-Damgard framing SHA-1 and SHA-256 share: 64-byte blocks, a
 * 0x80 byte, zeros, and the message length in bits as a big-endian 64-bit
 * number. Internal to hsm_sha1.c and hsm_sha256.c. */
#ifndef HSM_SHA_MD_H
#define HSM_SHA_MD_H

#include <stddef.h>
#include <stdint.h>

typedef void hsm_md_compress_fn(uint32_t *h, const uint8_t *blocks,
				size_t nblocks);

/* One partially filled block and the running byte count. */
typedef struct hsm_md_buf {
	uint8_t *buf;      /* 64 bytes */
	size_t *fill;
	uint64_t *bytes;
} hsm_md_buf;

/* Buffers up to a block; whole blocks go straight from data to compress. */
void hsm_md_update(hsm_md_buf b, uint32_t *h, hsm_md_compress_fn *compress,
		   const uint8_t *data, size_t n);
/* Pads and compresses the last block(s); the digest is then h. */
void hsm_md_final(hsm_md_buf b, uint32_t *h, hsm_md_compress_fn *compress);
/* Writes the first nwords words of h big-endian. */
void hsm_md_store_be(uint8_t *out, const uint32_t *h, size_t nwords);

#endif
