/* What the request code needs of a parameter set beyond the public API:
 * its canonical query. The set's struct stays private to params.c. */
#ifndef AWSV2_PARAMS_IMPL_H
#define AWSV2_PARAMS_IMPL_H

#include "awsv2/request.h"
#include "buf.h"

/* Appends the canonical query of params (every parameter but Signature,
 * sorted by name bytes, name=value percent-encoded, joined by '&') to out. */
awsv2_status awsv2__canonical_query(const awsv2_params *params, awsv2__buf *out);

#endif
