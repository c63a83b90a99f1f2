/* The firmware's serial protocol (firmware/hsm/src/hsm_protocol.c) with its
 * key store on flash that can lose power, against a model written here from
 * docs/serial-protocol.md and docs/firmware-storage.md, with OpenSSL's HMAC.
 *
 * The input is the byte stream a host sends, with 0xFF as an escape for
 * what happens around it:
 *   FF 'P'     power cycle: the store is reloaded from flash, the protocol
 *              restarts (a half-read request is lost), the flash works again
 *   FF 'B' n   the power fails after 4n more bytes of flash are programmed
 *              (every later erase or write fails until the next cycle)
 *   FF 'R'     flash reads fail until the next power cycle
 *   FF FF      a literal 0xFF byte
 *   FF other   nothing
 * The stream is fed in pseudo-random chunks. Invariants: every non-empty
 * request gets exactly one reply, in order, equal to the model's; no reply
 * carries a secret; the request buffer holds nothing of an answered
 * request; after a power cycle the store holds exactly the model's keys.
 * The store fails closed (docs/firmware-storage.md): after a read failure
 * or a torn LOCK it refuses every change, and page 0 reads as unlocked
 * only when wholly erased. SIGN-AWS-V4 is modelled with OpenSSL's HMAC and
 * SHA-256 (the request itself is read with awsv2_sts4.c, which has its
 * own harness). */
#include <stdbool.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "awsv2_sts4.h"
#include "fuzz.h"
#include "hsm_protocol.h"
#include "memstore.h"

#define MAX_SECRETS 64

struct mkey {
    char id[HSM_ID_MAX + 1];
    char secret[HSM_SECRET_MAX + 1];
};

static struct model {
    struct mkey key[HSM_MAX_KEYS];
    int nkeys;
    /* keys whose DELETE failed while reads failed: maybe still in flash */
    struct mkey ghost[HSM_MAX_KEYS];
    int nghosts;
    bool locked;
    bool fault; /* the store refuses every change */
    bool policies; /* a policy was set: a signature may be refused */
    char req[HSM_REQUEST_MAX + 1];
    size_t len;
    bool overflow;
    /* every secret sent in a PUT-KEY, to look for in replies */
    char secrets[MAX_SECRETS][HSM_SECRET_MAX + 1];
    int nsecrets;
} m;

enum page0 { PAGE0_ERASED, PAGE0_LOCK, PAGE0_OTHER };

/* The store as a reply left it: the ids it holds, the lock and fault
 * flags, and what page 0 of the flash holds. */
struct snapshot {
    uint8_t used[HSM_MAX_KEYS], id_len[HSM_MAX_KEYS];
    char id[HSM_MAX_KEYS][HSM_ID_MAX];
    uint8_t locked, fault;
    enum page0 page0;
};

/* The replies the protocol sent during the chunk being fed, each with the
 * store as it was when it was sent (the model reads them after the whole
 * chunk, when later requests may have changed the store). */
static struct {
    char line[16][HSM_REPLY_MAX + 1];
    size_t len[16];
    struct snapshot snap[16];
    int n, next;
} got;

static memstore flash;
static hsm_keystore ks;
static hsm_protocol proto;

/* Page 0 as docs/firmware-storage.md reads it: erased (all 0xFF), a lock
 * record ("AWL1", zeros, the SHA-256 of bytes 0..223 in 224..255), or
 * anything else. */
static enum page0 page0_state(void)
{
    const uint8_t *pg = flash.page[0];
    uint8_t want[HSM_PAGE_SIZE] = {'A', 'W', 'L', '1'};
    size_t i = 0;

    while (i < HSM_PAGE_SIZE && pg[i] == 0xFF)
        i++;
    if (i == HSM_PAGE_SIZE)
        return PAGE0_ERASED;
    SHA256(want, 224, want + 224);
    return memcmp(pg, want, HSM_PAGE_SIZE) == 0 ? PAGE0_LOCK : PAGE0_OTHER;
}

