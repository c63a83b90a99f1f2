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
#include "hsm_protocol.h"
#include "memstore.h"

#define ID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define PONG "PONG 1 " HSM_FIRMWARE_VERSION "\n"

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

START_TEST(test_ping)
{
	ck_assert_str_eq(REQ("PING 1\0"), PONG);
	ck_assert_str_eq(REQ("PING\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("PING \0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("PING a b\0"), "ERROR invalid-command\n");
	ck_assert_str_eq(REQ("PING 1234567890123456789012345678901234567890123456789012345678901234\0"),
			 "PONG 1234567890123456789012345678901234567890123456789012345678901234 "
			 HSM_FIRMWARE_VERSION "\n");
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
	ck_assert_str_eq(REQ("PING 1\0"), "PONG 1 " HSM_FIRMWARE_VERSION " " HSM_STORE_FAULT "\n");
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
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(protocol_suite());
}
