/* The signer registry and the calls every backend shares: spec dispatch,
 * input validation, batches, descriptions, key ids and device keys. Every
 * signer, built-in or an application's, is an operations table and its
 * context (awsv2_signer_new). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2_sts.h"
#include "awsv2_sts4.h"
#include "credentials_impl.h"
#include "signer_impl.h"

struct awsv2_signer {
    awsv2_signer_ops ops; /* the caller's table, absent members NULL */
    void *ctx;
    char *description;    /* malloc'd, no secrets */
    awsv2__sign_marked_fn sign_marked; /* a built-in backend's; NULL: none */
};

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
    {"pkcs11:", 0, awsv2__pkcs11_open},
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
                       "http://HOST:PORT/PATH, https://HOST:PORT/PATH, pkcs11:URI",
                       spec);
}

/* Whether the spec's options (after its '?') name timeout_ms. */
static bool names_timeout(const char *spec)
{
    const char *q = strchr(spec, '?');
    if (!q)
        return false;
    for (const char *o = q + 1; o; o = strchr(o, '&'), o = o ? o + 1 : NULL)
        if (strncmp(o, "timeout_ms=", 11) == 0)
            return true;
    return false;
}

awsv2_status awsv2_signer_open_timeout(awsv2_signer **out, const char *spec,
                                       const awsv2_credentials *creds, long timeout_ms,
                                       awsv2_error *err)
{
    spec = awsv2_signer_spec_resolve(spec);
    bool waits = strncmp(spec, "due:", 4) == 0 || strncmp(spec, "http://", 7) == 0 ||
                 strncmp(spec, "https://", 8) == 0;
    if (timeout_ms <= 0 || !waits || names_timeout(spec))
        return awsv2_signer_open(out, spec, creds, err);
    /* A spec may hold a token file's path but no secret: no wipe needed. */
    size_t len = strlen(spec) + sizeof "&timeout_ms=" + 20;
    char *with = malloc(len);
    if (!with) {
        *out = NULL;
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    }
    snprintf(with, len, "%s%ctimeout_ms=%ld", spec, strchr(spec, '?') ? '&' : '?', timeout_ms);
    awsv2_status st = awsv2_signer_open(out, with, creds, err);
    free(with);
    return st;
}

awsv2_status awsv2_signer_new(awsv2_signer **out, const awsv2_signer_ops *ops, void *ctx,
                              const char *description, awsv2_error *err)
{
    *out = NULL;
    if (!ops || !ops->sign)
        return awsv2__fail(err, AWSV2_E_INVALID, "a signer needs a sign operation");
    size_t size = ops->size == 0 ? sizeof *ops : ops->size;
    if (size < offsetof(awsv2_signer_ops, sign) + sizeof ops->sign)
        return awsv2__fail(err, AWSV2_E_INVALID, "awsv2_signer_ops.size %zu is too small",
                           ops->size);
    awsv2_signer *s = calloc(1, sizeof *s);
    if (!s)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    /* An older, smaller table leaves the newer members NULL: absent. */
    memcpy(&s->ops, ops, size < sizeof s->ops ? size : sizeof s->ops);
    s->ops.size = sizeof s->ops;
    s->ctx = ctx;
    s->description = awsv2__strdup(description ? description : "custom signer");
    if (!s->description) {
        free(s);
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    }
    *out = s;
    return AWSV2_OK;
}

void awsv2_signer_close(awsv2_signer *s)
{
    if (!s)
        return;
    if (s->ops.close)
        s->ops.close(s->ctx);
    free(s->description);
    free(s);
}

int awsv2_string_to_sign_is_valid(const char *s, size_t len)
{
    return awsv2__sts_is_valid(s, len);
}

static awsv2_status check_job(awsv2_sign_job *job, awsv2_error *err)
{
    job->mac_len = 0;
    if (job->size != 0 && job->size < sizeof *job)
        return job->status = awsv2__fail(err, AWSV2_E_INVALID, "awsv2_sign_job.size %zu is too small",
                                         job->size);
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
    return awsv2__signer_sign_marked(s, hash, sts, len, NULL, mac, mac_len, err);
}