static void on_reply(void *ctx, const char *line, size_t len)
{
    (void)ctx;
    FUZZ_ASSERT(len > 0 && len <= HSM_REPLY_MAX && line[len - 1] == '\n');
    FUZZ_ASSERT(got.n < 16);
    memcpy(got.line[got.n], line, len);
    got.line[got.n][len] = '\0';
    got.len[got.n] = len;
    struct snapshot *sn = &got.snap[got.n++];
    for (int i = 0; i < HSM_MAX_KEYS; i++) {
        sn->used[i] = ks.slot[i].used;
        sn->id_len[i] = ks.slot[i].id_len;
        memcpy(sn->id[i], ks.slot[i].id, HSM_ID_MAX);
    }
    sn->locked = ks.locked;
    sn->fault = ks.fault;
    sn->page0 = page0_state();
}

static struct mkey *model_find(const char *id)
{
    for (int i = 0; i < m.nkeys; i++)
        if (strcmp(m.key[i].id, id) == 0)
            return &m.key[i];
    return NULL;
}

static void model_remove(struct mkey *k)
{
    *k = m.key[--m.nkeys];
}

static bool key_id_ok(const char *s, size_t n)
{
    if (n < 1 || n > 128)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            return false;
    return true;
}

/* 1 or more of 0x21..0x7e. */
static bool token_ok(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] > '~')
            return false;
    return true;
}

/* Whether the store held id when the reply just read was sent. */
static bool in_store(const char *id)
{
    const struct snapshot *sn = &got.snap[got.next - 1];
    size_t n = strlen(id);

    for (int i = 0; i < HSM_MAX_KEYS; i++)
        if (sn->used[i] && sn->id_len[i] == n && memcmp(sn->id[i], id, n) == 0)
            return true;
    return false;
}

/* Whether the store holds id now (between chunks). */
static bool in_store_now(const char *id)
{
    return hsm_keystore_find(&ks, id, strlen(id), HSM_SHA1) != NULL;
}

/* The next reply the protocol sent: there must be one. */
static const char *next_reply(void)
{
    FUZZ_ASSERT(got.next < got.n);
    return got.line[got.next++];
}

/* Whether the next reply is an error (a policy's refusal, say). */
static bool refused(void)
{
    return got.next < got.n && strncmp(got.line[got.next], "ERROR ", 6) == 0;
}

static void expect(const char *want)
{
    const char *r = next_reply();

    if (strcmp(r, want) != 0) {
        fprintf(stderr, "request: %.200s\nreply:    %swanted:   %s", m.req, r, want);
        FUZZ_ASSERT(!"the reply the model wanted");
    }
}

/* The reply of a store update the flash may fail: "OK" or, with a power
 * cut planned, maybe "storage-failure". A failed update reads the page back:
 * if reads fail, the store is faulty from then on. */
static bool expect_update(void)
{
    const char *r = next_reply();

    if (strcmp(r, "OK\n") == 0)
        return true;
    FUZZ_ASSERT(flash.budget >= 0);
    FUZZ_ASSERT(strcmp(r, "ERROR storage-failure\n") == 0);
    if (flash.fail_reads)
        m.fault = true;
    return false;
}

static void check_no_secret(const char *reply)
{
    if (strncmp(reply, "PONG ", 5) == 0)
        return; /* repeats the host's nonce, whatever it is */
    for (int i = 0; i < m.nsecrets; i++) {
        const char *s = m.secrets[i];
        bool plain = true; /* could pass for hex, a code or a key id */
        for (const char *c = s; *c; c++)
            if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                  (*c >= '0' && *c <= '9') || *c == '-' || *c == ','))
                plain = false;
        if (strlen(s) >= 8 && !plain)
            FUZZ_ASSERT(strstr(reply, s) == NULL);
    }
}

