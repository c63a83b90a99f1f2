/* How a signer's failure is answered over HTTP (DESIGN.md, "Signing daemon
 * HTTP API"): the status and the error code of the JSON body. */
#ifndef HSMD_OUTCOME_H
#define HSMD_OUTCOME_H

#include "awsv2/status.h"

struct hsmd_outcome {
    unsigned http;    /* HTTP status */
    const char *code; /* the device's code when it gave one, else the daemon's */
};

/* st: what the signer returned (not AWSV2_OK); code: err->code, may be "". */
struct hsmd_outcome hsmd_outcome_of(awsv2_status st, const char *code);

#endif
