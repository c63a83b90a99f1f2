/* The edit script of a compact (D) frame (docs/serial-protocol.md,
 * "Compact frames"), decoded one byte at a time as it arrives: a request
 * rebuilt from the reference (the last request the device rebuilt on the
 * same port) and the script, in place, in the one buffer that holds the
 * reference at its end. Portable, allocation-free; one decoder per port.
 *
 * The script is a run of edits applied to the reference from its start:
 *   <n>=          copy the next n bytes of the reference
 *   <n>-          skip (drop) the next n bytes of the reference
 *   <n>+<n bytes> insert the n bytes that follow (any byte but NUL)
 * n is decimal, 1 to HSM_DELTA_COUNT_MAX, without a leading zero. When the
 * script ends, the rest of the reference is copied.
 *
 * The request is written from the buffer's start; a byte that would land
 * on a byte of the reference not yet read fails the frame (TOO_LONG). A
 * reference and a request that together fit in the buffer never do. */
#ifndef HSM_DELTA_H
#define HSM_DELTA_H

#include <stddef.h>
#include <stdint.h>

#define HSM_DELTA_COUNT_MAX 65535u

typedef enum hsm_delta_status {
	HSM_DELTA_OK,
	HSM_DELTA_INVALID,   /* not an edit script, or past the reference's end */
	HSM_DELTA_TOO_LONG   /* the request would not fit beside the reference */
} hsm_delta_status;

typedef struct hsm_delta {
	char *buf;
	size_t cap, len;   /* the buffer's size; the request's bytes so far */
	size_t ref_at, ref_len, ref_pos;
	uint32_t n;        /* the count being read, or literal bytes still due */
	uint8_t state;
	hsm_delta_status status;
} hsm_delta;

/* Starts decoding into buf (cap bytes), the reference being buf[ref_at,
 * ref_at + ref_len) (ref_len 0: none). buf must outlive d. */
void hsm_delta_start(hsm_delta *d, char *buf, size_t cap, size_t ref_at, size_t ref_len);

/* Takes the script's next byte (never a NUL: that ends the frame). After a
 * failure the rest is ignored. */
void hsm_delta_byte(hsm_delta *d, uint8_t b);

/* Ends the script: copies the rest of the reference. HSM_DELTA_OK with
 * the request's length in *len, or why it cannot be rebuilt. */
hsm_delta_status hsm_delta_finish(hsm_delta *d, size_t *len);

/* CRC-32 (ISO-HDLC: zlib's crc32, reflected 0xEDB88320); start with 0. */
uint32_t hsm_crc32(uint32_t crc, const void *data, size_t n);

#endif
