/* awsv2-bench: the project's benchmarks. Not installed. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <limits.h>
#include <libgen.h>
#include <stdlib.h>

#include "bench.h"

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_report(const char *name, double value, const char *unit)
{
    printf("%s %.0f %s\n", name, value, unit);
    fflush(stdout);
}

const char *bench_program(const char *relpath)
{
    static char path[PATH_MAX];
    const char *top = getenv("top_builddir");
    if (top && *top) {
        snprintf(path, sizeof path, "%s/%s", top, relpath);
        return path;
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return relpath;
    self[n] = '\0';
    snprintf(path, sizeof path, "%s/../%s", dirname(self), relpath);
    return path;
}

long bench_count_option(const char *what, int argc, char **argv)
{
    if (argc < 2)
        return 0;
    char *end = NULL;
    long n = argc == 3 && strcmp(argv[1], "-n") == 0 ? strtol(argv[2], &end, 10) : 0;
    if (n <= 0 || !end || *end) {
        fprintf(stderr, "usage: awsv2-bench %s [-n ITERATIONS]\n", what);
        return -1;
    }
    return n;
}

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *what;
} commands[] = {
    {"sign", bench_sign, "SigV2 signing with the openssl backend vs a bare HMAC [-n N]"},
    {"sign4", bench_sign4, "SigV4 signing with the openssl backend vs botocore"},
    {"serial", bench_serial, "signing through the emulated Due over its link models"},
    {"hsmd", bench_hsmd, "signing through awsv2-hsmd vs the due backend directly"},
    {"pool", bench_pool, "awsv2-hsmd with 1, 2 and 3 emulated Dues on the USB model"},
};

int main(int argc, char **argv)
{
    if (argc >= 2) {
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (strcmp(argv[1], commands[i].name) == 0)
                return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "usage: awsv2-bench COMMAND\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(stderr, "  %-8s %s\n", commands[i].name, commands[i].what);
    return 2;
}
