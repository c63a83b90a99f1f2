#include "m3_semihost.h"

#define SYS_WRITE0 0x04
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

/* A semihosting call: operation in r0, argument in r1, "bkpt 0xab" on M
 * profile cores; the result comes back in r0. */
static uintptr_t semihost(uintptr_t op, const void *arg)
{
	register uintptr_t r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;

	__asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

void m3_puts(const char *s)
{
	semihost(SYS_WRITE0, s);
}

void m3_puthex(const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char chunk[65];

	while (n > 0) {
		size_t k = n < 32 ? n : 32;

		for (size_t i = 0; i < k; i++) {
			chunk[2 * i] = digits[p[i] >> 4];
			chunk[2 * i + 1] = digits[p[i] & 15];
		}
		chunk[2 * k] = '\0';
		m3_puts(chunk);
		p += k;
		n -= k;
	}
}

_Noreturn void m3_exit(int status)
{
	/* SYS_EXIT_EXTENDED carries an exit status; plain SYS_EXIT does not
	 * on 32-bit ARM. */
	const uintptr_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uintptr_t)status };

	semihost(SYS_EXIT_EXTENDED, block);
	for (;;)
		;
}