void awsv2__signer_set_sign_marked(awsv2_signer *s, awsv2__sign_marked_fn fn)
{
    s->sign_marked = fn;
}

awsv2_status awsv2__signer_sign_marked(awsv2_signer *s, awsv2_hash hash, const char *sts,
                                       size_t len, const struct awsv2__key_id_mark *mark,
                                       uint8_t mac[AWSV2_MAC_MAX], size_t *mac_len,
                                       awsv2_error *err)
{
    awsv2_sign_job job = {.size = sizeof job, .string_to_sign = sts, .len = len, .hash = hash};
    awsv2_status st = job.status = mark && s->sign_marked
                                       ? s->sign_marked(s->ctx, &job, mark, err)
                                       : s->ops.sign(s->ctx, &job, err);
    if (!st) {
        memcpy(mac, job.mac, job.mac_len);
        *mac_len = job.mac_len;
    }
    return st; /* a MAC is no secret: it is sent with the request */
}

/* Validates every job first: a batch with one bad input signs nothing, and
 * the good jobs say so instead of claiming success without a MAC. */
static awsv2_status check_batch(awsv2_sign_job *const *jobs, size_t n, awsv2_error *err)
{
    awsv2_status first = AWSV2_OK;
    awsv2_error job_err = {0};
    for (size_t i = 0; i < n; i++)
        if (check_job(jobs[i], &job_err) && !first) {
            first = jobs[i]->status;
            awsv2__error_copy(err, &job_err);
        }
    if (first)
        for (size_t i = 0; i < n; i++)
            if (jobs[i]->status == AWSV2_OK)
                jobs[i]->status = AWSV2_E_INVALID;
    return first;
}

awsv2_status awsv2_signer_sign_batch(awsv2_signer *s, awsv2_sign_job *const *jobs, size_t n,
                                     awsv2_error *err)
{
    awsv2_status first = check_batch(jobs, n, err);
    if (first)
        return first;
    if (s->ops.sign_batch)
        return s->ops.sign_batch(s->ctx, jobs, n, err);
    for (size_t i = 0; i < n; i++)
        if ((jobs[i]->status = s->ops.sign(s->ctx, jobs[i], first ? NULL : err)) && !first)
            first = jobs[i]->status;
    return first;
}

const char *awsv2_signer_describe(const awsv2_signer *s)
{
    return s->description;
}

unsigned awsv2_signer_capabilities(const awsv2_signer *s)
{
    if (s->ops.capabilities)
        return s->ops.capabilities(s->ctx);
    return AWSV2_SIGNER_CAN_HMAC_SHA256 | AWSV2_SIGNER_CAN_HMAC_SHA1 |
           (s->ops.sign4 ? AWSV2_SIGNER_CAN_SIGV4 : 0u);
}

awsv2_hash awsv2_signer_default_hash(const awsv2_signer *s)
{
    unsigned can = awsv2_signer_capabilities(s);
    return !(can & AWSV2_SIGNER_CAN_HMAC_SHA256) && (can & AWSV2_SIGNER_CAN_HMAC_SHA1)
               ? AWSV2_HMAC_SHA1
               : AWSV2_HMAC_SHA256;
}

awsv2_status awsv2_signer_ping(awsv2_signer *s, awsv2_error *err)
{
    return s->ops.ping ? s->ops.ping(s->ctx, err) : AWSV2_OK;
}

static awsv2_status no_op(const awsv2_signer *s, const char *what, awsv2_error *err)
{
    return awsv2__fail(err, AWSV2_E_UNAVAILABLE, "signer %s cannot %s", s->description, what);
}

int awsv2_key_id_is_valid(const char *id)
{
    return id && awsv2__key_id_valid(id, strlen(id));
}

static awsv2_status check_key_id(const char *key_id, awsv2_error *err)
{
    if (!key_id || !awsv2__key_id_valid(key_id, strlen(key_id)))
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "an access key id is 1 to 128 characters of A-Z and 0-9");
    return AWSV2_OK;
}

awsv2_status awsv2_signer_key_ids(awsv2_signer *s, char *buf, size_t cap, awsv2_error *err)
{
    return s->ops.key_ids ? s->ops.key_ids(s->ctx, buf, cap, err)
                          : no_op(s, "list its keys", err);
}

