/* Helpers of the core suites (see harness.h). */
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../common/check_run.h"
#include "harness.h"

int core_run(Suite *s)
{
    return check_run(s);
}

char *core_srcdir_path(const char *rel)
{
    const char *top = getenv("top_srcdir");
    size_t n = strlen(top ? top : ".") + strlen(rel) + 2;
    char *path = malloc(n);
    if (!path) /* may run outside a test: no ck_assert */
        abort();
    snprintf(path, n, "%s/%s", top ? top : ".", rel);
    return path;
}

static char env_dir[4096];

/* Everything the library reads from the environment. */
static const char *const aws_vars[] = {
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
    "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_REGION", "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_SQS", "AWSV2_SIGNER",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS",
    "AWSV2_CREDENTIAL_PROCESS_TIMEOUT_MS",
};

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    return ftw->level == 0 ? 0 : remove(path); /* the directory itself stays */
}

/* Unchecked: runs in the parent, where ck_assert cannot report. */
static void env_create(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(env_dir, sizeof env_dir, "%s/awsv2-core-XXXXXX", tmp && *tmp ? tmp : P_tmpdir);
    if (!mkdtemp(env_dir)) {
        perror("mkdtemp");
        exit(EXIT_FAILURE);
    }
}

static void env_destroy(void)
{
    nftw(env_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    rmdir(env_dir);
    env_dir[0] = '\0';
}

void core_env_reset(void)
{
    ck_assert_int_eq(nftw(env_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
    for (size_t i = 0; i < sizeof aws_vars / sizeof aws_vars[0]; i++)
        unsetenv(aws_vars[i]);
    setenv("HOME", env_dir, 1);
}

void core_env_fixtures(TCase *tc)
{
    tcase_add_unchecked_fixture(tc, env_create, env_destroy);
    tcase_add_checked_fixture(tc, core_env_reset, NULL);
}

const char *core_env_dir(void)
{
    return env_dir;
}

const char *core_write(const char *name, const char *text)
{
    static char path[4200];
    if (strncmp(name, ".aws/", 5) == 0) {
        snprintf(path, sizeof path, "%s/.aws", env_dir);
        mkdir(path, 0700);
    }
    snprintf(path, sizeof path, "%s/%s", env_dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot create %s", path);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
    return path;
}

size_t core_hmac(awsv2_hash hash, const char *key, const char *msg, size_t len,
                 uint8_t mac[AWSV2_MAC_MAX])
{
    unsigned int n = 0;
    const EVP_MD *md = hash == AWSV2_HMAC_SHA1 ? EVP_sha1() : EVP_sha256();
    ck_assert_ptr_nonnull(HMAC(md, key, (int)strlen(key), (const unsigned char *)msg, len, mac,
                               &n));
    return n;
}

int core_creds_have_secret(const awsv2_credentials *creds, const char *secret)
{
    char sts[256];
    awsv2_signer *signer;
    awsv2_error err = AWSV2_ERROR_INIT;
    uint8_t got[AWSV2_MAC_MAX], want[AWSV2_MAC_MAX];
    size_t got_len = 0;
    /* The openssl signer signs only for its own key id. */
    int n = snprintf(sts, sizeof sts, "GET\nexample.com\n/\nAWSAccessKeyId=%s&Action=Probe",
                     awsv2_credentials_access_key_id(creds));
    if (n < 0 || (size_t)n >= sizeof sts || awsv2_signer_open(&signer, "openssl", creds, &err))
        return 0;
    awsv2_status st = awsv2_signer_sign(signer, AWSV2_HMAC_SHA256, sts, (size_t)n, got,
                                        &got_len, &err);
    awsv2_signer_close(signer);
    size_t want_len = core_hmac(AWSV2_HMAC_SHA256, secret, sts, (size_t)n, want);
    return st == AWSV2_OK && got_len == want_len && memcmp(got, want, want_len) == 0;
}
