/* libawsv2: AWS query APIs (EC2, SQS) signed with Signature Version 2 or 4
 * through a pluggable signer. Include this one header. */
#ifndef AWSV2_AWSV2_H
#define AWSV2_AWSV2_H

#include "awsv2/status.h"
#include "awsv2/util.h"
#include "awsv2/request.h"
#include "awsv2/credentials.h"
#include "awsv2/signer.h"
#include "awsv2/client.h"
#include "awsv2/ec2.h"
#include "awsv2/sqs.h"

#endif
