/* SigV4 key derivation (see hsm_sigv4.h). */
#include <string.h>

#include "hsm_sigv4.h"
#include "hsm_util.h"

#define PREFIX "AWS4"
/* A key store secret is at most 88 bytes; 128 leaves room for any. */
#define SECRET_ROOM 128

void hsm_sigv4_key_init(hsm_hmac_key *k4, const uint8_t *secret, size_t len)
{
	uint8_t key[sizeof PREFIX - 1 + SECRET_ROOM];

	if (len > SECRET_ROOM)
		len = SECRET_ROOM;
	memcpy(key, PREFIX, sizeof PREFIX - 1);
	memcpy(key + sizeof PREFIX - 1, secret, len);
	hsm_hmac_key_init(k4, HSM_SHA256, key, sizeof PREFIX - 1 + len);
	hsm_wipe(key, sizeof key);
}

/* out = HMAC(key, msg) for a 32-byte key (out may be key). */
static void step(uint8_t key[HSM_SHA256_DIGEST], const char *msg, size_t len,
		 uint8_t out[HSM_SHA256_DIGEST])
{
	hsm_hmac_key k;

	hsm_hmac_key_init(&k, HSM_SHA256, key, HSM_SHA256_DIGEST);
	hsm_hmac(&k, (const uint8_t *)msg, len, out);
	hsm_hmac_key_wipe(&k);
}

void hsm_sigv4_signing_key(const hsm_hmac_key *k4, const char date[8], const char *region,
			   const char *service, uint8_t out[HSM_SHA256_DIGEST])
{
	hsm_hmac(k4, (const uint8_t *)date, 8, out);
	step(out, region, strlen(region), out);
	step(out, service, strlen(service), out);
	step(out, "aws4_request", 12, out);
}
