/* Every key pair of a shared-credentials file: the library's INI reader,
 * collecting aws_access_key_id / aws_secret_access_key per profile (its
 * credentials loader returns one profile; the mock accepts them all). */
#include "mock.h"

#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "internal.h"

/* Profiles as read; pairs missing a half are dropped at the end. */
struct profile {
    char *section;
    char *id;
    char *secret;
};

struct reader {
    struct profile *v;
    size_t n;
    bool nomem;
};

static struct profile *profile_of(struct reader *r, const char *section)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->v[i].section, section) == 0)
            return &r->v[i];
    struct profile *v = realloc(r->v, (r->n + 1) * sizeof *v);
    if (v == NULL)
        return NULL;
    r->v = v;
    v[r->n] = (struct profile){ awsv2__strdup(section), NULL, NULL };
    return v[r->n].section ? &v[r->n++] : NULL;
}

static int on_setting(void *ctx, const char *section, const char *key, const char *value,
                      int line)
{
    (void)line;
    struct reader *r = ctx;
    bool is_id = strcmp(key, "aws_access_key_id") == 0;
    if (!is_id && strcmp(key, "aws_secret_access_key") != 0)
        return 0;
    struct profile *p = profile_of(r, section);
    char **slot = p == NULL ? NULL : is_id ? &p->id : &p->secret;
    if (slot != NULL) {
        awsv2__free_secret(*slot);
        *slot = awsv2__strdup(value);
    }
    r->nomem = slot == NULL || *slot == NULL;
    return r->nomem;
}

/* Moves the complete pairs into keys and frees the reader. */
static bool collect(struct reader *r, mock_keys *keys)
{
    bool ok = !r->nomem;
    keys->v = calloc(r->n ? r->n : 1, sizeof *keys->v);
    ok = ok && keys->v != NULL;
    for (size_t i = 0; i < r->n; i++) {
        struct profile *p = &r->v[i];
        if (ok && p->id != NULL && p->secret != NULL) {
            keys->v[keys->n++] = (mock_key){ p->id, p->secret };
        } else {
            free(p->id);
            awsv2__free_secret(p->secret);
        }
        free(p->section);
    }
    free(r->v);
    return ok;
}

bool mock_keys_load(mock_keys *keys, const char *path)
{
    struct reader r = { 0 };
    awsv2_error err;
    bool found = false;
    awsv2_status st = awsv2__ini_parse(path, on_setting, &r, &found, &err);
    bool ok = collect(&r, keys);
    if (st != AWSV2_OK)
        fprintf(stderr, "awsv2-mock: %s\n", err.message);
    else if (!found)
        fprintf(stderr, "awsv2-mock: %s: no such file\n", path);
    else if (!ok)
        fprintf(stderr, "awsv2-mock: out of memory\n");
    else if (keys->n == 0)
        fprintf(stderr, "awsv2-mock: %s holds no aws_access_key_id/aws_secret_access_key pair\n",
                path);
    return st == AWSV2_OK && found && ok && keys->n > 0;
}

const char *mock_keys_secret(const mock_keys *keys, const char *id)
{
    for (size_t i = 0; i < keys->n; i++)
        if (strcmp(keys->v[i].id, id) == 0)
            return keys->v[i].secret;
    return NULL;
}

void mock_keys_free(mock_keys *keys)
{
    for (size_t i = 0; i < keys->n; i++) {
        free(keys->v[i].id);
        awsv2__free_secret(keys->v[i].secret);
    }
    free(keys->v);
    keys->v = NULL;
    keys->n = 0;
}
