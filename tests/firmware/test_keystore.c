/* The firmware core's key store: persistence across restarts, power cuts
 * at every byte of every flash update never yielding a wrong key, a store
 * that cannot be read (or whose lock was torn) refusing every change, and
 * the SigV4 signing keys it derives and caches. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../common/check_run.h"
#include "hsm_keystore.h"
#include "memstore.h"
#include "sigv4_vectors.h"

static memstore store;
static hsm_keystore ks;

#define ID_A "AKIAIOSFODNN7EXAMPLE"
#define SECRET_A "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define ID_B "AKIAB"
#define SECRET_B "second-secret"
#define SECRET_B2 "replacement-secret"

static void setup(void)
{
	memstore_init(&store);
	ck_assert_int_eq(hsm_keystore_load(&ks, &store.storage), HSM_KS_OK);
}

/* A power cycle: the RAM state is lost and loaded again from flash, which
 * reads back as it should (want_ok) or as faulty. */
static void restart_as(int want_ok)
{
	store.budget = -1;
	hsm_keystore_wipe(&ks);
	ck_assert_int_eq(hsm_keystore_load(&ks, &store.storage), want_ok ? HSM_KS_OK : HSM_KS_STORAGE);
}

static void restart(void)
{
	restart_as(1);
}

static hsm_ks_status put(const char *id, const char *secret)
{
	return hsm_keystore_put(&ks, id, strlen(id), (const uint8_t *)secret, strlen(secret));
}

/* 1 if id is stored with exactly this secret (for both hashes), 0 if it
 * is not stored; fails the test if it is stored with another secret. */
static int has_key(const char *id, const char *secret)
{
	static const uint8_t msg[] = "GET\nhost\n/\nAWSAccessKeyId=X";
	const EVP_MD *mds[] = { EVP_sha1(), EVP_sha256() };

	for (int h = 0; h < 2; h++) {
		const hsm_hmac_key *k = hsm_keystore_find(&ks, id, strlen(id), h ? HSM_SHA256 : HSM_SHA1);
		uint8_t ours[HSM_HMAC_MAX], theirs[EVP_MAX_MD_SIZE];
		unsigned int n = 0;
		if (!k)
			return 0;
		HMAC(mds[h], secret, (int)strlen(secret), msg, sizeof msg - 1, theirs, &n);
		ck_assert_uint_eq(hsm_hmac(k, msg, sizeof msg - 1, ours), n);
		ck_assert_msg(memcmp(ours, theirs, n) == 0, "key %s has a wrong secret", id);
	}
	return 1;
}

START_TEST(test_persistence)
{
	ck_assert_int_eq(put(ID_A, SECRET_A), HSM_KS_OK);
	ck_assert_int_eq(put(ID_B, SECRET_B), HSM_KS_OK);
	ck_assert_int_eq(hsm_keystore_delete(&ks, ID_B, strlen(ID_B)), HSM_KS_OK);
	ck_assert_int_eq(put(ID_B, SECRET_B2), HSM_KS_OK);
	restart();
	ck_assert_int_eq(has_key(ID_A, SECRET_A), 1);
	ck_assert_int_eq(has_key(ID_B, SECRET_B2), 1);
	ck_assert_int_eq(ks.locked, 0);
	ck_assert_int_eq(hsm_keystore_lock(&ks), HSM_KS_OK);
	restart();
	ck_assert_int_eq(ks.locked, 1);
	ck_assert_int_eq(put("AKIAC", "s"), HSM_KS_LOCKED);
	ck_assert_int_eq(hsm_keystore_delete(&ks, ID_A, strlen(ID_A)), HSM_KS_LOCKED);
	ck_assert_int_eq(has_key(ID_A, SECRET_A), 1);
}
END_TEST

START_TEST(test_corrupt_record_is_empty)
{
	ck_assert_int_eq(put(ID_A, SECRET_A), HSM_KS_OK);
	ck_assert_int_eq(put(ID_B, SECRET_B), HSM_KS_OK);
	for (size_t i = 0; i < HSM_PAGE_SIZE; i++) {
		store.page[2][i] ^= 0x04;  /* ID_B's page */
		restart();
		ck_assert_int_eq(has_key(ID_B, SECRET_B), 0);
		ck_assert_int_eq(has_key(ID_A, SECRET_A), 1);
		store.page[2][i] ^= 0x04;
	}
	restart();
	ck_assert_int_eq(has_key(ID_B, SECRET_B), 1);
}
END_TEST

