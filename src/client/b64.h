/* Base64 (RFC 4648, with padding) for SQS binary attributes. */
#ifndef AWSV2_CLIENT_B64_H
#define AWSV2_CLIENT_B64_H

#include <stddef.h>
#include <stdint.h>

#include "awsv2/status.h"

/* Encodes n bytes into a malloc'd NUL-terminated string. */
awsv2_status awsv2__b64_encode(const void *in, size_t n, char **out, awsv2_error *err);
/* Decodes text (whitespace not allowed) into malloc'd bytes, NUL-terminated
 * for convenience; AWSV2_E_INVALID for anything but canonical base64. */
awsv2_status awsv2__b64_decode(const char *text, uint8_t **out, size_t *n, awsv2_error *err);

#endif
