/* Credentials: explicit, from the environment, and from shared credentials
 * files (profiles, comments, whitespace, CRLF, nesting, malformed lines). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static awsv2_credentials *creds;

static void teardown(void)
{
    awsv2_credentials_free(creds);
    creds = NULL;
}

static const char two_profiles[] =
    "# AWS credentials\n"
    "[default]\n"
    "aws_access_key_id = " TEST_KEY_ID "\n"
    "aws_secret_access_key = " TEST_SECRET "\n"
    "\n"
    "[dev]\n"
    "aws_access_key_id=AKIDDEV\n"
    "aws_secret_access_key=devsecret\n"
    "aws_session_token=devtoken\n";

static void check_creds(const char *id, const char *secret, const char *token)
{
    ck_assert_ptr_nonnull(creds);
    ck_assert_str_eq(awsv2_credentials_access_key_id(creds), id);
    ck_assert_int_eq(awsv2_credentials_has_secret(creds), secret != NULL);
    if (secret)
        ck_assert_msg(core_creds_have_secret(creds, secret), "the secret is not '%s'", secret);
    if (token)
        ck_assert_str_eq(awsv2_credentials_session_token(creds), token);
    else
        ck_assert_ptr_null(awsv2_credentials_session_token(creds));
}

/* load_file of text, expecting success. */
static void load_text(const char *text, const char *profile)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    const char *path = core_write("credentials", text);
    ck_assert_msg(awsv2_credentials_load_file(&creds, path, profile, &err) == AWSV2_OK, "%s",
                  err.message);
}

/* load_file of text, expecting AWSV2_E_CONFIG naming the file and line. */
static void check_bad_line(const char *text, int line)
{
    awsv2_error err = {0};
    char where[64];
    const char *path = core_write("credentials", text);
    ck_assert_int_eq(awsv2_credentials_load_file(&creds, path, NULL, &err), AWSV2_E_CONFIG);
    ck_assert_ptr_null(creds);
    ck_assert_int_eq(err.status, AWSV2_E_CONFIG);
    ck_assert_msg(strstr(err.message, path) != NULL, "'%s' does not name the file", err.message);
    snprintf(where, sizeof where, ":%d:", line);
    ck_assert_msg(strstr(err.message, where) != NULL, "'%s' does not name line %d", err.message,
                  line);
    ck_assert_ptr_null(strstr(err.message, TEST_SECRET));
}

/* ---- explicit ------------------------------------------------------------ */

START_TEST(explicit_values)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_credentials_new(&creds, TEST_KEY_ID, TEST_SECRET, "tok", &err),
                     AWSV2_OK);
    check_creds(TEST_KEY_ID, TEST_SECRET, "tok");
    awsv2_credentials_free(creds);
    ck_assert_int_eq(awsv2_credentials_new(&creds, TEST_KEY_ID, NULL, NULL, &err), AWSV2_OK);
    check_creds(TEST_KEY_ID, NULL, NULL);
    awsv2_credentials_free(creds);
    ck_assert_int_eq(awsv2_credentials_new(&creds, NULL, NULL, NULL, &err), AWSV2_OK);
    ck_assert_ptr_null(awsv2_credentials_access_key_id(creds));
    ck_assert_int_eq(awsv2_credentials_has_secret(creds), 0);
    awsv2_credentials_free(creds);
    creds = NULL;
    ck_assert_int_eq(awsv2_credentials_new(&creds, NULL, TEST_SECRET, NULL, &err),
                     AWSV2_E_CREDENTIALS);
    ck_assert_ptr_null(creds);
    ck_assert_ptr_null(strstr(err.message, TEST_SECRET));
    awsv2_credentials_free(NULL);
}
END_TEST

/* ---- files ---------------------------------------------------------------- */

START_TEST(profiles)
{
    load_text(two_profiles, NULL);
    check_creds(TEST_KEY_ID, TEST_SECRET, NULL);
    awsv2_credentials_free(creds);
    load_text(two_profiles, "default");
    check_creds(TEST_KEY_ID, TEST_SECRET, NULL);
    awsv2_credentials_free(creds);
    load_text(two_profiles, "dev");
    check_creds("AKIDDEV", "devsecret", "devtoken");
}
END_TEST

