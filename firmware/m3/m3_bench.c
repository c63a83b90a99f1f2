/* What make m3-bench measures under QEMU: each measurement runs between a
 * call to m3_mark_start and one to m3_mark_end, and m3-bench.sh counts the
 * instructions executed in between (one per trace line with one
 * instruction per translation block). Measurements, in this order:
 *   0. nothing: the markers' own cost, subtracted from the others;
 *   1. and 2. a two-instruction loop run 1000 and 2000 times: the
 *      difference must be exactly 2000, which checks the counting;
 *   3. HMAC-SHA1 and 4. HMAC-SHA256 of a 1 KiB message, with the key's
 *      inner and outer states prepared before the markers, as the key
 *      store does once per key;
 *   5. SigV4's kSigning from the prepared key of "AWS4" + secret;
 *   6. one SIGN-AWS-V4 request through the protocol, from its first byte
 *      to its reply: a DescribeInstances POST with a 12-parameter form
 *      body, the key store deriving kSigning on the way;
 *   7. the same request again, kSigning now cached: what every further
 *      signature of that day, region and service costs. */
#include <stdint.h>
#include <string.h>

#include "awsv2_policy.h"
#include "awsv2_sts.h"
#include "hsm_hmac.h"
#include "hsm_protocol.h"
#include "hsm_sigv4.h"
#include "m3_flash.h"
#include "m3_semihost.h"

/* noipa: neither inlined nor merged with each other, so each has its own
 * address for the trace to find. */
__attribute__((noipa)) void m3_mark_start(void)
{
	__asm__ volatile("" ::: "memory");
}

__attribute__((noipa)) void m3_mark_end(void)
{
	__asm__ volatile("nop" ::: "memory");
}

/* Exactly 2 * n instructions in the loop. */
__attribute__((noipa)) static void spin(uint32_t n)
{
	__asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
}

static uint8_t msg[1024];
static uint8_t digest[HSM_HMAC_MAX];

static const char secret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

static void bench_hmac(hsm_hash h)
{
	hsm_hmac_key k;

	hsm_hmac_key_init(&k, h, (const uint8_t *)secret, sizeof secret - 1);
	m3_mark_start();
	hsm_hmac(&k, msg, sizeof msg, digest);
	m3_mark_end();
	hsm_hmac_key_wipe(&k);
}

static void bench_signing_key(void)
{
	hsm_hmac_key k4;

	hsm_sigv4_key_init(&k4, (const uint8_t *)secret, sizeof secret - 1);
	m3_mark_start();
	hsm_sigv4_signing_key(&k4, "20261121", "eu-central-1", "ec2", digest);
	m3_mark_end();
	hsm_hmac_key_wipe(&k4);
}

static char reply[HSM_REPLY_MAX];

static void on_reply(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	memcpy(reply, line, len);
}

static const char body[] =
	"Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=instance-state-name&"
	"Filter.1.Value.1=running&Filter.1.Value.2=stopped&Filter.2.Name=tag%3AName&"
	"Filter.2.Value.1=web%2A&Filter.10.Name=instance-type&Filter.10.Value.1=t3.micro&"
	"InstanceId.1=i-1234567890abcdef0&MaxResults=100&DryRun=false";

/* Sends request (n bytes, its NUL included) between the markers; 0 if the
 * device signed it. */
static int bench_request(hsm_protocol *p, const char *request, size_t n)
{
	memset(reply, 0, sizeof reply);
	m3_mark_start();
	hsm_protocol_feed(p, request, n);
	m3_mark_end();
	return memcmp(reply, "SUCCESS ", 8) == 0 ? 0 : -1;
}

static int bench_sigv4(void)
{
	static const char put[] = "PUT-KEY AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
	static hsm_keystore ks;
	static hsm_protocol p;
	static const char head[] = "SIGN-AWS-V4 AKIAIOSFODNN7EXAMPLE eu-central-1 ec2\n"
		"POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\n"
		"host:ec2.eu-central-1.amazonaws.com\nx-amz-date:20261121T120000Z\n\n"
		"content-type;host;x-amz-date\n";
	static char request[2048];
	hsm_sha256_ctx c;
	uint8_t d[HSM_SHA256_DIGEST];
	char hash[2 * HSM_SHA256_DIGEST + 1];
	size_t n;

	hsm_sha256_init(&c);
	hsm_sha256_update(&c, body, sizeof body - 1);
	hsm_sha256_final(&c, d);
	awsv2__hex_encode(d, sizeof d, hash);
	hash[sizeof hash - 1] = '\0';
	strcpy(request, head);
	strcat(request, hash);
	strcat(request, "\n");
	strcat(request, body);
	n = strlen(request) + 1;
	hsm_keystore_load(&ks, m3_flash_erased());
	hsm_protocol_init(&p, &ks, on_reply, 0);
	hsm_protocol_feed(&p, put, sizeof put);
	if (bench_request(&p, request, n) != 0 || bench_request(&p, request, n) != 0) {
		m3_puts("m3-bench: the SIGN-AWS-V4 request was refused: ");
		m3_puts(reply);
		return -1;
	}
	hsm_keystore_wipe(&ks);
	return 0;
}

/* One policy check as SIGN-AWS-V4 makes it for the worked example of
 * docs/policy.md (a CI host that may only SendMessage to one queue). */
static int bench_policy(void)
{
	static const char text[] = "action=SendMessage;host=sqs.us-east-1.amazonaws.com;"
		"region=us-east-1;service=sqs;version=4;method=POST;expires=900;rate=10/s";
	static awsv2__policy pol;
	awsv2__policy_req r;
	volatile int ok;

	if (awsv2__policy_parse(text, sizeof text - 1, &pol) != 0)
		return -1;
	memset(&r, 0, sizeof r);
	r.version = 4;
	r.method = "POST";
	r.method_len = 4;
	r.action = "SendMessage";
	r.action_len = 11;
	r.action_count = 1;
	r.host = "sqs.us-east-1.amazonaws.com";
	r.host_len = 27;
	r.region = "us-east-1";
	r.region_len = 9;
	r.service = "sqs";
	r.service_len = 3;
	r.time = r.end = 1767323045;
	r.lifetime = -1;
	m3_mark_start();
	ok = awsv2__policy_allows(&pol, &r) && awsv2__policy_time_allows(&pol, &r, 1767323000);
	m3_mark_end();
	return ok ? 0 : -1;
}

int main(void)
{
	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)(i * 7 + 1);
	m3_mark_start();
	m3_mark_end();
	m3_mark_start();
	spin(1000);
	m3_mark_end();
	m3_mark_start();
	spin(2000);
	m3_mark_end();
	bench_hmac(HSM_SHA1);
	bench_hmac(HSM_SHA256);
	bench_signing_key();
	if (bench_sigv4() != 0)
		return 1;
	return bench_policy() == 0 ? 0 : 1;
}
