/* Wiping secrets in the HSM core. */
#include <string.h>

#include "hsm_util.h"

void hsm_wipe(void *p, size_t n)
{
#if defined(__GNUC__)
	/* memset at full speed; the empty asm that "reads" p keeps the
	 * compiler from dropping the stores as dead. */
	memset(p, 0, n);
	__asm__ __volatile__("" : : "r"(p) : "memory");
#else
	volatile uint8_t *v = p;

	while (n--)
		*v++ = 0;
#endif
}
