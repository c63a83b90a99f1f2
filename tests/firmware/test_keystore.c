/* The firmware core's key store: persistence across restarts, and power
 * cuts at every byte of every flash update never yielding a wrong key. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../common/check_run.h"
#include "hsm_keystore.h"
#include "memstore.h"

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

/* A power cycle: the RAM state is lost and loaded again from flash. */
static void restart(void)
{
	store.budget = -1;
	hsm_keystore_wipe(&ks);
	ck_assert_int_eq(hsm_keystore_load(&ks, &store.storage), HSM_KS_OK);
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

/* A LOCK torn at byte _i: locked or not, the keys are intact. */
START_TEST(test_torn_lock)
{
	ck_assert_int_eq(put(ID_A, SECRET_A), HSM_KS_OK);
	store.budget = _i;
	hsm_keystore_lock(&ks);
	restart();
	ck_assert_int_eq(ks.locked, _i >= 2 * HSM_PAGE_SIZE);
	ck_assert_int_eq(has_key(ID_A, SECRET_A), 1);
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
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(keystore_suite());
}
