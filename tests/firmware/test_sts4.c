/* The SigV4 reader (firmware/hsm/src/awsv2_sts4.c): every canonical request
 * of the known-answer vectors passes and is read right, its string to sign
 * is the vector's, and each rule of docs/serial-protocol.md (SIGN-AWS-V4)
 * refuses what it should, with the code it should. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/check_run.h"
#include "awsv2_sts4.h"
#include "sigv4_vectors.h"

#define ID "AKIAIOSFODNN7EXAMPLE"
#define OK AWSV2__STS4_OK
#define BAD_ID AWSV2__STS4_BAD_KEY_ID
#define BAD_SCOPE AWSV2__STS4_BAD_SCOPE
#define BAD_CR AWSV2__STS4_BAD_REQUEST

/* A presigned GET (the first vector's canonical request, with an empty payload). */
static const char presigned[] =
	"GET\n/\nAction=DescribeInstances&Version=2016-11-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
	"X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261121%2Feu-central-1%2Fec2%2Faws4_request&"
	"X-Amz-Date=20261121T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host\n"
	"host:ec2.eu-central-1.amazonaws.com\n\nhost\n"
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/* A POST with its timestamp in a header. */
static const char post[] =
	"POST\n/\n\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\n"
	"host:ec2.eu-central-1.amazonaws.com\nx-amz-date:20261121T120000Z\n\n"
	"content-type;host;x-amz-date\n"
	"3457f5190d83e09134f886876d22e0c136673609789ec3a457a414b843b67dbc";

static int check(const char *cr, int has_payload, struct awsv2__sts4 *out)
{
	return awsv2__sts4_check(ID, "eu-central-1", "ec2", cr, strlen(cr), has_payload, out);
}

/* base with the first occurrence of from replaced by to, in one of a few
 * static buffers (so that edits can be nested). */
static char *edit(const char *base, const char *from, const char *to)
{
	static char bufs[4][2048];
	static unsigned next;
	const char *at = strstr(base, from);
	char *out = bufs[next++ % 4];

	ck_assert_msg(at != NULL, "no \"%s\" to replace", from);
	ck_assert_uint_lt(strlen(base) + strlen(to), sizeof bufs[0]);
	sprintf(out, "%.*s%s%s", (int)(at - base), base, to, at + strlen(from));
	return out;
}

static int check_edit(const char *base, const char *from, const char *to, int has_payload)
{
	struct awsv2__sts4 r;

	return check(edit(base, from, to), has_payload, &r);
}

START_TEST(vectors_pass)
{
	const sigv4_vector *v;
	size_t n = sigv4_vectors(&v), seen = 0;

	for (size_t i = 0; i < n; i++) {
		const char *crs[2] = { v[i].canonical_request, v[i].signed_request };
		struct awsv2__sts4 r;
		char hash[65], sts[AWSV2__STS4_STS_MAX];
		size_t len;

		const char *host;

		if (!v[i].canonical_request)
			continue;
		host = strstr(v[i].canonical_request, "\nhost:");
		ck_assert_ptr_nonnull(host);
		host += 6;
		for (int k = 0; k < 2; k++) {
			ck_assert_msg(awsv2__sts4_check(v[i].key_id, v[i].region, v[i].service, crs[k],
							strlen(crs[k]), 1, &r) == OK,
				      "%s refused", v[i].name);
			ck_assert_str_eq(r.amz_date, v[i].timestamp);
			ck_assert_str_eq(r.date, v[i].date);
			ck_assert_int_eq(r.presigned, strcmp(v[i].kind, "presigned-get") == 0);
			ck_assert_uint_eq(r.host_len, strcspn(host, "\n"));
			ck_assert_int_eq(memcmp(r.host, host, r.host_len), 0);
			ck_assert_uint_eq(r.payload_hash_len, 64);
		}
		/* The string to sign of the request as captured is the vector's. */
		sigv4_sha256_hex(v[i].canonical_request, strlen(v[i].canonical_request), hash);
		awsv2__sts4_check(v[i].key_id, v[i].region, v[i].service, v[i].canonical_request,
				  strlen(v[i].canonical_request), 1, &r);
		len = awsv2__sts4_string_to_sign(&r, v[i].region, v[i].service, hash, sts);
		ck_assert_uint_eq(len, strlen(v[i].string_to_sign));
		ck_assert_int_eq(memcmp(sts, v[i].string_to_sign, len), 0);
		seen++;
	}
	ck_assert_uint_ge(seen, 10);
}
END_TEST

