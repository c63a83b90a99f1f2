/* awsv2-bench hsmd: signatures per second through awsv2-hsmd (8 concurrent
 * clients on the http backend) against the due backend used directly by 8
 * threads, both on the same awsv2-due-emu with no link model: what the
 * daemon's HTTP layer and queue cost compared with owning the device. The
 * direct run comes first; then the daemon opens the device, and is timed
 * twice: with the backend's batching (several strings in one POST
 * /sign/batch when clients sign at once, the default) and with batch=1 (one
 * HTTP request a signature). Then the original design for scale,
 * bench/hsmd_single.c: one thread, one connection a request, one blocking
 * device round trip each. For each run the CPU time of each process per
 * signature (the client, i.e. this process; the daemon; the emulator):
 * where the time goes; and the latency of one client alone, direct and
 * through the daemon, and 32 clients through the daemon: 8 clients that
 * sign one at a time are bound by latency, not by the daemon's capacity.
 * The same again with the emulator modelling a real
 * Due (USB, 400 us a signature, as bench/serial.c), where the device
 * rather than the host sets the pace. */
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/resource.h>

#include <curl/curl.h>

#include "awsv2/awsv2.h"
#include "bench.h"
#include "child.h"
#include "load.h"
#include "tmpdir.h"

#define THREADS 8      /* the clients of the goal */
#define MANY_THREADS 32 /* enough to fill the daemon's pipeline */
#define SECONDS 1.0
#define WARMUP_SECONDS 0.3
#define ROUNDS 3

static void stop(struct child *c)
{
    child_stop(c, SIGTERM, CHILD_TIMEOUT_MS);
}

/* CPU seconds (user + system) of a process so far: this one for pid 0. */
static double cpu_of(pid_t pid)
{
    if (pid == 0) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
               (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    }
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the name may hold spaces */
    unsigned long ut = 0, st = 0;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return 0;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* The processes whose CPU time a run reports: the client (this process),
 * the daemon (0: none) and the emulator. */
enum { CLIENT, DAEMON, EMU, N_PROCS };
static const char *const proc_names[N_PROCS] = {"client", "daemon", "emu"};

/* Signatures per second with n_threads threads on spec, after a warm-up; -1
 * on failure. cpu_us[i]: microseconds of CPU of pids[i] per signature in
 * the timed pass (pids[CLIENT] is 0: this process; a pid of -1 is none). */
static double rate(const char *spec, int n_threads, const pid_t *pids, double *cpu_us)
{
    struct bench_load l;
    double rates[2], cpu0[N_PROCS] = {0};

    if (bench_load_open(&l, "hsmd", spec) != 0)
        return -1;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; pass && i < N_PROCS; i++)
            cpu0[i] = pids[i] >= 0 ? cpu_of(pids[i]) : 0;
        rates[pass] = bench_load_pass(&l, (size_t)n_threads, pass ? SECONDS : WARMUP_SECONDS);
    }
    long done = bench_load_done(&l);
    for (int i = 0; i < N_PROCS; i++)
        cpu_us[i] = pids[i] >= 0 && done > 0 ? (cpu_of(pids[i]) - cpu0[i]) * 1e6 / (double)done
                                             : 0;
    return bench_load_close(&l) != 0 ? -1 : rates[1];
}

/* Prints a run's figures: NAME sig/s and its CPU per signature. */
static void report(const char *name, const char *suffix, double sigs, const double *cpu_us,
                   bool daemon)
{
    char fig[96];
    snprintf(fig, sizeof fig, "%s%s", name, suffix);
    bench_report(fig, sigs, "sig/s");
    for (int i = 0; i < N_PROCS; i++) {
        if (i == DAEMON && !daemon)
            continue;
        snprintf(fig, sizeof fig, "%s_cpu_%s%s", name, proc_names[i], suffix);
        bench_report(fig, cpu_us[i], "us/sig");
    }
}

static int start_daemon(struct child *c, const char *prog, const char *spec)
{
    const char *argv[] = {prog, "--listen", "127.0.0.1:0", spec, NULL};
    return bench_start_quiet(c, argv);
}

/* One kind of run, over ROUNDS rounds: the median rate and that round's
 * CPU per signature. */
struct series {
    const char *name;
    double rate[ROUNDS];
    double cpu[ROUNDS][N_PROCS];
    bool daemon;
};

