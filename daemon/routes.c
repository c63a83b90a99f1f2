#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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
    /* SigV4 (awsv2_signer_sign4's check, or the device's) */
    {400, "invalid-canonical-request"},
    {400, "invalid-scope"},
    {400, "payload-mismatch"},
    /* The key's policy (docs/policy.md): the request is understood and refused. */
    {403, "policy-denied"},
    {429, "rate-limited"},
    /* The device works but cannot sign now (audit-full: in strict audit
     * mode, until its audit log is read). */
    {503, "locked"},
    {409, "key-exists"},
    {409, "policy-mismatch"}, /* a pool's admin put: another holder's policy differs */
    {503, "storage-failure"},
    {503, "audit-full"},
};

/* How a signer's failure is answered: HTTP status and JSON error code
 * (docs/daemon-api.md). st is not AWSV2_OK; code is err->code, maybe "". */
static struct hsmd_outcome outcome_of(awsv2_status st, const char *code)
{
    if (st == AWSV2_E_REFUSED || st == AWSV2_E_INVALID)
        for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++)
            if (strcmp(code, refusals[i].code) == 0)
                return refusals[i];
    switch (st) {
    case AWSV2_E_REFUSED:
        return (struct hsmd_outcome){403, "refused"};
    case AWSV2_E_INVALID:
        return (struct hsmd_outcome){400, "invalid-command"};
    case AWSV2_E_UNAVAILABLE: /* a signer without SigV4 */
        return (struct hsmd_outcome){501, "not-supported"};
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

unsigned hsmd_route_outcome(awsv2_status st, const char *code, const char **out_code)
{
    struct hsmd_outcome o = outcome_of(st, code);
    *out_code = o.code;
    return o.http;
}

/* A finished job that failed, or one the queue had no room for. */
static enum MHD_Result job_failed(struct hsmd_request *r)
{
    if (r->queue_full) /* or closed: the daemon is stopping */
        return hsmd_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE,
                                r->close ? "shutting-down" : "queue-full");
    if (r->job.cancelled)
        return hsmd_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "shutting-down");
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
    if (!hsmd_token_allows(r->token, r->sts.key_id, strlen(r->sts.key_id)))
        return hsmd_reply_error(r, MHD_HTTP_FORBIDDEN, "key-not-allowed");
    r->job.kind = HSMD_JOB_SIGN;
    r->job.sts = r->body;
    r->job.len = r->len;
    r->job.hash = r->sts.hash;
    r->job.key_id = r->sts.key_id; /* the pool routes by it */
    return hsmd_request_submit(ctx, r);
}

/* {"success": true, "signature": "<hex of mac>"} */
static enum MHD_Result signed_reply(struct hsmd_request *r, const uint8_t *mac, size_t len)
{
    char sig[2 * AWSV2_MAC_MAX + 1];

    awsv2_hex_encode(mac, len, sig);
    json_object *obj = json_object_new_object();
    if (obj) {
        json_object_object_add(obj, "success", json_object_new_boolean(1));
        json_object_object_add(obj, "signature", json_object_new_string(sig));
    }
    return hsmd_reply_json(r, MHD_HTTP_OK, obj);
}

enum MHD_Result hsmd_route_sign_finish(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    (void)ctx;
    if (r->queue_full || r->job.status != AWSV2_OK)
        return job_failed(r);
    return signed_reply(r, r->job.mac, r->job.mac_len);
}

/* The members of a POST /sign/aws4 body; all strings. */
static const struct {
    const char *name;
    bool required;
    bool text; /* a C string for the signer: no NUL (\u0000) in it */
} sign4_members[] = {
    {"key_id", true, true},
    {"region", true, true},
    {"service", true, true},
    {"canonical_request", true, false},
    {"payload", false, false},
};
#define N_SIGN4_MEMBERS (sizeof sign4_members / sizeof sign4_members[0])

