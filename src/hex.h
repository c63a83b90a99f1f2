/* Hexadecimal, as the signer protocols carry MACs (the Due's "SUCCESS
 * <hex>", the daemon's "signature") and as percent-escapes and MD5 digests
 * are written. */
#ifndef AWSV2_HEX_H
#define AWSV2_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value of one hex digit (either case), or -1 if c is not one. */
int awsv2__hex_digit(char c);

/* Decodes exactly 2 * n hex digits (either case) of hex (len bytes, not
 * necessarily terminated) into out[n]. False, with out partly written, if
 * len is not 2 * n or a byte is not a hex digit. */
bool awsv2__hex_decode(const char *hex, size_t len, uint8_t *out, size_t n);

/* Writes the n bytes of in as 2 * n lower-case hex digits and a NUL into
 * out (room for 2 * n + 1). */
void awsv2__hex_encode(const uint8_t *in, size_t n, char *out);

#endif