awsv2_status awsv2_signer_key_put(awsv2_signer *s, const char *key_id, const char *secret,
                                  const awsv2_key_policy *policy, awsv2_error *err)
{
    awsv2_status st = check_key_id(key_id, err);
    if (st)
        return st;
    if (!secret || !*secret)
        return awsv2__fail(err, AWSV2_E_INVALID, "no secret for %s", key_id);
    return s->ops.key_put ? s->ops.key_put(s->ctx, key_id, secret, policy, err)
                          : no_op(s, "store keys", err);
}

awsv2_status awsv2_signer_key_put_credentials(awsv2_signer *s, const awsv2_credentials *creds,
                                              const awsv2_key_policy *policy, awsv2_error *err)
{
    const char *secret = creds ? awsv2__credentials_secret(creds) : NULL;
    if (!secret)
        return awsv2__fail(err, AWSV2_E_CREDENTIALS, "the credentials hold no key pair");
    return awsv2_signer_key_put(s, awsv2_credentials_access_key_id(creds), secret, policy, err);
}

awsv2_status awsv2_signer_key_delete(awsv2_signer *s, const char *key_id, awsv2_error *err)
{
    awsv2_status st = check_key_id(key_id, err);
    if (st)
        return st;
    return s->ops.key_delete ? s->ops.key_delete(s->ctx, key_id, err)
                             : no_op(s, "delete keys", err);
}

awsv2_status awsv2_signer_lock(awsv2_signer *s, awsv2_error *err)
{
    return s->ops.lock ? s->ops.lock(s->ctx, err) : no_op(s, "be locked", err);
}

awsv2_status awsv2_signer_key_policy(awsv2_signer *s, const char *key_id, char *buf, size_t cap,
                                     awsv2_error *err)
{
    awsv2_status st = check_key_id(key_id, err);
    if (st)
        return st;
    if (!buf || cap == 0)
        return awsv2__fail(err, AWSV2_E_INVALID, "no room for the policy of %s", key_id);
    buf[0] = '\0';
    return s->ops.key_policy ? s->ops.key_policy(s->ctx, key_id, buf, cap, err)
                             : no_op(s, "show a key's policy", err);
}

awsv2_status awsv2_signer_audit_read(awsv2_signer *s, uint32_t seq, awsv2_audit_entry *entry,
                                     awsv2_error *err)
{
    /* Only the first layout exists yet: any size of it or more will do. */
    if (entry->size != 0 && entry->size < sizeof *entry)
        return awsv2__fail(err, AWSV2_E_INVALID, "awsv2_audit_entry.size %zu is too small",
                           entry->size);
    entry->kind = AWSV2_AUDIT_END;
    entry->seq = 0;
    entry->line[0] = '\0';
    return s->ops.audit_read ? s->ops.audit_read(s->ctx, seq, entry, err)
                             : no_op(s, "read an audit log", err);
}

awsv2_status awsv2_signer_audit_mode(awsv2_signer *s, const char *mode, awsv2_error *err)
{
    if (!mode || (strcmp(mode, "wrap") != 0 && strcmp(mode, "strict") != 0))
        return awsv2__fail(err, AWSV2_E_INVALID, "audit mode '%s' is neither wrap nor strict",
                           mode ? mode : "(null)");
    return s->ops.audit_mode ? s->ops.audit_mode(s->ctx, mode, err)
                             : no_op(s, "set an audit mode", err);
}

/* The message of a refusal awsv2__sts4_check reports. */
static const char *sts4_why(int rc)
{
    switch (rc) {
    case AWSV2__STS4_BAD_KEY_ID:
        return "the access key id is not 1 to 128 characters of A-Z and 0-9";
    case AWSV2__STS4_BAD_SCOPE:
        return "the region, service or presigned credential scope is invalid";
    default:
        return "not a canonical request a signer accepts";
    }
}

