/* Reading tests/core/sigv4.jsonl with json-c; the OpenSSL oracle. */
#define _POSIX_C_SOURCE 200809L /* strndup */
#include "sigv4_vectors.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#define MAX_VECTORS 64

static sigv4_vector vectors[MAX_VECTORS];
static size_t nvectors;

/* Loading happens before or inside a test, so a failure ends the process
 * (99: a hard error for the test driver) rather than going through Check. */
static void need(int ok, const char *fmt, ...)
{
    if (ok)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("sigv4_vectors: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(99);
}

static const char *field(json_object *v, const char *name)
{
    json_object *o;
    if (!json_object_object_get_ex(v, name, &o) || json_object_is_type(o, json_type_null))
        return NULL;
    return json_object_get_string(o);
}

/* The canonical request less its "authorization:" header line and the
 * "authorization;" entry of its signed headers (see signed_request). */
static char *without_authorization(const char *cr)
{
    char *out = malloc(strlen(cr) + 1), *o = out;
    need(out != NULL, "out of memory");
    for (const char *line = cr; *line;) {
        size_t n = strcspn(line, "\n");
        if (strncmp(line, "authorization:", 14) != 0) {
            const char *l = line;
            size_t m = n;
            if (strncmp(l, "authorization;", 14) == 0)
                l += 14, m -= 14;
            memcpy(o, l, m);
            o += m;
            if (line[n])
                *o++ = '\n';
        }
        line += n + (line[n] != '\0');
    }
    *o = '\0';
    return out;
}

size_t sigv4_vectors(const sigv4_vector **out)
{
    if (nvectors == 0) {
        const char *top = getenv("top_srcdir");
        char path[4096], line[65536];
        snprintf(path, sizeof path, "%s/tests/core/sigv4.jsonl", top && *top ? top : ".");
        FILE *f = fopen(path, "r");
        need(f != NULL, "cannot open %s (is top_srcdir set?)", path);
        for (int lineno = 1; fgets(line, sizeof line, f); lineno++) {
            if (line[strspn(line, " \t\r\n")] == '\0')
                continue;
            json_object *o = json_tokener_parse(line);
            need(o != NULL, "line %d of sigv4.jsonl is not JSON", lineno);
            need(nvectors < MAX_VECTORS, "more than %d vectors", MAX_VECTORS);
            sigv4_vector *v = &vectors[nvectors++];
            v->json = o;
            v->name = field(o, "name");
            v->kind = field(o, "kind");
            v->key_id = field(o, "access_key_id");
            v->secret = field(o, "secret");
            v->region = field(o, "region");
            v->service = field(o, "service");
            v->session_token = field(o, "session_token");
            v->timestamp = field(o, "timestamp");
            v->date = v->timestamp ? strndup(v->timestamp, 8) : field(o, "date");
            need(v->date != NULL || !v->timestamp, "out of memory");
            v->canonical_request = field(o, "canonical_request");
            v->string_to_sign = field(o, "string_to_sign");
            v->body = field(o, "body");
            v->signature = field(o, "signature");
            v->signing_key = field(o, "signing_key");
            v->authorization = field(o, "authorization");
            if (v->canonical_request)
                v->signed_request = without_authorization(v->canonical_request);
            need(v->name && v->kind, "line %d of sigv4.jsonl has no name or kind", lineno);
        }
        fclose(f);
        need(nvectors > 0, "%s holds no vector", path);
    }
    *out = vectors;
    return nvectors;
}

void sigv4_sha256_hex(const void *data, size_t len, char hex[65])
{
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(data, len, d);
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static void hmac256(const void *key, size_t key_len, const void *msg, size_t len,
                    unsigned char out[32])
{
    unsigned int n = 32;
    HMAC(EVP_sha256(), key, (int)key_len, msg, len, out, &n);
}

void sigv4_oracle_key(const char *secret, const char *date, const char *region,
                      const char *service, unsigned char key[32])
{
    char k0[256];
    int n = snprintf(k0, sizeof k0, "AWS4%s", secret);
    need(n > 0 && (size_t)n < sizeof k0, "secret too long");
    hmac256(k0, (size_t)n, date, strlen(date), key);
    hmac256(key, 32, region, strlen(region), key);
    hmac256(key, 32, service, strlen(service), key);
    hmac256(key, 32, "aws4_request", 12, key);
}

void sigv4_oracle_sign(const char *secret, const char *amz_date, const char *region,
                       const char *service, const char *cr, size_t cr_len,
                       unsigned char *sig, char *hex)
{
    char date[9], hash[65], sts[512];
    unsigned char key[32], mac[32];
    need(strlen(amz_date) == 16, "not an X-Amz-Date: %s", amz_date);
    snprintf(date, sizeof date, "%.8s", amz_date);
    sigv4_sha256_hex(cr, cr_len, hash);
    int n = snprintf(sts, sizeof sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", amz_date,
                     date, region, service, hash);
    need(n > 0 && (size_t)n < sizeof sts, "scope too long");
    sigv4_oracle_key(secret, date, region, service, key);
    hmac256(key, 32, sts, (size_t)n, mac);
    if (sig)
        memcpy(sig, mac, 32);
    if (hex)
        for (int i = 0; i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", mac[i]);
}
