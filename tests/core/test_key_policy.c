/* The public key-policy and audit calls: a policy is built field by field
 * into the device's encoding, a value the device would refuse fails on the
 * host naming its field, and awsv2_audit_verify accepts exactly the chain
 * whose values Python's hashlib computed (the records below and their
 * chains were made with hashlib.sha256, not with the code under test). */
#include <stdio.h>
#include <string.h>

#include "awsv2/awsv2.h"
#include "../common/check_run.h"

static awsv2_key_policy *p;

static void setup(void)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_key_policy_new(&p, &err), AWSV2_OK);
}

static void teardown(void)
{
    awsv2_key_policy_free(p);
    p = NULL;
}

static void set_ok(const char *name, const char *value)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_key_policy_set(p, name, value, &err) == AWSV2_OK, "%s=%s: %s", name,
                  value ? value : "(null)", err.message);
}

START_TEST(empty_policy_is_empty_text)
{
    ck_assert_str_eq(awsv2_key_policy_text(p), "");
}
END_TEST

START_TEST(fields_come_out_in_the_device_order)
{
    set_ok("scoped-key", "1");
    set_ok("rate", "10/s");
    set_ok("expires", "900");
    set_ok("method", "POST");
    set_ok("version", "4");
    set_ok("service", "sqs");
    set_ok("region", "us-east-1");
    set_ok("host", "sqs.us-east-1.amazonaws.com");
    set_ok("action", "SendMessage");
    ck_assert_str_eq(awsv2_key_policy_text(p),
                     "action=SendMessage;host=sqs.us-east-1.amazonaws.com;region=us-east-1;"
                     "service=sqs;version=4;method=POST;expires=900;rate=10/s;scoped-key=1");
    set_ok("host", NULL);
    set_ok("action", "SendMessage,ReceiveMessage");
    ck_assert_str_eq(awsv2_key_policy_text(p),
                     "action=SendMessage,ReceiveMessage;region=us-east-1;"
                     "service=sqs;version=4;method=POST;expires=900;rate=10/s;scoped-key=1");
}
END_TEST

static const struct {
    const char *name, *value;
} bad[] = {
    {"action", "Send-Message"},  {"action", ""},           {"action", "A,,B"},
    {"action", "A;host=x"},      {"host", "SQS.example"},  {"region", "US-EAST-1"},
    {"service", "s q s"},        {"version", "3"},         {"version", "2,4,6"},
    {"method", "PUT"},           {"method", "get"},        {"expires", "0"},
    {"expires", "604801"},       {"expires", "0900"},      {"rate", "10/h"},
    {"rate", "0/s"},             {"rate", "1000001/s"},    {"scoped-key", "0"},
    {"nonsense", "1"},           {NULL, "1"},
};

START_TEST(bad_value_names_the_field_and_changes_nothing)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    set_ok("rate", "5/min");
    ck_assert_int_eq(awsv2_key_policy_set(p, bad[_i].name, bad[_i].value, &err), AWSV2_E_INVALID);
    if (bad[_i].name)
        ck_assert_msg(strstr(err.message, bad[_i].name), "'%s' names no field", err.message);
    ck_assert_str_eq(awsv2_key_policy_text(p), "rate=5/min");
}
END_TEST

START_TEST(too_long_for_the_device)
{
    char list[200];
    awsv2_error err = AWSV2_ERROR_INIT;
    memset(list, 'A', 60);
    strcpy(list + 60, ",");
    memset(list + 61, 'B', 60);
    strcpy(list + 121, ",");
    memset(list + 122, 'C', 60);
    list[182] = '\0';
    set_ok("action", list); /* 7 + 182 = 189 bytes */
    ck_assert_int_eq(awsv2_key_policy_set(p, "host", "a-rather-long-host.example.com", &err),
                     AWSV2_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "216"));
    ck_assert_int_eq(strlen(awsv2_key_policy_text(p)), 189);
}
END_TEST

