/* Key records in storage pages, and the cache of precomputed HMAC keys.
 *
 * Record layout (one page):
 *   0..3   magic: "AWK1" a key, "AWL1" the lock
 *   4      id length        5  secret length      6..7  zero
 *   8..    id, then secret (DATA_MAX bytes in all), zero-filled
 *   CHECK  SHA-256 of everything before it
 * Every update erases the page, then programs it; a failure or a power cut
 * in between leaves a page whose checksum fails, which reads as empty. */
#include <string.h>

#include "hsm_keystore.h"
#include "hsm_sha256.h"
#include "hsm_util.h"

#define HDR 8
#define CHECK (HSM_PAGE_SIZE - HSM_SHA256_DIGEST)
#define DATA_MAX (CHECK - HDR)
#define LOCK_PAGE 0u

_Static_assert(HSM_ID_MAX + HSM_SECRET_MAX <= DATA_MAX, "a key record must fit a page");

static const uint8_t key_magic[4] = { 'A', 'W', 'K', '1' };
static const uint8_t lock_magic[4] = { 'A', 'W', 'L', '1' };

static void seal(uint8_t page[HSM_PAGE_SIZE])
{
	hsm_sha256_ctx c;

	hsm_sha256_init(&c);
	hsm_sha256_update(&c, page, CHECK);
	hsm_sha256_final(&c, page + CHECK);
	hsm_wipe(&c, sizeof c);
}

static int sealed(const uint8_t page[HSM_PAGE_SIZE], const uint8_t magic[4])
{
	uint8_t sum[HSM_SHA256_DIGEST];
	hsm_sha256_ctx c;
	uint8_t diff = 0;

	if (memcmp(page, magic, 4) != 0)
		return 0;
	hsm_sha256_init(&c);
	hsm_sha256_update(&c, page, CHECK);
	hsm_sha256_final(&c, sum);
	hsm_wipe(&c, sizeof c);
	for (size_t i = 0; i < sizeof sum; i++)
		diff |= sum[i] ^ page[CHECK + i];
	return diff == 0;
}

static int slot_is(const hsm_ks_entry *e, const char *id, size_t len)
{
	return e->used && e->id_len == len && memcmp(e->id, id, len) == 0;
}

static int find_slot(const hsm_keystore *ks, const char *id, size_t len)
{
	for (int i = 0; i < HSM_MAX_KEYS; i++)
		if (slot_is(&ks->slot[i], id, len))
			return i;
	return -1;
}

static void fill_entry(hsm_ks_entry *e, const char *id, size_t id_len,
		       const uint8_t *secret, size_t secret_len)
{
	e->used = 1;
	e->id_len = (uint8_t)id_len;
	memcpy(e->id, id, id_len);
	hsm_hmac_key_init(&e->sha1, HSM_SHA1, secret, secret_len);
	hsm_hmac_key_init(&e->sha256, HSM_SHA256, secret, secret_len);
}

/* Caches the key in a page already read, if it is a valid record of an id
 * not cached yet (a duplicate cannot be written, but is ignored if found). */
static void load_key_page(hsm_keystore *ks, int i, const uint8_t page[HSM_PAGE_SIZE])
{
	size_t id_len = page[4], secret_len = page[5];
	const char *id = (const char *)page + HDR;

	if (!sealed(page, key_magic) || !awsv2__key_id_valid(id, id_len)
	    || secret_len == 0 || secret_len > HSM_SECRET_MAX || find_slot(ks, id, id_len) >= 0)
		return;
	fill_entry(&ks->slot[i], id, id_len, page + HDR + id_len, secret_len);
}

/* Makes the cache of slot i (or the lock flag, i < 0) agree with storage:
 * used after a failed update, when the page's state is unknown. */
static hsm_ks_status reload(hsm_keystore *ks, int i)
{
	uint8_t page[HSM_PAGE_SIZE];
	unsigned p = i < 0 ? LOCK_PAGE : (unsigned)i + 1;
	int ok = ks->storage->read(ks->storage->ctx, p, page) == 0;

	if (i < 0) {
		ks->locked = ok && sealed(page, lock_magic);
	} else {
		hsm_wipe(&ks->slot[i], sizeof ks->slot[i]);
		if (ok)
			load_key_page(ks, i, page);
	}
	hsm_wipe(page, sizeof page);
	return ok ? HSM_KS_OK : HSM_KS_STORAGE;
}

