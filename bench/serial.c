/* awsv2-bench serial: signing through awsv2-due-emu over its link models
 * (docs/serial-protocol.md, "Link models"), whole requests against compact
 * frames, each against what its model allows at best (the limit: from the
 * bytes each request and its reply take and the model's rates, or the
 * device's signing time, whichever binds).
 *
 * The strings to sign are those of pipelined calls: the vector
 * ec2-describe-instances-filters (tests/core/sigv2.jsonl) first, then the
 * same request with another instance id and a later timestamp each time.
 * Every MAC is checked against OpenSSL's HMAC. */
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/awsv2.h"
#include "bench.h"
#include "child.h"
#include "due_delta.h"
#include "emu_link.h"
#include "tmpdir.h"

static const char vector_sts[] =
    "GET\nec2.us-west-2.amazonaws.com\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE"
    "&Action=DescribeInstances&Filter.1.Name=instance-state-name&Filter.1.Value.1=running"
    "&Filter.1.Value.2=stopped&Filter.10.Name=instance-type&Filter.10.Value.1=t3.micro"
    "&Filter.2.Name=tag%3AName&Filter.2.Value.1=web%2A&InstanceId.1=i-1234567890abcdef0"
    "&MaxResults=100&SignatureMethod=HmacSHA256&SignatureVersion=2"
    "&Timestamp=2026-11-21T12%3A00%3A00Z&Version=2016-11-15";
static const char vector_signature[] = "AawHY7MlrqkM61P0I7ffSLHGKxHVR/cZBh0uZ6ZRH9w=";
static const char secret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/* The Due's time to sign it. firmware/m3's m3-bench counts 41,100
 * Cortex-M3 instructions for an HMAC-SHA256 of 1 KiB: 20 SHA-256 blocks,
 * about 2,050 instructions each. This string is 10 blocks (7 inner + key
 * block + 2 outer): ~20,500, plus ~3,500 to parse the query and print hex,
 * ~24,000 instructions; at ~1.4 cycles per instruction (flash wait states
 * behind the accelerator) and 84 MHz that is ~400 us. */
#define SIGN_US 400
#define UART_BAUD 115200
#define STS_MAX 512
#define CHECKPOINT_BYTES 22 /* "PING " + 16 hex digits + NUL */
#define PONG_BYTES 38       /* "PONG " + 16 hex digits + " awsv2-hsm/0.1.0\n" */
#define MAC_REPLY_BYTES 73  /* "SUCCESS " + 64 hex digits + "\n" */

/* String to sign number i of the run (0: the vector itself). */
static size_t run_sts(size_t i, char *out)
{
    memcpy(out, vector_sts, sizeof vector_sts);
    if (i > 0) {
        char id[20], *at = strstr(out, "i-1234567890abcdef0"), *ts = strstr(out, "12%3A00%3A00Z");
        snprintf(id, sizeof id, "i-%017llx", (unsigned long long)i * 0x9e3779b97f4aULL);
        memcpy(at, id, 19);
        char t[14];
        snprintf(t, sizeof t, "%02u%%3A%02u%%3A%02u", (unsigned)(12 + i / 3600 % 12),
                 (unsigned)(i / 60 % 60), (unsigned)(i % 60));
        memcpy(ts, t, 12);
    }
    return sizeof vector_sts - 1;
}

static int check_mac(size_t i, const char *sts, size_t len, const uint8_t *mac, size_t mac_len)
{
    unsigned char want[EVP_MAX_MD_SIZE];
    unsigned want_len = 0;
    if (i == 0)
        want_len = (unsigned)EVP_DecodeBlock(want, (const unsigned char *)vector_signature,
                                             (int)strlen(vector_signature)) - 1; /* 32 bytes */
    else
        HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)sts, len, want,
             &want_len);
    if (mac_len != 32 || want_len < mac_len || memcmp(mac, want, mac_len) != 0) {
        fprintf(stderr, "awsv2-bench serial: wrong signature from the device (string %zu)\n", i);
        return -1;
    }
    return 0;
}

/* Bytes each way of one request of the run, whole (with its checkpoint
 * PING and PONG) or as compact frames (tagged replies, no checkpoint). */
struct sizes {
    double in, out;
};

static struct sizes whole_sizes(void)
{
    return (struct sizes){strlen("SIGN-AWS-V2 ") + strlen(vector_sts) + 1 + CHECKPOINT_BYTES,
                          MAC_REPLY_BYTES + PONG_BYTES};
}

