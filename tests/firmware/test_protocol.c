/* The firmware core's serial protocol: framing, every command and error
 * code, exact query parsing, pipelining and secrets left behind. */
#define _GNU_SOURCE /* memmem */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../common/check_run.h"
#include "due_delta.h"
#include "hsm_protocol.h"
#include "memstore.h"

#define ID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define PONG "PONG 1 " HSM_FIRMWARE_VERSION " " HSM_FEATURE_DELTA "\n"

static memstore store;
static hsm_keystore ks;
static hsm_protocol proto;
static char replies[64 * 1024];
static size_t replies_len, nreplies;

static void collect(void *ctx, const char *line, size_t len)
{
	(void)ctx;
	ck_assert_uint_gt(len, 0);
	ck_assert_int_eq(line[len - 1], '\n');
	ck_assert_ptr_null(memchr(line, '\n', len - 1));
	ck_assert_uint_lt(replies_len + len, sizeof replies);
	memcpy(replies + replies_len, line, len);
	replies_len += len;
	replies[replies_len] = '\0';
	nreplies++;
}

static void setup(void)
{
	memstore_init(&store);
	ck_assert_int_eq(hsm_keystore_load(&ks, &store.storage), HSM_KS_OK);
	hsm_protocol_init(&proto, &ks, collect, NULL);
	replies_len = nreplies = 0;
	replies[0] = '\0';
}

static void clear(void)
{
	replies_len = nreplies = 0;
	replies[0] = '\0';
}

/* Feeds len bytes (NULs included) and returns every reply they caused. */
static const char *feed(const char *data, size_t len)
{
	clear();
	hsm_protocol_feed(&proto, data, len);
	return replies;
}

#define REQ(s) feed(s, sizeof(s) - 1)

static void put_example_key(void)
{
	ck_assert_str_eq(REQ("PUT-KEY " ID " " SECRET "\0"), "OK\n");
}

/* "METHOD\nhost\n/\nquery" */
static void sts_of(char *out, size_t size, const char *query)
{
	snprintf(out, size, "GET\nec2.amazonaws.com\n/\n%s", query);
}

/* The reply a SIGN-AWS-V2 of sts should get, computed by OpenSSL. */
static void expected(char *out, const char *sts, const EVP_MD *md)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	HMAC(md, SECRET, (int)strlen(SECRET), (const unsigned char *)sts, strlen(sts), mac, &n);
	out += sprintf(out, "SUCCESS ");
	for (unsigned i = 0; i < n; i++)
		out += sprintf(out, "%02x", mac[i]);
	strcpy(out, "\n");
}

static const char *sign(const char *sts)
{
	static char req[HSM_REQUEST_MAX + 64];
	int n = snprintf(req, sizeof req, "SIGN-AWS-V2 %s", sts);

	return feed(req, (size_t)n + 1);
}

/* Signs a string to sign whose query is given and checks the reply. */
static void check_sign(const char *query, const EVP_MD *md, const char *error)
{
	char sts[1024], want[128];

	sts_of(sts, sizeof sts, query);
	if (md)
		expected(want, sts, md);
	else
		snprintf(want, sizeof want, "ERROR %s\n", error);
	ck_assert_str_eq(sign(sts), want);
}

/* ---- Compact frames (D) -------------------------------------------------- */

/* Sends "D <tag> <base> <crc> <script>", crc covering "D <tag> <base> "
 * and req; returns the reply. */
static const char *dframe(unsigned tag, const char *base, const char *req, const char *script)
{
	static char f[2 * HSM_REQUEST_MAX];
	int n = snprintf(f, sizeof f, "D %u %s ", tag, base);
	uint32_t crc = hsm_crc32(hsm_crc32(0, f, (size_t)n), req, strlen(req));

	n += snprintf(f + n, sizeof f - (size_t)n, "%08lx %s", (unsigned long)crc, script);
	return feed(f, (size_t)n + 1);
}

/* The whole request as a script: one insertion. */
static const char *whole(const char *req)
{
	static char script[HSM_REQUEST_MAX + 16];

	snprintf(script, sizeof script, "%zu+%s", strlen(req), req);
	return script;
}

