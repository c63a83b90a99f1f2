/* Signer specs, the openssl signer, and the checks every signer shares:
 * which strings may be signed, batches, key ids and descriptions. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

#define TEST_TOKEN "FQoGZXIvYXdzEJr//////////wEaDOUPQ+TOKEN"

#define sts_ok_text \
    "GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=" TEST_KEY_ID "&Action=DescribeRegions&Version=2016-11-15"
static const char sts_ok[] = sts_ok_text;

static awsv2_credentials *creds;
static awsv2_signer *signer;

static void setup(void)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_credentials_new(&creds, TEST_KEY_ID, TEST_SECRET, TEST_TOKEN, &err),
                     AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_open(&signer, "openssl", creds, &err), AWSV2_OK);
}

static void teardown(void)
{
    awsv2_signer_close(signer);
    awsv2_credentials_free(creds);
}

/* Signs s with the signer and compares with the independent HMAC. */
static void check_mac(awsv2_hash hash, const char *s, size_t len)
{
    uint8_t mac[AWSV2_MAC_MAX], want[AWSV2_MAC_MAX];
    size_t mac_len = 0;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_signer_sign(signer, hash, s, len, mac, &mac_len, &err), AWSV2_OK);
    size_t want_len = core_hmac(hash, TEST_SECRET, s, len, want);
    ck_assert_uint_eq(mac_len, want_len);
    ck_assert_uint_eq(mac_len, awsv2_hash_size(hash));
    ck_assert_mem_eq(mac, want, want_len);
}

/* ---- specs ------------------------------------------------------------- */

START_TEST(spec_resolve_order)
{
    static const char flag[] = "due:/dev/ttyACM0";
    ck_assert_str_eq(awsv2_signer_spec_resolve(NULL), "openssl");
    setenv("AWSV2_SIGNER", "", 1);
    ck_assert_str_eq(awsv2_signer_spec_resolve(NULL), "openssl");
    setenv("AWSV2_SIGNER", "http://127.0.0.1:8086/sign/aws", 1);
    ck_assert_str_eq(awsv2_signer_spec_resolve(NULL), "http://127.0.0.1:8086/sign/aws");
    ck_assert_ptr_eq(awsv2_signer_spec_resolve(flag), flag);
}
END_TEST

START_TEST(openssl_opens_with_a_secret)
{
    const char *d = awsv2_signer_describe(signer);
    ck_assert_ptr_nonnull(strstr(d, "openssl"));
    ck_assert_ptr_nonnull(strstr(d, TEST_KEY_ID));
    check_mac(AWSV2_HMAC_SHA256, sts_ok, sizeof sts_ok - 1);
    check_mac(AWSV2_HMAC_SHA1, sts_ok, sizeof sts_ok - 1);
}
END_TEST

/* A NULL spec is the environment's, else openssl; a bad one in the
 * environment is an error, not a fallback. */
START_TEST(null_spec_uses_environment)
{
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_signer_open(&s, NULL, creds, &err), AWSV2_OK);
    ck_assert_ptr_nonnull(strstr(awsv2_signer_describe(s), "openssl"));
    awsv2_signer_close(s);
    setenv("AWSV2_SIGNER", "bogus-signer", 1);
    ck_assert_int_eq(awsv2_signer_open(&s, NULL, creds, &err), AWSV2_E_SPEC);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(err.message, "bogus-signer"));
}
END_TEST

START_TEST(openssl_without_secret)
{
    awsv2_credentials *id_only, *nothing;
    awsv2_signer *s = (awsv2_signer *)1; /* a sentinel: a failed open sets NULL */
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_credentials_new(&id_only, TEST_KEY_ID, NULL, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_credentials_new(&nothing, NULL, NULL, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_open(&s, "openssl", id_only, &err), AWSV2_E_CREDENTIALS);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(err.message, "openssl"));
    ck_assert_int_eq(awsv2_signer_open(&s, "openssl", nothing, &err), AWSV2_E_CREDENTIALS);
    ck_assert_int_eq(awsv2_signer_open(&s, "openssl", NULL, &err), AWSV2_E_CREDENTIALS);
    awsv2_credentials_free(id_only);
    awsv2_credentials_free(nothing);
}
END_TEST

