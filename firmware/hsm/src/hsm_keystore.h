/* The key store: access key ids and their secrets, one integrity-checked
 * record per storage page, plus a lock record.
 *
 * Page 0 holds the lock record; pages 1..HSM_MAX_KEYS one key each. A
 * record is valid only if its SHA-256 (the last 32 bytes) matches, so a
 * record torn by a power cut reads as an empty slot, never as a wrong key.
 * Secrets are read from storage once, at load or PUT-KEY time, to derive
 * each key's HMAC states (for both hashes), then wiped from RAM; the store
 * never gives a secret back. */
#ifndef HSM_KEYSTORE_H
#define HSM_KEYSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "awsv2_sts.h"
#include "hsm_hmac.h"
#include "hsm_storage.h"

#define HSM_MAX_KEYS 8
#define HSM_KEYSTORE_PAGES (1 + HSM_MAX_KEYS)
#define HSM_ID_MAX AWSV2__KEY_ID_MAX
#define HSM_SECRET_MAX 88  /* what is left of a page (AWS's secrets are 40) */

typedef enum hsm_ks_status {
	HSM_KS_OK = 0,
	HSM_KS_INVALID_ID,  /* not a key id (awsv2__key_id_valid) */
	HSM_KS_INVALID_SECRET, /* empty or longer than HSM_SECRET_MAX */
	HSM_KS_EXISTS,
	HSM_KS_UNKNOWN,
	HSM_KS_LOCKED,
	HSM_KS_FULL,
	HSM_KS_STORAGE      /* the storage failed to read, erase or write */
} hsm_ks_status;

typedef struct hsm_ks_entry {
	uint8_t used;
	uint8_t id_len;
	char id[HSM_ID_MAX];
	hsm_hmac_key sha1, sha256;
} hsm_ks_entry;

typedef struct hsm_keystore {
	const hsm_storage *storage;
	uint8_t locked;
	hsm_ks_entry slot[HSM_MAX_KEYS];
} hsm_keystore;

/* Loads every valid record from storage (invalid ones are empty slots).
 * Returns HSM_KS_STORAGE if a page cannot be read (those slots stay empty). */
hsm_ks_status hsm_keystore_load(hsm_keystore *ks, const hsm_storage *storage);

hsm_ks_status hsm_keystore_put(hsm_keystore *ks, const char *id, size_t id_len,
			       const uint8_t *secret, size_t secret_len);
hsm_ks_status hsm_keystore_delete(hsm_keystore *ks, const char *id, size_t id_len);
hsm_ks_status hsm_keystore_lock(hsm_keystore *ks);

/* The precomputed key for id and hash h, or NULL if id is not stored. */
const hsm_hmac_key *hsm_keystore_find(const hsm_keystore *ks, const char *id, size_t id_len,
				      hsm_hash h);

/* Wipes every cached key (e.g. before the store goes out of scope). */
void hsm_keystore_wipe(hsm_keystore *ks);

#endif
