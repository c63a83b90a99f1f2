/* The bearer token file that awsv2-hsmd (--token-file) and the http:
 * backend (token_file=) share: the token is the file's first line, without
 * its line ending and trailing spaces and tabs. One reader, so that the
 * daemon and its clients always agree on what a file holds. */
#ifndef AWSV2_TOKEN_FILE_H
#define AWSV2_TOKEN_FILE_H

#include <stddef.h>

#include "awsv2/status.h"
#include "awsv2/util.h"

/* One limit with the public reader (util.h): AWSV2_TOKEN_SIZE less its NUL. */
#define AWSV2__TOKEN_MAX (AWSV2_TOKEN_SIZE - 1)

/* Reads the token of the file at path into buf (NUL-terminated), its
 * length into *len. AWSV2_OK; AWSV2_E_IO when the file cannot be opened
 * (errno says why); AWSV2_E_CONFIG when the first line holds no token (*len
 * 0) or one longer than AWSV2__TOKEN_MAX (*len more). Sets no message:
 * callers name the file in theirs. The caller wipes buf. */
awsv2_status awsv2__token_file_read(const char *path, char buf[AWSV2__TOKEN_MAX + 2], size_t *len);

#endif
