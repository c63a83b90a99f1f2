/* The audit log's ring and checkpoints (see hsm_audit.h).
 *
 * Checkpoint page:
 *   0..3   magic "AWA1"     4..7  counter (little-endian; the larger wins)
 *   8..11  next sequence number   12..15  first number not reserved
 *   16     strict mode            17..48  chain value after record next-1
 *   CHECK  SHA-256 of everything before it */
#include <string.h>

#include "hsm_audit.h"
#include "hsm_sha256.h"
#include "hsm_util.h"

#define CHECK (HSM_PAGE_SIZE - HSM_SHA256_DIGEST)

static const uint8_t magic[4] = { 'A', 'W', 'A', '1' };

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void digest(const uint8_t *page, uint8_t out[HSM_SHA256_DIGEST])
{
	hsm_sha256_ctx c;

	hsm_sha256_init(&c);
	hsm_sha256_update(&c, page, CHECK);
	hsm_sha256_final(&c, out);
}

static int valid(const uint8_t page[HSM_PAGE_SIZE])
{
	uint8_t sum[HSM_SHA256_DIGEST];

	if (memcmp(page, magic, 4) != 0)
		return 0;
	digest(page, sum);
	return memcmp(sum, page + CHECK, sizeof sum) == 0;
}

/* Writes the state to the page after the last checkpoint's (torn, the
 * other one still stands): 0, or -1 with fault set. */
static int checkpoint(hsm_audit *a, uint32_t reserved, int strict)
{
	const hsm_storage *s = a->storage;
	uint8_t page[HSM_PAGE_SIZE];
	unsigned p = a->page + (a->counter + 1) % 2;

	memset(page, 0, sizeof page);
	memcpy(page, magic, 4);
	put32(page + 4, a->counter + 1);
	put32(page + 8, a->next);
	put32(page + 12, reserved);
	page[16] = (uint8_t)strict;
	memcpy(page + 17, a->chain, AWSV2__AUDIT_HASH);
	digest(page, page + CHECK);
	if (s->erase(s->ctx, p) != 0 || s->write(s->ctx, p, page) != 0) {
		a->fault = 1;
		return -1;
	}
	a->counter++;
	a->reserved = reserved;
	a->strict = (uint8_t)strict;
	return 0;
}

void hsm_audit_start(hsm_audit *a, const hsm_storage *storage, unsigned page)
{
	uint8_t buf[2][HSM_PAGE_SIZE];
	int best = -1;
	char fields[32 + 64];
	size_t n;

	if (a->started)
		return;
	memset(a, 0, sizeof *a);
	a->storage = storage;
	a->page = page;
	a->started = 1;
	for (int i = 0; i < 2; i++)
		if (storage->read(storage->ctx, page + (unsigned)i, buf[i]) == 0 && valid(buf[i])
		    && (best < 0 || get32(buf[i] + 4) - get32(buf[best] + 4) < 0x80000000u))
			best = i;
	if (best >= 0) {
		/* Past every number the last power-up may have used. */
		a->counter = get32(buf[best] + 4);
		a->next = get32(buf[best] + 12);
		a->strict = buf[best][16];
		memcpy(a->chain, buf[best] + 17, AWSV2__AUDIT_HASH);
		/* the page that is not the newest is written next */
		if ((a->counter + 1) % 2 != (unsigned)(1 - best))
			a->counter++;
	}
	a->first = a->unread = a->next;
	checkpoint(a, a->next + HSM_AUDIT_RESERVE, a->strict);
	n = (size_t)(sizeof "- 0 - - restart " - 1);
	memcpy(fields, "- 0 - - restart ", n);
	awsv2__hex_encode(a->chain, AWSV2__AUDIT_HASH, fields + n);
	hsm_audit_add(a, fields, n + 64);
}

int hsm_audit_reserve(hsm_audit *a)
{
	return a->next < a->reserved || checkpoint(a, a->next + HSM_AUDIT_RESERVE, a->strict) == 0;
}

int hsm_audit_full(const hsm_audit *a)
{
	return a->strict && a->next - a->unread >= HSM_AUDIT_RING;
}

/* Writes v in decimal; returns its length. */
static size_t decimal(uint32_t v, char *out)
{
	char tmp[10];
	size_t n = 0, i = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		out[i++] = tmp[--n];
	return i;
}

void hsm_audit_add(hsm_audit *a, const char *fields, size_t n)
{
	hsm_audit_rec *r = &a->ring[a->next % HSM_AUDIT_RING];
	size_t len;

	len = decimal(a->next, r->text);
	r->text[len++] = ' ';
	if (n > HSM_AUDIT_TEXT - len)
		n = HSM_AUDIT_TEXT - len;  /* cannot happen: the fields are bounded */
	memcpy(r->text + len, fields, n);
	r->len = (uint16_t)(len + n);
	awsv2__audit_chain(a->chain, r->text, r->len, r->chain);
	memcpy(a->chain, r->chain, AWSV2__AUDIT_HASH);
	a->next++;
}

size_t hsm_audit_read(hsm_audit *a, uint32_t seq, char *out)
{
	uint32_t oldest = a->next - a->first > HSM_AUDIT_RING ? a->next - HSM_AUDIT_RING : a->first;
	const hsm_audit_rec *r = &a->ring[seq % HSM_AUDIT_RING];
	size_t n;

	if (seq > a->next)
		return 0;
	if (seq == a->next) {
		memcpy(out, "AUDIT-END ", 10);
		n = 10 + decimal(seq, out + 10);
		out[n++] = ' ';
		awsv2__hex_encode(a->chain, AWSV2__AUDIT_HASH, out + n);
		a->unread = seq;
		return n + 64;
	}
	/* overwritten in the ring, or lost with the power before a restart */
	if (seq < oldest) {
		memcpy(out, "AUDIT-GAP ", 10);
		return 10 + decimal(oldest, out + 10);
	}
	memcpy(out, "AUDIT ", 6);
	memcpy(out + 6, r->text, r->len);
	n = 6 + r->len;
	out[n++] = ' ';
	awsv2__hex_encode(r->chain, AWSV2__AUDIT_HASH, out + n);
	if (seq + 1 > a->unread)
		a->unread = seq + 1;
	return n + 64;
}

int hsm_audit_set_mode(hsm_audit *a, int strict)
{
	return checkpoint(a, a->reserved, strict);
}
