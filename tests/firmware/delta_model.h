/* A reference model of the compact frame's edit script (hsm_delta.h), for
 * test_due_delta and fuzz_delta, and how both drive the real decoder
 * (delta_decode). */
#ifndef DELTA_MODEL_H
#define DELTA_MODEL_H

#include <stdint.h>
#include <string.h>

#include "hsm_delta.h"

/* The model, written from the contract in docs/serial-protocol.md: a
 * whole script at once, separate buffers, and the in-place rule checked by
 * arithmetic rather than by where the bytes land. Returns what
 * hsm_delta_finish must: HSM_DELTA_OK and the request in out[*len], or the
 * first failure. */
static inline hsm_delta_status delta_model(const char *ref, size_t rlen, const char *script,
					   size_t slen, size_t cap, char *out, size_t *len)
{
	size_t at = 0, pos = 0, o = 0, room = cap - rlen; /* the reference starts at room */

	while (at < slen) {
		unsigned long v = 0;
		size_t d = at;

		while (d < slen && script[d] >= '0' && script[d] <= '9') {
			v = v * 10 + (unsigned long)(script[d] - '0');
			if ((d == at && script[d] == '0') || v > HSM_DELTA_COUNT_MAX)
				return HSM_DELTA_INVALID;
			d++;
		}
		if (d == at || d == slen)
			return HSM_DELTA_INVALID;
		if (script[d] == '=' || script[d] == '-') {
			if (v > rlen - pos)
				return HSM_DELTA_INVALID;
			if (script[d] == '=') {
				/* its bytes go before the unread reference, or none is left */
				if (v > cap - o || (rlen - pos - v > 0 && o > room + pos))
					return HSM_DELTA_TOO_LONG;
				memcpy(out + o, ref + pos, v);
				o += v;
			}
			pos += v;
			at = d + 1;
		} else if (script[d] == '+') {
			for (size_t k = 0; k < v; k++) {
				if (d + 1 + k >= slen)
					return HSM_DELTA_INVALID;
				if (o + 1 > cap || (rlen - pos > 0 && o + 1 > room + pos))
					return HSM_DELTA_TOO_LONG;
				out[o++] = script[d + 1 + k];
			}
			at = d + 1 + v;
		} else {
			return HSM_DELTA_INVALID;
		}
	}
	if (rlen - pos > cap - o)
		return HSM_DELTA_TOO_LONG;
	memcpy(out + o, ref + pos, rlen - pos);
	*len = o + rlen - pos;
	return HSM_DELTA_OK;
}

/* The real decoder (hsm_delta.c) as the device runs it: ref placed at the
 * end of buf's first cap bytes, script s fed a byte at a time. Returns what
 * hsm_delta_finish does; the request is at buf[0..*len). */
static inline hsm_delta_status delta_decode(char *buf, const char *ref, size_t rlen, const char *s,
					    size_t n, size_t cap, size_t *len)
{
	hsm_delta d;

	memcpy(buf + cap - rlen, ref, rlen);
	hsm_delta_start(&d, buf, cap, cap - rlen, rlen);
	for (size_t i = 0; i < n; i++)
		hsm_delta_byte(&d, (uint8_t)s[i]);
	return hsm_delta_finish(&d, len);
}

#endif
