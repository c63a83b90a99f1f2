/* What both example programs do to get a client: resolve the region and
 * the service's endpoint, and make a client that signs with the program's
 * signer and signature version, prints strings to sign for --debug and
 * honours the timeouts. */
#ifndef AWSV2_EXAMPLES_CLIENT_OPEN_H
#define AWSV2_EXAMPLES_CLIENT_OPEN_H

#include "awsv2/client.h"
#include "cli.h"
#include "options.h"

/* A program's work with its client: an exit status. */
typedef int example_client_run(void *ctx, awsv2_client *client);

/* Opens the signer (cli_signing_open) and a client for service ("ec2" or
 * "sqs", method being its default HTTP method), runs run(ctx, client) and
 * releases both. On failure prints the error; returns the exit status. */
int example_with_client(const struct cli_common *c, const char *service, awsv2_method method,
                        const struct example_timeouts *t, example_client_run *run, void *ctx);

#endif
