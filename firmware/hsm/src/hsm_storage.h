/* The storage the key store lives in: a few pages of flash (or a file that
 * models them). Each call works on one whole page and returns 0 on success.
 * Erased bytes read 0xFF, as flash does. A write may be torn by a power cut
 * at any byte: the key store's records are checked, so that is safe. */
#ifndef HSM_STORAGE_H
#define HSM_STORAGE_H

#include <stdint.h>

#define HSM_PAGE_SIZE 256 /* the SAM3X8E's flash page */

typedef struct hsm_storage {
	void *ctx;
	int (*read)(void *ctx, unsigned page, uint8_t buf[HSM_PAGE_SIZE]);
	int (*erase)(void *ctx, unsigned page);
	/* Programs an erased page. */
	int (*write)(void *ctx, unsigned page, const uint8_t buf[HSM_PAGE_SIZE]);
} hsm_storage;

#endif
