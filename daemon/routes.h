/* The daemon's endpoints (docs/daemon-api.md). A route's
 * handler runs once the request is authorised, with the right method and,
 * for POST /sign/aws, its whole body of at most HSMD_BODY_MAX bytes; it
 * replies at once or submits a job (hsmd_request_submit), and then its
 * finish function replies with the job's result. */
#ifndef HSMD_ROUTES_H
#define HSMD_ROUTES_H

#include "request.h"

typedef enum MHD_Result (*hsmd_route_fn)(const struct hsmd_ctx *ctx, struct hsmd_request *r);

enum MHD_Result hsmd_route_sign(const struct hsmd_ctx *ctx, struct hsmd_request *r);
enum MHD_Result hsmd_route_sign_finish(const struct hsmd_ctx *ctx, struct hsmd_request *r);
/* POST /sign/aws4: a JSON object {key_id, region, service,
 * canonical_request, payload (absent: UNSIGNED-PAYLOAD)} for
 * awsv2_signer_sign4, which checks it as a device would. */
enum MHD_Result hsmd_route_sign4(const struct hsmd_ctx *ctx, struct hsmd_request *r);
enum MHD_Result hsmd_route_sign4_finish(const struct hsmd_ctx *ctx, struct hsmd_request *r);
/* /keys asks the signer for its key ids (KEYS); /healthz pings it (a PING
 * with a fresh nonce for a device). Both queue behind signatures. */
enum MHD_Result hsmd_route_key_ids(const struct hsmd_ctx *ctx, struct hsmd_request *r);
enum MHD_Result hsmd_route_ping(const struct hsmd_ctx *ctx, struct hsmd_request *r);
enum MHD_Result hsmd_route_healthz_finish(const struct hsmd_ctx *ctx, struct hsmd_request *r);
enum MHD_Result hsmd_route_keys_finish(const struct hsmd_ctx *ctx, struct hsmd_request *r);
/* GET /audit[?since=SEQ]: the device's audit records from SEQ (default
 * 0) on, read-only (docs/daemon-api.md). Queues behind signatures. */
enum MHD_Result hsmd_route_audit(const struct hsmd_ctx *ctx, struct hsmd_request *r);
enum MHD_Result hsmd_route_audit_finish(const struct hsmd_ctx *ctx, struct hsmd_request *r);
/* The admin listener's only route: GET and POST /admin/keys, DELETE
 * /admin/keys/ID, POST /admin/lock (docs/daemon-api.md); r->path is the
 * request's path. Queues behind signatures. */
enum MHD_Result hsmd_route_admin(const struct hsmd_ctx *ctx, struct hsmd_request *r);
enum MHD_Result hsmd_route_admin_finish(const struct hsmd_ctx *ctx, struct hsmd_request *r);
/* Wipes an admin request's secret (its body and parsed copy); any
 * request may be given, and more than once. */
void hsmd_route_admin_wipe(struct hsmd_request *r);
/* How a signer's failure st (with err->code code, maybe "") is answered:
 * the HTTP status, and the JSON error code into *out_code (static or
 * code itself); the table of docs/daemon-api.md, for POST /sign/batch's
 * results too. */
unsigned hsmd_route_outcome(awsv2_status st, const char *code, const char **out_code);
enum MHD_Result hsmd_route_metrics(const struct hsmd_ctx *ctx, struct hsmd_request *r);

#endif
