/* awsv2-bench sign4: how fast a client signs with SigV4 through the openssl
 * backend, against botocore's SigV4Auth on the same request in the same run
 * (bench/botocore_sigv4.py). Input: the vector ec2-describe-instances-post
 * of tests/core/sigv4.jsonl. Each iteration builds the parameters, the
 * canonical request, the signature and the Authorization header, as a
 * client does for every attempt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/awsv2.h"
#include "bench.h"

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
    if (sign > 0) {
        bench_report("sign4_openssl", sign, "req/s");
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