START_TEST(test_duplicate_record_loaded_once)
{
	ck_assert_int_eq(put(ID_A, SECRET_A), HSM_KS_OK);
	memcpy(store.page[3], store.page[1], HSM_PAGE_SIZE);
	restart();
	ck_assert_int_eq(has_key(ID_A, SECRET_A), 1);
	ck_assert_int_eq(hsm_keystore_delete(&ks, ID_A, strlen(ID_A)), HSM_KS_OK);
	ck_assert_int_eq(has_key(ID_A, SECRET_A), 0);
}
END_TEST

START_TEST(test_unreadable_storage)
{
	ck_assert_int_eq(put(ID_A, SECRET_A), HSM_KS_OK);
	store.fail_reads = 1;
	ck_assert_int_eq(hsm_keystore_load(&ks, &store.storage), HSM_KS_STORAGE);
	ck_assert_int_eq(has_key(ID_A, SECRET_A), 0);
}
END_TEST

/* A PUT-KEY torn at byte _i of its erase + program: after the restart
 * the new key is absent or right, and the key stored before is intact. */
START_TEST(test_torn_put)
{
	ck_assert_int_eq(put(ID_A, SECRET_A), HSM_KS_OK);
	/* ID_B's slot held ID_B with an older secret, deleted since. */
	ck_assert_int_eq(put(ID_B, SECRET_B), HSM_KS_OK);
	ck_assert_int_eq(hsm_keystore_delete(&ks, ID_B, strlen(ID_B)), HSM_KS_OK);
	store.budget = _i;
	ck_assert_int_eq(put(ID_B, SECRET_B2), _i >= 2 * HSM_PAGE_SIZE ? HSM_KS_OK : HSM_KS_STORAGE);
	/* Before the restart the RAM state agrees with the flash too. */
	if (_i < 2 * HSM_PAGE_SIZE)
		ck_assert_int_eq(has_key(ID_B, SECRET_B2), 0);
	restart();
	ck_assert_int_eq(has_key(ID_A, SECRET_A), 1);
	if (has_key(ID_B, SECRET_B2) == 0)
		ck_assert_int_eq(put(ID_B, SECRET_B2), HSM_KS_OK);
	ck_assert_int_eq(has_key(ID_B, SECRET_B2), 1);
}
END_TEST

/* A DELETE-KEY whose erase is torn at byte _i: the key is gone or intact. */
START_TEST(test_torn_delete)
{
	ck_assert_int_eq(put(ID_A, SECRET_A), HSM_KS_OK);
	ck_assert_int_eq(put(ID_B, SECRET_B), HSM_KS_OK);
	store.budget = _i;
	hsm_keystore_delete(&ks, ID_B, strlen(ID_B));
	restart();
	ck_assert_int_eq(has_key(ID_A, SECRET_A), 1);
	ck_assert_int_eq(has_key(ID_B, SECRET_B), _i == 0 ? 1 : 0);
}
END_TEST

/* Every change a faulty store must refuse, with the keys it could read
 * still signing: the store fails closed. */
static void assert_refuses_changes(void)
{
	ck_assert_int_eq(put("AKIANEW", "s"), HSM_KS_STORAGE);
	ck_assert_int_eq(hsm_keystore_delete(&ks, ID_A, strlen(ID_A)), HSM_KS_STORAGE);
	ck_assert_int_eq(hsm_keystore_delete(&ks, "AKIANONE", 8), HSM_KS_STORAGE);
	ck_assert_int_eq(hsm_keystore_lock(&ks), HSM_KS_STORAGE);
	ck_assert_int_eq(has_key("AKIANEW", "s"), 0);
}

/* A LOCK torn at byte _i: the keys are intact, and a lock whose record was
 * partly written never reads back as "unlocked". Byte 0..255 is the erase
 * of a page that was erased already (nothing changes), 256 the moment
 * before the first byte of the record, 257..511 a part of the record, 512
 * the complete lock. */
START_TEST(test_torn_lock)
{
	int torn = _i > HSM_PAGE_SIZE && _i < 2 * HSM_PAGE_SIZE;

	ck_assert_int_eq(put(ID_A, SECRET_A), HSM_KS_OK);
	store.budget = _i;
	ck_assert_int_eq(hsm_keystore_lock(&ks), _i >= 2 * HSM_PAGE_SIZE ? HSM_KS_OK : HSM_KS_STORAGE);
	store.budget = -1;
	/* Before the restart the RAM state agrees with the flash. */
	ck_assert_int_eq(ks.fault, torn);
	restart_as(!torn);
	ck_assert_int_eq(has_key(ID_A, SECRET_A), 1);
	if (torn) {
		assert_refuses_changes();
	} else if (_i >= 2 * HSM_PAGE_SIZE) {
		ck_assert_int_eq(put(ID_B, SECRET_B), HSM_KS_LOCKED);
		ck_assert_int_eq(hsm_keystore_delete(&ks, ID_A, strlen(ID_A)), HSM_KS_LOCKED);
	} else {
		ck_assert_int_eq(put(ID_B, SECRET_B), HSM_KS_OK);
		ck_assert_int_eq(hsm_keystore_lock(&ks), HSM_KS_OK);
	}
	ck_assert_int_eq(has_key(ID_A, SECRET_A), 1);
}
END_TEST

