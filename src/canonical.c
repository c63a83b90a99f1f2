/* Canonical query: parameter sets keep the order, so encode and join. */
#include <string.h>

#include "canonical.h"
#include "params_impl.h"

static int is_signature(const awsv2_params *p, size_t i)
{
    const struct awsv2__param *e = &p->entries[i];
    return e->name_len == 9 && memcmp(p->arena.data + e->name, "Signature", 9) == 0;
}

static awsv2_status encode_pair(const awsv2_params *p, size_t i, int first, awsv2__buf *out)
{
    const struct awsv2__param *e = &p->entries[i];
    if (awsv2__buf_reserve(out, 2 + 3 * (e->name_len + e->value_len)))
        return AWSV2_E_NOMEM;
    char *o = out->data + out->len;
    if (!first)
        *o++ = '&';
    o += awsv2_percent_encode(p->arena.data + e->name, e->name_len, o);
    *o++ = '=';
    o += awsv2_percent_encode(p->arena.data + e->value, e->value_len, o);
    out->len = (size_t)(o - out->data);
    return AWSV2_OK;
}

awsv2_status awsv2__canonical_query(const awsv2_params *p, awsv2__buf *out)
{
    int first = 1;
    for (size_t i = 0; i < p->count; i++) {
        if (is_signature(p, i))
            continue;
        if (encode_pair(p, i, first, out))
            return AWSV2_E_NOMEM;
        first = 0;
    }
    return awsv2__buf_reserve(out, 0);
}
