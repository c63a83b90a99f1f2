/* awsv2-bench pool: signatures per second through one awsv2-hsmd owning
 * 1, 2 and 3 emulated Dues, each on the emulator's calibrated USB model of
 * a real Due (--link usb), with 128 concurrent clients on the http
 * backend for each device.
 * The device, not the host, sets the pace of one Due; the figures say how
 * much of the added devices' capacity the daemon turns into signatures
 * (the goal: 3 devices at least 2.7 times one). */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "awsv2/awsv2.h"
#include "bench.h"
#include "child.h"
#include "load.h"
#include "tmpdir.h"

#define DEVICES_MAX 3
/* Clients per device: every device of every run is offered as much work
 * (more than it can take), so that the figures compare capacities. The
 * http backend combines what its threads sign at once into POST
 * /sign/batch requests, INFLIGHT of them at a time. */
#define THREADS_PER_DEVICE 128
#define INFLIGHT 32
#define SECONDS 3.0
#define WARMUP_SECONDS 0.5

/* Signatures per second through the daemon at url, after a warm-up; -1
 * on failure. */
static double rate(const char *daemon_url, size_t n)
{
    struct bench_load l;
    size_t clients = THREADS_PER_DEVICE * n;
    char url[640];
    double result = -1;

    snprintf(url, sizeof url, "%s?inflight=%d", daemon_url, INFLIGHT);
    if (bench_load_open(&l, "pool", url) != 0)
        return -1;
    for (int pass = 0; pass < 2; pass++)
        result = bench_load_pass(&l, clients, pass ? SECONDS : WARMUP_SECONDS);
    return bench_load_close(&l) != 0 ? -1 : result;
}

/* n emulators and a daemon owning them: signatures per second, or -1. */
static double measure(const char *credentials, size_t n)
{
    char emu_prog[PATH_MAX], hsmd_prog[PATH_MAX], specs[DEVICES_MAX][600];
    struct child emu[DEVICES_MAX] = {{0}}, hsmd = {0};
    const char *hsmd_argv[8 + DEVICES_MAX] = {hsmd_prog, "--listen", "127.0.0.1:0"};
    size_t argc = 3, started = 0;
    double r = -1;

    snprintf(emu_prog, sizeof emu_prog, "%s", bench_program("awsv2-due-emu"));
    snprintf(hsmd_prog, sizeof hsmd_prog, "%s", bench_program("daemon/awsv2-hsmd"));
    for (; started < n; started++) {
        const char *emu_argv[] = {emu_prog, "--import-credentials", credentials,
                                  "--link", "usb", NULL};
        if (bench_start_quiet(&emu[started], emu_argv) != 0) {
            fprintf(stderr, "awsv2-bench pool: cannot start %s\n", emu_prog);
            break;
        }
        snprintf(specs[started], sizeof specs[started], "due:%s", emu[started].line);
        hsmd_argv[argc++] = specs[started];
    }
    hsmd_argv[argc] = NULL;
    if (started == n && bench_start_quiet(&hsmd, hsmd_argv) == 0)
        r = rate(hsmd.line, n);
    else if (started == n)
        fprintf(stderr, "awsv2-bench pool: cannot start %s\n", hsmd_prog);
    child_stop(&hsmd, SIGTERM, CHILD_TIMEOUT_MS);
    for (size_t i = 0; i < started; i++)
        child_stop(&emu[i], SIGTERM, CHILD_TIMEOUT_MS);
    return r;
}

int bench_pool(int argc, char **argv)
{
    char dir[PATH_MAX], credentials[PATH_MAX + 16], name[64];
    double rates[DEVICES_MAX + 1] = {0};
    int rc = 0;

    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: awsv2-bench pool\n");
        return 2;
    }
    if (tmpdir_create(dir, sizeof dir, "awsv2-bench") != 0) {
        fprintf(stderr, "awsv2-bench pool: cannot make a temporary directory\n");
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    snprintf(credentials, sizeof credentials, "%s/credentials", dir);
    if (tmpdir_add_credentials(dir) != 0) {
        fprintf(stderr, "awsv2-bench pool: cannot write a credentials file\n");
        rc = 1;
    }
    for (size_t n = 1; rc == 0 && n <= DEVICES_MAX; n++) {
        rates[n] = measure(credentials, n);
        if (rates[n] <= 0) {
            rc = 1;
            break;
        }
        snprintf(name, sizeof name, "pool_sign_%zudev_usb", n);
        bench_report(name, rates[n], "sig/s");
    }
    if (rc == 0)
        for (size_t n = 2; n <= DEVICES_MAX; n++) {
            snprintf(name, sizeof name, "pool_%zudev_vs_1dev_usb", n);
            bench_report(name, 100 * rates[n] / rates[1], "%");
        }
    tmpdir_remove(dir);
    curl_global_cleanup();
    return rc;
}