/* A lock page that cannot be read at start: the store must not come up
 * unlocked. */
START_TEST(test_unreadable_lock_fails_closed)
{
	ck_assert_int_eq(put(ID_A, SECRET_A), HSM_KS_OK);
	store.fail_read_pages = 1u << 0;
	restart_as(0);
	ck_assert_int_eq(ks.fault, 1);
	ck_assert_int_eq(has_key(ID_A, SECRET_A), 1);
	assert_refuses_changes();
	ck_assert_int_eq(has_key(ID_A, SECRET_A), 1);
}
END_TEST

/* A key page that cannot be read: its key is missing, so changes could
 * overwrite or duplicate it; every change is refused. */
START_TEST(test_unreadable_key_fails_closed)
{
	ck_assert_int_eq(put(ID_A, SECRET_A), HSM_KS_OK);
	ck_assert_int_eq(put(ID_B, SECRET_B), HSM_KS_OK);
	store.fail_read_pages = 1u << 2;  /* ID_B's page */
	restart_as(0);
	ck_assert_int_eq(has_key(ID_A, SECRET_A), 1);
	ck_assert_int_eq(has_key(ID_B, SECRET_B), 0);
	ck_assert_int_eq(put(ID_B, SECRET_B2), HSM_KS_STORAGE);
	assert_refuses_changes();
	/* Once the page reads again (a restart), all is as before. */
	store.fail_read_pages = 0;
	restart();
	ck_assert_int_eq(has_key(ID_B, SECRET_B), 1);
	ck_assert_int_eq(put("AKIANEW", "s"), HSM_KS_OK);
}
END_TEST

/* A lock record with any byte changed is no lock record, and no erased
 * page either: the store refuses changes rather than come up unlocked. */
START_TEST(test_corrupt_lock_fails_closed)
{
	ck_assert_int_eq(put(ID_A, SECRET_A), HSM_KS_OK);
	ck_assert_int_eq(hsm_keystore_lock(&ks), HSM_KS_OK);
	for (size_t i = 0; i < HSM_PAGE_SIZE; i++) {
		store.page[0][i] ^= 0x10;
		restart_as(0);
		ck_assert_int_eq(has_key(ID_A, SECRET_A), 1);
		ck_assert_int_eq(put(ID_B, SECRET_B), HSM_KS_STORAGE);
		ck_assert_int_eq(hsm_keystore_delete(&ks, ID_A, strlen(ID_A)), HSM_KS_STORAGE);
		store.page[0][i] ^= 0x10;
	}
	restart();
	ck_assert_int_eq(ks.locked, 1);
	/* A single programmed bit on an erased page 0 is not "unlocked" either. */
	memset(store.page[0], 0xFF, HSM_PAGE_SIZE);
	store.page[0][HSM_PAGE_SIZE - 1] = 0xFE;
	restart_as(0);
	ck_assert_int_eq(put(ID_B, SECRET_B), HSM_KS_STORAGE);
}
END_TEST

/* HMAC(kSigning, msg) of the store's key equals OpenSSL's with the
 * vector's kSigning. */
