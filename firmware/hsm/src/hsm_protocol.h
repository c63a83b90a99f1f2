/* The serial protocol (docs/serial-protocol.md), as a state machine fed one byte at a
 * time: any read size works, and the NUL byte is the only framing (a
 * stalled half-request just waits; it is never taken as complete).
 *
 * Each complete request gets exactly one reply line, passed whole to the
 * reply callback, in order. Two inputs get none: an empty request (a lone
 * NUL, which a host may send to resynchronise) and whitespace (CR, LF,
 * space, tab) before a request's first byte, which is skipped.
 *
 * A compact frame ("D <tag> <base> <crc> <edit script>") is decoded as it
 * arrives (hsm_delta.h) into the request buffer, from the port's reference:
 * the last request rebuilt from a compact frame, kept at the end of that
 * same buffer while other requests use its start. The rebuilt request must
 * be a SIGN-AWS-V2 or SIGN-AWS-V4; it is then read, checked and signed as
 * if it had come whole, and its reply carries the tag. */
#ifndef HSM_PROTOCOL_H
#define HSM_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "hsm_delta.h"
#include "hsm_keystore.h"

#define HSM_FIRMWARE_VERSION "awsv2-hsm/0.1.0"
#define HSM_REQUEST_MAX 8192 /* bytes before the NUL */
#define HSM_NONCE_MAX 64
/* The word PONG adds after the version when the key store is faulty. */
#define HSM_STORE_FAULT "store-fault"
/* The word PONG adds after the version when compact frames are taken. */
#define HSM_FEATURE_DELTA "delta"
/* The longest header of a compact frame: "D", three words, four spaces. */
#define HSM_DELTA_HEADER_MAX 40
/* The longest reply is KEYS with every slot holding a maximal id. */
#define HSM_REPLY_MAX (sizeof "KEYS \n" + HSM_MAX_KEYS * (HSM_ID_MAX + 1))

/* Receives one reply: len bytes ending in '\n' (not NUL-terminated). */
typedef void (*hsm_reply_fn)(void *ctx, const char *line, size_t len);

/* The request being answered, for a reply callback that wants it (the
 * emulator's model of signing time, logs). */
typedef enum hsm_command {
	HSM_CMD_INVALID,   /* unknown, or too long to read */
	HSM_CMD_SIGN,
	HSM_CMD_PING,
	HSM_CMD_KEYS,
	HSM_CMD_PUT_KEY,
	HSM_CMD_DELETE_KEY,
	HSM_CMD_LOCK,
	HSM_CMD_SIGN4,     /* SIGN-AWS-V4 */
	HSM_CMD_POLICY,
	HSM_CMD_AUDIT,
	HSM_CMD_AUDIT_MODE,
	HSM_CMD_DERIVE4    /* DERIVE-AWS-V4 */
} hsm_command;

typedef struct hsm_protocol {
	hsm_keystore *ks;
	hsm_reply_fn reply;
	void *reply_ctx;
	size_t len;        /* bytes of the current request in buf */
	uint8_t overflow;  /* the current request is over HSM_REQUEST_MAX */
	uint8_t frame;     /* what the current request's bytes are (hsm_protocol.c) */
	uint8_t no_delta;  /* refuse compact frames, as older firmware (the emulator) */
	hsm_command cmd;   /* set before the reply callback is called */
	uint32_t tag;      /* the compact frame being answered, 0 for none */
	uint32_t crc;      /* its CRC-32 (of "D <tag> <base> ", then the request) */
	uint32_t crc_head; /* the CRC-32 of its "D <tag> <base> " */
	const char *delta_error;  /* why its request cannot be rebuilt */
	uint32_t ref_tag;  /* the reference's tag, 0 for none */
	size_t ref_len;    /* it is the last ref_len bytes of buf */
	hsm_delta delta;
	char buf[HSM_REQUEST_MAX];
	char out[HSM_REPLY_MAX];
} hsm_protocol;

void hsm_protocol_init(hsm_protocol *p, hsm_keystore *ks, hsm_reply_fn reply, void *reply_ctx);
void hsm_protocol_byte(hsm_protocol *p, uint8_t b);
void hsm_protocol_feed(hsm_protocol *p, const void *data, size_t n);

#endif
