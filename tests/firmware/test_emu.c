/* awsv2-due-emu as a process: every command over its pty, the key store
 * file, --import-credentials, --symlink, the link models, --sign-us and
 * every fault option. */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../common/check_run.h"
#include "emu_proc.h"
#include "sigv4_vectors.h"
#include "tmpdir.h"

#define ID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define ID2 "AKIAI44QH8DHBEXAMPLE"
#define SECRET2 "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"
#define STS "GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=%s&Action=DescribeInstances&SignatureMethod=%s"
#define TIMEOUT 10000

static char dir[PATH_MAX], keystore[PATH_MAX + 16], link_path[PATH_MAX + 16];
static char line[16384];

static void setup(void)
{
	ck_assert_int_eq(tmpdir_create(dir, sizeof dir, "fw-emu"), 0);
	snprintf(keystore, sizeof keystore, "%s/keys", dir);
	snprintf(link_path, sizeof link_path, "%s/due", dir);
}

static void teardown(void)
{
	tmpdir_remove(dir);
}

static const char *reply(emu_proc *e)
{
	int n = emu_read_line(e, line, sizeof line, TIMEOUT);

	ck_assert_msg(n > 0, "no reply from the emulator");
	return line;
}

#define ASK(e, req, want) do { \
	emu_send_str(e, req "\0"); \
	ck_assert_str_eq(reply(e), want); \
} while (0)

/* Sends a SIGN-AWS-V2 for id and method; returns the expected reply for
 * secret (computed by OpenSSL) in want. */
static void send_sign(emu_proc *e, const char *id, const char *method, const char *secret,
		      char *want)
{
	char sts[512], req[600];
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int len;

	snprintf(sts, sizeof sts, STS, id, method);
	len = snprintf(req, sizeof req, "SIGN-AWS-V2 %s", sts);
	emu_send(e, req, (size_t)len + 1);
	HMAC(strcmp(method, "HmacSHA1") ? EVP_sha256() : EVP_sha1(), secret, (int)strlen(secret),
	     (unsigned char *)sts, strlen(sts), mac, &n);
	want += sprintf(want, "SUCCESS ");
	for (unsigned i = 0; i < n; i++)
		want += sprintf(want, "%02x", mac[i]);
	strcpy(want, "\n");
}

static void check_sign(emu_proc *e, const char *id, const char *method, const char *secret)
{
	char want[128];

	send_sign(e, id, method, secret, want);
	ck_assert_str_eq(reply(e), want);
}