/* The body as one JSON object and nothing else; NULL if it is not one. */
static json_object *parse_object(const char *body, size_t len)
{
    json_tokener *tok = json_tokener_new();
    json_object *obj = NULL;

    if (!tok)
        return NULL;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    obj = json_tokener_parse_ex(tok, body, (int)len);
    size_t end = json_tokener_get_parse_end(tok);
    if (json_tokener_get_error(tok) != json_tokener_success ||
        !json_object_is_type(obj, json_type_object) || end != len) {
        json_object_put(obj);
        obj = NULL;
    }
    json_tokener_free(tok);
    return obj;
}

/* Fills value[i], len[i] from obj's members; false if one is missing, not
 * a string, not text where text is wanted, or unknown (a misspelt
 * "payload" must not turn a request into UNSIGNED-PAYLOAD). */
static bool sign4_fields(json_object *obj, const char **value, size_t *len)
{
    size_t found = 0;

    for (size_t i = 0; i < N_SIGN4_MEMBERS; i++) {
        json_object *v;
        value[i] = NULL;
        len[i] = 0;
        if (!json_object_object_get_ex(obj, sign4_members[i].name, &v)) {
            if (sign4_members[i].required)
                return false;
            continue;
        }
        if (!json_object_is_type(v, json_type_string))
            return false;
        value[i] = json_object_get_string(v);
        len[i] = (size_t)json_object_get_string_len(v);
        if (sign4_members[i].text && strlen(value[i]) != len[i])
            return false;
        found++;
    }
    return (size_t)json_object_object_length(obj) == found;
}

enum MHD_Result hsmd_route_sign4(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    const char *value[N_SIGN4_MEMBERS];
    size_t len[N_SIGN4_MEMBERS];

    if (r->too_long)
        return hsmd_reply_error(r, 413 /* Content Too Large */, "message-too-long");
    r->json = parse_object(r->body, r->len);
    if (!r->json)
        return hsmd_reply_error(r, MHD_HTTP_BAD_REQUEST, "invalid-json");
    if (!sign4_fields(r->json, value, len))
        return hsmd_reply_error(r, MHD_HTTP_BAD_REQUEST, "invalid-field");
    hsmd_printable(r->sts.key_id, sizeof r->sts.key_id, value[0]);
    char scope[sizeof r->scope];
    snprintf(scope, sizeof scope, "%.31s/%.31s", value[1], value[2]);
    hsmd_printable(r->scope, sizeof r->scope, scope);
    if (!hsmd_token_allows(r->token, value[0], len[0]))
        return hsmd_reply_error(r, MHD_HTTP_FORBIDDEN, "key-not-allowed");
    r->job.kind = HSMD_JOB_SIGN4;
    r->job.sign4 = (awsv2_sign4_job)AWSV2_SIGN4_JOB_INIT;
    r->job.sign4.key_id = value[0];
    r->job.sign4.region = value[1];
    r->job.sign4.service = value[2];
    r->job.sign4.canonical_request = value[3];
    r->job.sign4.canonical_request_len = len[3];
    r->job.sign4.payload = value[4];
    r->job.sign4.payload_len = len[4];
    return hsmd_request_submit(ctx, r);
}

