/* DescribeInstances' selection: Filter.N.Name / Filter.N.Value.M (values
 * OR'ed, filters AND'ed, '*' and '?' wildcards as AWS has them) and
 * InstanceId.N. */
#include "ec2.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

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
    const mock_ec2_data *data = &c->srv->ec2;
    for (size_t i = 0; i < sel->nids; i++) {
        size_t j = 0;
        while (j < data->n && strcmp(mock_json_str(data->v[j].instance, "id"), sel->ids[i]) != 0)
            j++;
        if (j == data->n) {
            mock_reply_error(c, 400, "InvalidInstanceID.NotFound",
                             "The instance ID '%s' does not exist", sel->ids[i]);
            return false;
        }
    }
    return true;
}

bool ec2_selection_parse(mock_call *c, ec2_selection *sel)
{
    size_t n = awsv2_params_count(c->params);
    memset(sel, 0, sizeof *sel);
    sel->filters = calloc(n + 1, sizeof *sel->filters);
    sel->values = calloc(n + 1, sizeof *sel->values);
    sel->ids = calloc(n + 1, sizeof *sel->ids);
    if (sel->filters == NULL || sel->values == NULL || sel->ids == NULL) {
        mock_reply_error(c, 500, "InternalError", "out of memory");
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const char *name, *value;
        awsv2_params_at(c->params, i, &name, &value);
        if (!classify(sel, name, value)) {
            mock_reply_error(c, 400, "InvalidParameterValue", "The parameter %s is not valid",
                             name);
            return false;
        }
    }
    return check_filters(c, sel) && check_ids(c, sel);
}

void ec2_selection_free(ec2_selection *sel)
{
    free(sel->filters);
    free(sel->values);
    free(sel->ids);
}

/* One filter: any of its values matches the instance's field, tag value
 * (tag:KEY) or one of its tag keys (tag-key). */
static bool filter_matches(const ec2_selection *sel, const ec2_filter *f, const mock_instance *in)
{
    struct json_object *tags = NULL;
    const char *field = NULL;
    bool tag_key = strcmp(f->name, "tag-key") == 0;
    if (tag_key || strncmp(f->name, "tag:", 4) == 0)
        json_object_object_get_ex(in->instance, "tags", &tags);
    else
        field = mock_json_str(in->instance, field_of(f->name));
    if (!tag_key && tags != NULL)
        field = mock_json_str(tags, f->name + 4);
    for (size_t i = 0; i < sel->nvalues; i++) {
        const char *pattern = sel->values[i].value;
        if (sel->values[i].n != f->n)
            continue;
        if (field != NULL && fnmatch(pattern, field, 0) == 0)
            return true;
        if (tag_key && tags != NULL) {
            json_object_object_foreach(tags, key, val)
            {
                (void)val;
                if (fnmatch(pattern, key, 0) == 0)
                    return true;
            }
        }
    }
    return false;
}

bool ec2_selection_matches(const ec2_selection *sel, const mock_instance *in)
{
    const char *id = mock_json_str(in->instance, "id");
    bool listed = sel->nids == 0;
    for (size_t i = 0; !listed && i < sel->nids; i++)
        listed = strcmp(sel->ids[i], id) == 0;
    for (size_t j = 0; listed && j < sel->nfilters; j++)
        listed = filter_matches(sel, &sel->filters[j], in);
    return listed;
}