static void model_sign(const char *sts, size_t len)
{
    awsv2__sts parsed;
    awsv2__sts_status st = awsv2__sts_parse(sts, len, &parsed);
    char want[HSM_REPLY_MAX];
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned maclen = 0;
    struct mkey *k;

    if (st != AWSV2__STS_OK) {
        snprintf(want, sizeof want, "ERROR %s\n", awsv2__sts_code(st));
        expect(want);
        return;
    }
    if (!(k = model_find(parsed.key_id))) {
        expect("ERROR unknown-awsaccesskey\n");
        return;
    }
    if (m.policies && refused()) {
        next_reply(); /* a policy may refuse it */
        return;
    }
    FUZZ_ASSERT(HMAC(parsed.hash == AWSV2__STS_SHA256 ? EVP_sha256() : EVP_sha1(), k->secret,
                     (int)strlen(k->secret), (const unsigned char *)sts, len, mac, &maclen));
    strcpy(want, "SUCCESS ");
    for (unsigned i = 0; i < maclen; i++)
        snprintf(want + 8 + 2 * i, 3, "%02x", mac[i]);
    strcat(want, "\n");
    expect(want);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void model_keys(void)
{
    const char *r = next_reply();
    char list[HSM_REPLY_MAX + 1], *ids[HSM_MAX_KEYS + 1], *want[HSM_MAX_KEYS];
    int n = 0;

    if (m.nkeys == 0) {
        FUZZ_ASSERT(strcmp(r, "KEYS\n") == 0);
        return;
    }
    FUZZ_ASSERT(strncmp(r, "KEYS ", 5) == 0);
    strcpy(list, r + 5);
    list[strlen(list) - 1] = '\0';
    for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        FUZZ_ASSERT(n < HSM_MAX_KEYS);
        ids[n++] = t;
    }
    FUZZ_ASSERT(n == m.nkeys);
    for (int i = 0; i < n; i++)
        want[i] = m.key[i].id;
    qsort(ids, (size_t)n, sizeof ids[0], cmp_str);
    qsort(want, (size_t)n, sizeof want[0], cmp_str);
    for (int i = 0; i < n; i++)
        FUZZ_ASSERT(strcmp(ids[i], want[i]) == 0);
}

/* PUT-KEY <id> <secret> [<policy>] */
static void model_put(const char *args, size_t len)
{
    const char *sp = memchr(args, ' ', len);
    size_t id_len = sp ? (size_t)(sp - args) : len;
    const char *secret = sp ? sp + 1 : "";
    size_t rest = sp ? len - id_len - 1 : 0;
    const char *sp2 = memchr(secret, ' ', rest);
    size_t slen = sp2 ? (size_t)(sp2 - secret) : rest;
    char id[HSM_ID_MAX + 1];

    if (!key_id_ok(args, id_len)) {
        expect("ERROR invalid-awsaccesskeyid\n");
        return;
    }
    memcpy(id, args, id_len);
    id[id_len] = '\0';
    if (!token_ok(secret, slen) || (sp2 && !token_ok(sp2 + 1, rest - slen - 1))) {
        expect("ERROR invalid-command\n");
        return;
    }
    if (slen <= HSM_SECRET_MAX && m.nsecrets < MAX_SECRETS) {
        memcpy(m.secrets[m.nsecrets], secret, slen);
        m.secrets[m.nsecrets++][slen] = '\0';
    }
    if (sp2) {
        /* A key with a policy (docs/policy.md) is another harness's model:
         * here, the store must change only on OK, and signatures made with
         * the key may be refused from then on. */
        const char *r = next_reply();
        if (strcmp(r, "OK\n") == 0) {
            FUZZ_ASSERT(!m.fault && !m.locked && !model_find(id) && m.nkeys < HSM_MAX_KEYS &&
                        slen <= HSM_SECRET_MAX);
            struct mkey *k = &m.key[m.nkeys++];
            strcpy(k->id, id);
            memcpy(k->secret, secret, slen);
            k->secret[slen] = '\0';
            m.policies = true;
        } else {
            FUZZ_ASSERT(strncmp(r, "ERROR ", 6) == 0);
            /* a failed write read back with reads failing: faulty */
            bool fault = got.snap[got.next - 1].fault;
            FUZZ_ASSERT(fault == m.fault || (strcmp(r, "ERROR storage-failure\n") == 0 &&
                                             flash.budget >= 0 && flash.fail_reads));
            m.fault = fault;
        }
        FUZZ_ASSERT(in_store(id) == (model_find(id) != NULL));
        return;
    }
    if (slen > HSM_SECRET_MAX) {
        expect("ERROR invalid-command\n");
        return;
    }
    if (m.fault) {
        expect("ERROR storage-failure\n");
        return;
    }
    if (m.locked) {
        expect("ERROR locked\n");
        return;
    }
    if (model_find(id)) {
        expect("ERROR key-exists\n");
        return;
    }
    if (m.nkeys == HSM_MAX_KEYS) {
        expect("ERROR storage-failure\n");
        return;
    }
    if (expect_update()) {
        struct mkey *k = &m.key[m.nkeys++];
        strcpy(k->id, id);
        memcpy(k->secret, secret, slen);
        k->secret[slen] = '\0';
    }
    /* A failed write leaves a torn page, which reads as empty. */
    FUZZ_ASSERT(in_store(id) == (model_find(id) != NULL));
    FUZZ_ASSERT(got.snap[got.next - 1].fault == m.fault);
}

