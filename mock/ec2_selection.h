/* What a DescribeInstances request selects: Filter.N.Name /
 * Filter.N.Value.M (values OR'ed, filters AND'ed, '*' and '?' wildcards as
 * AWS has them) and InstanceId.N. Borrows the call's strings; lives within
 * the call. */
#ifndef AWSV2_MOCK_EC2_SELECTION_H
#define AWSV2_MOCK_EC2_SELECTION_H

#include <stdbool.h>

#include "call.h"
#include "ec2_instances.h"

typedef struct ec2_selection ec2_selection;

/* Reads and checks the call's Filter.* and InstanceId.* parameters; NULL
 * after replying with AWS's error. */
ec2_selection *ec2_selection_parse(mock_call *c);
void ec2_selection_free(ec2_selection *sel);
bool ec2_selection_matches(const ec2_selection *sel, const ec2_instance *in);
/* True when the request listed instance ids. */
bool ec2_selection_has_ids(const ec2_selection *sel);

#endif
