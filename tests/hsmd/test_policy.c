/* awsv2-hsmd in front of awsv2-due-emu whose key carries a policy
 * (docs/policy.md): the device's refusals reach the client with the HTTP
 * status and code of docs/daemon-api.md (403 policy-denied, 429
 * rate-limited, 503 audit-full), for /sign/aws and /sign/aws4, and are
 * counted in /metrics; GET /audit serves the device's log (each record's
 * fields, hash and chain checked with OpenSSL's SHA-256); --token-keys
 * limits a token to some key ids. The signatures the device does give are
 * checked against OpenSSL's HMAC (SigV4 derived as AWS documents it). */
#include <check.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "world.h"

static struct world w;

/* Sends one command (its NUL included) to the emulator's pty and reads its
 * one-line reply into reply[cap], without the newline. Only while no
 * daemon holds the device. */
static void device(const char *cmd, char *reply, size_t cap)
{
    int fd = open(w.link, O_RDWR | O_NOCTTY | O_CLOEXEC);
    ck_assert_msg(fd >= 0, "cannot open %s", w.link);
    struct termios t;
    ck_assert_int_eq(tcgetattr(fd, &t), 0);
    cfmakeraw(&t);
    ck_assert_int_eq(tcsetattr(fd, TCSANOW, &t), 0);
    size_t len = strlen(cmd) + 1;
    ck_assert_int_eq(write(fd, cmd, len), (ssize_t)len);
    size_t n = 0;
    while (n + 1 < cap) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        ck_assert_msg(poll(&p, 1, 10000) == 1, "the emulator did not answer %.12s", cmd);
        ck_assert_int_eq(read(fd, reply + n, 1), 1);
        if (reply[n] == '\n')
            break;
        n++;
    }
    reply[n] = '\0';
    close(fd);
}

/* The emulator with AWS's example key stored under policy (and the
 * device commands extra, "" for none), then the daemon in front of it. */
static void start(const char *policy, const char *extra)
{
    char cmd[512], reply[256];

    memset(&w, 0, sizeof w);
    ck_assert_int_eq(world_dir(&w), 0);
    snprintf(w.link, sizeof w.link, "%s/due", w.dir);
    ck_assert_int_eq(world_start_emu(&w, NULL), 0);
    device("DELETE-KEY " KEY_ID, reply, sizeof reply);
    ck_assert_str_eq(reply, "OK");
    snprintf(cmd, sizeof cmd, "PUT-KEY %s %s%s%s", KEY_ID, SECRET, *policy ? " " : "", policy);
    device(cmd, reply, sizeof reply);
    ck_assert_str_eq(reply, "OK");
    if (*extra) {
        device(extra, reply, sizeof reply);
        ck_assert_str_eq(reply, "OK");
    }
    ck_assert_msg(world_start_hsmd(&w, NULL, "") == 0, "cannot start the daemon");
}

static void teardown(void)
{
    ck_assert_int_eq(world_stop(&w), 0);
}

/* A SigV2 string to sign for ec2.amazonaws.com naming action. */
static size_t sts_for(char *buf, size_t cap, const char *action, unsigned n)
{
    int len = snprintf(buf, cap,
                       "GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=" KEY_ID
                       "&Action=%s&InstanceId.1=i-%08x&SignatureMethod=HmacSHA256"
                       "&SignatureVersion=2&Timestamp=2026-11-21T12%%3A00%%3A00Z"
                       "&Version=2016-11-15",
                       action, n);
    return (size_t)len;
}

/* POST /sign/aws; status and code expected (code NULL: signed, checked). */
static void sign2(const char *action, unsigned n, long status, const char *code)
{
    char sts[512], want[65], body[256];
    struct http_result r;
    size_t len = sts_for(sts, sizeof sts, action, n);

    ck_assert_int_eq(world_http("POST", w.url, sts, len, NULL, &r), 0);
    ck_assert_int_eq(r.status, status);
    if (code) {
        ck_assert_int_eq(r.success, 0);
        ck_assert_str_eq(r.error, code);
        return;
    }
    world_expected_hex(sts, len, 0, want);
    snprintf(body, sizeof body, "{\"success\": true, \"signature\": \"%s\"}", want);
    ck_assert_str_eq(r.body, body);
}

static void hex(const unsigned char *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

static void hmac(const void *key, size_t key_len, const char *msg, unsigned char out[32])
{
    unsigned int n = 0;
    HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)msg, strlen(msg), out, &n);
    ck_assert_uint_eq(n, 32);
}

