/* Decoding a compact frame's edit script (hsm_delta.h). */
#include <string.h>

#include "hsm_delta.h"

enum { COUNT, LITERAL, FAILED };

void hsm_delta_start(hsm_delta *d, char *buf, size_t cap, size_t ref_at, size_t ref_len)
{
	memset(d, 0, sizeof *d);
	d->buf = buf;
	d->cap = cap;
	d->ref_at = ref_at;
	d->ref_len = ref_len;
	d->state = COUNT;
}

static void fail(hsm_delta *d, hsm_delta_status st)
{
	d->state = FAILED;
	d->status = st;
}

/* Appends n bytes: the reference's next ones (src NULL) or src's. Each
 * must land before the reference's first unread byte, unless no unread
 * byte would be left. */
static void emit(hsm_delta *d, const char *src, size_t n)
{
	size_t unread = d->ref_at + d->ref_pos;
	size_t left = d->ref_len - d->ref_pos - (src ? 0 : n);

	if (n > d->cap - d->len || (left && d->len + (src ? n : 0) > unread)) {
		fail(d, HSM_DELTA_TOO_LONG);
		return;
	}
	if (src) {
		memcpy(d->buf + d->len, src, n);
	} else {
		memmove(d->buf + d->len, d->buf + unread, n);
		d->ref_pos += n;
	}
	d->len += n;
}

/* The edit that ends a count. */
static void edit(hsm_delta *d, uint8_t op)
{
	size_t left = d->ref_len - d->ref_pos;

	if (d->n == 0) {
		fail(d, HSM_DELTA_INVALID);
	} else if (op == '+') {
		d->state = LITERAL;
	} else if ((op == '=' || op == '-') && d->n > left) {
		fail(d, HSM_DELTA_INVALID);
	} else if (op == '=') {
		emit(d, NULL, d->n);
		d->n = 0;
	} else if (op == '-') {
		d->ref_pos += d->n;
		d->n = 0;
	} else {
		fail(d, HSM_DELTA_INVALID);
	}
}

void hsm_delta_byte(hsm_delta *d, uint8_t b)
{
	char c = (char)b;

	switch (d->state) {
	case COUNT:
		if (b < '0' || b > '9') {
			edit(d, b);
		} else if ((d->n == 0 && b == '0')
			   || d->n * 10 + (uint32_t)(b - '0') > HSM_DELTA_COUNT_MAX) {
			fail(d, HSM_DELTA_INVALID);  /* a leading zero, or too large */
		} else {
			d->n = d->n * 10 + (uint32_t)(b - '0');
		}
		break;
	case LITERAL:
		emit(d, &c, 1);
		if (d->state == LITERAL && --d->n == 0)
			d->state = COUNT;
		break;
	default:
		break;
	}
}

hsm_delta_status hsm_delta_finish(hsm_delta *d, size_t *len)
{
	/* a script cut inside a count or a literal */
	if (d->state == LITERAL || (d->state == COUNT && d->n != 0))
		fail(d, HSM_DELTA_INVALID);
	if (d->state != FAILED)
		emit(d, NULL, d->ref_len - d->ref_pos);
	if (d->state == FAILED)
		return d->status;
	*len = d->len;
	return HSM_DELTA_OK;
}

/* Four bits at a time: a 64-byte table rather than 1 KiB of flash. */
uint32_t hsm_crc32(uint32_t crc, const void *data, size_t n)
{
	static const uint32_t t[16] = {
		0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
		0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
		0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
	};
	const uint8_t *p = data;

	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ t[crc & 15];
		crc = (crc >> 4) ^ t[crc & 15];
	}
	return ~crc;
}
