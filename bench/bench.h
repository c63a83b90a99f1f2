/* Shared by the benchmarks of awsv2-bench. Each prints lines "NAME VALUE UNIT". */
#ifndef AWSV2_BENCH_H
#define AWSV2_BENCH_H

/* Seconds on the monotonic clock. */
double bench_now(void);

/* Prints one figure: "name value unit". */
void bench_report(const char *name, double value, const char *unit);

/* The path of a program of the build tree, such as
 * "firmware/emu/awsv2-due-emu": $top_builddir/relpath when top_builddir is
 * set, else relative to the directory above awsv2-bench's own. Returns a
 * static buffer. */
const char *bench_program(const char *relpath);

/* The subcommands. Each returns an exit status. */
int bench_sign(int argc, char **argv);
int bench_serial(int argc, char **argv);
int bench_hsmd(int argc, char **argv);

#endif
