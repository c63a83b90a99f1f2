/* Compact frames (docs/serial-protocol.md): the device's edit-script
 * decoder (firmware/hsm/src/hsm_delta.c) against the reference model of
 * tests/firmware/delta_model.h, and the host's encoder
 * (backends/due_delta.c) against that decoder.
 *
 * Input: a mode byte, the reference, \x01, then a script (even mode) or a
 * new request (odd mode). Even: the decoder, fed the script a byte at a
 * time into a buffer of the reference's length plus (mode / 2) bytes that
 * holds the reference at its end, must fail exactly as the model says or
 * rebuild exactly its request. Odd: the encoder's script for the request
 * must be at most AWSV2__DUE_DELTA_SLACK bytes longer than it and must
 * rebuild it, in the device's 8192-byte buffer, whenever the reference and
 * the request fit there together. */
#include <string.h>

#include "delta_model.h"
#include "due_delta.h"
#include "fuzz.h"
#include "hsm_delta.h"

#define ROOM 8192

static char buf[ROOM + 256], model[ROOM + 256], script[ROOM + AWSV2__DUE_DELTA_SLACK];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    unsigned mode = fuzz_byte(&in);
    size_t rlen, n, len = 0, mlen = 0;
    const char *ref = (const char *)fuzz_field(&in, 1, &rlen);
    const char *s = (const char *)fuzz_field(&in, 0xff, &n);

    if (rlen > ROOM || n > ROOM || memchr(s, '\0', n))
        return 0; /* a NUL ends a frame; the request holds none */
    if (mode % 2 == 0) {
        size_t cap = rlen + mode / 2;
        hsm_delta_status want = delta_model(ref, rlen, s, n, cap, model, &mlen);
        hsm_delta_status got = delta_decode(buf, ref, rlen, s, n, cap, &len);
        FUZZ_ASSERT(got == want);
        FUZZ_ASSERT(got != HSM_DELTA_OK || (len == mlen && memcmp(buf, model, len) == 0));
        return 0;
    }
    size_t k = awsv2__due_delta_script(ref, rlen, s, n, script);
    FUZZ_ASSERT(k <= n + AWSV2__DUE_DELTA_SLACK);
    FUZZ_ASSERT(memchr(script, '\0', k) == NULL);
    if (rlen + n <= ROOM) {
        FUZZ_ASSERT(delta_decode(buf, ref, rlen, script, k, ROOM, &len) == HSM_DELTA_OK);
        FUZZ_ASSERT(len == n && memcmp(buf, s, n) == 0);
    }
    return 0;
}
