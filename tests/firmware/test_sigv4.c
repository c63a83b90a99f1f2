/* SIGN-AWS-V4 through the firmware core's protocol: every known-answer
 * vector (tests/core/sigv4.jsonl, botocore's signatures and AWS's
 * documented example) signed as a device signs it, and each refusal of
 * docs/serial-protocol.md with its code. Expected signatures come from
 * the vectors or from OpenSSL, never from the core. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../common/check_run.h"
#include "hsm_protocol.h"
#include "memstore.h"
#include "sigv4_vectors.h"

#define ID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static memstore store;
static hsm_keystore ks;
static hsm_protocol proto;
static char replies[64 * 1024];
static size_t replies_len;

/* A POST of DescribeInstances (the vector ec2-describe-instances-post as
 * AWS checks it) and its form body. */
static const char post_cr[] =
	"POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\n"
	"host:ec2.eu-central-1.amazonaws.com\nx-amz-date:20261121T120000Z\n\n"
	"content-type;host;x-amz-date\n";
static const char post_body[] = "Action=DescribeInstances&Version=2016-11-15";

/* A presigned GET signed over UNSIGNED-PAYLOAD. */
static const char unsigned_cr[] =
	"GET\n/\nAction=DescribeInstances&Version=2016-11-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
	"X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261121%2Feu-central-1%2Fec2%2Faws4_request&"
	"X-Amz-Date=20261121T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host\n"
	"host:ec2.eu-central-1.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD";

static void collect(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	ck_assert_uint_lt(replies_len + len, sizeof replies);
	memcpy(replies + replies_len, line, len);
	replies_len += len;
	replies[replies_len] = '\0';
}

static void setup(void)
{
	memstore_init(&store);
	ck_assert_int_eq(hsm_keystore_load(&ks, &store.storage), HSM_KS_OK);
	hsm_protocol_init(&proto, &ks, collect, NULL);
}

static const char *feed(const char *data, size_t len)
{
	replies_len = 0;
	replies[0] = '\0';
	hsm_protocol_feed(&proto, data, len);
	return replies;
}

#define REQ(s) feed(s, sizeof(s) - 1)

static void put_key(const char *id, const char *secret)
{
	char req[256];
	int n = snprintf(req, sizeof req, "PUT-KEY %s %s", id, secret);

	ck_assert_str_eq(feed(req, (size_t)n + 1), "OK\n");
}

/* SIGN-AWS-V4 of cr, followed by '\n' and payload unless payload is NULL. */
static const char *sign4(const char *id, const char *region, const char *service, const char *cr,
			 const char *payload)
{
	static char req[3 * HSM_REQUEST_MAX];
	int n = snprintf(req, sizeof req, "SIGN-AWS-V4 %s %s %s\n%s%s%s", id, region, service, cr,
			 payload ? "\n" : "", payload ? payload : "");

	ck_assert_int_lt(n, (int)sizeof req);
	return feed(req, (size_t)n + 1);
}