/* Made with Python: chain(n) = sha256(chain(n-1) || text), chain(-1) = 0^32. */
static const char *const records[] = {
    "AUDIT 0 AKIAIOSFODNN7EXAMPLE 2 DescribeInstances 127.0.0.1:8080 ok "
    "e721e9f57f5a4857aa22220e72a820e9d53b7088df251f9117410496ce584e44 "
    "0830cc68467a5ed02b14170cb76fc22873ca846c6eed34291fe153309ef99c40",
    "AUDIT 1 AKIAIOSFODNN7EXAMPLE 4 SendMessage sqs.us-east-1.amazonaws.com policy-denied "
    "ad1b9de910513527b407147d7a05569066c1a50cceaba3e118df6b13f49e749c "
    "ae8a998f9c2724753782cbc168d792d43be524170f3b5e85ebbbb4ae7d6c9136",
    "AUDIT 2 AKIAI44QH8DHBEXAMPLE 2 DescribeInstances 127.0.0.1:8080 rate-limited "
    "ff14e14c208d414590558c2e333a73da13828df7df2988dacc7f817e6aa5f995 "
    "52d3dcf9feaf2dbafa28b425a00512e9d767b5fc0833dcb2019dbe025e8ed90e",
};
static const char restart[] =
    "AUDIT 1024 - 0 - - restart ae8a998f9c2724753782cbc168d792d43be524170f3b5e85ebbbb4ae7d6c9136 "
    "f8971d1e73a4c8c09539e8ca9076b59dd81f2aab01bb401032c9cf3210581584";

static void unhex(const char *s, uint8_t out[AWSV2_AUDIT_HASH_SIZE])
{
    for (size_t i = 0; i < AWSV2_AUDIT_HASH_SIZE; i++)
        ck_assert_int_eq(sscanf(s + 2 * i, "%2hhx", &out[i]), 1);
}

static void last_chain(const char *line, uint8_t out[AWSV2_AUDIT_HASH_SIZE])
{
    unhex(strrchr(line, ' ') + 1, out);
}

START_TEST(audit_chain_from_python)
{
    uint8_t prev[AWSV2_AUDIT_HASH_SIZE] = {0}, next[AWSV2_AUDIT_HASH_SIZE], want[32];
    awsv2_error err = AWSV2_ERROR_INIT;
    for (uint32_t i = 0; i < 3; i++) {
        uint32_t seq = 99;
        int rs = 7;
        ck_assert_msg(awsv2_audit_verify(prev, records[i], strlen(records[i]), &seq, &rs, next,
                                         &err) == AWSV2_OK, "record %u: %s", i, err.message);
        ck_assert_uint_eq(seq, i);
        ck_assert_int_eq(rs, 0);
        last_chain(records[i], want);
        ck_assert_mem_eq(next, want, 32);
        memcpy(prev, next, 32);
    }
}
END_TEST

START_TEST(audit_forged_or_removed_records_fail)
{
    uint8_t zero[32] = {0}, c0[32], c1[32], next[32];
    uint32_t seq;
    int rs;
    awsv2_error err = AWSV2_ERROR_INIT;
    char forged[512];
    last_chain(records[0], c0);
    last_chain(records[1], c1);
    /* Record 1 removed: record 2 does not follow record 0. */
    ck_assert_int_eq(awsv2_audit_verify(c0, records[2], strlen(records[2]), &seq, &rs, next, &err),
                     AWSV2_E_INVALID);
    ck_assert_str_eq(err.code, "audit-chain");
    /* Its result rewritten, chain kept. */
    snprintf(forged, sizeof forged, "%s", records[1]);
    memcpy(strstr(forged, "policy-denied"), "policy-allows", 13);
    ck_assert_int_eq(awsv2_audit_verify(c0, forged, strlen(forged), &seq, &rs, next, &err),
                     AWSV2_E_INVALID);
    /* Reordered: record 1 first. */
    ck_assert_int_eq(awsv2_audit_verify(zero, records[1], strlen(records[1]), &seq, &rs, next,
                                        &err),
                     AWSV2_E_INVALID);
    /* The chain value's last digit changed. */
    snprintf(forged, sizeof forged, "%s", records[2]);
    forged[strlen(forged) - 1] = 'f';
    ck_assert_int_eq(awsv2_audit_verify(c1, forged, strlen(forged), &seq, &rs, next, &err),
                     AWSV2_E_INVALID);
    ck_assert_int_eq(awsv2_audit_verify(c1, "AUDIT", 5, &seq, &rs, next, &err), AWSV2_E_INVALID);
}
END_TEST

