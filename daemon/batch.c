#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/util.h"
#include "batch.h"
#include "pool.h"
#include "reply.h"
#include "routes.h"

struct hsmd_batch;

/* One string of the batch: its job, and its answer once known. */
struct item {
    struct hsmd_job job;
    struct hsmd_batch *batch;
    unsigned status;  /* HTTP status of its answer: 200, or the failure's */
    const char *code; /* the failure's code (static or the job's), or NULL */
    char key_id[AWSV2_KEY_ID_SIZE]; /* the string's AWSAccessKeyId: the pool routes by it */
};

struct hsmd_batch {
    struct MHD_Connection *conn;
    atomic_size_t pending; /* items not answered yet, + 1 while submitting */
    size_t n;
    struct item items[HSMD_BATCH_MAX];
};

/* The last answer resumes the connection; hsmd_batch_finish replies. */
static void settle(struct hsmd_batch *b)
{
    if (atomic_fetch_sub(&b->pending, 1) == 1)
        MHD_resume_connection(b->conn);
}

static void item_done(struct hsmd_job *job)
{
    struct item *it = (struct item *)((char *)job - offsetof(struct item, job));
    settle(it->batch);
}

static void free_batch(json_object *obj, void *userdata)
{
    (void)obj;
    free(userdata);
}

/* The body: one JSON array of 1 to HSMD_BATCH_MAX strings, nothing else.
 * NULL with *code set otherwise. */
static json_object *parse_array(const char *body, size_t len, const char **code)
{
    json_tokener *tok = json_tokener_new();
    json_object *a = NULL;

    *code = "invalid-json";
    if (!tok)
        return NULL;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    a = json_tokener_parse_ex(tok, body, (int)len);
    if (json_tokener_get_error(tok) != json_tokener_success ||
        json_tokener_get_parse_end(tok) != len || !json_object_is_type(a, json_type_array)) {
        json_object_put(a);
        a = NULL;
    } else {
        size_t n = json_object_array_length(a);
        bool ok = n >= 1 && n <= HSMD_BATCH_MAX;
        for (size_t i = 0; ok && i < n; i++)
            ok = json_object_is_type(json_object_array_get_idx(a, i), json_type_string);
        if (!ok) {
            *code = "invalid-field";
            json_object_put(a);
            a = NULL;
        }
    }
    json_tokener_free(tok);
    return a;
}

/* Checks item i (the string s, len bytes) as /sign/aws checks its body,
 * and submits it; else gives it its answer. false when it was not
 * submitted (its answer is known). */
static bool submit_item(const struct hsmd_ctx *ctx, struct hsmd_request *r, struct item *it,
                        const char *s, size_t len)
{
    awsv2_sts_info sts = {.size = sizeof sts};
    awsv2_error err = AWSV2_ERROR_INIT;

    if (awsv2_string_to_sign_inspect(s, len, &sts, &err)) {
        it->status = MHD_HTTP_BAD_REQUEST;
        snprintf(it->job.code, sizeof it->job.code, "%s", err.code);
        return false;
    }
    if (!hsmd_token_allows(r->token, sts.key_id, strlen(sts.key_id))) {
        it->status = MHD_HTTP_FORBIDDEN;
        it->code = "key-not-allowed";
        return false;
    }
    it->job.kind = HSMD_JOB_SIGN;
    it->job.sts = s;
    it->job.len = len;
    it->job.hash = sts.hash;
    memcpy(it->key_id, sts.key_id, sizeof it->key_id);
    it->job.key_id = it->key_id;
    it->job.done = item_done;
    if (!hsmd_pool_submit(ctx->pool, &it->job)) {
        it->status = MHD_HTTP_SERVICE_UNAVAILABLE;
        it->code = r->close ? "shutting-down" : "queue-full";
        return false;
    }
    return true;
}

enum MHD_Result hsmd_batch_route(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    const char *code;

    if (r->too_long)
        return hsmd_reply_error(r, 413 /* Content Too Large */, "message-too-long");
    r->json = parse_array(r->body, r->len, &code);
    if (!r->json)
        return hsmd_reply_error(r, MHD_HTTP_BAD_REQUEST, code);
    struct hsmd_batch *b = calloc(1, sizeof *b);
    if (!b)
        return hsmd_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal-error");
    json_object_set_userdata(r->json, b, free_batch);
    b->conn = r->conn;
    b->n = json_object_array_length(r->json);
    atomic_init(&b->pending, b->n + 1);
    /* Suspended first: an item's done may come on a worker thread at once,
     * or inside the submit itself, and the resume must follow the suspend. */
    MHD_suspend_connection(r->conn);
    r->submitted = true;
    for (size_t i = 0; i < b->n; i++) {
        json_object *s = json_object_array_get_idx(r->json, i);
        struct item *it = &b->items[i];
        it->batch = b;
        if (!submit_item(ctx, r, it, json_object_get_string(s),
                         (size_t)json_object_get_string_len(s)))
            settle(b);
    }
    settle(b);
    return MHD_YES;
}

/* Appends one result to out (cap bytes, *used so far). */
static void put_result(char *out, size_t cap, size_t *used, const struct item *it, bool first)
{
    const char *sep = first ? "" : ", ";
    int n;

    if (it->status == MHD_HTTP_OK) {
        char sig[2 * AWSV2_MAC_MAX + 1];
        awsv2_hex_encode(it->job.mac, it->job.mac_len, sig);
        n = snprintf(out + *used, cap - *used, "%s{\"success\": true, \"signature\": \"%s\"}",
                     sep, sig);
    } else {
        n = snprintf(out + *used, cap - *used,
                     "%s{\"success\": false, \"error\": \"%s\", \"status\": %u}", sep,
                     it->code ? it->code : it->job.code, it->status);
    }
    if (n > 0)
        *used += (size_t)n;
}

enum MHD_Result hsmd_batch_finish(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    struct hsmd_batch *b = json_object_get_userdata(r->json);
    /* per result at most ~60 bytes of frame, a signature or a code */
    size_t cap = 64 + (size_t)b->n * (96 + 2 * AWSV2_MAC_MAX + AWSV2_ERROR_CODE_MAX), used = 0;
    char *text = malloc(cap);
    size_t failed = 0;

    (void)ctx;
    if (!text)
        return hsmd_reply_error(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal-error");
    used = (size_t)snprintf(text, cap, "{\"success\": true, \"results\": [");
    for (size_t i = 0; i < b->n; i++) {
        struct item *it = &b->items[i];
        if (!it->status) { /* it was submitted: its job has the result */
            if (it->job.cancelled) {
                it->status = MHD_HTTP_SERVICE_UNAVAILABLE;
                it->code = "shutting-down";
            } else if (it->job.status == AWSV2_OK) {
                it->status = MHD_HTTP_OK;
            } else {
                it->status = hsmd_route_outcome(it->job.status, it->job.code, &it->code);
                if (!r->detail[0]) /* the log says why the first failed */
                    snprintf(r->detail, sizeof r->detail, "%s", it->job.message);
            }
        }
        failed += it->status != MHD_HTTP_OK;
        put_result(text, cap, &used, it, i == 0);
    }
    used += (size_t)snprintf(text + used, cap - used, "]}");
    if (failed) {
        char why[sizeof r->detail];
        snprintf(why, sizeof why, "%s", r->detail);
        snprintf(r->detail, sizeof r->detail, "%zu of %zu failed%s%.200s", failed, b->n,
                 why[0] ? "; " : "", why);
    }
    return hsmd_reply_text(r, MHD_HTTP_OK, text, used, "application/json");
}