/* AWS's SigV4 signature of the canonical request cr for 20261121,
 * us-east-1, ec2 (the algorithm as AWS documents it, with OpenSSL). */
static void sigv4_expected(const char *cr, char out[65])
{
    unsigned char k[32], digest[32];
    char sts[256], cr_hex[65];

    hmac("AWS4" SECRET, strlen("AWS4" SECRET), "20261121", k);
    hmac(k, 32, "us-east-1", k);
    hmac(k, 32, "ec2", k);
    hmac(k, 32, "aws4_request", k);
    SHA256((const unsigned char *)cr, strlen(cr), digest);
    hex(digest, 32, cr_hex);
    snprintf(sts, sizeof sts,
             "AWS4-HMAC-SHA256\n20261121T120000Z\n20261121/us-east-1/ec2/aws4_request\n%s",
             cr_hex);
    hmac(k, 32, sts, digest);
    hex(digest, 32, out);
}

/* POST /sign/aws4 of a form POST to ec2.amazonaws.com naming action. */
static void sign4(const char *action, long status, const char *code)
{
    char payload[128], cr[1024], payload_hex[65], want[65], body[256];
    unsigned char digest[32];
    struct http_result r;

    snprintf(payload, sizeof payload, "Action=%s&Version=2016-11-15", action);
    SHA256((const unsigned char *)payload, strlen(payload), digest);
    hex(digest, 32, payload_hex);
    snprintf(cr, sizeof cr,
             "POST\n/\n\n"
             "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
             "host:ec2.amazonaws.com\nx-amz-date:20261121T120000Z\n\n"
             "content-type;host;x-amz-date\n%s",
             payload_hex);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "key_id", json_object_new_string(KEY_ID));
    json_object_object_add(o, "region", json_object_new_string("us-east-1"));
    json_object_object_add(o, "service", json_object_new_string("ec2"));
    json_object_object_add(o, "canonical_request", json_object_new_string(cr));
    json_object_object_add(o, "payload", json_object_new_string(payload));
    const char *json = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    static const char *const headers[] = {"Content-Type: application/json", NULL};
    char url[600];
    snprintf(url, sizeof url, "%s/sign/aws4", w.base);
    ck_assert_int_eq(world_http("POST", url, json, strlen(json), headers, &r), 0);
    json_object_put(o);
    ck_assert_int_eq(r.status, status);
    if (code) {
        ck_assert_int_eq(r.success, 0);
        ck_assert_str_eq(r.error, code);
        return;
    }
    sigv4_expected(cr, want);
    snprintf(body, sizeof body, "{\"success\": true, \"signature\": \"%s\"}", want);
    ck_assert_str_eq(r.body, body);
}

/* The value of the metric line that starts with series + " ". */
static long metric(const char *text, const char *series)
{
    char needle[256];
    snprintf(needle, sizeof needle, "\n%s ", series);
    const char *at = strstr(text, needle);
    ck_assert_msg(at != NULL, "no %s in /metrics", series);
    return strtol(at + strlen(needle), NULL, 10);
}

/* awsv2_hsmd_errors_total{path,code} and awsv2_hsmd_requests_total{path,status}. */
static long errors(const char *text, const char *path, const char *code)
{
    char series[256];
    snprintf(series, sizeof series, "awsv2_hsmd_errors_total{path=\"%s\",code=\"%s\"}", path, code);
    return metric(text, series);
}

static long requests(const char *text, const char *path, unsigned status)
{
    char series[256];
    snprintf(series, sizeof series, "awsv2_hsmd_requests_total{path=\"%s\",status=\"%u\"}", path,
             status);
    return metric(text, series);
}

/* GET /metrics: its text, which the caller frees. */
static char *metrics(void)
{
    char url[600];
    static struct http_result r; /* large */

    snprintf(url, sizeof url, "%s/metrics", w.base);
    ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert(strlen(r.body) < sizeof r.body - 1); /* whole */
    char *text = strdup(r.body);
    ck_assert_ptr_nonnull(text);
    return text;
}

/* One action, two signatures a minute (a token every 30 s: the test
 * never waits that long between taking the second and being refused). */
