/* Shared by ec2.c and ec2_parse.c. */
#ifndef AWSV2_CLIENT_EC2_IMPL_H
#define AWSV2_CLIENT_EC2_IMPL_H

#include <libxml/tree.h>

#include "awsv2/ec2.h"

/* The typed result of a DescribeInstancesResponse document. */
awsv2_status awsv2__ec2_instances_from_doc(xmlDoc *doc, awsv2_ec2_instances **out,
                                           awsv2_error *err);

#endif
