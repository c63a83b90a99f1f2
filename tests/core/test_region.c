/* Region and endpoint resolution, in the AWS CLI's order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char config[] =
    "[default]\n"
    "region = eu-west-1\n"
    "output = json\n"
    "\n"
    "[profile dev]\n"
    "region = ap-southeast-2\n"
    "\n"
    "[dev]\n" /* not how the config file names a profile */
    "region = us-west-1\n"
    "\n"
    "[profile bare]\n"
    "output = text\n";

static void check_region(const char *flag, const char *want)
{
    char out[64];
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_region_resolve(flag, out, sizeof out, &err) == AWSV2_OK, "%s",
                  err.message);
    ck_assert_str_eq(out, want);
}

START_TEST(region_default)
{
    check_region(NULL, "us-east-1");
}
END_TEST

START_TEST(region_order)
{
    setenv("AWS_CONFIG_FILE", core_write("config", config), 1);
    check_region(NULL, "eu-west-1");
    setenv("AWS_DEFAULT_REGION", "eu-central-1", 1);
    check_region(NULL, "eu-central-1");
    setenv("AWS_REGION", "sa-east-1", 1);
    check_region(NULL, "sa-east-1");
    check_region("ca-central-1", "ca-central-1");
    setenv("AWS_REGION", "", 1); /* empty is unset */
    check_region(NULL, "eu-central-1");
}
END_TEST

START_TEST(region_home_config)
{
    core_write(".aws/config", config);
    check_region(NULL, "eu-west-1");
}
END_TEST

START_TEST(region_profiles)
{
    setenv("AWS_CONFIG_FILE", core_write("config", config), 1);
    setenv("AWS_PROFILE", "dev", 1);
    check_region(NULL, "ap-southeast-2");
    setenv("AWS_PROFILE", "bare", 1); /* a profile without a region */
    check_region(NULL, "us-east-1");
    setenv("AWS_PROFILE", "default", 1);
    check_region(NULL, "eu-west-1");
}
END_TEST

/* The profile named by the caller (--profile) wins over AWS_PROFILE; a
 * missing one is named, not taken for a profile without a region. */
START_TEST(region_named_profile)
{
    char out[64];
    awsv2_error err = AWSV2_ERROR_INIT;
    setenv("AWS_CONFIG_FILE", core_write("config", config), 1);
    setenv("AWS_PROFILE", "bare", 1);
    ck_assert_int_eq(awsv2_region_resolve_profile(NULL, "dev", out, sizeof out, &err), AWSV2_OK);
    ck_assert_str_eq(out, "ap-southeast-2");
    ck_assert_int_eq(awsv2_region_resolve_profile(NULL, "absent", out, sizeof out, &err),
                     AWSV2_E_CONFIG);
    ck_assert_ptr_nonnull(strstr(err.message, "profile 'absent' not found"));
    setenv("AWS_PROFILE", "absent", 1);
    ck_assert_int_eq(awsv2_region_resolve(NULL, out, sizeof out, &err), AWSV2_E_CONFIG);
    ck_assert_ptr_nonnull(strstr(err.message, "absent"));
    /* a profile of the credentials file alone: its region counts */
    setenv("AWS_SHARED_CREDENTIALS_FILE",
           core_write("credentials", "[creds-only]\nregion = eu-north-1\n"), 1);
    ck_assert_int_eq(awsv2_region_resolve_profile(NULL, "creds-only", out, sizeof out, &err),
                     AWSV2_OK);
    ck_assert_str_eq(out, "eu-north-1");
}
END_TEST

START_TEST(region_missing_config_file)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/absent", core_env_dir());
    setenv("AWS_CONFIG_FILE", path, 1);
    check_region(NULL, "us-east-1");
}
END_TEST

START_TEST(region_malformed_config)
{
    char out[64];
    awsv2_error err = {0};
    const char *path = core_write("config", "[default]\nregion = eu-west-1\n[broken\n");
    setenv("AWS_CONFIG_FILE", path, 1);
    ck_assert_int_eq(awsv2_region_resolve(NULL, out, sizeof out, &err), AWSV2_E_CONFIG);
    ck_assert_ptr_nonnull(strstr(err.message, path));
    ck_assert_ptr_nonnull(strstr(err.message, ":3:"));
    /* a region given another way does not need the file */
    check_region("us-west-2", "us-west-2");
}
END_TEST

