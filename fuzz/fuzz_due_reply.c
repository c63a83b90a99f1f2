/* The Due's reply lines (backends/due_reply.c) against a reference written
 * here from docs/serial-protocol.md: "SUCCESS " and exactly the hash's
 * length of hex digits; "ERROR " and a code of a-z 0-9 '-'; "KEYS" alone or
 * "KEYS " and key ids ([A-Z0-9], 1..128) separated by single commas;
 * "PONG <nonce>" alone or followed by a space and the version; a compact
 * frame's reply (backends/due_delta.c) is "D <tag> ", the reply and
 * " <tag>", the same tag at both ends. The input is "nonce\x01line"; the
 * nonce, when it is a tag (decimal, 1..4294967295, no leading zero), is also
 * the tag the reply must carry (1 otherwise). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "due_delta.h"
#include "due_reply.h"
#include "fuzz.h"

static bool ref_id(const char *s, size_t n)
{
    if (n < 1 || n > 128)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            return false;
    return true;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* The code of "ERROR code", or false. */
static bool ref_error(const char *s, size_t n, size_t cap, char *code)
{
    if (n <= 6 || memcmp(s, "ERROR ", 6) != 0 || n - 6 > cap - 1)
        return false;
    for (size_t i = 6; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    memcpy(code, s + 6, n - 6);
    code[n - 6] = '\0';
    return true;
}

static bool ref_keys(const char *s, size_t n)
{
    if (n == 4 && memcmp(s, "KEYS", 4) == 0)
        return true;
    if (n < 6 || memcmp(s, "KEYS ", 5) != 0)
        return false;
    size_t start = 5;
    for (size_t i = 5; i <= n; i++)
        if (i == n || s[i] == ',') {
            if (!ref_id(s + start, i - start))
                return false;
            start = i + 1;
        }
    return true;
}

static uint32_t ref_tag(const uint8_t *s, size_t n)
{
    uint64_t v = 0;
    if (n < 1 || n > 10 || s[0] == '0')
        return 1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 1;
        v = v * 10 + (s[i] - '0');
    }
    return v <= UINT32_MAX ? (uint32_t)v : 1;
}

/* The reply in "D <tag> <reply> <tag>": the first word after "D " and the
 * last word are both the tag, and the reply sits between their spaces. */
static bool ref_tagged(const char *s, size_t n, uint32_t tag, size_t *at, size_t *rn)
{
    char dec[16];
    size_t d = (size_t)snprintf(dec, sizeof dec, "%lu", (unsigned long)tag), first, last;
    if (n < 2 || memcmp(s, "D ", 2) != 0)
        return false;
    for (first = 2; first < n && s[first] != ' '; first++)
        ;
    for (last = n; last > 0 && s[last - 1] != ' '; last--)
        ;
    if (first == n || last == 0 || last - 1 <= first)
        return false; /* "D <tag>" alone, or one space for both ends */
    if (first - 2 != d || memcmp(s + 2, dec, d) != 0 || n - last != d ||
        memcmp(s + last, dec, d) != 0)
        return false;
    *at = first + 1;
    *rn = last - 1 - *at;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_in in = {data, size};
    size_t nonce_len;
    const uint8_t *nonce_bytes = fuzz_field(&in, 1, &nonce_len);
    const char *line = (const char *)in.p;
    size_t len = in.n;
    char code[32], want_code[32];

    bool printable = true;
    for (size_t i = 0; i < len; i++)
        printable &= line[i] >= 0x20 && line[i] <= 0x7e;
    FUZZ_ASSERT(awsv2__due_line_printable(line, len) == printable);

    for (int h = 0; h < 2; h++) {
        awsv2_hash hash = h ? AWSV2_HMAC_SHA256 : AWSV2_HMAC_SHA1;
        size_t hs = h ? 32 : 20, mac_len = 0;
        uint8_t mac[64];
        bool ok = len == 8 + 2 * hs && memcmp(line, "SUCCESS ", 8) == 0;
        for (size_t i = 8; ok && i < len; i++)
            ok = hexval(line[i]) >= 0;
        awsv2_status st = awsv2__due_parse_sign(line, len, hash, mac, &mac_len, code, sizeof code);
        if (ok) {
            FUZZ_ASSERT(st == AWSV2_OK && mac_len == hs);
            for (size_t i = 0; i < hs; i++)
                FUZZ_ASSERT(mac[i] == hexval(line[8 + 2 * i]) * 16 + hexval(line[9 + 2 * i]));
        } else if (ref_error(line, len, sizeof code, want_code)) {
            FUZZ_ASSERT(st == AWSV2_E_REFUSED && strcmp(code, want_code) == 0);
        } else {
            FUZZ_ASSERT(st == AWSV2_E_PROTOCOL);
        }
    }

    bool is_error = ref_error(line, len, sizeof code, want_code);
    FUZZ_ASSERT(awsv2__due_parse_error(line, len, code, sizeof code) == is_error);
    if (is_error)
        FUZZ_ASSERT(strcmp(code, want_code) == 0);

    const char *ids = NULL;
    size_t ids_len = 0;
    bool keys = ref_keys(line, len);
    FUZZ_ASSERT(awsv2__due_parse_keys(line, len, &ids, &ids_len) == keys);
    if (keys)
        FUZZ_ASSERT(ids == line + (len > 4 ? 5 : 4) && ids_len == len - (len > 4 ? 5 : 4));

    uint32_t tag = ref_tag(nonce_bytes, nonce_len);
    size_t at = 0, rn = 0, got_n = 0;
    const char *got = NULL;
    bool tagged = ref_tagged(line, len, tag, &at, &rn);
    FUZZ_ASSERT(awsv2__due_delta_reply(line, len, tag, &got, &got_n) == tagged);
    if (tagged)
        FUZZ_ASSERT(got == line + at && got_n == rn);

    if (!memchr(nonce_bytes, 0, nonce_len)) {
        char *nonce = fuzz_strndup(nonce_bytes, nonce_len);
        bool pong = len >= 5 + nonce_len && memcmp(line, "PONG ", 5) == 0 &&
                    memcmp(line + 5, nonce, nonce_len) == 0 &&
                    (len == 5 + nonce_len || line[5 + nonce_len] == ' ');
        FUZZ_ASSERT(awsv2__due_is_pong(line, len, nonce) == pong);
        free(nonce);
    }
    return 0;
}
