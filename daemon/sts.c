/* Parsing the query of a string to sign by whole parameter names (split at
 * '&'), never by substring, so "XAWSAccessKeyId=" selects nothing. */
#include <string.h>

#include "awsv2/signer.h"
#include "hex.h"
#include "sts_param.h"
#include "sts.h"

/* A parameter's value inside a query. */
struct param {
    const char *val;
    size_t len;
};

/* How many times name occurs in the string to sign s (its first value in
 * *p, still percent-encoded). */
static int find_param(const char *s, size_t len, const char *name, struct param *p)
{
    return awsv2__sts_param(s, len, name, &p->val, &p->len);
}

/* Percent-decodes p into out (max bytes, then a NUL); -1 if an escape is
 * bad or the value does not fit. */
static long decode(const struct param *p, char *out, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < p->len; i++) {
        char c = p->val[i];
        if (c == '%') {
            int hi = i + 2 < p->len ? awsv2__hex_digit(p->val[i + 1]) : -1;
            int lo = i + 2 < p->len ? awsv2__hex_digit(p->val[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return -1;
            c = (char)(hi << 4 | lo);
            i += 2;
        }
        if (n == max)
            return -1;
        out[n++] = c;
    }
    out[n] = '\0';
    return (long)n;
}

static int valid_key_id(const char *id, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9')))
            return 0;
    return 1;
}

static hsmd_sts_status key_id(const char *s, size_t len, struct hsmd_sts *out)
{
    struct param p;
    long n;

    switch (find_param(s, len, "AWSAccessKeyId", &p)) {
    case 0:
        return HSMD_STS_NO_KEY_ID;
    case 1:
        break;
    default:
        return HSMD_STS_BAD_KEY_ID;
    }
    n = decode(&p, out->key_id, HSMD_KEY_ID_MAX);
    if (n < 0 || !valid_key_id(out->key_id, (size_t)n)) {
        out->key_id[0] = '\0'; /* not safe to log */
        return HSMD_STS_BAD_KEY_ID;
    }
    return HSMD_STS_OK;
}

static hsmd_sts_status method(const char *s, size_t len, awsv2_hash *hash)
{
    struct param p;
    char name[16];

    switch (find_param(s, len, "SignatureMethod", &p)) {
    case 0:
        *hash = AWSV2_HMAC_SHA1; /* as the original device assumed */
        return HSMD_STS_OK;
    case 1:
        break;
    default:
        return HSMD_STS_BAD_METHOD;
    }
    if (decode(&p, name, sizeof name - 1) < 0 || awsv2_hash_parse(name, hash, NULL) != AWSV2_OK)
        return HSMD_STS_BAD_METHOD;
    return HSMD_STS_OK;
}

/* Keeps the (percent-encoded, so printable) Action for the log. */
static void action(const char *s, size_t len, struct hsmd_sts *out)
{
    struct param p;

    if (find_param(s, len, "Action", &p) == 0 || p.len == 0) {
        strcpy(out->action, "-");
        return;
    }
    size_t n = p.len < HSMD_ACTION_MAX ? p.len : HSMD_ACTION_MAX;
    memcpy(out->action, p.val, n);
    out->action[n] = '\0';
}

hsmd_sts_status hsmd_sts_parse(const char *s, size_t len, struct hsmd_sts *out)
{
    hsmd_sts_status st;

    out->key_id[0] = '\0';
    strcpy(out->action, "-");
    out->hash = AWSV2_HMAC_SHA1;
    if (!awsv2_string_to_sign_is_valid(s, len))
        return HSMD_STS_MALFORMED;
    action(s, len, out);
    st = key_id(s, len, out);
    return st != HSMD_STS_OK ? st : method(s, len, &out->hash);
}

const char *hsmd_sts_code(hsmd_sts_status st)
{
    static const char *const codes[] = {
        [HSMD_STS_OK] = "ok",
        [HSMD_STS_MALFORMED] = "invalid-command",
        [HSMD_STS_NO_KEY_ID] = "awsaccesskeyid-not-found",
        [HSMD_STS_BAD_KEY_ID] = "invalid-awsaccesskeyid",
        [HSMD_STS_BAD_METHOD] = "unsupported-signaturemethod",
    };
    return codes[st];
}
