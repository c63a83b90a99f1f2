/* awsv2-bench hsmd: signatures per second through awsv2-hsmd (8 concurrent
 * clients on the http backend) against the due backend used directly by 8
 * threads, both on the same awsv2-due-emu with no link model: what the
 * daemon's HTTP layer and queue cost compared with owning the device. The
 * direct run comes first; then the daemon opens the device. The same pair
 * again with the emulator modelling a real Due (USB, 400 us a signature,
 * as bench/serial.c), where the device rather than the host sets the pace. */
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "awsv2/awsv2.h"
#include "bench.h"
#include "child.h"
#include "tmpdir.h"

#define THREADS 8
#define SECONDS 2.0
#define WARMUP_SECONDS 0.3

static const char sts[] =
    "GET\nec2.us-west-2.amazonaws.com\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE"
    "&Action=DescribeInstances&InstanceId.1=i-1234567890abcdef0&MaxResults=100"
    "&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2026-11-21T12%3A00%3A00Z"
    "&Version=2016-11-15";

/* Starts argv with its stderr discarded; its line is its address. */
static int start_quiet(struct child *c, const char *const *argv)
{
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    int rc = null >= 0 ? child_start(c, argv, null) : -1;
    if (null >= 0)
        close(null);
    return rc;
}

static void stop(struct child *c)
{
    child_stop(c, SIGTERM, CHILD_TIMEOUT_MS);
}

struct run {
    awsv2_signer *signer;
    double end;
    atomic_long done;
    atomic_int failed;
};

static void *signing_thread(void *arg)
{
    struct run *r = arg;
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len;
    awsv2_error err = AWSV2_ERROR_INIT;

    while (bench_now() < r->end) {
        if (awsv2_signer_sign(r->signer, AWSV2_HMAC_SHA256, sts, sizeof sts - 1, mac, &mac_len,
                              &err) != AWSV2_OK) {
            if (atomic_fetch_add(&r->failed, 1) == 0)
                fprintf(stderr, "awsv2-bench hsmd: %s\n", err.message);
            return NULL;
        }
        atomic_fetch_add(&r->done, 1);
    }
    return NULL;
}

/* Signatures per second with THREADS threads on spec, after a warm-up; -1
 * on failure. */
static double rate(const char *spec)
{
    struct run r = {0};
    pthread_t threads[THREADS];
    awsv2_error err = AWSV2_ERROR_INIT;
    double rates[2];

    if (awsv2_signer_open(&r.signer, spec, NULL, &err) != AWSV2_OK) {
        fprintf(stderr, "awsv2-bench hsmd: %s\n", err.message);
        return -1;
    }
    for (int pass = 0; pass < 2; pass++) {
        double secs = pass ? SECONDS : WARMUP_SECONDS, t0 = bench_now();
        atomic_store(&r.done, 0);
        r.end = t0 + secs;
        for (int i = 0; i < THREADS; i++)
            pthread_create(&threads[i], NULL, signing_thread, &r);
        for (int i = 0; i < THREADS; i++)
            pthread_join(threads[i], NULL);
        rates[pass] = (double)atomic_load(&r.done) / (bench_now() - t0);
    }
    awsv2_signer_close(r.signer);
    return atomic_load(&r.failed) ? -1 : rates[1];
}

/* One pair of runs; suffix names the emulator's model in the figures. */
static int measure(const char *credentials, const char *const *model, const char *suffix)
{
    char emu_prog[PATH_MAX], hsmd_prog[PATH_MAX], spec[600];
    struct child emu = {0}, hsmd = {0};
    double direct = -1, daemon = -1;

    snprintf(emu_prog, sizeof emu_prog, "%s", bench_program("awsv2-due-emu"));
    snprintf(hsmd_prog, sizeof hsmd_prog, "%s", bench_program("daemon/awsv2-hsmd"));
    const char *emu_argv[8] = {emu_prog, "--import-credentials", credentials};
    child_args(emu_argv, sizeof emu_argv / sizeof emu_argv[0], 3, model);
    if (start_quiet(&emu, emu_argv) != 0) {
        fprintf(stderr, "awsv2-bench hsmd: cannot start %s\n", emu_prog);
        stop(&emu);
        return 1;
    }
    snprintf(spec, sizeof spec, "due:%s", emu.line);
    direct = rate(spec);
    const char *hsmd_argv[] = {hsmd_prog, "--listen", "127.0.0.1:0", spec, NULL};
    if (direct > 0 && start_quiet(&hsmd, hsmd_argv) == 0)
        daemon = rate(hsmd.line);
    stop(&hsmd);
    stop(&emu);
    if (direct <= 0 || daemon <= 0) {
        fprintf(stderr, "awsv2-bench hsmd: a run failed\n");
        return 1;
    }
    char name[64];
    snprintf(name, sizeof name, "hsmd_sign%s", suffix);
    bench_report(name, daemon, "sig/s");
    snprintf(name, sizeof name, "direct_due_sign%s", suffix);
    bench_report(name, direct, "sig/s");
    snprintf(name, sizeof name, "hsmd_vs_direct%s", suffix);
    bench_report(name, 100 * daemon / direct, "%");
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
