/* awsv2-bench hsmd: not written yet. */
#include <stdio.h>

#include "bench.h"

int bench_hsmd(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "awsv2-bench hsmd: not available yet\n");
    return 2;
}
