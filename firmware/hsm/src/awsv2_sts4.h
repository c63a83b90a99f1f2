/* The one place that knows how to read a Signature Version 4 request as a
 * signer sees it: an access key id, a region, a service and the canonical
 * request exactly as AWS defines it (plus, for a POST, the payload whose
 * SHA-256 its last line names).
 *
 * Like awsv2_sts.h (whose codecs it uses: hex, percent-decoding, the
 * access key id alphabet), it is portable C11 with no allocation, no I/O
 * and no global state, compiled into the firmware (Arduino and Cortex-M3),
 * awsv2-due-emu, and the library with hidden visibility. The device, the
 * daemon and the library's backends therefore refuse exactly the same
 * requests, and a host can predict every refusal.
 *
 * What the rules protect: a device signs only what it hashed itself, and
 * takes the date of the credential scope from the request it hashed, never
 * from the host's word. A signature is only ever made over something that
 * parses as one canonical request, so it cannot be replayed as the
 * signature of something else (docs/serial-protocol.md, SIGN-AWS-V4). */
#ifndef AWSV2_STS4_H
#define AWSV2_STS4_H

#include <stddef.h>

#include "awsv2_sts.h"

/* The longest region ("us-east-1") and service ("ec2") of a scope: the
 * library's AWSV2_REGION_SIZE and AWSV2_SERVICE_SIZE less their NUL. */
#define AWSV2__STS4_REGION_MAX 63
#define AWSV2__STS4_SERVICE_MAX 31

/* Results of awsv2__sts4_check (and the device's payload comparison);
 * awsv2__sts4_code gives each one's device error code. */
enum {
	AWSV2__STS4_OK = 0,
	AWSV2__STS4_BAD_KEY_ID,       /* "invalid-awsaccesskeyid" */
	AWSV2__STS4_BAD_SCOPE,        /* "invalid-scope" */
	AWSV2__STS4_BAD_REQUEST,      /* "invalid-canonical-request" */
	AWSV2__STS4_PAYLOAD_MISMATCH  /* "payload-mismatch": found by whoever hashes */
};

/* A canonical request as read by awsv2__sts4_check. The pointers point
 * into the request that was checked and are not terminated. */
struct awsv2__sts4 {
	const char *method, *path, *query, *headers, *signed_headers, *payload_hash, *host;
	size_t method_len, path_len, query_len;
	/* every header line, each ending in '\n' (the empty line excluded) */
	size_t headers_len;
	size_t signed_headers_len, payload_hash_len, host_len;
	/* The timestamp, YYYYMMDDTHHMMSSZ, and its date YYYYMMDD, both
	 * NUL-terminated: the x-amz-date header, or the X-Amz-Date parameter
	 * of a presigned GET. */
	char amz_date[17];
	char date[9];
	/* 1 when the timestamp came from the query (a presigned request). */
	int presigned;
};

/* Checks a SigV4 request as a device reads it; fills out; returns 0 or an
 * error number whose device code awsv2__sts4_code(rc) gives. has_payload:
 * whether a payload accompanies the canonical request (its last line must
 * then be 64 lower-case hex digits; without one, UNSIGNED-PAYLOAD).
 * key_id, region and service are NUL-terminated; cr is cr_len bytes and
 * need not be. Checks in this order, the first failure being the result:
 * the key id, the region and service alphabets, the canonical request's
 * shape and timestamp, then a presigned request's algorithm and credential
 * against the key id and scope. The fields read before a failure stay
 * filled in. */
int awsv2__sts4_check(const char *key_id, const char *region, const char *service,
		const char *cr, size_t cr_len, int has_payload, struct awsv2__sts4 *out);

/* The device's error code of a result of awsv2__sts4_check ("ok" for 0). */
const char *awsv2__sts4_code(int rc);

/* Where the canonical request ends in a device request's body (len bytes:
 * the canonical request, optionally followed by '\n' and a payload): its
 * length in *cr_len, and whether a payload follows (which is then at
 * body + *cr_len + 1). The canonical request's own lines decide where it
 * ends (method, path, query, headers to the empty line, signed headers,
 * payload hash), so a payload may hold anything. False when the body has
 * not got that many lines: awsv2__sts4_check would refuse it as
 * invalid-canonical-request. */
int awsv2__sts4_split(const char *body, size_t len, size_t *cr_len, int *has_payload);

/* The longest string to sign: the algorithm line, the timestamp, the
 * scope with the longest region and service, and a hex SHA-256. */
#define AWSV2__STS4_STS_MAX (17 + 17 + 9 + AWSV2__STS4_REGION_MAX + 1 + \
	AWSV2__STS4_SERVICE_MAX + 1 + 13 + 64)

/* Writes the string to sign of a checked request (r) with the hex SHA-256
 * of its canonical request (cr_hash, 64 lower-case hex digits):
 * "AWS4-HMAC-SHA256\n<amz_date>\n<date>/<region>/<service>/aws4_request\n<cr_hash>"
 * into out (room for AWSV2__STS4_STS_MAX bytes; no terminator). Returns its
 * length. region and service are the ones r was checked with. */
size_t awsv2__sts4_string_to_sign(const struct awsv2__sts4 *r, const char *region,
		const char *service, const char cr_hash[64], char *out);

#endif