static void hex(const unsigned char *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* The reply a device owes for cr, computed by OpenSSL from AWS's
 * definition: the string to sign, the key chain, the signature. */
static void expected(char *out, const char *secret, const char *amz_date, const char *region,
		     const char *service, const char *cr)
{
	unsigned char k[EVP_MAX_MD_SIZE], d[32];
	char key[128], sts[512], h[65];
	const char *parts[4] = { NULL, region, service, "aws4_request" };
	char date[9];
	unsigned int n = 0;

	memcpy(date, amz_date, 8);
	date[8] = '\0';
	parts[0] = date;
	snprintf(key, sizeof key, "AWS4%s", secret);
	memcpy(k, key, strlen(key));
	n = (unsigned int)strlen(key);
	for (int i = 0; i < 4; i++)
		HMAC(EVP_sha256(), k, (int)n, (const unsigned char *)parts[i], strlen(parts[i]), k, &n);
	EVP_Digest(cr, strlen(cr), d, NULL, EVP_sha256(), NULL);
	hex(d, 32, h);
	snprintf(sts, sizeof sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", amz_date, date,
		 region, service, h);
	HMAC(EVP_sha256(), k, (int)n, (const unsigned char *)sts, strlen(sts), d, &n);
	strcpy(out, "SUCCESS ");
	hex(d, 32, out + 8);
	strcat(out, "\n");
}

static void post_request(char *cr, size_t size, const char *body)
{
	char h[65];

	sigv4_sha256_hex(body, strlen(body), h);
	snprintf(cr, size, "%s%s", post_cr, h);
}

START_TEST(signs_every_vector)
{
	const sigv4_vector *v;
	size_t n = sigv4_vectors(&v), seen = 0;

	for (size_t i = 0; i < n; i++) {
		char want[128];
		if (!v[i].signed_request)
			continue;
		if (!strstr(REQ("KEYS\0"), v[i].key_id))
			put_key(v[i].key_id, v[i].secret);
		snprintf(want, sizeof want, "SUCCESS %s\n", v[i].signature);
		/* A presigned GET's payload hash is that of an empty payload. */
		ck_assert_msg(strcmp(sign4(v[i].key_id, v[i].region, v[i].service, v[i].signed_request,
					   v[i].body ? v[i].body : ""), want) == 0,
			      "%s: %s", v[i].name, replies);
		seen++;
	}
	ck_assert_uint_ge(seen, 12);
}
END_TEST

/* AWS's documented example (IAM ListUsers, GET with an Authorization
 * header): its published canonical request and signature. */
START_TEST(signs_the_aws_example)
{
	const sigv4_vector *v;
	size_t n = sigv4_vectors(&v), i;
	char want[128];

	for (i = 0; i < n && strcmp(v[i].name, "aws-doc-iam-listusers") != 0; i++)
		;
	ck_assert_uint_lt(i, n);
	put_key(v[i].key_id, v[i].secret);
	snprintf(want, sizeof want, "SUCCESS %s\n", v[i].signature);
	ck_assert_str_eq(sign4(v[i].key_id, "us-east-1", "iam",
			       "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
			       "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
			       "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
			       "content-type;host;x-amz-date\n" EMPTY_SHA256, ""),
			 want);
}
END_TEST

START_TEST(signs_unsigned_payload_and_post)
{
	char cr[1024], want[128];

	put_key(ID, SECRET);
	expected(want, SECRET, "20261121T120000Z", "eu-central-1", "ec2", unsigned_cr);
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2", unsigned_cr, NULL), want);
	post_request(cr, sizeof cr, post_body);
	expected(want, SECRET, "20261121T120000Z", "eu-central-1", "ec2", cr);
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2", cr, post_body), want);
	/* An empty body is a payload too. */
	post_request(cr, sizeof cr, "");
	expected(want, SECRET, "20261121T120000Z", "eu-central-1", "ec2", cr);
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2", cr, ""), want);
	/* A payload is hashed as sent, whatever its bytes. */
	post_request(cr, sizeof cr, "a\nb\n\n\tc\x80");
	expected(want, SECRET, "20261121T120000Z", "eu-central-1", "ec2", cr);
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2", cr, "a\nb\n\n\tc\x80"), want);
}
END_TEST

START_TEST(refusals)
{
	char cr[1024];

	put_key(ID, SECRET);
	post_request(cr, sizeof cr, post_body);
	/* A bare hash is not a canonical request: the device signs only what
	 * it hashed. */
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2", EMPTY_SHA256, NULL),
			 "ERROR invalid-canonical-request\n");
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2", EMPTY_SHA256, ""),
			 "ERROR invalid-canonical-request\n");
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2",
			       "AWS4-HMAC-SHA256\n20261121T120000Z\n20261121/eu-central-1/ec2/aws4_request\n"
			       EMPTY_SHA256, NULL),
			 "ERROR invalid-canonical-request\n");
	/* The payload must be the one the canonical request names. */
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2", cr, "Action=DescribeInstances&Version=2016-11-16"),
			 "ERROR payload-mismatch\n");
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2", cr, ""), "ERROR payload-mismatch\n");
	/* A payload hash without a payload, UNSIGNED-PAYLOAD with one. */
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2", cr, NULL), "ERROR invalid-canonical-request\n");
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2", unsigned_cr, ""), "ERROR invalid-canonical-request\n");
	/* Scope */
	ck_assert_str_eq(sign4(ID, "EU-CENTRAL-1", "ec2", cr, post_body), "ERROR invalid-scope\n");
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2/x", cr, post_body), "ERROR invalid-scope\n");
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2 x", cr, post_body), "ERROR invalid-scope\n");
	ck_assert_str_eq(sign4(ID, "us-east-1", "ec2", unsigned_cr, NULL), "ERROR invalid-scope\n");
	ck_assert_str_eq(sign4(ID, "eu-central-1", "sqs", unsigned_cr, NULL), "ERROR invalid-scope\n");
	/* No timestamp. */
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2",
			       "POST\n/\n\nhost:ec2.eu-central-1.amazonaws.com\n\nhost\n" EMPTY_SHA256, ""),
			 "ERROR invalid-canonical-request\n");
	/* Keys */
	ck_assert_str_eq(sign4("AKIANOTSTORED", "eu-central-1", "ec2", cr, post_body),
			 "ERROR unknown-awsaccesskey\n");
	ck_assert_str_eq(sign4("akia", "eu-central-1", "ec2", cr, post_body),
			 "ERROR invalid-awsaccesskeyid\n");
	ck_assert_str_eq(sign4("", "eu-central-1", "ec2", cr, post_body), "ERROR invalid-awsaccesskeyid\n");
	/* The header line */
	ck_assert_str_eq(REQ("SIGN-AWS-V4\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("SIGN-AWS-V4 " ID " eu-central-1 ec2\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("SIGN-AWS-V4 " ID " eu-central-1\nPOST\n/\n\n\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("SIGN-AWS-V4 " ID "\n\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("SIGN-AWS-V4 " ID " eu-central-1 ec2\n\0"), "ERROR invalid-canonical-request\n");
	ck_assert_str_eq(REQ("SIGN-AWS-V4 " ID " eu-central-1 ec2\nGET\n/\n\0"),
			 "ERROR invalid-canonical-request\n");
}
END_TEST

/* The longest request is signed; one byte more is too long. */
START_TEST(request_limit)
{
	static char body[HSM_REQUEST_MAX], cr[1024];
	char want[128];
	size_t head, fill;

	put_key(ID, SECRET);
	post_request(cr, sizeof cr, "");
	head = strlen("SIGN-AWS-V4 " ID " eu-central-1 ec2\n") + strlen(cr) + 1;
	fill = HSM_REQUEST_MAX - head;
	memset(body, 'x', fill);
	body[fill] = '\0';
	post_request(cr, sizeof cr, body);
	expected(want, SECRET, "20261121T120000Z", "eu-central-1", "ec2", cr);
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2", cr, body), want);
	body[fill] = 'x';
	body[fill + 1] = '\0';
	post_request(cr, sizeof cr, body);
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2", cr, body), "ERROR message-too-long\n");
}
END_TEST

/* A key deleted and stored again with another secret signs with the new
 * one: no signing key derived from the old secret survives. */
START_TEST(new_secret_new_signing_key)
{
	char cr[1024], want[128];

	post_request(cr, sizeof cr, post_body);
	put_key(ID, SECRET);
	expected(want, SECRET, "20261121T120000Z", "eu-central-1", "ec2", cr);
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2", cr, post_body), want);
	ck_assert_str_eq(REQ("DELETE-KEY " ID "\0"), "OK\n");
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2", cr, post_body), "ERROR unknown-awsaccesskey\n");
	put_key(ID, "another-secret");
	expected(want, "another-secret", "20261121T120000Z", "eu-central-1", "ec2", cr);
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2", cr, post_body), want);
}
END_TEST

/* Signatures of many scopes (more than the cache holds), twice over, in
 * one pipelined stream with SigV2 requests between them: each right, in
 * order. */
START_TEST(pipelined_scopes)
{
	static const char *const regions[] = { "us-east-1", "eu-west-1", "ap-south-1", "sa-east-1",
					       "eu-central-1", "us-west-2" };
	static char buf[32 * 1024], want[8 * 1024];
	size_t n = 0;

	put_key(ID, SECRET);
	want[0] = '\0';
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++) {
			char cr[1024], body[64];
			snprintf(body, sizeof body, "Action=DescribeInstances&N=%zu", i);
			post_request(cr, sizeof cr, body);
			n += (size_t)sprintf(buf + n, "SIGN-AWS-V4 %s %s ec2\n%s\n%s", ID, regions[i], cr, body) + 1;
			expected(want + strlen(want), SECRET, "20261121T120000Z", regions[i], "ec2", cr);
			n += (size_t)sprintf(buf + n, "PING %zu", i) + 1;
			sprintf(want + strlen(want), "PONG %zu " HSM_FIRMWARE_VERSION " " HSM_FEATURE_DELTA "\n", i);
		}
	}
	ck_assert_str_eq(feed(buf, n), want);
}
END_TEST