START_TEST(unknown_specs)
{
    static const char *const bad[] = {
        "bogus", "OpenSSL", "openssl ", " openssl", "openssl:", "opensslx", "due",
        "http:/127.0.0.1/", "ftp://127.0.0.1/sign", "file:///dev/ttyACM0", "/dev/ttyACM0",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        awsv2_signer *s = (awsv2_signer *)1; /* a sentinel: a failed open sets NULL */
        awsv2_error err = {0};
        ck_assert_msg(awsv2_signer_open(&s, bad[i], creds, &err) == AWSV2_E_SPEC,
                      "spec '%s': %s", bad[i], awsv2_strerror(err.status));
        ck_assert_ptr_null(s);
        ck_assert_int_eq(err.status, AWSV2_E_SPEC);
        ck_assert_msg(strstr(err.message, bad[i]) != NULL, "'%s' not named in '%s'", bad[i],
                      err.message);
        ck_assert_ptr_null(strstr(err.message, TEST_SECRET));
    }
}
END_TEST

START_TEST(empty_spec)
{
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_signer_open(&s, "", creds, &err), AWSV2_E_SPEC);
    ck_assert_ptr_null(s);
}
END_TEST

/* A spec that parses but cannot be used must fail when opened or, for a
 * backend that connects lazily, on the first signature; never succeed. The
 * message names what could not be opened. */
static void check_unusable(const char *spec, const char *named)
{
    awsv2_signer *s = NULL;
    awsv2_error err = {0};
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len;
    awsv2_status st = awsv2_signer_open(&s, spec, NULL, &err);
    if (st == AWSV2_OK) {
        st = awsv2_signer_sign(s, AWSV2_HMAC_SHA256, sts_ok, sizeof sts_ok - 1, mac, &mac_len,
                               &err);
        awsv2_signer_close(s);
    } else {
        ck_assert_ptr_null(s);
    }
    ck_assert_msg(st != AWSV2_OK, "spec '%s' signed", spec);
    ck_assert_int_eq(err.status, st);
    ck_assert_msg(strstr(err.message, named) != NULL, "spec '%s': '%s' does not name '%s'", spec,
                  err.message, named);
}

START_TEST(due_missing_device)
{
    char spec[4300], path[4200];
    snprintf(path, sizeof path, "%s/no-such-tty", core_env_dir());
    snprintf(spec, sizeof spec, "due:%s", path);
    check_unusable(spec, path);
    snprintf(spec, sizeof spec, "due:%s?timeout_ms=500&window=2", path);
    check_unusable(spec, path);
}
END_TEST

START_TEST(due_bad_options)
{
    static const char *const bad[] = {
        "due:", "due:/dev/null?window=abc", "due:/dev/null?window=", "due:/dev/null?bogus=1",
        "due:/dev/null?timeout_ms=-5", "due:/dev/null?timeout_ms=10x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        check_unusable(bad[i], "due:");
}
END_TEST

/* A default timeout goes only to the signers that wait (openssl takes no
 * options at all), and never past a spec's own options' checks. */
START_TEST(open_timeout_only_where_it_applies)
{
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_signer_open_timeout(&s, "openssl", creds, 3000, &err), AWSV2_OK);
    ck_assert_ptr_nonnull(strstr(awsv2_signer_describe(s), "openssl"));
    awsv2_signer_close(s);
    s = NULL;
    ck_assert_int_eq(awsv2_signer_open_timeout(&s, "due:/dev/null?window=abc", NULL, 3000, &err),
                     AWSV2_E_SPEC);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(awsv2_signer_open_timeout(&s, "nonsense", NULL, 3000, &err), AWSV2_E_SPEC);
    ck_assert_ptr_nonnull(strstr(err.message, "'nonsense'"));
}
END_TEST

/* A loopback port with nothing listening: bound, read back, closed. */
static int free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

START_TEST(http_nothing_listening)
{
    char spec[128], named[64];
    int port = free_port();
    snprintf(named, sizeof named, "127.0.0.1:%d", port);
    snprintf(spec, sizeof spec, "http://%s/sign/aws", named);
    check_unusable(spec, named);
    snprintf(spec, sizeof spec, "https://%s/sign/aws", named);
    check_unusable(spec, named);
}
END_TEST

