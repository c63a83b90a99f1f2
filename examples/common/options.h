/* The command line of both example programs: the common options (cli.h),
 * the timeouts, and the program's own options through a callback. */
#ifndef AWSV2_EXAMPLES_OPTIONS_H
#define AWSV2_EXAMPLES_OPTIONS_H

#include <stdbool.h>

#include "cli.h"

/* Program options of both programs, beside the common ones; a program's
 * own non-character options start at EXAMPLE_OPT_OWN. */
enum {
    EXAMPLE_OPT_CONNECT_TIMEOUT = 0x800,
    EXAMPLE_OPT_TIMEOUT,
    EXAMPLE_OPT_OWN = 0x900,
};

#define EXAMPLE_TIMEOUT_LONG_OPTIONS                                               \
    {"connect-timeout", required_argument, NULL, EXAMPLE_OPT_CONNECT_TIMEOUT},     \
    {"timeout", required_argument, NULL, EXAMPLE_OPT_TIMEOUT}

#define EXAMPLE_TIMEOUT_HELP                                                       \
    "      --connect-timeout SEC    give up connecting after SEC seconds (default 5)\n" \
    "      --timeout SEC            give up an attempt after SEC seconds (default 30;\n" \
    "                               AWS_MAX_ATTEMPTS attempts, default 3), and a\n"  \
    "                               signing call of a due: or http signer after SEC\n" \
    "                               seconds unless its spec has timeout_ms=\n"

struct example_timeouts {
    long connect_ms; /* 0: the library's default */
    long total_ms;
};

/* A program's own option: CLI_CONTINUE when parsed, else the exit status
 * of a usage error. */
typedef int example_own_option(void *ctx, int opt, const char *arg);

/* Parses the options of argv with getopt_long (shortopts, longopts): the
 * common ones into c, the timeouts into t, the rest through own(ctx, ...).
 * Returns CLI_CONTINUE with optind at the first operand, or the exit
 * status to exit with now (0 after --help or --version). */
int example_parse_options(struct cli_common *c, struct example_timeouts *t, int argc,
                          char **argv, const char *shortopts, const struct option *longopts,
                          example_own_option *own, void *ctx);

/* Whether arg is a whole decimal number from lo to hi (then in *out). */
bool example_int_arg(const char *arg, int lo, int hi, int *out);

#endif
