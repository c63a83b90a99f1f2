/* Region and endpoint resolution, in the AWS CLI's order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/credentials.h"
#include "ini.h"
#include "internal.h"

struct region_reader {
    char section[300];
    char region[128];
    int bad_line; /* of a "region =" empty or too long: an error, not a default */
    const char *bad;
};

static int take_region(void *ctx, const char *section, const char *key, const char *value,
                       int line)
{
    struct region_reader *r = ctx;
    if (strcmp(section, r->section) != 0 || strcmp(key, "region") != 0)
        return 0;
    if (!*value || strlen(value) >= sizeof r->region) {
        r->bad_line = line;
        r->bad = *value ? "too long" : "empty";
        return 1;
    }
    strcpy(r->region, value);
    return 0;
}

static awsv2_status copy_out(const char *value, char *out, size_t cap, awsv2_error *err)
{
    if (strlen(value) >= cap)
        return awsv2__fail(err, AWSV2_E_INVALID, "'%s' is too long", value);
    strcpy(out, value);
    return AWSV2_OK;
}

static int valid_region(const char *r)
{
    if (!*r)
        return 0;
    for (; *r; r++)
        if (!((*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9') || *r == '-'))
            return 0;
    return 1;
}

static awsv2_status region_from_config(char *out, size_t cap, awsv2_error *err)
{
    const char *profile = getenv("AWS_PROFILE");
    struct region_reader r = {{0}, {0}, 0, NULL};
    if (!profile || !*profile || strcmp(profile, "default") == 0)
        strcpy(r.section, "default");
    else
        snprintf(r.section, sizeof r.section, "profile %s", profile);
    char path[4096];
    bool found;
    awsv2_status st = awsv2__aws_file_path("AWS_CONFIG_FILE", "config", path, sizeof path, err);
    if (!st)
        st = awsv2__ini_parse(path, take_region, &r, &found, err);
    if (!st && r.bad_line)
        st = awsv2__fail(err, AWSV2_E_CONFIG, "%s:%d: region in [%s] is %s", path, r.bad_line,
                         r.section, r.bad);
    if (st)
        return st;
    return copy_out(r.region[0] ? r.region : "us-east-1", out, cap, err);
}

awsv2_status awsv2_region_resolve(const char *flag, char *out, size_t cap, awsv2_error *err)
{
    const char *sources[] = {flag, getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION")};
    awsv2_status st = AWSV2_E_INVALID;
    size_t i;
    for (i = 0; i < AWSV2__ARRAY_LEN(sources); i++)
        if (sources[i] && *sources[i]) {
            st = copy_out(sources[i], out, cap, err);
            break;
        }
    if (i == AWSV2__ARRAY_LEN(sources))
        st = region_from_config(out, cap, err);
    if (!st && !valid_region(out))
        st = awsv2__fail(err, AWSV2_E_INVALID, "invalid region '%s'", out);
    return st;
}

awsv2_status awsv2_endpoint_resolve(const char *service, const char *flag, const char *region,
                                    char *out, size_t cap, awsv2_error *err)
{
    char var[64], upper[32];
    size_t n = strlen(service);
    if (n == 0 || n >= sizeof upper)
        return awsv2__fail(err, AWSV2_E_INVALID, "unknown service '%s'", service);
    for (size_t i = 0; i <= n; i++)
        upper[i] = (char)(service[i] >= 'a' && service[i] <= 'z' ? service[i] - 32 : service[i]);
    snprintf(var, sizeof var, "AWS_ENDPOINT_URL_%s", upper);
    const char *sources[] = {flag, getenv(var), getenv("AWS_ENDPOINT_URL")};
    for (size_t i = 0; i < AWSV2__ARRAY_LEN(sources); i++)
        if (sources[i] && *sources[i])
            return copy_out(sources[i], out, cap, err);
    if (!region || !valid_region(region))
        return awsv2__fail(err, AWSV2_E_INVALID, "invalid region '%s'", region ? region : "");
    int w = snprintf(out, cap, "https://%s.%s.amazonaws.com/", service, region);
    if (w < 0 || (size_t)w >= cap)
        return awsv2__fail(err, AWSV2_E_INVALID, "endpoint URL too long");
    return AWSV2_OK;
}