/* Whatever due:auto finds on this machine, it never falls back to
 * openssl (which the credentials would allow). */
START_TEST(due_auto_is_never_openssl)
{
    awsv2_signer *s = NULL;
    awsv2_error err = {0};
    if (awsv2_signer_open(&s, "due:auto", creds, &err) == AWSV2_OK) {
        ck_assert_ptr_null(strstr(awsv2_signer_describe(s), "openssl"));
        awsv2_signer_close(s);
    } else {
        ck_assert_ptr_null(s);
        ck_assert_ptr_nonnull(strstr(err.message, "due:auto"));
    }
}
END_TEST

/* ---- strings to sign ---------------------------------------------------- */

/* A string literal and its length, embedded NULs included. */
#define LIT(s) s, sizeof s - 1

START_TEST(string_to_sign_validity)
{
    static const struct { const char *s; size_t len; int valid; } cases[] = {
        {LIT(sts_ok_text), 1},
        {LIT("\n\n\n"), 1},
        {LIT("GET\nh\n/\n a~!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}"), 1},
        {LIT("GET\nh\n/\na=b"), 1},
        {"GET\nh\n/\na=b", sizeof "GET\nh\n/\na=b", 0}, /* with its NUL */
        {LIT("GET\nh\n/\na=b\0DELETE-KEY AKIAIOSFODNN7EXAMPLE"), 0},
        {LIT("GET\nh\n/a=b"), 0},
        {LIT("GET\nh\n/\na=b\nLOCK"), 0},
        {LIT("GET\nh\n/\na=\x7f"), 0},
        {LIT("GET\nh\n/\na=\x80"), 0},
        {LIT("GET\nh\n/\na=\xff"), 0},
        {LIT("GET\nh\n/\na=\tb"), 0},
        {LIT("GET\r\nh\n/\na=b"), 0},
        {LIT("GET\nh\n/\na=\x1f"), 0},
        {LIT(""), 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(awsv2_string_to_sign_is_valid(cases[i].s, cases[i].len) == cases[i].valid,
                      "case %zu: want %d", i, cases[i].valid);
}
END_TEST

/* Every byte value at every offset of an 8-byte word (the check reads
 * words), in the last line and in the first: valid exactly when 0x20-0x7e. */
START_TEST(every_byte_at_every_offset)
{
    char buf[64];
    int byte = _i;
    for (int line = 0; line < 2; line++)
        for (size_t pad = 0; pad < 17; pad++) {
            size_t n = 0;
            if (line == 1)
                n += (size_t)snprintf(buf, sizeof buf, "GET\nh\n/\n");
            memset(buf + n, 'a', pad);
            n += pad;
            buf[n++] = (char)byte;
            memset(buf + n, '~', 9);
            n += 9;
            if (line == 0)
                n += (size_t)snprintf(buf + n, sizeof buf - n, "\nh\n/\nq");
            int want = byte >= 0x20 && byte <= 0x7e;
            ck_assert_msg(awsv2_string_to_sign_is_valid(buf, n) == want,
                          "byte 0x%02X after %zu bytes of line %d: want %d", byte, pad, line,
                          want);
        }
}
END_TEST

START_TEST(long_printable_string)
{
    char buf[3 + 3 * 95 + 1];
    size_t n = 0;
    for (int k = 0; k < 3; k++) {
        for (int c = 0x20; c <= 0x7e; c++)
            buf[n++] = (char)c;
        buf[n++] = '\n';
    }
    buf[n - 1] = 'x'; /* the fourth line: three newlines in all */
    ck_assert_int_eq(awsv2_string_to_sign_is_valid(buf, n), 0); /* only two newlines */
    buf[0] = '\n';
    ck_assert_int_eq(awsv2_string_to_sign_is_valid(buf, n), 1);
}
END_TEST

START_TEST(openssl_ping)
{
    ck_assert_int_eq(awsv2_signer_ping(signer, NULL), AWSV2_OK);
}
END_TEST

START_TEST(sign_refuses_invalid_strings)
{
    static const struct { const char *s; size_t len; } bad[] = {
        {LIT("GET\nh\n/\na=b\0DELETE-KEY AKIAIOSFODNN7EXAMPLE")},
        {LIT("GET\nh\n/a=b")},
        {LIT("GET\nh\n/\na=b\nLOCK")},
        {LIT("GET\nh\n/\na=\x7f")},
        {LIT("GET\nh\n/\na=\tb")},
        {LIT("")},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t mac[AWSV2_MAC_MAX];
        size_t mac_len = 99;
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_int_eq(awsv2_signer_sign(signer, AWSV2_HMAC_SHA256, bad[i].s, bad[i].len, mac,
                                           &mac_len, &err),
                         AWSV2_E_INVALID);
        ck_assert_uint_eq(mac_len, 99);
    }
}
END_TEST

START_TEST(sign_refuses_unknown_hash)
{
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len;
    ck_assert_int_eq(awsv2_signer_sign(signer, (awsv2_hash)7, sts_ok, sizeof sts_ok - 1, mac,
                                       &mac_len, NULL),
                     AWSV2_E_INVALID);
}
END_TEST

/* The string need not be NUL-terminated: only len bytes are signed. */
START_TEST(sign_uses_len_bytes)
{
    char buf[sizeof sts_ok + 8];
    memcpy(buf, sts_ok, sizeof sts_ok - 1);
    memcpy(buf + sizeof sts_ok - 1, "&X=junk", 8);
    check_mac(AWSV2_HMAC_SHA256, buf, sizeof sts_ok - 1);
}
END_TEST

/* The openssl signer holds one key's secret: a string for another key id,
 * for none, or naming two, must be refused, never signed with it. */
START_TEST(openssl_refuses_other_keys)
{
    static const struct {
        const char *sts, *code;
    } cases[] = {
        {"GET\nh\n/\nAWSAccessKeyId=AKIDOTHER&Action=A", "unknown-awsaccesskey"},
        {"GET\nh\n/\nAWSAccessKeyId=" TEST_KEY_ID "X&Action=A", "unknown-awsaccesskey"},
        {"GET\nh\n/\nXAWSAccessKeyId=" TEST_KEY_ID "&Action=A", "awsaccesskeyid-not-found"},
        {"GET\nh\n/\nAction=A", "awsaccesskeyid-not-found"},
        {"GET\nh\n/\nAWSAccessKeyId=" TEST_KEY_ID "&AWSAccessKeyId=" TEST_KEY_ID,
         "invalid-awsaccesskeyid"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t mac[AWSV2_MAC_MAX];
        size_t mac_len = 0;
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_int_eq(awsv2_signer_sign(signer, AWSV2_HMAC_SHA256, cases[i].sts,
                                           strlen(cases[i].sts), mac, &mac_len, &err),
                         AWSV2_E_REFUSED);
        ck_assert_str_eq(err.code, cases[i].code);
        ck_assert(strstr(err.message, TEST_SECRET) == NULL);
    }
}
END_TEST

/* ---- batches ------------------------------------------------------------ */

static const char *const batch_strings[] = {
    "GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=" TEST_KEY_ID "&Action=A",
    "POST\nsqs.us-east-1.amazonaws.com\n/1/q\nAWSAccessKeyId=" TEST_KEY_ID
    "&Action=SendMessage&MessageBody=x",
    "GET\nlocalhost:4566\n/\nAWSAccessKeyId=" TEST_KEY_ID,
    "GET\nec2.amazonaws.com\n/\nAction=B&AWSAccessKeyId=" TEST_KEY_ID,
};

static void fill_jobs(awsv2_sign_job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        memset(&jobs[i], 0, sizeof jobs[i]);
        jobs[i].string_to_sign = batch_strings[i];
        jobs[i].len = strlen(batch_strings[i]);
        jobs[i].hash = i % 2 ? AWSV2_HMAC_SHA1 : AWSV2_HMAC_SHA256;
        jobs[i].status = AWSV2_E_SIGNER; /* must be overwritten */
    }
}

/* Every job whose status is OK carries its correct MAC. */
static void check_ok_jobs(const awsv2_sign_job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].status != AWSV2_OK)
            continue;
        uint8_t want[AWSV2_MAC_MAX];
        size_t want_len = core_hmac(jobs[i].hash, TEST_SECRET, jobs[i].string_to_sign,
                                    jobs[i].len, want);
        ck_assert_msg(jobs[i].mac_len == want_len, "job %zu: status OK but mac_len %zu", i,
                      jobs[i].mac_len);
        ck_assert_mem_eq(jobs[i].mac, want, want_len);
    }
}