START_TEST(test_policy_denied_and_rate_limited)
{
    start("action=DescribeInstances;rate=2/min", "");

    sign2("TerminateInstances", 1, 403, "policy-denied");
    sign4("TerminateInstances", 403, "policy-denied");
    sign2("DescribeInstancesX", 2, 403, "policy-denied");
    /* the refusals took no token: both signatures are given */
    sign2("DescribeInstances", 3, 200, NULL);
    sign4("DescribeInstances", 200, NULL);
    sign2("DescribeInstances", 4, 429, "rate-limited");
    sign4("DescribeInstances", 429, "rate-limited");
    /* the policy is checked before the rate: still policy-denied */
    sign2("TerminateInstances", 5, 403, "policy-denied");

    char *m = metrics();
    ck_assert_int_eq(errors(m, "/sign/aws", "policy-denied"), 3);
    ck_assert_int_eq(errors(m, "/sign/aws4", "policy-denied"), 1);
    ck_assert_int_eq(errors(m, "/sign/aws", "rate-limited"), 1);
    ck_assert_int_eq(errors(m, "/sign/aws4", "rate-limited"), 1);
    ck_assert_int_eq(requests(m, "/sign/aws", 403), 3);
    ck_assert_int_eq(requests(m, "/sign/aws", 429), 1);
    ck_assert_int_eq(requests(m, "/sign/aws4", 429), 1);
    ck_assert_int_eq(requests(m, "/sign/aws", 200), 1);
    ck_assert_int_eq(errors(m, "/sign/aws", "other"), 0);
    free(m);
}
END_TEST

/* GET /audit with query ("" or "?since=N"): its JSON, which the caller
 * puts; asserts 200. */
static json_object *audit(const char *query)
{
    char url[600];
    struct http_result r;

    snprintf(url, sizeof url, "%s/audit%s", w.base, query);
    ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
    ck_assert_msg(r.status == 200, "GET /audit%s: %ld %s", query, r.status, r.body);
    json_object *o = json_tokener_parse(r.body);
    ck_assert_ptr_nonnull(o);
    ck_assert_int_eq(r.success, 1);
    return o;
}

static json_object *member(json_object *o, const char *name)
{
    json_object *v = NULL;
    ck_assert_msg(json_object_object_get_ex(o, name, &v), "no \"%s\"", name);
    return v;
}

static const char *str(json_object *o, const char *name)
{
    return json_object_get_string(member(o, name));
}

/* hex(SHA-256(prev as 32 bytes || text)) into out; prev is hex. */
static void chain_next(const char *prev, const char *text, char out[65])
{
    unsigned char buf[32], digest[32];
    for (int i = 0; i < 32; i++)
        ck_assert_int_eq(sscanf(prev + 2 * i, "%2hhx", &buf[i]), 1);
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    ck_assert_ptr_nonnull(c);
    ck_assert(EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 && EVP_DigestUpdate(c, buf, 32) == 1 &&
              EVP_DigestUpdate(c, text, strlen(text)) == 1 &&
              EVP_DigestFinal_ex(c, digest, NULL) == 1);
    EVP_MD_CTX_free(c);
    hex(digest, 32, out);
}

#define ZERO_CHAIN "0000000000000000000000000000000000000000000000000000000000000000"

/* Strict audit mode: 16 records unread (the power-up's restart record and
 * 15 signatures), the device refuses: 503. GET /audit reads them (each
 * checked: its fields, the hash of what was signed, the chain), and the
 * device signs again. */