START_TEST(comments_and_whitespace)
{
    load_text("; a comment\n"
              "   # an indented comment\n"
              "\n"
              "[ dev ]  \n"
              "\taws_access_key_id\t=\tAKIDTAB  \n"
              "  aws_secret_access_key   =   s3cr=et  \n"
              "\n"
              "   \n",
              "dev");
    check_creds("AKIDTAB", "s3cr=et", NULL);
}
END_TEST

START_TEST(crlf_line_endings)
{
    load_text("[default]\r\n"
              "aws_access_key_id = " TEST_KEY_ID "\r\n"
              "aws_secret_access_key = " TEST_SECRET "\r\n"
              "aws_session_token = tok\r\n",
              NULL);
    check_creds(TEST_KEY_ID, TEST_SECRET, "tok");
}
END_TEST

/* '#' and ';' start a comment only at the start of a line. */
START_TEST(comment_characters_inside_values)
{
    load_text("[default]\naws_access_key_id = AKID#1\naws_secret_access_key = a#b;c\n", NULL);
    check_creds("AKID#1", "a#b;c", NULL);
}
END_TEST

START_TEST(no_final_newline)
{
    load_text("[default]\naws_access_key_id = AKID\naws_secret_access_key = last", NULL);
    check_creds("AKID", "last", NULL);
}
END_TEST

/* Another profile's values never leak into the one asked for. */
START_TEST(sections_do_not_mix)
{
    load_text("[dev]\naws_secret_access_key = devsecret\naws_access_key_id = AKIDDEV\n"
              "[default]\naws_access_key_id = AKIDDEF\n"
              "[other]\naws_secret_access_key = othersecret\n",
              NULL);
    check_creds("AKIDDEF", NULL, NULL);
}
END_TEST

/* An indented block after "key =" holds nested settings (s3 = ...): they
 * are not the profile's own, as in the AWS CLI. */
START_TEST(nested_settings_skipped)
{
    load_text("[default]\n"
              "aws_access_key_id = AKID\n"
              "s3 =\n"
              "    max_concurrent_requests = 10\n"
              "    aws_secret_access_key = nested\n"
              "aws_secret_access_key = real\n",
              NULL);
    check_creds("AKID", "real", NULL);
    awsv2_credentials_free(creds);
    load_text("[default]\n"
              "aws_access_key_id = AKID\n"
              "s3 =\n"
              "  aws_secret_access_key = nested\n",
              NULL);
    check_creds("AKID", NULL, NULL);
}
END_TEST

/* A line of a nested block without '=' is malformed, as the AWS CLI has it. */
START_TEST(nested_line_without_equals_refused)
{
    check_bad_line("[default]\n"
                   "aws_access_key_id = AKID\n"
                   "s3 =\n"
                   "    max_concurrent_requests = 10\n"
                   "    not a setting\n",
                   5);
}
END_TEST

START_TEST(missing_keys)
{
    load_text("[default]\naws_access_key_id = AKIDONLY\n", NULL);
    check_creds("AKIDONLY", NULL, NULL);
    awsv2_credentials_free(creds);
    creds = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    const char *path = core_write("credentials", "[default]\nregion = us-west-2\n");
    ck_assert_int_ne(awsv2_credentials_load_file(&creds, path, NULL, &err), AWSV2_OK);
    ck_assert_ptr_null(creds);
    ck_assert_ptr_nonnull(strstr(err.message, path));
    path = core_write("credentials", "[default]\naws_secret_access_key = " TEST_SECRET "\n");
    ck_assert_int_ne(awsv2_credentials_load_file(&creds, path, NULL, &err), AWSV2_OK);
    ck_assert_ptr_null(creds);
    ck_assert_ptr_nonnull(strstr(err.message, path));
    ck_assert_ptr_null(strstr(err.message, TEST_SECRET));
}
END_TEST

START_TEST(bad_lines)
{
    check_bad_line("[default]\naws_access_key_id = AKID\nthis is not a setting\n", 3);
    check_bad_line("[default\naws_access_key_id = AKID\n", 1);
    check_bad_line("[default]\n[]\n", 2);
    check_bad_line("[default]\n\n\n= value\n", 4);
    check_bad_line("[default]\r\naws_access_key_id = AKID\r\nbad\r\n", 3);
    /* a secret pasted on its own line is not repeated in the message */
    check_bad_line("[default]\naws_access_key_id = AKID\n" TEST_SECRET "\n", 3);
}
END_TEST

