/* Text and JSON output of DescribeInstances (see output.h). */
#include <json-c/json.h>

#include "output.h"

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

int output_text(FILE *out, const awsv2_ec2_instances *r)
{
    for (size_t i = 0; i < r->n_reservations; i++) {
        const awsv2_ec2_reservation *res = r->reservations[i];
        for (size_t k = 0; k < res->n_instances; k++) {
            const awsv2_ec2_instance *in = res->instances[k];
            fprintf(out, "%s %s %s %s\n", or_dash(res->reservation_id),
                    or_dash(in->instance_id), or_dash(in->instance_type),
                    or_dash(in->state_name));
        }
    }
    return ferror(out) ? -1 : 0;
}

/* Adds key: s unless EC2 did not send it, as the AWS CLI leaves it out. */
static void add_string(json_object *o, const char *key, const char *s)
{
    if (s)
        json_object_object_add(o, key, json_object_new_string(s));
}

static json_object *tags_json(const awsv2_ec2_instance *in)
{
    json_object *tags = json_object_new_array();
    for (size_t t = 0; tags && t < in->n_tags; t++) {
        json_object *tag = json_object_new_object();
        add_string(tag, "Key", in->tags[t].key);
        add_string(tag, "Value", in->tags[t].value);
        json_object_array_add(tags, tag);
    }
    return tags;
}

static json_object *instance_json(const awsv2_ec2_instance *in)
{
    json_object *o = json_object_new_object();
    json_object *state = json_object_new_object();
    json_object *placement = json_object_new_object();
    add_string(o, "InstanceId", in->instance_id);
    add_string(o, "InstanceType", in->instance_type);
    add_string(o, "ImageId", in->image_id);
    add_string(o, "LaunchTime", in->launch_time);
    json_object_object_add(state, "Code", json_object_new_int(in->state_code));
    add_string(state, "Name", in->state_name);
    json_object_object_add(o, "State", state);
    add_string(placement, "AvailabilityZone", in->availability_zone);
    json_object_object_add(o, "Placement", placement);
    add_string(o, "PrivateIpAddress", in->private_ip_address);
    add_string(o, "PublicIpAddress", in->public_ip_address);
    add_string(o, "PrivateDnsName", in->private_dns_name);
    add_string(o, "PublicDnsName", in->public_dns_name);
    add_string(o, "KeyName", in->key_name);
    json_object_object_add(o, "Tags", tags_json(in));
    return o;
}

static json_object *reservation_json(const awsv2_ec2_reservation *res)
{
    json_object *o = json_object_new_object();
    json_object *instances = json_object_new_array();
    add_string(o, "ReservationId", res->reservation_id);
    add_string(o, "OwnerId", res->owner_id);
    for (size_t k = 0; k < res->n_instances; k++)
        json_object_array_add(instances, instance_json(res->instances[k]));
    json_object_object_add(o, "Instances", instances);
    return o;
}

int output_json(FILE *out, const awsv2_ec2_instances *r)
{
    json_object *root = json_object_new_object();
    json_object *list = json_object_new_array();
    for (size_t i = 0; i < r->n_reservations; i++)
        json_object_array_add(list, reservation_json(r->reservations[i]));
    json_object_object_add(root, "Reservations", list);
    const char *text = json_object_to_json_string_ext(
        root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
    int rc = text && fprintf(out, "%s\n", text) >= 0 ? 0 : -1;
    json_object_put(root);
    return rc;
}