hsm_ks_status hsm_keystore_load(hsm_keystore *ks, const hsm_storage *storage)
{
	hsm_ks_status st = HSM_KS_OK;

	memset(ks, 0, sizeof *ks);
	ks->storage = storage;
	if (reload(ks, -1) != HSM_KS_OK)
		st = HSM_KS_STORAGE;
	for (int i = 0; i < HSM_MAX_KEYS; i++)
		if (reload(ks, i) != HSM_KS_OK)
			st = HSM_KS_STORAGE;
	return st;
}

/* Erases page p and programs it with page (when not NULL). */
static int store(hsm_keystore *ks, unsigned p, const uint8_t *page)
{
	const hsm_storage *s = ks->storage;

	if (s->erase(s->ctx, p) != 0)
		return -1;
	return page ? s->write(s->ctx, p, page) : 0;
}

hsm_ks_status hsm_keystore_put(hsm_keystore *ks, const char *id, size_t id_len,
			       const uint8_t *secret, size_t secret_len)
{
	uint8_t page[HSM_PAGE_SIZE];
	int i, rc;

	if (!awsv2__key_id_valid(id, id_len))
		return HSM_KS_INVALID_ID;
	if (secret_len == 0 || secret_len > HSM_SECRET_MAX)
		return HSM_KS_INVALID_SECRET;
	if (ks->locked)
		return HSM_KS_LOCKED;
	if (find_slot(ks, id, id_len) >= 0)
		return HSM_KS_EXISTS;
	for (i = 0; i < HSM_MAX_KEYS && ks->slot[i].used; i++)
		;
	if (i == HSM_MAX_KEYS)
		return HSM_KS_FULL;
	memset(page, 0, sizeof page);
	memcpy(page, key_magic, 4);
	page[4] = (uint8_t)id_len;
	page[5] = (uint8_t)secret_len;
	memcpy(page + HDR, id, id_len);
	memcpy(page + HDR + id_len, secret, secret_len);
	seal(page);
	rc = store(ks, (unsigned)i + 1, page);
	hsm_wipe(page, sizeof page);
	if (rc != 0) {
		reload(ks, i);
		return HSM_KS_STORAGE;
	}
	fill_entry(&ks->slot[i], id, id_len, secret, secret_len);
	return HSM_KS_OK;
}

hsm_ks_status hsm_keystore_delete(hsm_keystore *ks, const char *id, size_t id_len)
{
	int i = find_slot(ks, id, id_len);

	if (ks->locked)
		return HSM_KS_LOCKED;
	if (i < 0)
		return HSM_KS_UNKNOWN;
	if (store(ks, (unsigned)i + 1, NULL) != 0) {
		reload(ks, i);
		return HSM_KS_STORAGE;
	}
	hsm_wipe(&ks->slot[i], sizeof ks->slot[i]);
	return HSM_KS_OK;
}

hsm_ks_status hsm_keystore_lock(hsm_keystore *ks)
{
	uint8_t page[HSM_PAGE_SIZE];

	if (ks->locked)
		return HSM_KS_OK;
	memset(page, 0, sizeof page);
	memcpy(page, lock_magic, 4);
	seal(page);
	if (store(ks, LOCK_PAGE, page) != 0) {
		reload(ks, -1);
		return HSM_KS_STORAGE;
	}
	ks->locked = 1;
	return HSM_KS_OK;
}

const hsm_hmac_key *hsm_keystore_find(const hsm_keystore *ks, const char *id, size_t id_len,
				      hsm_hash h)
{
	int i = find_slot(ks, id, id_len);

	if (i < 0)
		return NULL;
	return h == HSM_SHA1 ? &ks->slot[i].sha1 : &ks->slot[i].sha256;
}

void hsm_keystore_wipe(hsm_keystore *ks)
{
	hsm_wipe(ks->slot, sizeof ks->slot);
}