/* "key =" with nothing after it is a mistake, not "no key": taken as
 * absent, "aws_access_key_id =" loaded credentials without a key id
 * (issue 10, finding 9). In the profile asked for only. */
START_TEST(empty_values_refused)
{
    check_bad_line("[default]\naws_access_key_id =\n", 2);
    check_bad_line("[default]\naws_access_key_id =   \naws_secret_access_key = " TEST_SECRET "\n",
                   2);
    check_bad_line("[default]\naws_access_key_id = " TEST_KEY_ID "\n\naws_secret_access_key =\n",
                   4);
    check_bad_line("[default]\r\naws_access_key_id = " TEST_KEY_ID
                   "\r\naws_secret_access_key = " TEST_SECRET "\r\naws_session_token =\r\n",
                   4);
    awsv2_error err = {0};
    const char *path = core_write("credentials", "[default]\naws_access_key_id =\n");
    ck_assert_int_eq(awsv2_credentials_load_file(&creds, path, NULL, &err), AWSV2_E_CONFIG);
    ck_assert_ptr_nonnull(strstr(err.message, "aws_access_key_id"));
    /* the chain reads files the same way */
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    ck_assert_int_eq(awsv2_credentials_load(&creds, NULL, AWSV2_CREDENTIALS_SECRET_OPTIONAL, &err),
                     AWSV2_E_CONFIG);
    ck_assert_ptr_null(creds);
    ck_assert_ptr_nonnull(strstr(err.message, ":2:"));
    /* another profile's empty value is not this one's business */
    load_text("[dev]\naws_access_key_id =\n[default]\naws_access_key_id = AKID\n", NULL);
    check_creds("AKID", NULL, NULL);
}
END_TEST

/* ~/.aws/credentials may be a symbolic link (dotfile managers make them),
 * as the AWS CLI allows: followed (docs/secrets.md). */
START_TEST(credentials_file_symlink_followed)
{
    char link[4200];
    const char *target = core_write("real-credentials", two_profiles);
    snprintf(link, sizeof link, "%s/credentials", core_env_dir());
    ck_assert_int_eq(symlink(target, link), 0);
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_credentials_load_file(&creds, link, NULL, &err) == AWSV2_OK, "%s",
                  err.message);
    check_creds(TEST_KEY_ID, TEST_SECRET, NULL);
}
END_TEST

/* The config file's region too: "region =" (or one too long to hold) is
 * an error naming the line, not the default us-east-1. */
START_TEST(config_empty_region_refused)
{
    char out[64], longer[400];
    awsv2_error err = AWSV2_ERROR_INIT;
    const char *path = core_write("config", "[default]\nregion =\n");
    setenv("AWS_CONFIG_FILE", path, 1);
    ck_assert_int_eq(awsv2_region_resolve(NULL, out, sizeof out, &err), AWSV2_E_CONFIG);
    ck_assert_msg(strstr(err.message, path) && strstr(err.message, ":2:"), "%s", err.message);
    snprintf(longer, sizeof longer, "[default]\nregion = us-east-1%0*d\n", 200, 0);
    core_write("config", longer);
    ck_assert_int_eq(awsv2_region_resolve(NULL, out, sizeof out, &err), AWSV2_E_CONFIG);
    ck_assert_ptr_nonnull(strstr(err.message, ":2:"));
}
END_TEST

START_TEST(setting_before_any_section)
{
    check_bad_line("aws_access_key_id = AKID\n[default]\n", 1);
    check_bad_line("# comment\n\naws_access_key_id = AKID\n", 3);
}
END_TEST

START_TEST(load_file_missing_file_or_profile)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    char path[4200];
    snprintf(path, sizeof path, "%s/absent", core_env_dir());
    ck_assert_int_eq(awsv2_credentials_load_file(&creds, path, NULL, &err), AWSV2_E_CREDENTIALS);
    ck_assert_ptr_null(creds);
    ck_assert_ptr_nonnull(strstr(err.message, path));
    const char *file = core_write("credentials", two_profiles);
    ck_assert_int_eq(awsv2_credentials_load_file(&creds, file, "prod", &err),
                     AWSV2_E_CREDENTIALS);
    ck_assert_ptr_null(creds);
    ck_assert_ptr_nonnull(strstr(err.message, "prod"));
}
END_TEST

