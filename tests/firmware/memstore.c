/* In-memory flash pages that can lose power in the middle of a write. */
#include <string.h>

#include "memstore.h"

/* Changes bytes of a page one at a time while the budget lasts. */
static int program(memstore *m, unsigned page, const uint8_t *src, int erase)
{
	if (page >= HSM_KEYSTORE_PAGES)
		return -1;
	for (size_t i = 0; i < HSM_PAGE_SIZE; i++) {
		if (m->budget == 0)
			return -1;
		if (m->budget > 0)
			m->budget--;
		m->page[page][i] = erase ? 0xFF : src[i];
	}
	return 0;
}

static int ms_read(void *ctx, unsigned page, uint8_t buf[HSM_PAGE_SIZE])
{
	memstore *m = ctx;

	if (m->fail_reads || page >= HSM_KEYSTORE_PAGES || (m->fail_read_pages >> page & 1))
		return -1;
	memcpy(buf, m->page[page], HSM_PAGE_SIZE);
	return 0;
}

static int ms_erase(void *ctx, unsigned page)
{
	return program(ctx, page, NULL, 1);
}

static int ms_write(void *ctx, unsigned page, const uint8_t buf[HSM_PAGE_SIZE])
{
	return program(ctx, page, buf, 0);
}

void memstore_init(memstore *m)
{
	memset(m->page, 0xFF, sizeof m->page);
	m->budget = -1;
	m->fail_reads = 0;
	m->fail_read_pages = 0;
	m->storage = (hsm_storage){ m, ms_read, ms_erase, ms_write };
}
