/* See ec2_instances.h. json-c holds the data; every string served is
 * checked at load, so serving only reads. */
#include "ec2_instances.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "codec.h"

typedef struct tag {
    const char *key, *value;
} tag;

struct ec2_instance {
    struct json_object *reservation;
    struct json_object *instance;
    size_t launch_index;
    int state_code;
    tag *tags;
    size_t ntags;
};

struct ec2_instances {
    struct json_object *root;
    ec2_instance *v;
    size_t n;
};

/* The built-in set, in the instances-file format: three reservations,
 * seven instances, mixed states, types and tags. */
static const char default_instances[] =
    "{\"reservations\": ["
    "{\"id\": \"r-0a1b2c3d4e5f60001\", \"owner_id\": \"123456789012\", \"instances\": ["
    " {\"id\": \"i-0a1b2c3d4e5f60001\", \"type\": \"t3.micro\", \"state\": \"running\","
    "  \"image_id\": \"ami-0abcdef1234567890\", \"launch_time\": \"2024-03-01T09:00:00.000Z\","
    "  \"availability_zone\": \"us-east-1a\", \"private_ip\": \"10.0.1.10\","
    "  \"private_dns\": \"ip-10-0-1-10.ec2.internal\", \"public_ip\": \"203.0.113.10\","
    "  \"public_dns\": \"ec2-203-0-113-10.compute-1.amazonaws.com\", \"key_name\": \"web-key\","
    "  \"tags\": {\"Name\": \"web-1\", \"env\": \"prod\", \"role\": \"web\"}},"
    " {\"id\": \"i-0a1b2c3d4e5f60002\", \"type\": \"t3.micro\", \"state\": \"running\","
    "  \"image_id\": \"ami-0abcdef1234567890\", \"launch_time\": \"2024-03-01T09:00:00.000Z\","
    "  \"availability_zone\": \"us-east-1b\", \"private_ip\": \"10.0.2.11\","
    "  \"private_dns\": \"ip-10-0-2-11.ec2.internal\", \"public_ip\": \"203.0.113.11\","
    "  \"public_dns\": \"ec2-203-0-113-11.compute-1.amazonaws.com\", \"key_name\": \"web-key\","
    "  \"tags\": {\"Name\": \"web-2\", \"env\": \"prod\", \"role\": \"web\"}},"
    " {\"id\": \"i-0a1b2c3d4e5f60003\", \"type\": \"t3.small\", \"state\": \"stopped\","
    "  \"image_id\": \"ami-0abcdef1234567890\", \"launch_time\": \"2024-02-11T17:30:00.000Z\","
    "  \"availability_zone\": \"us-east-1a\", \"private_ip\": \"10.0.1.12\","
    "  \"private_dns\": \"ip-10-0-1-12.ec2.internal\", \"key_name\": \"web-key\","
    "  \"tags\": {\"Name\": \"web-canary\", \"env\": \"staging\", \"role\": \"web\"}}]},"
    "{\"id\": \"r-0a1b2c3d4e5f60002\", \"owner_id\": \"123456789012\", \"instances\": ["
    " {\"id\": \"i-0a1b2c3d4e5f60004\", \"type\": \"m5.large\", \"state\": \"running\","
    "  \"image_id\": \"ami-0fedcba9876543210\", \"launch_time\": \"2023-11-20T08:15:42.000Z\","
    "  \"availability_zone\": \"us-east-1c\", \"private_ip\": \"10.0.3.20\","
    "  \"private_dns\": \"ip-10-0-3-20.ec2.internal\", \"key_name\": \"db-key\","
    "  \"tags\": {\"Name\": \"db-primary\", \"env\": \"prod\", \"role\": \"db\"}},"
    " {\"id\": \"i-0a1b2c3d4e5f60005\", \"type\": \"m5.large\", \"state\": \"stopping\","
    "  \"image_id\": \"ami-0fedcba9876543210\", \"launch_time\": \"2023-11-20T08:15:42.000Z\","
    "  \"availability_zone\": \"us-east-1d\", \"private_ip\": \"10.0.4.21\","
    "  \"private_dns\": \"ip-10-0-4-21.ec2.internal\", \"key_name\": \"db-key\","
    "  \"tags\": {\"Name\": \"db-replica\", \"env\": \"prod\", \"role\": \"db\"}}]},"
    "{\"id\": \"r-0a1b2c3d4e5f60003\", \"owner_id\": \"123456789012\", \"instances\": ["
    " {\"id\": \"i-0a1b2c3d4e5f60006\", \"type\": \"c6g.xlarge\", \"state\": \"pending\","
    "  \"image_id\": \"ami-0123456789abcdef0\", \"launch_time\": \"2024-04-02T12:00:05.000Z\","
    "  \"availability_zone\": \"us-east-1a\", \"private_ip\": \"10.0.1.30\","
    "  \"private_dns\": \"ip-10-0-1-30.ec2.internal\","
    "  \"tags\": {\"Name\": \"batch-worker & <co>\", \"env\": \"dev\"}},"
    " {\"id\": \"i-0a1b2c3d4e5f60007\", \"type\": \"t2.nano\", \"state\": \"terminated\","
    "  \"image_id\": \"ami-0123456789abcdef0\", \"launch_time\": \"2022-07-14T22:01:00.000Z\","
    "  \"availability_zone\": \"us-east-1b\", \"tags\": {}}]}"
    "]}";


