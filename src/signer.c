/* The signer registry and the calls every backend shares: spec dispatch,
 * input validation, batches, descriptions and key ids. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signer_impl.h"

/* Adding a backend: one file in backends/ and one line here. */
static const struct {
    const char *prefix;
    int exact; /* 1: the whole spec must equal prefix */
    awsv2__backend_open_fn open;
} backends[] = {
    {"openssl", 1, awsv2__openssl_open},
    {"due:", 0, awsv2__due_open},
    {"http://", 0, awsv2__http_open},
    {"https://", 0, awsv2__http_open},
};

const char *awsv2_signer_spec_resolve(const char *flag)
{
    if (flag)
        return flag;
    const char *env = getenv("AWSV2_SIGNER");
    return env && *env ? env : "openssl";
}

awsv2_status awsv2_signer_open(awsv2_signer **out, const char *spec,
                               const awsv2_credentials *creds, awsv2_error *err)
{
    *out = NULL;
    spec = awsv2_signer_spec_resolve(spec);
    for (size_t i = 0; i < AWSV2__ARRAY_LEN(backends); i++) {
        size_t n = strlen(backends[i].prefix);
        if (backends[i].exact ? strcmp(spec, backends[i].prefix) == 0
                              : strncmp(spec, backends[i].prefix, n) == 0)
            return backends[i].open(out, spec, spec + n, creds, err);
    }
    return awsv2__fail(err, AWSV2_E_SPEC,
                       "signer spec '%s' is not one of: openssl, due:PATH, due:auto, "
                       "http://HOST:PORT/PATH, https://HOST:PORT/PATH",
                       spec);
}

void awsv2_signer_close(awsv2_signer *s)
{
    if (!s)
        return;
    s->ops->close(s);
    free(s->description);
    free(s); /* the backend's struct, whose first member s is */
}

/* 1 when no byte of s[0..n) is outside 0x20..0x7e. Eight bytes at a time:
 * every signature pays for this scan. */
static int printable(const char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t bad = 0, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        /* a byte < 0x20, or a byte >= 0x7f (0x7f + 1 and 0x80.. set the top bit) */
        bad |= ((w - 0x20 * ones) & ~w) | ((w + ones) | w);
    }
    for (; i < n; i++)
        bad |= (uint64_t)((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) << 7;
    return (bad & highs) == 0;
}

int awsv2_string_to_sign_is_valid(const char *s, size_t len)
{
    const char *end = s + len;
    for (int line = 0; line < 3; line++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        if (!nl || !printable(s, (size_t)(nl - s)))
            return 0;
        s = nl + 1;
    }
    return printable(s, (size_t)(end - s));
}

static awsv2_status check_job(awsv2_sign_job *job, awsv2_error *err)
{
    job->mac_len = 0;
    if (job->hash != AWSV2_HMAC_SHA256 && job->hash != AWSV2_HMAC_SHA1)
        return job->status = awsv2__fail(err, AWSV2_E_INVALID, "unknown hash %d", (int)job->hash);
    if (!job->string_to_sign || !awsv2_string_to_sign_is_valid(job->string_to_sign, job->len))
        return job->status = awsv2__fail(
                   err, AWSV2_E_INVALID,
                   "not a string to sign (printable ASCII with exactly three newlines)");
    return job->status = AWSV2_OK;
}

awsv2_status awsv2_signer_sign(awsv2_signer *s, awsv2_hash hash, const char *sts, size_t len,
                               uint8_t mac[AWSV2_MAC_MAX], size_t *mac_len, awsv2_error *err)
{
    awsv2_sign_job job = {.string_to_sign = sts, .len = len, .hash = hash};
    awsv2_status st = check_job(&job, err);
    return st ? st : awsv2__signer_sign_valid(s, hash, sts, len, mac, mac_len, err);
}

awsv2_status awsv2__signer_sign_valid(awsv2_signer *s, awsv2_hash hash, const char *sts,
                                      size_t len, uint8_t mac[AWSV2_MAC_MAX], size_t *mac_len,
                                      awsv2_error *err)
{
    awsv2_sign_job job = {.string_to_sign = sts, .len = len, .hash = hash};
    awsv2_status st = s->ops->sign(s, &job, err);
    if (!st) {
        memcpy(mac, job.mac, job.mac_len);
        *mac_len = job.mac_len;
    }
    return st; /* a MAC is no secret: it is sent with the request */
}

/* Validates every job first: a batch with one bad input signs nothing, and
 * the good jobs say so instead of claiming success without a MAC. */
static awsv2_status check_batch(awsv2_sign_job *jobs, size_t n, awsv2_error *err)
{
    awsv2_status first = AWSV2_OK;
    awsv2_error job_err;
    for (size_t i = 0; i < n; i++)
        if (check_job(&jobs[i], &job_err) && !first) {
            first = jobs[i].status;
            if (err)
                *err = job_err;
        }
    if (first)
        for (size_t i = 0; i < n; i++)
            if (jobs[i].status == AWSV2_OK)
                jobs[i].status = AWSV2_E_INVALID;
    return first;
}

awsv2_status awsv2_signer_sign_batch(awsv2_signer *s, awsv2_sign_job *jobs, size_t n,
                                     awsv2_error *err)
{
    awsv2_status first = check_batch(jobs, n, err);
    if (first)
        return first;
    if (s->ops->sign_batch)
        return s->ops->sign_batch(s, jobs, n, err);
    for (size_t i = 0; i < n; i++)
        if (s->ops->sign(s, &jobs[i], first ? NULL : err) && !first)
            first = jobs[i].status;
    return first;
}

const char *awsv2_signer_describe(const awsv2_signer *s)
{
    return s->description ? s->description : "signer";
}

awsv2_status awsv2__signer_describe_set(awsv2_signer *s, awsv2_error *err, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    free(s->description);
    s->description = awsv2__strdup(buf);
    return s->description ? AWSV2_OK : awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
}

awsv2_status awsv2_signer_ping(awsv2_signer *s, awsv2_error *err)
{
    return s->ops->ping ? s->ops->ping(s, err) : AWSV2_OK;
}

awsv2_status awsv2_signer_key_ids(awsv2_signer *s, char *buf, size_t cap, awsv2_error *err)
{
    if (!s->ops->key_ids)
        return awsv2__fail(err, AWSV2_E_UNAVAILABLE, "signer %s cannot list its keys",
                           awsv2_signer_describe(s));
    return s->ops->key_ids(s, buf, cap, err);
}

awsv2_status awsv2_signer_pick_key_id(awsv2_signer *s, const awsv2_credentials *creds, char *out,
                                      size_t cap, awsv2_error *err)
{
    const char *id = creds ? awsv2_credentials_access_key_id(creds) : NULL;
    char ids[1024];
    if (!id) {
        awsv2_status st = awsv2_signer_key_ids(s, ids, sizeof ids, err);
        if (st)
            return st == AWSV2_E_UNAVAILABLE
                       ? awsv2__fail(err, AWSV2_E_CREDENTIALS, "no access key id configured")
                       : st;
        if (!*ids || strchr(ids, ','))
            return awsv2__fail(err, AWSV2_E_CREDENTIALS,
                               "no access key id configured and signer %s holds %s: "
                               "pick one with --access-key-id or AWS_ACCESS_KEY_ID",
                               awsv2_signer_describe(s), *ids ? "several keys" : "no key");
        id = ids;
    }
    if (strlen(id) >= cap)
        return awsv2__fail(err, AWSV2_E_INVALID, "access key id too long");
    strcpy(out, id);
    return AWSV2_OK;
}