static void model_delete(const char *id, size_t len)
{
    char name[HSM_ID_MAX + 1];
    struct mkey *k;

    if (!key_id_ok(id, len)) {
        expect("ERROR invalid-awsaccesskeyid\n");
        return;
    }
    memcpy(name, id, len);
    name[len] = '\0';
    if (m.fault) {
        expect("ERROR storage-failure\n");
        return;
    }
    if (m.locked) {
        expect("ERROR locked\n");
        return;
    }
    if (!(k = model_find(name))) {
        expect("ERROR unknown-awsaccesskey\n");
        return;
    }
    if (expect_update()) {
        model_remove(k);
        FUZZ_ASSERT(!in_store(name));
    } else if (!in_store(name)) {
        /* The erase got far enough (the page is torn), or the page could
         * not be read back: then it may still be whole in flash and come
         * back at the next power cycle. */
        if (flash.fail_reads && m.nghosts < HSM_MAX_KEYS)
            m.ghost[m.nghosts++] = *k;
        model_remove(k);
    }
    FUZZ_ASSERT(got.snap[got.next - 1].fault == m.fault);
}

static void model_lock(void)
{
    const struct snapshot *sn;

    if (m.fault) {
        expect("ERROR storage-failure\n");
        return;
    }
    if (m.locked) {
        expect("OK\n");
        return;
    }
    if (expect_update()) {
        m.locked = true;
        FUZZ_ASSERT(got.snap[got.next - 1].page0 == PAGE0_LOCK);
    } else {
        /* cut in the erase: still erased, no lock; cut later: torn, faulty */
        sn = &got.snap[got.next - 1];
        FUZZ_ASSERT(sn->page0 != PAGE0_LOCK);
        if (sn->page0 == PAGE0_OTHER)
            m.fault = true;
    }
    sn = &got.snap[got.next - 1];
    FUZZ_ASSERT(sn->locked == m.locked && sn->fault == m.fault);
}

static void hmac256(const void *key, size_t klen, const void *msg, size_t mlen, uint8_t out[32])
{
    unsigned n = 0;
    FUZZ_ASSERT(HMAC(EVP_sha256(), key, (int)klen, msg, mlen, out, &n) && n == 32);
}

