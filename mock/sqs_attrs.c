/* See sqs_attrs.h. */
#include "sqs_attrs.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "call.h"
#include "codec.h"
#include "xml.h"

/* One attribute; value holds the String/Number text or the decoded Binary
 * bytes. */
typedef struct sqs_attr {
    char *name;
    char *type;
    unsigned char *value;
    size_t len;
} sqs_attr;

struct sqs_attrs {
    sqs_attr v[SQS_ATTRS_MAX];
    size_t n;
};

/* One MessageAttribute.N as sent (borrowed strings). */
typedef struct raw_attr {
    unsigned long n;
    const char *name, *type, *string, *binary;
} raw_attr;

/* The raw attribute of index n, added when new. */
static raw_attr *slot(raw_attr *v, size_t *count, unsigned long n)
{
    for (size_t i = 0; i < *count; i++)
        if (v[i].n == n)
            return &v[i];
    v[*count] = (raw_attr){ .n = n };
    return &v[(*count)++];
}

/* Files one MessageAttribute.* parameter; false for an unknown shape. */
static bool collect(raw_attr *v, size_t *count, const char *name, const char *value)
{
    char *end;
    const char *s = name + strlen("MessageAttribute.");
    if (*s < '1' || *s > '9')
        return false;
    raw_attr *a = slot(v, count, strtoul(s, &end, 10));
    const char **field = strcmp(end, ".Name") == 0                ? &a->name
                         : strcmp(end, ".Value.DataType") == 0    ? &a->type
                         : strcmp(end, ".Value.StringValue") == 0 ? &a->string
                         : strcmp(end, ".Value.BinaryValue") == 0 ? &a->binary
                                                                  : NULL;
    if (field != NULL)
        *field = value;
    return field != NULL;
}

/* Names: 1-256 of A-Z a-z 0-9 _ - ., no leading, trailing or double dot. */
static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 256 || s[0] == '.' || s[n - 1] == '.' || strstr(s, "..") != NULL)
        return false;
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.") == n;
}

/* 1 String/Number, 2 Binary (the transport byte of the MD5), 0 invalid. */
static int transport(const char *type)
{
    static const char *const bases[] = { "String", "Number", "Binary" };
    for (int i = 0; type != NULL && i < 3; i++) {
        size_t n = strlen(bases[i]);
        if (strncmp(type, bases[i], n) == 0 && (type[n] == '\0' || (type[n] == '.' && type[n + 1])) &&
            strlen(type) <= 256)
            return i == 2 ? 2 : 1;
    }
    return 0;
}

/* Checks one attribute and copies it into a. */
static bool convert(mock_call *c, const raw_attr *r, sqs_attr *a)
{
    int kind = transport(r->type);
    const char *value = kind == 2 ? r->binary : r->string;
    const char *why = NULL;
    if (r->name == NULL || !valid_name(r->name))
        why = "has a missing or invalid name";
    else if (kind == 0)
        why = "has a missing or invalid DataType";
    else if ((kind == 2 ? r->string : r->binary) != NULL || value == NULL || *value == '\0')
        why = "must contain a non-empty value of its DataType";
    else if (kind == 1 && !mock_valid_text(value, strlen(value)))
        why = "contains invalid characters";
    if (why == NULL) {
        *a = (sqs_attr){ strdup(r->name), strdup(r->type), NULL, 0 };
        if (kind == 2 && !mock_unbase64(value, &a->value, &a->len))
            why = "has a BinaryValue that is not base64";
        else if (kind == 1 && (a->value = (unsigned char *)strdup(value)) != NULL)
            a->len = strlen(value);
    }
    if (why != NULL) {
        mock_reply_error(c, 400, "InvalidParameterValue", "Message attribute %lu %s.", r->n, why);
        return false;
    }
    return true;
}

static bool check_unique(mock_call *c, const sqs_attrs *out)
{
    for (size_t i = 0; i < out->n; i++) {
        if (!out->v[i].name || !out->v[i].type || !out->v[i].value) {
            mock_reply_error(c, 500, "InternalError", "out of memory");
            return false;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(out->v[i].name, out->v[j].name) == 0) {
                mock_reply_error(c, 400, "InvalidParameterValue",
                                 "Message (user) attribute name %s is repeated.", out->v[i].name);
                return false;
            }
        }
    }
    return true;
}

/* Files every MessageAttribute.* parameter into raw (room for one more than
 * SQS allows, so that an 11th is seen and refused). */
static bool collect_all(mock_call *c, raw_attr *raw, size_t *count)
{
    const mock_params *params = mock_call_params(c);
    for (size_t i = 0; i < mock_params_count(params); i++) {
        const char *name, *value;
        mock_params_at(params, i, &name, &value);
        if (strncmp(name, "MessageAttribute.", 17) != 0)
            continue;
        if (!collect(raw, count, name, value)) {
            mock_reply_error(c, 400, "InvalidParameterValue", "The parameter %s is not valid.",
                             name);
            return false;
        }
        if (*count > SQS_ATTRS_MAX) {
            mock_reply_error(c, 400, "InvalidParameterValue",
                             "Number of message attributes exceeds the allowed maximum [%d].",
                             SQS_ATTRS_MAX);
            return false;
        }
    }
    return true;
}

