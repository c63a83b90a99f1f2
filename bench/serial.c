/* awsv2-bench serial: not written yet. */
#include <stdio.h>

#include "bench.h"

int bench_serial(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "awsv2-bench serial: not available yet\n");
    return 2;
}
