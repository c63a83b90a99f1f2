/* Shared by the benchmarks of awsv2-bench. Each prints lines "NAME VALUE UNIT". */
#ifndef AWSV2_BENCH_H
#define AWSV2_BENCH_H

#include "awsv2/awsv2.h"

/* Seconds on the monotonic clock. */
double bench_now(void);

/* Prints one figure: "name value unit". */
void bench_report(const char *name, double value, const char *unit);

/* The path of a program of the build tree, such as
 * "firmware/emu/awsv2-due-emu": $top_builddir/relpath when top_builddir is
 * set, else relative to the directory above awsv2-bench's own. Returns a
 * static buffer. */
const char *bench_program(const char *relpath);

/* What both signing benchmarks build: the credentials (AWS's example key),
 * the openssl signer and a request, signed once by build. */
typedef awsv2_status bench_build_fn(awsv2_request *req, awsv2_signer *signer, awsv2_error *err);
struct bench_signing {
    awsv2_credentials *creds;
    awsv2_signer *signer;
    awsv2_request *req;
};

/* Opens b (all members NULL on entry) with a request of method to url and
 * signs it once with build. Returns 0, or -1 after a message naming what;
 * either way bench_signing_close(b) frees what was made. */
int bench_signing_open(struct bench_signing *b, const char *what, awsv2_method method,
                       const char *url, bench_build_fn *build);
void bench_signing_close(struct bench_signing *b);

/* Sets p afresh to the parameters of the vector
 * ec2-describe-instances-filters, the request both benchmarks sign. */
awsv2_status bench_vector_params(awsv2_params *p, awsv2_error *err);

/* One slice of build over b, in batches of batch: requests per second, or
 * -1 after a message naming what. */
double bench_rate_sign(const char *what, bench_build_fn *build, struct bench_signing *b,
                       int batch);

/* The option "-n N" of a subcommand (argv[0] is its name): N > 0, or 0
 * when absent; -1 after a usage message naming what. */
long bench_count_option(const char *what, int argc, char **argv);

/* The subcommands. Each returns an exit status. */
int bench_sign(int argc, char **argv);
int bench_sign4(int argc, char **argv);
int bench_serial(int argc, char **argv);
int bench_hsmd(int argc, char **argv);
int bench_pool(int argc, char **argv);

#endif