enum MHD_Result hsmd_route_sign4_finish(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    (void)ctx;
    if (r->queue_full || r->job.status != AWSV2_OK)
        return job_failed(r);
    return signed_reply(r, r->job.sign4.signature, sizeof r->job.sign4.signature);
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

/* Each device as the pool sees it after this request: [{"device": 0,
 * "signer": "...", "healthy": true}, {..., "healthy": false, "error":
 * "device-unavailable"}]. */
static json_object *device_array(const struct hsmd_ctx *ctx)
{
    json_object *arr = json_object_new_array();
    struct hsmd_device_info info;

    for (size_t i = 0; arr && i < hsmd_pool_size(ctx->pool); i++) {
        hsmd_pool_device(ctx->pool, i, &info);
        json_object *dev = json_object_new_object();
        if (!dev)
            continue;
        json_object_object_add(dev, "device", json_object_new_int((int)i));
        json_object_object_add(dev, "signer", json_object_new_string(info.signer));
        json_object_object_add(dev, "healthy", json_object_new_boolean(info.up));
        if (!info.up)
            json_object_object_add(dev, "error", json_object_new_string(info.code));
        json_object_array_add(arr, dev);
    }
    return arr;
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
                               json_object_new_string(hsmd_pool_describe(ctx->pool)));
        json_object_object_add(obj, "devices", device_array(ctx));
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

/* {"AKIA...": [0, 2], ...}: which devices (up, numbered as in /healthz)
 * hold each of the comma-separated ids. */
static json_object *holders(const struct hsmd_ctx *ctx, const char *ids)
{
    json_object *obj = json_object_new_object();

    while (obj && *ids) {
        size_t n = strcspn(ids, ",");
        char id[AWSV2_KEY_ID_SIZE];
        snprintf(id, sizeof id, "%.*s", (int)n, ids);
        json_object *arr = json_object_new_array();
        for (size_t i = 0; arr && i < hsmd_pool_size(ctx->pool); i++)
            if (hsmd_pool_holds(ctx->pool, i, ids, n))
                json_object_array_add(arr, json_object_new_int((int)i));
        json_object_object_add(obj, id, arr);
        ids += n + (ids[n] == ',');
    }
    return obj;
}

enum MHD_Result hsmd_route_keys_finish(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    if (r->queue_full || r->job.status != AWSV2_OK)
        return job_failed(r);
    json_object *obj = json_object_new_object();
    if (obj) {
        json_object_object_add(obj, "success", json_object_new_boolean(1));
        json_object_object_add(obj, "keys", key_array(r->job.ids));
        json_object_object_add(obj, "holders", holders(ctx, r->job.ids));
    }
    return hsmd_reply_json(r, MHD_HTTP_OK, obj);
}

/* since: decimal, no leading zero, below 2^32; false otherwise. */
static bool parse_seq(const char *s, uint32_t *out)
{
    size_t n = strspn(s, "0123456789");
    if (n == 0 || n > 10 || s[n] || (s[0] == '0' && n > 1))
        return false;
    unsigned long long v = strtoull(s, NULL, 10);
    if (v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

enum MHD_Result hsmd_route_audit(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    const char *since = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "since");
    const char *device = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "device");
    uint32_t n = 0;

    r->job.since = 0;
    if (since && !parse_seq(since, &r->job.since))
        return hsmd_reply_error(r, MHD_HTTP_BAD_REQUEST, "invalid-field");
    if (device && (!parse_seq(device, &n) || n >= hsmd_pool_size(ctx->pool)))
        return hsmd_reply_error(r, MHD_HTTP_BAD_REQUEST, "invalid-field");
    r->job.device = n;
    r->job.kind = HSMD_JOB_AUDIT;
    r->job.ids = r->body; /* a GET has no body: its buffer holds the lines */
    r->job.ids_cap = sizeof r->body;
    return hsmd_request_submit(ctx, r);
}

/* Splits line (NUL-terminated, changed in place) at spaces into at most
 * max words; returns how many, or max + 1 when there are more. */
static size_t split(char *line, char **words, size_t max)
{
    size_t n = 0;
    for (char *save = NULL, *w = strtok_r(line, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        if (n == max)
            return max + 1;
        words[n++] = w;
    }
    return n;
}

/* One "AUDIT <seq> <key-id> <version> <action> <host> <result> <hash>
 * <chain>" line as a JSON object; NULL when it is not one. */
static json_object *audit_record(char *line, uint32_t *seq, const char **chain)
{
    static const char *const names[] = {"key_id", "version", "action", "host", "result", "hash"};
    char *w[9];
    uint32_t version;

    if (strlen(line) < strlen("AUDIT ") + 65)
        return NULL;
    /* the record's text: between "AUDIT " and " <chain>", what the chain hashes */
    size_t text_len = strlen(line) - strlen("AUDIT ") - 65;
    json_object *record = json_object_new_string_len(line + strlen("AUDIT "), (int)text_len);
    if (split(line, w, 9) != 9 || !parse_seq(w[1], seq) || !parse_seq(w[3], &version) ||
        strlen(w[8]) != 64) {
        json_object_put(record);
        return NULL;
    }
    json_object *obj = json_object_new_object();
    if (!obj) {
        json_object_put(record);
        return NULL;
    }
    json_object_object_add(obj, "seq", json_object_new_int64(*seq));
    for (size_t i = 0; i < 6; i++)
        json_object_object_add(obj, names[i],
                               i == 1 ? json_object_new_int((int)version)
                                      : json_object_new_string(w[2 + i]));
    json_object_object_add(obj, "chain", json_object_new_string(w[8]));
    json_object_object_add(obj, "record", record);
    *chain = w[8];
    return obj;
}

enum MHD_Result hsmd_route_audit_finish(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    (void)ctx;
    if (r->queue_full || r->job.status != AWSV2_OK)
        return job_failed(r);
    json_object *records = json_object_new_array();
    if (!records)
        return MHD_NO; /* out of memory: libmicrohttpd closes the connection */
    uint32_t next = r->job.since, gap = 0;
    const char *chain = NULL;
    bool end = false, has_gap = false, bad = false;
    char *save = NULL;

    for (char *line = strtok_r(r->body, "\n", &save); line && !bad;
         line = strtok_r(NULL, "\n", &save)) {
        char *w[4] = {NULL};
        uint32_t seq = 0;
        if (strncmp(line, "AUDIT ", 6) == 0) {
            json_object *rec = audit_record(line, &seq, &chain);
            bad = !rec;
            json_object_array_add(records, rec);
            next = seq + 1;
        } else if (strncmp(line, "AUDIT-END ", 10) == 0) {
            bad = split(line, w, 3) != 3 || !parse_seq(w[1], &next) || strlen(w[2]) != 64;
            chain = w[2];
            end = true;
        } else if (strncmp(line, "AUDIT-GAP ", 10) == 0) {
            bad = split(line, w, 2) != 2 || !parse_seq(w[1], &seq);
            if (!has_gap)
                gap = seq;
            has_gap = true;
            next = seq;
        } else {
            bad = true;
        }
    }
    if (bad) {
        json_object_put(records);
        snprintf(r->detail, sizeof r->detail, "the device's audit log reads wrongly");
        return hsmd_reply_error(r, MHD_HTTP_SERVICE_UNAVAILABLE, "device-protocol-error");
    }
    json_object *obj = json_object_new_object();
    if (obj) {
        json_object_object_add(obj, "success", json_object_new_boolean(1));
        json_object_object_add(obj, "records", records);
        json_object_object_add(obj, "next", json_object_new_int64(next));
        json_object_object_add(obj, "chain", chain ? json_object_new_string(chain) : NULL);
        json_object_object_add(obj, "end", json_object_new_boolean(end));
        if (has_gap)
            json_object_object_add(obj, "gap", json_object_new_int64(gap));
    } else {
        json_object_put(records);
    }
    return hsmd_reply_json(r, MHD_HTTP_OK, obj);
}

static void pool_metrics(void *pool, FILE *f)
{
    hsmd_pool_metrics(pool, f);
}

enum MHD_Result hsmd_route_metrics(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    size_t len = 0;
    char *text = hsmd_metrics_render(hsmd_pool_depth(ctx->pool),
                                     hsmd_pool_capacity(ctx->pool), pool_metrics, ctx->pool,
                                     &len);

    if (!text)
        return MHD_NO;
    return hsmd_reply_text(r, MHD_HTTP_OK, text, len, "text/plain; version=0.0.4");
}

/* The admin listener's (docs/daemon-api.md). Its requests carry no token:
 * the Unix socket's permissions are their authorisation. */

/* A key id from a client: 1 to 64 printable characters, no space, slash
 * or '?' (which hsmd_printable put for a byte that is not printable); the
 * library checks the rest. */
static bool key_id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (id[i] <= 0x20 || id[i] > 0x7e || id[i] == '/' || id[i] == '?')
            return false;
    return true;
}

/* A policy's encoding ("name=value;..."), field by field through
 * awsv2_key_policy_set, which checks each as the device would. */
static bool policy_of(const char *text, awsv2_key_policy **out)
{
    char buf[AWSV2_KEY_POLICY_SIZE];
    awsv2_error err = AWSV2_ERROR_INIT;
    bool ok = true;

    if (strlen(text) >= sizeof buf || awsv2_key_policy_new(out, &err))
        return false;
    strcpy(buf, text);
    for (char *f = buf, *next; ok && f && *f; f = next) {
        next = strchr(f, ';');
        if (next)
            *next++ = '\0';
        char *eq = strchr(f, '=');
        ok = eq && (*eq = '\0', awsv2_key_policy_set(*out, f, eq + 1, &err) == AWSV2_OK);
    }
    return ok;
}

/* "devices": [0, 2, ...], the devices of the pool to store a key on, as a
 * bit mask; false unless a non-empty array of distinct device numbers. */
static bool device_set(const struct hsmd_ctx *ctx, json_object *arr, uint32_t *out)
{
    size_t n = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;

    *out = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(arr, i);
        int64_t d = json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : -1;
        if (d < 0 || (uint64_t)d >= hsmd_pool_size(ctx->pool) || (*out >> d & 1u))
            return false;
        *out |= 1u << d;
    }
    return n > 0;
}

