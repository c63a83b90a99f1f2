/* The host's side of the Due's compact frames (docs/serial-protocol.md,
 * "Compact frames"): a signing request sent as the edits that turn the
 * previous request on the link (the reference, which the device rebuilt
 * too) into it, with a tag the reply repeats and a CRC-32 of the tag, the
 * reference's tag and the request.
 *
 * Not thread-safe: the link keeps one per port and uses it under its
 * mutex. The reference holds strings to sign, never a secret, but it is
 * wiped when dropped all the same. */
#ifndef AWSV2_DUE_DELTA_H
#define AWSV2_DUE_DELTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "awsv2/status.h"

struct awsv2__due_delta {
    char *ref;         /* the reference the device is thought to hold */
    size_t ref_len, ref_cap;
    uint32_t ref_tag;  /* its frame's tag; 0: none, the next frame is whole */
    uint32_t root;     /* the tag of the whole frame the reference grew from */
    uint32_t next_tag; /* the last tag given (tags run from 1 after a reset) */
};

/* Forgets the reference and restarts the tags: after opening and after
 * every resynchronisation (the device drops its reference on the lone NUL
 * that starts one, and replies before it are gone). */
void awsv2__due_delta_reset(struct awsv2__due_delta *d);
void awsv2__due_delta_free(struct awsv2__due_delta *d);

/* The compact frame of req (len bytes: "SIGN-AWS-V2 ..." or "SIGN-AWS-V4
 * ...", no NUL), without its NUL, into *out (grown as needed; *cap its
 * size; the old buffer is wiped before it is freed). It is diffed against
 * the reference when there is one, and becomes the reference: the device
 * rebuilds and keeps it unless it refuses the frame (then
 * awsv2__due_delta_dropped). *tag is the tag its reply must carry. */
awsv2_status awsv2__due_delta_frame(struct awsv2__due_delta *d, const char *req, size_t len,
                                    char **out, size_t *cap, size_t *out_len, uint32_t *tag,
                                    awsv2_error *err);

/* The device refused frame tag with a code that drops its reference
 * (awsv2__due_delta_code_drops): so does the host, unless a whole frame
 * written after that one already started a new reference. */
void awsv2__due_delta_dropped(struct awsv2__due_delta *d, uint32_t tag);

/* Whether the refusal code of a compact frame means the device holds no
 * reference now; *retry when the request was not read at all (the frame
 * named a reference the device no longer has, or did not rebuild intact)
 * and should go again as a whole frame. */
bool awsv2__due_delta_code_drops(const char *code, bool *retry);

/* A reply line to compact frame tag: "D <tag> ", the reply (in *rest) and
 * " <tag>". False for any other tag at either end: a line spliced from two
 * replies by lost bytes has the first one's head and the second one's tail. */
bool awsv2__due_delta_reply(const char *line, size_t len, uint32_t tag, const char **rest,
                            size_t *rest_len);

/* The device rebuilds a request in place, in the buffer that keeps the
 * reference at its end: a frame names the reference only when both fit. */
#define AWSV2__DUE_DELTA_ROOM 8192

/* The edit script that rebuilds s (n bytes) from ref (rlen bytes), into
 * out, which has room for n + AWSV2__DUE_DELTA_SLACK bytes. Returns its
 * length. Pure; for the encoder above, the tests and the benchmark. */
#define AWSV2__DUE_DELTA_SLACK 16
size_t awsv2__due_delta_script(const char *ref, size_t rlen, const char *s, size_t n, char *out);

/* CRC-32 as zlib's crc32(crc, data, n): start with 0, or continue. */
uint32_t awsv2__due_delta_crc32(uint32_t crc, const void *data, size_t n);

/* Whether a PONG line (after its nonce) advertises compact frames. */
bool awsv2__due_delta_in_pong(const char *line, size_t len);

#endif
