/* How the files holding secrets are opened (issue 10, finding 11): a token
 * file must be its owner's alone and the file itself, as ssh wants of a
 * private key; the credentials and config files keep following symbolic
 * links, as the AWS CLI does (test_credentials.c). docs/secrets.md. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "awsv2/util.h"
#include "harness.h"

#define TOKEN "0123456789abcdef-token"

/* Writes text to a fresh file of the scratch directory with exactly mode
 * (whatever the umask) and returns its path (static storage). */
static const char *write_mode(const char *name, const char *text, size_t len, mode_t mode)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/%s", core_env_dir(), name);
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    ck_assert_int_eq(fchmod(fd, mode), 0);
    ck_assert_int_eq(close(fd), 0);
    return path;
}

static awsv2_status read_public(const char *path, awsv2_error *err)
{
    char buf[AWSV2_TOKEN_SIZE];
    size_t len = 1;
    awsv2_status st = awsv2_token_file_read(path, buf, sizeof buf, &len, err);
    if (st == AWSV2_OK)
        ck_assert_str_eq(buf, TOKEN);
    else
        ck_assert_uint_eq(len, 0);
    ck_assert_ptr_null(strstr(err->message, TOKEN));
    return st;
}

START_TEST(token_owner_only_modes_accepted)
{
    const mode_t modes[] = {0600, 0400, 0700};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        const char *path = write_mode("token", TOKEN "\n", strlen(TOKEN) + 1, modes[i]);
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_msg(read_public(path, &err) == AWSV2_OK, "mode %o: %s", modes[i],
                      err.message);
    }
}
END_TEST

START_TEST(token_open_to_others_refused)
{
    const mode_t modes[] = {0644, 0640, 0604, 0660, 0602, 0620, 0610, 0601};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        const char *path = write_mode("token", TOKEN "\n", strlen(TOKEN) + 1, modes[i]);
        awsv2_error err = AWSV2_ERROR_INIT;
        char want[4400];
        snprintf(want, sizeof want, "permissions %04o for '%s' are too open", modes[i], path);
        ck_assert_int_eq(read_public(path, &err), AWSV2_E_CONFIG);
        ck_assert_msg(strstr(err.message, want) != NULL, "'%s' lacks \"%s\"", err.message,
                      want);
    }
}
END_TEST

START_TEST(token_symlink_refused)
{
    char link[4200];
    const char *target = write_mode("real-token", TOKEN "\n", strlen(TOKEN) + 1, 0600);
    snprintf(link, sizeof link, "%s/token", core_env_dir());
    ck_assert_int_eq(symlink(target, link), 0);
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(read_public(link, &err), AWSV2_E_CONFIG);
    ck_assert_msg(strstr(err.message, "symbolic link") && strstr(err.message, link), "%s",
                  err.message);
}
END_TEST

/* A FIFO where the token should be is refused at once, not waited on. */
START_TEST(token_fifo_refused_without_hanging)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/token", core_env_dir());
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(read_public(path, &err), AWSV2_E_CONFIG);
    ck_assert_msg(strstr(err.message, "not a regular file") != NULL, "%s", err.message);
}
END_TEST

/* A NUL would cut the token short where the file means a longer one. */
START_TEST(token_with_nul_refused)
{
    static const char text[] = TOKEN "\0rest\n";
    const char *path = write_mode("token", text, sizeof text - 1, 0600);
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(read_public(path, &err), AWSV2_E_CONFIG);
    ck_assert_msg(strstr(err.message, "NUL") != NULL, "%s", err.message);
}
END_TEST

/* The line rules are unchanged: first line, trailing blanks and CR gone,
 * the rest of the file ignored. */
START_TEST(token_first_line_only)
{
    static const char text[] = TOKEN " \t\r\nsecond line\n";
    const char *path = write_mode("token", text, sizeof text - 1, 0600);
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(read_public(path, &err) == AWSV2_OK, "%s", err.message);
    path = write_mode("token", "\n" TOKEN "\n", strlen(TOKEN) + 2, 0600);
    ck_assert_int_eq(read_public(path, &err), AWSV2_E_CONFIG);
    ck_assert_ptr_nonnull(strstr(err.message, "no token"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("secret_files");
    TCase *t = tcase_create("token");
    core_env_fixtures(t);
    tcase_add_test(t, token_owner_only_modes_accepted);
    tcase_add_test(t, token_open_to_others_refused);
    tcase_add_test(t, token_symlink_refused);
    tcase_add_test(t, token_fifo_refused_without_hanging);
    tcase_add_test(t, token_with_nul_refused);
    tcase_add_test(t, token_first_line_only);
    suite_add_tcase(s, t);
    return core_run(s);
}
