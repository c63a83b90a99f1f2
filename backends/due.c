/* The due: backend: signing on an Arduino Due (or awsv2-due-emu) that keeps
 * the secrets. Spec "due:PATH[?timeout_ms=N&window=N&scoped_key=1]" or
 * "due:auto[?...]". This file turns the signer operations into requests;
 * the pipelined link (due_link.c) carries them over serial_port.c, and
 * due_reply.c reads the replies. With scoped_key=1, SigV4 is signed here
 * with the device's scoped keys (sigv4_host.h). */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2_sts.h"
#include "due_link.h"
#include "due_reply.h"
#include "serial_port.h"
#include "signer_impl.h"
#include "sigv4_host.h"

#define DEFAULT_TIMEOUT_MS 2000
#define PATH_MAX_LEN 1024
#define KEYS_REPLY_MAX 4096
#define WINDOW_UNSET ULONG_MAX

/* The signer's context: the link and, with scoped_key=1, the scope keys. */
struct due {
    struct awsv2__due_link *link;
    struct awsv2__scope_keys *keys; /* NULL without scoped_key=1 */
    char path[PATH_MAX_LEN];
};

/* The original firmware (legacy mode) signs with HMAC-SHA1 whatever the
 * string says, takes the key id its own way (awsv2__sts_legacy_key_id_ok)
 * and signs the first 8191 bytes of a longer request. So a job is sent only
 * when the device will sign exactly it, with the key the string names. */
static awsv2_status legacy_check(const struct due *d, const awsv2_sign_job *job,
                                 awsv2_error *err)
{
    if (job->hash != AWSV2_HMAC_SHA1)
        return awsv2__fail(err, AWSV2_E_UNAVAILABLE,
                           "the device at '%s' runs the original firmware (hsm.ino), which "
                           "signs HmacSHA1 only: ask for it (--signature-method HmacSHA1), or "
                           "load firmware/hsm for HmacSHA256 and SigV4",
                           d->path);
    if (job->len + sizeof "SIGN-AWS-V2 " - 1 > AWSV2__DUE_LEGACY_REQUEST_MAX)
        return awsv2_error_set(err, AWSV2_E_INVALID, "message-too-long",
                               "a %zu-byte string to sign is too long for the original "
                               "firmware (at most %zu bytes): never sent to it",
                               job->len,
                               AWSV2__DUE_LEGACY_REQUEST_MAX - (sizeof "SIGN-AWS-V2 " - 1));
    if (!awsv2__sts_legacy_key_id_ok(job->string_to_sign, job->len))
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "the original firmware would not read this string to sign's "
                           "AWSAccessKeyId parameter as its key id: never sent to it");
    return AWSV2_OK;
}

static awsv2_status due_sign_batch(void *ctx, awsv2_sign_job *const *jobs, size_t n,
                                   awsv2_error *err)
{
    struct due *d = ctx;
    if (awsv2__due_link_legacy(d->link)) {
        /* As the library does: any job refused, nothing signed. */
        awsv2_status first = AWSV2_OK;
        for (size_t i = 0; i < n; i++)
            if ((jobs[i]->status = legacy_check(d, jobs[i], first ? NULL : err)) && !first)
                first = jobs[i]->status;
        for (size_t i = 0; first && i < n; i++)
            if (!jobs[i]->status)
                jobs[i]->status = first;
        if (first)
            return first;
    }
    return awsv2__due_link_sign(d->link, jobs, n, err);
}

static awsv2_status due_sign(void *ctx, awsv2_sign_job *job, awsv2_error *err)
{
    return due_sign_batch(ctx, &job, 1, err);
}

static unsigned due_capabilities(void *ctx)
{
    struct due *d = ctx;
    return awsv2__due_link_legacy(d->link) ? AWSV2_SIGNER_CAN_HMAC_SHA1
                                           : AWSV2_SIGNER_CAN_HMAC_SHA1 |
                                                 AWSV2_SIGNER_CAN_HMAC_SHA256 |
                                                 AWSV2_SIGNER_CAN_SIGV4;
}

