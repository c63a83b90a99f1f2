/* awsv2-hsmd's request path in process, without sockets: the bearer-token
 * check (daemon/token.c) and the route handlers (daemon/routes.c) called as
 * the server calls them, with the replies and the queue replaced by the
 * stand-ins below. The input picks a route and gives an Authorization
 * header, a body and the signer's answer, separated by 0x01:
 *   route byte, authorization \x01 body \x01 status byte, code \x01 ids
 * Invariants (docs/daemon-api.md): the token is accepted exactly when the
 * header is "Bearer " (any case) and the token; a handler either replies
 * once or submits one job, never both; POST /sign/aws submits exactly the
 * strings to sign the shared reader accepts; a finished job gets exactly
 * one reply whose status and code follow the table of device codes, and a
 * signature reply carries the MAC; /keys lists exactly the ids. */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "awsv2/signer.h"
#include "awsv2/util.h"
#include "fuzz.h"
#include "reply.h"
#include "routes.h"
#include "token.h"

static struct {
    int replies, submits;
    unsigned status;
    char code[AWSV2_ERROR_CODE_MAX];
    char *body; /* the JSON text of a JSON reply */
} seen;

static void record(struct hsmd_request *r, unsigned status, const char *code)
{
    seen.replies++;
    seen.status = r->status = status;
    snprintf(seen.code, sizeof seen.code, "%s", code);
    snprintf(r->error, sizeof r->error, "%s", code);
}

enum MHD_Result hsmd_reply_json(struct hsmd_request *r, unsigned status, json_object *obj)
{
    FUZZ_ASSERT(obj);
    record(r, status, "");
    free(seen.body);
    seen.body = strdup(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN));
    json_object_put(obj);
    return MHD_YES;
}

enum MHD_Result hsmd_reply_error(struct hsmd_request *r, unsigned status, const char *code)
{
    FUZZ_ASSERT(code && *code);
    record(r, status, code);
    return MHD_YES;
}

enum MHD_Result hsmd_reply_text(struct hsmd_request *r, unsigned status, char *text, size_t len,
                                const char *type)
{
    (void)len, (void)type;
    record(r, status, "");
    free(text);
    return MHD_YES;
}

enum MHD_Result hsmd_request_submit(const struct hsmd_ctx *ctx, struct hsmd_request *r)
{
    (void)ctx;
    seen.submits++;
    r->submitted = true;
    return MHD_YES;
}

/* Defined by the daemon's other files; weak, so that a definition moved
 * into routes.c or token.c wins. */
__attribute__((weak)) void hsmd_printable(char *out, size_t cap, const char *in)
{
    size_t n = 0;
    for (; in && *in && n + 1 < cap; in++)
        out[n++] = *in >= 0x20 && *in <= 0x7e ? *in : '?';
    if (cap)
        out[n] = '\0';
}

__attribute__((weak)) double hsmd_now(void)
{
    return 0;
}

/* The pool and the metrics are not what is fuzzed here: one device,
 * holding every key. */
size_t hsmd_pool_size(const hsmd_pool *p)
{
    (void)p;
    return 1;
}

bool hsmd_pool_holds(hsmd_pool *p, size_t i, const char *key_id, size_t len)
{
    (void)p, (void)i, (void)key_id, (void)len;
    return true;
}

size_t hsmd_pool_depth(hsmd_pool *p)
{
    (void)p;
    return 0;
}

size_t hsmd_pool_capacity(const hsmd_pool *p)
{
    (void)p;
    return 1;
}

const char *hsmd_pool_describe(const hsmd_pool *p)
{
    (void)p;
    return "fuzz";
}

void hsmd_pool_device(hsmd_pool *p, size_t i, struct hsmd_device_info *out)
{
    (void)p, (void)i;
    memset(out, 0, sizeof *out);
    out->signer = "fuzz";
    out->up = true;
}

void hsmd_pool_metrics(hsmd_pool *p, FILE *f)
{
    (void)p, (void)f;
}

char *hsmd_metrics_render(size_t queue_depth, size_t queue_capacity,
                          void (*more)(void *arg, FILE *f), void *arg, size_t *len)
{
    (void)queue_depth, (void)queue_capacity, (void)more, (void)arg;
    *len = 0;
    return strdup("");
}

