/* credential_process: the command line's words, the JSON it prints, and
 * real processes the tests write (exit statuses, stderr, timeouts, the
 * precedence against keys in the two files). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "awsv2/request.h"
#include "credential_process.h"
#include "harness.h"

static awsv2_credentials *creds;

static void teardown(void)
{
    awsv2_credentials_free(creds);
    creds = NULL;
}

/* ---- words ---------------------------------------------------------------- */

static void check_split(const char *cmd, const char *const *want)
{
    char **argv;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2__command_split(cmd, &argv, &err) == AWSV2_OK, "%s: %s", cmd,
                  err.message);
    size_t i = 0;
    for (; want[i]; i++) {
        ck_assert_ptr_nonnull(argv[i]);
        ck_assert_str_eq(argv[i], want[i]);
    }
    ck_assert_ptr_null(argv[i]);
    free(argv);
}

START_TEST(split_words)
{
    check_split("/opt/bin/creds --username helen",
                (const char *[]){"/opt/bin/creds", "--username", "helen", NULL});
    check_split("  a\tb  ", (const char *[]){"a", "b", NULL});
    /* AWS's rule for spaces: double quotes around the element */
    check_split("\"/opt/my tools/creds\" --name \"Helen Q\"",
                (const char *[]){"/opt/my tools/creds", "--name", "Helen Q", NULL});
    check_split("a'b c'd \"e\\\"f\\\\g\\h\" i\\ j '$HOME' ~",
                (const char *[]){"ab cd", "e\"f\\g\\h", "i j", "$HOME", "~", NULL});
    check_split("x \"\" ''", (const char *[]){"x", "", "", NULL});
}
END_TEST

START_TEST(split_refused)
{
    const char *bad[] = {"", "   ", "a \"b", "a 'b", "\"unterminated\\\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char **argv = (char **)1;
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_int_eq(awsv2__command_split(bad[i], &argv, &err), AWSV2_E_CONFIG);
        ck_assert_ptr_null(argv);
    }
}
END_TEST

/* ---- JSON ------------------------------------------------------------------ */

static awsv2_status parse(const char *json, awsv2_error *err)
{
    awsv2_credentials_free(creds);
    creds = NULL;
    return awsv2__credential_process_parse(json, strlen(json), &creds, err);
}

START_TEST(parse_good)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(parse("{\"Version\": 1, \"AccessKeyId\": \"" TEST_KEY_ID "\", "
                        "\"SecretAccessKey\": \"" TEST_SECRET "\"}\n",
                        &err) == AWSV2_OK,
                  "%s", err.message);
    ck_assert_str_eq(awsv2_credentials_access_key_id(creds), TEST_KEY_ID);
    ck_assert(core_creds_have_secret(creds, TEST_SECRET));
    ck_assert_ptr_null(awsv2_credentials_session_token(creds));
    ck_assert_int_eq(awsv2_credentials_expiration(creds), 0);
    ck_assert_msg(parse("{\"Version\":1,\"AccessKeyId\":\"AKID\",\"SecretAccessKey\":\"s\","
                        "\"SessionToken\":\"tok\",\"Expiration\":\"2099-01-02T03:04:05Z\"}",
                        &err) == AWSV2_OK,
                  "%s", err.message);
    ck_assert_str_eq(awsv2_credentials_session_token(creds), "tok");
    ck_assert_int_eq(awsv2_credentials_expiration(creds), 4071006245); /* date -d ... +%s */
    /* RFC 3339 with fractions and an offset */
    ck_assert_msg(parse("{\"Version\":1,\"AccessKeyId\":\"AKID\",\"SecretAccessKey\":\"s\","
                        "\"Expiration\":\"2099-01-02T05:04:05.123+02:00\"}",
                        &err) == AWSV2_OK,
                  "%s", err.message);
    ck_assert_int_eq(awsv2_credentials_expiration(creds), 4071006245);
    /* An offset without fractions, as Python's datetime.isoformat() prints */
    ck_assert_msg(parse("{\"Version\":1,\"AccessKeyId\":\"AKID\",\"SecretAccessKey\":\"s\","
                        "\"Expiration\":\"2099-01-02T03:04:05+00:00\"}",
                        &err) == AWSV2_OK,
                  "%s", err.message);
    ck_assert_int_eq(awsv2_credentials_expiration(creds), 4071006245);
    ck_assert_msg(parse("{\"Version\":1,\"AccessKeyId\":\"AKID\",\"SecretAccessKey\":\"s\","
                        "\"Expiration\":\"2099-01-01T22:34:05-04:30\"}",
                        &err) == AWSV2_OK,
                  "%s", err.message);
    ck_assert_int_eq(awsv2_credentials_expiration(creds), 4071006245);
}
END_TEST

