/* awsv2-bench hsmd: signatures per second through awsv2-hsmd (8 concurrent
 * clients on the http backend) against the due backend used directly by 8
 * threads, both on the same awsv2-due-emu with no link model: what the
 * daemon's HTTP layer and queue cost compared with owning the device. The
 * direct run comes first; then the daemon opens the device. The same pair
 * again with the emulator modelling a real Due (USB, 400 us a signature,
 * as bench/serial.c), where the device rather than the host sets the pace. */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include "awsv2/awsv2.h"
#include "bench.h"

extern char **environ;

#define THREADS 8
#define SECONDS 2.0
#define WARMUP_SECONDS 0.3

static const char sts[] =
    "GET\nec2.us-west-2.amazonaws.com\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE"
    "&Action=DescribeInstances&InstanceId.1=i-1234567890abcdef0&MaxResults=100"
    "&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2026-11-21T12%3A00%3A00Z"
    "&Version=2016-11-15";

struct child {
    pid_t pid;
    char line[512]; /* its first stdout line */
};

/* Starts argv with stdout piped (stderr to /dev/null) and reads its first
 * line, waiting 10 s at most. */
static int spawn(struct child *c, char *const *argv)
{
    int out[2];
    size_t n = 0;
    double end = bench_now() + 10;
    posix_spawn_file_actions_t fa;

    if (pipe(out) < 0)
        return -1;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawn(&c->pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    while (rc == 0 && n + 1 < sizeof c->line) {
        struct pollfd p = {.fd = out[0], .events = POLLIN};
        int left = (int)((end - bench_now()) * 1000);
        if (left <= 0 || poll(&p, 1, left) <= 0 || read(out[0], c->line + n, 1) != 1)
            rc = -1;
        else if (c->line[n] == '\n')
            break;
        else
            n++;
    }
    c->line[n] = '\0';
    close(out[0]);
    return rc == 0 ? 0 : -1;
}

static void stop(struct child *c)
{
    if (c->pid > 0) {
        kill(c->pid, SIGTERM);
        waitpid(c->pid, NULL, 0);
    }
    c->pid = 0;
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
    awsv2_error err;

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
    awsv2_error err;
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

static int write_credentials(char *dir, char *path, size_t cap)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, PATH_MAX, "%s/awsv2-bench.XXXXXX", tmp && *tmp ? tmp : P_tmpdir);
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, cap, "%s/credentials", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
          "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
          f);
    return fclose(f);
}

/* One pair of runs; suffix names the emulator's model in the figures. */
static int measure(const char *credentials, char *const *model, const char *suffix)
{
    char emu_prog[PATH_MAX], hsmd_prog[PATH_MAX], spec[600];
    struct child emu = {0}, hsmd = {0};
    double direct = -1, daemon = -1;

    snprintf(emu_prog, sizeof emu_prog, "%s", bench_program("awsv2-due-emu"));
    snprintf(hsmd_prog, sizeof hsmd_prog, "%s", bench_program("daemon/awsv2-hsmd"));
    char *emu_argv[8] = {emu_prog, "--import-credentials", (char *)credentials};
    for (size_t i = 0; model[i] && i < 4; i++)
        emu_argv[3 + i] = model[i];
    if (spawn(&emu, emu_argv) != 0) {
        fprintf(stderr, "awsv2-bench hsmd: cannot start %s\n", emu_prog);
        stop(&emu);
        return 1;
    }
    snprintf(spec, sizeof spec, "due:%s", emu.line);
    direct = rate(spec);
    char *hsmd_argv[] = {hsmd_prog, "--listen", "127.0.0.1:0", spec, NULL};
    if (direct > 0 && spawn(&hsmd, hsmd_argv) == 0)
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
    static char *const no_model[] = {NULL};
    static char *const due_model[] = {"--link", "usb", "--sign-us", "400", NULL};
    if (write_credentials(dir, credentials, sizeof credentials) == 0)
        rc = measure(credentials, no_model, "") || measure(credentials, due_model, "_usb_400us");
    else
        fprintf(stderr, "awsv2-bench hsmd: cannot write a credentials file\n");
    unlink(credentials);
    rmdir(dir);
    curl_global_cleanup();
    return rc;
}
