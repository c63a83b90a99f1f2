/* The INI dialect of AWS's credentials and config files. */
#ifndef AWSV2_INI_H
#define AWSV2_INI_H

#include <stdbool.h>

#include "awsv2/status.h"

/* Called for every "key = value" of the file, in order, with its section
 * name ("default", "profile dev") and line number, and for every section
 * header with key and value "" (no setting has an empty key), so that an
 * empty section is seen. Return nonzero to stop. */
typedef int (*awsv2__ini_fn)(void *ctx, const char *section, const char *key,
                             const char *value, int line);

/* Parses path. A missing file sets *found = false and is no error. A
 * malformed line is AWSV2_E_CONFIG naming the file and the line; an
 * unreadable file AWSV2_E_IO; one over 4 MiB AWSV2_E_CONFIG. The file is
 * read as secret_file.h reads (symbolic links followed, as the AWS CLI
 * does) and its contents are wiped from memory afterwards (credentials
 * files hold secrets). Comments start with '#' or ';'. Indented lines
 * after "key =" with no value are nested settings, as the AWS CLI reads
 * them: fn sees each as the key "key.sub" (a nested line without '=' is
 * AWSV2_E_CONFIG). fn sees "key =" itself with an empty value: whether
 * that is an error is the caller's rule. */
awsv2_status awsv2__ini_parse(const char *path, awsv2__ini_fn fn, void *ctx, bool *found,
                              awsv2_error *err);

/* The file an AWS_* variable names, else ~/.aws/<name>, into out. */
awsv2_status awsv2__aws_file_path(const char *env_var, const char *name, char *out, size_t cap,
                                  awsv2_error *err);

#endif
