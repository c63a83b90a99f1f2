/* HMAC-SHA1 and HMAC-SHA256 of the firmware core: RFC 2202 and RFC 4231
 * vectors, and random keys and messages against OpenSSL. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../common/check_run.h"
#include "hsm_hmac.h"
#include "awsv2_sts.h"
#include "hsm_util.h"

typedef struct vector {
	hsm_hash hash;
	uint8_t key_byte;   /* the key is key_len bytes of this... */
	size_t key_len;
	const char *key;    /* ...unless given here */
	uint8_t data_byte;  /* the data is data_len bytes of this... */
	size_t data_len;
	const char *data;   /* ...unless given here */
	const char *hex;    /* the expected HMAC (maybe truncated) */
} vector;

#define KEY25 "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10" \
	      "\x11\x12\x13\x14\x15\x16\x17\x18\x19"

static const vector vectors[] = {
	/* RFC 2202, HMAC-SHA1 test cases 1 to 7 */
	{ HSM_SHA1, 0x0b, 20, NULL, 0, 0, "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00" },
	{ HSM_SHA1, 0, 4, "Jefe", 0, 0, "what do ya want for nothing?",
	  "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
	{ HSM_SHA1, 0xaa, 20, NULL, 0xdd, 50, NULL, "125d7342b9ac11cd91a39af48aa17b4f63f175d3" },
	{ HSM_SHA1, 0, 25, KEY25, 0xcd, 50, NULL, "4c9007f4026250c6bc8414f9bf50c86c2d7235da" },
	{ HSM_SHA1, 0x0c, 20, NULL, 0, 0, "Test With Truncation",
	  "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04" },
	{ HSM_SHA1, 0xaa, 80, NULL, 0, 0, "Test Using Larger Than Block-Size Key - Hash Key First",
	  "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
	{ HSM_SHA1, 0xaa, 80, NULL, 0, 0,
	  "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
	  "e8e99d0f45237d786d6bbaa7965c7808bbff1a91" },
	/* RFC 4231, HMAC-SHA256 test cases 1 to 7 (case 5 truncated to 128 bits) */
	{ HSM_SHA256, 0x0b, 20, NULL, 0, 0, "Hi There",
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ HSM_SHA256, 0, 4, "Jefe", 0, 0, "what do ya want for nothing?",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ HSM_SHA256, 0xaa, 20, NULL, 0xdd, 50, NULL,
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
	{ HSM_SHA256, 0, 25, KEY25, 0xcd, 50, NULL,
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
	{ HSM_SHA256, 0x0c, 20, NULL, 0, 0, "Test With Truncation", "a3b6167473100ee06e0c796c2955552b" },
	{ HSM_SHA256, 0xaa, 131, NULL, 0, 0, "Test Using Larger Than Block-Size Key - Hash Key First",
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ HSM_SHA256, 0xaa, 131, NULL, 0, 0,
	  "This is a test using a larger than block-size key and a larger than block-size data. "
	  "The key needs to be hashed before being used by the HMAC algorithm.",
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
};

START_TEST(test_rfc_vectors)
{
	const vector *v = &vectors[_i];
	uint8_t key[256], data[256], mac[HSM_HMAC_MAX];
	char hex[2 * HSM_HMAC_MAX + 1] = "";
	size_t data_len = v->data ? strlen(v->data) : v->data_len;
	hsm_hmac_key k;
	size_t n;

	if (v->key)
		memcpy(key, v->key, v->key_len);
	else
		memset(key, v->key_byte, v->key_len);
	if (v->data)
		memcpy(data, v->data, data_len);
	else
		memset(data, v->data_byte, data_len);
	hsm_hmac_key_init(&k, v->hash, key, v->key_len);
	n = hsm_hmac(&k, data, data_len, mac);
	ck_assert_uint_eq(n, v->hash == HSM_SHA1 ? 20 : 32);
	awsv2__hex_encode(mac, n, hex);
	hex[strlen(v->hex)] = '\0';
	ck_assert_str_eq(hex, v->hex);
	/* The key is only read: a second signature is the same. */
	memset(mac, 0, sizeof mac);
	hsm_hmac(&k, data, data_len, mac);
	awsv2__hex_encode(mac, n, hex);
	hex[strlen(v->hex)] = '\0';
	ck_assert_str_eq(hex, v->hex);
	hsm_hmac_key_wipe(&k);
}
END_TEST

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

static void random_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)next_random();
}

/* Message lengths around the block and padding boundaries come first. */
static const size_t edge_lengths[] = { 0, 1, 19, 20, 31, 32, 55, 56, 57, 63, 64, 65, 119,
				       120, 127, 128, 129, 1024, 8191, 8192, 9000 };
#define MAX_LEN 9000
#define MAX_KEY 200
#define ROUNDS 10000

static void compare(hsm_hash h, const uint8_t *key, size_t klen, const uint8_t *msg, size_t len)
{
	uint8_t ours[HSM_HMAC_MAX], theirs[EVP_MAX_MD_SIZE];
	unsigned int tlen = 0;
	hsm_hmac_key k;
	size_t n;

	hsm_hmac_key_init(&k, h, key, klen);
	n = hsm_hmac(&k, msg, len, ours);
	hsm_hmac_key_wipe(&k);
	ck_assert_ptr_nonnull(HMAC(h == HSM_SHA1 ? EVP_sha1() : EVP_sha256(), key, (int)klen, msg,
				   len, theirs, &tlen));
	ck_assert_uint_eq(n, tlen);
	if (memcmp(ours, theirs, n) != 0)
		ck_abort_msg("HMAC-%s differs from OpenSSL: key %zu bytes, message %zu bytes",
			     h == HSM_SHA1 ? "SHA1" : "SHA256", klen, len);
}

START_TEST(test_random_against_openssl)
{
	static uint8_t msg[MAX_LEN];
	uint8_t key[MAX_KEY];
	const size_t nedge = sizeof edge_lengths / sizeof edge_lengths[0];

	for (int i = 0; i < ROUNDS; i++) {
		size_t len = i < (int)nedge ? edge_lengths[i] : next_random() % (MAX_LEN + 1);
		/* Keys: every length up to 200, so 64 (a block), 65 and longer. */
		size_t klen = (size_t)i % (MAX_KEY + 1);
		random_bytes(key, klen);
		random_bytes(msg, len);
		compare(HSM_SHA1, key, klen, msg, len);
		compare(HSM_SHA256, key, klen, msg, len);
	}
}
END_TEST

START_TEST(test_wipe)
{
	static const uint8_t zero[sizeof(hsm_hmac_key)];
	hsm_hmac_key k;

	hsm_hmac_key_init(&k, HSM_SHA256, (const uint8_t *)"secret", 6);
	ck_assert_int_ne(memcmp(&k, zero, sizeof k), 0);
	hsm_hmac_key_wipe(&k);
	ck_assert_int_eq(memcmp(&k, zero, sizeof k), 0);
}
END_TEST

static Suite *hmac_suite(void)
{
	Suite *s = suite_create("firmware-hmac");
	TCase *tc = tcase_create("hmac");

	tcase_add_loop_test(tc, test_rfc_vectors, 0, sizeof vectors / sizeof vectors[0]);
	tcase_add_test(tc, test_random_against_openssl);
	tcase_add_test(tc, test_wipe);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(hmac_suite());
}