START_TEST(batch_all_good)
{
    awsv2_sign_job jobs[4];
    awsv2_sign_job *ptrs[4] = {&jobs[0], &jobs[1], &jobs[2], &jobs[3]};
    awsv2_error err = AWSV2_ERROR_INIT;
    fill_jobs(jobs, 4);
    ck_assert_int_eq(awsv2_signer_sign_batch(signer, ptrs, 4, &err), AWSV2_OK);
    for (size_t i = 0; i < 4; i++)
        ck_assert_int_eq(jobs[i].status, AWSV2_OK);
    check_ok_jobs(jobs, 4);
}
END_TEST

START_TEST(batch_with_a_bad_job)
{
    awsv2_sign_job jobs[4];
    awsv2_sign_job *ptrs[4] = {&jobs[0], &jobs[1], &jobs[2], &jobs[3]};
    awsv2_error err = {0};
    fill_jobs(jobs, 4);
    static const char smuggled[] = "GET\nh\n/\na=b\0LOCK";
    jobs[1].string_to_sign = smuggled;
    jobs[1].len = sizeof smuggled - 1;
    jobs[3].hash = (awsv2_hash)9;
    ck_assert_int_eq(awsv2_signer_sign_batch(signer, ptrs, 4, &err), AWSV2_E_INVALID);
    ck_assert_int_eq(err.status, AWSV2_E_INVALID);
    ck_assert_int_eq(jobs[1].status, AWSV2_E_INVALID);
    ck_assert_int_eq(jobs[3].status, AWSV2_E_INVALID);
    check_ok_jobs(jobs, 4);
}
END_TEST

