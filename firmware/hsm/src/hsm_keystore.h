/* The key store: access key ids and their secrets, one integrity-checked
 * record per storage page, plus a lock record.
 *
 * Page 0 holds the lock record; pages 1..HSM_MAX_KEYS one key each. A
 * record is valid only if its SHA-256 (the last 32 bytes) matches, so a
 * key record torn by a power cut reads as an empty slot, never as a wrong
 * key. Page 0 reads as "unlocked" only when it is entirely erased: a lock
 * record is locked, and anything else (a LOCK torn by a power cut, a
 * corrupted page) is a fault, as is a page that cannot be read. A faulty
 * store fails closed: it keeps signing with the keys it could read but
 * refuses every change (HSM_KS_STORAGE) until the chip is erased.
 * Secrets are read from storage once, at load or PUT-KEY time, to derive
 * each key's HMAC states (SigV2's two hashes, SigV4's "AWS4" + secret),
 * then wiped from RAM; the store never gives a secret back.
 *
 * A key may have a policy (docs/policy.md) on its own page, bound to the
 * key by the key record's seal; the store also holds the device's clock,
 * each key's rate-limit bucket, the time anchor and the audit log. Not
 * thread-safe: one device, one loop (the Due's two ports share it). */
#ifndef HSM_KEYSTORE_H
#define HSM_KEYSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "awsv2_policy.h"
#include "awsv2_sts4.h"
#include "hsm_audit.h"
#include "hsm_hmac.h"
#include "hsm_storage.h"

#define HSM_MAX_KEYS 8
/* Page 0 the lock, 1..8 the keys, 9..16 their policies, 17..18 the audit
 * log's checkpoints (docs/firmware-storage.md). */
#define HSM_POLICY_PAGE(slot) (1u + HSM_MAX_KEYS + (unsigned)(slot))
#define HSM_AUDIT_PAGE (1u + 2 * HSM_MAX_KEYS)
#define HSM_KEYSTORE_PAGES (HSM_AUDIT_PAGE + 2)
#define HSM_ID_MAX AWSV2__KEY_ID_MAX
#define HSM_SECRET_MAX 88  /* what is left of a page (AWS's secrets are 40) */
#define HSM_SIGV4_CACHE 4  /* kSigning keys kept: a key's scopes of one day */

typedef enum hsm_ks_status {
	HSM_KS_OK = 0,
	HSM_KS_INVALID_ID,  /* not a key id (awsv2__key_id_valid) */
	HSM_KS_INVALID_SECRET, /* empty or longer than HSM_SECRET_MAX */
	HSM_KS_EXISTS,
	HSM_KS_UNKNOWN,
	HSM_KS_LOCKED,
	HSM_KS_FULL,
	HSM_KS_STORAGE,     /* the storage failed to read, erase or write */
	HSM_KS_INVALID_POLICY /* not a policy (awsv2__policy_parse) */
} hsm_ks_status;

typedef struct hsm_ks_entry {
	uint8_t used;
	uint8_t id_len;
	char id[HSM_ID_MAX];
	hsm_hmac_key sha1, sha256;
	hsm_hmac_key aws4;  /* "AWS4" + secret: the root of SigV4's keys */
	awsv2__policy policy;
	uint64_t tokens;    /* the rate limit's bucket, in 1/rate_ms tokens */
	uint64_t bucket_ms; /* the device time tokens were last added */
} hsm_ks_entry;

/* A derived kSigning, prepared as an HMAC key, for one key and scope. */
typedef struct hsm_sigv4_entry {
	uint8_t used, slot, region_len, service_len;
	char date[8];
	char region[AWSV2__STS4_REGION_MAX];
	char service[AWSV2__STS4_SERVICE_MAX];
	hsm_hmac_key key;
} hsm_sigv4_entry;

