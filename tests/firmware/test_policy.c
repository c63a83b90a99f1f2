/* The device decides (docs/policy.md): key policies stored with PUT-KEY
 * and read back with POLICY, every dimension allowed and refused, policies
 * that parse but could mislead, LOCK, the rate limit under a burst, the
 * device's time, the audit log's hash chain across reads and restarts,
 * and a power cut at every byte of a policy write. The core runs over the
 * in-memory flash with a fake millisecond clock; every expected MAC and
 * every expected chain value comes from OpenSSL. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "../common/check_run.h"
#include "awsv2_policy.h"
#include "core_io.h"
#include "hsm_protocol.h"
#include "memstore.h"

#define ID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define SQS "sqs.us-east-1.amazonaws.com"
#define QUEUE_POLICY "action=SendMessage;host=" SQS ";region=us-east-1;service=sqs"
#define T0 "2026-01-02T03%3A04%3A05Z"   /* 1767323045 */
#define T0_UNIX 1767323045

static memstore store;
static hsm_keystore ks;
static hsm_protocol proto;
/* Power-up: load the store from flash, start the clock. */
static void boot(void)
{
	hsm_keystore_wipe(&ks);
	hsm_keystore_load(&ks, &store.storage);
	hsm_keystore_set_clock(&ks, fake_tick, NULL);
	hsm_protocol_init(&proto, &ks, collect, NULL);
}

static void setup(void)
{
	memstore_init(&store);
	fake_ms = 1000;
	boot();
}

static const char *feed(const char *data, size_t len)
{
	replies[0] = '\0';
	nreplies = 0;
	hsm_protocol_feed(&proto, data, len);
	return replies;
}

#define REQ(s) feed(s, sizeof(s) - 1)

/* A request given as a C string, NUL added. */
static const char *ask(const char *req)
{
	return feed(req, strlen(req) + 1);
}

static void put_key(const char *policy)
{
	char req[512];

	snprintf(req, sizeof req, "PUT-KEY " ID " " SECRET "%s%s", *policy ? " " : "", policy);
	ck_assert_str_eq(ask(req), "OK\n");
}

static void hex(const unsigned char *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* Signs "METHOD\nhost\n/\nquery" with SIGN-AWS-V2 and returns the reply;
 * want gets what OpenSSL says a success is. */
static const char *sign2(const char *method, const char *host, const char *query, char *want)
{
	static char req[4096];
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int len = snprintf(req, sizeof req, "SIGN-AWS-V2 %s\n%s\n/\n%s", method, host, query);

	HMAC(EVP_sha256(), SECRET, (int)strlen(SECRET), (unsigned char *)req + 12,
	     (size_t)len - 12, mac, &n);
	strcpy(want, "SUCCESS ");
	hex(mac, n, want + 8);
	strcat(want, "\n");
	return feed(req, (size_t)len + 1);
}

/* Whether a SIGN-AWS-V2 of query (key ID, HmacSHA256) gets a correct
 * signature; otherwise the reply must be ERROR code. */
static void v2(const char *host, const char *query, const char *code)
{
	char q[2048], want[128], err[64];
	const char *got;

	snprintf(q, sizeof q, "AWSAccessKeyId=" ID "&%s&SignatureMethod=HmacSHA256", query);
	got = sign2("POST", host, q, want);
	if (code) {
		snprintf(err, sizeof err, "ERROR %s\n", code);
		ck_assert_msg(strcmp(got, err) == 0, "%s: got %s", query, got);
	} else {
		ck_assert_str_eq(got, want);
	}
}

static void hmac256(const void *key, size_t klen, const char *msg, unsigned char out[32])
{
	unsigned int n = 32;

	HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out, &n);
}

static void sha256_hex(const char *s, size_t n, char out[65])
{
	unsigned char d[32];

	SHA256((const unsigned char *)s, n, d);
	hex(d, 32, out);
}

/* SIGN-AWS-V4 of cr (and payload, NULL for UNSIGNED-PAYLOAD) for region,
 * service and the date in amz_date; code NULL: must be the signature
 * OpenSSL computes. */
static void v4(const char *region, const char *service, const char *amz_date, const char *cr,
	       const char *payload, const char *code)
{
	static char req[8192];
	char k[64], scope[128], sts[512], h[65], want[128];
	unsigned char kd[32];
	int len = snprintf(req, sizeof req, "SIGN-AWS-V4 " ID " %s %s\n%s%s%s", region, service, cr,
			   payload ? "\n" : "", payload ? payload : "");
	const char *got = feed(req, (size_t)len + 1);

	if (code) {
		snprintf(want, sizeof want, "ERROR %s\n", code);
		ck_assert_str_eq(got, want);
		return;
	}
	snprintf(k, sizeof k, "AWS4%s", SECRET);
	snprintf(scope, sizeof scope, "%.8s", amz_date);
	hmac256(k, strlen(k), scope, kd);
	hmac256(kd, 32, region, kd);
	hmac256(kd, 32, service, kd);
	hmac256(kd, 32, "aws4_request", kd);
	sha256_hex(cr, strlen(cr), h);
	snprintf(sts, sizeof sts, "AWS4-HMAC-SHA256\n%s\n%.8s/%s/%s/aws4_request\n%s", amz_date,
		 amz_date, region, service, h);
	hmac256(kd, 32, sts, kd);
	strcpy(want, "SUCCESS ");
	hex(kd, 32, want + 8);
	strcat(want, "\n");
	ck_assert_str_eq(got, want);
}