/* With scoped_key=1: the device's kSigning for the job's scope (asked for
 * once, kept until its date ends), and the device's own signature for a
 * scope whose policy refuses to let the key out. */
static awsv2_status due_sign4(void *ctx, awsv2_sign4_job *job, awsv2_error *err)
{
    struct due *d = ctx;
    if (!d->keys)
        return awsv2__due_link_sign4(d->link, job, err);
    bool denied = false;
    awsv2_status st = awsv2__sigv4_host_sign(d->keys, job, &denied, err);
    if (!st && denied)
        st = awsv2__due_link_sign4(d->link, job, err);
    return st;
}

/* DERIVE-AWS-V4 for the scope cache: kSigning, or the device's refusal. */
static awsv2_status derive(void *ctx, const char *key_id, const char *date, const char *region,
                           const char *service, unsigned char key[32], awsv2_error *err)
{
    struct due *d = ctx;
    char cmd[sizeof "DERIVE-AWS-V4 " + AWSV2_KEY_ID_SIZE + 10 + AWSV2__STS4_REGION_MAX +
             AWSV2__STS4_SERVICE_MAX + 2];
    char reply[128], code[64];
    size_t n = 0;
    snprintf(cmd, sizeof cmd, "DERIVE-AWS-V4 %s %s %s %s", key_id, date, region, service);
    awsv2_status st = awsv2__due_link_command(d->link, cmd, reply, sizeof reply, err);
    if (!st && awsv2__due_parse_sign(reply, strlen(reply), AWSV2_HMAC_SHA256, key, &n, code,
                                     sizeof code) != AWSV2_OK)
        st = awsv2__fail(err, AWSV2_E_PROTOCOL, "unexpected reply to DERIVE-AWS-V4 from the "
                                                "device");
    awsv2_wipe(reply, sizeof reply);
    return st;
}

static awsv2_status due_ping(void *ctx, awsv2_error *err)
{
    struct awsv2__due_link *link = ((struct due *)ctx)->link;
    return awsv2__due_link_ping(link, err);
}

/* KEYS is sent only when asked, alone on the link (never between
 * pipelined requests). */
static awsv2_status due_key_ids(void *ctx, char *buf, size_t cap, awsv2_error *err)
{
    struct awsv2__due_link *link = ((struct due *)ctx)->link;
    char reply[KEYS_REPLY_MAX];
    const char *ids = NULL;
    size_t len = 0;
    if (awsv2__due_link_legacy(link))
        return awsv2__fail(err, AWSV2_E_UNAVAILABLE,
                           "the device at '%s' runs the original firmware (hsm.ino), which "
                           "cannot list its keys",
                           ((struct due *)ctx)->path);
    awsv2_status st = awsv2__due_link_command(link, "KEYS", reply, sizeof reply, err);
    if (st)
        return st;
    if (!awsv2__due_parse_keys(reply, strlen(reply), &ids, &len))
        return awsv2__fail(err, AWSV2_E_PROTOCOL, "unexpected reply to KEYS from the device");
    if (len >= cap)
        return awsv2__fail(err, AWSV2_E_INVALID, "the device's key ids do not fit in %zu bytes",
                           cap);
    memcpy(buf, ids, len);
    buf[len] = '\0';
    return AWSV2_OK;
}

/* Sends a key-management command, alone on the link, expecting "OK". name
 * is the command's name for messages: the command may hold a secret. */
static awsv2_status command_ok(void *link, const char *name, const char *command,
                               awsv2_error *err)
{
    char reply[64];
    awsv2_status st = awsv2__due_link_command(link, command, reply, sizeof reply, err);
    if (!st && strcmp(reply, "OK") != 0)
        st = awsv2__fail(err, AWSV2_E_PROTOCOL, "unexpected reply to %s from the device", name);
    return st;
}

/* The protocol separates arguments with one space, so a secret is one word
 * of printable ASCII. */
static bool plain_word(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s <= ' ' || *s > '~')
            return false;
    return true;
}

