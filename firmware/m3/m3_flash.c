/* The key store's flash in RAM (see m3_flash.h). */
#include <stdint.h>
#include <string.h>

#include "hsm_keystore.h"
#include "m3_flash.h"

static uint8_t flash[HSM_KEYSTORE_PAGES][HSM_PAGE_SIZE];

static int flash_read(void *ctx, unsigned page, uint8_t buf[HSM_PAGE_SIZE])
{
	(void)ctx;
	memcpy(buf, flash[page], HSM_PAGE_SIZE);
	return 0;
}

static int flash_erase(void *ctx, unsigned page)
{
	(void)ctx;
	memset(flash[page], 0xff, HSM_PAGE_SIZE);
	return 0;
}

static int flash_write(void *ctx, unsigned page, const uint8_t buf[HSM_PAGE_SIZE])
{
	(void)ctx;
	memcpy(flash[page], buf, HSM_PAGE_SIZE);
	return 0;
}

const hsm_storage *m3_flash_erased(void)
{
	static const hsm_storage storage = { 0, flash_read, flash_erase, flash_write };

	memset(flash, 0xff, sizeof flash);
	return &storage;
}
