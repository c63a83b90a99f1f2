/* The two output formats of ec2-describe-instances. */
#ifndef AWSV2_EXAMPLES_OUTPUT_H
#define AWSV2_EXAMPLES_OUTPUT_H

#include <stdio.h>

#include "awsv2/ec2.h"

/* One instance a line: "reservationId instanceId instanceType stateName". */
int output_text(FILE *out, const awsv2_ec2_instances *r);
/* The AWS CLI's JSON shape: {"Reservations": [{"ReservationId": ...,
 * "Instances": [{"InstanceId": ..., "State": {"Code":, "Name":}, ...}]}]}.
 * Returns 0, or -1 when out of memory or the write failed. */
int output_json(FILE *out, const awsv2_ec2_instances *r);

#endif
