/* The one place that knows how to read what a signer is asked to sign.
 *
 * A string to sign is read by the Due's firmware (on the device, in
 * awsv2-due-emu and under QEMU), by the signing daemon before it queues a
 * request, and by the library's backends before they compute a MAC. If
 * each kept its own copy of the rules, a string one of them accepts could
 * be read differently by another -- the classic way a policy is bypassed.
 * So this module is the only code in the tree that splits a string to
 * sign into its lines, finds a parameter in its query, percent-decodes a
 * value or decides what a valid access key id is.
 *
 * It is portable C11 with no allocation, no I/O and no global state, so it
 * builds unchanged for the Cortex-M3 (the Arduino build finds it here, in
 * the sketch's src/ folder) and for the host, where libawsv2 compiles it
 * in with hidden visibility: none of these names is exported.
 *
 * The rules (docs/serial-protocol.md): a string to sign is printable ASCII
 * (0x20..0x7e) with exactly three '\n', "METHOD\nhost\npath\nquery"; the
 * query's parameters are split at '&' and matched by whole name, never by
 * substring, so "XAWSAccessKeyId=" selects nothing; a parameter that must
 * be unique and occurs twice is an error, not "the first one wins". */
#ifndef AWSV2_STS_H
#define AWSV2_STS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest access key id accepted anywhere (AWS's own limit). */
#define AWSV2__KEY_ID_MAX 128

/* Hashes named by SignatureMethod; the values are awsv2_hash's. */
typedef enum awsv2__sts_hash {
	AWSV2__STS_SHA256 = 0,
	AWSV2__STS_SHA1 = 1
} awsv2__sts_hash;

typedef enum awsv2__sts_status {
	AWSV2__STS_OK = 0,
	AWSV2__STS_MALFORMED,  /* not printable ASCII with exactly three '\n' */
	AWSV2__STS_NO_KEY_ID,  /* no AWSAccessKeyId parameter */
	AWSV2__STS_BAD_KEY_ID, /* repeated, empty, badly escaped or not [A-Z0-9] */
	AWSV2__STS_BAD_METHOD  /* repeated, or not HmacSHA1 / HmacSHA256 */
} awsv2__sts_status;

/* A string to sign as read by awsv2__sts_parse. The pointers point into
 * the string that was parsed and are not terminated. */
typedef struct awsv2__sts {
	const char *verb, *host, *path, *query;
	size_t verb_len, host_len, path_len, query_len;
	/* AWSAccessKeyId, percent-decoded and checked ([A-Z0-9], 1..128):
	 * safe to log. Empty unless the key id was read successfully. */
	char key_id[AWSV2__KEY_ID_MAX + 1];
	size_t key_id_len;
	/* SignatureMethod; absent means HmacSHA1, as the original device
	 * assumed. Valid when the parse succeeded. */
	awsv2__sts_hash hash;
	/* Action, still percent-encoded (so printable), or NULL when absent. */
	const char *action;
	size_t action_len;
} awsv2__sts;

/* Reads s (len bytes, need not be terminated) into out. The checks run in
 * a fixed order -- shape, key id, method -- and the first failure is
 * returned; the fields read before it stay filled in (key_id is "" unless
 * it was valid). */
awsv2__sts_status awsv2__sts_parse(const char *s, size_t len, awsv2__sts *out);

/* The device's error code for a status (the serial protocol's ERROR
 * codes): "invalid-command", "awsaccesskeyid-not-found", ... and "ok". */
const char *awsv2__sts_code(awsv2__sts_status st);

/* Whether s (len bytes) has the shape of a string to sign: printable ASCII
 * and exactly three '\n'. Nothing that fails this is ever written to a
 * device: a NUL would end the request early and smuggle a second command. */
bool awsv2__sts_is_valid(const char *s, size_t len);

/* The query of s (len bytes), the text after its third '\n', for a string
 * that already passed awsv2__sts_is_valid (the signer registry checks every
 * job first): no second scan of its bytes. False without three '\n'. */
bool awsv2__sts_query(const char *s, size_t len, const char **query, size_t *qlen);

/* How many times the parameter called exactly name occurs in query (qlen
 * bytes, "a=1&b=2"); the first occurrence's still-encoded value goes to
 * *value / *value_len. */
int awsv2__sts_param(const char *query, size_t qlen, const char *name, const char **value,
		     size_t *value_len);

/* The percent-decoded value of the parameter called exactly name: decoded
 * into out (at most cap bytes, no terminator) with its length in *out_len
 * when it occurs once and decodes; returns how many times it occurs, or -1
 * when its one occurrence is badly escaped, does not fit, or decodes to a
 * NUL byte (%00), which no value a signer compares may hold. */
int awsv2__sts_param_decoded(const char *query, size_t qlen, const char *name, char *out,
			     size_t cap, size_t *out_len);

/* Whether the original firmware (hsm.ino of the hack this project grew
 * from) would sign s (len bytes, a valid string to sign) with the key its
 * AWSAccessKeyId parameter names. That sketch takes the key id from the
 * first "AWSAccessKeyId=" anywhere in the string, up to '&' or the end,
 * not decoded, and refuses more than 64 characters; so true only when that
 * first occurrence is the parameter itself (on the query line, at its
 * start or after '&') followed by a valid key id of at most 64. The due
 * backend's legacy mode sends nothing else to such a device. */
bool awsv2__sts_legacy_key_id_ok(const char *s, size_t len);

/* ---- The codecs those rules use ------------------------------------------ */

/* Whether no byte of s[0..n) is outside 0x20..0x7e (printable ASCII). */
bool awsv2__printable(const char *s, size_t n);

/* 1..AWSV2__KEY_ID_MAX characters of [A-Z0-9]. */
bool awsv2__key_id_valid(const char *id, size_t len);

/* Percent-decodes in (len bytes) into out (at most cap bytes, no
 * terminator); the decoded length, or -1 when an escape is not '%' and two
 * hex digits or the result does not fit. '+' stays '+'. */
long awsv2__pct_decode(const char *in, size_t len, char *out, size_t cap);

/* The value of one hex digit (either case), or -1. */
int awsv2__hex_digit(char c);

/* Decodes exactly 2 * n hex digits (either case) of hex (len bytes) into
 * out[n]. False, with out partly written, if len is not 2 * n or a byte is
 * not a hex digit. */
bool awsv2__hex_decode(const char *hex, size_t len, uint8_t *out, size_t n);

/* Writes the n bytes of in as 2 * n lower-case hex digits (no terminator). */
void awsv2__hex_encode(const uint8_t *in, size_t n, char *out);

/* Decodes the UTF-8 sequence at s (n > 0 bytes left) into *cp and returns
 * its length; 0 for a sequence that is invalid, truncated, overlong, a
 * surrogate or above U+10FFFF. */
size_t awsv2__utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

#endif
