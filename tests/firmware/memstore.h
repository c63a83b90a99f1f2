/* An in-memory hsm_storage for the core's tests, with power cuts: after a
 * budget of programmed (or erased) bytes, the write in progress stops
 * half-way and every later erase or write fails, as if the power went.
 * Reads can be made to fail, of every page or of chosen ones. */
#ifndef TEST_MEMSTORE_H
#define TEST_MEMSTORE_H

#include <stdint.h>

#include "hsm_keystore.h"

typedef struct memstore {
	uint8_t page[HSM_KEYSTORE_PAGES][HSM_PAGE_SIZE];
	long budget;       /* bytes that may still change; < 0 means no limit */
	int fail_reads;
	uint32_t fail_read_pages;  /* bit p set: reading page p fails */
	hsm_storage storage;
} memstore;

/* An erased store with no power cut planned. */
void memstore_init(memstore *m);

#endif
