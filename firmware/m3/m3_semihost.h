/* The few services the Cortex-M3 test programs need from the host, through
 * ARM semihosting (QEMU: -semihosting-config enable=on,target=native). */
#ifndef M3_SEMIHOST_H
#define M3_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/* Writes a NUL-terminated string to QEMU's standard output. */
void m3_puts(const char *s);
/* Writes n bytes as lower-case hex. */
void m3_puthex(const uint8_t *p, size_t n);
/* Ends the emulation; QEMU exits with status. */
_Noreturn void m3_exit(int status);

#endif