static void hex(const uint8_t *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* SIGN-AWS-V4 <key id> <region> <service>\n<canonical request>[\n<payload>]
 * (docs/serial-protocol.md), signed as AWS documents SigV4. */
static void model_sign4(const char *args, size_t len)
{
    const char *nl = memchr(args, '\n', len);
    const char *sp1 = nl ? memchr(args, ' ', (size_t)(nl - args)) : NULL;
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(nl - sp1 - 1)) : NULL;
    char id[HSM_REQUEST_MAX], region[HSM_REQUEST_MAX], service[HSM_REQUEST_MAX];
    char want[HSM_REPLY_MAX];

    if (!sp2) {
        expect("ERROR invalid-command\n");
        return;
    }
    snprintf(id, sizeof id, "%.*s", (int)(sp1 - args), args);
    snprintf(region, sizeof region, "%.*s", (int)(sp2 - sp1 - 1), sp1 + 1);
    snprintf(service, sizeof service, "%.*s", (int)(nl - sp2 - 1), sp2 + 1);
    const char *body = nl + 1;
    size_t body_len = len - (size_t)(body - args), cr_len;
    int has_payload;
    if (!awsv2__sts4_split(body, body_len, &cr_len, &has_payload))
        cr_len = body_len, has_payload = 0;
    struct awsv2__sts4 r;
    int rc = awsv2__sts4_check(id, region, service, body, cr_len, has_payload, &r);
    uint8_t d[32], k[32];
    char h[65];
    if (rc == AWSV2__STS4_OK && has_payload) {
        SHA256((const uint8_t *)body + cr_len + 1, body_len - cr_len - 1, d);
        hex(d, 32, h);
        if (r.payload_hash_len != 64 || memcmp(h, r.payload_hash, 64) != 0)
            rc = AWSV2__STS4_PAYLOAD_MISMATCH;
    }
    if (rc != AWSV2__STS4_OK) {
        snprintf(want, sizeof want, "ERROR %s\n", awsv2__sts4_code(rc));
        expect(want);
        return;
    }
    struct mkey *key = model_find(id);
    if (!key) {
        expect("ERROR unknown-awsaccesskey\n");
        return;
    }
    if (m.policies && refused()) {
        next_reply(); /* a policy may refuse it */
        return;
    }
    char secret[4 + HSM_SECRET_MAX + 1], sts[512];
    snprintf(secret, sizeof secret, "AWS4%s", key->secret);
    hmac256(secret, strlen(secret), r.date, 8, k);
    hmac256(k, 32, region, strlen(region), k);
    hmac256(k, 32, service, strlen(service), k);
    hmac256(k, 32, "aws4_request", 12, k);
    SHA256((const uint8_t *)body, cr_len, d);
    hex(d, 32, h);
    int n = snprintf(sts, sizeof sts, "AWS4-HMAC-SHA256\n%s\n%.8s/%s/%s/aws4_request\n%s",
                     r.amz_date, r.amz_date, region, service, h);
    hmac256(k, 32, sts, (size_t)n, d);
    memcpy(want, "SUCCESS ", 8);
    hex(d, 32, want + 8);
    strcpy(want + 72, "\n");
    expect(want);
}

/* What the model answers to the request in m.req (m.len bytes). */
static void model_request(void)
{
    const char *r = m.req;
    size_t n = m.len;

#define IS(name) (n >= sizeof name - 1 && memcmp(r, name, sizeof name - 1) == 0)
    if ((IS("SIGN-AWS-V2 ") || IS("SIGN-AWS-V4 ")) && (flash.budget >= 0 || flash.fail_reads) &&
        got.next < got.n && strcmp(got.line[got.next], "ERROR storage-failure\n") == 0) {
        /* the audit log's checkpoint could not be written: signing fails
         * closed (docs/policy.md) */
        next_reply();
    } else if (IS("SIGN-AWS-V2 ")) {
        model_sign(r + 12, n - 12);
    } else if (IS("SIGN-AWS-V4 ")) {
        model_sign4(r + 12, n - 12);
    } else if (IS("PING ")) {
        char want[HSM_REPLY_MAX];
        if (token_ok(r + 5, n - 5) && n - 5 <= HSM_NONCE_MAX) {
            snprintf(want, sizeof want, "PONG %.*s awsv2-hsm/0.1.0%s\n", (int)(n - 5), r + 5,
                     m.fault ? " store-fault" : "");
            expect(want);
        } else {
            expect("ERROR invalid-command\n");
        }
    } else if (n == 4 && IS("KEYS")) {
        model_keys();
    } else if (IS("PUT-KEY ")) {
        model_put(r + 8, n - 8);
    } else if (IS("DELETE-KEY ")) {
        model_delete(r + 11, n - 11);
    } else if (n == 4 && IS("LOCK")) {
        model_lock();
    } else if (IS("POLICY ") || IS("AUDIT ") || IS("AUDIT-MODE ")) {
        /* policies and the audit log (docs/policy.md) are not modelled
         * here: one reply, and from an OK on, signatures may be refused */
        const char *reply = next_reply();
        if (strncmp(reply, "ERROR ", 6) != 0)
            m.policies = true;
    } else {
        expect("ERROR invalid-command\n");
    }
#undef IS
}

