/* Key records in storage pages, and the cache of precomputed HMAC keys.
 *
 * Record layout (one page):
 *   0..3   magic: "AWK1" a key, "AWL1" the lock
 *   4      id length        5  secret length
 *   6      1 when the key has a policy page, else 0      7  zero
 *   8..    id, then secret (DATA_MAX bytes in all), zero-filled
 *   CHECK  SHA-256 of everything before it (a key with a policy: of that
 *          and then the whole policy page, which binds the two)
 * Policy page of slot i (HSM_POLICY_PAGE(i)): magic "AWP1", the text's
 * length at 4, zero to 7, the text from 8, zero-filled, and its own seal.
 * Every update erases the page, then programs it; a failure or a power cut
 * in between leaves a page whose checksum fails: a key page then reads as
 * empty, and page 0, unlocked only when wholly erased, as a fault. */
#include <string.h>

#include "hsm_keystore.h"
#include "hsm_sha256.h"
#include "hsm_sigv4.h"
#include "hsm_util.h"

#define HDR 8
#define CHECK (HSM_PAGE_SIZE - HSM_SHA256_DIGEST)
#define DATA_MAX (CHECK - HDR)
#define LOCK_PAGE 0u

_Static_assert(HSM_ID_MAX + HSM_SECRET_MAX <= DATA_MAX, "a key record must fit a page");

static const uint8_t key_magic[4] = { 'A', 'W', 'K', '1' };
static const uint8_t lock_magic[4] = { 'A', 'W', 'L', '1' };
static const uint8_t policy_magic[4] = { 'A', 'W', 'P', '1' };

/* The seal of a key page: of the page, and of its policy page if any. */
static void key_seal(const uint8_t page[HSM_PAGE_SIZE], const uint8_t *policy,
		     uint8_t out[HSM_SHA256_DIGEST])
{
	hsm_sha256_ctx c;

	hsm_sha256_init(&c);
	hsm_sha256_update(&c, page, CHECK);
	if (policy)
		hsm_sha256_update(&c, policy, HSM_PAGE_SIZE);
	hsm_sha256_final(&c, out);
	hsm_wipe(&c, sizeof c);
}

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

static int erased(const uint8_t page[HSM_PAGE_SIZE])
{
	uint8_t all = 0xFF;

	for (size_t i = 0; i < HSM_PAGE_SIZE; i++)
		all &= page[i];
	return all == 0xFF;
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
	hsm_sigv4_key_init(&e->aws4, secret, secret_len);
}

/* Empties slot i and wipes the signing keys derived from it. */
static void forget(hsm_keystore *ks, int i)
{
	hsm_wipe(&ks->slot[i], sizeof ks->slot[i]);
	for (int c = 0; c < HSM_SIGV4_CACHE; c++)
		if (ks->sigv4[c].used && ks->sigv4[c].slot == i)
			hsm_wipe(&ks->sigv4[c], sizeof ks->sigv4[c]);
}

/* Caches the key in a page already read, if it is a valid record of an id
 * not cached yet (a duplicate cannot be written, but is ignored if found).
 * A key that names a policy page is valid only with that very page. */
static void load_key_page(hsm_keystore *ks, int i, const uint8_t page[HSM_PAGE_SIZE])
{
	size_t id_len = page[4], secret_len = page[5];
	const char *id = (const char *)page + HDR;
	uint8_t policy_page[HSM_PAGE_SIZE], sum[HSM_SHA256_DIGEST], diff = 0;
	awsv2__policy policy;

	memset(&policy, 0, sizeof policy);
	if (memcmp(page, key_magic, 4) != 0 || page[6] > 1 || !awsv2__key_id_valid(id, id_len)
	    || secret_len == 0 || secret_len > HSM_SECRET_MAX || find_slot(ks, id, id_len) >= 0)
		return;
	if (page[6]) {
		if (ks->storage->read(ks->storage->ctx, HSM_POLICY_PAGE(i), policy_page) != 0) {
			ks->fault = 1;
			return;
		}
		if (!sealed(policy_page, policy_magic) || policy_page[4] == 0
		    || awsv2__policy_parse((const char *)policy_page + HDR, policy_page[4], &policy) != 0)
			return;
	}
	key_seal(page, page[6] ? policy_page : NULL, sum);
	for (size_t k = 0; k < sizeof sum; k++)
		diff |= sum[k] ^ page[CHECK + k];
	if (diff != 0)
		return;
	fill_entry(&ks->slot[i], id, id_len, page + HDR + id_len, secret_len);
	ks->slot[i].policy = policy;
	ks->slot[i].tokens = (uint64_t)policy.rate * policy.rate_ms;
}

