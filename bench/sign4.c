/* awsv2-bench sign4: how fast a client signs with SigV4 through the openssl
 * backend, against botocore's SigV4Auth on the same request in the same run
 * (bench/botocore_sigv4.py), and through the due backend with a scoped key
 * (due:PTY?scoped_key=1 on awsv2-due-emu with a USB link model: after one
 * DERIVE-AWS-V4 the host signs alone). Input: the vector
 * ec2-describe-instances-post of tests/core/sigv4.jsonl. Each iteration
 * builds the parameters, the canonical request, the signature and the
 * Authorization header, as a client does for every attempt. */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "awsv2/awsv2.h"
#include "bench.h"
#include "child.h"

#define ROUNDS 10
#define AMZ_TIME 1795262400 /* 2026-11-21T12:00:00Z */

static awsv2_status build_and_sign(awsv2_request *req, awsv2_signer *signer, awsv2_error *err)
{
    awsv2_status st = bench_vector_params(awsv2_request_params(req), err);
    if (!st)
        st = awsv2_request_set_auth4(req, "AKIAIOSFODNN7EXAMPLE", NULL, "eu-central-1", "ec2",
                                     err);
    if (!st)
        st = awsv2_request_set_amz_date(req, AMZ_TIME, 0, err);
    if (!st)
        st = awsv2_request_sign(req, signer, err);
    return st;
}

/* The scoped key is kept until its date ends: the request is dated now
 * (fixed for the run, so that both signers sign the same request). */
static time_t scoped_time;

static awsv2_status build_scoped(awsv2_request *req, awsv2_signer *signer, awsv2_error *err)
{
    awsv2_status st = bench_vector_params(awsv2_request_params(req), err);
    if (!st)
        st = awsv2_request_set_auth4(req, "AKIAIOSFODNN7EXAMPLE", NULL, "eu-central-1", "ec2",
                                     err);
    if (!st)
        st = awsv2_request_set_amz_date(req, scoped_time, 0, err);
    if (!st)
        st = awsv2_request_sign(req, signer, err);
    return st;
}

/* The scoped due signer's best slice; its first signature is checked
 * against the openssl signer's (b's). -1 after a message. */
static double rate_due_scoped(struct bench_signing *b)
{
    struct child e = {0};
    const char *prog = bench_program("awsv2-due-emu");
    const char *argv[] = {prog, "--link", "usb", "--sign-us", "400", NULL};
    if (child_start(&e, argv, -1) != 0) {
        fprintf(stderr, "awsv2-bench sign4: cannot run %s\n", prog);
        return -1;
    }
    char spec[sizeof e.line + 32], want[512];
    snprintf(spec, sizeof spec, "due:%s?scoped_key=1", e.line);
    awsv2_error err = AWSV2_ERROR_INIT;
    awsv2_key_policy *policy = NULL;
    struct bench_signing due = {0};
    double rate = -1;
    scoped_time = time(NULL);
    if (build_scoped(b->req, b->signer, &err))
        goto fail;
    snprintf(want, sizeof want, "%s", awsv2_request_authorization(b->req));
    if (awsv2_key_policy_new(&policy, &err) ||
        awsv2_key_policy_set(policy, "scoped-key", "1", &err) ||
        awsv2_signer_open(&due.signer, spec, NULL, &err) ||
        awsv2_signer_key_put_credentials(due.signer, b->creds, policy, &err) ||
        awsv2_request_new(&due.req, AWSV2_POST, "https://ec2.eu-central-1.amazonaws.com/", &err) ||
        build_scoped(due.req, due.signer, &err))
        goto fail;
    if (strcmp(awsv2_request_authorization(due.req), want) != 0) {
        fprintf(stderr, "awsv2-bench sign4: the scoped key signs differently from openssl\n");
        goto out;
    }
    rate = 0;
    for (int round = 0; round < ROUNDS && rate >= 0; round++) {
        double r = bench_rate_sign("sign4", build_scoped, &due, 500);
        rate = r < 0 ? r : r > rate ? r : rate;
    }
    goto out;
fail:
    fprintf(stderr, "awsv2-bench sign4: %s\n", err.message);
out:
    awsv2_key_policy_free(policy);
    bench_signing_close(&due);
    child_stop(&e, SIGTERM, CHILD_TIMEOUT_MS);
    return rate;
}

/* botocore's rate, from bench/botocore_sigv4.py's "sign4_botocore N req/s"
 * line (which it also prints); 0 when python3-botocore is missing. */
static double rate_botocore(const char *script)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "python3 '%s'", script);
    FILE *f = popen(cmd, "r");
    if (!f)
        return 0;
    char line[256];
    double rate = 0;
    while (fgets(line, sizeof line, f)) {
        fputs(line, stdout);
        sscanf(line, "sign4_botocore %lf", &rate);
    }
    pclose(f);
    return rate;
}

int bench_sign4(int argc, char **argv)
{
    /* The script: argv[1], else $top_srcdir/bench/botocore_sigv4.py, else
     * the source tree this was built from. */
    char script[4096];
    const char *top = getenv("top_srcdir");
    if (argc > 1)
        snprintf(script, sizeof script, "%s", argv[1]);
    else
        snprintf(script, sizeof script, "%s/bench/botocore_sigv4.py",
                 top && *top ? top : AWSV2_TOP_SRCDIR);
    struct bench_signing b = {0};
    int rc = 1;
    if (bench_signing_open(&b, "sign4", AWSV2_POST, "https://ec2.eu-central-1.amazonaws.com/",
                           build_and_sign))
        goto out;
    double sign = 0;
    for (int round = 0; round < ROUNDS && sign >= 0; round++) {
        double s = bench_rate_sign("sign4", build_and_sign, &b, 500);
        sign = s < 0 ? s : s > sign ? s : sign;
    }
    double scoped = sign > 0 ? rate_due_scoped(&b) : -1;
    if (sign > 0 && scoped > 0) {
        bench_report("sign4_openssl", sign, "req/s");
        bench_report("sign4_due_scoped", scoped, "req/s");
        bench_report("sign4_due_scoped_vs_openssl_percent", 100.0 * scoped / sign, "%");
        double boto = rate_botocore(script);
        if (boto > 0)
            bench_report("sign4_openssl_vs_botocore", sign / boto, "x");
        else
            fprintf(stderr, "awsv2-bench sign4: no botocore figure (python3-botocore?)\n");
        rc = 0;
    }
out:
    bench_signing_close(&b);
    return rc;
}