static const struct {
    const char *name;
    int code;
} states[] = {
    { "pending", 0 },   { "running", 16 },  { "shutting-down", 32 },
    { "terminated", 48 }, { "stopping", 64 }, { "stopped", 80 },
};

static int state_code(const char *name)
{
    for (size_t i = 0; name != NULL && i < sizeof states / sizeof states[0]; i++)
        if (strcmp(states[i].name, name) == 0)
            return states[i].code;
    return -1;
}

static const char *json_str(struct json_object *obj, const char *key)
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
        if (json_str(obj, required[i]) == NULL)
            return "lacks a required member";
    return NULL;
}

static const char *check_instance(struct json_object *inst)
{
    static const char *const required[] = { "id", "type", "state", NULL };
    struct json_object *tags;
    time_t t;
    const char *why = check_strings(inst, required, "tags");
    const char *launch = json_str(inst, "launch_time");
    if (why == NULL && state_code(json_str(inst, "state")) < 0)
        why = "has an unknown state";
    if (why == NULL && launch != NULL && !mock_iso8601(launch, &t))
        why = "has a launch_time that is not ISO 8601";
    if (why == NULL && json_object_object_get_ex(inst, "tags", &tags))
        why = check_strings(tags, (const char *const[]){ NULL }, NULL);
    return why;
}

/* Indexes the tags of inst (checked to be strings) into in. */
static bool add_tags(ec2_instance *in, struct json_object *inst)
{
    struct json_object *tags;
    *in = (ec2_instance){ .tags = NULL };
    if (!json_object_object_get_ex(inst, "tags", &tags) || json_object_object_length(tags) == 0)
        return true;
    in->tags = calloc((size_t)json_object_object_length(tags), sizeof *in->tags);
    if (in->tags == NULL)
        return false;
    json_object_object_foreach(tags, key, val)
    {
        in->tags[in->ntags++] = (tag){ key, json_object_get_string(val) };
    }
    return true;
}

static bool add_reservation(ec2_instances *data, struct json_object *res, const char **why)
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
    ec2_instance *v = realloc(data->v, (data->n + n + 1) * sizeof *v);
    if (v == NULL) {
        *why = "is too large (out of memory)";
        return false;
    }
    data->v = v;
    for (size_t i = 0; i < n; i++) {
        struct json_object *inst = json_object_array_get_idx(list, i);
        if ((*why = check_instance(inst)) != NULL)
            return false;
        if (!add_tags(&v[data->n], inst)) {
            *why = "is too large (out of memory)";
            return false;
        }
        v[data->n].reservation = res;
        v[data->n].instance = inst;
        v[data->n].launch_index = i;
        v[data->n].state_code = state_code(json_str(inst, "state"));
        data->n++;
    }
    return true;
}

static bool index_data(ec2_instances *data, const char *source)
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

ec2_instances *ec2_instances_load(const char *path)
{
    const char *source = path ? path : "built-in instances";
    ec2_instances *data = calloc(1, sizeof *data);
    if (data == NULL) {
        fprintf(stderr, "awsv2-mock: out of memory\n");
        return NULL;
    }
    data->root = path ? json_object_from_file(path) : json_tokener_parse(default_instances);
    if (data->root == NULL)
        fprintf(stderr, "awsv2-mock: %s: %s\n", source,
                json_util_get_last_err() ? json_util_get_last_err() : "not valid JSON");
    if (data->root == NULL || !index_data(data, source)) {
        ec2_instances_free(data);
        return NULL;
    }
    return data;
}

void ec2_instances_free(ec2_instances *data)
{
    if (data == NULL)
        return;
    for (size_t i = 0; i < data->n; i++)
        free(data->v[i].tags);
    json_object_put(data->root);
    free(data->v);
    free(data);
}

size_t ec2_instances_count(const ec2_instances *set)
{
    return set->n;
}

const ec2_instance *ec2_instances_at(const ec2_instances *set, size_t i)
{
    return &set->v[i];
}

const ec2_instance *ec2_instances_find(const ec2_instances *set, const char *id)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(json_str(set->v[i].instance, "id"), id) == 0)
            return &set->v[i];
    return NULL;
}

const char *ec2_instance_get(const ec2_instance *in, const char *member)
{
    return json_str(in->instance, member);
}

const char *ec2_instance_reservation_get(const ec2_instance *in, const char *member)
{
    return json_str(in->reservation, member);
}

bool ec2_instance_same_reservation(const ec2_instance *a, const ec2_instance *b)
{
    return a->reservation == b->reservation;
}

size_t ec2_instance_launch_index(const ec2_instance *in)
{
    return in->launch_index;
}

int ec2_instance_state_code(const ec2_instance *in)
{
    return in->state_code;
}

size_t ec2_instance_tag_count(const ec2_instance *in)
{
    return in->ntags;
}

void ec2_instance_tag_at(const ec2_instance *in, size_t i, const char **key, const char **value)
{
    *key = in->tags[i].key;
    *value = in->tags[i].value;
}

const char *ec2_instance_tag(const ec2_instance *in, const char *key)
{
    for (size_t i = 0; i < in->ntags; i++)
        if (strcmp(in->tags[i].key, key) == 0)
            return in->tags[i].value;
    return NULL;
}
