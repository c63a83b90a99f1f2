/* The due: backend: signing on an Arduino Due (or awsv2-due-emu) that keeps
 * the secrets. Spec "due:PATH[?timeout_ms=N&window=N]" or "due:auto[?...]";
 * the work is done by the pipelined link (due_link.c) over serial_port.c. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "due_command.h"
#include "due_link.h"
#include "serial_port.h"
#include "signer_impl.h"

#define DEFAULT_TIMEOUT_MS 2000
#define PATH_MAX_LEN 1024
#define KEYS_REPLY_MAX 4096
#define WINDOW_UNSET ULONG_MAX

struct due_signer {
    struct awsv2_signer base; /* first: the registry sees an awsv2_signer */
    struct awsv2__due_link *link;
};

static struct awsv2__due_link *link_of(awsv2_signer *s)
{
    return ((struct due_signer *)s)->link;
}

static awsv2_status due_sign(awsv2_signer *s, awsv2_sign_job *job, awsv2_error *err)
{
    return awsv2__due_link_sign(link_of(s), job, 1, err);
}

static awsv2_status due_sign_batch(awsv2_signer *s, awsv2_sign_job *jobs, size_t n,
                                   awsv2_error *err)
{
    return awsv2__due_link_sign(link_of(s), jobs, n, err);
}

static awsv2_status due_ping(awsv2_signer *s, awsv2_error *err)
{
    return awsv2__due_link_ping(link_of(s), err);
}

/* KEYS is sent only when asked, alone on the link (never between
 * pipelined requests). */
static awsv2_status due_key_ids(awsv2_signer *s, char *buf, size_t cap, awsv2_error *err)
{
    char reply[KEYS_REPLY_MAX];
    awsv2_status st = awsv2__due_link_command(link_of(s), "KEYS", reply, sizeof reply, err);
    if (st)
        return st;
    const char *ids = strncmp(reply, "KEYS", 4) == 0 && (reply[4] == ' ' || !reply[4])
                          ? reply + 4 + (reply[4] == ' ')
                          : NULL;
    if (!ids)
        return awsv2__fail(err, AWSV2_E_PROTOCOL, "unexpected reply to KEYS from the device");
    if (strlen(ids) >= cap)
        return awsv2__fail(err, AWSV2_E_INVALID, "the device's key ids do not fit in %zu bytes",
                           cap);
    memcpy(buf, ids, strlen(ids) + 1);
    return AWSV2_OK;
}

static void due_close(awsv2_signer *s)
{
    awsv2__due_link_close(link_of(s));
}

static const struct awsv2_signer_ops due_ops = {
    .sign = due_sign,
    .sign_batch = due_sign_batch,
    .ping = due_ping,
    .key_ids = due_key_ids,
    .close = due_close,
};

awsv2_status awsv2__due_command(awsv2_signer *signer, const char *command, char *reply,
                                size_t cap, awsv2_error *err)
{
    if (!signer || signer->ops != &due_ops)
        return awsv2__fail(err, AWSV2_E_INVALID, "device commands need a due: signer");
    return awsv2__due_link_command(link_of(signer), command, reply, cap, err);
}

/* Splits "PATH?options" and reads the options. */
static awsv2_status parse_spec(const char *spec, const char *rest, char *path,
                               unsigned long *timeout_ms, unsigned long *window,
                               awsv2_error *err)
{
    static const char *const allowed[] = {"timeout_ms", "window", NULL};
    const char *q = strchr(rest, '?');
    size_t len = q ? (size_t)(q - rest) : strlen(rest);
    if (len == 0)
        return awsv2__fail(err, AWSV2_E_SPEC, "signer spec '%s': no device path after 'due:'",
                           spec);
    if (len >= PATH_MAX_LEN)
        return awsv2__fail(err, AWSV2_E_SPEC, "signer spec '%s': device path too long", spec);
    memcpy(path, rest, len);
    path[len] = '\0';
    unsigned long values[2] = {DEFAULT_TIMEOUT_MS, WINDOW_UNSET};
    awsv2_status st = q ? awsv2__spec_options(spec, q + 1, allowed, values, err) : AWSV2_OK;
    if (st)
        return st;
    if (values[0] == 0 || values[1] == 0)
        return awsv2__fail(err, AWSV2_E_SPEC,
                           "signer spec '%s': timeout_ms and window must be at least 1", spec);
    *timeout_ms = values[0];
    *window = values[1] == WINDOW_UNSET ? 0 : values[1]; /* 0: the port's default */
    return AWSV2_OK;
}

static awsv2_status open_link(struct due_signer *d, const char *spec, const char *path,
                              unsigned long timeout_ms, unsigned long window, awsv2_error *err)
{
    awsv2_error e;
    awsv2_status st = awsv2__due_link_open(&d->link, path, timeout_ms, window, &e);
    if (st)
        return awsv2__fail(err, st, "signer spec '%s': %s", spec, e.message);
    return awsv2__signer_describe_set(&d->base, err, "due:%s window=%lu timeout_ms=%lu", path,
                                      awsv2__due_link_window(d->link), timeout_ms);
}

awsv2_status awsv2__due_open(awsv2_signer **out, const char *spec, const char *rest,
                             const awsv2_credentials *creds, awsv2_error *err)
{
    (void)creds; /* the device holds the secrets */
    char path[PATH_MAX_LEN];
    unsigned long timeout_ms = 0, window = 0;
    awsv2_status st = parse_spec(spec, rest, path, &timeout_ms, &window, err);
    if (st)
        return st;
    if (strcmp(path, "auto") == 0) {
        awsv2_error e;
        if ((st = awsv2__serial_find_due(path, sizeof path, &e)))
            return awsv2__fail(err, st, "signer spec '%s': %s", spec, e.message);
    }
    struct due_signer *d = calloc(1, sizeof *d);
    if (!d)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    d->base.ops = &due_ops;
    st = open_link(d, spec, path, timeout_ms, window, err);
    if (st) {
        awsv2__due_link_close(d->link);
        free(d->base.description);
        free(d);
        return st;
    }
    *out = &d->base;
    return AWSV2_OK;
}
