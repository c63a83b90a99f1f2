/* Region and endpoint resolution, in the AWS CLI's order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "awsv2/credentials.h"
#include "internal.h"
#include "profile.h"

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

#define REGION_MAX 127

static awsv2_status region_from_config(const char *profile, char *out, size_t cap,
                                       awsv2_error *err)
{
    awsv2__profile *p;
    awsv2_status st = awsv2__profile_load(&p, profile, err);
    if (st)
        return st;
    int line = 0, file = 0;
    const char *region = awsv2__profile_get(p, -1, "region", &line, &file);
    if (region && (!*region || strlen(region) > REGION_MAX))
        st = awsv2__fail(err, AWSV2_E_CONFIG, "%s:%d: region in profile [%s] is %s",
                         awsv2__profile_path(p, file), line, awsv2__profile_name(p),
                         *region ? "too long" : "empty");
    if (!st)
        st = copy_out(region ? region : "us-east-1", out, cap, err);
    awsv2__profile_free(p);
    return st;
}

awsv2_status awsv2_region_resolve_profile(const char *flag, const char *profile, char *out,
                                          size_t cap, awsv2_error *err)
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
        st = region_from_config(profile, out, cap, err);
    if (!st && !valid_region(out))
        st = awsv2__fail(err, AWSV2_E_INVALID, "invalid region '%s'", out);
    return st;
}

awsv2_status awsv2_region_resolve(const char *flag, char *out, size_t cap, awsv2_error *err)
{
    return awsv2_region_resolve_profile(flag, NULL, out, cap, err);
}

/* "true" or "false" (any case); *bad for anything else. */
static int truth(const char *v, int *bad)
{
    if (strcasecmp(v, "true") == 0)
        return 1;
    if (strcasecmp(v, "false") != 0)
        *bad = 1;
    return 0;
}

/* AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, else the profile's
 * ignore_configured_endpoint_urls. */
static awsv2_status ignore_configured(const awsv2__profile *p, int *ignore, awsv2_error *err)
{
    int bad = 0, line = 0, file = 0;
    const char *env = getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    if (env && *env) {
        *ignore = truth(env, &bad);
        if (bad)
            return awsv2__fail(err, AWSV2_E_CONFIG,
                               "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=\"%s\" is neither true nor "
                               "false", env);
        return AWSV2_OK;
    }
    const char *v = awsv2__profile_get(p, -1, "ignore_configured_endpoint_urls", &line, &file);
    *ignore = v ? truth(v, &bad) : 0;
    if (bad)
        return awsv2__fail(err, AWSV2_E_CONFIG,
                           "%s:%d: ignore_configured_endpoint_urls in profile [%s] is neither "
                           "true nor false",
                           awsv2__profile_path(p, file), line, awsv2__profile_name(p));
    return AWSV2_OK;
}

/* The configured endpoint of service (the AWS SDKs' "service-specific
 * endpoints"): AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the services
 * section's "<service> = / endpoint_url =", the profile's endpoint_url;
 * none when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the profile) says so. */
static awsv2_status configured_endpoint(const char *service, const char *profile, char *out,
                                        size_t cap, int *found, awsv2_error *err)
{
    char var[64], upper[32], key[64];
    size_t n = strlen(service);
    *found = 0;
    for (size_t i = 0; i <= n; i++)
        upper[i] = (char)(service[i] >= 'a' && service[i] <= 'z' ? service[i] - 32 : service[i]);
    snprintf(var, sizeof var, "AWS_ENDPOINT_URL_%s", upper);
    snprintf(key, sizeof key, "%s.endpoint_url", service);
    awsv2__profile *p = NULL;
    awsv2_status st = awsv2__profile_load(&p, profile, err);
    int ignore = 0;
    if (!st)
        st = ignore_configured(p, &ignore, err);
    if (!st && !ignore) {
        int file = 0, lines[4] = {0};
        const char *sources[] = {getenv(var), getenv("AWS_ENDPOINT_URL"),
                                 awsv2__profile_service(p, key, &lines[2]),
                                 awsv2__profile_get(p, -1, "endpoint_url", &lines[3], &file)};
        for (size_t i = 0; !*found && i < AWSV2__ARRAY_LEN(sources); i++) {
            if (!sources[i] || (i < 2 && !*sources[i])) /* an empty variable is unset */
                continue;
            *found = 1;
            if (*sources[i])
                st = copy_out(sources[i], out, cap, err);
            else
                st = awsv2__fail(err, AWSV2_E_CONFIG, "%s:%d: %s of profile [%s] is empty",
                                 awsv2__profile_path(p, i == 2 ? AWSV2__CONFIG_FILE : file),
                                 lines[i], i == 2 ? key : "endpoint_url",
                                 awsv2__profile_name(p));
        }
    }
    if (p)
        awsv2__profile_free(p);
    return st;
}

awsv2_status awsv2_endpoint_resolve_profile(const char *service, const char *flag,
                                            const char *region, const char *profile, char *out,
                                            size_t cap, awsv2_error *err)
{
    size_t n = strlen(service);
    if (n == 0 || n >= 32)
        return awsv2__fail(err, AWSV2_E_INVALID, "unknown service '%s'", service);
    if (flag && *flag)
        return copy_out(flag, out, cap, err);
    int found;
    awsv2_status st = configured_endpoint(service, profile, out, cap, &found, err);
    if (st || found)
        return st;
    if (!region || !valid_region(region))
        return awsv2__fail(err, AWSV2_E_INVALID, "invalid region '%s'", region ? region : "");
    /* The China partition (cn-north-1, cn-northwest-1) has its own domain. */
    const char *domain = strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
    int w = snprintf(out, cap, "https://%s.%s.%s/", service, region, domain);
    if (w < 0 || (size_t)w >= cap)
        return awsv2__fail(err, AWSV2_E_INVALID, "endpoint URL too long");
    return AWSV2_OK;
}

awsv2_status awsv2_endpoint_resolve(const char *service, const char *flag, const char *region,
                                    char *out, size_t cap, awsv2_error *err)
{
    return awsv2_endpoint_resolve_profile(service, flag, region, NULL, out, cap, err);
}