typedef struct hsm_keystore {
	const hsm_storage *storage;
	uint8_t locked;
	/* A page could not be read, or page 0 is neither erased nor a lock
	 * record: no change is allowed until the chip is erased. */
	uint8_t fault;
	uint8_t sigv4_next;  /* the cache entry to replace next */
	hsm_ks_entry slot[HSM_MAX_KEYS];
	hsm_sigv4_entry sigv4[HSM_SIGV4_CACHE];
	/* The device's own clock: a millisecond tick from the platform
	 * (millis(), CLOCK_MONOTONIC, a test's fake), widened to 64 bits. */
	uint32_t (*tick)(void *ctx);
	void *tick_ctx;
	uint32_t last_tick;
	uint64_t now_ms;
	/* Wall time: the first signed request's timestamp since power-up,
	 * advanced by the clock (docs/policy.md, "Time"). */
	uint8_t has_time;
	int64_t anchor_s;
	uint64_t anchor_ms;
	hsm_audit audit;
} hsm_keystore;

/* Loads every valid record from storage (invalid key records are empty
 * slots). Returns HSM_KS_STORAGE, with fault set, if a page cannot be read
 * (those slots stay empty) or page 0 is neither erased nor a lock record. */
hsm_ks_status hsm_keystore_load(hsm_keystore *ks, const hsm_storage *storage);

hsm_ks_status hsm_keystore_put(hsm_keystore *ks, const char *id, size_t id_len,
			       const uint8_t *secret, size_t secret_len);
/* PUT-KEY with a policy (policy_len 0: the empty policy, as
 * hsm_keystore_put). The policy page is written first, then the key page,
 * whose seal covers the policy page too: a cut anywhere leaves the key
 * absent or present with its whole policy. */
hsm_ks_status hsm_keystore_put_policy(hsm_keystore *ks, const char *id, size_t id_len,
				      const uint8_t *secret, size_t secret_len,
				      const char *policy, size_t policy_len);
hsm_ks_status hsm_keystore_delete(hsm_keystore *ks, const char *id, size_t id_len);
hsm_ks_status hsm_keystore_lock(hsm_keystore *ks);

/* The precomputed key for id and hash h, or NULL if id is not stored. */
const hsm_hmac_key *hsm_keystore_find(const hsm_keystore *ks, const char *id, size_t id_len,
				      hsm_hash h);

/* The SigV4 signing key (kSigning, prepared as an HMAC-SHA256 key) of id
 * for the scope date (YYYYMMDD), region and service, derived on first use
 * and cached (HSM_SIGV4_CACHE entries, the oldest replaced; an entry goes
 * when its key is deleted). NULL if id is not stored. The key is the
 * store's, valid until the next call that changes the store or its cache. */
const hsm_hmac_key *hsm_keystore_sigv4(hsm_keystore *ks, const char *id, size_t id_len,
				       const char date[8], const char *region, const char *service);

/* The slot of id, or -1 when it is not stored. */
int hsm_keystore_slot(const hsm_keystore *ks, const char *id, size_t id_len);

/* Gives the store its millisecond tick (after hsm_keystore_load). Without
 * one the clock stands still: a rate limit's bucket never refills. */
void hsm_keystore_set_clock(hsm_keystore *ks, uint32_t (*tick)(void *ctx), void *ctx);

/* The device's clock in milliseconds since power-up. */
uint64_t hsm_keystore_ms(hsm_keystore *ks);

/* The device's wall time in Unix seconds, or -1 before it has one. */
int64_t hsm_keystore_time(hsm_keystore *ks);

/* Anchors the wall time at t (Unix seconds) unless it has one already. */
void hsm_keystore_anchor(hsm_keystore *ks, int64_t t);

/* Takes one token from slot's rate limit: 1, or 0 when the bucket is empty. */
int hsm_keystore_take_token(hsm_keystore *ks, int slot);

/* Wipes every cached key (e.g. before the store goes out of scope). */
void hsm_keystore_wipe(hsm_keystore *ks);

#endif