static int by_rate(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The round with the median rate. */
static int median_round(const struct series *s)
{
    double sorted[ROUNDS];
    memcpy(sorted, s->rate, sizeof sorted);
    qsort(sorted, ROUNDS, sizeof sorted[0], by_rate);
    for (int r = 0; r < ROUNDS; r++)
        if (s->rate[r] == sorted[ROUNDS / 2])
            return r;
    return 0;
}

/* The runs on one emulator; suffix names its model in the figures. The
 * machine may be shared: every kind of run is made once per round, the
 * rounds alternate them, and the medians are compared. */
static int measure(const char *credentials, const char *const *model, const char *suffix)
{
    char emu_prog[PATH_MAX], hsmd_prog[PATH_MAX], single_prog[PATH_MAX], spec[600], url[700];
    struct child emu = {0};
    enum { DIRECT, BATCHED, UNBATCHED, ORIGINAL, DIRECT_1, HSMD_1, HSMD_MANY, N_SERIES };
    struct series runs[N_SERIES] = {
        {.name = "direct_due_sign"},
        {.name = "hsmd_sign", .daemon = true},
        {.name = "hsmd_unbatched_sign", .daemon = true},
        {.name = "original_design_sign", .daemon = true},
        /* the breakdown: one client (1 / latency) and enough to fill the pipeline */
        {.name = "direct_due_sign_1_client"},
        {.name = "hsmd_sign_1_client", .daemon = true},
        {.name = "hsmd_sign_32_clients", .daemon = true},
    };
    bool ok = true;

    snprintf(emu_prog, sizeof emu_prog, "%s", bench_program("awsv2-due-emu"));
    snprintf(hsmd_prog, sizeof hsmd_prog, "%s", bench_program("daemon/awsv2-hsmd"));
    snprintf(single_prog, sizeof single_prog, "%s", bench_program("bench/awsv2-hsmd-single"));
    const char *emu_argv[8] = {emu_prog, "--import-credentials", credentials};
    child_args(emu_argv, sizeof emu_argv / sizeof emu_argv[0], 3, model);
    if (bench_start_quiet(&emu, emu_argv) != 0) {
        fprintf(stderr, "awsv2-bench hsmd: cannot start %s\n", emu_prog);
        stop(&emu);
        return 1;
    }
    snprintf(spec, sizeof spec, "due:%s", emu.line);
    for (int r = 0; ok && r < ROUNDS; r++) {
        struct child hsmd = {0}, single = {0};
        pid_t direct_pids[N_PROCS] = {0, -1, emu.pid};
        runs[DIRECT].rate[r] = rate(spec, THREADS, direct_pids, runs[DIRECT].cpu[r]);
        runs[DIRECT_1].rate[r] = rate(spec, 1, direct_pids, runs[DIRECT_1].cpu[r]);
        ok = runs[DIRECT].rate[r] > 0 && start_daemon(&hsmd, hsmd_prog, spec) == 0;
        if (ok) {
            pid_t pids[N_PROCS] = {0, hsmd.pid, emu.pid};
            runs[BATCHED].rate[r] = rate(hsmd.line, THREADS, pids, runs[BATCHED].cpu[r]);
            runs[HSMD_1].rate[r] = rate(hsmd.line, 1, pids, runs[HSMD_1].cpu[r]);
            runs[HSMD_MANY].rate[r] =
                rate(hsmd.line, MANY_THREADS, pids, runs[HSMD_MANY].cpu[r]);
            snprintf(url, sizeof url, "%s?batch=1", hsmd.line);
            runs[UNBATCHED].rate[r] = rate(url, THREADS, pids, runs[UNBATCHED].cpu[r]);
        }
        stop(&hsmd);
        /* the original design: a device round trip per request, one at a time */
        const char *single_argv[] = {single_prog, emu.line, NULL};
        ok = ok && bench_start_quiet(&single, single_argv) == 0;
        if (ok) {
            pid_t pids[N_PROCS] = {0, single.pid, emu.pid};
            snprintf(url, sizeof url, "%s?batch=1", single.line);
            runs[ORIGINAL].rate[r] = rate(url, THREADS, pids, runs[ORIGINAL].cpu[r]);
        }
        stop(&single);
        for (int i = 0; ok && i < N_SERIES; i++)
            ok = runs[i].rate[r] > 0;
    }
    stop(&emu);
    if (!ok) {
        fprintf(stderr, "awsv2-bench hsmd: a run failed\n");
        return 1;
    }
    double median[N_SERIES];
    for (int i = 0; i < N_SERIES; i++) {
        int m = median_round(&runs[i]);
        median[i] = runs[i].rate[m];
        report(runs[i].name, suffix, median[i], runs[i].cpu[m], runs[i].daemon);
    }
    char name[96];
    snprintf(name, sizeof name, "hsmd_vs_direct_ratio%s", suffix);
    bench_report(name, 100 * median[BATCHED] / median[DIRECT], "%");
    snprintf(name, sizeof name, "hsmd_unbatched_vs_direct_ratio%s", suffix);
    bench_report(name, 100 * median[UNBATCHED] / median[DIRECT], "%");
    snprintf(name, sizeof name, "hsmd_vs_original_design%s", suffix);
    bench_report(name, median[BATCHED] / median[ORIGINAL], "x");
    /* 8 clients signing one at a time keep 8 signatures in flight: the
     * rate is 8 / latency (Little's law), so what the daemon adds to one
     * signature's latency bounds the ratio; its capacity shows with more. */
    snprintf(name, sizeof name, "direct_due_latency%s", suffix);
    bench_report(name, 1e6 / median[DIRECT_1], "us");
    snprintf(name, sizeof name, "hsmd_latency%s", suffix);
    bench_report(name, 1e6 / median[HSMD_1], "us");
    snprintf(name, sizeof name, "hsmd_32_clients_vs_direct_ratio%s", suffix);
    bench_report(name, 100 * median[HSMD_MANY] / median[DIRECT], "%");
    return 0;
}

int bench_hsmd(int argc, char **argv)
{
    char dir[PATH_MAX], credentials[PATH_MAX + 16];
    int rc = 1;

    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: awsv2-bench hsmd\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    static const char *const no_model[] = {NULL};
    static const char *const due_model[] = {"--link", "usb", "--sign-us", "400", NULL};
    if (tmpdir_create(dir, sizeof dir, "awsv2-bench") != 0) {
        fprintf(stderr, "awsv2-bench hsmd: cannot make a temporary directory\n");
        curl_global_cleanup();
        return 1;
    }
    snprintf(credentials, sizeof credentials, "%s/credentials", dir);
    if (tmpdir_add_credentials(dir) == 0)
        rc = measure(credentials, no_model, "") || measure(credentials, due_model, "_usb_400us");
    else
        fprintf(stderr, "awsv2-bench hsmd: cannot write a credentials file\n");
    tmpdir_remove(dir);
    curl_global_cleanup();
    return rc;
}
