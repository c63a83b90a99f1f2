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

#endif