START_TEST(audit_restart_chains_from_what_it_names)
{
    uint8_t any[32] = {1}, next[32], want[32];
    uint32_t seq = 0;
    int rs = 0;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_audit_verify(any, restart, strlen(restart), &seq, &rs, next, &err),
                     AWSV2_OK);
    ck_assert_uint_eq(seq, 1024);
    ck_assert_int_eq(rs, 1);
    last_chain(restart, want);
    ck_assert_mem_eq(next, want, 32);
}
END_TEST

/* A signer without the new operations says so; one with them is called. */
static awsv2_status sign_nothing(void *ctx, awsv2_sign_job *job, awsv2_error *err)
{
    (void)ctx, (void)job;
    return awsv2_error_set(err, AWSV2_E_SIGNER, NULL, "not used");
}

static awsv2_status fake_policy(void *ctx, const char *key_id, char *buf, size_t cap,
                                awsv2_error *err)
{
    (void)ctx, (void)err;
    snprintf(buf, cap, "rate=%zu/s", strlen(key_id));
    return AWSV2_OK;
}

static awsv2_status fake_audit(void *ctx, uint32_t seq, awsv2_audit_entry *e, awsv2_error *err)
{
    (void)ctx, (void)err;
    e->kind = AWSV2_AUDIT_RECORD;
    e->seq = seq;
    snprintf(e->line, sizeof e->line, "%s", records[seq % 3]);
    return AWSV2_OK;
}

START_TEST(custom_signer_operations)
{
    awsv2_signer_ops old = {.size = offsetof(awsv2_signer_ops, key_policy),
                            .sign = sign_nothing};
    awsv2_signer_ops ops = {.size = sizeof ops, .sign = sign_nothing,
                            .key_policy = fake_policy, .audit_read = fake_audit};
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    char buf[AWSV2_KEY_POLICY_SIZE];
    awsv2_audit_entry e = AWSV2_AUDIT_ENTRY_INIT;
    ck_assert_int_eq(awsv2_signer_new(&s, &old, NULL, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_key_policy(s, "AKIAIOSFODNN7EXAMPLE", buf, sizeof buf, &err),
                     AWSV2_E_UNAVAILABLE);
    ck_assert_int_eq(awsv2_signer_audit_read(s, 0, &e, &err), AWSV2_E_UNAVAILABLE);
    ck_assert_int_eq(awsv2_signer_audit_mode(s, "strict", &err), AWSV2_E_UNAVAILABLE);
    awsv2_signer_close(s);
    ck_assert_int_eq(awsv2_signer_new(&s, &ops, NULL, NULL, &err), AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_key_policy(s, "AKIAIOSFODNN7EXAMPLE", buf, sizeof buf, &err),
                     AWSV2_OK);
    ck_assert_str_eq(buf, "rate=20/s");
    ck_assert_int_eq(awsv2_signer_key_policy(s, "akia", buf, sizeof buf, &err), AWSV2_E_INVALID);
    ck_assert_int_eq(awsv2_signer_audit_read(s, 1, &e, &err), AWSV2_OK);
    ck_assert_str_eq(e.line, records[1]);
    ck_assert_int_eq(awsv2_signer_audit_mode(s, "sometimes", &err), AWSV2_E_INVALID);
    awsv2_signer_close(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("key_policy");
    TCase *t = tcase_create("policy");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, empty_policy_is_empty_text);
    tcase_add_test(t, fields_come_out_in_the_device_order);
    tcase_add_loop_test(t, bad_value_names_the_field_and_changes_nothing, 0,
                        (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(t, too_long_for_the_device);
    suite_add_tcase(s, t);
    TCase *a = tcase_create("audit");
    tcase_add_test(a, audit_chain_from_python);
    tcase_add_test(a, audit_forged_or_removed_records_fail);
    tcase_add_test(a, audit_restart_chains_from_what_it_names);
    tcase_add_test(a, custom_signer_operations);
    suite_add_tcase(s, a);
    return check_run(s);
}
