/* Exact parsing of the string to sign's query: parameters are split at
 * '&' and compared by whole name, so "AAWSAccessKeyId=" or
 * "XAWSAccessKeyId=" can never select a key (the original's substring
 * search could be fooled that way). */
#include <string.h>

#include "hsm_query.h"

static int printable(char ch)
{
	return ch >= 0x20 && ch <= 0x7e;
}

/* The query of a well-formed string to sign, or NULL. */
static const char *query_of(const char *sts, size_t len, size_t *qlen)
{
	const char *query = NULL;
	int lines = 0;

	for (size_t i = 0; i < len; i++) {
		if (sts[i] == '\n') {
			if (++lines == 3)
				query = sts + i + 1;
		} else if (!printable(sts[i])) {
			return NULL;
		}
	}
	if (lines != 3)
		return NULL;
	*qlen = (size_t)(sts + len - query);
	return query;
}

/* Finds parameter name in query; returns how many times it occurs (the
 * value of the first in *val, *vlen). */
static int find_param(const char *q, size_t qlen, const char *name, const char **val,
		      size_t *vlen)
{
	size_t nlen = strlen(name);
	int found = 0;

	for (size_t start = 0; start <= qlen;) {
		size_t end = start;
		while (end < qlen && q[end] != '&')
			end++;
		if (end - start > nlen && q[start + nlen] == '=' && memcmp(q + start, name, nlen) == 0) {
			if (found++ == 0) {
				*val = q + start + nlen + 1;
				*vlen = end - start - nlen - 1;
			}
		}
		start = end + 1;
	}
	return found;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Percent-decodes in into out[max]; returns the length, or -1 if an
 * escape is bad or the result is longer than max. */
static long decode(const char *in, size_t len, char *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		char ch = in[i];
		if (ch == '%') {
			int hi, lo;
			if (i + 2 >= len)
				return -1;
			hi = hexval(in[i + 1]);
			lo = hexval(in[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			ch = (char)(hi << 4 | lo);
			i += 2;
		}
		if (n == max)
			return -1;
		out[n++] = ch;
	}
	return (long)n;
}

static hsm_query_status key_id(const char *q, size_t qlen, char *id, size_t *id_len)
{
	const char *val = NULL;
	size_t vlen = 0;
	long n;

	switch (find_param(q, qlen, "AWSAccessKeyId", &val, &vlen)) {
	case 0:
		return HSM_Q_NO_KEY_ID;
	case 1:
		break;
	default:
		return HSM_Q_BAD_KEY_ID;
	}
	n = decode(val, vlen, id, HSM_ID_MAX);
	if (n < 0 || !hsm_keystore_valid_id(id, (size_t)n))
		return HSM_Q_BAD_KEY_ID;
	*id_len = (size_t)n;
	return HSM_Q_OK;
}

static hsm_query_status method(const char *q, size_t qlen, hsm_hash *hash)
{
	const char *val = NULL;
	size_t vlen = 0;
	char name[16];
	long n;

	switch (find_param(q, qlen, "SignatureMethod", &val, &vlen)) {
	case 0:
		*hash = HSM_SHA1; /* as the original device assumed */
		return HSM_Q_OK;
	case 1:
		break;
	default:
		return HSM_Q_BAD_METHOD;
	}
	n = decode(val, vlen, name, sizeof name);
	if (n == 8 && memcmp(name, "HmacSHA1", 8) == 0)
		*hash = HSM_SHA1;
	else if (n == 10 && memcmp(name, "HmacSHA256", 10) == 0)
		*hash = HSM_SHA256;
	else
		return HSM_Q_BAD_METHOD;
	return HSM_Q_OK;
}

hsm_query_status hsm_query_parse(const char *sts, size_t len, char *id, size_t *id_len,
				 hsm_hash *hash)
{
	size_t qlen = 0;
	const char *q = query_of(sts, len, &qlen);
	hsm_query_status st;

	if (!q)
		return HSM_Q_MALFORMED;
	st = key_id(q, qlen, id, id_len);
	return st != HSM_Q_OK ? st : method(q, qlen, hash);
}