/* The HTTP status and code of a failed job (the table in docs/daemon-api.md):
 * a device's code (the signer refused, or a SigV4 check did) keeps its own
 * status; else the status says. */
static unsigned want_status(awsv2_status st, const char *code, const char **want_code)
{
    static const struct {
        const char *code;
        unsigned http;
    } device[] = {
        {"unknown-awsaccesskey", 403},        {"message-too-long", 413},
        {"invalid-command", 400},             {"awsaccesskeyid-not-found", 400},
        {"invalid-awsaccesskeyid", 400},      {"unsupported-signaturemethod", 400},
        {"invalid-canonical-request", 400},   {"invalid-scope", 400},
        {"payload-mismatch", 400},            {"locked", 503},
        {"storage-failure", 503},             {"policy-denied", 403},
        {"rate-limited", 429},                {"audit-full", 503},
        {"key-exists", 409},
    };
    if (st == AWSV2_E_REFUSED || st == AWSV2_E_INVALID)
        for (size_t i = 0; i < sizeof device / sizeof device[0]; i++)
            if (strcmp(code, device[i].code) == 0)
                return *want_code = device[i].code, device[i].http;
    switch (st) {
    case AWSV2_E_REFUSED:
        return *want_code = "refused", 403;
    case AWSV2_E_INVALID:
        return *want_code = "invalid-command", 400;
    case AWSV2_E_UNAVAILABLE:
        return *want_code = "not-supported", 501;
    case AWSV2_E_DEVICE:
        return *want_code = "device-unavailable", 503;
    case AWSV2_E_PROTOCOL:
        return *want_code = "device-protocol-error", 503;
    case AWSV2_E_TIMEOUT:
        return *want_code = "device-timeout", 504;
    default:
        return *want_code = "internal-error", 500;
    }
}