/* The frames the due: backend writes for requests 0..n-1 of the run, as
 * one pipelined batch does: their average size. */
static struct sizes compact_sizes(size_t n)
{
    struct awsv2__due_delta d = {0};
    char *frame = NULL, req[STS_MAX + 16];
    size_t cap = 0, len = 0, total_in = 0, total_out = 0;
    uint32_t tag = 0;
    awsv2__due_delta_reset(&d);
    for (size_t i = 0; i < n; i++) {
        memcpy(req, "SIGN-AWS-V2 ", 12);
        size_t k = 12 + run_sts(i, req + 12);
        if (awsv2__due_delta_frame(&d, req, k, &frame, &cap, &len, &tag, NULL))
            break;
        total_in += len + 1;
        /* "D <tag> ", the reply, and " <tag>" before its newline */
        total_out += (size_t)snprintf(NULL, 0, "D %lu  %lu", (unsigned long)tag,
                                      (unsigned long)tag) +
                     MAC_REPLY_BYTES;
    }
    awsv2__due_delta_free(&d);
    free(frame);
    return (struct sizes){(double)total_in / (double)n, (double)total_out / (double)n};
}

/* The best a model allows, pipelined: the device takes each request's
 * bytes in (take_ns each, on the USB model) and signs, while the wires
 * carry requests and replies in parallel with that. */
static double limit_pipelined(struct sizes z, double rx_ns, double take_ns, double tx_ns)
{
    double device = z.in * take_ns + SIGN_US * 1e3, in = z.in * rx_ns, out = z.out * tx_ns;
    double per = device > in ? device : in;
    if (out > per)
        per = out;
    return 1e9 / per;
}

/* One request at a time: request, signing and reply in turn. */
static double limit_window1(struct sizes z, double ns)
{
    return 1e9 / (z.in * ns + SIGN_US * 1e3 + z.out * ns);
}

/* awsv2-due-emu with the example key, a link model and more options; its
 * line is the pty path. */
static int emu_start(struct child *e, const char *credentials, const char *link, bool compact)
{
    char sign_us[16];
    snprintf(sign_us, sizeof sign_us, "%d", SIGN_US);
    const char *prog = bench_program("awsv2-due-emu");
    const char *argv[] = {prog, "--import-credentials", credentials, "--link", link,
                          "--sign-us", sign_us, compact ? NULL : "--no-delta", NULL};
    if (child_start(e, argv, -1) == 0)
        return 0;
    fprintf(stderr, "awsv2-bench serial: cannot run %s\n", prog);
    return -1;
}

/* Signatures per second, one request at a time, for about secs seconds. */
static double one_at_a_time(awsv2_signer *s, double secs)
{
    uint8_t mac[AWSV2_MAC_MAX];
    char sts[STS_MAX];
    size_t mac_len = 0, n = 0;
    awsv2_error err = AWSV2_ERROR_INIT;
    double t0 = bench_now(), t;
    do {
        size_t len = run_sts(n, sts);
        if (awsv2_signer_sign(s, AWSV2_HMAC_SHA256, sts, len, mac, &mac_len, &err)) {
            fprintf(stderr, "awsv2-bench serial: %s\n", err.message);
            return -1;
        }
        if (check_mac(n, sts, len, mac, mac_len))
            return -1;
        n++;
    } while ((t = bench_now()) - t0 < secs);
    return (double)n / (t - t0);
}

/* Signatures per second of one pipelined batch of n. */
static double pipelined(awsv2_signer *s, size_t n)
{
    awsv2_sign_job *jobs = calloc(n, sizeof *jobs);
    awsv2_sign_job **ptrs = calloc(n, sizeof *ptrs);
    char *bufs = malloc(n * STS_MAX);
    double rate = -1;
    if (!jobs || !ptrs || !bufs)
        goto out;
    for (size_t i = 0; i < n; i++) {
        char *b = bufs + i * STS_MAX;
        jobs[i] = (awsv2_sign_job){.size = sizeof jobs[i], .string_to_sign = b,
                                   .len = run_sts(i, b), .hash = AWSV2_HMAC_SHA256};
        ptrs[i] = &jobs[i];
    }
    awsv2_error err = AWSV2_ERROR_INIT;
    double t0 = bench_now();
    awsv2_status st = awsv2_signer_sign_batch(s, ptrs, n, &err);
    rate = (double)n / (bench_now() - t0);
    if (st)
        fprintf(stderr, "awsv2-bench serial: %s\n", err.message);
    for (size_t i = 0; i < n && rate > 0; i++)
        if (st || check_mac(i, jobs[i].string_to_sign, jobs[i].len, jobs[i].mac, jobs[i].mac_len))
            rate = -1;
out:
    free(jobs);
    free(ptrs);
    free(bufs);
    return rate;
}

