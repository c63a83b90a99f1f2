/* DERIVE-AWS-V4 (docs/serial-protocol.md, docs/policy.md): the scoped key
 * a policy with scoped-key=1 lets out, compared with the vectors'
 * signing_key entries and OpenSSL's derivation; every refusal; the
 * device's time; the audit record; no copy left in the reply buffer. */
#define _GNU_SOURCE /* memmem */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/check_run.h"
#include "core_io.h"
#include "hsm_protocol.h"
#include "memstore.h"
#include "sigv4_vectors.h"

#define ID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static memstore store;
static hsm_keystore ks;
static hsm_protocol proto;
static void setup(void)
{
	memstore_init(&store);
	fake_ms = 1000;
	ck_assert_int_eq(hsm_keystore_load(&ks, &store.storage), HSM_KS_OK);
	hsm_keystore_set_clock(&ks, fake_tick, NULL);
	hsm_protocol_init(&proto, &ks, collect, NULL);
}

/* A request given as a C string, NUL added. */
static const char *ask(const char *req)
{
	replies[0] = '\0';
	hsm_protocol_feed(&proto, req, strlen(req) + 1);
	return replies;
}

static void put_key(const char *id, const char *secret, const char *policy)
{
	char req[512];

	snprintf(req, sizeof req, "PUT-KEY %s %s%s%s", id, secret, *policy ? " " : "", policy);
	ck_assert_str_eq(ask(req), "OK\n");
}

static const char *derive(const char *id, const char *date, const char *region,
			  const char *service)
{
	char req[256];

	snprintf(req, sizeof req, "DERIVE-AWS-V4 %s %s %s %s", id, date, region, service);
	return ask(req);
}

/* What OpenSSL says the reply to a DERIVE is. */
static void want_key(char *want, const char *date, const char *region, const char *service)
{
	unsigned char k[32];

	sigv4_oracle_key(SECRET, date, region, service, k);
	strcpy(want, "SUCCESS ");
	for (int i = 0; i < 32; i++)
		sprintf(want + 8 + 2 * i, "%02x", k[i]);
	strcat(want, "\n");
}

START_TEST(derives_every_vector_key)
{
	const sigv4_vector *v;
	size_t n = sigv4_vectors(&v), seen = 0;
	char want[128];

	for (size_t i = 0; i < n; i++) {
		if (!v[i].signing_key || strcmp(v[i].kind, "signing-key") != 0)
			continue;
		if (seen == 0)
			put_key(ID, v[i].secret, "scoped-key=1");
		ck_assert_str_eq(v[i].secret, SECRET);
		snprintf(want, sizeof want, "SUCCESS %s\n", v[i].signing_key);
		ck_assert_str_eq(derive(ID, v[i].date, v[i].region, v[i].service), want);
		/* The reply buffer keeps no copy of the key. */
		ck_assert_ptr_null(memmem(proto.out, sizeof proto.out, v[i].signing_key, 64));
		seen++;
	}
	ck_assert_uint_ge(seen, 3);
	/* One the vectors do not hold, against OpenSSL. */
	want_key(want, "20280229", "eu-west-3", "sqs");
	ck_assert_str_eq(derive(ID, "20280229", "eu-west-3", "sqs"), want);
}
END_TEST

START_TEST(refusals)
{
	char want[128];

	ck_assert_str_eq(derive(ID, "20261121", "us-east-1", "sqs"),
			 "ERROR unknown-awsaccesskey\n");
	put_key(ID, SECRET, "");
	/* The empty policy allows signing everything, but not a scoped key. */
	ck_assert_str_eq(derive(ID, "20261121", "us-east-1", "sqs"), "ERROR policy-denied\n");
	put_key("AKIAIOSFODNN7EXAMPL2", SECRET, "region=us-east-1;service=sqs;version=4;scoped-key=1");
	want_key(want, "20261121", "us-east-1", "sqs");
	ck_assert_str_eq(derive("AKIAIOSFODNN7EXAMPL2", "20261121", "us-east-1", "sqs"), want);
	ck_assert_str_eq(derive("AKIAIOSFODNN7EXAMPL2", "20261121", "us-west-2", "sqs"),
			 "ERROR policy-denied\n");
	ck_assert_str_eq(derive("AKIAIOSFODNN7EXAMPL2", "20261121", "us-east-1", "ec2"),
			 "ERROR policy-denied\n");
	/* Limits a derived key could not carry refuse it. */
	put_key("AKIAIOSFODNN7EXAMPL3", SECRET, "action=SendMessage;scoped-key=1");
	ck_assert_str_eq(derive("AKIAIOSFODNN7EXAMPL3", "20261121", "us-east-1", "sqs"),
			 "ERROR policy-denied\n");
	put_key("AKIAIOSFODNN7EXAMPL4", SECRET, "host=sqs.us-east-1.amazonaws.com;scoped-key=1");
	ck_assert_str_eq(derive("AKIAIOSFODNN7EXAMPL4", "20261121", "us-east-1", "sqs"),
			 "ERROR policy-denied\n");
	put_key("AKIAIOSFODNN7EXAMPL5", SECRET, "version=2;scoped-key=1");
	ck_assert_str_eq(derive("AKIAIOSFODNN7EXAMPL5", "20261121", "us-east-1", "sqs"),
			 "ERROR policy-denied\n");
	put_key("AKIAIOSFODNN7EXAMPL6", SECRET, "method=GET;scoped-key=1");
	ck_assert_str_eq(derive("AKIAIOSFODNN7EXAMPL6", "20261121", "us-east-1", "sqs"),
			 "ERROR policy-denied\n");
	/* The scope's own checks come first. */
	put_key("AKIAIOSFODNN7EXAMPL7", SECRET, "scoped-key=1");
	ck_assert_str_eq(derive("AKIAIOSFODNN7EXAMPL7", "20261301", "us-east-1", "sqs"),
			 "ERROR invalid-scope\n");
	ck_assert_str_eq(derive("AKIAIOSFODNN7EXAMPL7", "2026112", "us-east-1", "sqs"),
			 "ERROR invalid-scope\n");
	ck_assert_str_eq(derive("AKIAIOSFODNN7EXAMPL7", "202611211", "us-east-1", "sqs"),
			 "ERROR invalid-scope\n");
	ck_assert_str_eq(derive("AKIAIOSFODNN7EXAMPL7", "2026112x", "us-east-1", "sqs"),
			 "ERROR invalid-scope\n");
	ck_assert_str_eq(derive("AKIAIOSFODNN7EXAMPL7", "20261121", "US-EAST-1", "sqs"),
			 "ERROR invalid-scope\n");
	ck_assert_str_eq(derive("AKIAIOSFODNN7EXAMPL7", "20261121", "us-east-1", "s/q"),
			 "ERROR invalid-scope\n");
	ck_assert_str_eq(derive("akia", "20261121", "us-east-1", "sqs"),
			 "ERROR invalid-awsaccesskeyid\n");
	ck_assert_str_eq(ask("DERIVE-AWS-V4 AKIAIOSFODNN7EXAMPL7 20261121 us-east-1"),
			 "ERROR invalid-command\n");
	ck_assert_str_eq(ask("DERIVE-AWS-V4 AKIAIOSFODNN7EXAMPL7 20261121 us-east-1 sqs x"),
			 "ERROR invalid-scope\n");
}
END_TEST