/* The signer's answer to a submitted job, from the input. */
static void finish(struct hsmd_request *r, enum MHD_Result (*fin)(const struct hsmd_ctx *,
                                                                   struct hsmd_request *),
                   fuzz_in *in, uint8_t *mac, size_t mac_len)
{
    static const awsv2_status statuses[] = {AWSV2_OK,        AWSV2_E_REFUSED,  AWSV2_E_INVALID,
                                            AWSV2_E_DEVICE,  AWSV2_E_PROTOCOL, AWSV2_E_TIMEOUT,
                                            AWSV2_E_SIGNER,  AWSV2_E_UNAVAILABLE};
    unsigned b = fuzz_byte(in);
    size_t clen;
    const uint8_t *code = fuzz_field(in, 1, &clen);

    r->queue_full = b >= 0xF0;
    r->job.status = statuses[b % (sizeof statuses / sizeof statuses[0])];
    snprintf(r->job.code, sizeof r->job.code, "%.*s", (int)clen, (const char *)code);
    for (size_t i = 0; i < mac_len; i++)
        mac[i] = (uint8_t)(b * 13 + i);
    seen.replies = 0;
    fin(NULL, r);
    FUZZ_ASSERT(seen.replies == 1);
    if (r->queue_full) {
        FUZZ_ASSERT(seen.status == 503);
        return;
    }
    if (r->job.status == AWSV2_OK) {
        char hex[2 * AWSV2_MAC_MAX + 1], want[160];
        awsv2_hex_encode(mac, mac_len, hex);
        snprintf(want, sizeof want, "{\"success\":true,\"signature\":\"%s\"}", hex);
        FUZZ_ASSERT(seen.status == 200 && strcmp(seen.body, want) == 0);
        return;
    }
    const char *want_code;
    unsigned want = want_status(r->job.status, r->job.code, &want_code);
    FUZZ_ASSERT(seen.status == want && strcmp(seen.code, want_code) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char token[] = "fuzz-token-0123456789";
    struct hsmd_token tok;
    unsigned int dlen;
    fuzz_in in = {data, size};
    unsigned route = fuzz_byte(&in);
    size_t alen, blen;
    const uint8_t *auth = fuzz_field(&in, 1, &alen), *body = fuzz_field(&in, 1, &blen);

    FUZZ_ASSERT(EVP_Digest(token, sizeof token - 1, tok.digest, &dlen, EVP_sha256(), NULL));
    if (!memchr(auth, 0, alen)) {
        char *a = fuzz_strndup(auth, alen);
        bool want = alen == 7 + sizeof token - 1 && strncasecmp(a, "Bearer ", 7) == 0 &&
                    strcmp(a + 7, token) == 0;
        FUZZ_ASSERT(hsmd_token_check(&tok, a) == want);
        free(a);
    }
    FUZZ_ASSERT(!hsmd_token_check(&tok, NULL));

    struct hsmd_request *r = calloc(1, sizeof *r);
    FUZZ_ASSERT(r);
    memset(&seen, 0, sizeof seen);
    r->too_long = blen > sizeof r->body;
    r->len = r->too_long ? 0 : blen;
    memcpy(r->body, body, r->len);
    switch (route % 3) {
    case 0: { /* POST /sign/aws */
        r->limit = HSMD_BODY_MAX;
        if (blen > HSMD_BODY_MAX)
            r->too_long = true, r->len = 0;
        hsmd_route_sign(NULL, r);
        FUZZ_ASSERT(seen.replies + seen.submits == 1);
        awsv2_sts_info info = AWSV2_STS_INFO_INIT;
        bool valid = !r->too_long &&
                     awsv2_string_to_sign_inspect((const char *)body, blen, &info, NULL) == AWSV2_OK;
        FUZZ_ASSERT(seen.submits == valid);
        if (valid) {
            FUZZ_ASSERT(r->job.kind == HSMD_JOB_SIGN && r->job.sts == r->body &&
                        r->job.len == blen && r->job.hash == info.hash);
            r->job.mac_len = awsv2_hash_size(info.hash);
            finish(r, hsmd_route_sign_finish, &in, r->job.mac, r->job.mac_len);
        } else {
            FUZZ_ASSERT(seen.status == (r->too_long ? 413u : 400u));
        }
        break;
    }
    case 1: /* POST /sign/aws4 */
        r->limit = HSMD_BODY4_MAX;
        hsmd_route_sign4(NULL, r);
        FUZZ_ASSERT(seen.replies + seen.submits == 1);
        if (seen.submits) {
            awsv2_sign4_job *j = &r->job.sign4;
            FUZZ_ASSERT(r->job.kind == HSMD_JOB_SIGN4);
            FUZZ_ASSERT(j->key_id && j->region && j->service && j->canonical_request);
            FUZZ_ASSERT(!j->payload_len || j->payload);
            finish(r, hsmd_route_sign4_finish, &in, j->signature, sizeof j->signature);
        } else {
            FUZZ_ASSERT(seen.status == 400 || (r->too_long && seen.status == 413));
        }
        json_object_put(r->json);
        break;
    case 2: { /* GET /keys: the device's list, as a JSON array */
        char *ids = fuzz_strndup(body, strnlen((const char *)body, blen));
        hsmd_route_key_ids(NULL, r);
        FUZZ_ASSERT(seen.submits == 1 && r->job.ids && r->job.ids_cap > 0);
        snprintf(r->job.ids, r->job.ids_cap, "%s", ids);
        r->job.status = AWSV2_OK;
        static const struct hsmd_ctx one_device = {0};
        hsmd_route_keys_finish(&one_device, r);
        FUZZ_ASSERT(seen.replies == 1 && seen.status == 200);
        json_object *obj = json_tokener_parse(seen.body), *keys;
        FUZZ_ASSERT(obj && json_object_object_get_ex(obj, "keys", &keys));
        /* the ids, comma-separated, as they went in (truncated to the buffer) */
        size_t at = 0, n = strlen(r->job.ids);
        for (size_t i = 0; i < json_object_array_length(keys); i++) {
            const char *id = json_object_get_string(json_object_array_get_idx(keys, i));
            size_t l = strlen(id);
            FUZZ_ASSERT(at + l <= n && memcmp(r->job.ids + at, id, l) == 0);
            at += l;
            FUZZ_ASSERT(at == n || r->job.ids[at] == ',');
            at += at < n;
        }
        FUZZ_ASSERT(at == n);
        json_object_put(obj);
        free(ids);
        break;
    }
    }
    free(seen.body);
    free(r);
    return 0;
}