static void check_bad_json(const char *json, const char *says)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(parse(json, &err), AWSV2_E_CREDENTIALS);
    ck_assert_ptr_null(creds);
    ck_assert_msg(strstr(err.message, says), "'%s' does not say '%s'", err.message, says);
    ck_assert_ptr_null(strstr(err.message, "EXAMPLEKEY"));
}

START_TEST(parse_refused)
{
    check_bad_json("", "one JSON object");
    check_bad_json("not json " TEST_SECRET, "one JSON object");
    check_bad_json("[1]", "one JSON object");
    check_bad_json("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" TEST_SECRET
                   "\"} {}",
                   "one JSON object");
    check_bad_json("{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" TEST_SECRET "\"}", "Version");
    check_bad_json("{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" TEST_SECRET "\"}",
                   "Version");
    check_bad_json("{\"Version\":\"1\",\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"x\"}",
                   "Version");
    check_bad_json("{\"Version\":1,\"SecretAccessKey\":\"" TEST_SECRET "\"}", "AccessKeyId");
    check_bad_json("{\"Version\":1,\"AccessKeyId\":\"A\"}", "SecretAccessKey");
    check_bad_json("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"\"}",
                   "SecretAccessKey");
    check_bad_json("{\"Version\":1,\"AccessKeyId\":7,\"SecretAccessKey\":\"x\"}", "not a string");
    check_bad_json("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" TEST_SECRET
                   "\",\"Expiration\":\"tomorrow\"}",
                   "RFC 3339");
    check_bad_json("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" TEST_SECRET
                   "\",\"Expiration\":\"2099-01-02T03:04:05\"}",
                   "RFC 3339");
    /* an offset is two digits, a colon and two digits */
    check_bad_json("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" TEST_SECRET
                   "\",\"Expiration\":\"2099-01-02T03:04:05+-1:00\"}",
                   "RFC 3339");
    check_bad_json("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" TEST_SECRET
                   "\",\"Expiration\":\"2099-01-02T03:04:05+ 1:00\"}",
                   "RFC 3339");
    check_bad_json("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"" TEST_SECRET
                   "\",\"Expiration\":\"2001-01-02T03:04:05Z\"}",
                   "expired");
}
END_TEST

/* ---- processes ------------------------------------------------------------- */

/* Writes an executable shell script named name with body; returns its path
 * (static storage). */
static const char *script(const char *name, const char *body)
{
    static char path[4200];
    char text[4096];
    snprintf(text, sizeof text, "#!/bin/sh\n%s", body);
    snprintf(path, sizeof path, "%s", core_write(name, text));
    ck_assert_int_eq(chmod(path, 0755), 0);
    return path;
}

/* A config file whose profile p runs command. */
static void config_with_process(const char *command, const char *extra)
{
    char text[16384];
    snprintf(text, sizeof text, "[profile p]\ncredential_process = %s\n%s", command,
             extra ? extra : "");
    setenv("AWS_CONFIG_FILE", core_write("config", text), 1);
}