/* "D <tag> ", what OpenSSL says the reply to SIGN-AWS-V2 of sts is, and
 * " <tag>" again before its newline. */
static const char *tagged(unsigned tag, const char *sts)
{
	static char want[256];
	int n = sprintf(want, "D %u ", tag);

	expected(want + n, sts, EVP_sha256());
	sprintf(want + strlen(want) - 1, " %u\n", tag);
	return want;
}

#define STS_A "GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=" ID "&Action=DescribeInstances" \
	"&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2026-11-21T12%3A00%3A00Z" \
	"&Version=2016-11-15"

/* req with the first occurrence of from replaced by to, and the script
 * that makes it from req. */
static void edit(const char *req, const char *from, const char *to, char *out, char *script)
{
	const char *at = strstr(req, from);
	size_t k = (size_t)(at - req);

	ck_assert_ptr_nonnull(at);
	sprintf(out, "%.*s%s%s", (int)k, req, to, at + strlen(from));
	sprintf(script, "%zu=%zu-%zu+%s", k, strlen(from), strlen(to), to);
}

START_TEST(test_delta)
{
	char b[1024], sts_b[1024], script[256];
	const char *a = "SIGN-AWS-V2 " STS_A;

	put_example_key();
	ck_assert_str_eq(dframe(1, "-", a, whole(a)), tagged(1, STS_A));
	edit(a, "00Z", "07Z", b, script);
	strcpy(sts_b, b + 12);
	ck_assert_str_eq(dframe(2, "1", b, script), tagged(2, sts_b));
	/* the reference is now 2's: "1" names one the device does not have,
	 * and that drops it */
	ck_assert_str_eq(dframe(3, "1", b, script), "D 3 ERROR delta-reference 3\n");
	ck_assert_str_eq(dframe(4, "2", b, script), "D 4 ERROR delta-reference 4\n");
	/* a damaged frame: the request rebuilt is not the one named */
	ck_assert_str_eq(dframe(5, "-", a, whole(a)), tagged(5, STS_A));
	ck_assert_str_eq(dframe(6, "5", a, script), "D 6 ERROR delta-checksum 6\n");
	ck_assert_str_eq(dframe(7, "5", b, script), "D 7 ERROR delta-reference 7\n");
	/* a PING between frames keeps the reference; a lone NUL drops it */
	ck_assert_str_eq(dframe(8, "-", a, whole(a)), tagged(8, STS_A));
	ck_assert_str_eq(REQ("PING 1\0"), PONG);
	ck_assert_str_eq(dframe(9, "8", b, script), tagged(9, sts_b));
	ck_assert_str_eq(REQ("\0"), "");
	ck_assert_str_eq(dframe(10, "9", b, "80="), "D 10 ERROR delta-reference 10\n");
	/* scripts that are no script, or read past the reference */
	ck_assert_str_eq(dframe(11, "-", a, whole(a)), tagged(11, STS_A));
	ck_assert_str_eq(dframe(12, "11", a, "5=x"), "D 12 ERROR delta-invalid 12\n");
	ck_assert_str_eq(dframe(13, "-", a, whole(a)), tagged(13, STS_A));
	ck_assert_str_eq(dframe(14, "13", a, "9999="), "D 14 ERROR delta-invalid 14\n");
	ck_assert_str_eq(dframe(15, "-", a, "05+abcde"), "D 15 ERROR delta-invalid 15\n");
	ck_assert_str_eq(dframe(16, "-", a, "5+abc"), "D 16 ERROR delta-invalid 16\n");
	ck_assert_str_eq(dframe(17, "-", a, "=1"), "D 17 ERROR delta-invalid 17\n");
	/* a header that cannot be read gets an untagged refusal */
	ck_assert_str_eq(REQ("D 01 - 00000000 1+x\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("D 1 - 0000000 1+x\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("D 1 - 0000000G 1+x\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("D 1 x 00000000 1+x\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("D 4294967296 - 00000000 1+x\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("D 1\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("D\0"), "ERROR invalid-command\n");
	/* only a signing request may be rebuilt */
	ck_assert_str_eq(dframe(18, "-", "PING 1", whole("PING 1")), "D 18 ERROR invalid-command 18\n");
	ck_assert_str_eq(dframe(19, "-", "PUT-KEY AKIA2 s", whole("PUT-KEY AKIA2 s")),
			 "D 19 ERROR invalid-command 19\n");
	ck_assert_str_eq(REQ("KEYS\0"), "KEYS " ID "\n");
	ck_assert_str_eq(dframe(4294967295u, "-", a, whole(a)), tagged(4294967295u, STS_A));
}
END_TEST

/* The device reads, checks and signs the request it rebuilt: a frame that
 * turns an allowed request into a denied one is refused. */
START_TEST(test_delta_policy)
{
	char b[1024], script[256], back[1024], script2[256];
	const char *a = "SIGN-AWS-V2 " STS_A;

	ck_assert_str_eq(REQ("PUT-KEY " ID " " SECRET " action=DescribeInstances\0"), "OK\n");
	ck_assert_str_eq(dframe(1, "-", a, whole(a)), tagged(1, STS_A));
	edit(a, "DescribeInstances", "TerminateInstances", b, script);
	ck_assert_str_eq(dframe(2, "1", b, script), "D 2 ERROR policy-denied 2\n");
	/* it was rebuilt all the same, and is the reference now */
	edit(b, "TerminateInstances", "DescribeInstances", back, script2);
	ck_assert_str_eq(back, a);
	ck_assert_str_eq(dframe(3, "2", back, script2), tagged(3, STS_A));
	/* a shape refusal keeps the reference too: it was rebuilt intact */
	snprintf(script, sizeof script, "12=%zu-1+x", strlen(a) - 12);
	ck_assert_str_eq(dframe(4, "3", "SIGN-AWS-V2 x", script), "D 4 ERROR invalid-command 4\n");
	ck_assert_str_eq(dframe(5, "4", "SIGN-AWS-V2 xy", "13=1+y"), "D 5 ERROR invalid-command 5\n");
}
END_TEST

/* The reference lives at the end of the request buffer: a request that
 * needs that room drops it, and a frame that would write over the part
 * of it not read yet is refused. */
START_TEST(test_delta_room)
{
	static char sts[6000], req[6100], script[8000], big[5000];

	put_example_key();
	memset(big, 'x', 4999);
	sts_of(sts, sizeof sts, "AWSAccessKeyId=" ID "&SignatureMethod=HmacSHA256&X=");
	memset(sts + strlen(sts), 'y', 5000);
	snprintf(req, sizeof req, "SIGN-AWS-V2 %s", sts);
	ck_assert_str_eq(dframe(1, "-", req, whole(req)), tagged(1, sts));
	/* 4000 bytes inserted before the reference (5000+ bytes at the end of
	 * 8192) is read: they would land on it */
	snprintf(script, sizeof script, "4000+%.4000s", big);
	ck_assert_str_eq(dframe(2, "1", req, script), "D 2 ERROR message-too-long 2\n");
	ck_assert_str_eq(dframe(3, "-", req, whole(req)), tagged(3, sts));
	snprintf(script, sizeof script, "PING %.4000s", big);
	ck_assert_str_eq(feed(script, strlen(script) + 1), "ERROR invalid-command\n");
	ck_assert_str_eq(dframe(4, "3", req, "5="), "D 4 ERROR delta-reference 4\n");
}
END_TEST

/* The length of a frame's "D <tag> <base> ". */
static size_t head_len(const char *frame)
{
	size_t k = 0;

	for (int spaces = 0; spaces < 3; k++)
		spaces += frame[k] == ' ';
	return k;
}

/* Frames from the host's encoder (backends/due_delta.c). A link that loses
 * the bytes from one frame's crc to the next one's leaves the first
 * frame's tag and base on the second one's request: that request may well
 * rebuild from the first one's reference (requests that differ in one
 * counter), but it must never be signed under the first tag, whose
 * request it is not. */
START_TEST(test_delta_spliced)
{
	struct awsv2__due_delta dz;
	awsv2_error e = AWSV2_ERROR_INIT;
	char req[3][256], frame[3][512], spliced[1024], *z = NULL;
	size_t cap = 0, len, n;
	uint32_t tag;

	memset(&dz, 0, sizeof dz);
	put_example_key();
	for (int i = 0; i < 3; i++) {
		snprintf(req[i], sizeof req[i], "SIGN-AWS-V2 GET\nec2.amazonaws.com\n/\n"
			 "AWSAccessKeyId=" ID "&Action=RunInstances&ClientToken=%d"
			 "&SignatureMethod=HmacSHA256&Version=1", 14 + i);
		ck_assert_int_eq(awsv2__due_delta_frame(&dz, req[i], strlen(req[i]), &z, &cap, &len,
							&tag, &e), AWSV2_OK);
		ck_assert_uint_eq(tag, (unsigned)i + 1);
		ck_assert_uint_lt(len, sizeof frame[i]);
		memcpy(frame[i], z, len);
		frame[i][len] = '\0';
	}
	ck_assert_str_eq(feed(frame[0], strlen(frame[0]) + 1), tagged(1, req[0] + 12));
	/* frame 2's "D 2 1 ", then frame 3 from its crc on */
	n = head_len(frame[1]);
	memcpy(spliced, frame[1], n);
	strcpy(spliced + n, frame[2] + head_len(frame[2]));
	ck_assert_str_eq(feed(spliced, strlen(spliced) + 1), "D 2 ERROR delta-checksum 2\n");
	/* the frames as written still go through, from a fresh reference */
	awsv2__due_delta_reset(&dz);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(awsv2__due_delta_frame(&dz, req[i], strlen(req[i]), &z, &cap, &len,
							&tag, &e), AWSV2_OK);
		z[len] = '\0';
		ck_assert_str_eq(feed(z, len + 1), tagged(tag, req[i] + 12));
	}
	awsv2__due_delta_free(&dz);
	free(z);
}
END_TEST

/* Firmware that does not take compact frames (the emulator's --no-delta)
 * says nothing of them in its PONG and reads "D ..." as a command. */
START_TEST(test_delta_off)
{
	const char *a = "SIGN-AWS-V2 " STS_A;

	proto.no_delta = 1;
	put_example_key();
	ck_assert_str_eq(REQ("PING 1\0"), "PONG 1 " HSM_FIRMWARE_VERSION "\n");
	ck_assert_str_eq(dframe(1, "-", a, whole(a)), "ERROR invalid-command\n");
}
END_TEST

START_TEST(test_ping)
{
	ck_assert_str_eq(REQ("PING 1\0"), PONG);
	ck_assert_str_eq(REQ("PING\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("PING \0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("PING a b\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("PING 1234567890123456789012345678901234567890123456789012345678901234\0"),
			 "PONG 1234567890123456789012345678901234567890123456789012345678901234 "
			 HSM_FIRMWARE_VERSION " " HSM_FEATURE_DELTA "\n");
	ck_assert_str_eq(REQ("PING 12345678901234567890123456789012345678901234567890123456789012345\0"),
			 "ERROR invalid-command\n");
}
END_TEST

START_TEST(test_keys_put_delete)
{
	ck_assert_str_eq(REQ("KEYS\0"), "KEYS\n");
	put_example_key();
	ck_assert_str_eq(REQ("KEYS\0"), "KEYS " ID "\n");
	ck_assert_str_eq(REQ("PUT-KEY " ID " other\0"), "ERROR key-exists\n");
	ck_assert_str_eq(REQ("PUT-KEY AKIA2 s2\0"), "OK\n");
	ck_assert_str_eq(REQ("KEYS\0"), "KEYS " ID ",AKIA2\n");
	ck_assert_str_eq(REQ("KEYS x\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("DELETE-KEY " ID "\0"), "OK\n");
	ck_assert_str_eq(REQ("DELETE-KEY " ID "\0"), "ERROR unknown-awsaccesskey\n");
	ck_assert_str_eq(REQ("KEYS\0"), "KEYS AKIA2\n");
	check_sign("AWSAccessKeyId=" ID, NULL, "unknown-awsaccesskey");
	/* Deleted, it can be stored again with another secret. */
	put_example_key();
	check_sign("AWSAccessKeyId=" ID, EVP_sha1(), NULL);
}
END_TEST

START_TEST(test_put_key_malformed)
{
	ck_assert_str_eq(REQ("PUT-KEY akia1 s\0"), "ERROR invalid-awsaccesskeyid\n");
	ck_assert_str_eq(REQ("PUT-KEY  s\0"), "ERROR invalid-awsaccesskeyid\n");
	ck_assert_str_eq(REQ("PUT-KEY AKIA1\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("PUT-KEY AKIA1 \0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("PUT-KEY AKIA1 a b\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("PUT-KEY\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("DELETE-KEY a-b\0"), "ERROR invalid-awsaccesskeyid\n");
	ck_assert_str_eq(REQ("KEYS\0"), "KEYS\n");
}
END_TEST

START_TEST(test_put_key_limits)
{
	char req[512];
	int n;

	/* The longest id and secret fit; one more byte of secret does not. */
	n = snprintf(req, sizeof req, "PUT-KEY %0*d %0*d", HSM_ID_MAX, 7, HSM_SECRET_MAX, 1);
	ck_assert_str_eq(feed(req, (size_t)n + 1), "OK\n");
	n = snprintf(req, sizeof req, "PUT-KEY AKIA1 %0*d", HSM_SECRET_MAX + 1, 1);
	ck_assert_str_eq(feed(req, (size_t)n + 1), "ERROR invalid-command\n");
	n = snprintf(req, sizeof req, "PUT-KEY %0*d s", HSM_ID_MAX + 1, 7);
	ck_assert_str_eq(feed(req, (size_t)n + 1), "ERROR invalid-awsaccesskeyid\n");
	for (int i = 1; i < HSM_MAX_KEYS; i++) {
		n = snprintf(req, sizeof req, "PUT-KEY K%d s", i);
		ck_assert_str_eq(feed(req, (size_t)n + 1), "OK\n");
	}
	ck_assert_str_eq(REQ("PUT-KEY FULL s\0"), "ERROR storage-failure\n");
}
END_TEST

START_TEST(test_lock)
{
	put_example_key();
	ck_assert_str_eq(REQ("LOCK\0"), "OK\n");
	ck_assert_str_eq(REQ("PUT-KEY AKIA2 s\0"), "ERROR locked\n");
	ck_assert_str_eq(REQ("DELETE-KEY " ID "\0"), "ERROR locked\n");
	ck_assert_str_eq(REQ("DELETE-KEY AKIA2\0"), "ERROR locked\n");
	ck_assert_str_eq(REQ("LOCK\0"), "OK\n");
	ck_assert_str_eq(REQ("LOCK now\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("KEYS\0"), "KEYS " ID "\n");
	check_sign("AWSAccessKeyId=" ID, EVP_sha1(), NULL);
}
END_TEST

START_TEST(test_sign_methods)
{
	put_example_key();
	check_sign("AWSAccessKeyId=" ID "&SignatureMethod=HmacSHA256&SignatureVersion=2", EVP_sha256(), NULL);
	check_sign("AWSAccessKeyId=" ID "&SignatureMethod=HmacSHA1&SignatureVersion=2", EVP_sha1(), NULL);
	/* Absent means HmacSHA1, as the original device assumed. */
	check_sign("AWSAccessKeyId=" ID "&SignatureVersion=2", EVP_sha1(), NULL);
	check_sign("AWSAccessKeyId=" ID "&SignatureMethod=Hmac%53HA256", EVP_sha256(), NULL);
	check_sign("AWSAccessKeyId=" ID "&SignatureMethod=HmacMD5", NULL, "unsupported-signaturemethod");
	check_sign("AWSAccessKeyId=" ID "&SignatureMethod=", NULL, "unsupported-signaturemethod");
	check_sign("AWSAccessKeyId=" ID "&SignatureMethod=hmacsha256", NULL, "unsupported-signaturemethod");
	check_sign("AWSAccessKeyId=" ID "&SignatureMethod=HmacSHA1&SignatureMethod=HmacSHA256", NULL,
		   "unsupported-signaturemethod");
	/* Only a parameter named exactly SignatureMethod counts. */
	check_sign("AWSAccessKeyId=" ID "&XSignatureMethod=HmacSHA256", EVP_sha1(), NULL);
	check_sign("AWSAccessKeyId=" ID "&X=SignatureMethod%3DHmacSHA256", EVP_sha1(), NULL);
}
END_TEST

START_TEST(test_sign_key_id)
{
	put_example_key();
	/* A name that merely contains AWSAccessKeyId never selects a key. */
	check_sign("AAWSAccessKeyId=" ID, NULL, "awsaccesskeyid-not-found");
	check_sign("Action=X&AAWSAccessKeyId=" ID "&SignatureMethod=HmacSHA256", NULL,
		   "awsaccesskeyid-not-found");
	check_sign("AAWSAccessKeyId=AKIA2&AWSAccessKeyId=" ID, EVP_sha1(), NULL);
	check_sign("AWSAccessKeyIdX=" ID, NULL, "awsaccesskeyid-not-found");
	check_sign("Action=Describe&AWSAccessKeyId=" ID "&Version=1", EVP_sha1(), NULL);
	check_sign("AWSAccessKeyId=AKIA%49OSFODNN7EXAMPLE", EVP_sha1(), NULL);
	check_sign("AWSAccessKeyId=", NULL, "invalid-awsaccesskeyid");
	check_sign("AWSAccessKeyId=akiaiosfodnn7example", NULL, "invalid-awsaccesskeyid");
	check_sign("AWSAccessKeyId=AKIA%4", NULL, "invalid-awsaccesskeyid");
	check_sign("AWSAccessKeyId=AKIA%zz", NULL, "invalid-awsaccesskeyid");
	check_sign("AWSAccessKeyId=" ID "&AWSAccessKeyId=" ID, NULL, "invalid-awsaccesskeyid");
	check_sign("AWSAccessKeyId=AKIANOTSTORED", NULL, "unknown-awsaccesskey");
	check_sign("Action=Describe", NULL, "awsaccesskeyid-not-found");
	check_sign("", NULL, "awsaccesskeyid-not-found");
}
END_TEST

START_TEST(test_sign_malformed)
{
	put_example_key();
	/* The key id must be in the query, not in the path or host. */
	ck_assert_str_eq(sign("GET\nhost\n/AWSAccessKeyId=" ID "\nAction=X"),
			 "ERROR awsaccesskeyid-not-found\n");
	ck_assert_str_eq(sign("GET\nhost\nAWSAccessKeyId=" ID), "ERROR invalid-command\n");
	ck_assert_str_eq(sign("GET\nhost\n/\nAWSAccessKeyId=" ID "\nX"), "ERROR invalid-command\n");
	ck_assert_str_eq(sign("GET\nhost\n/\nAWSAccessKeyId=" ID "\t"), "ERROR invalid-command\n");
	ck_assert_str_eq(sign("GET\nhost\n/\nAWSAccessKeyId=" ID "\x80"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("SIGN-AWS-V2\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("SIGN-AWS-V2X\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("sign-aws-v2 GET\nh\n/\nAWSAccessKeyId=" ID "\0"), "ERROR invalid-command\n");
}
END_TEST

/* Several requests back to back, as a pipelining host sends them. */
static size_t script(char *buf, char *want)
{
	char sts[256];
	size_t n = 0;

	want[0] = '\0';
	n += (size_t)sprintf(buf + n, "PING 1") + 1;
	strcat(want, PONG);
	for (int i = 0; i < 4; i++) {
		sts_of(sts, sizeof sts, i % 2 ? "AWSAccessKeyId=" ID "&SignatureMethod=HmacSHA256"
					      : "AWSAccessKeyId=" ID "&Nonce=2");
		n += (size_t)sprintf(buf + n, "SIGN-AWS-V2 %s", sts) + 1;
		expected(want + strlen(want), sts, i % 2 ? EVP_sha256() : EVP_sha1());
	}
	n += (size_t)sprintf(buf + n, "KEYS") + 1;
	strcat(want, "KEYS " ID "\n");
	n += (size_t)sprintf(buf + n, "BOGUS") + 1;
	strcat(want, "ERROR invalid-command\n");
	return n;
}

START_TEST(test_pipelined)
{
	char buf[4096], want[4096];
	size_t n;

	put_example_key();
	n = script(buf, want);
	ck_assert_str_eq(feed(buf, n), want);
	ck_assert_uint_eq(nreplies, 7);
}
END_TEST

START_TEST(test_random_pieces)
{
	char buf[4096], want[4096];
	size_t n;

	put_example_key();
	n = script(buf, want);
	srand(1);
	for (int round = 0; round < 300; round++) {
		clear();
		for (size_t at = 0; at < n;) {
			size_t piece = 1 + (size_t)rand() % (round % 3 == 0 ? 3 : 64);
			if (piece > n - at)
				piece = n - at;
			hsm_protocol_feed(&proto, buf + at, piece);
			at += piece;
		}
		ck_assert_str_eq(replies, want);
	}
}
END_TEST

START_TEST(test_half_request_waits)
{
	char sts[256], want[128];

	put_example_key();
	sts_of(sts, sizeof sts, "AWSAccessKeyId=" ID);
	clear();
	hsm_protocol_feed(&proto, "SIGN-AWS-V2 ", 12);
	hsm_protocol_feed(&proto, sts, strlen(sts));
	ck_assert_uint_eq(nreplies, 0);   /* no NUL: no answer, however long */
	hsm_protocol_feed(&proto, "", 1);
	expected(want, sts, EVP_sha1());
	ck_assert_str_eq(replies, want);
}
END_TEST

START_TEST(test_too_long)
{
	static char buf[3 * HSM_REQUEST_MAX];
	char sts[HSM_REQUEST_MAX], want[128];
	size_t n, fill;

	put_example_key();
	/* Exactly HSM_REQUEST_MAX bytes before the NUL is still signed. */
	sts_of(sts, sizeof sts, "AWSAccessKeyId=" ID "&Pad=");
	fill = HSM_REQUEST_MAX - strlen("SIGN-AWS-V2 ") - strlen(sts);
	memset(sts + strlen(sts), 'x', fill);
	sts[HSM_REQUEST_MAX - strlen("SIGN-AWS-V2 ")] = '\0';
	expected(want, sts, EVP_sha1());
	ck_assert_str_eq(sign(sts), want);
	/* One more byte is too long; it is consumed to its NUL, and the
	 * request after it is answered normally. */
	n = (size_t)sprintf(buf, "SIGN-AWS-V2 %sx", sts) + 1;
	n += (size_t)sprintf(buf + n, "PING 1") + 1;
	ck_assert_str_eq(feed(buf, n), "ERROR message-too-long\n" PONG);
	/* Far longer: still one error. */
	memset(buf, 'A', sizeof buf);
	buf[sizeof buf - 9] = '\0';
	strcpy(buf + sizeof buf - 8, "PING 1");
	ck_assert_str_eq(feed(buf, sizeof buf), "ERROR message-too-long\n" PONG);
}
END_TEST

START_TEST(test_garbage_before_command)
{
	/* Line noise ends with the next NUL; the command after it works. */
	ck_assert_str_eq(REQ("\x01\xff\x7fjunk\0PING 1\0"), "ERROR invalid-command\n" PONG);
	/* Empty requests (a host resynchronising) are not answered... */
	ck_assert_str_eq(REQ("\0\0\0PING 1\0"), PONG);
	/* ...nor is whitespace before a command. */
	ck_assert_str_eq(REQ("\r\n \tPING 1\0"), PONG);
	ck_assert_str_eq(REQ("xPING 1\0PING 1\0"), "ERROR invalid-command\n" PONG);
}
END_TEST

START_TEST(test_no_secret_left)
{
	put_example_key();
	ck_assert_ptr_null(memmem(&proto, sizeof proto, SECRET, strlen(SECRET)));
	ck_assert_ptr_null(memmem(&ks, sizeof ks, SECRET, strlen(SECRET)));
	ck_assert_str_eq(REQ("PUT-KEY " ID " " SECRET "\0"), "ERROR key-exists\n");
	ck_assert_ptr_null(memmem(&proto, sizeof proto, SECRET, strlen(SECRET)));
	ck_assert_str_eq(REQ("DELETE-KEY " ID "\0"), "OK\n");
	ck_assert_ptr_null(memmem(&ks, sizeof ks, ID, strlen(ID)));
}
END_TEST

START_TEST(test_storage_failure)
{
	store.budget = 0;  /* the flash refuses every erase and write */
	ck_assert_str_eq(REQ("PUT-KEY " ID " " SECRET "\0"), "ERROR storage-failure\n");
	ck_assert_str_eq(REQ("KEYS\0"), "KEYS\n");
	ck_assert_str_eq(REQ("LOCK\0"), "ERROR storage-failure\n");
	ck_assert_str_eq(REQ("PUT-KEY AKIA2 s\0"), "ERROR storage-failure\n");
}
END_TEST

/* A store whose lock page reads as neither erased nor locked (a torn
 * LOCK) comes up refusing every change, says so after PING's version,
 * and keeps signing with the keys it holds. */
START_TEST(test_store_fault)
{
	put_example_key();
	store.page[0][0] = 'A';  /* the first byte of a lock record, then power lost */
	hsm_keystore_wipe(&ks);
	ck_assert_int_eq(hsm_keystore_load(&ks, &store.storage), HSM_KS_STORAGE);
	ck_assert_str_eq(REQ("PING 1\0"), "PONG 1 " HSM_FIRMWARE_VERSION " " HSM_FEATURE_DELTA " " HSM_STORE_FAULT "\n");
	ck_assert_str_eq(REQ("KEYS\0"), "KEYS " ID "\n");
	ck_assert_str_eq(REQ("PUT-KEY AKIA2 s\0"), "ERROR storage-failure\n");
	ck_assert_str_eq(REQ("DELETE-KEY " ID "\0"), "ERROR storage-failure\n");
	ck_assert_str_eq(REQ("LOCK\0"), "ERROR storage-failure\n");
	check_sign("AWSAccessKeyId=" ID "&SignatureMethod=HmacSHA256", EVP_sha256(), NULL);
	/* Argument errors still come first. */
	ck_assert_str_eq(REQ("PUT-KEY akia s\0"), "ERROR invalid-awsaccesskeyid\n");
}
END_TEST

static Suite *protocol_suite(void)
{
	Suite *s = suite_create("firmware-protocol");
	TCase *tc = tcase_create("protocol");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_ping);
	tcase_add_test(tc, test_keys_put_delete);
	tcase_add_test(tc, test_put_key_malformed);
	tcase_add_test(tc, test_put_key_limits);
	tcase_add_test(tc, test_lock);
	tcase_add_test(tc, test_sign_methods);
	tcase_add_test(tc, test_sign_key_id);
	tcase_add_test(tc, test_sign_malformed);
	tcase_add_test(tc, test_pipelined);
	tcase_add_test(tc, test_random_pieces);
	tcase_add_test(tc, test_half_request_waits);
	tcase_add_test(tc, test_too_long);
	tcase_add_test(tc, test_garbage_before_command);
	tcase_add_test(tc, test_no_secret_left);
	tcase_add_test(tc, test_storage_failure);
	tcase_add_test(tc, test_store_fault);
	tcase_add_test(tc, test_delta);
	tcase_add_test(tc, test_delta_policy);
	tcase_add_test(tc, test_delta_room);
	tcase_add_test(tc, test_delta_spliced);
	tcase_add_test(tc, test_delta_off);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(protocol_suite());
}
