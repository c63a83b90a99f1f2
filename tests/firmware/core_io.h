/* What the core's protocol tests give hsm_protocol and hsm_keystore: a
 * fake millisecond clock and a reply function that appends every reply to
 * one buffer. Single-threaded, like the tests. */
#ifndef TEST_CORE_IO_H
#define TEST_CORE_IO_H

#include <stddef.h>
#include <stdint.h>

/* The clock's time, set by the tests. */
extern uint32_t fake_ms;
/* The replies since the test last emptied it (replies[0] = '\0'),
 * NUL-terminated, and how many (the test sets it to 0 with it). */
extern char replies[64 * 1024];
extern size_t nreplies;

/* An hsm_keystore clock: fake_ms. */
uint32_t fake_tick(void *ctx);
/* An hsm_reply_fn: appends line to replies (failing the test if it does
 * not fit) and counts it. */
void collect(void *ctx, const char *line, size_t len);

#endif