START_TEST(reads_the_parts)
{
	struct awsv2__sts4 r;

	ck_assert_int_eq(check(post, 1, &r), OK);
	ck_assert_uint_eq(r.method_len, 4);
	ck_assert_int_eq(memcmp(r.method, "POST", 4), 0);
	ck_assert_uint_eq(r.path_len, 1);
	ck_assert_uint_eq(r.query_len, 0);
	ck_assert_uint_eq(r.signed_headers_len, strlen("content-type;host;x-amz-date"));
	ck_assert_int_eq(memcmp(r.headers, "content-type:", 13), 0);
	ck_assert_int_eq(r.headers[r.headers_len - 1], '\n');
	ck_assert_int_eq(r.headers[r.headers_len], '\n');
	ck_assert_str_eq(r.amz_date, "20261121T120000Z");
	ck_assert_str_eq(r.date, "20261121");
	ck_assert_int_eq(r.presigned, 0);
	ck_assert_int_eq(check(presigned, 1, &r), OK);
	ck_assert_int_eq(r.presigned, 1);
	ck_assert_int_eq(memcmp(r.query, "Action=", 7), 0);
}
END_TEST

START_TEST(key_id_and_scope)
{
	struct awsv2__sts4 r;
	char long_id[AWSV2__KEY_ID_MAX + 2], long_part[AWSV2__STS4_REGION_MAX + 2];

	memset(long_id, 'A', sizeof long_id - 1);
	long_id[sizeof long_id - 1] = '\0';
	memset(long_part, 'a', sizeof long_part - 1);
	long_part[sizeof long_part - 1] = '\0';
	ck_assert_int_eq(awsv2__sts4_check("akia", "eu-central-1", "ec2", post, strlen(post), 1, &r), BAD_ID);
	ck_assert_int_eq(awsv2__sts4_check("", "eu-central-1", "ec2", post, strlen(post), 1, &r), BAD_ID);
	ck_assert_int_eq(awsv2__sts4_check(long_id, "eu-central-1", "ec2", post, strlen(post), 1, &r), BAD_ID);
	long_id[AWSV2__KEY_ID_MAX] = '\0';
	ck_assert_int_eq(awsv2__sts4_check(long_id, "eu-central-1", "ec2", post, strlen(post), 1, &r), OK);
	/* The key id comes first, then the scope, then the request. */
	ck_assert_int_eq(awsv2__sts4_check("a/b", "EU", "ec2", "x", 1, 1, &r), BAD_ID);
	ck_assert_int_eq(awsv2__sts4_check(ID, "EU", "ec2", "x", 1, 1, &r), BAD_SCOPE);
	ck_assert_int_eq(awsv2__sts4_check(ID, "", "ec2", post, strlen(post), 1, &r), BAD_SCOPE);
	ck_assert_int_eq(awsv2__sts4_check(ID, "eu-central-1", "", post, strlen(post), 1, &r), BAD_SCOPE);
	ck_assert_int_eq(awsv2__sts4_check(ID, "eu/central", "ec2", post, strlen(post), 1, &r), BAD_SCOPE);
	ck_assert_int_eq(awsv2__sts4_check(ID, "eu-central-1", "ec2 ", post, strlen(post), 1, &r), BAD_SCOPE);
	ck_assert_int_eq(awsv2__sts4_check(ID, "eu-central-1", "e_c2", post, strlen(post), 1, &r), BAD_SCOPE);
	ck_assert_int_eq(awsv2__sts4_check(ID, long_part, "ec2", post, strlen(post), 1, &r), BAD_SCOPE);
	long_part[AWSV2__STS4_REGION_MAX] = '\0';
	ck_assert_int_eq(awsv2__sts4_check(ID, long_part, "ec2", post, strlen(post), 1, &r), OK);
	long_part[AWSV2__STS4_SERVICE_MAX + 1] = '\0';
	ck_assert_int_eq(awsv2__sts4_check(ID, "eu-central-1", long_part, post, strlen(post), 1, &r), BAD_SCOPE);
	long_part[AWSV2__STS4_SERVICE_MAX] = '\0';
	ck_assert_int_eq(awsv2__sts4_check(ID, "eu-central-1", long_part, post, strlen(post), 1, &r), OK);
}
END_TEST

