/* Parameter sets: unique names in byte order, one arena for the text.
 * Names and values live back to back in the arena as NUL-terminated
 * strings; entries hold offsets, so growing the arena moves nothing that
 * callers keep beyond the documented "until the set changes". */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "internal.h"
#include "params_impl.h"

/* Entries are kept sorted by the bytes of their names, the order of the
 * canonical query, so lookups are binary searches and signing needs no
 * sort. key holds the name's first 8 bytes big-endian (zero-padded): most
 * comparisons end there without touching the arena. */
struct awsv2__param {
    uint64_t key;
    uint32_t name, name_len; /* offset and length in the arena */
    uint32_t value, value_len;
};

struct awsv2_params {
    struct awsv2__param *entries;
    size_t count, cap;
    awsv2__buf arena;
};

awsv2_status awsv2_params_new(awsv2_params **out, awsv2_error *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? AWSV2_OK : awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
}

void awsv2_params_free(awsv2_params *p)
{
    if (!p)
        return;
    awsv2__buf_free(&p->arena); /* wiped: a SecurityToken may be in there */
    free(p->entries);
    free(p);
}

void awsv2_params_clear(awsv2_params *p)
{
    p->count = 0;
    awsv2__buf_reset(&p->arena);
}

static uint64_t name_key(const char *name, size_t len)
{
    unsigned char b[8] = {0};
    if (len >= 8)
        memcpy(b, name, 8); /* a fixed size: one load, no call */
    else
        for (size_t i = 0; i < len; i++)
            b[i] = (unsigned char)name[i];
    return (uint64_t)b[0] << 56 | (uint64_t)b[1] << 48 | (uint64_t)b[2] << 40 |
           (uint64_t)b[3] << 32 | (uint64_t)b[4] << 24 | (uint64_t)b[5] << 16 |
           (uint64_t)b[6] << 8 | b[7];
}

/* Byte order of entry e's name against (key, name, len). */
static int compare(const awsv2_params *p, const struct awsv2__param *e, uint64_t key,
                   const char *name, size_t len)
{
    if (e->key != key)
        return e->key < key ? -1 : 1;
    size_t n = e->name_len < len ? e->name_len : len;
    int c = n > 8 ? memcmp(p->arena.data + e->name + 8, name + 8, n - 8) : 0;
    return c ? c : (e->name_len > len) - (e->name_len < len);
}

/* The index of name, or where it would be inserted (*found = 0). */
static size_t search(const awsv2_params *p, const char *name, size_t len, int *found)
{
    uint64_t key = name_key(name, len);
    size_t lo = 0, hi = p->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = compare(p, &p->entries[mid], key, name, len);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

static awsv2_status grow_entries(awsv2_params *p)
{
    if (p->count < p->cap)
        return AWSV2_OK;
    size_t cap = p->cap ? p->cap * 2 : 32;
    struct awsv2__param *e = realloc(p->entries, cap * sizeof *e);
    if (!e)
        return AWSV2_E_NOMEM;
    p->entries = e;
    p->cap = cap;
    return AWSV2_OK;
}

/* Copies s and its NUL to the arena, which has room; returns its offset. */
static uint32_t arena_put(awsv2_params *p, const char *s, size_t n)
{
    uint32_t off = (uint32_t)p->arena.len;
    memcpy(p->arena.data + off, s, n);
    p->arena.data[off + n] = '\0';
    p->arena.len += n + 1;
    return off;
}

awsv2_status awsv2_params_set(awsv2_params *p, const char *name, const char *value,
                              awsv2_error *err)
{
    if (!name || !*name || !value)
        return awsv2__fail(err, AWSV2_E_INVALID, "parameter name and value are required");
    size_t name_len = strlen(name), value_len = strlen(value);
    /* Offsets are 32-bit: a query over 2 GiB is no query. */
    if (name_len + value_len + p->arena.len > UINT32_MAX / 2)
        return awsv2__fail(err, AWSV2_E_INVALID, "parameter %.64s is too large", name);
    int found;
    size_t i = search(p, name, name_len, &found);
    /* name or value may point into the arena (a value copied from this very
     * set), which the reserve below may move: keep them as offsets. */
    uintptr_t lo = (uintptr_t)p->arena.data, hi = lo + p->arena.len;
    int name_inside = lo && (uintptr_t)name >= lo && (uintptr_t)name < hi;
    int value_inside = lo && (uintptr_t)value >= lo && (uintptr_t)value < hi;
    size_t name_off = name_inside ? (size_t)((uintptr_t)name - lo) : 0;
    size_t value_off = value_inside ? (size_t)((uintptr_t)value - lo) : 0;
    if ((!found && grow_entries(p)) || awsv2__buf_reserve(&p->arena, name_len + value_len + 2))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    if (name_inside)
        name = p->arena.data + name_off;
    if (value_inside)
        value = p->arena.data + value_off;
    struct awsv2__param e = {.key = name_key(name, name_len), .name_len = (uint32_t)name_len};
    e.name = found ? p->entries[i].name : arena_put(p, name, name_len);
    e.value = arena_put(p, value, value_len);
    e.value_len = (uint32_t)value_len;
    if (!found) {
        memmove(&p->entries[i + 1], &p->entries[i], (p->count - i) * sizeof e);
        p->count++;
    }
    p->entries[i] = e;
    return AWSV2_OK;
}

awsv2_status awsv2_params_setf(awsv2_params *p, const char *name, awsv2_error *err,
                               const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return awsv2__fail(err, AWSV2_E_INVALID, "cannot format parameter %s", name);
    if ((size_t)n < sizeof small)
        return awsv2_params_set(p, name, small, err);
    char *big = malloc((size_t)n + 1);
    if (!big)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    awsv2_status st = awsv2_params_set(p, name, big, err);
    free(big);
    return st;
}

void awsv2_params_remove(awsv2_params *p, const char *name)
{
    int found;
    size_t i = search(p, name, strlen(name), &found);
    if (!found)
        return;
    memmove(&p->entries[i], &p->entries[i + 1], (p->count - i - 1) * sizeof p->entries[0]);
    p->count--;
}

const char *awsv2_params_get(const awsv2_params *p, const char *name)
{
    int found;
    size_t i = search(p, name, strlen(name), &found);
    return found ? p->arena.data + p->entries[i].value : NULL;
}

size_t awsv2_params_count(const awsv2_params *p)
{
    return p->count;
}

void awsv2_params_at(const awsv2_params *p, size_t i, const char **name, const char **value)
{
    *name = p->arena.data + p->entries[i].name;
    *value = p->arena.data + p->entries[i].value;
}

/* ---- The canonical query: the set is already in its order, so encode
 * and join. */

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