/* Makes the cache of slot i (or the lock flag, i < 0) agree with storage:
 * at start, and after a failed update, when the page's state is unknown.
 * What cannot be read, and a page 0 that is neither erased nor a lock
 * record (a torn LOCK), is a fault, which no later read clears: a torn
 * lock must never read back as "unlocked". */
static void reload(hsm_keystore *ks, int i)
{
	uint8_t page[HSM_PAGE_SIZE];
	unsigned p = i < 0 ? LOCK_PAGE : (unsigned)i + 1;
	int ok = ks->storage->read(ks->storage->ctx, p, page) == 0;

	if (!ok)
		ks->fault = 1;
	if (i < 0) {
		if (ok && sealed(page, lock_magic))
			ks->locked = 1;
		else if (ok && !erased(page))
			ks->fault = 1;
	} else {
		forget(ks, i);
		if (ok)
			load_key_page(ks, i, page);
	}
	hsm_wipe(page, sizeof page);
}

hsm_ks_status hsm_keystore_load(hsm_keystore *ks, const hsm_storage *storage)
{
	memset(ks, 0, sizeof *ks);
	ks->storage = storage;
	reload(ks, -1);
	for (int i = 0; i < HSM_MAX_KEYS; i++)
		reload(ks, i);
	return ks->fault ? HSM_KS_STORAGE : HSM_KS_OK;
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
	return hsm_keystore_put_policy(ks, id, id_len, secret, secret_len, NULL, 0);
}

hsm_ks_status hsm_keystore_put_policy(hsm_keystore *ks, const char *id, size_t id_len,
				      const uint8_t *secret, size_t secret_len,
				      const char *policy_text, size_t policy_len)
{
	uint8_t page[HSM_PAGE_SIZE], policy_page[HSM_PAGE_SIZE];
	awsv2__policy policy;
	int i, rc = 0;

	if (!awsv2__key_id_valid(id, id_len))
		return HSM_KS_INVALID_ID;
	if (secret_len == 0 || secret_len > HSM_SECRET_MAX)
		return HSM_KS_INVALID_SECRET;
	if (awsv2__policy_parse(policy_text, policy_len, &policy) != 0)
		return HSM_KS_INVALID_POLICY;
	if (ks->fault)
		return HSM_KS_STORAGE;
	if (ks->locked)
		return HSM_KS_LOCKED;
	if (find_slot(ks, id, id_len) >= 0)
		return HSM_KS_EXISTS;
	for (i = 0; i < HSM_MAX_KEYS && ks->slot[i].used; i++)
		;
	if (i == HSM_MAX_KEYS)
		return HSM_KS_FULL;
	if (policy_len) {
		memset(policy_page, 0, sizeof policy_page);
		memcpy(policy_page, policy_magic, 4);
		policy_page[4] = (uint8_t)policy_len;
		memcpy(policy_page + HDR, policy_text, policy_len);
		seal(policy_page);
		/* first: until the key page names it, no key reads this page */
		rc = store(ks, HSM_POLICY_PAGE(i), policy_page);
	}
	memset(page, 0, sizeof page);
	memcpy(page, key_magic, 4);
	page[4] = (uint8_t)id_len;
	page[5] = (uint8_t)secret_len;
	page[6] = policy_len ? 1 : 0;
	memcpy(page + HDR, id, id_len);
	memcpy(page + HDR + id_len, secret, secret_len);
	key_seal(page, policy_len ? policy_page : NULL, page + CHECK);
	if (rc == 0)
		rc = store(ks, (unsigned)i + 1, page);
	hsm_wipe(page, sizeof page);
	if (rc != 0) {
		reload(ks, i);
		return HSM_KS_STORAGE;
	}
	fill_entry(&ks->slot[i], id, id_len, secret, secret_len);
	ks->slot[i].policy = policy;
	ks->slot[i].tokens = (uint64_t)policy.rate * policy.rate_ms;
	ks->slot[i].bucket_ms = hsm_keystore_ms(ks);
	return HSM_KS_OK;
}