START_TEST(batch_empty)
{
    ck_assert_int_eq(awsv2_signer_sign_batch(signer, NULL, 0, NULL), AWSV2_OK);
}
END_TEST

/* ---- key ids, descriptions, lifetime, threads --------------------------- */

START_TEST(key_ids_and_pick)
{
    char buf[64];
    awsv2_credentials *other, *nothing;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_signer_key_ids(signer, buf, sizeof buf, &err), AWSV2_OK);
    ck_assert_str_eq(buf, TEST_KEY_ID);
    ck_assert_int_eq(awsv2_signer_pick_key_id(signer, NULL, buf, sizeof buf, &err), AWSV2_OK);
    ck_assert_str_eq(buf, TEST_KEY_ID);
    ck_assert_int_eq(awsv2_credentials_new(&other, "AKIDOTHER", NULL, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_pick_key_id(signer, other, buf, sizeof buf, &err), AWSV2_OK);
    ck_assert_str_eq(buf, "AKIDOTHER");
    ck_assert_int_eq(awsv2_credentials_new(&nothing, NULL, NULL, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_pick_key_id(signer, nothing, buf, sizeof buf, &err), AWSV2_OK);
    ck_assert_str_eq(buf, TEST_KEY_ID);
    memset(buf, '#', sizeof buf);
    ck_assert_int_ne(awsv2_signer_pick_key_id(signer, NULL, buf, 8, &err), AWSV2_OK);
    ck_assert_int_eq(buf[8], '#');
    ck_assert_int_ne(awsv2_signer_pick_key_id(signer, NULL, buf, sizeof TEST_KEY_ID - 1, &err),
                     AWSV2_OK);
    ck_assert_int_eq(buf[sizeof TEST_KEY_ID - 1], '#');
    ck_assert_int_eq(awsv2_signer_pick_key_id(signer, NULL, buf, sizeof TEST_KEY_ID, &err),
                     AWSV2_OK);
    ck_assert_str_eq(buf, TEST_KEY_ID);
    awsv2_credentials_free(other);
    awsv2_credentials_free(nothing);
}
END_TEST

START_TEST(describe_has_no_secret)
{
    const char *d = awsv2_signer_describe(signer);
    ck_assert_ptr_null(strstr(d, TEST_SECRET));
    ck_assert_ptr_null(strstr(d, "wJalrXUtnFEMI"));
    ck_assert_ptr_null(strstr(d, TEST_TOKEN));
}
END_TEST

/* The signer keeps what it needs: the credentials may go first. */
START_TEST(signer_outlives_credentials)
{
    awsv2_credentials_free(creds);
    creds = NULL;
    check_mac(AWSV2_HMAC_SHA256, sts_ok, sizeof sts_ok - 1);
}
END_TEST

static void *sign_many(void *arg)
{
    const uint8_t *want = arg;
    for (int i = 0; i < 2000; i++) {
        uint8_t mac[AWSV2_MAC_MAX];
        size_t mac_len;
        awsv2_hash hash = i % 2 ? AWSV2_HMAC_SHA1 : AWSV2_HMAC_SHA256;
        if (awsv2_signer_sign(signer, hash, sts_ok, sizeof sts_ok - 1, mac, &mac_len, NULL) ||
            memcmp(mac, want + (i % 2) * AWSV2_MAC_MAX, mac_len) != 0)
            return (void *)1;
    }
    return NULL;
}

START_TEST(shared_by_threads)
{
    uint8_t want[2 * AWSV2_MAC_MAX];
    core_hmac(AWSV2_HMAC_SHA256, TEST_SECRET, sts_ok, sizeof sts_ok - 1, want);
    core_hmac(AWSV2_HMAC_SHA1, TEST_SECRET, sts_ok, sizeof sts_ok - 1, want + AWSV2_MAC_MAX);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, sign_many, want), 0);
    for (int i = 0; i < 4; i++) {
        void *bad;
        ck_assert_int_eq(pthread_join(t[i], &bad), 0);
        ck_assert_ptr_null(bad);
    }
}
END_TEST

