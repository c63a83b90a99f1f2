/* Where awsv2-keys put reads a secret typed or piped in: standard input,
 * without echo on a terminal. Never the command line. (A key pair from a
 * shared-credentials file goes to the device without passing through the
 * program: awsv2_signer_key_put_credentials.) */
#ifndef AWSV2_TOOLS_KEYS_SECRET_H
#define AWSV2_TOOLS_KEYS_SECRET_H

#include <stddef.h>

#include "awsv2/status.h"

#define KEYS_SECRET_MAX 256

/* One line from standard input into secret (cap bytes), without its line
 * end. On a terminal it prompts on stderr for id's secret with echo off. */
awsv2_status keys_secret_from_stdin(const char *id, char *secret, size_t cap, awsv2_error *err);

#endif
