/* See sigv2.h. Every step is AWS's documented one, spelled out here on
 * purpose rather than borrowed from the library under test. */
#include "sigv2.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

static bool unreserved(unsigned char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '_' || ch == '.' || ch == '~';
}

/* Writes the RFC 3986 encoding of s at out (NULL: only counts); returns
 * its length. */
static size_t encode(const char *s, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (unreserved(*p)) {
            if (out != NULL)
                out[n] = (char)*p;
            n++;
        } else {
            if (out != NULL) {
                out[n] = '%';
                out[n + 1] = hex[*p >> 4];
                out[n + 2] = hex[*p & 0x0F];
            }
            n += 3;
        }
    }
    return n;
}

typedef struct pair {
    const char *name, *value;
} pair;

/* Byte order: strcmp compares as unsigned char. Names are unique in a
 * request; the value breaks ties anyway so the order is total. */
static int by_name(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    int cmp = strcmp(x->name, y->name);
    return cmp != 0 ? cmp : strcmp(x->value, y->value);
}

/* The host part to sign: lower-cased, ":80" dropped. */
static size_t host_len(const char *host)
{
    size_t n = strlen(host);
    const char *colon = strrchr(host, ':');
    const char *bracket = strrchr(host, ']');
    if (colon != NULL && (bracket == NULL || colon > bracket) && strcmp(colon, ":80") == 0)
        n = (size_t)(colon - host);
    return n;
}

char *sigv2_string_to_sign(const char *method, const char *host, const char *path,
                           const mock_params *params, size_t *len)
{
    size_t count = mock_params_count(params), n = 0;
    pair *v = malloc((count + 1) * sizeof *v);
    if (v == NULL)
        return NULL;
    for (size_t i = 0; i < count; i++) {
        mock_params_at(params, i, &v[n].name, &v[n].value);
        if (strcmp(v[n].name, "Signature") != 0)
            n++;
    }
    qsort(v, n, sizeof *v, by_name);

    if (*path == '\0')
        path = "/";
    size_t hlen = host_len(host);
    size_t total = strlen(method) + 1 + hlen + 1 + strlen(path) + 1;
    for (size_t i = 0; i < n; i++)
        total += encode(v[i].name, NULL) + 1 + encode(v[i].value, NULL) + 1;
    char *sts = malloc(total + 1);
    if (sts == NULL) {
        free(v);
        return NULL;
    }
    char *o = sts;
    o += strlen(strcpy(o, method));
    *o++ = '\n';
    for (size_t i = 0; i < hlen; i++)
        *o++ = (host[i] >= 'A' && host[i] <= 'Z') ? (char)(host[i] - 'A' + 'a') : host[i];
    *o++ = '\n';
    o += strlen(strcpy(o, path));
    *o++ = '\n';
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            *o++ = '&';
        o += encode(v[i].name, o);
        *o++ = '=';
        o += encode(v[i].value, o);
    }
    *o = '\0';
    free(v);
    *len = (size_t)(o - sts);
    return sts;
}

sigv2_result sigv2_verify(const char *method, const char *host, const char *path,
                          const mock_params *params, const char *secret)
{
    const char *signature = mock_params_get(params, "Signature");
    const char *sig_method = mock_params_get(params, "SignatureMethod");
    const char *digest;
    if (signature == NULL)
        return SIGV2_NO_SIGNATURE;
    if (sig_method != NULL && strcmp(sig_method, "HmacSHA256") == 0)
        digest = "SHA256";
    else if (sig_method != NULL && strcmp(sig_method, "HmacSHA1") == 0)
        digest = "SHA1";
    else
        return SIGV2_BAD_METHOD;

    size_t sts_len, mac_len = 0;
    char *sts = sigv2_string_to_sign(method, host, path, params, &sts_len);
    unsigned char mac[EVP_MAX_MD_SIZE];
    char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    bool ok = sts != NULL && EVP_Q_mac(NULL, "HMAC", NULL, digest, NULL, secret, strlen(secret),
                                       (const unsigned char *)sts, sts_len, mac, sizeof mac,
                                       &mac_len) != NULL;
    free(sts);
    if (!ok)
        return SIGV2_NOMEM;
    size_t b64_len = (size_t)EVP_EncodeBlock((unsigned char *)b64, mac, (int)mac_len);
    bool match = strlen(signature) == b64_len && CRYPTO_memcmp(b64, signature, b64_len) == 0;
    OPENSSL_cleanse(mac, sizeof mac);
    OPENSSL_cleanse(b64, sizeof b64);
    return match ? SIGV2_MATCH : SIGV2_MISMATCH;
}
