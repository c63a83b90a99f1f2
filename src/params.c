/* Parameter sets: unique names, insertion order, one arena for the text.
 * Names and values live back to back in the arena as NUL-terminated
 * strings; entries hold offsets, so growing the arena moves nothing that
 * callers keep beyond the documented "until the set changes". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "internal.h"
#include "params_impl.h"

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

static long find(const awsv2_params *p, const char *name, size_t name_len)
{
    for (size_t i = 0; i < p->count; i++) {
        const struct awsv2__param *e = &p->entries[i];
        if (e->name_len == name_len && memcmp(p->arena.data + e->name, name, name_len) == 0)
            return (long)i;
    }
    return -1;
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

/* Appends s and its NUL to the arena; *off receives its offset. */
static awsv2_status arena_add(awsv2_params *p, const char *s, size_t n, size_t *off)
{
    *off = p->arena.len;
    if (awsv2__buf_append(&p->arena, s, n) || awsv2__buf_append(&p->arena, "", 1))
        return AWSV2_E_NOMEM;
    return AWSV2_OK;
}

awsv2_status awsv2_params_set(awsv2_params *p, const char *name, const char *value,
                              awsv2_error *err)
{
    if (!name || !*name || !value)
        return awsv2__fail(err, AWSV2_E_INVALID, "parameter name and value are required");
    size_t name_len = strlen(name), value_len = strlen(value);
    long i = find(p, name, name_len);
    struct awsv2__param e;
    if (i < 0 && grow_entries(p))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    if (i >= 0) {
        e = p->entries[i];
    } else if (arena_add(p, name, name_len, &e.name)) {
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    }
    if (arena_add(p, value, value_len, &e.value))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    e.name_len = name_len;
    e.value_len = value_len;
    p->entries[i >= 0 ? (size_t)i : p->count++] = e;
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
    long i = find(p, name, strlen(name));
    if (i < 0)
        return;
    memmove(&p->entries[i], &p->entries[i + 1], (p->count - (size_t)i - 1) * sizeof p->entries[0]);
    p->count--;
}

const char *awsv2_params_get(const awsv2_params *p, const char *name)
{
    long i = find(p, name, strlen(name));
    return i < 0 ? NULL : p->arena.data + p->entries[i].value;
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
