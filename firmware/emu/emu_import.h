/* --import-credentials: provisioning from a shared-credentials file. */
#ifndef EMU_IMPORT_H
#define EMU_IMPORT_H

#include "hsm_keystore.h"

/* Stores the aws_access_key_id / aws_secret_access_key pair of every
 * profile of the file at path; ids already stored are kept as they are.
 * Returns 0, or -1 after explaining on stderr (never showing a secret). */
int emu_import_credentials(hsm_keystore *ks, const char *path, int verbose);

#endif
