/* credential_process: running the command a profile names and reading its
 * JSON (docs/configuration.md). Thread-safe: no shared state. */
#ifndef AWSV2_CREDENTIAL_PROCESS_H
#define AWSV2_CREDENTIAL_PROCESS_H

#include <stddef.h>
#include <time.h>

#include "awsv2/credentials.h"

/* The default bound on the whole run, overridden by
 * AWSV2_CREDENTIAL_PROCESS_TIMEOUT_MS. */
#define AWSV2__CREDENTIAL_PROCESS_TIMEOUT_MS 60000L
/* The most output read from the command. */
#define AWSV2__CREDENTIAL_PROCESS_MAX_OUTPUT 65536

/* Splits command into words as a POSIX shell would quote them, and nothing
 * more: blanks separate words; '...' keeps everything; "..." keeps
 * everything but \" and \\ (and \$ \` \newline), a backslash outside quotes
 * keeps the next character. No variables, globs, '~' or operators. On
 * success *argv is a NULL-terminated array (one allocation; free() it). An
 * unterminated quote or no word at all is AWSV2_E_CONFIG. */
awsv2_status awsv2__command_split(const char *command, char ***argv, awsv2_error *err);

/* Reads the output of a credential process: a JSON object with Version 1,
 * AccessKeyId, SecretAccessKey, optionally SessionToken and Expiration (RFC
 * 3339). AWSV2_E_CREDENTIALS naming what is wrong (never a value). The
 * JSON's copies of the secret are wiped before they are freed. */
awsv2_status awsv2__credential_process_parse(const char *json, size_t len,
                                             awsv2_credentials **out, awsv2_error *err);

/* Runs command (no shell; PATH searched) with stdin and stderr the
 * caller's and stdout read, within timeout_ms (then it is killed), and
 * parses what it wrote. Its output is wiped. A failure to start, an exit
 * status other than 0, a signal, a timeout or bad output is
 * AWSV2_E_CREDENTIALS naming the command's first word. */
awsv2_status awsv2__credential_process_run(const char *command, long timeout_ms,
                                           awsv2_credentials **out, awsv2_error *err);

#endif