static const char good_json[] =
    "printf '{\"Version\": 1, \"AccessKeyId\": \"" TEST_KEY_ID "\", "
    "\"SecretAccessKey\": \"" TEST_SECRET "\", \"SessionToken\": \"proctoken\", "
    "\"Expiration\": \"2099-01-02T03:04:05Z\"}'\n";

START_TEST(process_credentials)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    char cmd[8192];
    const char *path = script("my creds", good_json);
    snprintf(cmd, sizeof cmd, "\"%s\" --user helen", path);
    config_with_process(cmd, NULL);
    ck_assert_msg(awsv2_credentials_load(&creds, "p", 0, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_str_eq(awsv2_credentials_access_key_id(creds), TEST_KEY_ID);
    ck_assert(core_creds_have_secret(creds, TEST_SECRET));
    ck_assert_str_eq(awsv2_credentials_session_token(creds), "proctoken");
    ck_assert_int_eq(awsv2_credentials_expiration(creds), 4071006245);
}
END_TEST

/* The words arrive as the command line quoted them, no shell between. */
START_TEST(process_arguments)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    char cmd[8192], body[8192], want[8192];
    char *got = NULL;
    size_t len = 0;
    snprintf(body, sizeof body, "for a in \"$@\"; do printf '%%s|' \"$a\"; done > '%s/args'\n%s",
             core_env_dir(), good_json);
    snprintf(cmd, sizeof cmd, "%s \"two words\" 'it''s' $HOME ~ a\\;b '*'",
             script("creds", body));
    config_with_process(cmd, NULL);
    ck_assert_msg(awsv2_credentials_load(&creds, "p", 0, &err) == AWSV2_OK, "%s", err.message);
    snprintf(want, sizeof want, "%s/args", core_env_dir());
    FILE *f = fopen(want, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_gt(getline(&got, &len, f), 0);
    fclose(f);
    ck_assert_str_eq(got, "two words|its|$HOME|~|a;b|*|");
    free(got);
}
END_TEST

/* The process gets stdin, stdout and stderr, nothing more: a descriptor
 * the program holds without FD_CLOEXEC (as libcurl holds its connections,
 * to the signing daemon among them, while a client refreshes) stays here. */
START_TEST(process_fds)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    char cmd[8192], body[4096];
    snprintf(body, sizeof body,
             "for fd in %d %d; do\n"
             "    if [ -e /proc/$$/fd/$fd ]; then echo \"fd $fd leaked\" >&2; exit 7; fi\n"
             "done\n%s",
             sv[0], sv[1], good_json);
    snprintf(cmd, sizeof cmd, "%s", script("fds", body));
    config_with_process(cmd, NULL);
    ck_assert_msg(awsv2_credentials_load(&creds, "p", 0, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_str_eq(awsv2_credentials_access_key_id(creds), TEST_KEY_ID);
    /* still ours */
    ck_assert_int_ne(fcntl(sv[0], F_GETFD), -1);
    close(sv[0]);
    close(sv[1]);
}
END_TEST

/* The process starts with no signal blocked or ignored, whatever the
 * program does with its own (awsv2-hsmd blocks SIGTERM and SIGINT, and
 * ignores SIGPIPE, when it loads credentials). */
START_TEST(process_signals)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    ck_assert_int_eq(sigprocmask(SIG_BLOCK, &block, &old), 0);
    void (*was)(int) = signal(SIGPIPE, SIG_IGN);
    char body[4096];
    snprintf(body, sizeof body,
             /* sed's own status: what a program the process runs inherits */
             "blk=$(sed -n 's/^SigBlk:[[:space:]]*//p' /proc/self/status)\n"
             "ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/self/status)\n"
             "[ $((0x$blk & 0x4002)) = 0 ] || exit 8 # SIGTERM, SIGINT\n"
             "[ $((0x$ign & 0x1000)) = 0 ] || exit 9 # SIGPIPE\n%s",
             good_json);
    config_with_process(script("signals", body), NULL);
    awsv2_status st = awsv2_credentials_load(&creds, "p", 0, &err);
    signal(SIGPIPE, was);
    sigprocmask(SIG_SETMASK, &old, NULL);
    ck_assert_msg(st == AWSV2_OK, "%s", err.message);
    ck_assert_str_eq(awsv2_credentials_access_key_id(creds), TEST_KEY_ID);
}
END_TEST

/* Reads what the test's stderr got while fn ran, into out. */
static awsv2_status load_capturing_stderr(const char *profile, char *out, size_t cap,
                                          awsv2_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/stderr", core_env_dir());
    fflush(stderr);
    int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    dup2(fd, 2);
    close(fd);
    awsv2_status st = awsv2_credentials_load(&creds, profile, 0, err);
    dup2(saved, 2);
    close(saved);
    FILE *f = fopen(path, "r");
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = '\0';
    fclose(f);
    return st;
}

START_TEST(process_failures)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    char said[1024];
    config_with_process(script("fails", "echo 'creds: MFA token expired' >&2\nexit 3\n"), NULL);
    ck_assert_int_eq(load_capturing_stderr("p", said, sizeof said, &err), AWSV2_E_CREDENTIALS);
    ck_assert_ptr_null(creds);
    ck_assert_msg(strstr(err.message, "exited with status 3"), "%s", err.message);
    ck_assert_str_eq(said, "creds: MFA token expired\n"); /* passed through */

    config_with_process(script("killed", "kill -TERM $$\n"), NULL);
    ck_assert_int_eq(awsv2_credentials_load(&creds, "p", 0, &err), AWSV2_E_CREDENTIALS);
    ck_assert_msg(strstr(err.message, "signal 15"), "%s", err.message);

    config_with_process(script("v2", "echo '{\"Version\": 2}'\n"), NULL);
    ck_assert_int_eq(awsv2_credentials_load(&creds, "p", 0, &err), AWSV2_E_CREDENTIALS);
    ck_assert_msg(strstr(err.message, "Version") && strstr(err.message, "v2"), "%s",
                  err.message);

    config_with_process(script("garbage", "echo " TEST_SECRET "\n"), NULL);
    ck_assert_int_eq(awsv2_credentials_load(&creds, "p", 0, &err), AWSV2_E_CREDENTIALS);
    ck_assert_msg(strstr(err.message, "JSON"), "%s", err.message);
    ck_assert_ptr_null(strstr(err.message, TEST_SECRET));

    config_with_process("/nonexistent/creds-tool", NULL);
    ck_assert_int_eq(awsv2_credentials_load(&creds, "p", 0, &err), AWSV2_E_CREDENTIALS);
    ck_assert_msg(strstr(err.message, "cannot run '/nonexistent/creds-tool'"), "%s",
                  err.message);

    config_with_process("\"unterminated", NULL);
    ck_assert_int_eq(awsv2_credentials_load(&creds, "p", 0, &err), AWSV2_E_CONFIG);

    setenv("AWS_CONFIG_FILE", core_write("config", "[profile p]\ncredential_process =\n"), 1);
    ck_assert_int_eq(awsv2_credentials_load(&creds, "p", 0, &err), AWSV2_E_CONFIG);
    ck_assert_msg(strstr(err.message, ":2:"), "%s", err.message);
}
END_TEST

