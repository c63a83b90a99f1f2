/* Reading a string to sign (see awsv2_sts.h). */
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "awsv2_sts.h"

/* Eight bytes at a time: every signature, on the host and on the device,
 * pays for this scan. */
bool awsv2__printable(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t bad = 0, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		/* a byte < 0x20, or a byte >= 0x7f (0x7f + 1 and 0x80.. set the top bit) */
		bad |= ((w - 0x20 * ones) & ~w) | ((w + ones) | w);
	}
	for (; i < n; i++)
		bad |= (uint64_t)((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) << 7;
	return (bad & highs) == 0;
}

/* Splits s into its four parts; false when it is not a string to sign. */
static bool split(const char *s, size_t len, awsv2__sts *out)
{
	const char *p = s, *end = s + len;
	const char **part[3] = {&out->verb, &out->host, &out->path};
	size_t *part_len[3] = {&out->verb_len, &out->host_len, &out->path_len};

	for (int line = 0; line < 3; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl || !awsv2__printable(p, (size_t)(nl - p)))
			return false;
		*part[line] = p;
		*part_len[line] = (size_t)(nl - p);
		p = nl + 1;
	}
	out->query = p;
	out->query_len = (size_t)(end - p);
	return awsv2__printable(p, out->query_len);
}

bool awsv2__sts_query(const char *s, size_t len, const char **query, size_t *qlen)
{
	const char *p = s, *end = s + len;

	for (int line = 0; line < 3; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return false;
		p = nl + 1;
	}
	*query = p;
	*qlen = (size_t)(end - p);
	return true;
}

bool awsv2__sts_is_valid(const char *s, size_t len)
{
	awsv2__sts parts;
	return split(s, len, &parts);
}

/* Counts the parameter at q (a parameter's start) if it is name=...: the
 * first one's value is the caller's. */
static void param_at(const char *q, const char *end, const char *name, size_t name_len,
		     int *count, const char **value, size_t *value_len)
{
	if ((size_t)(end - q) > name_len && q[name_len] == '=' && (!name_len || q[0] == name[0]) &&
	    memcmp(q, name, name_len) == 0 && (*count)++ == 0) {
		const char *amp;
		*value = q + name_len + 1;
		amp = memchr(*value, '&', (size_t)(end - *value));
		*value_len = (size_t)((amp ? amp : end) - *value);
	}
}

int awsv2__sts_param(const char *query, size_t qlen, const char *name, const char **value,
		     size_t *value_len)
{
	const char *end = query + qlen;
	size_t name_len = strlen(name), i = 0;
	int count = 0;

	/* param_at compares up to the end of the query, not of the parameter:
	 * a name holding a '&' would match across two parameters. */
	if (memchr(name, '&', name_len))
		return 0;
	param_at(query, end, name, name_len, &count, value, value_len);
#if defined(__SSE2__)
	/* Every signature pays for this: sixteen bytes at once, where a '&'
	 * is followed by the name's first byte. */
	for (; name_len && i + 17 <= qlen; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(query + i));
		__m128i next = _mm_loadu_si128((const __m128i *)(const void *)(query + i + 1));
		unsigned amps = (unsigned)_mm_movemask_epi8(
			_mm_and_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('&')),
				      _mm_cmpeq_epi8(next, _mm_set1_epi8(name[0]))));
		for (; amps; amps &= amps - 1)
			param_at(query + i + (size_t)__builtin_ctz(amps) + 1, end, name, name_len,
				 &count, value, value_len);
	}
	for (; i < qlen; i++)
		if (query[i] == '&')
			param_at(query + i + 1, end, name, name_len, &count, value, value_len);
#else
	for (const char *q = query; (q = memchr(q, '&', (size_t)(end - q))) != NULL; q++)
		param_at(q + 1, end, name, name_len, &count, value, value_len);
	(void)i;
#endif
	return count;
}

int awsv2__sts_param_decoded(const char *query, size_t qlen, const char *name, char *out,
			     size_t cap, size_t *out_len)
{
	const char *val = NULL;
	size_t vlen = 0;
	int count = awsv2__sts_param(query, qlen, name, &val, &vlen);
	long n;

	if (count != 1)
		return count;
	n = awsv2__pct_decode(val, vlen, out, cap);
	/* A decoded NUL ("HmacSHA256%00x") is refused here, once for every
	 * caller: a value compared as a C string would end at it. */
	if (n < 0 || memchr(out, '\0', (size_t)n))
		return -1;
	*out_len = (size_t)n;
	return 1;
}