/* The model's framing, one byte at a time. */
static void model_byte(uint8_t b)
{
    if (b == 0) {
        if (m.overflow) {
            expect("ERROR message-too-long\n");
        } else if (m.len > 0) {
            m.req[m.len] = '\0';
            model_request();
        }
        m.len = 0;
        m.overflow = false;
    } else if (m.len == 0 && !m.overflow && (b == '\r' || b == '\n' || b == ' ' || b == '\t')) {
        return;
    } else if (m.len < HSM_REQUEST_MAX) {
        m.req[m.len++] = (char)b;
    } else {
        m.overflow = true;
    }
}

static void feed(const uint8_t *data, size_t n)
{
    got.n = got.next = 0;
    hsm_protocol_feed(&proto, data, n);
    for (size_t i = 0; i < n; i++)
        model_byte(data[i]);
    FUZZ_ASSERT(got.next == got.n); /* no reply the model did not ask for */
    for (int i = 0; i < got.n; i++)
        check_no_secret(got.line[i]);
    /* Nothing of an answered request stays in the buffer. */
    for (size_t i = proto.len; i < sizeof proto.buf; i++)
        FUZZ_ASSERT(proto.buf[i] == 0);
}

static void power_cycle(bool first)
{
    flash.budget = -1;
    flash.fail_reads = 0;
    hsm_keystore_wipe(&ks);
    /* reads work again: the state of page 0 alone decides */
    enum page0 p0 = page0_state();
    m.locked = p0 == PAGE0_LOCK;
    m.fault = p0 == PAGE0_OTHER;
    FUZZ_ASSERT(hsm_keystore_load(&ks, &flash.storage) == (m.fault ? HSM_KS_STORAGE : HSM_KS_OK));
    FUZZ_ASSERT(ks.fault == m.fault);
    hsm_protocol_init(&proto, &ks, on_reply, NULL);
    proto.no_delta = 1; /* this model knows whole requests; fuzz_delta.c the rest */
    m.len = 0;
    m.overflow = false;
    if (first)
        return;
    for (int i = 0; i < m.nghosts; i++)
        if (in_store_now(m.ghost[i].id) && !model_find(m.ghost[i].id) && m.nkeys < HSM_MAX_KEYS)
            m.key[m.nkeys++] = m.ghost[i];
    m.nghosts = 0;
    /* The store holds exactly the model's keys (their secrets are checked
     * by signing), and the lock. */
    int used = 0;
    for (int i = 0; i < HSM_MAX_KEYS; i++)
        used += ks.slot[i].used;
    FUZZ_ASSERT(used == m.nkeys);
    for (int i = 0; i < m.nkeys; i++)
        FUZZ_ASSERT(in_store_now(m.key[i].id));
    FUZZ_ASSERT(ks.locked == m.locked);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t chunk[HSM_REQUEST_MAX * 3];
    uint32_t rng = 2166136261u;
    size_t i = 0;

    memset(&m, 0, sizeof m);
    memstore_init(&flash);
    power_cycle(true);
    for (size_t k = 0; k < size; k++)
        rng = (rng ^ data[k]) * 16777619u;
    while (i < size) {
        size_t n = 0, want;
        rng ^= rng << 13, rng ^= rng >> 17, rng ^= rng << 5;
        want = 1 + rng % (1u << (rng >> 28) % 14);
        int requests = 0; /* at most 16 replies to one chunk: got's room */
        while (i < size && n < want && n < sizeof chunk && requests < 16) {
            if (data[i] != 0xFF) {
                requests += data[i] == 0;
                chunk[n++] = data[i++];
                continue;
            }
            uint8_t op = i + 1 < size ? data[i + 1] : 0;
            if (op == 0xFF) {
                chunk[n++] = 0xFF;
                i += 2;
                continue;
            }
            break;
        }
        if (n > 0) {
            feed(chunk, n);
            continue;
        }
        uint8_t op = i + 1 < size ? data[i + 1] : 0;
        i += 2;
        if (op == 'P') {
            power_cycle(false);
        } else if (op == 'B') {
            flash.budget = 4L * (i < size ? data[i] : 0);
            i++;
        } else if (op == 'R') {
            flash.fail_reads = 1;
        }
    }
    hsm_keystore_wipe(&ks);
    return 0;
}
