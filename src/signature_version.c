/* Which signature version a request gets (docs/sigv4.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/request.h"
#include "endpoint.h"
#include "internal.h"

/* The regions opened before 2014-01-30: the only ones where AWS still
 * accepts SigV2 (for EC2; SQS documents SigV4 only). */
static const char *const sigv2_regions[] = {
    "us-east-1",      "us-west-1",      "us-west-2", "eu-west-1", "ap-northeast-1",
    "ap-southeast-1", "ap-southeast-2", "sa-east-1",
};

awsv2_status awsv2_signature_version_parse(const char *text, awsv2_signature_version *out,
                                           awsv2_error *err)
{
    if (text && strcmp(text, "2") == 0)
        *out = AWSV2_SIGNATURE_V2;
    else if (text && strcmp(text, "4") == 0)
        *out = AWSV2_SIGNATURE_V4;
    else if (text && strcmp(text, "auto") == 0)
        *out = AWSV2_SIGNATURE_AUTO;
    else
        return awsv2__fail(err, AWSV2_E_INVALID, "signature version '%.64s' is not 2, 4 or auto",
                           text ? text : "");
    return AWSV2_OK;
}

awsv2_status awsv2_signature_version_resolve(const char *flag, awsv2_signature_version *out,
                                             awsv2_error *err)
{
    if (flag)
        return awsv2_signature_version_parse(flag, out, err);
    const char *env = getenv("AWSV2_SIGNATURE_VERSION");
    if (!env || !*env) {
        *out = AWSV2_SIGNATURE_AUTO;
        return AWSV2_OK;
    }
    awsv2_status st = awsv2_signature_version_parse(env, out, NULL);
    if (st)
        return awsv2__fail(err, st, "AWSV2_SIGNATURE_VERSION=\"%.64s\" is not 2, 4 or auto", env);
    return AWSV2_OK;
}

/* Whether host is AWS's own regional endpoint of service in region. */
static int regional_host(const char *host, const char *service, const char *region)
{
    static const char *const suffixes[] = {"amazonaws.com", "amazonaws.com.cn"};
    for (size_t i = 0; i < AWSV2__ARRAY_LEN(suffixes); i++) {
        char want[256];
        int n = snprintf(want, sizeof want, "%s.%s.%s", service, region, suffixes[i]);
        if (n > 0 && (size_t)n < sizeof want && strcmp(host, want) == 0)
            return 1;
    }
    return 0;
}

awsv2_signature_version awsv2_signature_version_auto(const char *service, const char *region,
                                                     const char *endpoint_url)
{
    awsv2__endpoint ep;
    if (!service || !region || awsv2__endpoint_parse(endpoint_url, &ep, NULL))
        return AWSV2_SIGNATURE_V2;
    int custom = !regional_host(ep.host, service, region);
    awsv2__endpoint_free(&ep);
    if (custom)
        return AWSV2_SIGNATURE_V2;
    if (strcmp(service, "ec2") == 0)
        for (size_t i = 0; i < AWSV2__ARRAY_LEN(sigv2_regions); i++)
            if (strcmp(region, sigv2_regions[i]) == 0)
                return AWSV2_SIGNATURE_V2;
    return AWSV2_SIGNATURE_V4;
}