/* key_id is valid and secret not empty: awsv2_signer_key_put checked. */
static awsv2_status due_key_put(void *ctx, const char *key_id, const char *secret,
                                const awsv2_key_policy *policy, awsv2_error *err)
{
    struct awsv2__due_link *link = ((struct due *)ctx)->link;
    const char *text = policy ? awsv2_key_policy_text(policy) : "";
    if (!plain_word(secret))
        return awsv2__fail(err, AWSV2_E_INVALID, "the secret for %s has spaces or unprintable "
                                                 "characters: a Due cannot store it", key_id);
    char cmd[AWSV2__DUE_REQUEST_MAX];
    /* The policy was checked by the device's own parser when it was set. */
    int n = snprintf(cmd, sizeof cmd, "PUT-KEY %s %s%s%s", key_id, secret, *text ? " " : "",
                     text);
    awsv2_status st = n < 0 || (size_t)n >= sizeof cmd
                          ? awsv2__fail(err, AWSV2_E_INVALID, "the secret for %s is too long",
                                        key_id)
                          : command_ok(link, "PUT-KEY", cmd, err);
    awsv2_wipe(cmd, sizeof cmd);
    return st;
}

static awsv2_status due_key_delete(void *ctx, const char *key_id, awsv2_error *err)
{
    struct awsv2__due_link *link = ((struct due *)ctx)->link;
    char cmd[sizeof "DELETE-KEY " + AWSV2_KEY_ID_SIZE];
    snprintf(cmd, sizeof cmd, "DELETE-KEY %s", key_id);
    return command_ok(link, "DELETE-KEY", cmd, err);
}

static awsv2_status due_lock(void *ctx, awsv2_error *err)
{
    struct awsv2__due_link *link = ((struct due *)ctx)->link;
    return command_ok(link, "LOCK", "LOCK", err);
}

static awsv2_status due_key_policy(void *ctx, const char *key_id, char *buf, size_t cap,
                                   awsv2_error *err)
{
    struct awsv2__due_link *link = ((struct due *)ctx)->link;
    char cmd[sizeof "POLICY " + AWSV2_KEY_ID_SIZE], reply[AWSV2_KEY_POLICY_SIZE + 16];
    const char *text = NULL;
    size_t len = 0;
    snprintf(cmd, sizeof cmd, "POLICY %s", key_id);
    awsv2_status st = awsv2__due_link_command(link, cmd, reply, sizeof reply, err);
    if (st)
        return st;
    if (!awsv2__due_parse_policy(reply, strlen(reply), &text, &len))
        return awsv2__fail(err, AWSV2_E_PROTOCOL, "unexpected reply to POLICY from the device");
    if (len >= cap)
        return awsv2__fail(err, AWSV2_E_INVALID, "the policy of %s does not fit in %zu bytes",
                           key_id, cap);
    memcpy(buf, text, len);
    buf[len] = '\0';
    return AWSV2_OK;
}

static awsv2_status due_audit_read(void *ctx, uint32_t seq, awsv2_audit_entry *entry,
                                   awsv2_error *err)
{
    struct awsv2__due_link *link = ((struct due *)ctx)->link;
    char cmd[32];
    snprintf(cmd, sizeof cmd, "AUDIT %lu", (unsigned long)seq);
    awsv2_status st = awsv2__due_link_command(link, cmd, entry->line, sizeof entry->line, err);
    if (st)
        return st;
    int kind = awsv2__due_parse_audit(entry->line, strlen(entry->line), &entry->seq);
    if (kind < 0 || (kind != 2 && entry->seq != seq))
        return awsv2__fail(err, AWSV2_E_PROTOCOL, "unexpected reply to AUDIT %lu from the device",
                           (unsigned long)seq);
    entry->kind = kind == 0 ? AWSV2_AUDIT_RECORD : kind == 1 ? AWSV2_AUDIT_END : AWSV2_AUDIT_GAP;
    return AWSV2_OK;
}

static awsv2_status due_audit_mode(void *ctx, const char *mode, awsv2_error *err)
{
    struct awsv2__due_link *link = ((struct due *)ctx)->link;
    char cmd[32];
    snprintf(cmd, sizeof cmd, "AUDIT-MODE %s", mode);
    return command_ok(link, "AUDIT-MODE", cmd, err);
}

