/* Compact frames for the Due (see due_delta.h).
 *
 * The diff works a token at a time, a token running up to and including
 * the next '&' or '\n': the parameters of a query or form body, the lines
 * of a string to sign or canonical request. Pipelined requests share most
 * tokens and differ in a few values (a timestamp, an id), so equal tokens
 * are copied, a token that only the new request has (or only the
 * reference) is found by looking a few tokens ahead, and two tokens that
 * differ keep their common head and tail and replace the middle. Linear in
 * the request's length. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/util.h"
#include "due_delta.h"
#include "internal.h"

#define LOOKAHEAD 4 /* tokens searched for an insertion or a deletion */
#define FOLD_MAX 2  /* a copy this short between two edits goes as literal */

/* ---- The edit script ---------------------------------------------------- */

struct script {
    char *out;
    size_t len, cap;
    bool full;
    const char *s;     /* the new request */
    size_t copy;       /* copy pending after the group */
    size_t skip;       /* the group: bytes of the reference dropped ... */
    size_t ins_from, ins_len; /* ... and of s inserted */
};

static void put(struct script *w, const char *p, size_t n)
{
    if (w->full || n > w->cap - w->len) {
        w->full = true;
        return;
    }
    memcpy(w->out + w->len, p, n);
    w->len += n;
}

static void put_count(struct script *w, size_t n, char op)
{
    char b[24];
    int k = snprintf(b, sizeof b, "%zu%c", n, op);
    put(w, b, (size_t)k);
}

static void flush_group(struct script *w)
{
    if (w->skip)
        put_count(w, w->skip, '-');
    if (w->ins_len) {
        put_count(w, w->ins_len, '+');
        put(w, w->s + w->ins_from, w->ins_len);
    }
    w->skip = w->ins_len = 0;
}

static void copy(struct script *w, size_t n)
{
    w->copy += n;
}

/* Drops skip bytes of the reference and inserts s[from, from + len). */
static void edit(struct script *w, size_t skip, size_t from, size_t len)
{
    if (!skip && !len)
        return;
    if (w->copy) {
        if ((w->skip || w->ins_len) && w->copy <= FOLD_MAX) {
            w->skip += w->copy; /* cheaper as literal than as "n=" */
            w->ins_len += w->copy;
        } else {
            flush_group(w);
            put_count(w, w->copy, '=');
            w->ins_from = from;
        }
        w->copy = 0;
    } else if (!w->skip && !w->ins_len) {
        w->ins_from = from;
    }
    w->skip += skip;
    w->ins_len += len;
}

static size_t tok_end(const char *s, size_t n, size_t i)
{
    while (i < n) {
        char c = s[i++];
        if (c == '&' || c == '\n')
            break;
    }
    return i;
}

static bool same(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && memcmp(a, b, an) == 0;
}

size_t awsv2__due_delta_script(const char *ref, size_t rlen, const char *s, size_t n, char *out)
{
    struct script w = {.out = out, .cap = n + AWSV2__DUE_DELTA_SLACK, .s = s};
    size_t i = 0, j = 0;
    while (i < n) {
        size_t en = tok_end(s, n, i), er = j < rlen ? tok_end(ref, rlen, j) : j;
        if (j < rlen && same(s + i, en - i, ref + j, er - j)) {
            copy(&w, en - i);
            i = en;
            j = er;
            continue;
        }
        if (j >= rlen) {
            edit(&w, 0, i, n - i);
            i = n;
            break;
        }
        /* s's token further on in the reference: the tokens before it went */
        size_t at = er, found = 0;
        for (int t = 0; t < LOOKAHEAD && at < rlen && !found; t++) {
            size_t e = tok_end(ref, rlen, at);
            if (same(s + i, en - i, ref + at, e - at))
                found = at;
            at = e;
        }
        if (found) {
            edit(&w, found - j, i, 0);
            j = found;
            continue;
        }
        /* the reference's token further on in s: the tokens before it are new */
        at = en;
        for (int t = 0; t < LOOKAHEAD && at < n && !found; t++) {
            size_t e = tok_end(s, n, at);
            if (same(s + at, e - at, ref + j, er - j))
                found = at;
            at = e;
        }
        if (found) {
            edit(&w, 0, i, found - i);
            i = found;
            continue;
        }
        /* one token for another: keep their common head and tail */
        size_t ln = en - i, lr = er - j, p = 0, q = 0;
        while (p < ln && p < lr && s[i + p] == ref[j + p])
            p++;
        while (q < ln - p && q < lr - p && s[en - 1 - q] == ref[er - 1 - q])
            q++;
        copy(&w, p);
        edit(&w, lr - p - q, i + p, ln - p - q);
        copy(&w, q);
        i = en;
        j = er;
    }
    /* The device copies what is left of the reference: drop what s lacks;
     * a copy up to the reference's end is implied. */
    if (j < rlen)
        edit(&w, rlen - j, n, 0);
    flush_group(&w);
    if (w.full) { /* many small edits: the whole request is shorter */
        w.full = false;
        w.len = 0;
        w.skip = rlen;
        w.ins_from = 0;
        w.ins_len = n;
        flush_group(&w);
    }
    return w.len;
}

