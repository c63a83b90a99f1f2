/* Temporary directories of the tests and benchmarks. */
#ifndef AWSV2_TESTS_TMPDIR_H
#define AWSV2_TESTS_TMPDIR_H

#include <stddef.h>

/* Makes a fresh directory $TMPDIR/<prefix>.XXXXXX (P_tmpdir without
 * TMPDIR; mkdtemp) and puts its path in dir[cap]. 0 on success. */
int tmpdir_create(char *dir, size_t cap, const char *prefix);

/* Writes dir/credentials: profile "default" with AWS's example key, as the
 * emulator's --import-credentials and the programs read it. 0 on success. */
int tmpdir_add_credentials(const char *dir);

/* Removes dir and the files in it (it has no subdirectories). */
void tmpdir_remove(const char *dir);

#endif
