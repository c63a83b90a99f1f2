/* EC2's actions. */
#ifndef AWSV2_MOCK_EC2_H
#define AWSV2_MOCK_EC2_H

#include "call.h"

/* DescribeInstances, in the 2016-11-15 API's XML, paged by MaxResults and
 * an opaque NextToken. */
void ec2_describe_instances(mock_call *c);

#endif
