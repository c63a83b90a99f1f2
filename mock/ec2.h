/* DescribeInstances' pieces (ec2.c, ec2_filter.c). */
#ifndef AWSV2_MOCK_EC2_H
#define AWSV2_MOCK_EC2_H

#include "mock.h"

typedef struct ec2_filter {
    unsigned long n; /* the N of Filter.N.Name */
    const char *name;
} ec2_filter;

typedef struct ec2_value {
    unsigned long n; /* the N of Filter.N.Value.M */
    const char *value;
} ec2_value;

/* What a request selects; strings borrowed from the call's parameters. */
typedef struct ec2_selection {
    ec2_filter *filters;
    size_t nfilters;
    ec2_value *values;
    size_t nvalues;
    const char **ids; /* InstanceId.N */
    size_t nids;
} ec2_selection;

/* Reads and checks the Filter.* and InstanceId.* parameters; on failure
 * replies with AWS's error. Free with ec2_selection_free either way. */
bool ec2_selection_parse(mock_call *c, ec2_selection *sel);
void ec2_selection_free(ec2_selection *sel);
bool ec2_selection_matches(const ec2_selection *sel, const mock_instance *in);

#endif