START_TEST(region_invalid)
{
    char out[64];
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_region_resolve("us east 1", out, sizeof out, &err), AWSV2_E_INVALID);
    ck_assert_int_eq(awsv2_region_resolve("../../etc", out, sizeof out, &err), AWSV2_E_INVALID);
    setenv("AWS_REGION", "x.evil.com/", 1);
    ck_assert_int_eq(awsv2_region_resolve(NULL, out, sizeof out, &err), AWSV2_E_INVALID);
    ck_assert_int_ne(awsv2_region_resolve("eu-west-1", out, 9, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_region_resolve("eu-west-1", out, 10, &err), AWSV2_OK);
    ck_assert_str_eq(out, "eu-west-1");
}
END_TEST

/* ---- endpoints ------------------------------------------------------------ */

static void check_endpoint(const char *service, const char *flag, const char *region,
                           const char *want)
{
    char out[256];
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_endpoint_resolve(service, flag, region, out, sizeof out, &err) ==
                      AWSV2_OK,
                  "%s", err.message);
    ck_assert_str_eq(out, want);
}

START_TEST(endpoint_regional_default)
{
    check_endpoint("ec2", NULL, "eu-west-1", "https://ec2.eu-west-1.amazonaws.com/");
    check_endpoint("sqs", NULL, "us-east-1", "https://sqs.us-east-1.amazonaws.com/");
}
END_TEST

START_TEST(endpoint_order)
{
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566", 1);
    check_endpoint("ec2", NULL, "eu-west-1", "http://127.0.0.1:4566");
    check_endpoint("sqs", NULL, "eu-west-1", "http://127.0.0.1:4566");
    setenv("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:5000", 1);
    check_endpoint("ec2", NULL, "eu-west-1", "http://127.0.0.1:5000");
    check_endpoint("sqs", NULL, "eu-west-1", "http://127.0.0.1:4566");
    setenv("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:6000", 1);
    check_endpoint("sqs", NULL, "eu-west-1", "http://127.0.0.1:6000");
    check_endpoint("ec2", "http://127.0.0.1:7000/", "eu-west-1", "http://127.0.0.1:7000/");
    check_endpoint("sqs", "http://127.0.0.1:7000/", "eu-west-1", "http://127.0.0.1:7000/");
}
END_TEST

/* China's partition has its own domain. */
START_TEST(endpoint_china)
{
    check_endpoint("ec2", NULL, "cn-north-1", "https://ec2.cn-north-1.amazonaws.com.cn/");
    check_endpoint("sqs", NULL, "cn-northwest-1", "https://sqs.cn-northwest-1.amazonaws.com.cn/");
    check_endpoint("ec2", NULL, "ca-central-1", "https://ec2.ca-central-1.amazonaws.com/");
}
END_TEST

static void check_endpoint_profile(const char *service, const char *profile, const char *want)
{
    char out[256];
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_endpoint_resolve_profile(service, NULL, "eu-west-1", profile, out,
                                                 sizeof out, &err) == AWSV2_OK,
                  "%s", err.message);
    ck_assert_str_eq(out, want);
}

static const char endpoint_config[] =
    "[default]\n"
    "endpoint_url = http://127.0.0.1:1000/\n"
    "[profile local]\n"
    "services = local-services\n"
    "endpoint_url = http://127.0.0.1:2000/\n"
    "[profile ignoring]\n"
    "ignore_configured_endpoint_urls = true\n"
    "endpoint_url = http://127.0.0.1:2000/\n"
    "[services local-services]\n"
    "ec2 =\n"
    "  endpoint_url = http://127.0.0.1:3000/ec2\n"
    "sqs =\n"
    "  region = not-a-setting-we-read\n";

/* The order of the AWS SDKs' service-specific endpoints: flag,
 * AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the services section, the
 * profile's endpoint_url; all but the flag off when told to ignore them. */
