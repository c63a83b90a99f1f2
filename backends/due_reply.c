/* Parsing the Due's reply lines (see due_reply.h). */
#include <string.h>

#include "due_reply.h"
#include "awsv2_sts.h"

#define SUCCESS_PREFIX "SUCCESS "
#define ERROR_PREFIX "ERROR "
#define PONG_PREFIX "PONG "
#define KEYS_WORD "KEYS"

bool awsv2__due_line_printable(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (line[i] < 0x20 || line[i] > 0x7e)
            return false;
    return true;
}

static bool has_prefix(const char *line, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(line, prefix, n) == 0;
}

bool awsv2__due_parse_error(const char *line, size_t len, char *code, size_t code_cap)
{
    size_t n = strlen(ERROR_PREFIX);
    if (!has_prefix(line, len, ERROR_PREFIX) || len == n || len - n >= code_cap)
        return false;
    for (size_t i = n; i < len; i++) {
        char c = line[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    memcpy(code, line + n, len - n);
    code[len - n] = '\0';
    return true;
}

awsv2_status awsv2__due_parse_sign(const char *line, size_t len, awsv2_hash hash, uint8_t *mac,
                                   size_t *mac_len, char *code, size_t code_cap)
{
    size_t n = strlen(SUCCESS_PREFIX), want = awsv2_hash_size(hash);
    if (has_prefix(line, len, SUCCESS_PREFIX) && awsv2__hex_decode(line + n, len - n, mac, want)) {
        *mac_len = want;
        return AWSV2_OK;
    }
    if (awsv2__due_parse_error(line, len, code, code_cap))
        return AWSV2_E_REFUSED;
    return AWSV2_E_PROTOCOL;
}

bool awsv2__due_parse_keys(const char *line, size_t len, const char **ids, size_t *ids_len)
{
    size_t n = strlen(KEYS_WORD);
    if (!has_prefix(line, len, KEYS_WORD) || (len > n && line[n] != ' '))
        return false;
    const char *list = len > n ? line + n + 1 : line + n, *end = line + len;
    if (len > n && list == end)
        return false; /* "KEYS " announces an id that is not there */
    for (const char *id = list; id < end;) {
        const char *comma = memchr(id, ',', (size_t)(end - id)), *stop = comma ? comma : end;
        if (!awsv2__key_id_valid(id, (size_t)(stop - id)) || stop + 1 == end)
            return false;
        id = comma ? comma + 1 : end;
    }
    *ids = list;
    *ids_len = (size_t)(end - list);
    return true;
}

bool awsv2__due_is_pong(const char *line, size_t len, const char *nonce)
{
    size_t p = strlen(PONG_PREFIX), n = strlen(nonce);
    return has_prefix(line, len, PONG_PREFIX) && len >= p + n &&
           memcmp(line + p, nonce, n) == 0 && (len == p + n || line[p + n] == ' ');
}

bool awsv2__due_parse_policy(const char *line, size_t len, const char **text, size_t *text_len)
{
    static const char word[] = "POLICY";
    size_t n = sizeof word - 1;
    if (!has_prefix(line, len, word) || (len > n && (line[n] != ' ' || len == n + 1)))
        return false;
    *text = len > n ? line + n + 1 : line + n;
    *text_len = len > n ? len - n - 1 : 0;
    return memchr(*text, ' ', *text_len) == NULL;
}

/* A decimal uint32 without leading zeros, the whole of s[0..n). */
static bool read_u32(const char *s, size_t n, uint32_t *out)
{
    uint64_t v = 0;
    if (n == 0 || n > 10 || (s[0] == '0' && n > 1))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* The first word of line after skip bytes, as a number. */
static bool first_number(const char *line, size_t len, size_t skip, uint32_t *seq)
{
    const char *sp = memchr(line + skip, ' ', len - skip);
    return read_u32(line + skip, sp ? (size_t)(sp - line - skip) : len - skip, seq);
}

int awsv2__due_parse_audit(const char *line, size_t len, uint32_t *seq)
{
    static const char rec[] = "AUDIT ", end[] = "AUDIT-END ", gap[] = "AUDIT-GAP ";
    if (has_prefix(line, len, gap))
        return read_u32(line + sizeof gap - 1, len - (sizeof gap - 1), seq) ? 2 : -1;
    if (has_prefix(line, len, end))
        return first_number(line, len, sizeof end - 1, seq) &&
                       memchr(line + sizeof end - 1, ' ', len - (sizeof end - 1))
                   ? 1
                   : -1;
    if (has_prefix(line, len, rec))
        return first_number(line, len, sizeof rec - 1, seq) ? 0 : -1;
    return -1;
}