START_TEST(shape)
{
	struct awsv2__sts4 r;
	const char hash[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	const char sigv2[] = "GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=" ID "&Action=X";

	/* Not a canonical request at all: a bare hash, a SigV2 string to sign. */
	ck_assert_int_eq(check(hash, 1, &r), BAD_CR);
	ck_assert_int_eq(check(sigv2, 0, &r), BAD_CR);
	ck_assert_int_eq(check("", 0, &r), BAD_CR);
	/* method */
	ck_assert_int_eq(check_edit(post, "POST", "PUT", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "POST", "post", 1), BAD_CR);
	ck_assert_int_eq(check_edit(presigned, "GET", "GET ", 1), BAD_CR);
	/* path */
	ck_assert_int_eq(check_edit(post, "\n/\n", "\n\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "\n/\n", "\nx\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "\n/\n", "\n/a b\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "\n/\n", "\n/%2a\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "\n/\n", "\n/a%2\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "\n/\n", "\n/123456789012/my-queue%2A\n", 1), OK);
	/* query: encoded, pairs, sorted by name and then value */
	ck_assert_int_eq(check_edit(post, "/\n\n", "/\na=1&a=2&b=\n", 1), OK);
	ck_assert_int_eq(check_edit(post, "/\n\n", "/\nFilter.1=x&Filter.10=y&Filter.2=z\n", 1), OK);
	ck_assert_int_eq(check_edit(post, "/\n\n", "/\nb=1&a=2\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "/\n\n", "/\na=2&a=1\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "/\n\n", "/\na\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "/\n\n", "/\n=1\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "/\n\n", "/\na=1&\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "/\n\n", "/\na=1&&b=1\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "/\n\n", "/\na=%zz\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "/\n\n", "/\na=%2f\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "/\n\n", "/\na=b c\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "/\n\n", "/\na=b/c\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "/\n\n", "/\na=b+c\n", 1), BAD_CR);
	/* headers: lower-case, sorted, unique, canonical values */
	ck_assert_int_eq(check_edit(post, "content-type", "Content-Type", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "host:ec2", "host: ec2", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "; charset", ";  charset", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "; charset=utf-8", "; charset=utf-8 ", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "; charset", ";\tcharset", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "; charset", ";\x80" "charset", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "content-type:", ":", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "content-type:", "content-type", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "host:ec2.eu-central-1.amazonaws.com\n",
				    "host:ec2.eu-central-1.amazonaws.com\nhost:x\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
				    "host:ec2.eu-central-1.amazonaws.com\n",
				    "host:ec2.eu-central-1.amazonaws.com\n"
				    "content-type:application/x-www-form-urlencoded; charset=utf-8\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "x-amz-date:20261121T120000Z\n\n",
				    "x-amz-date:20261121T120000Z\nx-empty:\n\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(edit(post, "x-amz-date:20261121T120000Z\n\n",
					 "x-amz-date:20261121T120000Z\nx-empty:\n\n"),
				    "host;x-amz-date\n", "host;x-amz-date;x-empty\n", 1), OK);
	/* host must be signed */
	ck_assert_int_eq(check_edit(edit(post, "host:ec2.eu-central-1.amazonaws.com\n", ""),
				    ";host;", ";", 1), BAD_CR);
	/* signed headers: exactly the header names, in order */
	ck_assert_int_eq(check_edit(post, "content-type;host;x-amz-date", "content-type;host", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "content-type;host;x-amz-date",
				    "content-type;host;x-amz-date;x", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "content-type;host;x-amz-date", "host;content-type;x-amz-date", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "content-type;host;x-amz-date", "content-type;host;x-amz-date;", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "content-type;host;x-amz-date", "content-type;;host;x-amz-date", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "content-type;host;x-amz-date", "content-typ;host;x-amz-date", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "\n\ncontent-type;", "\ncontent-type;", 1), BAD_CR);
	/* payload hash: 64 lower-case hex with a payload, UNSIGNED-PAYLOAD without */
	ck_assert_int_eq(check(post, 0, &r), BAD_CR);
	ck_assert_int_eq(check_edit(post, "3457f5", "3457F5", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "b67dbc", "b67db", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "b67dbc", "b67dbc0", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "b67dbc", "b67dbc\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(presigned, hash, "UNSIGNED-PAYLOAD", 0), OK);
	ck_assert_int_eq(check_edit(presigned, hash, "UNSIGNED-PAYLOAD", 1), BAD_CR);
	ck_assert_int_eq(check_edit(presigned, hash, "unsigned-payload", 0), BAD_CR);
}
END_TEST

START_TEST(timestamp)
{
	static const char *const bad[] = {
		"20261121T120000", "20261121t120000Z", "2026-11-21T12:00:00Z", "20261321T120000Z",
		"20261100T120000Z", "20261131T120000Z", "20260230T120000Z", "20250229T120000Z",
		"21000229T120000Z", "20261121T240000Z", "20261121T126000Z", "20261121T120060Z",
		"19691231T235959Z", "2026112 T120000Z", "20261121T120000Z0", "",
	};
	static const char *const good[] = { "20240229T000000Z", "20000229T235959Z", "20261231T235959Z" };

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char to[64];
		snprintf(to, sizeof to, "x-amz-date:%s\n", bad[i]);
		ck_assert_msg(check_edit(post, "x-amz-date:20261121T120000Z\n", to, 1) == BAD_CR, "%s", bad[i]);
	}
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		char to[64];
		snprintf(to, sizeof to, "x-amz-date:%s\n", good[i]);
		ck_assert_msg(check_edit(post, "x-amz-date:20261121T120000Z\n", to, 1) == OK, "%s", good[i]);
	}
	/* none, or two */
	ck_assert_int_eq(check_edit(edit(post, "x-amz-date:20261121T120000Z\n", ""),
				    ";x-amz-date", "", 1), BAD_CR);
	ck_assert_int_eq(check_edit(post, "/\n\n", "/\nX-Amz-Date=20261121T120000Z\n", 1), BAD_CR);
	ck_assert_int_eq(check_edit(presigned, "X-Amz-Date=20261121T120000Z",
				    "X-Amz-Date=20261121T120000Z&X-Amz-Date=20261121T120000Z", 1), BAD_CR);
	ck_assert_int_eq(check_edit(presigned, "X-Amz-Date=20261121T120000Z", "X-Amz-Date=2026", 1), BAD_CR);
	ck_assert_int_eq(check_edit(presigned, "X-Amz-Date=20261121T120000Z", "X-Amz-Date=%zz", 1), BAD_CR);
	/* an escaped timestamp decodes to the same one */
	ck_assert_int_eq(check_edit(presigned, "X-Amz-Date=20261121T120000Z", "X-Amz-Date=20261121%54120000Z", 1), OK);
}
END_TEST

START_TEST(presigned_scope)
{
	/* The credential must be key id/date/region/service/aws4_request. */
	static const char *const bad[] = {
		"AKIAOTHER%2F20261121%2Feu-central-1%2Fec2%2Faws4_request",
		"AKIAIOSFODNN7EXAMPLE%2F20261122%2Feu-central-1%2Fec2%2Faws4_request",
		"AKIAIOSFODNN7EXAMPLE%2F20261121%2Fus-east-1%2Fec2%2Faws4_request",
		"AKIAIOSFODNN7EXAMPLE%2F20261121%2Feu-central-1%2Fsqs%2Faws4_request",
		"AKIAIOSFODNN7EXAMPLE%2F20261121%2Feu-central-1%2Fec2%2Faws4_request2",
		"AKIAIOSFODNN7EXAMPLE%2F20261121%2Feu-central-1%2Fec2",
		"AKIAIOSFODNN7EXAMPLE%2F20261121%2Feu-central-1%2Fec2%2Faws4_request%00",
		"AKIAIOSFODNN7EXAMPL%2F20261121%2Feu-central-1%2Fec2%2Faws4_request",
		"AKIAIOSFODNN7EXAMPLE",
	};
	const char *cred = "AKIAIOSFODNN7EXAMPLE%2F20261121%2Feu-central-1%2Fec2%2Faws4_request";

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(check_edit(presigned, cred, bad[i], 1) == BAD_SCOPE, "%s", bad[i]);
	ck_assert_int_eq(check_edit(presigned, cred, "%zz", 1), BAD_CR);
	ck_assert_int_eq(check_edit(presigned, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1", 1), BAD_SCOPE);
	ck_assert_int_eq(check_edit(presigned, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256%00", 1), BAD_SCOPE);
	ck_assert_int_eq(check_edit(presigned, "X-Amz-Algorithm=AWS4-HMAC-SHA256&", "", 1), BAD_SCOPE);
	ck_assert_int_eq(check_edit(presigned, "X-Amz-Credential=", "X-Amz-Credentials=", 1), BAD_SCOPE);
	ck_assert_int_eq(check_edit(presigned, "X-Amz-Algorithm=AWS4-HMAC-SHA256&",
				    "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Algorithm=AWS4-HMAC-SHA256&", 1),
			 BAD_SCOPE);
	/* A header-signed request that carries a credential must agree with it too. */
	ck_assert_int_eq(check_edit(post, "/\n\n", "/\nX-Amz-Credential=AKIAOTHER\n", 1), BAD_SCOPE);
	/* The signature is not part of what it signs; X-Amz-SignedHeaders
	 * names the signed headers. */
	ck_assert_int_eq(check_edit(presigned, "&X-Amz-SignedHeaders=host", "&X-Amz-Signature=00&X-Amz-SignedHeaders=host", 1), BAD_CR);
	ck_assert_int_eq(check_edit(presigned, "X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=host%3Bx", 1), BAD_CR);
	ck_assert_int_eq(check_edit(presigned, "X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=hos", 1), BAD_CR);
	ck_assert_int_eq(check_edit(presigned, "X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=host%00", 1), BAD_CR);
	ck_assert_int_eq(check_edit(presigned, "X-Amz-SignedHeaders=host",
				    "X-Amz-SignedHeaders=host&X-Amz-SignedHeaders=host", 1), BAD_CR);
	ck_assert_int_eq(check_edit(presigned, "X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=%68ost", 1), OK);
	ck_assert_int_eq(check_edit(presigned, "&X-Amz-SignedHeaders=host", "", 1), OK);
	/* Shape is checked before the scope. */
	ck_assert_int_eq(check_edit(edit(presigned, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1"), "GET", "PUT", 1), BAD_CR);
}
END_TEST

START_TEST(split)
{
	char body[1024];
	size_t cr_len = 0;
	int has = -1;

	ck_assert_int_eq(awsv2__sts4_split(post, strlen(post), &cr_len, &has), 1);
	ck_assert_uint_eq(cr_len, strlen(post));
	ck_assert_int_eq(has, 0);
	snprintf(body, sizeof body, "%s\n", post);
	ck_assert_int_eq(awsv2__sts4_split(body, strlen(body), &cr_len, &has), 1);
	ck_assert_uint_eq(cr_len, strlen(post));
	ck_assert_int_eq(has, 1);
	/* The payload may hold anything, empty lines included. */
	snprintf(body, sizeof body, "%s\nAction=X\n\nY\n", post);
	ck_assert_int_eq(awsv2__sts4_split(body, strlen(body), &cr_len, &has), 1);
	ck_assert_uint_eq(cr_len, strlen(post));
	ck_assert_int_eq(has, 1);
	ck_assert_int_eq(awsv2__sts4_split("GET\n/\n\nhost:x\n\nhost", 19, &cr_len, &has), 0);
	ck_assert_int_eq(awsv2__sts4_split("GET\n/\n", 6, &cr_len, &has), 0);
	ck_assert_int_eq(awsv2__sts4_split("", 0, &cr_len, &has), 0);
	ck_assert_int_eq(awsv2__sts4_split("e3b0c442", 8, &cr_len, &has), 0);
}
END_TEST

START_TEST(codes)
{
	ck_assert_str_eq(awsv2__sts4_code(OK), "ok");
	ck_assert_str_eq(awsv2__sts4_code(BAD_ID), "invalid-awsaccesskeyid");
	ck_assert_str_eq(awsv2__sts4_code(BAD_SCOPE), "invalid-scope");
	ck_assert_str_eq(awsv2__sts4_code(BAD_CR), "invalid-canonical-request");
	ck_assert_str_eq(awsv2__sts4_code(AWSV2__STS4_PAYLOAD_MISMATCH), "payload-mismatch");
}
END_TEST

static Suite *sts4_suite(void)
{
	Suite *s = suite_create("firmware-sts4");
	TCase *tc = tcase_create("sts4");

	tcase_add_test(tc, vectors_pass);
	tcase_add_test(tc, reads_the_parts);
	tcase_add_test(tc, key_id_and_scope);
	tcase_add_test(tc, shape);
	tcase_add_test(tc, timestamp);
	tcase_add_test(tc, presigned_scope);
	tcase_add_test(tc, split);
	tcase_add_test(tc, codes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(sts4_suite());
}