/* A process that never finishes is killed at the timeout: a clear error,
 * no hang. Its child holding stdout open does not keep us either. */
START_TEST(process_timeout)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    struct timespec t0, t1;
    setenv("AWSV2_CREDENTIAL_PROCESS_TIMEOUT_MS", "300", 1);
    config_with_process(script("slow", "exec sleep 60\n"), NULL);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(awsv2_credentials_load(&creds, "p", 0, &err), AWSV2_E_CREDENTIALS);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert_msg(strstr(err.message, "did not finish within 300 ms"), "%s", err.message);
    ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 20);
    setenv("AWSV2_CREDENTIAL_PROCESS_TIMEOUT_MS", "soon", 1);
    ck_assert_int_eq(awsv2_credentials_load(&creds, "p", 0, &err), AWSV2_E_CONFIG);
    ck_assert_msg(strstr(err.message, "AWSV2_CREDENTIAL_PROCESS_TIMEOUT_MS"), "%s", err.message);
    setenv("AWSV2_CREDENTIAL_PROCESS_TIMEOUT_MS", "300", 1);
    /* output, then a stall with stdout held open by a grandchild */
    char body[4400], pidfile[4300];
    snprintf(pidfile, sizeof pidfile, "%s/grandchild", core_env_dir());
    snprintf(body, sizeof body, "printf '{\"Version\": 1,'\nsleep 60 &\necho $! > '%s'\n"
             "exec sleep 60\n", pidfile);
    config_with_process(script("stall", body), NULL);
    ck_assert_int_eq(awsv2_credentials_load(&creds, "p", 0, &err), AWSV2_E_CREDENTIALS);
    ck_assert_msg(strstr(err.message, "did not finish"), "%s", err.message);
    FILE *f = fopen(pidfile, "r");
    int pid = 0;
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fscanf(f, "%d", &pid), 1);
    fclose(f);
    kill(pid, SIGKILL); /* the test's own leftover, not the library's */
}
END_TEST

