/* Small helpers of the HSM core: wiping secrets and hex output. */
#ifndef HSM_UTIL_H
#define HSM_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Zeroes n bytes in a way the compiler cannot drop as dead stores, even
 * when the memory is about to go out of scope. */
void hsm_wipe(void *p, size_t n);

/* Writes 2 * n lower-case hex digits of in to out (no terminator). */
void hsm_hex(char *out, const uint8_t *in, size_t n);

#endif