/* ---- the chain ------------------------------------------------------------ */

static awsv2_status load(const char *profile, unsigned flags, awsv2_error *err)
{
    awsv2_credentials_free(creds);
    creds = NULL;
    return awsv2_credentials_load(&creds, profile, flags, err);
}

START_TEST(chain_reads_home_file)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    core_write(".aws/credentials", two_profiles);
    ck_assert_int_eq(load(NULL, 0, &err), AWSV2_OK);
    check_creds(TEST_KEY_ID, TEST_SECRET, NULL);
}
END_TEST

START_TEST(chain_shared_credentials_file_variable)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    core_write(".aws/credentials", "[default]\naws_access_key_id = AKIDHOME\n"
                                   "aws_secret_access_key = home\n");
    setenv("AWS_SHARED_CREDENTIALS_FILE", core_write("elsewhere", two_profiles), 1);
    ck_assert_int_eq(load(NULL, 0, &err), AWSV2_OK);
    check_creds(TEST_KEY_ID, TEST_SECRET, NULL);
}
END_TEST

START_TEST(chain_profile_selection)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    setenv("AWS_SHARED_CREDENTIALS_FILE", core_write("credentials", two_profiles), 1);
    setenv("AWS_PROFILE", "dev", 1);
    ck_assert_int_eq(load(NULL, 0, &err), AWSV2_OK);
    check_creds("AKIDDEV", "devsecret", "devtoken");
    ck_assert_int_eq(load("default", 0, &err), AWSV2_OK); /* the argument wins */
    check_creds(TEST_KEY_ID, TEST_SECRET, NULL);
}
END_TEST

/* A profile in neither file is named as such, with both files, whatever
 * names it (AWS_PROFILE or the argument); not as a missing secret. */
START_TEST(chain_missing_profile_named)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    char cred_path[4200], conf_path[4200];
    snprintf(cred_path, sizeof cred_path, "%s", core_write("credentials", two_profiles));
    snprintf(conf_path, sizeof conf_path, "%s", core_write("config", "[profile other]\n"));
    setenv("AWS_SHARED_CREDENTIALS_FILE", cred_path, 1);
    setenv("AWS_CONFIG_FILE", conf_path, 1);
    for (int i = 0; i < 2; i++) {
        if (i == 0)
            setenv("AWS_PROFILE", "nosuch", 1);
        ck_assert_int_eq(load(i ? "nosuch" : NULL, AWSV2_CREDENTIALS_SECRET_OPTIONAL, &err),
                         AWSV2_E_CONFIG);
        ck_assert_ptr_null(creds);
        ck_assert_msg(strstr(err.message, "profile 'nosuch' not found") &&
                          strstr(err.message, cred_path) && strstr(err.message, conf_path) &&
                          !strstr(err.message, "secret"),
                      "%s", err.message);
        unsetenv("AWS_PROFILE");
    }
    /* "default" may be missing: nothing configured is no error there. */
    ck_assert_int_eq(load("default", AWSV2_CREDENTIALS_SECRET_OPTIONAL, &err), AWSV2_OK);
    /* A profile of the config file alone exists. */
    ck_assert_int_eq(load("other", AWSV2_CREDENTIALS_SECRET_OPTIONAL, &err), AWSV2_OK);
}
END_TEST

static const char config_keys[] =
    "[default]\n"
    "aws_access_key_id = AKIDCONFDEFAULT\n"
    "aws_secret_access_key = confdefault\n"
    "[profile dev]\n"
    "aws_access_key_id = AKIDCONFDEV\n"
    "aws_secret_access_key = confdev\n"
    "[profile conf]\n"
    "region = eu-west-1\n"
    "aws_access_key_id = AKIDCONF\n"
    "aws_secret_access_key = confsecret\n"
    "aws_session_token = conftoken\n"
    "[conf]\n" /* not how the config file names a profile */
    "aws_access_key_id = AKIDWRONG\n"
    "aws_secret_access_key = wrong\n";