/* POST /admin/keys: {"key_id": ..., "secret": ... [, "policy": ...]
 * [, "devices": [...]]}. The secret stays in r->body and r->json until
 * hsmd_route_admin_wipe. */
static enum MHD_Result admin_put(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    json_object *id, *secret, *policy = NULL, *devices = NULL;

    if (r->too_long)
        return hsmd_reply_error(r, 413 /* Content Too Large */, "message-too-long");
    if (!(r->json = parse_object(r->body, r->len)))
        return hsmd_reply_error(r, MHD_HTTP_BAD_REQUEST, "invalid-json");
    if (!json_object_object_get_ex(r->json, "key_id", &id) ||
        !json_object_is_type(id, json_type_string) ||
        !json_object_object_get_ex(r->json, "secret", &secret) ||
        !json_object_is_type(secret, json_type_string) ||
        !key_id_ok(json_object_get_string(id)) || json_object_get_string_len(secret) == 0 ||
        (json_object_object_get_ex(r->json, "policy", &policy) &&
         !json_object_is_type(policy, json_type_string)) ||
        (json_object_object_get_ex(r->json, "devices", &devices) &&
         !device_set(ctx, devices, &r->job.targets)) ||
        json_object_object_length(r->json) != 2 + (policy != NULL) + (devices != NULL))
        return hsmd_reply_error(r, MHD_HTTP_BAD_REQUEST, "invalid-field");
    if (policy && !policy_of(json_object_get_string(policy), &r->job.policy))
        return hsmd_reply_error(r, MHD_HTTP_BAD_REQUEST, "invalid-policy");
    r->job.kind = HSMD_JOB_KEY_PUT;
    r->job.key_id = json_object_get_string(id);
    r->job.secret = json_object_get_string(secret);
    hsmd_printable(r->sts.key_id, sizeof r->sts.key_id, r->job.key_id);
    return hsmd_request_submit(ctx, r);
}

