/* Parsing --filter in the AWS CLI's shorthand (see filters.h). */
#include <stdlib.h>
#include <string.h>

#include "filters.h"

/* Splits s (modified in place) at commas into a malloc'd array. */
static const char **split_values(char *s, size_t *n)
{
    size_t count = 1;
    for (const char *p = s; *p; p++)
        count += *p == ',';
    const char **v = calloc(count, sizeof *v);
    if (!v)
        return NULL;
    *n = 0;
    for (char *tok = s, *comma;; tok = comma + 1) {
        comma = strchr(tok, ',');
        if (comma)
            *comma = '\0';
        v[(*n)++] = tok;
        if (!comma)
            return v;
    }
}

static int has_empty(const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!*v[i])
            return 1;
    return 0;
}

const char *filters_add(struct filters *f, const char *arg)
{
    static const char form[] = "expected Name=NAME,Values=VALUE[,VALUE...]";
    const char *sep = strstr(arg, ",Values=");
    if (strncmp(arg, "Name=", 5) != 0 || !sep || sep == arg + 5 || !sep[8])
        return form;
    awsv2_ec2_filter *grown = realloc(f->filters, (f->n_filters + 1) * sizeof *grown);
    if (!grown)
        return "out of memory";
    f->filters = grown;
    /* One copy holds the name and the values, split in place. */
    char *copy = strdup(arg + 5);
    if (!copy)
        return "out of memory";
    copy[sep - (arg + 5)] = '\0';
    awsv2_ec2_filter *nf = &f->filters[f->n_filters];
    nf->name = copy;
    nf->values = split_values(copy + (sep - (arg + 5)) + 8, &nf->n_values);
    if (!nf->values) {
        free(copy);
        return "out of memory";
    }
    f->n_filters++;
    return has_empty(nf->values, nf->n_values) ? form : NULL;
}

const char *filters_add_instance_id(struct filters *f, const char *id)
{
    if (!*id)
        return "an instance id cannot be empty";
    const char **grown = realloc(f->instance_ids, (f->n_instance_ids + 1) * sizeof *grown);
    if (!grown)
        return "out of memory";
    f->instance_ids = grown;
    f->instance_ids[f->n_instance_ids++] = id;
    return NULL;
}

void filters_free(struct filters *f)
{
    for (size_t i = 0; i < f->n_filters; i++) {
        free((void *)f->filters[i].name);
        free((void *)f->filters[i].values);
    }
    free(f->filters);
    free(f->instance_ids);
}
