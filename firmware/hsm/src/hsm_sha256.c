/* SHA-256, FIPS 180-4 section 6.2.
 *
 * Rounds are written out eight at a time with the variables renamed rather
 * than moved, and the message schedule lives in a 16-word circular buffer,
 * so compilers keep the state in registers and fold rotations into operands.
 * On Thumb-2 targets hsm_sha256_thumb2.S provides hsm_sha256_compress
 * instead; this C stays the reference the tests compare it with. */
#include "hsm_sha256.h"
#include "hsm_sha_md.h"

#include <string.h>

void hsm_sha256_init(hsm_sha256_ctx *c)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(c->h, iv, sizeof iv);
	c->bytes = 0;
	c->fill = 0;
}

static hsm_md_buf md_buf(hsm_sha256_ctx *c)
{
	return (hsm_md_buf){ c->buf, &c->fill, &c->bytes };
}

void hsm_sha256_update(hsm_sha256_ctx *c, const void *data, size_t n)
{
	hsm_md_update(md_buf(c), c->h, hsm_sha256_compress, data, n);
}

void hsm_sha256_final(hsm_sha256_ctx *c, uint8_t out[HSM_SHA256_DIGEST])
{
	hsm_md_final(md_buf(c), c->h, hsm_sha256_compress);
	hsm_md_store_be(out, c->h, 8);
}

/* On Thumb-2, hsm_sha256_thumb2.S; HSM_SHA_PORTABLE forces this C there
 * too (the baseline of make m3-bench). */
#if !defined(__thumb2__) || defined(HSM_SHA_PORTABLE)

static const uint32_t k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define S0(x) (ROR(x, 2) ^ ROR(x, 13) ^ ROR(x, 22))
#define S1(x) (ROR(x, 6) ^ ROR(x, 11) ^ ROR(x, 25))
#define s0(x) (ROR(x, 7) ^ ROR(x, 18) ^ ((x) >> 3))
#define s1(x) (ROR(x, 17) ^ ROR(x, 19) ^ ((x) >> 10))
#define CH(e, f, g) ((g) ^ ((e) & ((f) ^ (g))))
#define MAJ(a, b, c) (((a) & (b)) | ((c) & ((a) | (b))))

static uint32_t load_be(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Schedule word i (mod 16) of rounds 16..63, in place. */
#define W(i) (w[(i) & 15] += s1(w[((i) - 2) & 15]) + w[((i) - 7) & 15] + \
		      s0(w[((i) - 15) & 15]))

#define R(a, b, c, d, e, f, g, h, kw)                                     \
	do {                                                              \
		h += S1(e) + CH(e, f, g) + (kw);                          \
		d += h;                                                   \
		h += S0(a) + MAJ(a, b, c);                                \
	} while (0)

/* Eight rounds: round kt + i uses k[kt + i] and schedule word wt(i + j). */
#define R8(kt, wt, j)                                                    \
	do {                                                             \
		R(a, b, c, d, e, f, g, h, k[(kt) + 0] + wt((j) + 0));    \
		R(h, a, b, c, d, e, f, g, k[(kt) + 1] + wt((j) + 1));    \
		R(g, h, a, b, c, d, e, f, k[(kt) + 2] + wt((j) + 2));    \
		R(f, g, h, a, b, c, d, e, k[(kt) + 3] + wt((j) + 3));    \
		R(e, f, g, h, a, b, c, d, k[(kt) + 4] + wt((j) + 4));    \
		R(d, e, f, g, h, a, b, c, k[(kt) + 5] + wt((j) + 5));    \
		R(c, d, e, f, g, h, a, b, k[(kt) + 6] + wt((j) + 6));    \
		R(b, c, d, e, f, g, h, a, k[(kt) + 7] + wt((j) + 7));    \
	} while (0)

#define W_MSG(i) (w[i] = load_be(p + 4 * (i)))

static void compress_block(uint32_t s[8], const uint8_t *p)
{
	uint32_t w[16];
	uint32_t a = s[0], b = s[1], c = s[2], d = s[3];
	uint32_t e = s[4], f = s[5], g = s[6], h = s[7];

	R8(0, W_MSG, 0);
	R8(8, W_MSG, 8);
	/* A loop of 16 rounds keeps the code small; the indices into the
	 * circular schedule stay compile-time constants. */
	for (int t = 16; t < 64; t += 16) {
		R8(t, W, 0);
		R8(t + 8, W, 8);
	}
	s[0] += a;
	s[1] += b;
	s[2] += c;
	s[3] += d;
	s[4] += e;
	s[5] += f;
	s[6] += g;
	s[7] += h;
}

void hsm_sha256_compress(uint32_t h[8], const uint8_t *blocks, size_t nblocks)
{
	for (; nblocks > 0; nblocks--, blocks += HSM_SHA256_BLOCK)
		compress_block(h, blocks);
}

#endif