/* Order within a profile: the credentials file's keys, credential_process,
 * the config file's keys; and the environment only without --profile. */
START_TEST(process_precedence)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    config_with_process(script("creds", good_json), "aws_access_key_id = AKIDCONF\n"
                                                    "aws_secret_access_key = confsecret\n");
    ck_assert_msg(awsv2_credentials_load(&creds, "p", 0, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_str_eq(awsv2_credentials_access_key_id(creds), TEST_KEY_ID);
    awsv2_credentials_free(creds);
    setenv("AWS_SHARED_CREDENTIALS_FILE",
           core_write("credentials", "[p]\naws_access_key_id = AKIDFILE\n"
                                     "aws_secret_access_key = filesecret\n"),
           1);
    ck_assert_msg(awsv2_credentials_load(&creds, "p", 0, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_str_eq(awsv2_credentials_access_key_id(creds), "AKIDFILE");
    ck_assert(core_creds_have_secret(creds, "filesecret"));
    awsv2_credentials_free(creds);
    unsetenv("AWS_SHARED_CREDENTIALS_FILE");
    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
    setenv("AWS_PROFILE", "p", 1);
    ck_assert_msg(awsv2_credentials_load(&creds, NULL, 0, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_str_eq(awsv2_credentials_access_key_id(creds), "AKIDENV");
    awsv2_credentials_free(creds);
    ck_assert_msg(awsv2_credentials_load(&creds, "p", 0, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_str_eq(awsv2_credentials_access_key_id(creds), TEST_KEY_ID);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("credential_process");
    TCase *words = tcase_create("words");
    tcase_add_test(words, split_words);
    tcase_add_test(words, split_refused);
    suite_add_tcase(s, words);
    TCase *json = tcase_create("json");
    tcase_add_checked_fixture(json, NULL, teardown);
    tcase_add_test(json, parse_good);
    tcase_add_test(json, parse_refused);
    suite_add_tcase(s, json);
    TCase *proc = tcase_create("process");
    core_env_fixtures(proc);
    tcase_add_checked_fixture(proc, NULL, teardown);
    tcase_set_timeout(proc, 60);
    tcase_add_test(proc, process_credentials);
    tcase_add_test(proc, process_arguments);
    tcase_add_test(proc, process_fds);
    tcase_add_test(proc, process_signals);
    tcase_add_test(proc, process_failures);
    tcase_add_test(proc, process_timeout);
    tcase_add_test(proc, process_precedence);
    suite_add_tcase(s, proc);
    return core_run(s);
}
