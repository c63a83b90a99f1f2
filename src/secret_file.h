/* Opening and reading the files that hold secrets: the shared credentials
 * and config files (ini.c) and bearer token files (token_file.c). Contents
 * go through read(2) into buffers this module wipes, never through stdio,
 * whose buffers are freed unwiped; a buffer grows by allocate, copy, wipe
 * the old one, free, never by realloc. docs/secrets.md explains the rules.
 * No state; thread-safe. */
#ifndef AWSV2_SECRET_FILE_H
#define AWSV2_SECRET_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "awsv2/status.h"

/* A file only its owner may touch, such as a token file: a symbolic link
 * is refused (O_NOFOLLOW), so are anything but a regular file and a mode
 * that gives group or others any access, as ssh refuses a private key.
 * Without it a file is still opened O_CLOEXEC, and symbolic links are
 * followed (~/.aws/credentials is often one, and the AWS CLI follows it). */
#define AWSV2__SECRET_FILE_PRIVATE 1u

/* Opens path read-only with O_CLOEXEC (and the rules of flags) into *fd.
 * When found is not NULL, a missing file is no error: *found = false,
 * *fd = -1. Errors name the file: AWSV2_E_IO when it cannot be opened
 * (errno kept), AWSV2_E_CONFIG when the rules refuse it ("is a symbolic
 * link", "permissions 0644 for 'FILE' are too open"). */
awsv2_status awsv2__secret_file_open(const char *path, unsigned flags, int *fd, bool *found,
                                     awsv2_error *err);

/* Reads the whole file at path (opened as above; at most max bytes) into
 * *data, malloc'd and NUL-terminated after its *len bytes (the file may
 * hold NULs). AWSV2_E_CONFIG for a file over max bytes. Release *data with
 * awsv2__secret_file_free(*data, *len), which wipes it. With found, a
 * missing file is *found = false, *data NULL and AWSV2_OK. */
awsv2_status awsv2__secret_file_read(const char *path, unsigned flags, size_t max, char **data,
                                     size_t *len, bool *found, awsv2_error *err);
void awsv2__secret_file_free(char *data, size_t len);

#endif
