/* The DescribeInstances result (awsv2/ec2.h) as the library builds it. Only
 * ec2_result.c allocates or changes one; ec2.c fetches the pages. A result
 * being built belongs to one thread. */
#ifndef AWSV2_CLIENT_EC2_RESULT_H
#define AWSV2_CLIENT_EC2_RESULT_H

#include <libxml/tree.h>

#include "awsv2/ec2.h"

/* The typed result of a DescribeInstancesResponse document; AWSV2_E_RESPONSE
 * for another document. */
awsv2_status awsv2__ec2_instances_from_doc(xmlDoc *doc, awsv2_ec2_instances **out,
                                           awsv2_error *err);

/* Moves the reservations of next (the page after all's) to the end of all,
 * joining a reservation the page boundary cut in two, and all takes next's
 * next_token. Whatever happens, next is left for awsv2_ec2_instances_free
 * and nothing is owned twice. */
awsv2_status awsv2__ec2_instances_append(awsv2_ec2_instances *all, awsv2_ec2_instances *next,
                                         awsv2_error *err);

#endif