static int signs_like(const hsm_hmac_key *k, const char *signing_key_hex)
{
	static const uint8_t msg[] = "AWS4-HMAC-SHA256\n20261121T120000Z\nscope\nhash";
	uint8_t key[32], ours[HSM_HMAC_MAX], theirs[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	for (int i = 0; i < 32; i++)
		sscanf(signing_key_hex + 2 * i, "%2hhx", &key[i]);
	HMAC(EVP_sha256(), key, 32, msg, sizeof msg - 1, theirs, &n);
	ck_assert_uint_eq(hsm_hmac(k, msg, sizeof msg - 1, ours), 32);
	return memcmp(ours, theirs, 32) == 0;
}

START_TEST(test_sigv4_signing_keys)
{
	const sigv4_vector *v;
	size_t n = sigv4_vectors(&v), seen = 0;

	for (size_t i = 0; i < n; i++) {
		const hsm_hmac_key *k;
		if (!v[i].signing_key)
			continue;
		hsm_keystore_wipe(&ks);
		memstore_init(&store);
		ck_assert_int_eq(hsm_keystore_load(&ks, &store.storage), HSM_KS_OK);
		ck_assert_int_eq(put(ID_A, v[i].secret), HSM_KS_OK);
		k = hsm_keystore_sigv4(&ks, ID_A, strlen(ID_A), v[i].date, v[i].region, v[i].service);
		ck_assert_ptr_nonnull(k);
		ck_assert_msg(signs_like(k, v[i].signing_key), "%s", v[i].name);
		/* Asked again: the same cached key. */
		ck_assert_ptr_eq(hsm_keystore_sigv4(&ks, ID_A, strlen(ID_A), v[i].date, v[i].region,
						    v[i].service), k);
		seen++;
	}
	ck_assert_uint_ge(seen, 4);
}
END_TEST

static int cached(void)
{
	int n = 0;

	for (int c = 0; c < HSM_SIGV4_CACHE; c++)
		n += ks.sigv4[c].used;
	return n;
}

/* The cache is keyed by key, date, region and service; holds at most
 * HSM_SIGV4_CACHE keys; forgets a deleted key's; is empty after a restart. */
START_TEST(test_sigv4_cache)
{
	static const char *const regions[] = { "us-east-1", "eu-west-1", "ap-south-1", "sa-east-1",
					       "eu-central-1" };
	const hsm_hmac_key *a, *b;
	hsm_sigv4_entry zero;

	ck_assert_int_eq(put(ID_A, SECRET_A), HSM_KS_OK);
	ck_assert_int_eq(put(ID_B, SECRET_B), HSM_KS_OK);
	ck_assert_ptr_null(hsm_keystore_sigv4(&ks, "AKIANONE", 8, "20261121", "us-east-1", "ec2"));
	a = hsm_keystore_sigv4(&ks, ID_A, strlen(ID_A), "20261121", "us-east-1", "ec2");
	b = hsm_keystore_sigv4(&ks, ID_B, strlen(ID_B), "20261121", "us-east-1", "ec2");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	ck_assert_ptr_ne(hsm_keystore_sigv4(&ks, ID_A, strlen(ID_A), "20261122", "us-east-1", "ec2"), a);
	ck_assert_ptr_ne(hsm_keystore_sigv4(&ks, ID_A, strlen(ID_A), "20261121", "us-east-1", "sqs"), a);
	ck_assert_int_eq(cached(), 4);
	for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++)
		ck_assert_ptr_nonnull(hsm_keystore_sigv4(&ks, ID_B, strlen(ID_B), "20261121", regions[i], "ec2"));
	ck_assert_int_eq(cached(), HSM_SIGV4_CACHE);
	/* Deleting B wipes every key derived from it. */
	ck_assert_int_eq(hsm_keystore_delete(&ks, ID_B, strlen(ID_B)), HSM_KS_OK);
	memset(&zero, 0, sizeof zero);
	for (int c = 0; c < HSM_SIGV4_CACHE; c++)
		ck_assert_int_eq(memcmp(&ks.sigv4[c], &zero, sizeof zero), 0);
	ck_assert_ptr_null(hsm_keystore_sigv4(&ks, ID_B, strlen(ID_B), "20261121", "us-east-1", "ec2"));
	a = hsm_keystore_sigv4(&ks, ID_A, strlen(ID_A), "20261121", "us-east-1", "ec2");
	ck_assert_int_eq(cached(), 1);
	restart();
	ck_assert_int_eq(cached(), 0);
}
END_TEST

static Suite *keystore_suite(void)
{
	Suite *s = suite_create("firmware-keystore");
	TCase *tc = tcase_create("keystore");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_persistence);
	tcase_add_test(tc, test_corrupt_record_is_empty);
	tcase_add_test(tc, test_duplicate_record_loaded_once);
	tcase_add_test(tc, test_unreadable_storage);
	/* Every byte offset of the erase (0..255) and the program (256..511),
	 * and a complete update (512). */
	tcase_add_loop_test(tc, test_torn_put, 0, 2 * HSM_PAGE_SIZE + 1);
	tcase_add_loop_test(tc, test_torn_delete, 0, HSM_PAGE_SIZE + 1);
	tcase_add_loop_test(tc, test_torn_lock, 0, 2 * HSM_PAGE_SIZE + 1);
	tcase_add_test(tc, test_unreadable_lock_fails_closed);
	tcase_add_test(tc, test_unreadable_key_fails_closed);
	tcase_add_test(tc, test_corrupt_lock_fails_closed);
	tcase_add_test(tc, test_sigv4_signing_keys);
	tcase_add_test(tc, test_sigv4_cache);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(keystore_suite());
}