static void due_close(void *ctx)
{
    struct due *d = ctx;
    awsv2__scope_keys_free(d->keys);
    awsv2__due_link_close(d->link);
    free(d);
}

static const awsv2_signer_ops due_ops = {
    .size = sizeof due_ops,
    .sign = due_sign,
    .sign_batch = due_sign_batch,
    .ping = due_ping,
    .key_ids = due_key_ids,
    .key_put = due_key_put,
    .key_delete = due_key_delete,
    .lock = due_lock,
    .close = due_close,
    .sign4 = due_sign4,
    .key_policy = due_key_policy,
    .audit_read = due_audit_read,
    .audit_mode = due_audit_mode,
    .capabilities = due_capabilities,
};

/* Splits "PATH?options" and reads the options. */
static awsv2_status parse_spec(const char *spec, const char *rest, char *path,
                               unsigned long *timeout_ms, unsigned long *window,
                               bool *scoped, awsv2_error *err)
{
    static const char *const allowed[] = {"timeout_ms", "window", "scoped_key", NULL};
    const char *q = strchr(rest, '?');
    size_t len = q ? (size_t)(q - rest) : strlen(rest);
    if (len == 0)
        return awsv2__fail(err, AWSV2_E_SPEC, "signer spec '%s': no device path after 'due:'",
                           spec);
    if (len >= PATH_MAX_LEN)
        return awsv2__fail(err, AWSV2_E_SPEC, "signer spec '%s': device path too long", spec);
    memcpy(path, rest, len);
    path[len] = '\0';
    unsigned long values[3] = {DEFAULT_TIMEOUT_MS, WINDOW_UNSET, 0};
    awsv2_status st = q ? awsv2__spec_options(spec, q + 1, allowed, values, err) : AWSV2_OK;
    if (st)
        return st;
    if (values[0] == 0 || values[1] == 0)
        return awsv2__fail(err, AWSV2_E_SPEC,
                           "signer spec '%s': timeout_ms and window must be at least 1", spec);
    if (values[2] > 1)
        return awsv2__fail(err, AWSV2_E_SPEC, "signer spec '%s': scoped_key is 0 or 1", spec);
    *scoped = values[2] == 1;
    *timeout_ms = values[0];
    *window = values[1] == WINDOW_UNSET ? 0 : values[1]; /* 0: the port's default */
    return AWSV2_OK;
}

awsv2_status awsv2__due_open(awsv2_signer **out, const char *spec, const char *rest,
                             const awsv2_credentials *creds, awsv2_error *err)
{
    (void)creds; /* the device holds the secrets */
    char path[PATH_MAX_LEN], description[PATH_MAX_LEN + 160];
    unsigned long timeout_ms = 0, window = 0;
    bool scoped = false;
    awsv2_error e = AWSV2_ERROR_INIT;
    awsv2_status st = parse_spec(spec, rest, path, &timeout_ms, &window, &scoped, err);
    if (st)
        return st;
    if (strcmp(path, "auto") == 0 && (st = awsv2__serial_find_due(path, sizeof path, &e)))
        return awsv2__fail(err, st, "signer spec '%s': %s", spec, e.message);
    struct due *d = calloc(1, sizeof *d);
    if (!d)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    if (scoped && !(d->keys = awsv2__scope_keys_new(derive, d, true))) {
        free(d);
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    }
    snprintf(d->path, sizeof d->path, "%s", path);
    if ((st = awsv2__due_link_open(&d->link, path, timeout_ms, window, &e))) {
        due_close(d);
        return awsv2__fail(err, st, "signer spec '%s': %s", spec, e.message);
    }
    snprintf(description, sizeof description, "due:%s window=%lu timeout_ms=%lu%s%s", path,
             awsv2__due_link_window(d->link), timeout_ms, scoped ? " scoped_key=1" : "",
             awsv2__due_link_legacy(d->link)
                 ? " original-firmware (hsm.ino: HmacSHA1 only, key id from the host)"
                 : "");
    if ((st = awsv2_signer_new(out, &due_ops, d, description, err)))
        due_close(d);
    return st;
}