hsm_ks_status hsm_keystore_delete(hsm_keystore *ks, const char *id, size_t id_len)
{
	int i = find_slot(ks, id, id_len);

	if (ks->fault)
		return HSM_KS_STORAGE;
	if (ks->locked)
		return HSM_KS_LOCKED;
	if (i < 0)
		return HSM_KS_UNKNOWN;
	if (store(ks, (unsigned)i + 1, NULL) != 0) {
		reload(ks, i);
		return HSM_KS_STORAGE;
	}
	forget(ks, i);
	return HSM_KS_OK;
}

hsm_ks_status hsm_keystore_lock(hsm_keystore *ks)
{
	uint8_t page[HSM_PAGE_SIZE];

	if (ks->fault)
		return HSM_KS_STORAGE;
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

const hsm_hmac_key *hsm_keystore_sigv4(hsm_keystore *ks, const char *id, size_t id_len,
				       const char date[8], const char *region, const char *service)
{
	size_t rlen = strlen(region), slen = strlen(service);
	uint8_t k[HSM_SHA256_DIGEST];
	hsm_sigv4_entry *e;
	int i = find_slot(ks, id, id_len);

	if (i < 0 || rlen > sizeof e->region || slen > sizeof e->service)
		return NULL;
	for (int c = 0; c < HSM_SIGV4_CACHE; c++) {
		e = &ks->sigv4[c];
		if (e->used && e->slot == i && memcmp(e->date, date, 8) == 0
		    && e->region_len == rlen && memcmp(e->region, region, rlen) == 0
		    && e->service_len == slen && memcmp(e->service, service, slen) == 0)
			return &e->key;
	}
	e = &ks->sigv4[ks->sigv4_next];
	ks->sigv4_next = (uint8_t)((ks->sigv4_next + 1) % HSM_SIGV4_CACHE);
	hsm_wipe(e, sizeof *e);
	hsm_sigv4_signing_key(&ks->slot[i].aws4, date, region, service, k);
	hsm_hmac_key_init(&e->key, HSM_SHA256, k, sizeof k);
	hsm_wipe(k, sizeof k);
	e->used = 1;
	e->slot = (uint8_t)i;
	memcpy(e->date, date, 8);
	e->region_len = (uint8_t)rlen;
	memcpy(e->region, region, rlen);
	e->service_len = (uint8_t)slen;
	memcpy(e->service, service, slen);
	return &e->key;
}

int hsm_keystore_slot(const hsm_keystore *ks, const char *id, size_t id_len)
{
	return find_slot(ks, id, id_len);
}

void hsm_keystore_set_clock(hsm_keystore *ks, uint32_t (*tick)(void *ctx), void *ctx)
{
	ks->tick = tick;
	ks->tick_ctx = ctx;
	ks->last_tick = tick(ctx);
}

uint64_t hsm_keystore_ms(hsm_keystore *ks)
{
	if (ks->tick) {
		uint32_t t = ks->tick(ks->tick_ctx);

		/* unsigned: right across the 32-bit tick's wrap (49.7 days) */
		ks->now_ms += (uint32_t)(t - ks->last_tick);
		ks->last_tick = t;
	}
	return ks->now_ms;
}

int64_t hsm_keystore_time(hsm_keystore *ks)
{
	uint64_t now = hsm_keystore_ms(ks);

	return ks->has_time ? ks->anchor_s + (int64_t)((now - ks->anchor_ms) / 1000) : -1;
}

void hsm_keystore_anchor(hsm_keystore *ks, int64_t t)
{
	if (ks->has_time || t < 0)
		return;
	ks->has_time = 1;
	ks->anchor_s = t;
	ks->anchor_ms = hsm_keystore_ms(ks);
}

int hsm_keystore_take_token(hsm_keystore *ks, int slot)
{
	hsm_ks_entry *e = &ks->slot[slot];
	uint64_t now = hsm_keystore_ms(ks);
	/* a token is rate_ms units; rate of them come back every rate_ms */
	uint64_t full = (uint64_t)e->policy.rate * e->policy.rate_ms;

	if (e->policy.rate == 0)
		return 1;
	e->tokens += (now - e->bucket_ms) * e->policy.rate;
	if (e->tokens > full)
		e->tokens = full;
	e->bucket_ms = now;
	if (e->tokens < e->policy.rate_ms)
		return 0;
	e->tokens -= e->policy.rate_ms;
	return 1;
}

void hsm_keystore_wipe(hsm_keystore *ks)
{
	hsm_wipe(ks->slot, sizeof ks->slot);
	hsm_wipe(ks->sigv4, sizeof ks->sigv4);
}