START_TEST(test_audit_full_and_read)
{
    char sts[512], want[65], chain[65] = ZERO_CHAIN;
    unsigned char digest[32];

    start("", "AUDIT-MODE strict");
    for (unsigned i = 1; i < 16; i++)
        sign2("DescribeInstances", i, 200, NULL);
    sign2("DescribeInstances", 16, 503, "audit-full");
    sign4("DescribeInstances", 503, "audit-full");

    char *m = metrics();
    ck_assert_int_eq(errors(m, "/sign/aws", "audit-full"), 1);
    ck_assert_int_eq(errors(m, "/sign/aws4", "audit-full"), 1);
    ck_assert_int_eq(requests(m, "/audit", 200), 0);
    free(m);

    json_object *o = audit("");
    json_object *records = member(o, "records");
    ck_assert_uint_eq(json_object_array_length(records), 16);
    for (unsigned i = 0; i < 16; i++) {
        json_object *rec = json_object_array_get_idx(records, i);
        ck_assert_int_eq(json_object_get_int64(member(rec, "seq")), i);
        if (i == 0) {
            ck_assert_str_eq(str(rec, "result"), "restart");
            ck_assert_int_eq(json_object_get_int(member(rec, "version")), 0);
            ck_assert_str_eq(str(rec, "record"), "0 - 0 - - restart " ZERO_CHAIN);
        } else {
            ck_assert_str_eq(str(rec, "key_id"), KEY_ID);
            ck_assert_int_eq(json_object_get_int(member(rec, "version")), 2);
            ck_assert_str_eq(str(rec, "action"), "DescribeInstances");
            ck_assert_str_eq(str(rec, "host"), "ec2.amazonaws.com");
            ck_assert_str_eq(str(rec, "result"), "ok");
            SHA256((const unsigned char *)sts, sts_for(sts, sizeof sts, "DescribeInstances", i),
                   digest);
            hex(digest, 32, want);
            ck_assert_str_eq(str(rec, "hash"), want);
        }
        chain_next(chain, str(rec, "record"), chain);
        ck_assert_str_eq(str(rec, "chain"), chain);
    }
    ck_assert_int_eq(json_object_get_int64(member(o, "next")), 16);
    ck_assert_str_eq(str(o, "chain"), chain);
    ck_assert(json_object_get_boolean(member(o, "end")));
    json_object_put(o);

    /* read: the device signs again */
    sign2("DescribeInstances", 17, 200, NULL);
    o = audit("?since=16");
    records = member(o, "records");
    ck_assert_uint_eq(json_object_array_length(records), 1);
    chain_next(chain, str(json_object_array_get_idx(records, 0), "record"), chain);
    ck_assert_str_eq(str(o, "chain"), chain);
    ck_assert_int_eq(json_object_get_int64(member(o, "next")), 17);
    json_object_put(o);

    o = audit("?since=17");
    ck_assert_uint_eq(json_object_array_length(member(o, "records")), 0);
    ck_assert_int_eq(json_object_get_int64(member(o, "next")), 17);
    ck_assert_str_eq(str(o, "chain"), chain);
    json_object_put(o);

    static const char *const bad[] = {"?since=", "?since=01", "?since=-1", "?since=4294967296",
                                      "?since=1x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char url[600];
        struct http_result r;
        snprintf(url, sizeof url, "%s/audit%s", w.base, bad[i]);
        ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
        ck_assert_int_eq(r.status, 400);
        ck_assert_str_eq(r.error, "invalid-field");
    }
    struct http_result r;
    char url[600];
    snprintf(url, sizeof url, "%s/audit?since=18", w.base); /* past the device's next */
    ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(r.error, "invalid-command");
    snprintf(url, sizeof url, "%s/audit", w.base);
    ck_assert_int_eq(world_http("POST", url, "x", 1, NULL, &r), 0);
    ck_assert_int_eq(r.status, 405);
}
END_TEST

/* Wrap mode: older records are overwritten; reading from 0 reports the
 * gap and goes on from the oldest record held. */
START_TEST(test_audit_gap)
{
    start("action=DescribeInstances", "");
    for (unsigned i = 1; i <= 20; i++)
        sign2(i % 2 ? "DescribeInstances" : "TerminateInstances", i, i % 2 ? 200 : 403,
              i % 2 ? NULL : "policy-denied");

    json_object *o = audit("?since=0");
    ck_assert_int_eq(json_object_get_int64(member(o, "gap")), 5); /* 21 records, 16 kept */
    json_object *records = member(o, "records");
    ck_assert_uint_eq(json_object_array_length(records), 16);
    for (unsigned i = 0; i < 16; i++) {
        json_object *rec = json_object_array_get_idx(records, i);
        unsigned seq = 5 + i;
        ck_assert_int_eq(json_object_get_int64(member(rec, "seq")), seq);
        ck_assert_str_eq(str(rec, "action"), seq % 2 ? "DescribeInstances" : "TerminateInstances");
        ck_assert_str_eq(str(rec, "result"), seq % 2 ? "ok" : "policy-denied");
    }
    ck_assert_int_eq(json_object_get_int64(member(o, "next")), 21);
    ck_assert(json_object_get_boolean(member(o, "end")));
    json_object_put(o);
}
END_TEST

/* Two tokens: one limited to another key id (--token-keys), one to ours
 * and another. Each may sign only with its keys: 403 key-not-allowed for
 * the rest, before the device is asked; a wrong token is still
 * invalid-token. */