START_TEST(test_every_command)
{
	const char *args[] = { "--keystore", keystore, "--symlink", link_path, NULL };
	char target[PATH_MAX];
	struct stat st;
	emu_proc e;
	ssize_t n;

	emu_start(&e, args);
	ck_assert_int_eq(stat(keystore, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	n = readlink(link_path, target, sizeof target - 1);
	ck_assert_int_gt(n, 0);
	target[n] = '\0';
	ck_assert_str_eq(target, e.proc.line);

	ASK(&e, "PING 42", "PONG 42 awsv2-hsm/0.1.0 delta\n");
	ASK(&e, "KEYS", "KEYS\n");
	ASK(&e, "PUT-KEY " ID " " SECRET, "OK\n");
	ASK(&e, "PUT-KEY " ID " " SECRET, "ERROR key-exists\n");
	ASK(&e, "PUT-KEY " ID2 " " SECRET2, "OK\n");
	ASK(&e, "KEYS", "KEYS " ID "," ID2 "\n");
	check_sign(&e, ID, "HmacSHA256", SECRET);
	check_sign(&e, ID2, "HmacSHA1", SECRET2);
	ASK(&e, "SIGN-AWS-V2 GET\nh\n/\nAAWSAccessKeyId=" ID, "ERROR awsaccesskeyid-not-found\n");
	ASK(&e, "SIGN-AWS-V2 GET\nh\n/\nAWSAccessKeyId=bad", "ERROR invalid-awsaccesskeyid\n");
	ASK(&e, "SIGN-AWS-V2 GET\nh\n/\nAWSAccessKeyId=AKIAX", "ERROR unknown-awsaccesskey\n");
	ASK(&e, "SIGN-AWS-V2 GET\nh\n/\nAWSAccessKeyId=" ID "&SignatureMethod=HmacMD5",
	    "ERROR unsupported-signaturemethod\n");
	ASK(&e, "HELLO", "ERROR invalid-command\n");
	ASK(&e, "DELETE-KEY " ID2, "OK\n");
	ASK(&e, "DELETE-KEY " ID2, "ERROR unknown-awsaccesskey\n");
	ASK(&e, "LOCK", "OK\n");
	ASK(&e, "PUT-KEY " ID2 " " SECRET2, "ERROR locked\n");
	ASK(&e, "DELETE-KEY " ID, "ERROR locked\n");
	ASK(&e, "KEYS", "KEYS " ID "\n");
	{
		static char big[9000];
		memset(big, 'A', sizeof big - 1);
		emu_send(&e, big, sizeof big);
		ck_assert_str_eq(reply(&e), "ERROR message-too-long\n");
	}
	/* A host closing and reopening the port finds the emulator serving. */
	close(e.fd);
	e.fd = open(e.proc.line, O_RDWR | O_NOCTTY);
	ck_assert_int_ge(e.fd, 0);
	ASK(&e, "PING 2", "PONG 2 awsv2-hsm/0.1.0 delta\n");
	ck_assert_int_eq(emu_stop(&e), 0);
	ck_assert_int_ne(access(link_path, F_OK), 0);  /* the symlink is gone */
}
END_TEST

START_TEST(test_persistence)
{
	const char *args[] = { "--keystore", keystore, NULL };
	char err[1024];
	emu_proc e, other;

	emu_start(&e, args);
	ASK(&e, "PUT-KEY " ID " " SECRET, "OK\n");
	/* A second emulator may not share the key store. */
	ck_assert_int_eq(emu_run(args, err, sizeof err), 1);
	ck_assert_ptr_nonnull(strstr(err, "in use"));
	ck_assert_int_eq(emu_stop(&e), 0);

	emu_start(&other, args);
	ASK(&other, "KEYS", "KEYS " ID "\n");
	check_sign(&other, ID, "HmacSHA1", SECRET);
	ASK(&other, "LOCK", "OK\n");
	ck_assert_int_eq(emu_stop(&other), 0);

	emu_start(&e, args);
	ASK(&e, "PUT-KEY " ID2 " " SECRET2, "ERROR locked\n");
	ck_assert_int_eq(emu_stop(&e), 0);
}
END_TEST

/* The device decides, end to end over the pty: a policy stored with the
 * key and read back, a request allowed and one refused, the rate limit on
 * the emulator's own clock, the audit log read out pipelined with its
 * chain checked by OpenSSL, and both kept in the key store file across a
 * restart (the RAM records lost, the restart record saying so). */
static void chain_of(const unsigned char prev[32], const char *text, char hex_out[65])
{
	unsigned char d[32];
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	EVP_DigestUpdate(c, prev, 32);
	EVP_DigestUpdate(c, text, strlen(text));
	EVP_DigestFinal_ex(c, d, NULL);
	EVP_MD_CTX_free(c);
	for (int i = 0; i < 32; i++)
		sprintf(hex_out + 2 * i, "%02x", d[i]);
}

/* Checks the reply to AUDIT: "AUDIT <text> <chain>" with text beginning
 * with want and chained from *prev (updated). */
static void check_record(const char *got, const char *want, unsigned char prev[32])
{
	char text[1024], chain[66];
	size_t len = strlen(got);

	ck_assert_msg(strncmp(got, "AUDIT ", 6) == 0 && len > 6 + 66, "%s", got);
	memcpy(text, got + 6, len - 6 - 66);
	text[len - 6 - 66] = '\0';
	ck_assert_msg(strncmp(text, want, strlen(want)) == 0, "%s", got);
	chain_of(prev, text, chain);
	ck_assert_str_eq(got + len - 65, strcat(chain, "\n"));
	for (int i = 0; i < 32; i++)
		sscanf(chain + 2 * i, "%2hhx", &prev[i]);
}

START_TEST(test_policy_and_audit)
{
	const char *args[] = { "--keystore", keystore, NULL };
	static const char zero[] = "0000000000000000000000000000000000000000000000000000000000000000";
	unsigned char chain[32] = { 0 };
	char want[256], end[128];
	emu_proc e;

	emu_start(&e, args);
	ASK(&e, "PUT-KEY " ID " " SECRET " action=DescribeInstances;version=2;rate=2/min", "OK\n");
	ASK(&e, "POLICY " ID, "POLICY action=DescribeInstances;version=2;rate=2/min\n");
	check_sign(&e, ID, "HmacSHA256", SECRET);
	ASK(&e, "SIGN-AWS-V2 GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=" ID
	    "&Action=RunInstances&SignatureMethod=HmacSHA256", "ERROR policy-denied\n");
	ASK(&e, "SIGN-AWS-V2 GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=" ID
	    "&Action=DescribeInstances&Action=RunInstances", "ERROR policy-denied\n");
	check_sign(&e, ID, "HmacSHA1", SECRET);
	/* two a minute: the third is refused, whatever the host's clock */
	ASK(&e, "SIGN-AWS-V2 GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=" ID
	    "&Action=DescribeInstances", "ERROR rate-limited\n");
	/* the log, pipelined: every request gets its one line */
	emu_send_str(&e, "AUDIT 0\0AUDIT 1\0AUDIT 2\0AUDIT 3\0AUDIT 4\0AUDIT 5\0AUDIT 6\0");
	snprintf(want, sizeof want, "0 - 0 - - restart %s", zero);
	check_record(reply(&e), want, chain);
	check_record(reply(&e), "1 " ID " 2 DescribeInstances ec2.amazonaws.com ok ", chain);
	check_record(reply(&e), "2 " ID " 2 RunInstances ec2.amazonaws.com policy-denied ", chain);
	check_record(reply(&e), "3 " ID " 2 ? ec2.amazonaws.com policy-denied ", chain);
	check_record(reply(&e), "4 " ID " 2 DescribeInstances ec2.amazonaws.com ok ", chain);
	check_record(reply(&e), "5 " ID " 2 DescribeInstances ec2.amazonaws.com rate-limited ", chain);
	snprintf(end, sizeof end, "AUDIT-END 6 ");
	for (int i = 0; i < 32; i++)
		sprintf(end + 12 + 2 * i, "%02x", chain[i]);
	strcat(end, "\n");
	ck_assert_str_eq(reply(&e), end);
	ASK(&e, "AUDIT-MODE strict", "OK\n");
	ck_assert_int_eq(emu_stop(&e), 0);

	/* a power cycle: policy and mode from the file, the records gone; the
	 * restart record names the chain AUDIT-MODE's checkpoint saved, the
	 * one the host holds after record 5: nothing was lost in between */
	emu_start(&e, args);
	ASK(&e, "POLICY " ID, "POLICY action=DescribeInstances;version=2;rate=2/min\n");
	ASK(&e, "AUDIT 6", "AUDIT-GAP 1024\n");
	emu_send_str(&e, "AUDIT 1024\0");
	end[12 + 64] = '\0';
	snprintf(want, sizeof want, "1024 - 0 - - restart %s", end + 12);
	check_record(reply(&e), want, chain);
	check_sign(&e, ID, "HmacSHA256", SECRET);  /* a full bucket after power-up */
	ASK(&e, "LOCK", "OK\n");
	ASK(&e, "AUDIT-MODE wrap", "ERROR locked\n");
	ck_assert_int_eq(emu_stop(&e), 0);
}
END_TEST

/* SIGN-AWS-V4 of every POST vector over the pty, with its body: the
 * vector's signature (botocore's). */
START_TEST(test_sign_v4)
{
	const char *args[] = { NULL };
	const sigv4_vector *v;
	size_t n = sigv4_vectors(&v), seen = 0;
	emu_proc e;

	emu_start(&e, args);
	ASK(&e, "PUT-KEY " ID " " SECRET, "OK\n");
	for (size_t i = 0; i < n; i++) {
		char req[4096], want[128];
		int len;
		if (!v[i].signed_request || strcmp(v[i].kind, "post-authorization") != 0)
			continue;
		ck_assert_str_eq(v[i].key_id, ID);
		len = snprintf(req, sizeof req, "SIGN-AWS-V4 %s %s %s\n%s\n%s", ID, v[i].region,
			       v[i].service, v[i].signed_request, v[i].body);
		ck_assert_int_lt(len, (int)sizeof req);
		emu_send(&e, req, (size_t)len + 1);
		snprintf(want, sizeof want, "SUCCESS %s\n", v[i].signature);
		ck_assert_str_eq(reply(&e), want);
		seen++;
	}
	ck_assert_uint_ge(seen, 1);
	ASK(&e, "SIGN-AWS-V4 " ID " eu-central-1 ec2\n"
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    "ERROR invalid-canonical-request\n");
	ck_assert_int_eq(emu_stop(&e), 0);
}
END_TEST

/* A key store file whose lock page was torn (the first byte of a lock
 * record written, then the power went): the emulator serves it as the
 * device would, refusing every change and saying so in PONG. */
START_TEST(test_torn_lock_file)
{
	const char *args[] = { "--keystore", keystore, NULL };
	unsigned char pages[9 * 256];
	emu_proc e;
	FILE *f;

	memset(pages, 0xFF, sizeof pages);
	pages[0] = 'A';
	f = fopen(keystore, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(pages, 1, sizeof pages, f), sizeof pages);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(keystore, 0600), 0);
	emu_start(&e, args);
	ASK(&e, "PING 1", "PONG 1 awsv2-hsm/0.1.0 delta store-fault\n");
	ASK(&e, "PUT-KEY " ID " " SECRET, "ERROR storage-failure\n");
	ASK(&e, "LOCK", "ERROR storage-failure\n");
	ASK(&e, "KEYS", "KEYS\n");
	ck_assert_int_eq(emu_stop(&e), 0);
}
END_TEST

START_TEST(test_import_credentials)
{
	char creds[PATH_MAX + 32];
	const char *args[] = { "--keystore", keystore, "--import-credentials", creds, NULL };
	const char *plain[] = { "--keystore", keystore, NULL };
	FILE *f;
	emu_proc e;

	snprintf(creds, sizeof creds, "%s/credentials", dir);
	/* ID is stored already, with another secret: it is kept. */
	emu_start(&e, plain);
	ASK(&e, "PUT-KEY " ID " older", "OK\n");
	ck_assert_int_eq(emu_stop(&e), 0);
	f = fopen(creds, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "# test\n[default]\naws_access_key_id = " ID "\naws_secret_access_key = " SECRET
		   "\n\n[other]\r\naws_secret_access_key=" SECRET2 "\r\naws_access_key_id=" ID2
		   "\r\nregion = eu-west-1\r\n");
	fclose(f);
	emu_start(&e, args);
	ASK(&e, "KEYS", "KEYS " ID "," ID2 "\n");
	check_sign(&e, ID, "HmacSHA256", "older");
	check_sign(&e, ID2, "HmacSHA256", SECRET2);
	ck_assert_int_eq(emu_stop(&e), 0);
}
END_TEST

START_TEST(test_import_errors)
{
	char creds[PATH_MAX + 32], err[1024];
	const char *args[] = { "--import-credentials", creds, NULL };
	FILE *f;

	snprintf(creds, sizeof creds, "%s/credentials", dir);
	ck_assert_int_eq(emu_run(args, err, sizeof err), 1);  /* no such file */
	ck_assert_ptr_nonnull(strstr(err, creds));
	f = fopen(creds, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "[default]\naws_access_key_id = not-an-id\naws_secret_access_key = " SECRET "\n");
	fclose(f);
	ck_assert_int_eq(emu_run(args, err, sizeof err), 1);
	ck_assert_ptr_null(strstr(err, SECRET));  /* never shown */
	ck_assert_ptr_nonnull(strstr(err, "default"));
}
END_TEST

START_TEST(test_drop_reply)
{
	const char *args[] = { "--drop-reply", "2", "--drop-reply", "4", NULL };
	emu_proc e;

	emu_start(&e, args);
	emu_send_str(&e, "PING 1\0PUT-KEY " ID " " SECRET "\0PING 3\0PING 4\0PING 5\0");
	ck_assert_str_eq(reply(&e), "PONG 1 awsv2-hsm/0.1.0 delta\n");
	ck_assert_str_eq(reply(&e), "PONG 3 awsv2-hsm/0.1.0 delta\n");
	ck_assert_str_eq(reply(&e), "PONG 5 awsv2-hsm/0.1.0 delta\n");
	/* The dropped request was executed all the same. */
	ASK(&e, "KEYS", "KEYS " ID "\n");
	ck_assert_int_eq(emu_stop(&e), 0);
}
END_TEST

START_TEST(test_garble_reply)
{
	const char *args[] = { "--garble-reply", "2", NULL };
	const char *valid[] = { "SUCCESS", "ERROR", "OK", "PONG", "KEYS" };
	emu_proc e;
	int n;

	emu_start(&e, args);
	emu_send_str(&e, "PING 1\0PING 2\0PING 3\0");
	ck_assert_str_eq(reply(&e), "PONG 1 awsv2-hsm/0.1.0 delta\n");
	n = emu_read_line(&e, line, sizeof line, TIMEOUT);
	ck_assert_int_eq(n, (int)strlen("PONG 2 awsv2-hsm/0.1.0 delta\n"));
	ck_assert_int_eq(line[n - 1], '\n');
	for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
		ck_assert_int_ne(strncmp(line, valid[i], strlen(valid[i])), 0);
	ck_assert_str_eq(reply(&e), "PONG 3 awsv2-hsm/0.1.0 delta\n");
	ck_assert_int_eq(emu_stop(&e), 0);
}
END_TEST

START_TEST(test_stall)
{
	const char *args[] = { "--stall", "2:300", NULL };
	emu_proc e;
	int64_t t0;

	emu_start(&e, args);
	t0 = ms_now();
	emu_send_str(&e, "PING 1\0PING 2\0PING 3\0");
	ck_assert_str_eq(reply(&e), "PONG 1 awsv2-hsm/0.1.0 delta\n");
	ck_assert_str_eq(reply(&e), "PONG 2 awsv2-hsm/0.1.0 delta\n");
	ck_assert_int_ge(ms_now() - t0, 300);
	/* Requests are handled in order: the one behind waited too. */
	ck_assert_str_eq(reply(&e), "PONG 3 awsv2-hsm/0.1.0 delta\n");
	ck_assert_int_eq(emu_stop(&e), 0);
}
END_TEST

START_TEST(test_close_after)
{
	const char *args[] = { "--close-after", "2", "--symlink", link_path, NULL };
	emu_proc e;

	emu_start(&e, args);
	emu_send_str(&e, "PING 1\0PING 2\0PING 3\0");
	ck_assert_str_eq(reply(&e), "PONG 1 awsv2-hsm/0.1.0 delta\n");
	ck_assert_str_eq(reply(&e), "PONG 2 awsv2-hsm/0.1.0 delta\n");
	/* Then the port goes away: end of file or EIO, never a third reply. */
	ck_assert_int_eq(emu_read_line(&e, line, sizeof line, TIMEOUT), 0);
	ck_assert_int_eq(emu_wait(&e, TIMEOUT), 0);
	ck_assert_int_ne(access(link_path, F_OK), 0);
}
END_TEST

START_TEST(test_sign_us)
{
	const char *args[] = { "--sign-us", "20000", "--import-credentials", keystore, NULL };
	char want[128];
	FILE *f = fopen(keystore, "w");  /* a credentials file, here */
	emu_proc e;
	int64_t t0;

	ck_assert_ptr_nonnull(f);
	fprintf(f, "[default]\naws_access_key_id=" ID "\naws_secret_access_key=" SECRET "\n");
	fclose(f);
	emu_start(&e, args);
	t0 = ms_now();
	for (int i = 0; i < 5; i++)
		send_sign(&e, ID, "HmacSHA256", SECRET, want);
	for (int i = 0; i < 5; i++)
		ck_assert_str_eq(reply(&e), want);
	ck_assert_int_ge(ms_now() - t0, 100);
	ck_assert_int_eq(emu_stop(&e), 0);
}
END_TEST

/* A PING through the link model link (--link) takes min_ms at least. */
static void ping_takes(const char *link, int64_t min_ms)
{
	const char *args[] = { "--link", link, NULL };
	emu_proc e;
	int64_t t0;

	emu_start(&e, args);
	t0 = ms_now();
	ASK(&e, "PING 1", "PONG 1 awsv2-hsm/0.1.0 delta\n");
	ck_assert_int_ge(ms_now() - t0, min_ms);
	ck_assert_int_eq(emu_stop(&e), 0);
}

START_TEST(test_link_uart)
{
	/* 7 bytes in and 23 out, 10 bits each at 9600 baud: 31 ms. */
	ping_takes("uart:9600", 31);
}
END_TEST

/* The USB models: bytes to the device at 1 MB/s (usb-ideal), or taken in
 * by the device at 127,000 a second, after its signing (usb); replies on
 * 1 ms frames. */
static void link_usb(const char *model, int64_t big_ms)
{
	const char *args[] = { "--link", model, "--sign-us", "10000", NULL };
	static char big[10001];
	emu_proc e;
	int64_t t0;

	emu_start(&e, args);
	memset(big, 'A', sizeof big - 1);
	t0 = ms_now();
	emu_send(&e, big, sizeof big);
	ck_assert_str_eq(reply(&e), "ERROR message-too-long\n");
	ck_assert_int_ge(ms_now() - t0, big_ms);
	/* Each reply waits for a 1 ms frame: ten round trips take 9 ms or more. */
	t0 = ms_now();
	for (int i = 0; i < 10; i++)
		ASK(&e, "PING 1", "PONG 1 awsv2-hsm/0.1.0 delta\n");
	ck_assert_int_ge(ms_now() - t0, 9);
	ck_assert_int_eq(emu_stop(&e), 0);
}

START_TEST(test_link_usb)
{
	/* 10,001 bytes at 127,000 a second: at least 78 ms */
	link_usb("usb", 78);
	link_usb("usb-ideal", 10);
}
END_TEST

/* On the calibrated model the device takes bytes in with its own time: the
 * 2,000 bytes that came while it signed for 10 ms cost it 15.7 ms after. */
START_TEST(test_link_usb_device_time)
{
	const char *args[] = { "--link", "usb", "--sign-us", "10000", NULL };
	static char junk[2001];
	char want[128];
	emu_proc e;
	int64_t t0;

	emu_start(&e, args);
	ASK(&e, "PUT-KEY " ID " " SECRET, "OK\n");
	memset(junk, 'A', sizeof junk - 1);
	t0 = ms_now();
	send_sign(&e, ID, "HmacSHA256", SECRET, want);
	emu_send(&e, junk, sizeof junk);
	emu_send_str(&e, "PING 2\0");
	ck_assert_str_eq(reply(&e), want);
	ck_assert_str_eq(reply(&e), "ERROR invalid-command\n");
	ck_assert_str_eq(reply(&e), "PONG 2 awsv2-hsm/0.1.0 delta\n");
	ck_assert_int_ge(ms_now() - t0, 10 + 15);
	ck_assert_int_eq(emu_stop(&e), 0);
}
END_TEST

/* The programming port: 7 bytes in and 29 out at 11,700 bytes/s: 3 ms. */
START_TEST(test_link_prog)
{
	ping_takes("prog", 3);
}
END_TEST

/* --no-delta: firmware before compact frames. */
START_TEST(test_no_delta)
{
	const char *args[] = { "--no-delta", NULL };
	emu_proc e;

	emu_start(&e, args);
	ASK(&e, "PING 1", "PONG 1 awsv2-hsm/0.1.0\n");
	ASK(&e, "D 1 - 00000000 1+x", "ERROR invalid-command\n");
	ck_assert_int_eq(emu_stop(&e), 0);
}
END_TEST

START_TEST(test_verbose_shows_no_secret)
{
	const char *args[] = { "--verbose", "--drop-reply", "3", NULL };
	char log[PATH_MAX + 16], text[8192];
	emu_proc e;
	FILE *f;
	size_t n;
	int fd;

	snprintf(log, sizeof log, "%s/keys", dir);  /* removed by teardown */
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	emu_start_logged(&e, args, fd);
	close(fd);
	ASK(&e, "PUT-KEY " ID " " SECRET, "OK\n");
	check_sign(&e, ID, "HmacSHA1", SECRET);
	emu_send_str(&e, "PUT-KEY " ID2 " " SECRET2 "\0");
	ASK(&e, "KEYS", "KEYS " ID "," ID2 "\n");
	ck_assert_int_eq(emu_stop(&e), 0);
	f = fopen(log, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	ck_assert_ptr_nonnull(strstr(text, "request 1: PUT-KEY -> OK"));
	ck_assert_ptr_nonnull(strstr(text, "(dropped)"));
	ck_assert_ptr_null(strstr(text, SECRET));
	ck_assert_ptr_null(strstr(text, SECRET2));
}
END_TEST

START_TEST(test_usage)
{
	static const char *const bad[][3] = {
		{ "--link", "uart:", NULL }, { "--link", "serial", NULL }, { "--link", "usb-fast", NULL },
		{ "--stall", "2", NULL },
		{ "--stall", "0:5", NULL }, { "--drop-reply", "x", NULL }, { "--close-after", "0", NULL },
		{ "--sign-us", "-1", NULL }, { "--bogus", NULL, NULL }, { "extra", NULL, NULL },
	};
	const char *help[] = { "--help", NULL }, *version[] = { "--version", NULL };
	char err[1024];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(emu_run(bad[i], err, sizeof err), 2);
		ck_assert_msg(strstr(err, "awsv2-due-emu") != NULL, "no message for %s", bad[i][0]);
	}
	ck_assert_int_eq(emu_run(help, err, sizeof err), 0);
	ck_assert_int_eq(emu_run(version, err, sizeof err), 0);
}
END_TEST

static Suite *emu_suite(void)
{
	Suite *s = suite_create("firmware-emu");
	TCase *tc = tcase_create("emu");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_every_command);
	tcase_add_test(tc, test_persistence);
	tcase_add_test(tc, test_sign_v4);
	tcase_add_test(tc, test_policy_and_audit);
	tcase_add_test(tc, test_torn_lock_file);
	tcase_add_test(tc, test_import_credentials);
	tcase_add_test(tc, test_import_errors);
	tcase_add_test(tc, test_drop_reply);
	tcase_add_test(tc, test_garble_reply);
	tcase_add_test(tc, test_stall);
	tcase_add_test(tc, test_close_after);
	tcase_add_test(tc, test_sign_us);
	tcase_add_test(tc, test_link_uart);
	tcase_add_test(tc, test_link_usb);
	tcase_add_test(tc, test_link_usb_device_time);
	tcase_add_test(tc, test_link_prog);
	tcase_add_test(tc, test_no_delta);
	tcase_add_test(tc, test_verbose_shows_no_secret);
	tcase_add_test(tc, test_usage);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(emu_suite());
}
