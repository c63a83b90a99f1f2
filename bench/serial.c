/* awsv2-bench serial: signing through awsv2-due-emu over its link models,
 * one request at a time and pipelined, against what each model allows at
 * best (the limit: link bytes each way or device signing time, whichever
 * binds). The string to sign is that of the vector
 * ec2-describe-instances-filters (tests/core/sigv2.jsonl). */
#include <limits.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/awsv2.h"
#include "bench.h"
#include "child.h"
#include "tmpdir.h"

static const char vector_sts[] =
    "GET\nec2.us-west-2.amazonaws.com\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE"
    "&Action=DescribeInstances&Filter.1.Name=instance-state-name&Filter.1.Value.1=running"
    "&Filter.1.Value.2=stopped&Filter.10.Name=instance-type&Filter.10.Value.1=t3.micro"
    "&Filter.2.Name=tag%3AName&Filter.2.Value.1=web%2A&InstanceId.1=i-1234567890abcdef0"
    "&MaxResults=100&SignatureMethod=HmacSHA256&SignatureVersion=2"
    "&Timestamp=2026-11-21T12%3A00%3A00Z&Version=2016-11-15";
static const char vector_signature[] = "AawHY7MlrqkM61P0I7ffSLHGKxHVR/cZBh0uZ6ZRH9w=";

/* The Due's time to sign it. firmware/m3's m3-bench counts 41,100
 * Cortex-M3 instructions for an HMAC-SHA256 of 1 KiB: 20 SHA-256 blocks,
 * about 2,050 instructions each. This string is 10 blocks (7 inner + key
 * block + 2 outer): ~20,500, plus ~3,500 to parse the query and print hex,
 * ~24,000 instructions; at ~1.4 cycles per instruction (flash wait states
 * behind the accelerator) and 84 MHz that is ~400 us. */
#define SIGN_US 400
#define USB_BYTES_PER_S 1e6
#define UART_BAUD 115200

/* awsv2-due-emu with the example key and a link model; its line is the
 * pty path. */
static int emu_start(struct child *e, const char *credentials, const char *link)
{
    char sign_us[16];
    snprintf(sign_us, sizeof sign_us, "%d", SIGN_US);
    const char *prog = bench_program("awsv2-due-emu");
    const char *argv[] = {prog, "--import-credentials", credentials, "--link", link,
                          "--sign-us", sign_us, NULL};
    if (child_start(e, argv, -1) == 0)
        return 0;
    fprintf(stderr, "awsv2-bench serial: cannot run %s\n", prog);
    return -1;
}

static int check_mac(const uint8_t *mac, size_t len)
{
    unsigned char want[64];
    int n = EVP_DecodeBlock(want, (const unsigned char *)vector_signature,
                            (int)strlen(vector_signature));
    if (n < (int)len || memcmp(mac, want, len) != 0) {
        fprintf(stderr, "awsv2-bench serial: wrong signature from the device\n");
        return -1;
    }
    return 0;
}

/* Signatures per second, one request at a time, for about secs seconds. */
static double one_at_a_time(awsv2_signer *s, double secs)
{
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len = 0, n = 0;
    awsv2_error err = AWSV2_ERROR_INIT;
    double t0 = bench_now(), t;
    do {
        if (awsv2_signer_sign(s, AWSV2_HMAC_SHA256, vector_sts, strlen(vector_sts), mac,
                              &mac_len, &err) ||
            check_mac(mac, mac_len)) {
            fprintf(stderr, "awsv2-bench serial: %s\n", err.message);
            return -1;
        }
        n++;
    } while ((t = bench_now()) - t0 < secs);
    return (double)n / (t - t0);
}

/* Signatures per second of one pipelined batch of n. */
static double pipelined(awsv2_signer *s, size_t n)
{
    awsv2_sign_job *jobs = calloc(n, sizeof *jobs);
    awsv2_sign_job **ptrs = calloc(n, sizeof *ptrs);
    if (!jobs || !ptrs) {
        free(jobs);
        free(ptrs);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        jobs[i] = (awsv2_sign_job){.size = sizeof jobs[i], .string_to_sign = vector_sts,
                                   .len = strlen(vector_sts)};
        ptrs[i] = &jobs[i];
    }
    awsv2_error err = AWSV2_ERROR_INIT;
    double t0 = bench_now();
    awsv2_status st = awsv2_signer_sign_batch(s, ptrs, n, &err);
    double rate = (double)n / (bench_now() - t0);
    if (st || check_mac(jobs[n - 1].mac, jobs[n - 1].mac_len))
        rate = -1;
    if (st)
        fprintf(stderr, "awsv2-bench serial: %s\n", err.message);
    free(jobs);
    free(ptrs);
    return rate;
}

/* The best a link of byte_s seconds per byte allows: the request and the
 * reply cross it in parallel with the signing of others. */
static double limit(double byte_s)
{
    double request = (double)(strlen("SIGN-AWS-V2 ") + strlen(vector_sts) + 1) * byte_s;
    double reply = (double)(strlen("SUCCESS ") + 64 + 1) * byte_s;
    double sign = SIGN_US / 1e6, per = request;
    if (reply > per)
        per = reply;
    if (sign > per)
        per = sign;
    return 1 / per;
}

static int run_model(const char *credentials, const char *link, const char *window,
                     double *w1, double *piped)
{
    struct child e;
    if (emu_start(&e, credentials, link))
        return -1;
    char spec[600];
    snprintf(spec, sizeof spec, "due:%s?timeout_ms=10000%s", e.line, window);
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    int rc = -1;
    if (awsv2_signer_open(&s, spec, NULL, &err)) {
        fprintf(stderr, "awsv2-bench serial: %s\n", err.message);
    } else {
        *w1 = one_at_a_time(s, 3);
        if (piped)
            *piped = pipelined(s, 4000);
        rc = *w1 < 0 || (piped && *piped < 0) ? -1 : 0;
    }
    awsv2_signer_close(s);
    child_stop(&e, SIGTERM, CHILD_TIMEOUT_MS);
    return rc;
}

int bench_serial(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: awsv2-bench serial\n");
        return 2;
    }
    char dir[PATH_MAX], credentials[PATH_MAX + 16];
    if (tmpdir_create(dir, sizeof dir, "awsv2-bench") != 0)
        return 1;
    snprintf(credentials, sizeof credentials, "%s/credentials", dir);
    if (tmpdir_add_credentials(dir) != 0) {
        fprintf(stderr, "awsv2-bench serial: cannot write %s\n", credentials);
        tmpdir_remove(dir);
        return 1;
    }
    char uart[32];
    snprintf(uart, sizeof uart, "uart:%d", UART_BAUD);
    double uart_w1 = 0, usb_w1 = 0, usb_piped = 0;
    int rc = run_model(credentials, uart, "&window=1", &uart_w1, NULL) ||
             run_model(credentials, "usb", "", &usb_w1, &usb_piped);
    tmpdir_remove(dir);
    if (rc)
        return 1;
    bench_report("serial_uart115200_window1", uart_w1, "sig/s");
    bench_report("serial_uart115200_limit", limit(10.0 / UART_BAUD), "sig/s");
    bench_report("serial_usb_window1", usb_w1, "sig/s");
    bench_report("serial_usb_pipelined", usb_piped, "sig/s");
    bench_report("serial_usb_limit", limit(1 / USB_BYTES_PER_S), "sig/s");
    return 0;
}
