/* No secret is left in freed memory by the readers of credentials and
 * token files (issue 10, finding 4). This program is linked with
 * -Wl,--wrap for malloc, calloc, realloc, free and fopen (tests/local.mk),
 * so every call the library's code makes to them comes here first:
 *   - every block handed out is zeroed to its usable end, so that what a
 *     block holds when freed was written while it was ours;
 *   - every block freed, or given to realloc (which may move it and free
 *     the old block unwiped), is searched for the secrets;
 *   - a secret file opened through stdio counts as a leak too: stdio's
 *     buffers (and the FILE's own one-byte buffer when unbuffered) are
 *     freed inside libc, unwiped and out of our reach.
 * It works the same under AddressSanitizer (whose malloc_usable_size is
 * the size asked for). The files are written here with write(2), not
 * stdio, so that the test leaves no copy of its own. */
#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "awsv2/util.h"
#include "harness.h"

#define SESSION_TOKEN "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"
#define BEARER_TOKEN "hsmd-bearer-EXAMPLE-0123456789abcdef"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
FILE *__real_fopen(const char *path, const char *mode);

static const char *const secrets[] = {TEST_SECRET, SESSION_TOKEN, BEARER_TOKEN};
static int leaks;           /* blocks freed or reallocated with a secret in them */
static int stdio_opens;     /* secret files opened through stdio */
static int watching;        /* count fopen only around the library's calls */

static int holds(const char *p, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (p[i] == s[0] && memcmp(p + i, s, k) == 0)
            return 1;
    return 0;
}

static void search(const void *p)
{
    size_t n = malloc_usable_size((void *)p);
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
        leaks += holds(p, n, secrets[i]);
}

void *__wrap_malloc(size_t n)
{
    void *p = __real_malloc(n);
    if (p)
        memset(p, 0, malloc_usable_size(p));
    return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
    void *p = __real_calloc(n, size);
    if (p)
        memset(p, 0, malloc_usable_size(p));
    return p;
}

/* As a move, so that the new block is zeroed like any other. */
void *__wrap_realloc(void *p, size_t n)
{
    if (!p)
        return __wrap_malloc(n);
    size_t old = malloc_usable_size(p);
    search(p);
    void *q = __wrap_malloc(n ? n : 1);
    if (!q)
        return NULL;
    memcpy(q, p, old < n ? old : n);
    __real_free(p);
    return q;
}

void __wrap_free(void *p)
{
    if (p)
        search(p);
    __real_free(p);
}

FILE *__wrap_fopen(const char *path, const char *mode)
{
    if (watching)
        stdio_opens++;
    return __real_fopen(path, mode);
}

/* text into a new file of the scratch directory, mode 0600; its path. */
static const char *write_file(const char *name, const char *text, size_t len)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/%s", core_env_dir(), name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    ck_assert_int_eq(close(fd), 0);
    return path;
}

/* A credentials file with every secret in its first lines, padded with
 * comments to `size` bytes (size < sizeof of buf) (8 KiB and more made the old reader's buffer
 * grow by realloc, leaving the first block unwiped). */
static size_t credentials_text(char *buf, size_t size)
{
    int n = snprintf(buf, size,
                     "[default]\naws_access_key_id = " TEST_KEY_ID "\n"
                     "aws_secret_access_key = " TEST_SECRET "\n"
                     "aws_session_token = " SESSION_TOKEN "\n");
    size_t len = (size_t)n;
    static const char pad[] = "# padding padding padding padding padding padding padding\n";
    while (len + sizeof pad < size) {
        memcpy(buf + len, pad, sizeof pad - 1);
        len += sizeof pad - 1;
    }
    if (size - len >= 2) { /* one last comment, to exactly size bytes */
        memset(buf + len, '#', size - len - 1);
        len = size;
        buf[len - 1] = '\n';
    }
    return len;
}

static void expect_no_leak(const char *what)
{
    ck_assert_msg(stdio_opens == 0, "%s: a secret file was read through stdio", what);
    ck_assert_msg(leaks == 0, "%s: %d freed block(s) still held a secret", what, leaks);
}

static void load_and_free(const char *path)
{
    awsv2_credentials *creds = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    watching = 1;
    awsv2_status st = awsv2_credentials_load_file(&creds, path, NULL, &err);
    watching = 0;
    ck_assert_msg(st == AWSV2_OK, "%s", err.message);
    ck_assert(core_creds_have_secret(creds, TEST_SECRET));
    ck_assert_str_eq(awsv2_credentials_session_token(creds), SESSION_TOKEN);
    awsv2_credentials_free(creds);
}

/* The control: the wrappers do see a secret left in a freed block. */
START_TEST(wrappers_see_a_leak)
{
    /* through pointers, which the compiler cannot fold away; the linker
     * still routes them to the wrappers, as it does the library's calls */
    void *(*volatile alloc)(size_t) = malloc;
    void *(*volatile move)(void *, size_t) = realloc;
    void (*volatile release)(void *) = free;
    char *p = alloc(64);
    strcpy(p, TEST_SECRET);
    release(p);
    ck_assert_int_eq(leaks, 1);
    p = alloc(64);
    strcpy(p, TEST_SECRET);
    p = move(p, 1 << 16);
    ck_assert_int_eq(leaks, 2);
    memset(p, 0, 64);
    release(p);
    ck_assert_int_eq(leaks, 2);
}
END_TEST

