/* The EC2 data set: an instances file (JSON, see README.md) or the
 * built-in one, validated once at load. Read-only afterwards, so any
 * number of threads may read it. */
#ifndef AWSV2_MOCK_EC2_INSTANCES_H
#define AWSV2_MOCK_EC2_INSTANCES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ec2_instances ec2_instances;
/* One instance with its reservation; owned by the set. */
typedef struct ec2_instance ec2_instance;

/* Loads path, or the built-in set when path is NULL; NULL after printing
 * why to stderr. */
ec2_instances *ec2_instances_load(const char *path);
void ec2_instances_free(ec2_instances *set);

/* Instances in file order, reservation by reservation. */
size_t ec2_instances_count(const ec2_instances *set);
const ec2_instance *ec2_instances_at(const ec2_instances *set, size_t i);
/* The instance of an id, or NULL. */
const ec2_instance *ec2_instances_find(const ec2_instances *set, const char *id);

/* A member of the instance ("id", "type", "state", "image_id", ...), or
 * NULL when absent. */
const char *ec2_instance_get(const ec2_instance *in, const char *member);
/* A member of its reservation ("id", "owner_id"), or NULL. */
const char *ec2_instance_reservation_get(const ec2_instance *in, const char *member);
bool ec2_instance_same_reservation(const ec2_instance *a, const ec2_instance *b);
/* Its place in the reservation. */
size_t ec2_instance_launch_index(const ec2_instance *in);
/* EC2's code of its state ("running" 16). */
int ec2_instance_state_code(const ec2_instance *in);
/* Tags, in file order. */
size_t ec2_instance_tag_count(const ec2_instance *in);
void ec2_instance_tag_at(const ec2_instance *in, size_t i, const char **key, const char **value);
/* The value of tag key, or NULL. */
const char *ec2_instance_tag(const ec2_instance *in, const char *key);

#endif