/* One emulator: *w1 one at a time for a few seconds (if w1), *piped a
 * pipelined batch of n (if piped). */
static int run_model(const char *credentials, const char *link, bool compact,
                     const char *options, double *w1, double *piped, size_t n)
{
    struct child e;
    if (emu_start(&e, credentials, link, compact))
        return -1;
    char spec[600];
    snprintf(spec, sizeof spec, "due:%s?timeout_ms=10000%s", e.line, options);
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    int rc = -1;
    if (awsv2_signer_open(&s, spec, NULL, &err)) {
        fprintf(stderr, "awsv2-bench serial: %s\n", err.message);
    } else {
        rc = 0;
        if (w1 && (*w1 = one_at_a_time(s, 3)) < 0)
            rc = -1;
        if (!rc && piped && (*piped = pipelined(s, n)) < 0)
            rc = -1;
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
    double uart_w1 = 0, prog_whole = 0, prog_compact = 0, ideal_w1 = 0, ideal_piped = 0;
    double cal_whole = 0, cal_compact = 0;
    int rc = run_model(credentials, uart, false, "&window=1", &uart_w1, NULL, 0) ||
             run_model(credentials, "prog", false, "&window=1", &prog_whole, NULL, 0) ||
             run_model(credentials, "prog", true, "&window=1", &prog_compact, NULL, 0) ||
             run_model(credentials, "usb-ideal", false, "", &ideal_w1, &ideal_piped, 4000) ||
             run_model(credentials, "usb", false, "", NULL, &cal_whole, 1000) ||
             run_model(credentials, "usb", true, "", NULL, &cal_compact, 4000);
    tmpdir_remove(dir);
    if (rc)
        return 1;
    struct sizes whole = whole_sizes(), compact = compact_sizes(4000);
    double uart_ns = 10e9 / UART_BAUD;
    bench_report("serial_whole_bytes_per_request", whole.in, "B");
    bench_report("serial_compact_bytes_per_request", compact.in, "B");
    bench_report("serial_uart115200_window1", uart_w1, "sig/s");
    bench_report("serial_uart115200_limit", limit_window1(whole, uart_ns), "sig/s");
    bench_report("serial_prog_whole_window1", prog_whole, "sig/s");
    bench_report("serial_prog_compact_window1", prog_compact, "sig/s");
    bench_report("serial_prog_whole_limit", limit_window1(whole, EMU_PROG_NS), "sig/s");
    bench_report("serial_prog_compact_limit", limit_window1(compact, EMU_PROG_NS), "sig/s");
    bench_report("serial_usb_ideal_window1", ideal_w1, "sig/s");
    bench_report("serial_usb_ideal_pipelined", ideal_piped, "sig/s");
    bench_report("serial_usb_ideal_limit",
                 limit_pipelined(whole, EMU_USB_IDEAL_NS, 0, EMU_USB_IDEAL_NS), "sig/s");
    bench_report("serial_usb_calibrated_whole", cal_whole, "sig/s");
    bench_report("serial_usb_calibrated_compact", cal_compact, "sig/s");
    bench_report("serial_usb_calibrated_limit",
                 limit_pipelined(whole, EMU_USB_WIRE_NS, EMU_USB_TAKE_NS, EMU_USB_TX_NS), "sig/s");
    bench_report("serial_usb_calibrated_compact_limit",
                 limit_pipelined(compact, EMU_USB_WIRE_NS, EMU_USB_TAKE_NS, EMU_USB_TX_NS),
                 "sig/s");
    /* what the tags save: the same frames, each confirmed by a checkpoint */
    struct sizes checked = {compact.in + CHECKPOINT_BYTES, compact.out + PONG_BYTES};
    bench_report("serial_usb_calibrated_compact_checkpointed_limit",
                 limit_pipelined(checked, EMU_USB_WIRE_NS, EMU_USB_TAKE_NS, EMU_USB_TX_NS),
                 "sig/s");
    bench_report("serial_usb_calibrated_compact_vs_whole", 100 * cal_compact / cal_whole, "%");
    return 0;
}