START_TEST(close_null)
{
    awsv2_signer_close(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("signer");
    TCase *specs = tcase_create("specs");
    core_env_fixtures(specs);
    tcase_add_checked_fixture(specs, setup, teardown);
    tcase_add_test(specs, spec_resolve_order);
    tcase_add_test(specs, openssl_opens_with_a_secret);
    tcase_add_test(specs, null_spec_uses_environment);
    tcase_add_test(specs, openssl_without_secret);
    tcase_add_test(specs, unknown_specs);
    tcase_add_test(specs, empty_spec);
    tcase_add_test(specs, due_missing_device);
    tcase_add_test(specs, due_bad_options);
    tcase_add_test(specs, open_timeout_only_where_it_applies);
    tcase_add_test(specs, http_nothing_listening);
    tcase_add_test(specs, due_auto_is_never_openssl);
    suite_add_tcase(s, specs);
    TCase *sign = tcase_create("signing");
    core_env_fixtures(sign);
    tcase_add_checked_fixture(sign, setup, teardown);
    tcase_add_test(sign, string_to_sign_validity);
    tcase_add_loop_test(sign, every_byte_at_every_offset, 0, 256);
    tcase_add_test(sign, long_printable_string);
    tcase_add_test(sign, openssl_ping);
    tcase_add_test(sign, sign_refuses_invalid_strings);
    tcase_add_test(sign, sign_refuses_unknown_hash);
    tcase_add_test(sign, sign_uses_len_bytes);
    tcase_add_test(sign, openssl_refuses_other_keys);
    tcase_add_test(sign, batch_all_good);
    tcase_add_test(sign, batch_with_a_bad_job);
    tcase_add_test(sign, batch_empty);
    tcase_add_test(sign, key_ids_and_pick);
    tcase_add_test(sign, describe_has_no_secret);
    tcase_add_test(sign, signer_outlives_credentials);
    tcase_add_test(sign, shared_by_threads);
    tcase_add_test(sign, close_null);
    suite_add_tcase(s, sign);
    return core_run(s);
}
