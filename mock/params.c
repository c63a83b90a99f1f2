/* See params.h. Pairs are kept sorted by name (byte order), so lookups
 * are binary searches and every reader sees the same order. */
#include "params.h"

#include <stdlib.h>
#include <string.h>

typedef struct pair {
    char *name;
    char *value;
} pair;

struct mock_params {
    pair *v;
    size_t n, cap;
};

mock_params *mock_params_new(void)
{
    return calloc(1, sizeof(mock_params));
}

void mock_params_free(mock_params *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i].name); /* the value shares the block */
    free(p->v);
    free(p);
}

/* The index of name, or where it would go. */
static size_t search(const mock_params *p, const char *name, bool *found)
{
    size_t lo = 0, hi = p->n;
    *found = false;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(p->v[mid].name, name);
        if (cmp == 0) {
            *found = true;
            return mid;
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Inserts a new name (absent: the caller checked); one block holds
 * "name\0value\0". */
static bool insert(mock_params *p, const char *name, size_t name_len, const char *value,
                   size_t value_len)
{
    bool found;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 16;
        pair *v = realloc(p->v, cap * sizeof *v);
        if (v == NULL)
            return false;
        p->v = v;
        p->cap = cap;
    }
    char *block = malloc(name_len + value_len + 2);
    if (block == NULL)
        return false;
    memcpy(block, name, name_len);
    block[name_len] = '\0';
    memcpy(block + name_len + 1, value, value_len);
    block[name_len + 1 + value_len] = '\0';
    size_t at = search(p, block, &found);
    memmove(&p->v[at + 1], &p->v[at], (p->n - at) * sizeof p->v[0]);
    p->v[at] = (pair){ block, block + name_len + 1 };
    p->n++;
    return true;
}

bool mock_params_add(mock_params *p, const char *name, const char *value)
{
    return mock_params_get(p, name) == NULL &&
           insert(p, name, strlen(name), value, strlen(value));
}

const char *mock_params_get(const mock_params *p, const char *name)
{
    bool found;
    size_t i = search(p, name, &found);
    return found ? p->v[i].value : NULL;
}

size_t mock_params_count(const mock_params *p)
{
    return p->n;
}

void mock_params_at(const mock_params *p, size_t i, const char **name, const char **value)
{
    *name = p->v[i].name;
    *value = p->v[i].value;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decodes n bytes of s into out (room for n + 1): %XX, and '+' as a space
 * as form decoding does. Returns the length, or -1 on a bad escape or a
 * NUL (encoded or not). */
static long decode(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%') {
            int hi = n - i >= 3 ? hex_digit(s[i + 1]) : -1;
            int lo = n - i >= 3 ? hex_digit(s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return -1;
            out[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else if (s[i] == '\0') {
            return -1;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return (long)o;
}

/* Adds one "name=value" pair (no '=': an empty value). */
static bool parse_pair(mock_params *p, const char *s, size_t n, const char **why)
{
    const char *eq = memchr(s, '=', n);
    size_t name_len = eq ? (size_t)(eq - s) : n;
    char *buf = malloc(n + 2);
    if (buf == NULL) {
        *why = "out of memory";
        return false;
    }
    char *name = buf, *value = buf + name_len + 1;
    long nl = decode(s, name_len, name);
    long vl = eq ? decode(eq + 1, n - name_len - 1, value) : (*value = '\0', 0);
    bool ok = false;
    if (nl < 0 || vl < 0)
        *why = "a malformed percent-encoding or a NUL";
    else if (nl == 0)
        *why = "a parameter without a name";
    else if (mock_params_get(p, name) != NULL)
        *why = "a repeated parameter";
    else if (!insert(p, name, (size_t)nl, value, (size_t)vl))
        *why = "out of memory";
    else
        ok = true;
    free(buf);
    return ok;
}

bool mock_params_parse(mock_params *p, const char *s, size_t n, const char **why)
{
    while (n > 0) {
        const char *amp = memchr(s, '&', n);
        size_t len = amp ? (size_t)(amp - s) : n;
        if (len > 0 && p->n == MOCK_PARAMS_MAX) {
            *why = "too many parameters";
            return false;
        }
        if (len > 0 && !parse_pair(p, s, len, why))
            return false;
        s += len;
        n -= len;
        if (amp) {
            s++;
            n--;
        }
    }
    return true;
}
