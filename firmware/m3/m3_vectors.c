/* Known-answer tests of the HSM core on the Cortex-M3: FIPS 180 SHA-1 and
 * SHA-256, RFC 2202 HMAC-SHA1, RFC 4231 HMAC-SHA256, SigV4's kSigning
 * (the signing-key vectors of tests/core/sigv4.jsonl), and a protocol
 * exchange (PUT-KEY, then SIGN-AWS-V2 of two SigV2 vectors and SIGN-AWS-V4
 * of two SigV4 vectors). Prints one line per check; the exit status is the
 * number of failures. */
#include <stdint.h>
#include <string.h>

#include "hsm_hmac.h"
#include "hsm_protocol.h"
#include "hsm_sha1.h"
#include "hsm_sha256.h"
#include "hsm_sigv4.h"
#include "m3_flash.h"
#include "m3_semihost.h"

static int failures;

static int hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* Compares got with the first strlen(hex) / 2 bytes of hex. */
static void expect(const char *name, const uint8_t *got, const char *hex)
{
	size_t n = strlen(hex) / 2;
	int ok = 1;

	for (size_t i = 0; i < n; i++)
		ok &= got[i] == (uint8_t)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
	m3_puts(ok ? "ok   " : "FAIL ");
	m3_puts(name);
	if (!ok) {
		m3_puts(": got ");
		m3_puthex(got, n);
	}
	m3_puts("\n");
	failures += !ok;
}

static const char abc448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

/* Hashes text repeated reps times, in pieces that are not whole blocks
 * (so most blocks go to the compression function from unaligned
 * addresses when text is). */
static void sha1_of(const char *text, unsigned reps, uint8_t out[20])
{
	hsm_sha1_ctx c;

	hsm_sha1_init(&c);
	while (reps-- > 0)
		hsm_sha1_update(&c, text, strlen(text));
	hsm_sha1_final(&c, out);
}

static void sha256_of(const char *text, unsigned reps, uint8_t out[32])
{
	hsm_sha256_ctx c;

	hsm_sha256_init(&c);
	while (reps-- > 0)
		hsm_sha256_update(&c, text, strlen(text));
	hsm_sha256_final(&c, out);
}

#define MILLION_A_SHA1 "34aa973cd4c4daa4f61eeb2bdbad27316534016f"
#define MILLION_A_SHA256 "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

