/* Canonical query: sort by the bytes of the name, then percent-encode. */
#include <stdlib.h>
#include <string.h>

#include "canonical.h"
#include "params_impl.h"

/* Byte order of two names; a name that is a prefix of the other sorts
 * first, as memcmp over UTF-8 bytes (== code point order) wants. */
static int name_cmp(const awsv2_params *p, size_t a, size_t b)
{
    const struct awsv2__param *x = &p->entries[a], *y = &p->entries[b];
    size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
    int c = memcmp(p->arena.data + x->name, p->arena.data + y->name, n);
    if (c)
        return c;
    return (x->name_len > y->name_len) - (x->name_len < y->name_len);
}

/* Insertion sort: parameter sets are small (tens), mostly nearly sorted, and
 * this needs no comparison context that qsort lacks. */
static void sort_indices(const awsv2_params *p, size_t *idx, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        size_t v = idx[i], j = i;
        while (j > 0 && name_cmp(p, idx[j - 1], v) > 0) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
}

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

awsv2_status awsv2__canonical_query(const awsv2_params *p, awsv2__buf *out, size_t **order,
                                    size_t *order_cap)
{
    if (*order_cap < p->count) {
        size_t *o = realloc(*order, p->count * sizeof *o);
        if (!o)
            return AWSV2_E_NOMEM;
        *order = o;
        *order_cap = p->count;
    }
    size_t n = 0;
    for (size_t i = 0; i < p->count; i++)
        if (!is_signature(p, i))
            (*order)[n++] = i;
    sort_indices(p, *order, n);
    for (size_t k = 0; k < n; k++)
        if (encode_pair(p, (*order)[k], k == 0, out))
            return AWSV2_E_NOMEM;
    return awsv2__buf_reserve(out, 0);
}