START_TEST(credentials_files_of_every_size)
{
    static char text[40000];
    const size_t sizes[] = {200, 4095, 4097, 8191, 8192, 8193, 20000, sizeof text - 1};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t len = credentials_text(text, sizes[i]);
        load_and_free(write_file("credentials", text, len));
        char what[64];
        snprintf(what, sizeof what, "a credentials file of %zu bytes", len);
        expect_no_leak(what);
    }
}
END_TEST

/* Read from a pipe, the buffer cannot be sized from the file: it grows. */
START_TEST(credentials_from_a_pipe)
{
    static char text[40000];
    size_t len = credentials_text(text, sizeof text);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    /* Linux's pipes hold 64 KiB: all of it goes in before anyone reads */
    ck_assert_int_eq(write(fds[1], text, len), (ssize_t)len);
    close(fds[1]);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    load_and_free(path);
    close(fds[0]);
    expect_no_leak("a credentials file read from a pipe");
}
END_TEST

START_TEST(credentials_chain)
{
    static char text[20000];
    size_t len = credentials_text(text, sizeof text);
    setenv("AWS_SHARED_CREDENTIALS_FILE", write_file("credentials", text, len), 1);
    awsv2_credentials *creds = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    watching = 1;
    awsv2_status st = awsv2_credentials_load(&creds, NULL, 0, &err);
    watching = 0;
    ck_assert_msg(st == AWSV2_OK, "%s", err.message);
    awsv2_credentials_free(creds);
    expect_no_leak("awsv2_credentials_load");
}
END_TEST

/* credential_process: the output buffer, the command's words and the
 * credentials are the library's blocks and are watched here; json-c's own
 * (a shared library's calls are not wrapped) are wiped by the library too
 * but not observed by this test (docs/configuration.md). */
START_TEST(credential_process_output)
{
    static const char script[] =
        "#!/bin/sh\nprintf '{\"Version\": 1, \"AccessKeyId\": \"" TEST_KEY_ID "\", "
        "\"SecretAccessKey\": \"" TEST_SECRET "\", \"SessionToken\": \"" SESSION_TOKEN "\"}'\n";
    char path[4300], config[4400];
    snprintf(path, sizeof path, "%s", write_file("creds", script, sizeof script - 1));
    ck_assert_int_eq(chmod(path, 0700), 0);
    int n = snprintf(config, sizeof config, "[default]\ncredential_process = %s\n", path);
    setenv("AWS_CONFIG_FILE", write_file("config", config, (size_t)n), 1);
    awsv2_credentials *creds = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    watching = 1;
    awsv2_status st = awsv2_credentials_load(&creds, NULL, 0, &err);
    watching = 0;
    ck_assert_msg(st == AWSV2_OK, "%s", err.message);
    ck_assert_str_eq(awsv2_credentials_session_token(creds), SESSION_TOKEN);
    awsv2_credentials_free(creds);
    expect_no_leak("credential_process");
}
END_TEST

START_TEST(token_files)
{
    const char *path = write_file("token", BEARER_TOKEN "\nmore\n", strlen(BEARER_TOKEN) + 6);
    char buf[AWSV2_TOKEN_SIZE];
    size_t len;
    awsv2_error err = AWSV2_ERROR_INIT;
    watching = 1;
    awsv2_status st = awsv2_token_file_read(path, buf, sizeof buf, &len, &err);
    watching = 0;
    ck_assert_msg(st == AWSV2_OK, "%s", err.message);
    ck_assert_str_eq(buf, BEARER_TOKEN);
    memset(buf, 0, sizeof buf);
    expect_no_leak("awsv2_token_file_read");
}
END_TEST

/* awsv2-hsmd's TLS key: read whole, released wiped. */
START_TEST(private_files)
{
    static char text[20000];
    size_t n = credentials_text(text, sizeof text); /* stands for a PEM key */
    const char *path = write_file("key.pem", text, n);
    char *data = NULL;
    size_t len = 0;
    awsv2_error err = AWSV2_ERROR_INIT;
    watching = 1;
    awsv2_status st = awsv2_private_file_read(path, 65536, &data, &len, &err);
    ck_assert_msg(st == AWSV2_OK, "%s", err.message);
    ck_assert_uint_eq(len, n);
    ck_assert(memcmp(data, text, n) == 0);
    awsv2_private_file_free(data, len);
    watching = 0;
    expect_no_leak("awsv2_private_file_read");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("secret_memory");
    TCase *t = tcase_create("readers");
    core_env_fixtures(t);
    tcase_add_test(t, wrappers_see_a_leak);
    tcase_add_test(t, credentials_files_of_every_size);
    tcase_add_test(t, credentials_from_a_pipe);
    tcase_add_test(t, credentials_chain);
    tcase_add_test(t, credential_process_output);
    tcase_add_test(t, token_files);
    tcase_add_test(t, private_files);
    suite_add_tcase(s, t);
    return core_run(s);
}