static void test_sha(void)
{
	/* 1000 x 1000 bytes = FIPS 180's one million 'a's; from a word-aligned
	 * and from an odd address. */
	static _Alignas(4) char a1000[1002];
	uint8_t d[32];

	memset(a1000, 'a', 1000);
	sha1_of("", 1, d);
	expect("sha1 empty", d, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	sha1_of("abc", 1, d);
	expect("sha1 abc", d, "a9993e364706816aba3e25717850c26c9cd0d89d");
	sha1_of(abc448, 1, d);
	expect("sha1 448 bits", d, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	sha1_of(a1000, 1000, d);
	expect("sha1 million a", d, MILLION_A_SHA1);
	sha256_of("", 1, d);
	expect("sha256 empty", d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_of("abc", 1, d);
	expect("sha256 abc", d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_of(abc448, 1, d);
	expect("sha256 448 bits", d, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	sha256_of(a1000, 1000, d);
	expect("sha256 million a", d, MILLION_A_SHA256);
	memmove(a1000 + 1, a1000, 1001);
	sha1_of(a1000 + 1, 1000, d);
	expect("sha1 million a, unaligned", d, MILLION_A_SHA1);
	sha256_of(a1000 + 1, 1000, d);
	expect("sha256 million a, unaligned", d, MILLION_A_SHA256);
}

/* The portable C, built a second time under these names
 * (firmware/m3/local.mk): the reference for the Thumb-2 compression
 * functions, which the known answers above exercise less thoroughly. */
void ref_sha1_compress(uint32_t h[5], const uint8_t *blocks, size_t nblocks);
void ref_sha256_compress(uint32_t h[8], const uint8_t *blocks, size_t nblocks);

static uint32_t next_random(void)
{
	static uint32_t x = 2463534242u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/* Random states and one to three random blocks at each alignment. */
static void test_against_reference(void)
{
	static uint8_t buf[3 * 64 + 3];
	int ok1 = 1, ok256 = 1;

	for (int round = 0; round < 400; round++) {
		uint32_t a[8], b[8];
		size_t off = (size_t)round & 3, n = 1 + (size_t)round % 3;

		for (size_t i = 0; i < sizeof buf; i++)
			buf[i] = (uint8_t)next_random();
		for (int i = 0; i < 8; i++)
			a[i] = b[i] = next_random();
		hsm_sha256_compress(a, buf + off, n);
		ref_sha256_compress(b, buf + off, n);
		ok256 &= memcmp(a, b, sizeof a) == 0;
		hsm_sha1_compress(a, buf + off, n);
		ref_sha1_compress(b, buf + off, n);
		ok1 &= memcmp(a, b, 5 * sizeof a[0]) == 0;
	}
	m3_puts(ok1 ? "ok   sha1 compression = portable C\n" : "FAIL sha1 compression = portable C\n");
	m3_puts(ok256 ? "ok   sha256 compression = portable C\n"
		      : "FAIL sha256 compression = portable C\n");
	failures += !ok1 + !ok256;
}

/* A key or message: a repeated byte, or a string when text is set. */
typedef struct { uint8_t byte; size_t len; const char *text; } blob;

typedef struct {
	const char *name;
	blob key, msg;
	const char *sha1, *sha256; /* RFC 2202 and RFC 4231 results */
} hmac_case;

static const hmac_case hmac_cases[] = {
	{ "hmac case 1", { 0x0b, 20, 0 }, { 0, 0, "Hi There" },
	  "b617318655057264e28bc0b6fb378c8ef146be00",
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ "hmac case 2", { 0, 0, "Jefe" }, { 0, 0, "what do ya want for nothing?" },
	  "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ "hmac case 3", { 0xaa, 20, 0 }, { 0xdd, 50, 0 },
	  "125d7342b9ac11cd91a39af48aa17b4f63f175d3",
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
	{ "hmac case 4", { 0, 25, 0 }, { 0xcd, 50, 0 },
	  "4c9007f4026250c6bc8414f9bf50c86c2d7235da",
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
	{ "hmac case 5 (truncated)", { 0x0c, 20, 0 }, { 0, 0, "Test With Truncation" },
	  "4c1a03424b55e07fe7f27be1d58bb932", "a3b6167473100ee06e0c796c2955552b" },
	{ "hmac rfc2202 case 6", { 0xaa, 80, 0 },
	  { 0, 0, "Test Using Larger Than Block-Size Key - Hash Key First" },
	  "aa4ae5e15272d00e95705637ce8a3b55ed402112", 0 },
	{ "hmac rfc2202 case 7", { 0xaa, 80, 0 },
	  { 0, 0, "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data" },
	  "e8e99d0f45237d786d6bbaa7965c7808bbff1a91", 0 },
	{ "hmac rfc4231 case 6", { 0xaa, 131, 0 },
	  { 0, 0, "Test Using Larger Than Block-Size Key - Hash Key First" },
	  0, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ "hmac rfc4231 case 7", { 0xaa, 131, 0 },
	  { 0, 0, "This is a test using a larger than block-size key and a larger than "
		  "block-size data. The key needs to be hashed before being used by the HMAC algorithm." },
	  0, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
};

/* Case 4's key is 0x01, 0x02, ... 0x19 (byte 0 with a length). */
static size_t make_blob(uint8_t *out, const blob *b)
{
	if (b->text) {
		memcpy(out, b->text, strlen(b->text));
		return strlen(b->text);
	}
	for (size_t i = 0; i < b->len; i++)
		out[i] = b->byte ? b->byte : (uint8_t)(i + 1);
	return b->len;
}

static void hmac_check(const char *name, hsm_hash h, const uint8_t *key, size_t klen,
		       const uint8_t *msg, size_t mlen, const char *hex)
{
	hsm_hmac_key k;
	uint8_t out[HSM_HMAC_MAX];

	hsm_hmac_key_init(&k, h, key, klen);
	hsm_hmac(&k, msg, mlen, out);
	hsm_hmac_key_wipe(&k);
	m3_puts(h == HSM_SHA1 ? "sha1   " : "sha256 ");
	expect(name, out, hex);
}

static void test_hmac(void)
{
	static uint8_t key[160], msg[160];

	for (size_t i = 0; i < sizeof hmac_cases / sizeof hmac_cases[0]; i++) {
		const hmac_case *c = &hmac_cases[i];
		size_t klen = make_blob(key, &c->key), mlen = make_blob(msg, &c->msg);

		if (c->sha1)
			hmac_check(c->name, HSM_SHA1, key, klen, msg, mlen, c->sha1);
		if (c->sha256)
			hmac_check(c->name, HSM_SHA256, key, klen, msg, mlen, c->sha256);
	}
}

/* The signing-key vectors of tests/core/sigv4.jsonl (botocore's). */
static const struct {
	const char *date, *region, *service, *key;
} signing_keys[] = {
	{ "20261121", "eu-central-1", "ec2", "fe9bd04d71f763aafa79557d087831f0fb9baddc7b4b1e8cf0ab6288ddb38814" },
	{ "20261121", "us-east-1", "sqs", "80654ecc682b2b7dcbb78bd2b14fb14b5cdb179d33e8c7408ab3e5c6aef701a7" },
	{ "20270101", "ap-south-1", "ec2", "39da13e17b917c47a89ab8551c336d886b541bcc61b3f5d76881ebd24cc50671" },
};

static void test_signing_key(void)
{
	static const char secret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
	hsm_hmac_key k4;
	uint8_t k[32];

	hsm_sigv4_key_init(&k4, (const uint8_t *)secret, sizeof secret - 1);
	for (size_t i = 0; i < sizeof signing_keys / sizeof signing_keys[0]; i++) {
		hsm_sigv4_signing_key(&k4, signing_keys[i].date, signing_keys[i].region,
				      signing_keys[i].service, k);
		m3_puts("sigv4  ");
		expect("kSigning", k, signing_keys[i].key);
	}
	hsm_hmac_key_wipe(&k4);
}

static char reply[HSM_REPLY_MAX + 1];

static void on_reply(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	memcpy(reply, line, len);
	reply[len] = '\0';
}

/* Sends one request (sizeof includes its NUL) and checks the reply line. */
static void exchange(hsm_protocol *p, const char *req, size_t len, const char *want)
{
	int ok;

	reply[0] = '\0';
	hsm_protocol_feed(p, req, len);
	ok = strcmp(reply, want) == 0;
	m3_puts(ok ? "ok   protocol " : "FAIL protocol ");
	m3_puts(want);
	if (!ok) {
		m3_puts("     got ");
		m3_puts(reply);
	}
	failures += !ok;
}

#define EXCHANGE(p, req, want) exchange(p, req, sizeof req, want)

static void test_protocol(void)
{
	static hsm_keystore ks;
	static hsm_protocol p;

	hsm_keystore_load(&ks, m3_flash_erased());
	hsm_protocol_init(&p, &ks, on_reply, 0);
	EXCHANGE(&p, "PUT-KEY AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "OK\n");
	EXCHANGE(&p, "KEYS", "KEYS AKIAIOSFODNN7EXAMPLE\n");
	/* The first two vectors of shared/vectors/sigv2.jsonl, in hex. */
	EXCHANGE(&p, "SIGN-AWS-V2 GET\nelasticmapreduce.amazonaws.com\n/\n"
		 "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Action=DescribeJobFlows&"
		 "SignatureMethod=HmacSHA256&SignatureVersion=2&"
		 "Timestamp=2011-10-03T15%3A19%3A30&Version=2009-03-31",
		 "SUCCESS 8bdd6729ce0f580b7424921d5f0cfd1f1642243762cba71ffcc8fabcfc72608b\n");
	EXCHANGE(&p, "SIGN-AWS-V2 GET\nec2.amazonaws.com\n/\n"
		 "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Action=DescribeInstances&"
		 "Expires=2013-01-01T12%3A00%3A30Z&SignatureMethod=HmacSHA1&"
		 "SignatureVersion=2&Version=2012-12-01",
		 "SUCCESS 3b705a5c2f43610deba4ca36f891b9794c3b546e\n");
	/* The vectors ec2-describe-instances-presigned (an empty payload) and
	 * ec2-describe-instances-post (as AWS checks it: its canonical request
	 * without the Authorization header), with their signatures. */
	EXCHANGE(&p, "SIGN-AWS-V4 AKIAIOSFODNN7EXAMPLE eu-central-1 ec2\n"
		 "GET\n/\nAction=DescribeInstances&Version=2016-11-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
		 "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261121%2Feu-central-1%2Fec2%2Faws4_request&"
		 "X-Amz-Date=20261121T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host\n"
		 "host:ec2.eu-central-1.amazonaws.com\n\nhost\n"
		 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n",
		 "SUCCESS e721b0bebdcc326e06c0a7ebe6dfc76d0b4aae9abb2fb1d9d987cd6a7c83009b\n");
	EXCHANGE(&p, "SIGN-AWS-V4 AKIAIOSFODNN7EXAMPLE eu-central-1 ec2\n"
		 "POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\n"
		 "host:ec2.eu-central-1.amazonaws.com\nx-amz-date:20261121T120000Z\n\n"
		 "content-type;host;x-amz-date\n"
		 "3457f5190d83e09134f886876d22e0c136673609789ec3a457a414b843b67dbc\n"
		 "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=instance-state-name&"
		 "Filter.1.Value.1=running&Filter.1.Value.2=stopped&Filter.2.Name=tag%3AName&"
		 "Filter.2.Value.1=web%2A&Filter.10.Name=instance-type&Filter.10.Value.1=t3.micro&"
		 "InstanceId.1=i-1234567890abcdef0&MaxResults=100",
		 "SUCCESS 0334f3002810fb2c243ec2aa34f9b5e5e45874040b5fcf25455fd8a575b4e0d5\n");
	EXCHANGE(&p, "SIGN-AWS-V4 AKIAIOSFODNN7EXAMPLE eu-central-1 ec2\n"
		 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		 "ERROR invalid-canonical-request\n");
	hsm_keystore_wipe(&ks);
}

/* The device decides, on the Cortex-M3: a key with a policy, a request it
 * allows (the EC2 vector above, same signature) and one it refuses, the
 * stored policy, and the audit records with their chain, whose values
 * Python's hashlib computed. */
static void test_policy(void)
{
	static hsm_keystore ks;
	static hsm_protocol p;

	hsm_keystore_load(&ks, m3_flash_erased());
	hsm_protocol_init(&p, &ks, on_reply, 0);
	EXCHANGE(&p, "PUT-KEY AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY "
		 "action=DescribeInstances;host=ec2.amazonaws.com;version=2", "OK\n");
	EXCHANGE(&p, "POLICY AKIAIOSFODNN7EXAMPLE",
		 "POLICY action=DescribeInstances;host=ec2.amazonaws.com;version=2\n");
	EXCHANGE(&p, "SIGN-AWS-V2 GET\nec2.amazonaws.com\n/\n"
		 "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Action=DescribeInstances&"
		 "Expires=2013-01-01T12%3A00%3A30Z&SignatureMethod=HmacSHA1&"
		 "SignatureVersion=2&Version=2012-12-01",
		 "SUCCESS 3b705a5c2f43610deba4ca36f891b9794c3b546e\n");
	EXCHANGE(&p, "SIGN-AWS-V2 GET\nelasticmapreduce.amazonaws.com\n/\n"
		 "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Action=DescribeJobFlows&"
		 "SignatureMethod=HmacSHA256&SignatureVersion=2&"
		 "Timestamp=2011-10-03T15%3A19%3A30&Version=2009-03-31",
		 "ERROR policy-denied\n");
	EXCHANGE(&p, "SIGN-AWS-V2 GET\nec2.amazonaws.com\n/\n"
		 "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Action=DescribeInstancesX", "ERROR policy-denied\n");
	EXCHANGE(&p, "AUDIT 0", "AUDIT 0 - 0 - - restart "
		 "0000000000000000000000000000000000000000000000000000000000000000 "
		 "b6c81c28a93f08b51cc4d53b2cfccd33c27008287b14303f95448df642eacce7\n");
	EXCHANGE(&p, "AUDIT 1", "AUDIT 1 AKIAIOSFODNN7EXAMPLE 2 DescribeInstances ec2.amazonaws.com ok "
		 "71db2963aaea8ef91d096d486070cc2082f2e2115d2df9c7862739db88989fc0 "
		 "4df5f80e151b620275451771ad3700273981298fcb472a66cc9c691c4363e281\n");
	EXCHANGE(&p, "AUDIT 2", "AUDIT 2 AKIAIOSFODNN7EXAMPLE 2 DescribeJobFlows "
		 "elasticmapreduce.amazonaws.com policy-denied "
		 "b322eda8df0167276617e7312c4ccb20c9a2fb6e7db8519b2c53e3ffa26b01aa "
		 "50286cc9fcd8c11615641846df5716ac9e568e8ae4c21d934527a871972aca51\n");
	hsm_keystore_wipe(&ks);
}

int main(void)
{
	test_sha();
	test_against_reference();
	test_hmac();
	test_signing_key();
	test_protocol();
	test_policy();
	m3_puts(failures ? "m3 vectors: FAILED\n" : "m3 vectors: all passed\n");
	return failures;
}
