#include "hsm_sha_md.h"

#include <string.h>

/* A big-endian word to p, which may be unaligned: one byte-swap and one
 * store where the compiler can do that (Cortex-M3: rev and str). */
static void store_be32(uint8_t *p, uint32_t v)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
#else
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
#endif
}

void hsm_md_update(hsm_md_buf b, uint32_t *h, hsm_md_compress_fn *compress,
		   const uint8_t *data, size_t n)
{
	*b.bytes += n;
	if (*b.fill > 0) {
		size_t take = 64 - *b.fill < n ? 64 - *b.fill : n;
		memcpy(b.buf + *b.fill, data, take);
		*b.fill += take;
		data += take;
		n -= take;
		if (*b.fill < 64)
			return;
		compress(h, b.buf, 1);
		*b.fill = 0;
	}
	if (n >= 64) {
		compress(h, data, n / 64);
		data += n & ~(size_t)63;
		n &= 63;
	}
	if (n > 0)
		memcpy(b.buf, data, n);
	*b.fill = n;
}

void hsm_md_final(hsm_md_buf b, uint32_t *h, hsm_md_compress_fn *compress)
{
	uint64_t bits = *b.bytes * 8;
	size_t fill = *b.fill;

	b.buf[fill++] = 0x80;
	if (fill > 56) {
		memset(b.buf + fill, 0, 64 - fill);
		compress(h, b.buf, 1);
		fill = 0;
	}
	memset(b.buf + fill, 0, 56 - fill);
	store_be32(b.buf + 56, (uint32_t)(bits >> 32));
	store_be32(b.buf + 60, (uint32_t)bits);
	compress(h, b.buf, 1);
	*b.fill = 0;
}

void hsm_md_store_be(uint8_t *out, const uint32_t *h, size_t nwords)
{
	for (size_t i = 0; i < nwords; i++)
		store_be32(out + 4 * i, h[i]);
}