/* Keys in the config file's profiles, read as the AWS CLI reads them: the
 * credentials file's [NAME] wins over the config file's [profile NAME]. */
START_TEST(chain_config_file_keys)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    setenv("AWS_CONFIG_FILE", core_write("config", config_keys), 1);
    ck_assert_msg(load(NULL, 0, &err) == AWSV2_OK, "%s", err.message);
    check_creds("AKIDCONFDEFAULT", "confdefault", NULL);
    ck_assert_msg(load("conf", 0, &err) == AWSV2_OK, "%s", err.message);
    check_creds("AKIDCONF", "confsecret", "conftoken");
    setenv("AWS_PROFILE", "conf", 1);
    ck_assert_msg(load(NULL, 0, &err) == AWSV2_OK, "%s", err.message);
    check_creds("AKIDCONF", "confsecret", "conftoken");
    /* both files: the credentials file's keys, all of them */
    setenv("AWS_SHARED_CREDENTIALS_FILE", core_write("credentials", two_profiles), 1);
    ck_assert_msg(load("dev", 0, &err) == AWSV2_OK, "%s", err.message);
    check_creds("AKIDDEV", "devsecret", "devtoken");
    ck_assert_msg(load("default", 0, &err) == AWSV2_OK, "%s", err.message);
    check_creds(TEST_KEY_ID, TEST_SECRET, NULL);
    ck_assert_msg(load("conf", 0, &err) == AWSV2_OK, "%s", err.message);
    check_creds("AKIDCONF", "confsecret", "conftoken");
}
END_TEST

/* The environment wins over AWS_PROFILE, but a profile the caller names
 * (--profile) wins over the environment, as in the AWS CLI. */
START_TEST(chain_named_profile_beats_environment)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    setenv("AWS_CONFIG_FILE", core_write("config", config_keys), 1);
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
    setenv("AWS_PROFILE", "conf", 1);
    ck_assert_int_eq(load(NULL, 0, &err), AWSV2_OK);
    check_creds("AKIDENV", "envsecret", NULL);
    ck_assert_msg(load("conf", 0, &err) == AWSV2_OK, "%s", err.message);
    check_creds("AKIDCONF", "confsecret", "conftoken");
}
END_TEST

/* The config file's keys follow the credentials file's rules: set to
 * nothing, or a secret alone, is an error naming the file and line. */
START_TEST(chain_config_file_keys_checked)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    const char *path = core_write("config", "[profile p]\naws_access_key_id =\n");
    setenv("AWS_CONFIG_FILE", path, 1);
    ck_assert_int_eq(load("p", AWSV2_CREDENTIALS_SECRET_OPTIONAL, &err), AWSV2_E_CONFIG);
    ck_assert_msg(strstr(err.message, ":2:") && strstr(err.message, "aws_access_key_id"), "%s",
                  err.message);
    path = core_write("config", "[profile p]\naws_secret_access_key = " TEST_SECRET "\n");
    ck_assert_int_eq(load("p", 0, &err), AWSV2_E_CONFIG);
    ck_assert_ptr_nonnull(strstr(err.message, "no aws_access_key_id"));
    ck_assert_ptr_null(strstr(err.message, TEST_SECRET));
}
END_TEST

START_TEST(chain_environment_wins)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    setenv("AWS_SHARED_CREDENTIALS_FILE", core_write("credentials", two_profiles), 1);
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
    ck_assert_int_eq(load(NULL, 0, &err), AWSV2_OK);
    check_creds("AKIDENV", "envsecret", NULL);
    setenv("AWS_SESSION_TOKEN", "envtoken", 1);
    setenv("AWS_PROFILE", "dev", 1);
    ck_assert_int_eq(load(NULL, 0, &err), AWSV2_OK);
    check_creds("AKIDENV", "envsecret", "envtoken");
}
END_TEST

/* The environment wins as a whole: an id there without a secret is not
 * completed from the file, and is not enough for an in-process signer. */
START_TEST(chain_environment_id_without_secret)
{
    awsv2_error err = {0};
    setenv("AWS_SHARED_CREDENTIALS_FILE", core_write("credentials", two_profiles), 1);
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    ck_assert_int_eq(load(NULL, AWSV2_CREDENTIALS_SECRET_OPTIONAL, &err), AWSV2_OK);
    check_creds("AKIDENV", NULL, NULL);
    ck_assert_int_eq(load(NULL, 0, &err), AWSV2_E_CREDENTIALS);
    ck_assert_ptr_null(creds);
}
END_TEST

