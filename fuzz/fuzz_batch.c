/* awsv2-hsmd's POST /sign/batch (daemon/batch.c) in process, without
 * sockets: the route's handler and finish function called as the server
 * calls them, with the pool, the connection and the replies replaced by
 * the stand-ins below. The input is the signer's answer for every job
 * (one byte: a status), then the request body. Invariants
 * (docs/daemon-api.md): the handler either replies at once (never 200) or
 * submits; it submits exactly the strings the shared reader accepts, each
 * with the hash and key id it names; the connection is resumed exactly
 * once, after the last job; the answer is 200 and one JSON object per
 * string, in order, a signature exactly where the job succeeded. */
#include <stdbool.h>
#include <string.h>

#include <json-c/json.h>

#include "awsv2/signer.h"
#include "awsv2/util.h"
#include "batch.h"
#include "fuzz.h"
#include "pool.h"
#include "reply.h"
#include "routes.h"
#include "token.h"

static struct {
    int replies, submits, suspends, resumes;
    unsigned status;
    char *body;
    awsv2_status answer;
    bool full; /* the pool refuses the next job */
} seen;

void MHD_suspend_connection(struct MHD_Connection *c)
{
    (void)c;
    seen.suspends++;
}

void MHD_resume_connection(struct MHD_Connection *c)
{
    (void)c;
    seen.resumes++;
}

enum MHD_Result hsmd_reply_error(struct hsmd_request *r, unsigned status, const char *code)
{
    FUZZ_ASSERT(code && *code && status != 200);
    seen.replies++;
    seen.status = r->status = status;
    return MHD_YES;
}

enum MHD_Result hsmd_reply_text(struct hsmd_request *r, unsigned status, char *text, size_t len,
                                const char *type)
{
    (void)type;
    seen.replies++;
    seen.status = r->status = status;
    free(seen.body);
    seen.body = strndup(text, len);
    free(text);
    return MHD_YES;
}

bool hsmd_token_allows(const struct hsmd_token *t, const char *key_id, size_t len)
{
    (void)t, (void)key_id, (void)len;
    return true;
}

unsigned hsmd_route_outcome(awsv2_status st, const char *code, const char **out_code)
{
    (void)code;
    *out_code = st == AWSV2_E_REFUSED ? "refused" : "device-unavailable";
    return st == AWSV2_E_REFUSED ? 403 : 503;
}

/* Completes the job at once (the pool may), with the input's answer: a MAC
 * of the hash's size filled with the string's length. */
bool hsmd_pool_submit(hsmd_pool *pool, struct hsmd_job *job)
{
    (void)pool;
    FUZZ_ASSERT(job->kind == HSMD_JOB_SIGN && job->done && job->key_id);
    awsv2_sts_info info = {.size = sizeof info};
    FUZZ_ASSERT(awsv2_string_to_sign_inspect(job->sts, job->len, &info, NULL) == AWSV2_OK);
    FUZZ_ASSERT(info.hash == job->hash && strcmp(info.key_id, job->key_id) == 0);
    if (seen.full) {
        seen.full = false;
        return false;
    }
    seen.submits++;
    job->status = seen.answer;
    job->mac_len = seen.answer ? 0 : awsv2_hash_size(job->hash);
    memset(job->mac, (int)(job->len & 0xff), sizeof job->mac);
    if (seen.answer)
        snprintf(job->code, sizeof job->code, "x");
    job->done(job);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    unsigned a = fuzz_byte(&in);
    struct hsmd_request *r = calloc(1, sizeof *r);
    struct hsmd_ctx ctx = {0};

    FUZZ_ASSERT(r);
    memset(&seen, 0, sizeof seen);
    seen.answer = a % 3 == 0 ? AWSV2_OK : a % 3 == 1 ? AWSV2_E_REFUSED : AWSV2_E_DEVICE;
    seen.full = a >= 0x80;
    r->len = in.n < sizeof r->body ? in.n : sizeof r->body;
    r->too_long = in.n > sizeof r->body;
    memcpy(r->body, in.p, r->len);

    hsmd_batch_route(&ctx, r);
    if (seen.replies) {
        FUZZ_ASSERT(seen.replies == 1 && !r->submitted && seen.status != 200 && !seen.suspends);
    } else {
        FUZZ_ASSERT(r->submitted && seen.suspends == 1 && seen.resumes == 1);
        hsmd_batch_finish(&ctx, r);
        FUZZ_ASSERT(seen.replies == 1 && seen.status == 200 && seen.body);
        json_object *o = json_tokener_parse(seen.body), *results = NULL;
        FUZZ_ASSERT(o && json_object_object_get_ex(o, "results", &results));
        size_t n = json_object_array_length(results), ok = 0;
        FUZZ_ASSERT(n == json_object_array_length(r->json));
        for (size_t i = 0; i < n; i++) {
            json_object *it = json_object_array_get_idx(results, i), *v;
            json_object *s = json_object_array_get_idx(r->json, i);
            awsv2_sts_info info = {.size = sizeof info};
            bool valid = awsv2_string_to_sign_inspect(json_object_get_string(s),
                                                      (size_t)json_object_get_string_len(s),
                                                      &info, NULL) == AWSV2_OK;
            if (json_object_object_get_ex(it, "signature", &v)) {
                FUZZ_ASSERT(valid && seen.answer == AWSV2_OK);
                FUZZ_ASSERT((size_t)json_object_get_string_len(v) ==
                            2 * awsv2_hash_size(info.hash));
                ok++;
            } else {
                FUZZ_ASSERT(json_object_object_get_ex(it, "status", &v) &&
                            json_object_get_int(v) >= 400);
            }
        }
        FUZZ_ASSERT(ok <= (size_t)seen.submits);
        json_object_put(o);
    }
    json_object_put(r->json);
    free(seen.body);
    free(r);
    return 0;
}
