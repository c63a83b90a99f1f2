/* The core's clock and reply function for tests (see core_io.h). */
#include <check.h>
#include <string.h>

#include "core_io.h"

uint32_t fake_ms;
char replies[64 * 1024];
size_t nreplies;

uint32_t fake_tick(void *ctx)
{
	(void)ctx;
	return fake_ms;
}

void collect(void *ctx, const char *line, size_t len)
{
	size_t have = strlen(replies);

	(void)ctx;
	ck_assert_uint_lt(have + len, sizeof replies);
	memcpy(replies + have, line, len);
	replies[have + len] = '\0';
	nreplies++;
}
