/* The one place that reads a key's policy and decides whether a request
 * may be signed under it (docs/policy.md), and the one place that checks
 * the device's audit records.
 *
 * Like awsv2_sts.h it is portable C11 without allocation, I/O or global
 * state, compiled into the firmware (Arduino, Cortex-M3), awsv2-due-emu and
 * the host's tests, so every one of them reads a policy the same way.
 *
 * A policy is printable text without spaces, at most AWSV2__POLICY_MAX
 * bytes: fields "name=value" joined by ';', each name at most once and in
 * this order: action, host, region, service, version, method, expires,
 * rate, scoped-key. A list field's values are joined by ','. The empty
 * text is the empty policy, which allows everything. The device stores the
 * text it was sent and POLICY returns it unchanged; the fixed field order
 * keeps a reader from having to decide which of two fields wins.
 *
 * The matcher sees only what the device itself parsed from the request it
 * signs: whole parameter names, percent-decoded values, never a substring.
 * Anything it cannot read with certainty (a repeated Action, a bad escape,
 * a host it cannot derive a region from) is refused whenever the policy
 * restricts that dimension. */
#ifndef AWSV2_POLICY_H
#define AWSV2_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "awsv2_sts.h"

/* What is left of a flash page after the record header and its seal. */
#define AWSV2__POLICY_MAX 216
#define AWSV2__POLICY_ACTION_MAX 64  /* longest Action value the matcher reads */
#define AWSV2__POLICY_HOST_MAX 100   /* longest host (with :port) it reads */

/* A parsed policy. text holds the encoding; the list fields are found in
 * it when a request is matched. */
typedef struct awsv2__policy {
	uint8_t len;             /* 0: the empty policy */
	char text[AWSV2__POLICY_MAX];
	uint32_t max_expires;    /* seconds; 0: no limit */
	uint32_t rate;           /* tokens per rate_ms; 0: no limit */
	uint32_t rate_ms;        /* 1000 (N/s) or 60000 (N/min) */
	uint8_t scoped_key;      /* scoped-key=1: a derived key may leave */
} awsv2__policy;

/* Reads the policy text s (len bytes) into p. 0 on success, -1 when it is
 * not a policy in the canonical encoding (unknown or repeated field, wrong
 * order, an empty list or value, a value outside its alphabet, a number
 * out of range, too long). */
int awsv2__policy_parse(const char *s, size_t len, awsv2__policy *p);

/* A request, as the device read it. Pointers are not terminated; a NULL
 * (or a count other than 1) means the device could not read the value. */
typedef struct awsv2__policy_req {
	int version;                 /* 2 or 4 */
	const char *method;          /* "GET", "POST" */
	size_t method_len;
	const char *action;          /* percent-decoded */
	size_t action_len;
	int action_count;            /* occurrences of Action; -1: badly escaped */
	const char *host;            /* as signed (SigV2 host line, SigV4 host header) */
	size_t host_len;
	const char *region, *service;/* SigV4's scope, SigV2's derived from host */
	size_t region_len, service_len;
	int64_t time;                /* the request's timestamp (Unix seconds), or -1 */
	int64_t end;                 /* when the signature stops being valid, or -1 */
	int64_t lifetime;            /* a presigned URL's X-Amz-Expires, or -1 */
} awsv2__policy_req;

/* Whether p allows r, leaving time aside: 1 allowed, 0 refused. */
int awsv2__policy_allows(const awsv2__policy *p, const awsv2__policy_req *r);

/* Whether p allows r at the device's time now (Unix seconds; -1 when the
 * device has no time yet): 1 allowed, 0 refused. With an expires limit
 * the signature must end no later than now + max_expires (now being the
 * request's own time while the device has none), a presigned URL must say
 * how long it lives (1..max_expires), and a request with no time at all is
 * refused. */
int awsv2__policy_time_allows(const awsv2__policy *p, const awsv2__policy_req *r, int64_t now);

/* SigV2 has no scope: "<service>.<region>.amazonaws.com" (lower case, no
 * port) gives both; any other host gives neither (returns 0). */
int awsv2__policy_v2_scope(const char *host, size_t len, const char **region, size_t *rlen,
		const char **service, size_t *slen);

/* Unix seconds of "YYYYMMDDTHHMMSSZ" (SigV4), or -1. */
int64_t awsv2__policy_amz_time(const char *s, size_t len);

/* Unix seconds of "YYYY-MM-DDTHH:MM:SS[.fff]Z" (SigV2's Timestamp and
 * Expires, percent-decoded), or -1. */
int64_t awsv2__policy_iso_time(const char *s, size_t len);

/* ---- Audit records -------------------------------------------------------
 * A record is the text "<seq> <key-id> <version> <action> <host> <result>
 * <hash>" (docs/policy.md); the device replies "AUDIT <text> <chain>",
 * chain = hex SHA-256(previous chain's 32 bytes || text). */

#define AWSV2__AUDIT_HASH 32

/* Checks one "AUDIT ..." reply line (len bytes, without its '\n') against
 * the chain value of the record before it (prev; for a restart record the
 * chain it names instead). On success returns 0 and writes the record's
 * sequence number to *seq and its chain to next; -1 when the line is not a
 * record or its chain is not the one its text and prev give. A restart
 * record (result "restart") sets *restart to 1: its hash field is the chain
 * the device saved at its last checkpoint, and the caller decides whether
 * that is a chain it has seen (docs/policy.md). */
int awsv2__audit_verify(const uint8_t prev[AWSV2__AUDIT_HASH], const char *line, size_t len,
		uint32_t *seq, int *restart, uint8_t next[AWSV2__AUDIT_HASH]);

/* The chain value after a record: SHA-256(prev || text). */
void awsv2__audit_chain(const uint8_t prev[AWSV2__AUDIT_HASH], const char *text, size_t len,
		uint8_t next[AWSV2__AUDIT_HASH]);

#endif
