/* See ec2_selection.h. */
#include "ec2_selection.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

typedef struct ec2_filter {
    unsigned long n; /* the N of Filter.N.Name */
    const char *name;
} ec2_filter;

typedef struct ec2_value {
    unsigned long n; /* the N of Filter.N.Value.M */
    const char *value;
} ec2_value;

struct ec2_selection {
    ec2_filter *filters;
    size_t nfilters;
    ec2_value *values;
    size_t nvalues;
    const char **ids; /* InstanceId.N */
    size_t nids;
};

/* Filters on a plain instance field: filter name, JSON member. */
static const struct {
    const char *filter;
    const char *member;
} fields[] = {
    { "instance-id", "id" },
    { "instance-type", "type" },
    { "instance-state-name", "state" },
    { "availability-zone", "availability_zone" },
    { "image-id", "image_id" },
    { "key-name", "key_name" },
    { "private-ip-address", "private_ip" },
    { "ip-address", "public_ip" },
};

static const char *field_of(const char *filter)
{
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(fields[i].filter, filter) == 0)
            return fields[i].member;
    return NULL;
}

static bool known_filter(const char *name)
{
    return field_of(name) != NULL || strcmp(name, "tag-key") == 0 ||
           (strncmp(name, "tag:", 4) == 0 && name[4] != '\0');
}

/* Reads a decimal index >= 1 at *s, moving past it. */
static bool index_at(const char **s, unsigned long *out)
{
    char *end;
    if (**s < '1' || **s > '9')
        return false;
    *out = strtoul(*s, &end, 10);
    *s = end;
    return true;
}

/* Sorts one parameter into sel; false for a Filter.* or InstanceId.*
 * name of no known shape. Other parameters are not ours: true. */
static bool classify(ec2_selection *sel, const char *name, const char *value)
{
    unsigned long n, m;
    const char *s = name;
    if (strncmp(s, "InstanceId.", 11) == 0) {
        s += 11;
        if (!index_at(&s, &n) || *s != '\0')
            return false;
        sel->ids[sel->nids++] = value;
        return true;
    }
    if (strncmp(s, "Filter.", 7) != 0)
        return true;
    s += 7;
    if (!index_at(&s, &n))
        return false;
    if (strcmp(s, ".Name") == 0) {
        sel->filters[sel->nfilters++] = (ec2_filter){ n, value };
        return true;
    }
    if (strncmp(s, ".Value.", 7) != 0)
        return false;
    s += 7;
    if (!index_at(&s, &m) || *s != '\0')
        return false;
    sel->values[sel->nvalues++] = (ec2_value){ n, value };
    return true;
}

/* Every value belongs to a named filter, every filter has a value and a
 * known name. */
static bool check_filters(mock_call *c, const ec2_selection *sel)
{
    for (size_t i = 0; i < sel->nvalues; i++) {
        size_t j = 0;
        while (j < sel->nfilters && sel->filters[j].n != sel->values[i].n)
            j++;
        if (j == sel->nfilters) {
            mock_reply_error(c, 400, "MissingParameter",
                             "The request must contain the parameter Filter.%lu.Name",
                             sel->values[i].n);
            return false;
        }
    }
    for (size_t j = 0; j < sel->nfilters; j++) {
        const ec2_filter *f = &sel->filters[j];
        size_t i = 0;
        while (i < sel->nvalues && sel->values[i].n != f->n)
            i++;
        if (!known_filter(f->name)) {
            mock_reply_error(c, 400, "InvalidParameterValue", "The filter '%s' is invalid",
                             f->name);
            return false;
        }
        if (i == sel->nvalues) {
            mock_reply_error(c, 400, "InvalidParameterValue",
                             "The filter '%s' must have at least one value", f->name);
            return false;
        }
    }
    return true;
}

/* Every InstanceId.N names an instance, as AWS insists. */
static bool check_ids(mock_call *c, const ec2_selection *sel)
{
    for (size_t i = 0; i < sel->nids; i++) {
        if (ec2_instances_find(mock_call_server(c)->ec2, sel->ids[i]) == NULL) {
            mock_reply_error(c, 400, "InvalidInstanceID.NotFound",
                             "The instance ID '%s' does not exist", sel->ids[i]);
            return false;
        }
    }
    return true;
}

ec2_selection *ec2_selection_parse(mock_call *c)
{
    const mock_params *params = mock_call_params(c);
    size_t n = mock_params_count(params);
    ec2_selection *sel = calloc(1, sizeof *sel);
    if (sel == NULL || (sel->filters = calloc(n + 1, sizeof *sel->filters)) == NULL ||
        (sel->values = calloc(n + 1, sizeof *sel->values)) == NULL ||
        (sel->ids = calloc(n + 1, sizeof *sel->ids)) == NULL) {
        mock_reply_error(c, 500, "InternalError", "out of memory");
        ec2_selection_free(sel);
        return NULL;
    }
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        const char *name, *value;
        mock_params_at(params, i, &name, &value);
        ok = classify(sel, name, value);
        if (!ok)
            mock_reply_error(c, 400, "InvalidParameterValue", "The parameter %s is not valid",
                             name);
    }
    if (!ok || !check_filters(c, sel) || !check_ids(c, sel)) {
        ec2_selection_free(sel);
        return NULL;
    }
    return sel;
}

void ec2_selection_free(ec2_selection *sel)
{
    if (sel == NULL)
        return;
    free(sel->filters);
    free(sel->values);
    free(sel->ids);
    free(sel);
}

bool ec2_selection_has_ids(const ec2_selection *sel)
{
    return sel->nids > 0;
}

/* One filter: any of its values matches the instance's field, tag value
 * (tag:KEY) or one of its tag keys (tag-key). */
static bool filter_matches(const ec2_selection *sel, const ec2_filter *f, const ec2_instance *in)
{
    bool tag_key = strcmp(f->name, "tag-key") == 0;
    const char *field = tag_key                           ? NULL
                        : strncmp(f->name, "tag:", 4) == 0 ? ec2_instance_tag(in, f->name + 4)
                                                           : ec2_instance_get(in, field_of(f->name));
    for (size_t i = 0; i < sel->nvalues; i++) {
        const char *pattern = sel->values[i].value;
        if (sel->values[i].n != f->n)
            continue;
        if (field != NULL && fnmatch(pattern, field, 0) == 0)
            return true;
        for (size_t t = 0; tag_key && t < ec2_instance_tag_count(in); t++) {
            const char *key, *value;
            ec2_instance_tag_at(in, t, &key, &value);
            if (fnmatch(pattern, key, 0) == 0)
                return true;
        }
    }
    return false;
}

bool ec2_selection_matches(const ec2_selection *sel, const ec2_instance *in)
{
    const char *id = ec2_instance_get(in, "id");
    bool listed = sel->nids == 0;
    for (size_t i = 0; !listed && i < sel->nids; i++)
        listed = strcmp(sel->ids[i], id) == 0;
    for (size_t j = 0; listed && j < sel->nfilters; j++)
        listed = filter_matches(sel, &sel->filters[j], in);
    return listed;
}
