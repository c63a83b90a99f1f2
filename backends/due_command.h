/* Device management over a due: signer's own link (awsv2-keys). Internal:
 * never exported from libawsv2.so. */
#ifndef AWSV2_DUE_COMMAND_H
#define AWSV2_DUE_COMMAND_H

#include <stddef.h>

#include "awsv2/signer.h"

/* Sends one command of the serial protocol ("KEYS", "PUT-KEY <id> <secret>",
 * "DELETE-KEY <id>", "LOCK"; printable ASCII) alone on the link, and puts
 * the reply line into reply (cap bytes). "ERROR <code>" is AWSV2_E_REFUSED
 * with err->code = code; a signer that is not a due: one is
 * AWSV2_E_INVALID. The command may hold a secret: it is wiped from the
 * link's buffers (the caller wipes its own copy). */
awsv2_status awsv2__due_command(awsv2_signer *signer, const char *command, char *reply,
                                size_t cap, awsv2_error *err);

#endif