/* A SigV4 POST of payload to host at amz_date, as SQS takes it. */
static void v4_post(const char *host, const char *region, const char *service,
		    const char *amz_date, const char *payload, const char *code)
{
	char cr[2048], h[65];

	sha256_hex(payload, strlen(payload), h);
	snprintf(cr, sizeof cr, "POST\n/\n\nhost:%s\nx-amz-date:%s\n\nhost;x-amz-date\n%s", host,
		 amz_date, h);
	v4(region, service, amz_date, cr, payload, code);
}

/* A presigned GET (X-Amz-Expires expires, or none when NULL). */
static void v4_presigned(const char *amz_date, const char *expires, const char *code)
{
	char cr[2048];

	snprintf(cr, sizeof cr, "GET\n/\nAction=SendMessage&MessageBody=hi"
		 "&X-Amz-Algorithm=AWS4-HMAC-SHA256"
		 "&X-Amz-Credential=" ID "%%2F%.8s%%2Fus-east-1%%2Fsqs%%2Faws4_request"
		 "&X-Amz-Date=%s%s%s&X-Amz-SignedHeaders=host\nhost:" SQS "\n\nhost\nUNSIGNED-PAYLOAD",
		 amz_date, amz_date, expires ? "&X-Amz-Expires=" : "", expires ? expires : "");
	v4("us-east-1", "sqs", amz_date, cr, NULL, code);
}

/* ---- The policy language ---------------------------------------------- */

