/* The key store's flash for the Cortex-M3 test programs, modelled in RAM
 * (one, shared by every caller; single-threaded like them). */
#ifndef M3_FLASH_H
#define M3_FLASH_H

#include "hsm_storage.h"

/* Erases every page (erased pages read 0xFF) and returns the storage. */
const hsm_storage *m3_flash_erased(void);

#endif