enum MHD_Result hsmd_route_admin(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    const char *method = r->method;
    const char *id = strlen(r->path) > 12 ? r->path + 12 : ""; /* after "/admin/keys/" */

    if (strcmp(r->path, "/admin/lock") == 0) {
        if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
            return hsmd_reply_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, "method-not-allowed");
        r->job.kind = HSMD_JOB_LOCK;
        return hsmd_request_submit(ctx, r);
    }
    if (strcmp(r->path, "/admin/keys") == 0) {
        if (strcmp(method, MHD_HTTP_METHOD_POST) == 0)
            return admin_put(ctx, r);
        if (strcmp(method, MHD_HTTP_METHOD_GET) != 0)
            return hsmd_reply_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, "method-not-allowed");
        r->job.kind = HSMD_JOB_KEY_IDS;
        r->job.ids = r->body;
        r->job.ids_cap = sizeof r->body;
        return hsmd_request_submit(ctx, r);
    }
    size_t n = strlen(id);
    if (strncmp(r->path, "/admin/keys/", strlen("/admin/keys/")) == 0 && n > 7 &&
        strcmp(id + n - 7, "/policy") == 0) {
        char *slash = strrchr(r->path, '/');
        *slash = '\0'; /* r->path is ours; the log shows the id alone then */
        if (!key_id_ok(id))
            return hsmd_reply_error(r, MHD_HTTP_NOT_FOUND, "not-found");
        if (strcmp(method, MHD_HTTP_METHOD_GET) != 0)
            return hsmd_reply_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, "method-not-allowed");
        r->job.kind = HSMD_JOB_KEY_POLICY;
        r->job.key_id = id;
        r->job.ids = r->body;
        r->job.ids_cap = sizeof r->body;
        hsmd_printable(r->sts.key_id, sizeof r->sts.key_id, id);
        return hsmd_request_submit(ctx, r);
    }
    if (strncmp(r->path, "/admin/keys/", strlen("/admin/keys/")) == 0 && key_id_ok(id)) {
        if (strcmp(method, MHD_HTTP_METHOD_DELETE) != 0)
            return hsmd_reply_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, "method-not-allowed");
        r->job.kind = HSMD_JOB_KEY_DELETE;
        r->job.key_id = id;
        hsmd_printable(r->sts.key_id, sizeof r->sts.key_id, id);
        return hsmd_request_submit(ctx, r);
    }
    return hsmd_reply_error(r, MHD_HTTP_NOT_FOUND, "not-found");
}

