/* What both example programs do to get a client: resolve the region and
 * the service's endpoint, and make a client that signs with the program's
 * signer, prints strings to sign for --debug and honours the timeouts. */
#ifndef AWSV2_EXAMPLES_CLIENT_OPEN_H
#define AWSV2_EXAMPLES_CLIENT_OPEN_H

#include "awsv2/client.h"
#include "cli.h"

/* Program options of both programs, beside the common ones. */
enum {
    EXAMPLE_OPT_CONNECT_TIMEOUT = 0x800,
    EXAMPLE_OPT_TIMEOUT,
};

#define EXAMPLE_TIMEOUT_LONG_OPTIONS                                               \
    {"connect-timeout", required_argument, NULL, EXAMPLE_OPT_CONNECT_TIMEOUT},     \
    {"timeout", required_argument, NULL, EXAMPLE_OPT_TIMEOUT}

#define EXAMPLE_TIMEOUT_HELP                                                       \
    "      --connect-timeout SEC    give up connecting after SEC seconds (default 5)\n" \
    "      --timeout SEC            give up an attempt after SEC seconds (default 30;\n" \
    "                               AWS_MAX_ATTEMPTS attempts, default 3)\n"

struct example_timeouts {
    long connect_ms; /* 0: the library's default */
    long total_ms;
};

/* Handles a timeout option: -1 if opt is none, CLI_CONTINUE when parsed,
 * else a usage error's exit status. */
int example_timeout_option(const struct cli_common *c, struct example_timeouts *t, int opt,
                           const char *arg);

/* Makes the client for service ("ec2" or "sqs"), method being its default
 * HTTP method. On failure prints the error and returns the exit status. */
int example_client_open(const struct cli_common *c, const struct cli_signing *s,
                        const char *service, awsv2_method method,
                        const struct example_timeouts *t, awsv2_client **out);

#endif
