/* POST /sign/batch (docs/daemon-api.md): several SigV2 strings to sign in
 * one request, a JSON array of at most HSMD_BATCH_MAX strings, each
 * answered as POST /sign/aws would answer it alone. What one HTTP request
 * costs (parsing, a suspend and resume, the reply, a wake-up of the
 * client) is paid once for the lot; the strings go to the signer as jobs
 * of their own, so a device pipelines them as it does concurrent requests. */
#ifndef HSMD_BATCH_H
#define HSMD_BATCH_H

#include "request.h"

#define HSMD_BATCH_MAX 32

/* The route's handler (the whole body is in r->body) and, once every
 * string has its result, its finish function: 200 and one result per
 * string, in order. The batch's state hangs off r->json and is freed with
 * it. */
enum MHD_Result hsmd_batch_route(const struct hsmd_ctx *ctx, struct hsmd_request *r);
enum MHD_Result hsmd_batch_finish(const struct hsmd_ctx *ctx, struct hsmd_request *r);

#endif
