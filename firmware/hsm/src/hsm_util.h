/* Wiping secrets in the HSM core (hex and the string-to-sign rules are in
 * awsv2_sts.h, shared with the host). */
#ifndef HSM_UTIL_H
#define HSM_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Zeroes n bytes in a way the compiler cannot drop as dead stores, even
 * when the memory is about to go out of scope. */
void hsm_wipe(void *p, size_t n);

#endif