awsv2_status awsv2_signer_sign4(awsv2_signer *s, awsv2_sign4_job *job, awsv2_error *err)
{
    /* Only the first layout exists yet: any size of it or more will do. */
    if (job->size != 0 && job->size < sizeof *job)
        return job->status = awsv2__fail(err, AWSV2_E_INVALID,
                                         "awsv2_sign4_job.size %zu is too small", job->size);
    memset(job->signature, 0, sizeof job->signature);
    if (!job->key_id || !job->region || !job->service || !job->canonical_request ||
        (!job->payload && job->payload_len))
        return job->status = awsv2__fail(err, AWSV2_E_INVALID,
                                         "a SigV4 job needs a key id, region, service and "
                                         "canonical request");
    struct awsv2__sts4 info;
    int rc = awsv2__sts4_check(job->key_id, job->region, job->service, job->canonical_request,
                               job->canonical_request_len, job->payload != NULL, &info);
    if (rc)
        return job->status = awsv2_error_set(err, AWSV2_E_INVALID, awsv2__sts4_code(rc), "%s",
                                             sts4_why(rc));
    if (!s->ops.sign4)
        return job->status = no_op(s, "sign with Signature Version 4", err);
    job->status = s->ops.sign4(s->ctx, job, err);
    if (job->status)
        memset(job->signature, 0, sizeof job->signature); /* nothing half-made */
    return job->status;
}

/* The message of a refusal awsv2_string_to_sign_inspect reports. */
static const char *sts_why(awsv2__sts_status st)
{
    switch (st) {
    case AWSV2__STS_OK:
        return "a string to sign";
    case AWSV2__STS_MALFORMED:
        return "not a string to sign (printable ASCII with exactly three newlines)";
    case AWSV2__STS_NO_KEY_ID:
        return "the string to sign has no AWSAccessKeyId";
    case AWSV2__STS_BAD_KEY_ID:
        return "the string to sign has a repeated or malformed AWSAccessKeyId";
    case AWSV2__STS_BAD_METHOD:
        return "the string to sign has a repeated or unsupported SignatureMethod";
    }
    return "not a string to sign";
}

awsv2_status awsv2_string_to_sign_inspect(const char *str, size_t len, awsv2_sts_info *info,
                                          awsv2_error *err)
{
    /* Only the first layout exists yet: any size of it or more will do. */
    if (info->size != 0 && info->size < sizeof *info)
        return awsv2__fail(err, AWSV2_E_INVALID, "awsv2_sts_info.size %zu is too small",
                           info->size);
    awsv2__sts sts;
    awsv2__sts_status st = awsv2__sts_parse(str, len, &sts);
    memcpy(info->key_id, sts.key_id, sts.key_id_len + 1);
    size_t n = sts.action_len < sizeof info->action - 1 ? sts.action_len : sizeof info->action - 1;
    if (sts.action && n) {
        memcpy(info->action, sts.action, n);
        info->action[n] = '\0';
    } else {
        strcpy(info->action, "-");
    }
    info->hash = sts.hash == AWSV2__STS_SHA256 ? AWSV2_HMAC_SHA256 : AWSV2_HMAC_SHA1;
    if (st == AWSV2__STS_OK)
        return AWSV2_OK;
    return awsv2_error_set(err, AWSV2_E_INVALID, awsv2__sts_code(st), "%s", sts_why(st));
}

awsv2_status awsv2_signer_pick_key_id(awsv2_signer *s, const awsv2_credentials *creds, char *out,
                                      size_t cap, awsv2_error *err)
{
    const char *id = creds ? awsv2_credentials_access_key_id(creds) : NULL;
    char ids[AWSV2_KEY_IDS_SIZE];
    if (!id) {
        awsv2_error e = AWSV2_ERROR_INIT;
        awsv2_status st = awsv2_signer_key_ids(s, ids, sizeof ids, &e);
        /* The backend's reason stays in the message: it may be the real
         * problem (a device that cannot list keys, a daemon's wrong URL). */
        if (st == AWSV2_E_UNAVAILABLE)
            return awsv2__fail(err, AWSV2_E_CREDENTIALS,
                               "no access key id configured (give --access-key-id or "
                               "AWS_ACCESS_KEY_ID), and %s",
                               e.message);
        if (st)
            return awsv2_error_set(err, st, e.code[0] ? e.code : NULL, "%s", e.message);
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
