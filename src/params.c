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
 * sort. key holds the name's first 16 bytes big-endian (zero-padded, and
 * no name holds a zero byte): most comparisons end there without touching
 * the arena. */
struct name_key {
    uint64_t hi, lo;
};

struct awsv2__param {
    struct name_key key;
    uint32_t name, name_len; /* offset and length in the arena */
    uint32_t value, value_len;
};

struct awsv2_params {
    struct awsv2__param *entries;
    size_t count, cap;
    size_t text_total; /* the sum of name_len + value_len + 2 over the entries */
    awsv2__buf arena;
};

/* For the lookup that every set makes: a call costs as much as a step. */
#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* The arena keeps this many bytes spare past its text, and the canonical
 * query reserves as many past its end: awsv2__percent_copy reads and
 * writes 16 bytes at a time, past the ends of short strings. */
#define SLACK 16

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
    p->text_total = 0;
    awsv2__buf_reset(&p->arena);
}

static uint64_t load_be64(const char *s)
{
    unsigned char b[8];
    memcpy(b, s, 8); /* a fixed size: one load, no call */
    return (uint64_t)b[0] << 56 | (uint64_t)b[1] << 48 | (uint64_t)b[2] << 40 |
           (uint64_t)b[3] << 32 | (uint64_t)b[4] << 24 | (uint64_t)b[5] << 16 |
           (uint64_t)b[6] << 8 | b[7];
}

/* The first len bytes (1 <= len < 8) of a big-endian word. */
static uint64_t keep_bytes(uint64_t w, size_t len)
{
    return w & ~(~(uint64_t)0 >> (8 * len));
}

/* The key of a name that has SLACK readable bytes after it (in the arena). */
static inline struct name_key padded_key(const char *name, size_t len)
{
    struct name_key k = {load_be64(name), len > 8 ? load_be64(name + 8) : 0};
    if (len < 8)
        k.hi = keep_bytes(k.hi, len);
    else if (len > 8 && len < 16)
        k.lo = keep_bytes(k.lo, len - 8);
    return k;
}

/* The key of any name (a caller's string, nothing readable past it): from
 * 8 bytes on, words that end within it, shifted into place. */
static struct name_key name_key(const char *name, size_t len)
{
    struct name_key k = {0, 0};
    if (len >= 8) {
        k.hi = load_be64(name);
        if (len >= 16)
            k.lo = load_be64(name + 8);
        else if (len > 8)
            k.lo = load_be64(name + len - 8) << (8 * (16 - len));
    } else {
        for (size_t i = 0; i < len; i++)
            k.hi |= (uint64_t)(unsigned char)name[i] << (56 - 8 * i);
    }
    return k;
}

/* Byte order of entry e's name against (key, name, len). */
static ALWAYS_INLINE int compare(const awsv2_params *p, const struct awsv2__param *e,
                                 struct name_key key, const char *name, size_t len)
{
    if (e->key.hi != key.hi)
        return e->key.hi < key.hi ? -1 : 1;
    if (e->key.lo != key.lo)
        return e->key.lo < key.lo ? -1 : 1;
    size_t n = e->name_len < len ? e->name_len : len;
    int c = n > 16 ? memcmp(p->arena.data + e->name + 16, name + 16, n - 16) : 0;
    return c ? c : (e->name_len > len) - (e->name_len < len);
}

/* The index of name, or where it would be inserted (*found = 0). A set of
 * a query's size is walked back from its end, where names set in order go,
 * comparing first bytes only; a larger one is searched by halves. */
static ALWAYS_INLINE size_t search(const awsv2_params *p, struct name_key key,
                                   const char *name, size_t len, int *found)
{
    const struct awsv2__param *e = p->entries;
    size_t lo = 0, hi = p->count;
    *found = 0;
    if (hi <= 32) {
        while (hi > 0 && e[hi - 1].key.hi > key.hi)
            hi--;
        for (; hi > 0 && e[hi - 1].key.hi == key.hi; hi--) {
            int c = compare(p, &e[hi - 1], key, name, len);
            if (c <= 0) {
                *found = c == 0;
                return c == 0 ? hi - 1 : hi;
            }
        }
        return hi;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = compare(p, &e[mid], key, name, len);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* memcpy for the short strings of a query, inline: two overlapping moves
 * of a width that fits n (n >= 1). */
static inline void copy_short(char *d, const char *s, size_t n)
{
#if defined(__SSE2__)
    if (n >= 16 && n <= 32) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)s);
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
        _mm_storeu_si128((__m128i *)(void *)d, a);
        _mm_storeu_si128((__m128i *)(void *)(d + n - 16), b);
        return;
    }
#endif
    if (n >= 8 && n < 16) {
        uint64_t a, b;
        memcpy(&a, s, 8); /* fixed sizes: single moves */
        memcpy(&b, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
    } else if (n < 4) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    } else {
        memcpy(d, s, n);
    }
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

