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
}

static size_t hmac_sha1(const hsm_hmac_key *k, const uint8_t *msg, size_t len, uint8_t *out)
{
	hsm_sha1_ctx c = k->u.sha1.inner;

	hsm_sha1_update(&c, msg, len);
	hsm_sha1_final(&c, out);
	c = k->u.sha1.outer;
	hsm_sha1_update(&c, out, HSM_SHA1_DIGEST);
	hsm_sha1_final(&c, out);
	hsm_wipe(&c, sizeof c);
	return HSM_SHA1_DIGEST;
}

static size_t hmac_sha256(const hsm_hmac_key *k, const uint8_t *msg, size_t len, uint8_t *out)
{
	hsm_sha256_ctx c = k->u.sha256.inner;

	hsm_sha256_update(&c, msg, len);
	hsm_sha256_final(&c, out);
	c = k->u.sha256.outer;
	hsm_sha256_update(&c, out, HSM_SHA256_DIGEST);
	hsm_sha256_final(&c, out);
	hsm_wipe(&c, sizeof c);
	return HSM_SHA256_DIGEST;
}

size_t hsm_hmac(const hsm_hmac_key *k, const uint8_t *msg, size_t len, uint8_t out[HSM_HMAC_MAX])
{
	if (k->hash == HSM_SHA1)
		return hmac_sha1(k, msg, len, out);
	return hmac_sha256(k, msg, len, out);
}

void hsm_hmac_key_wipe(hsm_hmac_key *k)
{
	hsm_wipe(k, sizeof *k);
}
