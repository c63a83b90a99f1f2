/* SHA-1, FIPS 180-4 section 6.1.
 *
 * The compression function is written out round by round with the state in
 * local variables and the message schedule in a 16-word circular buffer:
 * compilers keep the state in registers and fold the rotations into the
 * operands (Thumb-2 "add r, r, r2, ror #27"). On Thumb-2 targets
 * hsm_sha1_thumb2.S provides hsm_sha1_compress instead. */
#include "hsm_sha1.h"
#include "hsm_sha_md.h"

#include <string.h>

void hsm_sha1_init(hsm_sha1_ctx *c)
{
	static const uint32_t iv[5] = {
		0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0,
	};

	memcpy(c->h, iv, sizeof iv);
	c->bytes = 0;
	c->fill = 0;
}

static hsm_md_buf md_buf(hsm_sha1_ctx *c)
{
	return (hsm_md_buf){ c->buf, &c->fill, &c->bytes };
}

void hsm_sha1_update(hsm_sha1_ctx *c, const void *data, size_t n)
{
	hsm_md_update(md_buf(c), c->h, hsm_sha1_compress, data, n);
}

void hsm_sha1_final(hsm_sha1_ctx *c, uint8_t out[HSM_SHA1_DIGEST])
{
	hsm_md_final(md_buf(c), c->h, hsm_sha1_compress);
	hsm_md_store_be(out, c->h, 5);
}

/* On Thumb-2, hsm_sha1_thumb2.S; HSM_SHA_PORTABLE forces this C there too
 * (the baseline of make m3-bench). */
#if !defined(__thumb2__) || defined(HSM_SHA_PORTABLE)

#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static uint32_t load_be(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Round functions. Ch and Maj in forms with one operation fewer. */
#define F0(b, c, d) ((d) ^ ((b) & ((c) ^ (d))))
#define F1(b, c, d) ((b) ^ (c) ^ (d))
#define F2(b, c, d) (((b) & (c)) | ((d) & ((b) | (c))))
#define F3(b, c, d) F1(b, c, d)

/* Word t of the schedule: the message for t < 16, then the recurrence. */
#define W_MSG(t) (w[t] = load_be(p + 4 * (t)))
#define W_EXP(t) (w[(t) & 15] = ROL(w[((t) - 3) & 15] ^ w[((t) - 8) & 15] ^ \
				    w[((t) - 14) & 15] ^ w[(t) & 15], 1))

/* One round with the variables renamed instead of moved. */
#define R(a, b, c, d, e, f, k, wt)                                         \
	do {                                                               \
		e += ROL(a, 5) + f(b, c, d) + (k) + (wt);                  \
		b = ROL(b, 30);                                            \
	} while (0)

#define R5(f, k, W, t)                                                     \
	do {                                                               \
		R(a, b, c, d, e, f, k, W(t));                              \
		R(e, a, b, c, d, f, k, W((t) + 1));                        \
		R(d, e, a, b, c, f, k, W((t) + 2));                        \
		R(c, d, e, a, b, f, k, W((t) + 3));                        \
		R(b, c, d, e, a, f, k, W((t) + 4));                        \
	} while (0)

#define K0 0x5a827999u
#define K1 0x6ed9eba1u
#define K2 0x8f1bbcdcu
#define K3 0xca62c1d6u

static void compress_block(uint32_t h[5], const uint8_t *p)
{
	uint32_t w[16];
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];

	R5(F0, K0, W_MSG, 0);
	R5(F0, K0, W_MSG, 5);
	R5(F0, K0, W_MSG, 10);
	R(a, b, c, d, e, F0, K0, W_MSG(15));
	R(e, a, b, c, d, F0, K0, W_EXP(16));
	R(d, e, a, b, c, F0, K0, W_EXP(17));
	R(c, d, e, a, b, F0, K0, W_EXP(18));
	R(b, c, d, e, a, F0, K0, W_EXP(19));
	R5(F1, K1, W_EXP, 20);
	R5(F1, K1, W_EXP, 25);
	R5(F1, K1, W_EXP, 30);
	R5(F1, K1, W_EXP, 35);
	R5(F2, K2, W_EXP, 40);
	R5(F2, K2, W_EXP, 45);
	R5(F2, K2, W_EXP, 50);
	R5(F2, K2, W_EXP, 55);
	R5(F3, K3, W_EXP, 60);
	R5(F3, K3, W_EXP, 65);
	R5(F3, K3, W_EXP, 70);
	R5(F3, K3, W_EXP, 75);

	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

void hsm_sha1_compress(uint32_t h[5], const uint8_t *blocks, size_t nblocks)
{
	for (; nblocks > 0; nblocks--, blocks += HSM_SHA1_BLOCK)
		compress_block(h, blocks);
}

#endif