enum MHD_Result hsmd_route_admin_finish(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    hsmd_route_admin_wipe(r);
    if (r->queue_full || r->job.status != AWSV2_OK)
        return job_failed(r);
    if (r->job.kind == HSMD_JOB_KEY_IDS)
        return hsmd_route_keys_finish(ctx, r);
    json_object *obj = json_object_new_object();
    if (obj)
        json_object_object_add(obj, "success", json_object_new_boolean(1));
    if (obj && r->job.kind == HSMD_JOB_KEY_POLICY)
        json_object_object_add(obj, "policy", json_object_new_string(r->job.ids));
    return hsmd_reply_json(r, MHD_HTTP_OK, obj);
}

void hsmd_route_admin_wipe(struct hsmd_request *r)
{
    if (r->route != HSMD_ROUTE_ADMIN)
        return;
    json_object *secret;
    /* also when the request was refused before it had a job */
    if (r->json && json_object_object_get_ex(r->json, "secret", &secret) &&
        json_object_is_type(secret, json_type_string))
        awsv2_wipe((char *)json_object_get_string(secret),
                   (size_t)json_object_get_string_len(secret));
    r->job.secret = NULL;
    awsv2_key_policy_free(r->job.policy);
    r->job.policy = NULL;
    if (r->job.kind != HSMD_JOB_KEY_IDS && r->job.kind != HSMD_JOB_KEY_POLICY) {
        awsv2_wipe(r->body, r->len);
        r->len = 0;
    }
}
