/* Shared by the benchmarks that load a signer with concurrent clients
 * (awsv2-bench hsmd and pool): the clients' loop and how the programs
 * under test are started. */
#ifndef AWSV2_BENCH_LOAD_H
#define AWSV2_BENCH_LOAD_H

#include <stdatomic.h>
#include <stddef.h>

#include "awsv2/awsv2.h"
#include "child.h"

/* One signer under load: every client signs the same SigV2 string to
 * sign (a DescribeInstances request) with HmacSHA256 until end. */
struct bench_load {
    const char *what; /* the subcommand, in messages */
    awsv2_signer *signer;
    double end;
    atomic_long done;
    atomic_int failed;
};

/* Opens l's signer on spec. Returns 0, or -1 after a message. */
int bench_load_open(struct bench_load *l, const char *what, const char *spec);

/* One pass: clients threads sign for secs seconds. Returns signatures
 * per second; bench_load_done(l) counts them. */
double bench_load_pass(struct bench_load *l, size_t clients, double secs);
long bench_load_done(struct bench_load *l);

/* Closes l's signer. Returns 0, or -1 when a signature failed. */
int bench_load_close(struct bench_load *l);

/* Starts argv with its stderr discarded; its line is its address. */
int bench_start_quiet(struct child *c, const char *const *argv);

#endif