sqs_attrs *sqs_attrs_parse(mock_call *c)
{
    raw_attr raw[SQS_ATTRS_MAX + 1];
    size_t count = 0;
    sqs_attrs *out = calloc(1, sizeof *out);
    if (out == NULL) {
        mock_reply_error(c, 500, "InternalError", "out of memory");
        return NULL;
    }
    bool ok = collect_all(c, raw, &count);
    for (size_t i = 0; ok && i < count; i++) {
        ok = convert(c, &raw[i], &out->v[out->n]);
        out->n++; /* a half-converted slot is freed by sqs_attrs_free */
    }
    if (!ok || !check_unique(c, out)) {
        sqs_attrs_free(out);
        return NULL;
    }
    return out;
}

void sqs_attrs_free(sqs_attrs *attrs)
{
    if (attrs == NULL)
        return;
    for (size_t i = 0; i < attrs->n; i++) {
        free(attrs->v[i].name);
        free(attrs->v[i].type);
        free(attrs->v[i].value);
    }
    free(attrs);
}

size_t sqs_attrs_count(const sqs_attrs *attrs)
{
    return attrs->n;
}

size_t sqs_attrs_size(const sqs_attrs *attrs)
{
    size_t size = 0;
    for (size_t i = 0; i < attrs->n; i++)
        size += strlen(attrs->v[i].name) + strlen(attrs->v[i].type) + attrs->v[i].len;
    return size;
}

static int by_name(const void *a, const void *b)
{
    return strcmp((*(const sqs_attr *const *)a)->name, (*(const sqs_attr *const *)b)->name);
}

static void put_field(EVP_MD_CTX *md, const void *data, size_t len)
{
    unsigned char be[4] = { (unsigned char)(len >> 24), (unsigned char)(len >> 16),
                            (unsigned char)(len >> 8), (unsigned char)len };
    EVP_DigestUpdate(md, be, sizeof be);
    EVP_DigestUpdate(md, data, len);
}

/* AWS's MD5OfMessageAttributes of n attributes, in any order. */
static void md5_of(const sqs_attr *const *v, size_t n, char hex[33])
{
    const sqs_attr *sorted[SQS_ATTRS_MAX];
    unsigned char digest[16];
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    hex[0] = '\0';
    if (md == NULL || n > SQS_ATTRS_MAX || !EVP_DigestInit_ex(md, EVP_md5(), NULL)) {
        EVP_MD_CTX_free(md);
        return;
    }
    memcpy(sorted, v, n * sizeof *v);
    qsort(sorted, n, sizeof *sorted, by_name);
    for (size_t i = 0; i < n; i++) {
        unsigned char kind = (unsigned char)transport(sorted[i]->type);
        put_field(md, sorted[i]->name, strlen(sorted[i]->name));
        put_field(md, sorted[i]->type, strlen(sorted[i]->type));
        EVP_DigestUpdate(md, &kind, 1);
        put_field(md, sorted[i]->value, sorted[i]->len);
    }
    if (EVP_DigestFinal_ex(md, digest, NULL))
        mock_hex(digest, sizeof digest, hex);
    EVP_MD_CTX_free(md);
}

void sqs_attrs_md5(const sqs_attrs *attrs, char hex[33])
{
    const sqs_attr *v[SQS_ATTRS_MAX];
    hex[0] = '\0';
    if (attrs->n == 0)
        return;
    for (size_t i = 0; i < attrs->n; i++)
        v[i] = &attrs->v[i];
    md5_of(v, attrs->n, hex);
}

/* Base64 of n bytes, written in pieces (whole 3-byte groups but the last). */
static void write_base64(FILE *f, const unsigned char *p, size_t n)
{
    char out[4 * 255 / 3 + 1];
    while (n > 0) {
        size_t chunk = n < 255 ? n : 255;
        fwrite(out, 1, mock_base64(p, chunk, out), f);
        p += chunk;
        n -= chunk;
    }
}

static void write_attr(FILE *f, const sqs_attr *a)
{
    fputs("<MessageAttribute>", f);
    mock_xml_elem(f, "Name", a->name);
    fputs("<Value>", f);
    if (strncmp(a->type, "Binary", 6) == 0) {
        fputs("<BinaryValue>", f);
        write_base64(f, a->value, a->len);
        fputs("</BinaryValue>", f);
    } else {
        fputs("<StringValue>", f);
        mock_xml_text(f, (const char *)a->value, a->len);
        fputs("</StringValue>", f);
    }
    mock_xml_elem(f, "DataType", a->type);
    fputs("</Value></MessageAttribute>", f);
}

/* AWS's MD5 covers exactly the attributes it returns. */
void sqs_attrs_write(const sqs_attrs *attrs, FILE *f,
                     bool (*wanted)(const void *ctx, const char *name), const void *ctx)
{
    const sqs_attr *sel[SQS_ATTRS_MAX];
    size_t n = 0;
    char hex[33];
    for (size_t i = 0; i < attrs->n; i++)
        if (wanted(ctx, attrs->v[i].name))
            sel[n++] = &attrs->v[i];
    if (n == 0)
        return;
    md5_of(sel, n, hex);
    mock_xml_elem(f, "MD5OfMessageAttributes", hex);
    for (size_t i = 0; i < n; i++)
        write_attr(f, sel[i]);
}
