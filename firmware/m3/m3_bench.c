/* What make m3-bench measures under QEMU: each measurement runs between a
 * call to m3_mark_start and one to m3_mark_end, and m3-bench.sh counts the
 * instructions executed in between (one per trace line with one
 * instruction per translation block). Measurements, in this order:
 *   0. nothing: the markers' own cost, subtracted from the others;
 *   1. and 2. a two-instruction loop run 1000 and 2000 times: the
 *      difference must be exactly 2000, which checks the counting;
 *   3. HMAC-SHA1 and 4. HMAC-SHA256 of a 1 KiB message, with the key's
 *      inner and outer states prepared before the markers, as the key
 *      store does once per key. */
#include <stdint.h>
#include <string.h>

#include "hsm_hmac.h"
#include "m3_semihost.h"

/* noipa: neither inlined nor merged with each other, so each has its own
 * address for the trace to find. */
__attribute__((noipa)) void m3_mark_start(void)
{
	__asm__ volatile("" ::: "memory");
}

__attribute__((noipa)) void m3_mark_end(void)
{
	__asm__ volatile("nop" ::: "memory");
}

/* Exactly 2 * n instructions in the loop. */
__attribute__((noipa)) static void spin(uint32_t n)
{
	__asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
}

static uint8_t msg[1024];
static uint8_t digest[HSM_HMAC_MAX];

static void bench_hmac(hsm_hash h)
{
	static const char secret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
	hsm_hmac_key k;

	hsm_hmac_key_init(&k, h, (const uint8_t *)secret, sizeof secret - 1);
	m3_mark_start();
	hsm_hmac(&k, msg, sizeof msg, digest);
	m3_mark_end();
	hsm_hmac_key_wipe(&k);
}

int main(void)
{
	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)(i * 7 + 1);
	m3_mark_start();
	m3_mark_end();
	m3_mark_start();
	spin(1000);
	m3_mark_end();
	m3_mark_start();
	spin(2000);
	m3_mark_end();
	bench_hmac(HSM_SHA1);
	bench_hmac(HSM_SHA256);
	return 0;
}