/* A store that came up faulty refuses every change but still signs. */
START_TEST(faulty_store_signs)
{
	char cr[1024], want[128];

	put_key(ID, SECRET);
	store.fail_read_pages = 1u << 0;
	hsm_keystore_wipe(&ks);
	ck_assert_int_eq(hsm_keystore_load(&ks, &store.storage), HSM_KS_STORAGE);
	ck_assert_str_eq(REQ("PING 1\0"), "PONG 1 " HSM_FIRMWARE_VERSION " " HSM_FEATURE_DELTA " store-fault\n");
	ck_assert_str_eq(REQ("KEYS\0"), "KEYS " ID "\n");
	ck_assert_str_eq(REQ("PUT-KEY AKIA2 s\0"), "ERROR storage-failure\n");
	ck_assert_str_eq(REQ("DELETE-KEY " ID "\0"), "ERROR storage-failure\n");
	ck_assert_str_eq(REQ("DELETE-KEY AKIA2\0"), "ERROR storage-failure\n");
	ck_assert_str_eq(REQ("LOCK\0"), "ERROR storage-failure\n");
	post_request(cr, sizeof cr, post_body);
	expected(want, SECRET, "20261121T120000Z", "eu-central-1", "ec2", cr);
	ck_assert_str_eq(sign4(ID, "eu-central-1", "ec2", cr, post_body), want);
}
END_TEST

static Suite *sigv4_suite(void)
{
	Suite *s = suite_create("firmware-sigv4");
	TCase *tc = tcase_create("sigv4");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, signs_every_vector);
	tcase_add_test(tc, signs_the_aws_example);
	tcase_add_test(tc, signs_unsigned_payload_and_post);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, request_limit);
	tcase_add_test(tc, new_secret_new_signing_key);
	tcase_add_test(tc, pipelined_scopes);
	tcase_add_test(tc, faulty_store_signs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(sigv4_suite());
}
