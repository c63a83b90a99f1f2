/* --filter Name=N,Values=V1,V2 and --instance-id, gathered into a
 * DescribeInstances input. The struct owns copies of the filters (released
 * by filters_free) and borrows the instance ids from argv. */
#ifndef AWSV2_EXAMPLES_FILTERS_H
#define AWSV2_EXAMPLES_FILTERS_H

#include "awsv2/ec2.h"

struct filters {
    awsv2_ec2_filter *filters;
    size_t n_filters;
    const char **instance_ids;
    size_t n_instance_ids;
};

/* Adds one --filter argument; returns a static reason when it is not of
 * the form Name=N,Values=V1[,V2...], or "out of memory"; NULL on success. */
const char *filters_add(struct filters *f, const char *arg);
/* Adds one --instance-id (borrowed: argv outlives it). */
const char *filters_add_instance_id(struct filters *f, const char *id);
void filters_free(struct filters *f);

#endif
