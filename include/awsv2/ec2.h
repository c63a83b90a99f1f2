/* EC2 on the query API: DescribeInstances.
 *
 * Ownership: inputs are borrowed for the call's duration; a result belongs
 * to the caller, who releases it, and everything it points to, with
 * awsv2_ec2_instances_free. Thread safety: the calls are as thread-safe as
 * the client they use (awsv2/client.h); a result is plain data tied to no
 * client, which any number of threads may read while none frees it. */
#ifndef AWSV2_EC2_H
#define AWSV2_EC2_H

#include <stddef.h>

#include "awsv2/client.h"
#include "awsv2/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The API version sent unless the input names another. */
#define AWSV2_EC2_API_VERSION "2016-11-15"

/* One filter, e.g. {"instance-state-name", {"running", "pending"}, 2}.
 * A frozen value type: it will never grow, so an input holds a plain array
 * of them. */
typedef struct awsv2_ec2_filter {
    const char *name;
    const char *const *values;
    size_t n_values;
} awsv2_ec2_filter;

/* What to describe. Zero every field you do not set. All borrowed.
 *
 * The struct may grow at its end in a later release: start from
 * AWSV2_EC2_DESCRIBE_INSTANCES_INPUT_INIT (or set size = sizeof the struct);
 * the library reads no member beyond size. A size of 0 (`= {0}`) means the
 * first published layout, the one below; a size from 1 to less than that
 * layout is AWSV2_E_INVALID. */
typedef struct awsv2_ec2_describe_instances_input {
    size_t size;
    const awsv2_ec2_filter *filters;
    size_t n_filters;
    const char *const *instance_ids;
    size_t n_instance_ids;
    int max_results;        /* page size (EC2 allows 5..1000); 0: not sent */
    const char *next_token; /* the page to fetch; NULL: the first */
    const char *version;    /* NULL: AWSV2_EC2_API_VERSION */
} awsv2_ec2_describe_instances_input;

#define AWSV2_EC2_DESCRIBE_INSTANCES_INPUT_INIT \
    {.size = sizeof(awsv2_ec2_describe_instances_input)}

/* One tag of an instance. A frozen value type: it will never grow, so an
 * instance holds a plain array of them. */
typedef struct awsv2_ec2_tag {
    char *key;
    char *value; /* "" for a tag without a value */
} awsv2_ec2_tag;

/* The result structs below are allocated by the library only and reached
 * through pointers, so a later release may add members at their ends:
 * never allocate, copy by value or take sizeof of them.
 *
 * One instance. Every string is NUL-terminated and owned by the result; a
 * field EC2 did not send (e.g. the public IP of a stopped instance) is
 * NULL. */
typedef struct awsv2_ec2_instance {
    char *instance_id;
    char *instance_type;
    char *state_name; /* "pending", "running", "stopped", ... */
    int state_code;   /* 0 pending, 16 running, 32 shutting-down, ...; -1 if absent */
    char *image_id;
    char *launch_time; /* ISO 8601 as sent, e.g. "2016-08-01T12:00:00.000Z" */
    char *availability_zone;
    char *private_ip_address;
    char *public_ip_address;
    char *private_dns_name;
    char *public_dns_name;
    char *key_name;
    awsv2_ec2_tag *tags;
    size_t n_tags;
} awsv2_ec2_instance;

typedef struct awsv2_ec2_reservation {
    char *reservation_id;
    char *owner_id;
    awsv2_ec2_instance **instances; /* n_instances pointers */
    size_t n_instances;
} awsv2_ec2_reservation;

/* A page (or, from awsv2_ec2_describe_instances_all, every page) of
 * DescribeInstances. next_token is NULL on the last page. */
typedef struct awsv2_ec2_instances {
    awsv2_ec2_reservation **reservations; /* n_reservations pointers */
    size_t n_reservations;
    char *next_token;
    char *request_id;
} awsv2_ec2_instances;

/* Fetches one page. *out is the caller's: free it with
 * awsv2_ec2_instances_free. On failure *out is NULL. */
AWSV2_API awsv2_status awsv2_ec2_describe_instances(awsv2_client *client,
                                                    const awsv2_ec2_describe_instances_input *in,
                                                    awsv2_ec2_instances **out, awsv2_error *err);

/* Fetches in->next_token's page (NULL: the first) and every page after it,
 * following NextToken, into one result (whose next_token is NULL). */
AWSV2_API awsv2_status awsv2_ec2_describe_instances_all(
    awsv2_client *client, const awsv2_ec2_describe_instances_input *in,
    awsv2_ec2_instances **out, awsv2_error *err);

/* Parses a DescribeInstancesResponse document (len bytes), as the calls
 * above do; for responses obtained elsewhere (awsv2_client_call). */
AWSV2_API awsv2_status awsv2_ec2_instances_parse(const char *xml, size_t len,
                                                 awsv2_ec2_instances **out, awsv2_error *err);

/* Frees a result and everything it points to. NULL is fine. */
AWSV2_API void awsv2_ec2_instances_free(awsv2_ec2_instances *instances);

#ifdef __cplusplus
}
#endif
#endif