/* A missing file is no error; with nothing configured a secret is still
 * required unless the flag says a device keeps it. */
START_TEST(chain_missing_file)
{
    awsv2_error err = {0};
    char path[4200];
    snprintf(path, sizeof path, "%s/absent", core_env_dir());
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    ck_assert_int_eq(load(NULL, 0, &err), AWSV2_E_CREDENTIALS);
    ck_assert_ptr_null(creds);
    ck_assert_int_eq(load(NULL, AWSV2_CREDENTIALS_SECRET_OPTIONAL, &err), AWSV2_OK);
    ck_assert_ptr_nonnull(creds);
    ck_assert_ptr_null(awsv2_credentials_access_key_id(creds));
    ck_assert_int_eq(awsv2_credentials_has_secret(creds), 0);
    unsetenv("AWS_SHARED_CREDENTIALS_FILE"); /* HOME has no .aws at all */
    ck_assert_int_eq(load(NULL, AWSV2_CREDENTIALS_SECRET_OPTIONAL, &err), AWSV2_OK);
}
END_TEST

START_TEST(chain_secret_optional)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    setenv("AWS_SHARED_CREDENTIALS_FILE",
           core_write("credentials", "[default]\naws_access_key_id = AKIDONLY\n"), 1);
    ck_assert_int_eq(load(NULL, 0, &err), AWSV2_E_CREDENTIALS);
    ck_assert_ptr_null(creds);
    ck_assert_int_eq(load(NULL, AWSV2_CREDENTIALS_SECRET_OPTIONAL, &err), AWSV2_OK);
    check_creds("AKIDONLY", NULL, NULL);
}
END_TEST

START_TEST(chain_malformed_file)
{
    awsv2_error err = {0};
    const char *path = core_write("credentials", "[default]\nnot a setting\n");
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    ck_assert_int_eq(load(NULL, AWSV2_CREDENTIALS_SECRET_OPTIONAL, &err), AWSV2_E_CONFIG);
    ck_assert_ptr_null(creds);
    ck_assert_ptr_nonnull(strstr(err.message, ":2:"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("credentials");
    TCase *files = tcase_create("files");
    core_env_fixtures(files);
    tcase_add_checked_fixture(files, NULL, teardown);
    tcase_add_test(files, explicit_values);
    tcase_add_test(files, profiles);
    tcase_add_test(files, comments_and_whitespace);
    tcase_add_test(files, crlf_line_endings);
    tcase_add_test(files, comment_characters_inside_values);
    tcase_add_test(files, no_final_newline);
    tcase_add_test(files, sections_do_not_mix);
    tcase_add_test(files, nested_settings_skipped);
    tcase_add_test(files, nested_line_without_equals_refused);
    tcase_add_test(files, missing_keys);
    tcase_add_test(files, bad_lines);
    tcase_add_test(files, empty_values_refused);
    tcase_add_test(files, credentials_file_symlink_followed);
    tcase_add_test(files, config_empty_region_refused);
    tcase_add_test(files, setting_before_any_section);
    tcase_add_test(files, load_file_missing_file_or_profile);
    suite_add_tcase(s, files);
    TCase *chain = tcase_create("chain");
    core_env_fixtures(chain);
    tcase_add_checked_fixture(chain, NULL, teardown);
    tcase_add_test(chain, chain_reads_home_file);
    tcase_add_test(chain, chain_shared_credentials_file_variable);
    tcase_add_test(chain, chain_profile_selection);
    tcase_add_test(chain, chain_environment_wins);
    tcase_add_test(chain, chain_missing_profile_named);
    tcase_add_test(chain, chain_config_file_keys);
    tcase_add_test(chain, chain_named_profile_beats_environment);
    tcase_add_test(chain, chain_config_file_keys_checked);
    tcase_add_test(chain, chain_environment_id_without_secret);
    tcase_add_test(chain, chain_missing_file);
    tcase_add_test(chain, chain_secret_optional);
    tcase_add_test(chain, chain_malformed_file);
    suite_add_tcase(s, chain);
    return core_run(s);
}
