#include <stdio.h>
#include <string.h>

#include "awsv2/util.h"
#include "reply.h"
#include "routes.h"

/* What a failed signing request is answered. */
struct hsmd_outcome {
    unsigned http;    /* HTTP status */
    const char *code; /* the device's code when it gave one, else the daemon's */
};

/* The device's refusals and what each says about the request. */
static const struct hsmd_outcome refusals[] = {
    {403, "unknown-awsaccesskey"},
    {413, "message-too-long"},
    {400, "invalid-command"},
    {400, "awsaccesskeyid-not-found"},
    {400, "invalid-awsaccesskeyid"},
    {400, "unsupported-signaturemethod"},
    /* The device works but cannot sign now. */
    {503, "locked"},
    {503, "storage-failure"},
};

/* How a signer's failure is answered: HTTP status and JSON error code
 * (docs/daemon-api.md). st is not AWSV2_OK; code is err->code, maybe "". */
static struct hsmd_outcome outcome_of(awsv2_status st, const char *code)
{
    switch (st) {
    case AWSV2_E_REFUSED:
        for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++)
            if (strcmp(code, refusals[i].code) == 0)
                return refusals[i];
        return (struct hsmd_outcome){403, "refused"};
    case AWSV2_E_INVALID:
        return (struct hsmd_outcome){400, "invalid-command"};
    case AWSV2_E_DEVICE:
        return (struct hsmd_outcome){503, "device-unavailable"};
    case AWSV2_E_PROTOCOL: /* a garbled reply: the device is not working right */
        return (struct hsmd_outcome){503, "device-protocol-error"};
    case AWSV2_E_TIMEOUT:
        return (struct hsmd_outcome){504, "device-timeout"};
    default:
        return (struct hsmd_outcome){500, "internal-error"};
    }
}

/* A finished job that failed, or one the queue had no room for. */
static enum MHD_Result job_failed(struct hsmd_request *r)
{
    if (r->queue_full) /* or closed: the daemon is stopping */
        return hsmd_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                                r->close ? "shutting-down" : "queue-full");
    struct hsmd_outcome o = outcome_of(r->job.status, r->job.code);
    snprintf(r->detail, sizeof r->detail, "%s", r->job.message);
    return hsmd_reply_error(r, o.http, o.code);
}

enum MHD_Result hsmd_route_sign(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    if (r->too_long)
        return hsmd_reply_error(r, 413 /* Content Too Large */, "message-too-long");
    awsv2_error err = AWSV2_ERROR_INIT;
    r->sts.size = sizeof r->sts;
    if (awsv2_string_to_sign_inspect(r->body, r->len, &r->sts, &err))
        return hsmd_reply_error(r, MHD_HTTP_BAD_REQUEST, err.code);
    r->job.kind = HSMD_JOB_SIGN;
    r->job.sts = r->body;
    r->job.len = r->len;
    r->job.hash = r->sts.hash;
    return hsmd_request_submit(ctx, r);
}

enum MHD_Result hsmd_route_sign_finish(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    char sig[2 * AWSV2_MAC_MAX + 1];

    (void)ctx;
    if (r->queue_full || r->job.status != AWSV2_OK)
        return job_failed(r);
    awsv2_hex_encode(r->job.mac, r->job.mac_len, sig);
    json_object *obj = json_object_new_object();
    if (obj) {
        json_object_object_add(obj, "success", json_object_new_boolean(1));
        json_object_object_add(obj, "signature", json_object_new_string(sig));
    }
    return hsmd_reply_json(r, MHD_HTTP_OK, obj);
}

enum MHD_Result hsmd_route_key_ids(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    r->job.kind = HSMD_JOB_KEY_IDS;
    r->job.ids = r->body; /* a GET has no body: its buffer holds the ids */
    r->job.ids_cap = sizeof r->body;
    return hsmd_request_submit(ctx, r);
}

enum MHD_Result hsmd_route_ping(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    r->job.kind = HSMD_JOB_PING;
    return hsmd_request_submit(ctx, r);
}

enum MHD_Result hsmd_route_healthz_finish(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    if (r->queue_full || r->job.status != AWSV2_OK)
        return job_failed(r);
    json_object *obj = json_object_new_object();
    if (obj) {
        json_object_object_add(obj, "success", json_object_new_boolean(1));
        json_object_object_add(obj, "healthy", json_object_new_boolean(1));
        json_object_object_add(obj, "signer",
                               json_object_new_string(awsv2_signer_describe(ctx->signer)));
    }
    return hsmd_reply_json(r, MHD_HTTP_OK, obj);
}

/* The comma-separated ids as a JSON array; NULL when out of memory. */
static json_object *key_array(const char *ids)
{
    json_object *arr = json_object_new_array();

    while (arr && *ids) {
        size_t n = strcspn(ids, ",");
        json_object_array_add(arr, json_object_new_string_len(ids, (int)n));
        ids += n + (ids[n] == ',');
    }
    return arr;
}

enum MHD_Result hsmd_route_keys_finish(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    (void)ctx;
    if (r->queue_full || r->job.status != AWSV2_OK)
        return job_failed(r);
    json_object *obj = json_object_new_object();
    if (obj) {
        json_object_object_add(obj, "success", json_object_new_boolean(1));
        json_object_object_add(obj, "keys", key_array(r->job.ids));
    }
    return hsmd_reply_json(r, MHD_HTTP_OK, obj);
}

enum MHD_Result hsmd_route_metrics(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    size_t len = 0;
    char *text = hsmd_metrics_render(hsmd_queue_depth(ctx->queue),
                                     hsmd_queue_capacity(ctx->queue), &len);

    if (!text)
        return MHD_NO;
    return hsmd_reply_text(r, MHD_HTTP_OK, text, len, "text/plain; version=0.0.4");
}