START_TEST(rate_limit)
{
	char want[128];

	put_key(ID, SECRET, "rate=1/min;scoped-key=1");
	want_key(want, "20261121", "us-east-1", "sqs");
	ck_assert_str_eq(derive(ID, "20261121", "us-east-1", "sqs"), want);
	ck_assert_str_eq(derive(ID, "20261121", "us-east-1", "sqs"), "ERROR rate-limited\n");
	fake_ms += 60000;
	ck_assert_str_eq(derive(ID, "20261121", "us-east-1", "sqs"), want);
}
END_TEST

/* With expires=N the date may begin at most N seconds after the device's
 * time; without a time the device refuses. */
START_TEST(device_time)
{
	char want[128];
	static const char sign[] =
		"SIGN-AWS-V4 " ID " us-east-1 sqs\nPOST\n/\n\nhost:sqs.us-east-1.amazonaws.com\n"
		"x-amz-date:20261121T120000Z\n\nhost;x-amz-date\n" EMPTY_SHA256 "\n";

	put_key(ID, SECRET, "expires=900;scoped-key=1");
	ck_assert_str_eq(derive(ID, "20261121", "us-east-1", "sqs"), "ERROR policy-denied\n");
	/* A DERIVE sets no time: a SIGN-AWS-V4 does. */
	ck_assert_str_eq(derive(ID, "20261121", "us-east-1", "sqs"), "ERROR policy-denied\n");
	ck_assert_int_eq(strncmp(ask(sign), "SUCCESS ", 8), 0);
	want_key(want, "20261121", "us-east-1", "sqs");
	ck_assert_str_eq(derive(ID, "20261121", "us-east-1", "sqs"), want);
	want_key(want, "20261120", "us-east-1", "sqs");
	ck_assert_str_eq(derive(ID, "20261120", "us-east-1", "sqs"), want);
	ck_assert_str_eq(derive(ID, "20261122", "us-east-1", "sqs"), "ERROR policy-denied\n");
	/* 11:45:01 later, midnight is 899 seconds ahead. */
	fake_ms += (11 * 3600 + 45 * 60 + 1) * 1000u;
	want_key(want, "20261122", "us-east-1", "sqs");
	ck_assert_str_eq(derive(ID, "20261122", "us-east-1", "sqs"), want);
}
END_TEST

/* Each DERIVE, allowed or refused, is an audit record: version 4, no action
 * or host, its result, the hash of its arguments. */
START_TEST(audited)
{
	char rec[1024], hash[65];
	const char *args = ID " 20261121 us-east-1 sqs";
	int oks = 0, denied = 0;

	put_key(ID, SECRET, "region=us-east-1;scoped-key=1");
	ck_assert_int_eq(strncmp(derive(ID, "20261121", "us-east-1", "sqs"), "SUCCESS ", 8), 0);
	ck_assert_str_eq(derive(ID, "20261121", "eu-west-1", "sqs"), "ERROR policy-denied\n");
	sigv4_sha256_hex(args, strlen(args), hash);
	for (int seq = 0; seq < 8; seq++) {
		snprintf(rec, sizeof rec, "AUDIT %d", seq);
		snprintf(rec, sizeof rec, "%s", ask(rec));
		if (strstr(rec, " " ID " 4 - - ok ") && strstr(rec, hash))
			oks++;
		if (strstr(rec, " " ID " 4 - - policy-denied "))
			denied++;
	}
	ck_assert_int_eq(oks, 1);
	ck_assert_int_eq(denied, 1);
}
END_TEST

static Suite *derive_suite(void)
{
	Suite *s = suite_create("firmware-derive");
	TCase *tc = tcase_create("derive");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, derives_every_vector_key);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, rate_limit);
	tcase_add_test(tc, device_time);
	tcase_add_test(tc, audited);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(derive_suite());
}
