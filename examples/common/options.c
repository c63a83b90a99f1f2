/* The example programs' command line (see options.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "options.h"

/* Handles a timeout option: -1 if opt is none, CLI_CONTINUE when parsed,
 * else a usage error's exit status. */
static int timeout_option(const struct cli_common *c, struct example_timeouts *t, int opt,
                          const char *arg)
{
    if (opt != EXAMPLE_OPT_CONNECT_TIMEOUT && opt != EXAMPLE_OPT_TIMEOUT)
        return -1;
    char *end;
    errno = 0;
    double sec = strtod(arg, &end);
    if (errno || end == arg || *end || !isfinite(sec) || sec < 0.001 || sec > 86400)
        return cli_usage_error(c, "%s: not a number of seconds from 0.001 to 86400", arg);
    long ms = (long)(sec * 1000.0 + 0.5);
    if (opt == EXAMPLE_OPT_CONNECT_TIMEOUT)
        t->connect_ms = ms;
    else
        t->total_ms = ms;
    return CLI_CONTINUE;
}

int example_parse_options(struct cli_common *c, struct example_timeouts *t, int argc,
                          char **argv, const char *shortopts, const struct option *longopts,
                          example_own_option *own, void *ctx)
{
    int opt;
    while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        int rc = cli_common_option(c, opt, optarg);
        if (rc == -1)
            rc = timeout_option(c, t, opt, optarg);
        if (rc == -1)
            rc = own(ctx, opt, optarg);
        if (rc != CLI_CONTINUE)
            return rc;
    }
    return CLI_CONTINUE;
}

bool example_int_arg(const char *arg, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(arg, &end, 10);
    if (errno || end == arg || *end || n < lo || n > hi)
        return false;
    *out = (int)n;
    return true;
}
