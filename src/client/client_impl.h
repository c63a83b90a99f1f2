/* What the service files (ec2*.c, sqs*.c) use of the client; its struct
 * stays private to client.c. Thread-safe as the client is: a call holds
 * the client's lock while it uses the connection. */
#ifndef AWSV2_CLIENT_IMPL_H
#define AWSV2_CLIENT_IMPL_H

#include <libxml/tree.h>

#include "awsv2/client.h"

/* awsv2_client_call with a given method, returning the parsed response
 * document, the caller's (free it with xmlFreeDoc). */
awsv2_status awsv2__client_call_xml(awsv2_client *client, awsv2_method method, const char *url,
                                    const awsv2_params *params, xmlDoc **doc, awsv2_error *err);

/* The client's default method (EC2 uses it; SQS always POSTs). */
awsv2_method awsv2__client_method(const awsv2_client *client);

#endif