awsv2_status awsv2_params_set(awsv2_params *p, const char *name, const char *value,
                              awsv2_error *err)
{
    if (!name || !*name || !value)
        return awsv2__fail(err, AWSV2_E_INVALID, "parameter name and value are required");
    size_t name_len = strlen(name), value_len = strlen(value);
    /* Offsets are 32-bit (with room for the slack): a query over 1 GiB is
     * no query. */
    if (name_len + value_len + p->arena.len > UINT32_MAX / 4)
        return awsv2__fail(err, AWSV2_E_INVALID, "parameter %.64s is too large", name);
    if (p->count == p->cap && grow_entries(p))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    size_t need = name_len + value_len + 2 + SLACK;
    if (p->arena.cap - p->arena.len <= need) {
        /* name or value may point into the arena's text (a value copied
         * from this very set), which the reserve moves: keep offsets. */
        uintptr_t lo = (uintptr_t)p->arena.data, hi = lo + p->arena.len;
        int name_inside = lo && (uintptr_t)name >= lo && (uintptr_t)name < hi;
        int value_inside = lo && (uintptr_t)value >= lo && (uintptr_t)value < hi;
        size_t name_at = name_inside ? (size_t)((uintptr_t)name - lo) : 0;
        size_t value_at = value_inside ? (size_t)((uintptr_t)value - lo) : 0;
        if (awsv2__buf_reserve(&p->arena, need))
            return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
        if (name_inside)
            name = p->arena.data + name_at;
        if (value_inside)
            value = p->arena.data + value_at;
    }
    /* The name goes after the arena's text first, where its key can be
     * read whole; it stays there only if it is new. Neither source can
     * overlap what is written: a string of the set ends within the text. */
    uint32_t name_off = (uint32_t)p->arena.len;
    char *a = p->arena.data;
    copy_short(a + name_off, name, name_len + 1);
    struct name_key key = padded_key(a + name_off, name_len);
    int found;
    size_t i = search(p, key, a + name_off, name_len, &found);
    struct awsv2__param e = {.key = key, .name = name_off, .name_len = (uint32_t)name_len};
    if (found) {
        e.name = p->entries[i].name;
        p->text_total -= p->entries[i].value_len;
    } else {
        p->arena.len += name_len + 1;
        p->text_total += name_len + 2;
    }
    e.value = (uint32_t)p->arena.len;
    copy_short(a + e.value, value, value_len + 1);
    p->arena.len += value_len + 1;
    e.value_len = (uint32_t)value_len;
    p->text_total += value_len;
    if (!found) {
        if (i < p->count)
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
    size_t len = strlen(name);
    size_t i = search(p, name_key(name, len), name, len, &found);
    if (!found)
        return;
    p->text_total -= p->entries[i].name_len + p->entries[i].value_len + 2;
    memmove(&p->entries[i], &p->entries[i + 1], (p->count - i - 1) * sizeof p->entries[0]);
    p->count--;
}

const char *awsv2_params_get(const awsv2_params *p, const char *name)
{
    int found;
    size_t len = strlen(name);
    size_t i = search(p, name_key(name, len), name, len, &found);
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

awsv2_status awsv2__canonical_query_marked(const awsv2_params *p, awsv2__buf *out,
                                           struct awsv2__query_marks *marks)
{
    /* Every parameter but Signature; AWSAccessKeyId and SignatureMethod
     * noted on the way. "Signature" and "SignatureMethod" share their first
     * eight bytes, so two comparisons a parameter set the three apart. */
    const struct name_key sig = name_key("Signature", 9);
    const struct name_key key_id = name_key("AWSAccessKeyId", 14);
    const struct name_key method = name_key("SignatureMethod", 15);
    struct awsv2__query_marks none;
    if (!marks)
        marks = &none;
    marks->has_key_id = 0;
    marks->key_id_at = marks->key_id_len = 0;
    marks->method = NULL;
    /* Encoding at most triples the text. */
    if (awsv2__buf_reserve(out, 3 * p->text_total + SLACK))
        return AWSV2_E_NOMEM;
    const char *a = p->arena.data;
    char *start = out->data + out->len, *o = start;
    for (size_t i = 0; i < p->count; i++) {
        const struct awsv2__param *e = &p->entries[i];
        int is_key_id = 0;
        /* Both halves of a key decide: "SignatursKeyId" shares its first
         * half with Signature and its second with AWSAccessKeyId. */
        if (e->key.hi == sig.hi) { /* also SignatureMethod's */
            if (e->key.lo == sig.lo && e->name_len == 9)
                continue;
            if (e->key.lo == method.lo && e->name_len == 15)
                marks->method = a + e->value;
        } else if (e->key.hi == key_id.hi) {
            is_key_id = e->key.lo == key_id.lo && e->name_len == 14;
        }
        if (o != start)
            *o++ = '&';
        o = awsv2__percent_copy(o, a + e->name, e->name_len);
        *o++ = '=';
        char *value = o;
        o = awsv2__percent_copy(o, a + e->value, e->value_len);
        if (is_key_id) {
            marks->has_key_id = 1;
            marks->key_id_at = (size_t)(value - out->data);
            marks->key_id_len = (size_t)(o - value);
        }
    }
    *o = '\0';
    out->len = (size_t)(o - out->data);
    return AWSV2_OK;
}

awsv2_status awsv2__canonical_query(const awsv2_params *p, awsv2__buf *out)
{
    return awsv2__canonical_query_marked(p, out, NULL);
}
