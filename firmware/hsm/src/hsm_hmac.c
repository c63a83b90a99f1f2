/* HMAC over the core's SHA-1 and SHA-256, with the pads hashed at key
 * set-up so that signing never touches the secret again. */
#include <string.h>

#include "hsm_hmac.h"
#include "hsm_util.h"

#define BLOCK 64 /* both hashes have 64-byte blocks */

/* k0 = the secret, hashed if longer than a block, zero-padded to a block. */
static void block_key(hsm_hash h, const uint8_t *secret, size_t len, uint8_t k0[BLOCK])
{
	memset(k0, 0, BLOCK);
	if (len <= BLOCK) {
		memcpy(k0, secret, len);
	} else if (h == HSM_SHA1) {
		hsm_sha1_ctx c;
		hsm_sha1_init(&c);
		hsm_sha1_update(&c, secret, len);
		hsm_sha1_final(&c, k0);
		hsm_wipe(&c, sizeof c);
	} else {
		hsm_sha256_ctx c;
		hsm_sha256_init(&c);
		hsm_sha256_update(&c, secret, len);
		hsm_sha256_final(&c, k0);
		hsm_wipe(&c, sizeof c);
	}
}

static void xor_pad(uint8_t *pad, const uint8_t *k0, uint8_t byte)
{
	for (size_t i = 0; i < BLOCK; i++)
		pad[i] = k0[i] ^ byte;
}

/* The compression functions leave their message schedule in their stack
 * frames (504 bytes for the Cortex-M3's SHA-256), and at key set-up those
 * blocks are the key XOR a pad. Called from hsm_hmac_key_init, this frame
 * lies over theirs, which were one and two calls deeper, and wipes it. */
#define SCRUB_BYTES 768
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void scrub_stack(void)
{
	uint8_t area[SCRUB_BYTES];
	hsm_wipe(area, sizeof area);
}

void hsm_hmac_key_init(hsm_hmac_key *k, hsm_hash h, const uint8_t *secret, size_t len)
{
	uint8_t k0[BLOCK], ipad[BLOCK], opad[BLOCK];

	block_key(h, secret, len, k0);
	xor_pad(ipad, k0, 0x36);
	xor_pad(opad, k0, 0x5c);
	k->hash = h;
	if (h == HSM_SHA1) {
		hsm_sha1_init(&k->u.sha1.inner);
		hsm_sha1_update(&k->u.sha1.inner, ipad, BLOCK);
		hsm_sha1_init(&k->u.sha1.outer);
		hsm_sha1_update(&k->u.sha1.outer, opad, BLOCK);
	} else {
		hsm_sha256_init(&k->u.sha256.inner);
		hsm_sha256_update(&k->u.sha256.inner, ipad, BLOCK);
		hsm_sha256_init(&k->u.sha256.outer);
		hsm_sha256_update(&k->u.sha256.outer, opad, BLOCK);
	}
	hsm_wipe(k0, sizeof k0);
	hsm_wipe(ipad, sizeof ipad);
	hsm_wipe(opad, sizeof opad);
	scrub_stack();
}

/* Signing skips the buffered hash interface: the message's whole blocks go
 * straight from msg to the compression function, and the last (partial)
 * block and the outer block are built in one aligned scratch block, with
 * word stores, so that a signature costs little more than its blocks. */
typedef union {
	uint32_t w[16];
	uint8_t b[64];
} block;

typedef void compress_fn(uint32_t *h, const uint8_t *blocks, size_t nblocks);

/* A word that reads as the big-endian bytes of v. */
static uint32_t be(uint32_t v)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap32(v);
#else
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	uint32_t w;

	memcpy(&w, b, 4);
	return w;
#endif
}

/* Inlined into each caller, so that the state sizes are constants and the
 * copies of states and blocks become a few word loads and stores rather
 * than calls to memcpy and memset. */
#if defined(__GNUC__)
#define INLINE static inline __attribute__((always_inline))
#else
#define INLINE static inline
#endif

/* Zeroes words [from, to) with word stores. volatile: the final wipe must
 * not be dropped as dead, and no loop may become a memset call. */
INLINE void zero_words(uint32_t *p, size_t from, size_t to)
{
	volatile uint32_t *w = p;

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 16
#endif
	for (size_t i = from; i < to; i++)
		w[i] = 0;
}

/* HMAC with nwords-word chaining states: inner and outer are the prepared
 * pads' states, pad_bytes the bytes they have hashed (one block). */
INLINE size_t hmac_run(const uint32_t *inner, const uint32_t *outer, uint64_t pad_bytes,
		       size_t nwords, compress_fn *compress, const uint8_t *msg,
		       size_t len, uint8_t *out)
{
	uint32_t h[8];
	block blk;
	size_t tail = len % BLOCK;
	uint64_t bits = (pad_bytes + len) * 8;

	memcpy(h, inner, 4 * nwords);
	if (len >= BLOCK)
		compress(h, msg, len / BLOCK);
	/* The tail, 0x80, zeros and the length in bits; a tail of 56 bytes
	 * or more leaves no room for the length: one more block. */
	zero_words(blk.w, 0, 16);
	if (tail > 0)
		memcpy(blk.b, msg + (len - tail), tail);
	blk.b[tail] = 0x80;
	if (tail >= BLOCK - 8) {
		compress(h, blk.b, 1);
		zero_words(blk.w, 0, 14);
	}
	blk.w[14] = be((uint32_t)(bits >> 32));
	blk.w[15] = be((uint32_t)bits);
	compress(h, blk.b, 1);
	/* The outer hash: its pad, then the inner digest in one block. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 8
#endif
	for (size_t i = 0; i < nwords; i++)
		blk.w[i] = be(h[i]);
	blk.w[nwords] = be(0x80000000u);
	zero_words(blk.w, nwords + 1, 15);
	blk.w[15] = be((uint32_t)((pad_bytes + 4 * nwords) * 8));
	memcpy(h, outer, 4 * nwords);
	compress(h, blk.b, 1);
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 8
#endif
	for (size_t i = 0; i < nwords; i++) {
		uint32_t w = be(h[i]);

		memcpy(out + 4 * i, &w, 4);
	}
	/* h is now the result; of the block, only the inner digest is not
	 * the caller's message or padding. */
	zero_words(blk.w, 0, nwords);
	return 4 * nwords;
}

size_t hsm_hmac(const hsm_hmac_key *k, const uint8_t *msg, size_t len, uint8_t out[HSM_HMAC_MAX])
{
	if (k->hash == HSM_SHA1)
		return hmac_run(k->u.sha1.inner.h, k->u.sha1.outer.h, k->u.sha1.inner.bytes,
				HSM_SHA1_DIGEST / 4, hsm_sha1_compress, msg, len, out);
	return hmac_run(k->u.sha256.inner.h, k->u.sha256.outer.h, k->u.sha256.inner.bytes,
			HSM_SHA256_DIGEST / 4, hsm_sha256_compress, msg, len, out);
}

void hsm_hmac_key_wipe(hsm_hmac_key *k)
{
	hsm_wipe(k, sizeof *k);
}
