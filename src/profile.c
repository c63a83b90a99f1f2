/* A profile of the AWS CLI's config and credentials files (see profile.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "internal.h"
#include "profile.h"

#define PATH_SIZE 4096
#define SERVICES_PREFIX "services "

struct setting {
    char *key;   /* a services section's keys are "[services NAME]ec2.endpoint_url" */
    char *value; /* may be a secret */
    int line;
    int file;
};

struct awsv2__profile {
    char name[256];
    char paths[2][PATH_SIZE];
    bool seen[2]; /* the profile's section is in that file */
    struct setting *v;
    size_t n, cap;
    bool nomem;
    int file; /* the file being read */
};

static bool is_profile_section(const awsv2__profile *p, const char *section)
{
    if (p->file == AWSV2__CREDENTIALS_FILE)
        return strcmp(section, p->name) == 0;
    if (strcmp(p->name, "default") == 0 && strcmp(section, "default") == 0)
        return true;
    return strncmp(section, "profile ", 8) == 0 && strcmp(section + 8, p->name) == 0;
}

static int add(awsv2__profile *p, const char *key_prefix, const char *key, const char *value,
               int line)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        struct setting *v = realloc(p->v, cap * sizeof *v);
        if (!v) {
            p->nomem = true;
            return 1;
        }
        p->v = v;
        p->cap = cap;
    }
    struct setting *s = &p->v[p->n];
    size_t kn = strlen(key_prefix) + strlen(key) + 1;
    s->key = malloc(kn);
    s->value = strdup(value);
    if (!s->key || !s->value) {
        free(s->key);
        awsv2__free_secret(s->value);
        p->nomem = true;
        return 1;
    }
    snprintf(s->key, kn, "%s%s", key_prefix, key);
    s->line = line;
    s->file = p->file;
    p->n++;
    return 0;
}

static int take(void *ctx, const char *section, const char *key, const char *value, int line)
{
    awsv2__profile *p = ctx;
    if (is_profile_section(p, section)) {
        p->seen[p->file] = true;
        return *key ? add(p, "", key, value, line) : 0;
    }
    if (p->file == AWSV2__CONFIG_FILE && strncmp(section, SERVICES_PREFIX, 9) == 0 &&
        strchr(key, '.')) {
        char prefix[300];
        snprintf(prefix, sizeof prefix, "[%s]", section);
        return add(p, prefix, key, value, line);
    }
    return 0;
}

void awsv2__profile_free(awsv2__profile *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].key);
        awsv2__free_secret(p->v[i].value);
    }
    free(p->v);
    free(p);
}

awsv2_status awsv2__profile_load(awsv2__profile **out, const char *name, awsv2_error *err)
{
    *out = NULL;
    if (!name || !*name)
        name = getenv("AWS_PROFILE");
    if (!name || !*name)
        name = "default";
    awsv2__profile *p = calloc(1, sizeof *p);
    if (!p)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    awsv2_status st = AWSV2_OK;
    if (strlen(name) >= sizeof p->name)
        st = awsv2__fail(err, AWSV2_E_CONFIG, "the profile name is too long");
    else
        strcpy(p->name, name);
    static const char *const vars[2] = {"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"};
    static const char *const names[2] = {"config", "credentials"};
    for (int f = 0; !st && f < 2; f++) {
        bool found;
        p->file = f;
        st = awsv2__aws_file_path(vars[f], names[f], p->paths[f], PATH_SIZE, err);
        if (!st)
            st = awsv2__ini_parse(p->paths[f], take, p, &found, err);
        if (!st && p->nomem)
            st = awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    }
    if (!st && strcmp(p->name, "default") != 0 && !p->seen[0] && !p->seen[1])
        st = awsv2__fail(err, AWSV2_E_CONFIG,
                         "profile '%s' not found: neither [profile %s] in %s nor [%s] in %s",
                         p->name, p->name, p->paths[0], p->name, p->paths[1]);
    if (st) {
        awsv2__profile_free(p);
        return st;
    }
    *out = p;
    return AWSV2_OK;
}

const char *awsv2__profile_name(const awsv2__profile *p) { return p->name; }
const char *awsv2__profile_path(const awsv2__profile *p, int file) { return p->paths[file]; }

const char *awsv2__profile_get(const awsv2__profile *p, int file, const char *key, int *line,
                               int *from)
{
    const struct setting *best = NULL;
    /* The later of a key repeated in one file wins; the credentials file
     * wins over the config file. */
    for (size_t i = 0; i < p->n; i++) {
        const struct setting *s = &p->v[i];
        if ((file >= 0 && s->file != file) || strcmp(s->key, key) != 0)
            continue;
        if (!best || s->file >= best->file)
            best = s;
    }
    if (best && line)
        *line = best->line;
    if (best && from)
        *from = best->file;
    return best ? best->value : NULL;
}

const char *awsv2__profile_service(const awsv2__profile *p, const char *key, int *line)
{
    const char *services = awsv2__profile_get(p, -1, "services", NULL, NULL);
    if (!services || !*services)
        return NULL;
    char full[600];
    int n = snprintf(full, sizeof full, "[" SERVICES_PREFIX "%s]%s", services, key);
    if (n < 0 || (size_t)n >= sizeof full)
        return NULL;
    return awsv2__profile_get(p, AWSV2__CONFIG_FILE, full, line, NULL);
}