START_TEST(test_token_keys)
{
    char t1[PATH_MAX + 16], t2[PATH_MAX + 16], sts[512], url[600];
    static const char *const json =
        "{\"key_id\": \"" KEY_ID "\", \"region\": \"us-east-1\", \"service\": \"ec2\", "
        "\"canonical_request\": \"x\"}";
    static const char *const other[] = {"Authorization: Bearer token-one",
                                        "Content-Type: application/json", NULL};
    static const char *const ours[] = {"Authorization: Bearer token-two", NULL};
    static const char *const wrong[] = {"Authorization: Bearer token-three", NULL};
    struct http_result r;

    memset(&w, 0, sizeof w);
    ck_assert_int_eq(world_token_file(&w, "token-one\n", t1, sizeof t1), 0);
    snprintf(t2, sizeof t2, "%s/token2", w.dir);
    FILE *f = fopen(t2, "w");
    ck_assert_ptr_nonnull(f);
    fputs("token-two\n", f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(chmod(t2, 0600), 0);
    const char *const args[] = {"--token-file", t1, "--token-keys", "AKIAOTHERKEY",
                                "--token-file", t2, "--token-keys", "AKIAOTHERKEY," KEY_ID,
                                NULL};
    ck_assert_int_eq(world_start(&w, NULL, args, ""), 0);

    size_t len = sts_for(sts, sizeof sts, "DescribeInstances", 1);
    ck_assert_int_eq(world_http("POST", w.url, sts, len, other, &r), 0);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(r.error, "key-not-allowed");
    snprintf(url, sizeof url, "%s/sign/aws4", w.base);
    ck_assert_int_eq(world_http("POST", url, json, strlen(json), other, &r), 0);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(r.error, "key-not-allowed");
    ck_assert_int_eq(world_http("POST", w.url, sts, len, wrong, &r), 0);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(r.error, "invalid-token");

    char want[65], body[256];
    world_expected_hex(sts, len, 0, want);
    snprintf(body, sizeof body, "{\"success\": true, \"signature\": \"%s\"}", want);
    ck_assert_int_eq(world_http("POST", w.url, sts, len, ours, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, body);

    /* the refusals never reached the device: its log holds the restart
     * record and the one signature */
    snprintf(url, sizeof url, "%s/audit", w.base);
    ck_assert_int_eq(world_http("GET", url, NULL, 0, ours, &r), 0);
    ck_assert_int_eq(r.status, 200);
    json_object *o = json_tokener_parse(r.body);
    ck_assert_ptr_nonnull(o);
    ck_assert_uint_eq(json_object_array_length(member(o, "records")), 2);
    json_object_put(o);
}
END_TEST

/* --token-keys without its --token-file, or with a bad list: usage. */
START_TEST(test_token_keys_usage)
{
    static const char *const bad[][5] = {
        {"--token-keys", KEY_ID, NULL},
        {"--token-file", "F", "--token-keys", "AKIA,", NULL},
        {"--token-file", "F", "--token-keys", "akia", NULL},
        {"--token-file", "F", "--token-keys", "", NULL},
    };
    char prog[PATH_MAX];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *argv[8] = {child_program(prog, sizeof prog, "daemon/awsv2-hsmd")};
        size_t n = child_args(argv, 8, 1, bad[i]);
        const char *const last[] = {"openssl", NULL};
        child_args(argv, 8, n, last);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            int null = open("/dev/null", O_WRONLY);
            dup2(null, 1);
            dup2(null, 2);
            execv(argv[0], (char *const *)argv);
            _exit(127);
        }
        int status = 0;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 2, "case %zu: status %d", i,
                      status);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hsmd-policy");
    TCase *tc = tcase_create("policy");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_policy_denied_and_rate_limited);
    tcase_add_test(tc, test_audit_full_and_read);
    tcase_add_test(tc, test_audit_gap);
    suite_add_tcase(s, tc);
    TCase *tokens = tcase_create("token-keys");
    tcase_add_checked_fixture(tokens, NULL, teardown);
    tcase_set_timeout(tokens, 120);
    tcase_add_test(tokens, test_token_keys);
    suite_add_tcase(s, tokens);
    TCase *usage = tcase_create("token-keys-usage");
    tcase_add_test(usage, test_token_keys_usage);
    suite_add_tcase(s, usage);
    return world_run(s);
}
