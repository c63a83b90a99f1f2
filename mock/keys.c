/* See keys.h. The file is AWS's INI dialect: [section] headers, "key =
 * value" lines, '#' and ';' comments, and indented lines under a "key ="
 * with no value (nested settings, which hold no keys). Pairs missing a half
 * are dropped. Secrets are wiped before their memory is freed. */
#include "keys.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

typedef struct key_pair {
    char *section;
    char *id;
    char *secret;
} key_pair;

struct mock_keys {
    key_pair *v;
    size_t n;
};

static void free_secret(char *s)
{
    if (s != NULL) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

void mock_keys_free(mock_keys *keys)
{
    if (keys == NULL)
        return;
    for (size_t i = 0; i < keys->n; i++) {
        free(keys->v[i].section);
        free(keys->v[i].id);
        free_secret(keys->v[i].secret);
    }
    free(keys->v);
    free(keys);
}

const char *mock_keys_secret(const mock_keys *keys, const char *id)
{
    for (size_t i = 0; i < keys->n; i++)
        if (keys->v[i].id != NULL && keys->v[i].secret != NULL && strcmp(keys->v[i].id, id) == 0)
            return keys->v[i].secret;
    return NULL;
}

/* How many profiles have both halves. */
static size_t complete(const mock_keys *keys)
{
    size_t n = 0;
    for (size_t i = 0; i < keys->n; i++)
        n += keys->v[i].id != NULL && keys->v[i].secret != NULL;
    return n;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        *--e = '\0';
    return s;
}

static key_pair *pair_of(mock_keys *keys, const char *section)
{
    for (size_t i = 0; i < keys->n; i++)
        if (strcmp(keys->v[i].section, section) == 0)
            return &keys->v[i];
    key_pair *v = realloc(keys->v, (keys->n + 1) * sizeof *v);
    if (v == NULL)
        return NULL;
    keys->v = v;
    v[keys->n] = (key_pair){ strdup(section), NULL, NULL };
    return v[keys->n].section ? &v[keys->n++] : NULL;
}

typedef struct reader {
    const char *path;
    unsigned line;
    char section[256]; /* "" before the first header */
    bool nested;
} reader;

/* One line (trimmed in place); NULL, or why it is malformed. */
static const char *read_line(reader *r, mock_keys *keys, char *raw)
{
    bool indented = raw[0] == ' ' || raw[0] == '\t';
    char *line = trim(raw);
    if (*line == '\0' || *line == '#' || *line == ';' || (indented && r->nested))
        return NULL;
    r->nested = false;
    if (*line == '[') {
        char *close = strchr(line, ']');
        if (close == NULL || close[1] != '\0' || close == line + 1 ||
            (size_t)(close - line) >= sizeof r->section)
            return "malformed section header";
        *close = '\0';
        snprintf(r->section, sizeof r->section, "%s", trim(line + 1));
        return NULL;
    }
    char *eq = strchr(line, '=');
    if (eq == NULL || eq == line)
        return "expected 'key = value' or '[section]'";
    if (r->section[0] == '\0')
        return "setting before any [section]";
    *eq = '\0';
    char *key = trim(line), *value = trim(eq + 1);
    r->nested = *value == '\0';
    bool is_id = strcmp(key, "aws_access_key_id") == 0;
    if (!is_id && strcmp(key, "aws_secret_access_key") != 0)
        return NULL;
    key_pair *p = pair_of(keys, r->section);
    char **slot = p == NULL ? NULL : is_id ? &p->id : &p->secret;
    if (slot == NULL)
        return "out of memory";
    free_secret(*slot);
    *slot = strdup(value);
    return *slot == NULL ? "out of memory" : NULL;
}

/* Reads every line of f into keys; false after printing why. */
static bool read_file(FILE *f, const char *path, mock_keys *keys)
{
    reader r = { .path = path };
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    const char *why = NULL;
    while (why == NULL && (len = getline(&line, &cap, f)) >= 0) {
        r.line++;
        if (memchr(line, '\0', (size_t)len) != NULL)
            why = "contains a NUL byte";
        else
            why = read_line(&r, keys, line);
    }
    if (why == NULL && ferror(f))
        why = "read error";
    if (line != NULL) {
        OPENSSL_cleanse(line, cap);
        free(line);
    }
    if (why != NULL)
        fprintf(stderr, "awsv2-mock: %s:%u: %s\n", path, r.line, why);
    return why == NULL;
}

mock_keys *mock_keys_load(const char *path)
{
    mock_keys *keys = calloc(1, sizeof *keys);
    char buf[4096]; /* stdio's buffer, ours so that it can be wiped */
    FILE *f = fopen(path, "r");
    if (f != NULL)
        setvbuf(f, buf, _IOFBF, sizeof buf);
    bool ok = keys != NULL && f != NULL && read_file(f, path, keys);
    if (keys == NULL)
        fprintf(stderr, "awsv2-mock: out of memory\n");
    else if (f == NULL)
        fprintf(stderr, "awsv2-mock: %s: %s\n", path,
                errno == ENOENT ? "no such file" : strerror(errno));
    if (f != NULL)
        fclose(f);
    OPENSSL_cleanse(buf, sizeof buf);
    if (ok && complete(keys) == 0) {
        fprintf(stderr, "awsv2-mock: %s holds no aws_access_key_id/aws_secret_access_key pair\n",
                path);
        ok = false;
    }
    if (!ok) {
        mock_keys_free(keys);
        return NULL;
    }
    return keys;
}
