/* SigV2's canonical query and string to sign. */
#ifndef AWSV2_CANONICAL_H
#define AWSV2_CANONICAL_H

#include "awsv2/request.h"
#include "buf.h"

/* Appends the canonical query of params (every parameter but Signature,
 * sorted by name bytes, name=value percent-encoded, joined by '&') to out. */
awsv2_status awsv2__canonical_query(const awsv2_params *params, awsv2__buf *out);

#endif
