/* Key policies and audit chains on the host: built and checked with the
 * device's own reader (firmware/hsm/src/awsv2_policy.c), so the host never
 * accepts a policy or a chain the device would not. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/signer.h"
#include "awsv2_policy.h"
#include "internal.h"

/* The device's field order (awsv2_policy.h), and what each takes. */
static const struct {
    const char *name, *takes;
} fields[] = {
    {"action", "action names of letters and digits, 1 to 64 each, joined by ','"},
    {"host", "host names of a-z 0-9 . - (optionally :port), joined by ','"},
    {"region", "regions of a-z 0-9 -, 1 to 63 each, joined by ','"},
    {"service", "services of a-z 0-9 -, 1 to 31 each, joined by ','"},
    {"version", "2, 4 or 2,4"},
    {"method", "GET, POST or GET,POST"},
    {"expires", "seconds, 1 to 604800, without leading zeros"},
    {"rate", "N/s or N/min, N 1 to 1000000"},
    {"scoped-key", "1"},
};

#define FIELD_COUNT (sizeof fields / sizeof fields[0])

struct awsv2_key_policy {
    char value[FIELD_COUNT][AWSV2__POLICY_MAX + 1]; /* "" when absent */
    char text[AWSV2__POLICY_MAX + 1];
};

_Static_assert(AWSV2_KEY_POLICY_SIZE == AWSV2__POLICY_MAX + 1, "the public size is the device's");

awsv2_status awsv2_key_policy_new(awsv2_key_policy **out, awsv2_error *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? AWSV2_OK : awsv2__fail(err, AWSV2_E_NOMEM, "out of memory for a key policy");
}

void awsv2_key_policy_free(awsv2_key_policy *p)
{
    free(p);
}

const char *awsv2_key_policy_text(const awsv2_key_policy *p)
{
    return p ? p->text : "";
}

/* Joins the fields in the device's order; false when it does not fit. */
static bool encode(char value[FIELD_COUNT][AWSV2__POLICY_MAX + 1], char *text, size_t cap)
{
    size_t n = 0;
    text[0] = '\0';
    for (size_t i = 0; i < FIELD_COUNT; i++) {
        if (!value[i][0])
            continue;
        size_t need = (n ? 1 : 0) + strlen(fields[i].name) + 1 + strlen(value[i]);
        if (n + need >= cap)
            return false;
        n += (size_t)snprintf(text + n, cap - n, "%s%s=%s", n ? ";" : "", fields[i].name,
                              value[i]);
    }
    return true;
}

static bool parses(const char *text)
{
    awsv2__policy p;
    return awsv2__policy_parse(text, strlen(text), &p) == 0;
}

/* The value alone, as the device reads it in that field. */
static bool parses_field(const char *name, const char *value)
{
    char text[AWSV2__POLICY_MAX + 1];
    int n = snprintf(text, sizeof text, "%s=%s", name, value);
    return n > 0 && (size_t)n < sizeof text && parses(text);
}

awsv2_status awsv2_key_policy_set(awsv2_key_policy *p, const char *name, const char *value,
                                  awsv2_error *err)
{
    size_t i = 0;
    if (!p)
        return awsv2__fail(err, AWSV2_E_INVALID, "no policy to set %s in", name ? name : "a field");
    while (i < FIELD_COUNT && (!name || strcmp(name, fields[i].name) != 0))
        i++;
    if (i == FIELD_COUNT)
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "'%s' is not a policy field (action, host, region, service, "
                           "version, method, expires, rate, scoped-key)",
                           name ? name : "(null)");
    if (value && (!*value || strlen(value) > AWSV2__POLICY_MAX || strchr(value, ';') ||
                  !parses_field(fields[i].name, value)))
        return awsv2__fail(err, AWSV2_E_INVALID, "policy field %s: '%s' is not valid (%s)",
                           fields[i].name, value, fields[i].takes);
    char (*next)[AWSV2__POLICY_MAX + 1] = malloc(sizeof p->value);
    char text[AWSV2__POLICY_MAX + 1];
    if (!next)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory for a key policy");
    memcpy(next, p->value, sizeof p->value);
    strcpy(next[i], value ? value : "");
    awsv2_status st = AWSV2_OK;
    if (!encode(next, text, sizeof text) || !parses(text))
        st = awsv2__fail(err, AWSV2_E_INVALID,
                         "policy field %s: the policy would be longer than the device's %d bytes",
                         fields[i].name, AWSV2__POLICY_MAX);
    else {
        memcpy(p->value, next, sizeof p->value);
        strcpy(p->text, text);
    }
    free(next);
    return st;
}

awsv2_status awsv2_audit_verify(const uint8_t prev[AWSV2_AUDIT_HASH_SIZE], const char *line,
                                size_t len, uint32_t *seq, int *restart,
                                uint8_t next[AWSV2_AUDIT_HASH_SIZE], awsv2_error *err)
{
    uint32_t s = 0;
    int r = 0;
    uint8_t chain[AWSV2__AUDIT_HASH];
    if (!line || awsv2__audit_verify(prev, line, len, &s, &r, chain) != 0)
        return awsv2_error_set(err, AWSV2_E_INVALID, "audit-chain",
                               "not an audit record that follows the chain value before it");
    if (seq)
        *seq = s;
    if (restart)
        *restart = r;
    memcpy(next, chain, sizeof chain);
    return AWSV2_OK;
}