START_TEST(test_parse)
{
	static const char *const good[] = {
		"", "action=SendMessage", QUEUE_POLICY, "version=2,4", "version=4;method=POST",
		"host=sqs.us-east-1.amazonaws.com:443", "expires=300;rate=10/s",
		"rate=1/min;scoped-key=1", "action=A,B,C;host=a,b.c;region=eu-west-1;service=ec2,sqs;"
		"version=2;method=GET,POST;expires=604800;rate=1000000/s;scoped-key=1",
	};
	static const char *const bad[] = {
		"action", "action=", "action=Send-Message", "action=A,,B", "action=A,", "bogus=1",
		"host=SQS.example", "host=a:0", "host=a:65536", "host=:80", "region=US", "version=3",
		"method=PUT", "method=get", "expires=0", "expires=604801", "expires=07", "rate=1",
		"rate=0/s", "rate=1/h", "scoped-key=0", "action=A;action=B",
		"host=a;action=A" /* order */, "action=A;", ";action=A", "action=A;;host=a",
	};
	awsv2__policy p;

	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		ck_assert_msg(awsv2__policy_parse(good[i], strlen(good[i]), &p) == 0, "%s", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(awsv2__policy_parse(bad[i], strlen(bad[i]), &p) != 0, "%s", bad[i]);
	ck_assert_int_eq(awsv2__policy_parse("expires=300;rate=10/min", 23, &p), 0);
	ck_assert_uint_eq(p.max_expires, 300);
	ck_assert_uint_eq(p.rate, 10);
	ck_assert_uint_eq(p.rate_ms, 60000);
}
END_TEST

/* Unix times of SigV2's and SigV4's forms, against values Python's
 * calendar.timegm gives. */
START_TEST(test_times)
{
	ck_assert_int_eq(awsv2__policy_iso_time("2026-01-02T03:04:05Z", 20), T0_UNIX);
	ck_assert_int_eq(awsv2__policy_iso_time("2026-01-02T03:04:05.123Z", 24), T0_UNIX);
	ck_assert_int_eq(awsv2__policy_amz_time("20260102T030405Z", 16), T0_UNIX);
	ck_assert_int_eq(awsv2__policy_amz_time("20240229T235959Z", 16), 1709251199);
	ck_assert_int_eq(awsv2__policy_amz_time("20230229T000000Z", 16), -1);
	ck_assert_int_eq(awsv2__policy_iso_time("2026-01-02T03:04:05+00:00", 25), -1);
	ck_assert_int_eq(awsv2__policy_iso_time("2026-01-02T03:04:05.Z", 21), -1);
}
END_TEST

/* ---- PUT-KEY, POLICY, LOCK --------------------------------------------- */

START_TEST(test_put_and_read)
{
	ck_assert_str_eq(REQ("PUT-KEY AKIA1 s1\0"), "OK\n");
	ck_assert_str_eq(REQ("POLICY AKIA1\0"), "POLICY\n");
	ck_assert_str_eq(REQ("PUT-KEY AKIA2 s2 " QUEUE_POLICY "\0"), "OK\n");
	ck_assert_str_eq(REQ("POLICY AKIA2\0"), "POLICY " QUEUE_POLICY "\n");
	ck_assert_str_eq(REQ("PUT-KEY AKIA3 s3 action=\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("PUT-KEY AKIA3 s3 \0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("PUT-KEY AKIA3 s3 version=4 x\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("KEYS\0"), "KEYS AKIA1,AKIA2\n");
	ck_assert_str_eq(REQ("POLICY AKIA9\0"), "ERROR unknown-awsaccesskey\n");
	ck_assert_str_eq(REQ("POLICY akia\0"), "ERROR invalid-awsaccesskeyid\n");
	/* from flash, after a power cycle */
	boot();
	ck_assert_str_eq(REQ("POLICY AKIA2\0"), "POLICY " QUEUE_POLICY "\n");
	ck_assert_str_eq(REQ("POLICY AKIA1\0"), "POLICY\n");
	/* the longest policy fits a page */
	{
		char req[512], want[512], pol[AWSV2__POLICY_MAX + 2];

		memset(pol, 'A', sizeof pol);
		memcpy(pol, "action=", 7);
		for (size_t i = 7 + 64; i < sizeof pol - 1; i += 65)
			pol[i] = ',';
		pol[AWSV2__POLICY_MAX] = '\0';
		snprintf(req, sizeof req, "PUT-KEY AKIA4 s %s", pol);
		ck_assert_str_eq(ask(req), "OK\n");
		snprintf(want, sizeof want, "POLICY %s\n", pol);
		boot();
		ck_assert_str_eq(REQ("POLICY AKIA4\0"), want);
		pol[AWSV2__POLICY_MAX - 1] = ',';
		strcat(pol, "A");
		snprintf(req, sizeof req, "PUT-KEY AKIA5 s %s", pol);
		ck_assert_str_eq(ask(req), "ERROR invalid-command\n");
	}
}
END_TEST

START_TEST(test_lock_freezes)
{
	put_key(QUEUE_POLICY);
	ck_assert_str_eq(REQ("LOCK\0"), "OK\n");
	ck_assert_str_eq(REQ("DELETE-KEY " ID "\0"), "ERROR locked\n");
	ck_assert_str_eq(REQ("PUT-KEY AKIA2 s\0"), "ERROR locked\n");
	ck_assert_str_eq(REQ("PUT-KEY AKIA2 s version=2,4\0"), "ERROR locked\n");
	ck_assert_str_eq(REQ("AUDIT-MODE wrap\0"), "ERROR locked\n");
	boot();
	ck_assert_str_eq(REQ("POLICY " ID "\0"), "POLICY " QUEUE_POLICY "\n");
	v2(SQS, "Action=DeleteQueue", "policy-denied");
}
END_TEST

/* ---- Every dimension ----------------------------------------------------- */

START_TEST(test_empty_allows_all)
{
	put_key("");
	v2("anything.example", "Action=Anything", NULL);
	v2("127.0.0.1:8080", "Action=SendMessage&Action=DeleteQueue", NULL);
	v4_post(SQS, "eu-west-1", "ec2", "20260102T030405Z", "Action=X", NULL);
}
END_TEST

START_TEST(test_action)
{
	put_key("action=SendMessage,ReceiveMessage");
	v2(SQS, "Action=SendMessage", NULL);
	v2(SQS, "Action=ReceiveMessage", NULL);
	v2(SQS, "Action=DeleteQueue", "policy-denied");
	v2(SQS, "Version=2012-11-05", "policy-denied");  /* no Action */
	v4_post(SQS, "us-east-1", "sqs", "20260102T030405Z", "Action=SendMessage&MessageBody=x", NULL);
	v4_post(SQS, "us-east-1", "sqs", "20260102T030405Z", "Action=DeleteQueue", "policy-denied");
	v4_presigned("20260102T030405Z", "60", NULL);
}
END_TEST

/* Requests that name an allowed action somewhere, but not as their one
 * Action. */
START_TEST(test_action_misleading)
{
	put_key("action=SendMessage");
	/* a name that contains the allowed one */
	v2(SQS, "Action=SendMessageBatch", "policy-denied");
	v2(SQS, "Action=SendMessag", "policy-denied");
	v2(SQS, "XAction=SendMessage", "policy-denied");
	v2(SQS, "ActionX=SendMessage", "policy-denied");
	v2(SQS, "MessageBody=Action%3DSendMessage&Action=DeleteQueue", "policy-denied");
	/* case */
	v2(SQS, "Action=sendmessage", "policy-denied");
	v2(SQS, "action=SendMessage", "policy-denied");
	/* a second Action, before or after, or in the body of a SigV4 POST */
	v2(SQS, "Action=SendMessage&Action=DeleteQueue", "policy-denied");
	v2(SQS, "Action=DeleteQueue&Action=SendMessage", "policy-denied");
	v2(SQS, "Action=SendMessage&Action=SendMessage", "policy-denied");
	v4_post(SQS, "us-east-1", "sqs", "20260102T030405Z", "Action=SendMessage&Action=DeleteQueue",
		"policy-denied");
	/* percent-encoding: compared once decoded */
	v2(SQS, "Action=Send%4Dessage", NULL);
	v2(SQS, "Action=SendMessage%00", "policy-denied");
	v2(SQS, "Action=SendMessage%2CDeleteQueue", "policy-denied");
	v2(SQS, "Action=SendMessage%2", "policy-denied");
	v2(SQS, "Action=SendMessage+", "policy-denied");
	v2(SQS, "Action=", "policy-denied");
}
END_TEST

START_TEST(test_host)
{
	put_key("host=" SQS ",localhost:8080");
	v2(SQS, "Action=SendMessage", NULL);
	v2("SQS.US-EAST-1.AmazonAWS.com", "Action=SendMessage", NULL);  /* DNS ignores case */
	v2("localhost:8080", "Action=SendMessage", NULL);
	v2(SQS ":443", "Action=SendMessage", "policy-denied");            /* a port not listed */
	v2("localhost", "Action=SendMessage", "policy-denied");
	v2("localhost:80800", "Action=SendMessage", "policy-denied");
	v2(SQS ".", "Action=SendMessage", "policy-denied");
	v2("evil" SQS, "Action=SendMessage", "policy-denied");
	v2("sqs.us-east-1.amazonaws.com.evil.example", "Action=SendMessage", "policy-denied");
	v4_post(SQS, "us-east-1", "sqs", "20260102T030405Z", "Action=SendMessage", NULL);
	v4_post("sqs.eu-west-1.amazonaws.com", "us-east-1", "sqs", "20260102T030405Z",
		"Action=SendMessage", "policy-denied");
}
END_TEST

START_TEST(test_region_service)
{
	put_key("region=us-east-1;service=sqs");
	v4_post(SQS, "us-east-1", "sqs", "20260102T030405Z", "Action=SendMessage", NULL);
	v4_post(SQS, "us-east-2", "sqs", "20260102T030405Z", "Action=SendMessage", "policy-denied");
	v4_post(SQS, "us-east-1", "ec2", "20260102T030405Z", "Action=SendMessage", "policy-denied");
	/* SigV2: from the host name <service>.<region>.amazonaws.com only */
	v2(SQS, "Action=SendMessage", NULL);
	v2("sqs.us-east-2.amazonaws.com", "Action=SendMessage", "policy-denied");
	v2("ec2.us-east-1.amazonaws.com", "Action=SendMessage", "policy-denied");
	v2("queue.amazonaws.com", "Action=SendMessage", "policy-denied");
	v2(SQS ":443", "Action=SendMessage", "policy-denied");
	v2("x.sqs.us-east-1.amazonaws.com", "Action=SendMessage", "policy-denied");
	v2("127.0.0.1", "Action=SendMessage", "policy-denied");
}
END_TEST

START_TEST(test_version_method)
{
	put_key("version=4;method=POST");
	v4_post(SQS, "us-east-1", "sqs", "20260102T030405Z", "Action=SendMessage", NULL);
	v4_presigned("20260102T030405Z", "60", "policy-denied");  /* a GET */
	v2(SQS, "Action=SendMessage", "policy-denied");
	ck_assert_str_eq(REQ("DELETE-KEY " ID "\0"), "OK\n");
	put_key("version=2;method=GET");
	v4_presigned("20260102T030405Z", "60", "policy-denied");
	{
		char want[128];
		const char *got = sign2("GET", SQS, "AWSAccessKeyId=" ID "&Action=A"
					"&SignatureMethod=HmacSHA256", want);
		ck_assert_str_eq(got, want);
	}
	v2(SQS, "Action=SendMessage", "policy-denied");  /* v2() POSTs */
}
END_TEST

/* ---- The rate limit -------------------------------------------------------- */

START_TEST(test_rate_burst)
{
	put_key("rate=3/s");
	for (int i = 0; i < 3; i++)
		v2(SQS, "Action=A", NULL);
	v2(SQS, "Action=A", "rate-limited");
	v2(SQS, "Action=A", "rate-limited");
	fake_ms += 333;  /* 0.999 of a token */
	v2(SQS, "Action=A", "rate-limited");
	fake_ms += 1;
	v2(SQS, "Action=A", NULL);
	v2(SQS, "Action=A", "rate-limited");
	fake_ms += 60000;  /* a full bucket, no more */
	for (int i = 0; i < 3; i++)
		v2(SQS, "Action=A", NULL);
	v2(SQS, "Action=A", "rate-limited");
	/* the 32-bit tick wraps: time still goes forward */
	fake_ms = UINT32_MAX - 100;
	for (int i = 0; i < 3; i++)
		v2(SQS, "Action=A", NULL);
	v2(SQS, "Action=A", "rate-limited");
	fake_ms = 233;  /* 334 ms later: one token */
	v2(SQS, "Action=A", NULL);
	v2(SQS, "Action=A", "rate-limited");
	/* a refused request (policy) takes no token; per minute */
	ck_assert_str_eq(REQ("DELETE-KEY " ID "\0"), "OK\n");
	put_key("action=A;rate=2/min");
	v2(SQS, "Action=B", "policy-denied");
	v2(SQS, "Action=A", NULL);
	v2(SQS, "Action=A", NULL);
	v2(SQS, "Action=A", "rate-limited");
	fake_ms += 30000;
	v2(SQS, "Action=A", NULL);
	v2(SQS, "Action=A", "rate-limited");
}
END_TEST

/* ---- Time ------------------------------------------------------------------ */

START_TEST(test_time)
{
	put_key("expires=300");
	/* no time yet: an Expires-only string has nothing to be measured from */
	v2(SQS, "Action=A&Expires=" T0, "policy-denied");
	v2(SQS, "Action=A", "policy-denied");  /* no time at all */
	/* the first signature anchors the device's time at T0 */
	v2(SQS, "Action=A&Timestamp=" T0, NULL);
	v2(SQS, "Action=A&Timestamp=2026-01-02T03%3A09%3A05Z", NULL);          /* T0 + 300 */
	v2(SQS, "Action=A&Timestamp=2026-01-02T03%3A09%3A06Z", "policy-denied"); /* T0 + 301 */
	v2(SQS, "Action=A&Expires=2026-01-02T03%3A09%3A05Z", NULL);
	v2(SQS, "Action=A&Expires=2026-01-03T03%3A04%3A05Z", "policy-denied");
	v2(SQS, "Action=A&Timestamp=2025-01-02T03%3A04%3A05Z", NULL);  /* the past is AWS's to refuse */
	v2(SQS, "Action=A&Timestamp=" T0 "&Timestamp=" T0, "policy-denied");
	v2(SQS, "Action=A&Timestamp=2026-01-02T03:04:05", "policy-denied");
	/* a later request does not move the anchor */
	v2(SQS, "Action=A&Timestamp=2026-01-02T03%3A09%3A05Z", NULL);
	v2(SQS, "Action=A&Timestamp=2026-01-02T03%3A14%3A05Z", "policy-denied"); /* T0 + 600 */
	/* the device's own clock does */
	fake_ms += 300000;
	v2(SQS, "Action=A&Timestamp=2026-01-02T03%3A14%3A05Z", NULL);
	/* SigV4 (the device's time is T0 + 300, the limit T0 + 600): the
	 * timestamp, and a presigned URL's end */
	v4_post(SQS, "us-east-1", "sqs", "20260102T031405Z", "Action=A", NULL);
	v4_post(SQS, "us-east-1", "sqs", "20260102T031406Z", "Action=A", "policy-denied");
	v4_presigned("20260102T030905Z", "300", NULL);   /* ends T0 + 600 */
	v4_presigned("20260102T030905Z", "301", "policy-denied");
	v4_presigned("20260102T031405Z", "300", "policy-denied");  /* ends T0 + 900 */
	v4_presigned("20260102T030905Z", NULL, "policy-denied");
	v4_presigned("20260102T030905Z", "0", "policy-denied");
	v4_presigned("20260102T030905Z", "030", "policy-denied");
}
END_TEST

/* Without an expires limit, nothing about time is refused, but the first
 * signature still anchors the device's time. */
START_TEST(test_time_anchor_any_key)
{
	ck_assert_str_eq(REQ("PUT-KEY AKIA2 s2\0"), "OK\n");
	put_key("expires=60");
	ck_assert_str_eq(strncmp(ask("SIGN-AWS-V2 GET\nh\n/\nAWSAccessKeyId=AKIA2&Timestamp=" T0),
				 "SUCCESS ", 8) == 0 ? "y" : replies, "y");
	v2(SQS, "Action=A&Timestamp=2026-01-02T03%3A05%3A06Z", "policy-denied"); /* T0 + 61 */
	v2(SQS, "Action=A&Timestamp=2026-01-02T03%3A05%3A05Z", NULL);
}
END_TEST

/* ---- The audit log ------------------------------------------------------------ */

/* The host's view of the log: the next sequence number it wants and the
 * chain value after the last record it checked (computed with OpenSSL). */
static uint32_t host_seq;
static unsigned char host_chain[32];

/* Reads the record host_seq, checks it with OpenSSL and with
 * awsv2__audit_verify, and returns its text (without "AUDIT " and chain). */
static const char *read_record(void)
{
	static char text[1024];
	char req[32], want_chain[66];
	unsigned char next[32], next2[32];
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint32_t seq;
	int restart;
	size_t len;

	snprintf(req, sizeof req, "AUDIT %u", host_seq);
	ask(req);
	ck_assert_msg(strncmp(replies, "AUDIT ", 6) == 0, "%s", replies);
	len = strlen(replies) - 1;
	ck_assert_uint_gt(len, 6 + 65);
	memcpy(text, replies + 6, len - 6 - 65);
	text[len - 6 - 65] = '\0';
	if (strstr(text, " restart ")) {
		/* chained from the checkpoint's value, which the record names */
		const char *h = strrchr(text, ' ') + 1;
		for (int i = 0; i < 32; i++)
			sscanf(h + 2 * i, "%2hhx", &host_chain[i]);
	}
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	EVP_DigestUpdate(c, host_chain, 32);
	EVP_DigestUpdate(c, text, strlen(text));
	EVP_DigestFinal_ex(c, next, NULL);
	EVP_MD_CTX_free(c);
	hex(next, 32, want_chain);
	ck_assert_str_eq(replies + len - 64 - 0, strcat(want_chain, "\n"));
	ck_assert_int_eq(awsv2__audit_verify(host_chain, replies, len, &seq, &restart, next2), 0);
	ck_assert_uint_eq(seq, host_seq);
	ck_assert_int_eq(memcmp(next, next2, 32), 0);
	memcpy(host_chain, next, 32);
	host_seq++;
	return text;
}

/* Reads AUDIT-END: no more records, and the device's chain is ours. */
static void read_end(void)
{
	char req[32], want[128], h[65];

	hex(host_chain, 32, h);
	snprintf(req, sizeof req, "AUDIT %u", host_seq);
	snprintf(want, sizeof want, "AUDIT-END %u %s\n", host_seq, h);
	ck_assert_str_eq(ask(req), want);
}

static void expect_record(const char *fields, const char *request)
{
	char want[1024], h[65];

	sha256_hex(request, strlen(request), h);
	snprintf(want, sizeof want, "%u %s %s", host_seq, fields, h);
	ck_assert_str_eq(read_record(), want);
}

START_TEST(test_audit_records)
{
	static const char zero[] = "0000000000000000000000000000000000000000000000000000000000000000";
	char want[128];

	host_seq = 0;
	memset(host_chain, 0, 32);
	put_key("action=SendMessage");
	v2(SQS, "Action=SendMessage", NULL);
	v2(SQS, "Action=DeleteQueue", "policy-denied");
	v2(SQS, "Action=A&Action=B", "policy-denied");
	v2(SQS, "Action=%20x", "policy-denied");
	ask("SIGN-AWS-V2 GET\nh\n/\nAWSAccessKeyId=AKIA9");
	ask("SIGN-AWS-V2 nonsense");
	v4_post(SQS, "us-east-1", "sqs", "20260102T030405Z", "Action=SendMessage", NULL);
	/* a new device's first record: its chain starts from zeros */
	snprintf(want, sizeof want, "0 - 0 - - restart %s", zero);
	ck_assert_str_eq(read_record(), want);
	expect_record(ID " 2 SendMessage " SQS " ok", "POST\n" SQS "\n/\nAWSAccessKeyId=" ID
		      "&Action=SendMessage&SignatureMethod=HmacSHA256");
	expect_record(ID " 2 DeleteQueue " SQS " policy-denied", "POST\n" SQS "\n/\nAWSAccessKeyId="
		      ID "&Action=DeleteQueue&SignatureMethod=HmacSHA256");
	expect_record(ID " 2 ? " SQS " policy-denied", "POST\n" SQS "\n/\nAWSAccessKeyId=" ID
		      "&Action=A&Action=B&SignatureMethod=HmacSHA256");
	expect_record(ID " 2 ? " SQS " policy-denied", "POST\n" SQS "\n/\nAWSAccessKeyId=" ID
		      "&Action=%20x&SignatureMethod=HmacSHA256");
	expect_record("AKIA9 2 - h unknown-awsaccesskey", "GET\nh\n/\nAWSAccessKeyId=AKIA9");
	expect_record("- 2 - - invalid-command", "nonsense");
	read_record();  /* the SigV4 POST */
	read_end();
	read_end();  /* reading again changes nothing */
	ck_assert_str_eq(ask("AUDIT 99"), "ERROR invalid-command\n");
	ck_assert_str_eq(ask("AUDIT -1"), "ERROR invalid-command\n");
	ck_assert_str_eq(ask("AUDIT 01"), "ERROR invalid-command\n");
	ck_assert_str_eq(ask("AUDIT"), "ERROR invalid-command\n");
}
END_TEST

/* Many records, read in many goes, then a power cut: the host proves it
 * missed nothing, and sees exactly where the device lost its RAM. */
START_TEST(test_audit_chain_restart)
{
	const char *t;

	host_seq = 0;
	memset(host_chain, 0, 32);
	put_key("");
	for (int round = 0; round < 50; round++) {
		for (int i = 0; i < round % 7; i++)
			v2(SQS, "Action=A", NULL);
		for (;;) {
			char req[32];
			snprintf(req, sizeof req, "AUDIT %u", host_seq);
			if (strncmp(ask(req), "AUDIT-END", 9) == 0)
				break;
			read_record();
		}
		read_end();
	}
	ck_assert_uint_gt(host_seq, 100);
	/* the power goes: the records since the checkpoint of power-up are lost */
	boot();
	{
		char req[32];
		snprintf(req, sizeof req, "AUDIT %u", host_seq);
		ck_assert_str_eq(ask(req), "AUDIT-GAP 1024\n");
	}
	host_seq = 1024;
	t = read_record();
	ck_assert_ptr_nonnull(strstr(t, " restart "));
	/* the checkpoint was written at power-up, before record 0 */
	{
		char want[128];
		static const char zero[] =
			"0000000000000000000000000000000000000000000000000000000000000000";
		snprintf(want, sizeof want, "1024 - 0 - - restart %s", zero);
		ck_assert_str_eq(t, want);
	}
	v2(SQS, "Action=A", NULL);
	read_record();
	read_end();
	/* a second power cut: past the numbers the second power-up reserved */
	boot();
	host_seq = 2048;
	t = read_record();
	ck_assert_ptr_nonnull(strstr(t, "2048 - 0 - - restart "));
}
END_TEST

/* The log reserves HSM_AUDIT_RESERVE numbers per checkpoint: crossing one
 * writes a checkpoint that a restart starts from. */
START_TEST(test_audit_checkpoint_cadence)
{
	char h[65], want[256];

	put_key("");
	/* records 1..1030 after the restart record 0: the checkpoint at 1024
	 * holds the chain after record 1023 */
	for (int i = 0; i < HSM_AUDIT_RESERVE + 6; i++)
		v2(SQS, "Action=A", NULL);
	ck_assert_str_eq(strncmp(ask("AUDIT 1023"), "AUDIT 1023 ", 11) == 0 ? "y" : replies, "y");
	memcpy(h, replies + strlen(replies) - 65, 64);
	h[64] = '\0';
	boot();
	snprintf(want, sizeof want, "AUDIT %u - 0 - - restart %s ", 2 * HSM_AUDIT_RESERVE, h);
	ck_assert_str_eq(strncmp(ask("AUDIT 2048"), want, strlen(want)) == 0 ? "y" : replies, "y");
	ck_assert_str_eq(ask("AUDIT 1030"), "AUDIT-GAP 2048\n");
}
END_TEST

/* A forged, removed or reordered record does not verify. */
START_TEST(test_audit_forgery)
{
	char r1[1024], r2[1024], forged[1024];
	unsigned char c0[32], c1[32], out[32];
	uint32_t seq;
	int restart;

	put_key("");
	v2(SQS, "Action=A", NULL);
	v2(SQS, "Action=B", NULL);
	ask("AUDIT 0");
	{
		const char *h = strrchr(replies, ' ') + 1;
		for (int i = 0; i < 32; i++)
			sscanf(h + 2 * i, "%2hhx", &c0[i]);
	}
	strcpy(r1, ask("AUDIT 1"));
	strcpy(r2, ask("AUDIT 2"));
	r1[strlen(r1) - 1] = r2[strlen(r2) - 1] = '\0';
	ck_assert_int_eq(awsv2__audit_verify(c0, r1, strlen(r1), &seq, &restart, c1), 0);
	ck_assert_int_eq(restart, 0);
	ck_assert_int_eq(awsv2__audit_verify(c1, r2, strlen(r2), &seq, &restart, out), 0);
	ck_assert_uint_eq(seq, 2);
	/* record 1 removed: 2 does not follow 0 */
	ck_assert_int_eq(awsv2__audit_verify(c0, r2, strlen(r2), &seq, &restart, out), -1);
	/* a result rewritten */
	strcpy(forged, r1);
	memcpy(strstr(forged, " ok "), " no ", 4);
	ck_assert_int_eq(awsv2__audit_verify(c0, forged, strlen(forged), &seq, &restart, out), -1);
	/* an action rewritten, keeping the length */
	strcpy(forged, r2);
	*strstr(forged, " B ") = ' ', strstr(forged, " B ")[1] = 'C';
	ck_assert_int_eq(awsv2__audit_verify(c1, forged, strlen(forged), &seq, &restart, out), -1);
	/* a chain digit changed */
	strcpy(forged, r1);
	forged[strlen(forged) - 1] ^= 1;
	ck_assert_int_eq(awsv2__audit_verify(c0, forged, strlen(forged), &seq, &restart, out), -1);
	/* the largest sequence number, and one past it; the chain by OpenSSL */
	{
		static const char *const texts[] = {
			"4294967295 - 2 - - invalid-command ",
			"4294967296 - 2 - - invalid-command ",
			"01 - 2 - - invalid-command ",
		};
		for (int t = 0; t < 3; t++) {
			char line[512], h[65];
			unsigned char d[32];
			EVP_MD_CTX *c = EVP_MD_CTX_new();

			snprintf(line, sizeof line, "%s%064d", texts[t], 0);
			EVP_DigestInit_ex(c, EVP_sha256(), NULL);
			EVP_DigestUpdate(c, c0, 32);
			EVP_DigestUpdate(c, line, strlen(line));
			EVP_DigestFinal_ex(c, d, NULL);
			EVP_MD_CTX_free(c);
			hex(d, 32, h);
			memmove(line + 6, line, strlen(line) + 1);
			memcpy(line, "AUDIT ", 6);
			strcat(strcat(line, " "), h);
			ck_assert_int_eq(awsv2__audit_verify(c0, line, strlen(line), &seq, &restart, out),
					 t == 0 ? 0 : -1);
		}
		ck_assert_uint_eq(seq, 4294967295u);
	}
	/* not a record */
	ck_assert_int_eq(awsv2__audit_verify(c0, "AUDIT x", 7, &seq, &restart, out), -1);
	ck_assert_int_eq(awsv2__audit_verify(c0, "AUDIT-END 3 00", 14, &seq, &restart, out), -1);
}
END_TEST

START_TEST(test_audit_ring_and_strict)
{
	put_key("");
	for (int i = 0; i < HSM_AUDIT_RING + 5; i++)
		v2(SQS, "Action=A", NULL);
	/* wrap mode: the oldest were overwritten; the host is told */
	ck_assert_str_eq(ask("AUDIT 0"), "AUDIT-GAP 6\n");
	ck_assert_str_eq(strncmp(ask("AUDIT 6"), "AUDIT 6 ", 8) == 0 ? "y" : replies, "y");
	ck_assert_str_eq(ask("AUDIT-MODE strict"), "OK\n");
	ck_assert_str_eq(ask("AUDIT-MODE bogus"), "ERROR invalid-command\n");
	/* read everything: then a ring's worth may be signed, no more */
	ck_assert_str_eq(strncmp(ask("AUDIT 22"), "AUDIT-END 22 ", 13) == 0 ? "y" : replies, "y");
	for (int i = 0; i < HSM_AUDIT_RING; i++)
		v2(SQS, "Action=A", NULL);
	v2(SQS, "Action=A", "audit-full");
	ck_assert_str_eq(ask("SIGN-AWS-V2 nonsense"), "ERROR audit-full\n");
	/* reading one record frees one place */
	ck_assert_str_eq(strncmp(ask("AUDIT 22"), "AUDIT 22 ", 9) == 0 ? "y" : replies, "y");
	v2(SQS, "Action=A", NULL);
	v2(SQS, "Action=A", "audit-full");
	/* the mode survives a power cut */
	boot();
	for (int i = 0; i < HSM_AUDIT_RING - 1; i++)
		v2(SQS, "Action=A", NULL);
	v2(SQS, "Action=A", "audit-full");
	ck_assert_str_eq(ask("AUDIT-MODE wrap"), "OK\n");
	v2(SQS, "Action=A", NULL);
}
END_TEST

/* ---- Power cuts ---------------------------------------------------------------- */

/* A PUT-KEY with a policy cut at every byte of its writes: after the
 * restart the key is absent, or present with its whole policy, and a key
 * stored before is untouched. */
START_TEST(test_policy_power_cut)
{
	for (long cut = 0;; cut++) {
		int present;

		memstore_init(&store);
		boot();
		ck_assert_str_eq(REQ("PUT-KEY AKIA1 s1 version=2\0"), "OK\n");
		store.budget = cut;
		REQ("PUT-KEY " ID " " SECRET " " QUEUE_POLICY "\0");
		store.budget = -1;
		boot();
		ck_assert_str_eq(REQ("POLICY AKIA1\0"), "POLICY version=2\n");
		present = strcmp(REQ("POLICY " ID "\0"), "POLICY " QUEUE_POLICY "\n") == 0;
		if (!present) {
			ck_assert_str_eq(replies, "ERROR unknown-awsaccesskey\n");
			ck_assert_str_eq(REQ("KEYS\0"), "KEYS AKIA1\n");
			continue;
		}
		v2(SQS, "Action=SendMessage", NULL);
		v2(SQS, "Action=DeleteQueue", "policy-denied");
		ck_assert_int_ge(cut, 4 * HSM_PAGE_SIZE);  /* both pages erased and written */
		break;
	}
}
END_TEST

/* A checkpoint cut at every byte: the other page stands, so the next
 * power-up still starts past every number reserved, in the mode of
 * whichever checkpoint is whole. */
START_TEST(test_audit_checkpoint_power_cut)
{
	static uint8_t snapshot[HSM_KEYSTORE_PAGES][HSM_PAGE_SIZE];

	put_key("");
	v2(SQS, "Action=A", NULL);
	ck_assert_str_eq(ask("AUDIT-MODE strict"), "OK\n");
	memcpy(snapshot, store.page, sizeof snapshot);
	for (long cut = 0; cut <= 2 * HSM_PAGE_SIZE; cut++) {
		int done;

		memcpy(store.page, snapshot, sizeof snapshot);
		boot();
		/* power-up: restart record 1024, reserving up to 2048 */
		ck_assert_str_eq(strncmp(ask("AUDIT 1024"), "AUDIT 1024 - 0 - - restart ", 27) == 0
				 ? "y" : replies, "y");
		store.budget = cut;
		done = strcmp(ask("AUDIT-MODE wrap"), "OK\n") == 0;
		ck_assert_str_eq(replies, done ? "OK\n" : "ERROR storage-failure\n");
		ck_assert_int_eq(done, cut == 2 * HSM_PAGE_SIZE);
		store.budget = -1;
		boot();
		ck_assert_str_eq(strncmp(ask("AUDIT 2048"), "AUDIT 2048 - 0 - - restart ", 27) == 0
				 ? "y" : replies, "y");
		/* the restart record is read: a ring's worth may be signed */
		for (int i = 0; i < HSM_AUDIT_RING; i++)
			v2(SQS, "Action=A", NULL);
		v2(SQS, "Action=A", done ? NULL : "audit-full");
	}
}
END_TEST

/* Flash that cannot be written: the device will not sign under sequence
 * numbers no checkpoint reserved (after a power cut they could be used
 * again), and signs again once a checkpoint can be written. */
START_TEST(test_audit_flash_fails)
{
	put_key("");
	boot();
	store.budget = 0;
	v2(SQS, "Action=A", "storage-failure");
	v2(SQS, "Action=A", "storage-failure");
	store.budget = -1;
	v2(SQS, "Action=A", NULL);
	ck_assert_str_eq(strncmp(ask("AUDIT 0"), "AUDIT 0 - 0 - - restart ", 24) == 0 ? "y" : replies,
			 "y");
	ck_assert_str_eq(strncmp(ask("AUDIT 1"), "AUDIT 1 " ID " 2 A " SQS " ok ", 38) == 0
			 ? "y" : replies, "y");
	/* the checkpoint that finally went through reserved 1..1024 */
	boot();
	ck_assert_str_eq(strncmp(ask("AUDIT 1025"), "AUDIT 1025 - 0 - - restart ", 27) == 0
			 ? "y" : replies, "y");
}
END_TEST

/* A key page bound to another policy page (e.g. one left by a deleted key
 * of the same slot, or moved) reads as no key: never as a key with a
 * wrong or empty policy. */
START_TEST(test_policy_binding)
{
	uint8_t saved[HSM_PAGE_SIZE];

	put_key(QUEUE_POLICY);
	memcpy(saved, store.page[HSM_POLICY_PAGE(0)], sizeof saved);
	ck_assert_str_eq(REQ("DELETE-KEY " ID "\0"), "OK\n");
	put_key("action=SendMessage,DeleteQueue");
	/* the old policy page put back under the new key */
	memcpy(store.page[HSM_POLICY_PAGE(0)], saved, sizeof saved);
	boot();
	ck_assert_str_eq(REQ("POLICY " ID "\0"), "ERROR unknown-awsaccesskey\n");
	/* the policy page erased */
	memset(store.page[HSM_POLICY_PAGE(0)], 0xFF, HSM_PAGE_SIZE);
	boot();
	ck_assert_str_eq(REQ("KEYS\0"), "KEYS\n");
	/* unreadable: a fault, as any page that cannot be read */
	put_key(QUEUE_POLICY);
	store.fail_read_pages = 1u << HSM_POLICY_PAGE(0);
	boot();
	ck_assert_str_eq(REQ("PING 1\0"), "PONG 1 " HSM_FIRMWARE_VERSION " " HSM_FEATURE_DELTA " " HSM_STORE_FAULT "\n");
	ck_assert_str_eq(REQ("KEYS\0"), "KEYS\n");
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("firmware-policy");
	TCase *tc = tcase_create("policy");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_times);
	tcase_add_test(tc, test_put_and_read);
	tcase_add_test(tc, test_lock_freezes);
	tcase_add_test(tc, test_empty_allows_all);
	tcase_add_test(tc, test_action);
	tcase_add_test(tc, test_action_misleading);
	tcase_add_test(tc, test_host);
	tcase_add_test(tc, test_region_service);
	tcase_add_test(tc, test_version_method);
	tcase_add_test(tc, test_rate_burst);
	tcase_add_test(tc, test_time);
	tcase_add_test(tc, test_time_anchor_any_key);
	tcase_add_test(tc, test_audit_records);
	tcase_add_test(tc, test_audit_chain_restart);
	tcase_add_test(tc, test_audit_checkpoint_cadence);
	tcase_add_test(tc, test_audit_forgery);
	tcase_add_test(tc, test_audit_ring_and_strict);
	tcase_add_test(tc, test_audit_checkpoint_power_cut);
	tcase_add_test(tc, test_audit_flash_fails);
	tcase_add_test(tc, test_policy_power_cut);
	tcase_add_test(tc, test_policy_binding);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(policy_suite());
}
