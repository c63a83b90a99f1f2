/* SQS's actions on the query API (2012-11-05). */
#ifndef AWSV2_MOCK_SQS_H
#define AWSV2_MOCK_SQS_H

#include "call.h"

void sqs_create_queue(mock_call *c);
void sqs_get_queue_url(mock_call *c);
void sqs_send_message(mock_call *c);
void sqs_receive_message(mock_call *c);
void sqs_delete_message(mock_call *c);

/* The queue a message action is for: the path /ACCOUNT/NAME, else the
 * QueueUrl parameter; it exists. NULL after replying. */
const char *sqs_queue_of(mock_call *c);

#endif
