/* The EC2 data set: an instances file (JSON, see README.md) or the
 * built-in one, validated once so that serving it only reads strings. */
#include "mock.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

static const struct {
    const char *name;
    int code;
} states[] = {
    { "pending", 0 },   { "running", 16 },  { "shutting-down", 32 },
    { "terminated", 48 }, { "stopping", 64 }, { "stopped", 80 },
};

int mock_state_code(const char *name)
{
    for (size_t i = 0; name != NULL && i < sizeof states / sizeof states[0]; i++)
        if (strcmp(states[i].name, name) == 0)
            return states[i].code;
    return -1;
}

const char *mock_json_str(struct json_object *obj, const char *key)
{
    struct json_object *v;
    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* Every member of obj is a string, and the required ones are present. */
static const char *check_strings(struct json_object *obj, const char *const *required,
                                 const char *skip)
{
    if (!json_object_is_type(obj, json_type_object))
        return "is not an object";
    json_object_object_foreach(obj, key, val)
    {
        if ((skip == NULL || strcmp(key, skip) != 0) && !json_object_is_type(val, json_type_string))
            return "has a member that is not a string";
    }
    for (size_t i = 0; required[i] != NULL; i++)
        if (mock_json_str(obj, required[i]) == NULL)
            return "lacks a required member";
    return NULL;
}

static const char *check_instance(struct json_object *inst)
{
    static const char *const required[] = { "id", "type", "state", NULL };
    struct json_object *tags;
    time_t t;
    const char *why = check_strings(inst, required, "tags");
    const char *launch = mock_json_str(inst, "launch_time");
    if (why == NULL && mock_state_code(mock_json_str(inst, "state")) < 0)
        why = "has an unknown state";
    if (why == NULL && launch != NULL && awsv2_timestamp_parse(launch, &t, NULL) != AWSV2_OK)
        why = "has a launch_time that is not ISO 8601";
    if (why == NULL && json_object_object_get_ex(inst, "tags", &tags))
        why = check_strings(tags, (const char *const[]){ NULL }, NULL);
    return why;
}

static bool add_reservation(mock_ec2_data *data, struct json_object *res, const char **why)
{
    static const char *const required[] = { "id", NULL };
    struct json_object *list;
    if ((*why = check_strings(res, required, "instances")) != NULL)
        return false;
    if (!json_object_object_get_ex(res, "instances", &list) ||
        !json_object_is_type(list, json_type_array)) {
        *why = "has no instances array";
        return false;
    }
    size_t n = json_object_array_length(list);
    mock_instance *v = realloc(data->v, (data->n + n + 1) * sizeof *v);
    if (v == NULL) {
        *why = "is too large (out of memory)";
        return false;
    }
    data->v = v;
    for (size_t i = 0; i < n; i++) {
        struct json_object *inst = json_object_array_get_idx(list, i);
        if ((*why = check_instance(inst)) != NULL)
            return false;
        v[data->n++] = (mock_instance){ res, inst, i };
    }
    return true;
}

static bool index_data(mock_ec2_data *data, const char *source)
{
    struct json_object *list;
    const char *why = NULL;
    if (!json_object_object_get_ex(data->root, "reservations", &list) ||
        !json_object_is_type(list, json_type_array)) {
        fprintf(stderr, "awsv2-mock: %s: no \"reservations\" array\n", source);
        return false;
    }
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        if (!add_reservation(data, json_object_array_get_idx(list, i), &why)) {
            fprintf(stderr, "awsv2-mock: %s: reservation %zu (or an instance in it) %s\n",
                    source, i + 1, why);
            return false;
        }
    }
    return true;
}

bool mock_ec2_data_load(mock_ec2_data *data, const char *path)
{
    memset(data, 0, sizeof *data);
    data->root = path ? json_object_from_file(path) : json_tokener_parse(mock_default_instances);
    if (data->root == NULL) {
        fprintf(stderr, "awsv2-mock: %s: %s\n", path ? path : "built-in instances",
                json_util_get_last_err() ? json_util_get_last_err() : "not valid JSON");
        return false;
    }
    return index_data(data, path ? path : "built-in instances");
}

void mock_ec2_data_free(mock_ec2_data *data)
{
    json_object_put(data->root);
    free(data->v);
    memset(data, 0, sizeof *data);
}
