/* Where awsv2-keys put gets a secret: standard input (without echo on a
 * terminal) or a shared-credentials file. Never the command line. */
#ifndef AWSV2_TOOLS_KEYS_SECRET_H
#define AWSV2_TOOLS_KEYS_SECRET_H

#include <stddef.h>

#include "awsv2/status.h"

#define KEYS_SECRET_MAX 256

/* One line from standard input into secret (cap bytes), without its line
 * end. On a terminal it prompts on stderr for id's secret with echo off. */
awsv2_status keys_secret_from_stdin(const char *id, char *secret, size_t cap, awsv2_error *err);

/* The key pair of profile (NULL: "default") in a shared-credentials file:
 * the id into id (cap_id bytes), the secret into secret (cap bytes). */
awsv2_status keys_secret_from_file(const char *path, const char *profile, char *id,
                                   size_t cap_id, char *secret, size_t cap, awsv2_error *err);

#endif