static awsv2__sts_status read_key_id(awsv2__sts *out)
{
	size_t n = 0;

	switch (awsv2__sts_param_decoded(out->query, out->query_len, "AWSAccessKeyId", out->key_id,
					 AWSV2__KEY_ID_MAX, &n)) {
	case 0:
		return AWSV2__STS_NO_KEY_ID;
	case 1:
		if (awsv2__key_id_valid(out->key_id, n))
			break;
		/* fall through */
	default:
		out->key_id[0] = '\0'; /* not safe to log */
		return AWSV2__STS_BAD_KEY_ID;
	}
	out->key_id[n] = '\0';
	out->key_id_len = n;
	return AWSV2__STS_OK;
}

static awsv2__sts_status read_method(awsv2__sts *out)
{
	char name[16];
	size_t n = 0;

	switch (awsv2__sts_param_decoded(out->query, out->query_len, "SignatureMethod", name,
					 sizeof name, &n)) {
	case 0:
		out->hash = AWSV2__STS_SHA1; /* as the original device assumed */
		return AWSV2__STS_OK;
	case 1:
		break;
	default:
		return AWSV2__STS_BAD_METHOD;
	}
	if (n == 8 && memcmp(name, "HmacSHA1", 8) == 0)
		out->hash = AWSV2__STS_SHA1;
	else if (n == 10 && memcmp(name, "HmacSHA256", 10) == 0)
		out->hash = AWSV2__STS_SHA256;
	else
		return AWSV2__STS_BAD_METHOD;
	return AWSV2__STS_OK;
}

awsv2__sts_status awsv2__sts_parse(const char *s, size_t len, awsv2__sts *out)
{
	awsv2__sts_status st;

	memset(out, 0, sizeof *out);
	out->hash = AWSV2__STS_SHA1;
	if (!split(s, len, out))
		return AWSV2__STS_MALFORMED;
	if (awsv2__sts_param(out->query, out->query_len, "Action", &out->action,
			     &out->action_len) == 0)
		out->action = NULL;
	st = read_key_id(out);
	return st != AWSV2__STS_OK ? st : read_method(out);
}

const char *awsv2__sts_code(awsv2__sts_status st)
{
	switch (st) {
	case AWSV2__STS_OK:
		return "ok";
	case AWSV2__STS_MALFORMED:
		return "invalid-command";
	case AWSV2__STS_NO_KEY_ID:
		return "awsaccesskeyid-not-found";
	case AWSV2__STS_BAD_KEY_ID:
		return "invalid-awsaccesskeyid";
	case AWSV2__STS_BAD_METHOD:
		return "unsupported-signaturemethod";
	}
	return "invalid-command"; /* not reached for a real status */
}

bool awsv2__key_id_valid(const char *id, size_t len)
{
	if (len == 0 || len > AWSV2__KEY_ID_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = id[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')))
			return false;
	}
	return true;
}

int awsv2__hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long awsv2__pct_decode(const char *in, size_t len, char *out, size_t cap)
{
	size_t n = 0;

	if (!memchr(in, '%', len)) { /* most values: nothing to decode */
		if (len > cap)
			return -1;
		memcpy(out, in, len);
		return (long)len;
	}

	for (size_t i = 0; i < len; i++) {
		char ch = in[i];
		if (ch == '%') {
			int hi = i + 2 < len ? awsv2__hex_digit(in[i + 1]) : -1;
			int lo = i + 2 < len ? awsv2__hex_digit(in[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return -1;
			ch = (char)(hi << 4 | lo);
			i += 2;
		}
		if (n == cap)
			return -1;
		out[n++] = ch;
	}
	return (long)n;
}

bool awsv2__hex_decode(const char *hex, size_t len, uint8_t *out, size_t n)
{
	if (len != 2 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		int hi = awsv2__hex_digit(hex[2 * i]), lo = awsv2__hex_digit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

void awsv2__hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
}

size_t awsv2__utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0)
		len = 2, min = 0x80, *cp = s[0] & 0x1F;
	else if ((s[0] & 0xF0) == 0xE0)
		len = 3, min = 0x800, *cp = s[0] & 0x0F;
	else if ((s[0] & 0xF8) == 0xF0)
		len = 4, min = 0x10000, *cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3F);
	}
	if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
		return 0;
	return len;
}

bool awsv2__sts_legacy_key_id_ok(const char *s, size_t len)
{
	static const char name[] = "AWSAccessKeyId=";
	const size_t n = sizeof name - 1;
	size_t at = 0, newlines = 0;

	for (; at + n <= len && memcmp(s + at, name, n) != 0; at++)
		if (s[at] == '\n')
			newlines++;
	if (at + n > len || newlines != 3 || (s[at - 1] != '\n' && s[at - 1] != '&'))
		return false;
	size_t id = at + n, id_len = 0;
	while (id + id_len < len && s[id + id_len] != '&')
		id_len++;
	return id_len <= 64 && awsv2__key_id_valid(s + id, id_len);
}