/* ---- CRC-32 --------------------------------------------------------------- */

uint32_t awsv2__due_delta_crc32(uint32_t crc, const void *data, size_t n)
{
    /* Four bits at a time, as the firmware does (hsm_delta.c). */
    static const uint32_t t[16] = {
        0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
        0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
        0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
    };
    const unsigned char *p = data;
    uint32_t c = ~crc;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        c = (c >> 4) ^ t[c & 15];
        c = (c >> 4) ^ t[c & 15];
    }
    return ~c;
}

/* ---- The link's state ------------------------------------------------------ */

void awsv2__due_delta_reset(struct awsv2__due_delta *d)
{
    if (d->ref)
        awsv2_wipe(d->ref, d->ref_len);
    d->ref_len = 0;
    d->ref_tag = d->root = d->next_tag = 0;
}

void awsv2__due_delta_free(struct awsv2__due_delta *d)
{
    if (d->ref)
        awsv2_wipe(d->ref, d->ref_cap);
    free(d->ref);
    memset(d, 0, sizeof *d);
}

/* Makes room for cap bytes in *buf, wiping the old buffer before it goes. */
static bool reserve(char **buf, size_t *have, size_t cap)
{
    if (cap <= *have)
        return true;
    char *b = malloc(cap);
    if (!b)
        return false;
    if (*buf)
        awsv2_wipe(*buf, *have);
    free(*buf);
    *buf = b;
    *have = cap;
    return true;
}

awsv2_status awsv2__due_delta_frame(struct awsv2__due_delta *d, const char *req, size_t len,
                                    char **out, size_t *cap, size_t *out_len, uint32_t *tag,
                                    awsv2_error *err)
{
    char head[48];
    if (!reserve(out, cap, sizeof head + len + AWSV2__DUE_DELTA_SLACK))
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    if (++d->next_tag == 0) /* 2^32 frames without a resync: start over */
        d->next_tag = 1, d->ref_tag = 0;
    *tag = d->next_tag;
    if (d->ref_len + len > AWSV2__DUE_DELTA_ROOM)
        d->ref_tag = 0;
    char base[12] = "-";
    if (d->ref_tag)
        snprintf(base, sizeof base, "%lu", (unsigned long)d->ref_tag);
    /* The CRC covers the header's tag and base too (docs/serial-protocol.md):
     * bytes lost from one frame's crc to the next one's cannot put the
     * second one's request under the first one's tag. */
    int h = snprintf(head, sizeof head, "D %lu %s ", (unsigned long)*tag, base);
    uint32_t crc = awsv2__due_delta_crc32(awsv2__due_delta_crc32(0, head, (size_t)h), req, len);
    h += snprintf(head + h, sizeof head - (size_t)h, "%08lx ", (unsigned long)crc);
    size_t n = awsv2__due_delta_script(d->ref_tag ? d->ref : "", d->ref_tag ? d->ref_len : 0,
                                       req, len, *out + h);
    memcpy(*out, head, (size_t)h);
    *out_len = (size_t)h + n;
    if (!d->ref_tag)
        d->root = *tag;
    if (d->ref)
        awsv2_wipe(d->ref, d->ref_len);
    if (!reserve(&d->ref, &d->ref_cap, len ? len : 1)) {
        d->ref_tag = 0; /* the frame stands; the next one goes whole */
        return AWSV2_OK;
    }
    memcpy(d->ref, req, len);
    d->ref_len = len;
    d->ref_tag = *tag;
    return AWSV2_OK;
}

void awsv2__due_delta_dropped(struct awsv2__due_delta *d, uint32_t tag)
{
    if (d->ref_tag && d->root <= tag) {
        awsv2_wipe(d->ref, d->ref_len);
        d->ref_len = 0;
        d->ref_tag = 0;
    }
}

bool awsv2__due_delta_code_drops(const char *code, bool *retry)
{
    *retry = strncmp(code, "delta-", 6) == 0;
    return *retry || strcmp(code, "message-too-long") == 0 ||
           strcmp(code, "invalid-command") == 0;
}

bool awsv2__due_delta_reply(const char *line, size_t len, uint32_t tag, const char **rest,
                            size_t *rest_len)
{
    char want[16];
    int n = snprintf(want, sizeof want, "D %lu ", (unsigned long)tag);
    /* the tag closes the line too, after a space: "D 1 ... 1" */
    size_t head = (size_t)n, tail = head - 2;
    if (len < head + tail || memcmp(line, want, head) != 0)
        return false;
    if (memcmp(line + len - tail, want + 1, tail) != 0) /* " <tag>" */
        return false;
    *rest = line + head;
    *rest_len = len - head - tail;
    return true;
}

bool awsv2__due_delta_in_pong(const char *line, size_t len)
{
    static const char word[] = "delta";
    /* "PONG <nonce> <version>" then words: skip the first three */
    size_t i = 0;
    for (int spaces = 0; i < len && spaces < 3; i++)
        spaces += line[i] == ' ';
    while (i < len) {
        size_t e = i;
        while (e < len && line[e] != ' ')
            e++;
        if (e - i == sizeof word - 1 && memcmp(line + i, word, e - i) == 0)
            return true;
        i = e + 1;
    }
    return false;
}