START_TEST(endpoint_configured)
{
    setenv("AWS_CONFIG_FILE", core_write("config", endpoint_config), 1);
    check_endpoint_profile("ec2", NULL, "http://127.0.0.1:1000/");
    check_endpoint_profile("ec2", "local", "http://127.0.0.1:3000/ec2");
    check_endpoint_profile("sqs", "local", "http://127.0.0.1:2000/");
    setenv("AWS_PROFILE", "local", 1);
    check_endpoint("ec2", NULL, "eu-west-1", "http://127.0.0.1:3000/ec2");
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4000/", 1);
    check_endpoint("ec2", NULL, "eu-west-1", "http://127.0.0.1:4000/");
    check_endpoint("sqs", NULL, "eu-west-1", "http://127.0.0.1:4000/");
    setenv("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:5000/", 1);
    check_endpoint("ec2", NULL, "eu-west-1", "http://127.0.0.1:5000/");
    check_endpoint("ec2", "http://127.0.0.1:7000/", "eu-west-1", "http://127.0.0.1:7000/");
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    check_endpoint("ec2", NULL, "eu-west-1", "https://ec2.eu-west-1.amazonaws.com/");
    check_endpoint("ec2", "http://127.0.0.1:7000/", "eu-west-1", "http://127.0.0.1:7000/");
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false", 1); /* wins over the profile */
    check_endpoint_profile("ec2", "ignoring", "http://127.0.0.1:5000/");
    unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    check_endpoint_profile("ec2", "ignoring", "https://ec2.eu-west-1.amazonaws.com/");
}
END_TEST

START_TEST(endpoint_configured_bad)
{
    char out[256];
    awsv2_error err = AWSV2_ERROR_INIT;
    setenv("AWS_CONFIG_FILE", core_write("config", "[default]\nendpoint_url =\n"
                                                   "[profile p]\n"
                                                   "ignore_configured_endpoint_urls = yes\n"),
           1);
    ck_assert_int_eq(awsv2_endpoint_resolve("ec2", NULL, "eu-west-1", out, sizeof out, &err),
                     AWSV2_E_CONFIG);
    ck_assert_ptr_nonnull(strstr(err.message, ":2:"));
    ck_assert_int_eq(awsv2_endpoint_resolve_profile("ec2", NULL, "eu-west-1", "p", out,
                                                    sizeof out, &err),
                     AWSV2_E_CONFIG);
    ck_assert_ptr_nonnull(strstr(err.message, "ignore_configured_endpoint_urls"));
    ck_assert_int_eq(awsv2_endpoint_resolve_profile("ec2", NULL, "eu-west-1", "absent", out,
                                                    sizeof out, &err),
                     AWSV2_E_CONFIG);
    ck_assert_ptr_nonnull(strstr(err.message, "profile 'absent' not found"));
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "1", 1);
    ck_assert_int_eq(awsv2_endpoint_resolve_profile("ec2", NULL, "eu-west-1", "p", out,
                                                    sizeof out, &err),
                     AWSV2_E_CONFIG);
}
END_TEST

START_TEST(endpoint_bad_input)
{
    char out[256];
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_ne(awsv2_endpoint_resolve("ec2", NULL, "not a region", out, sizeof out, &err),
                     AWSV2_OK);
    ck_assert_int_ne(awsv2_endpoint_resolve("ec2", NULL, NULL, out, sizeof out, &err), AWSV2_OK);
    ck_assert_int_ne(awsv2_endpoint_resolve("", NULL, "us-east-1", out, sizeof out, &err),
                     AWSV2_OK);
    ck_assert_int_ne(awsv2_endpoint_resolve("ec2", NULL, "us-east-1", out, 10, &err), AWSV2_OK);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("region");
    TCase *tc = tcase_create("region");
    core_env_fixtures(tc);
    tcase_add_test(tc, region_default);
    tcase_add_test(tc, region_order);
    tcase_add_test(tc, region_home_config);
    tcase_add_test(tc, region_profiles);
    tcase_add_test(tc, region_named_profile);
    tcase_add_test(tc, region_missing_config_file);
    tcase_add_test(tc, region_malformed_config);
    tcase_add_test(tc, region_invalid);
    suite_add_tcase(s, tc);
    TCase *ep = tcase_create("endpoint");
    core_env_fixtures(ep);
    tcase_add_test(ep, endpoint_regional_default);
    tcase_add_test(ep, endpoint_order);
    tcase_add_test(ep, endpoint_china);
    tcase_add_test(ep, endpoint_configured);
    tcase_add_test(ep, endpoint_configured_bad);
    tcase_add_test(ep, endpoint_bad_input);
    suite_add_tcase(s, ep);
    return core_run(s);
}
