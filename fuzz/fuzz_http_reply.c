/* The http backend's reading of a signing daemon's replies
 * (backends/http_reply.c): JSON bodies from awsv2-hsmd and hsmd.py with any
 * HTTP status. The input is two bytes of status and the body. Invariants:
 * no crash or leak; a signature is accepted only with status 200 and is
 * the hex in the body (either case); the key list fits its buffer; an
 * error's code is printable and every failure has a message. A batch reply
 * (awsv2__http_parse_batch, for three jobs): every job gets a status, a
 * job that succeeded has its hash's length of MAC from a 200 reply, one
 * that failed has no MAC and a message. */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "awsv2/util.h"
#include "fuzz.h"
#include "http_reply.h"

static const long statuses[] = {200, 400, 401, 403, 404, 413, 500, 502, 503, 504, 301, 0};

static bool printable(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s > 0x7e)
            return false;
    return true;
}

static void check_failure(awsv2_status st, const awsv2_error *err)
{
    FUZZ_ASSERT(st != AWSV2_OK && err->message[0] && printable(err->code) && printable(err->message));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    unsigned a = fuzz_byte(&in), b = fuzz_byte(&in);
    long status = a < 200 ? statuses[a % (sizeof statuses / sizeof statuses[0])] : 100 + a + b;
    const char *url = "http://127.0.0.1:8086/sign/aws";
    /* exactly the body's bytes, unterminated, as libcurl hands them over */
    char *body = malloc(in.n ? in.n : 1);
    FUZZ_ASSERT(body);
    memcpy(body, in.p, in.n);

    for (int h = 0; h < 2; h++) {
        awsv2_hash hash = h ? AWSV2_HMAC_SHA1 : AWSV2_HMAC_SHA256;
        uint8_t mac[AWSV2_MAC_MAX];
        size_t mac_len = 0;
        awsv2_error err = AWSV2_ERROR_INIT;
        awsv2_status st = awsv2__http_parse_sign(status, body, in.n, hash, mac, &mac_len, url, &err);
        if (st == AWSV2_OK) {
            char hex[2 * AWSV2_MAC_MAX + 1];
            FUZZ_ASSERT(status == 200 && mac_len == awsv2_hash_size(hash));
            awsv2_hex_encode(mac, mac_len, hex);
            bool found = false;
            for (size_t i = 0; !found && i + 2 * mac_len <= in.n; i++)
                found = strncasecmp(body + i, hex, 2 * mac_len) == 0;
            FUZZ_ASSERT(found);
        } else {
            check_failure(st, &err);
        }
    }

    char ids[64];
    awsv2_error err = AWSV2_ERROR_INIT;
    awsv2_status st = awsv2__http_parse_keys(status, body, in.n, ids, sizeof ids, url, &err);
    if (st == AWSV2_OK)
        FUZZ_ASSERT(memchr(ids, 0, sizeof ids) != NULL);
    else
        check_failure(st, &err);

    awsv2_sign_job jobs[3], *p[3];
    awsv2_error errors[3], *errs[3];
    long http[3];
    for (int i = 0; i < 3; i++) {
        jobs[i] = (awsv2_sign_job)AWSV2_SIGN_JOB_INIT;
        jobs[i].hash = i == 1 ? AWSV2_HMAC_SHA1 : AWSV2_HMAC_SHA256;
        jobs[i].status = AWSV2_E_INVALID;
        p[i] = &jobs[i];
        errors[i] = (awsv2_error)AWSV2_ERROR_INIT;
        errs[i] = &errors[i];
    }
    st = awsv2__http_parse_batch(status, body, in.n, p, 3, http, errs, url);
    for (int i = 0; i < 3; i++) {
        if (jobs[i].status == AWSV2_OK)
            FUZZ_ASSERT(status == 200 && st == AWSV2_OK && http[i] == 200 &&
                        jobs[i].mac_len == awsv2_hash_size(jobs[i].hash));
        else
            FUZZ_ASSERT(jobs[i].mac_len == 0 && (st == AWSV2_OK || jobs[i].status == st));
        if (jobs[i].status)
            check_failure(jobs[i].status, &errors[i]);
    }

    err = (awsv2_error)AWSV2_ERROR_INIT;
    st = awsv2__http_parse_health(status, body, in.n, url, &err);
    if (st == AWSV2_OK)
        FUZZ_ASSERT(status == 200);
    else
        check_failure(st, &err);
    free(body);
    return 0;
}
