/* Reading a key's policy and matching requests against it (see awsv2_policy.h). */
#include <string.h>

#include "awsv2_policy.h"
#include "hsm_sha256.h"

enum { F_ACTION, F_HOST, F_REGION, F_SERVICE, F_VERSION, F_METHOD, F_EXPIRES, F_RATE, F_SCOPED,
	F_COUNT };

static const char *const field_names[F_COUNT] = {
	"action", "host", "region", "service", "version", "method", "expires", "rate", "scoped-key",
};

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A decimal number without leading zeros, 1..max, or -1. */
static long number(const char *s, size_t n, long max)
{
	long v = 0;

	if (n == 0 || n > 9 || s[0] == '0')
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

/* Whether one list item (n bytes) is valid for field f. */
static int item_valid(int f, const char *s, size_t n)
{
	size_t i = 0;

	switch (f) {
	case F_ACTION:
		if (n == 0 || n > AWSV2__POLICY_ACTION_MAX)
			return 0;
		for (; i < n; i++)
			if (!is_alnum(s[i]))
				return 0;
		return 1;
	case F_HOST: {
		const char *colon = memchr(s, ':', n);
		size_t name = colon ? (size_t)(colon - s) : n;

		if (name == 0 || n > AWSV2__POLICY_HOST_MAX)
			return 0;
		for (; i < name; i++)
			if (!is_lower_alnum(s[i]) && s[i] != '.' && s[i] != '-')
				return 0;
		return !colon || number(colon + 1, n - name - 1, 65535) > 0;
	}
	case F_REGION:
	case F_SERVICE:
		if (n == 0 || n > (f == F_REGION ? 63u : 31u))
			return 0;
		for (; i < n; i++)
			if (!is_lower_alnum(s[i]) && s[i] != '-')
				return 0;
		return 1;
	case F_VERSION:
		return n == 1 && (s[0] == '2' || s[0] == '4');
	case F_METHOD:
		return (n == 3 && memcmp(s, "GET", 3) == 0) || (n == 4 && memcmp(s, "POST", 4) == 0);
	default:
		return 0;
	}
}

static int field_value(int f, const char *v, size_t n, awsv2__policy *p)
{
	const char *slash;
	long k;

	switch (f) {
	case F_EXPIRES:
		k = number(v, n, 604800);  /* SigV4's longest presigned URL: 7 days */
		if (k < 0)
			return -1;
		p->max_expires = (uint32_t)k;
		return 0;
	case F_RATE:
		slash = memchr(v, '/', n);
		if (!slash)
			return -1;
		k = number(v, (size_t)(slash - v), 1000000);
		if (k < 0)
			return -1;
		n -= (size_t)(slash - v) + 1;
		if (n == 1 && slash[1] == 's')
			p->rate_ms = 1000;
		else if (n == 3 && memcmp(slash + 1, "min", 3) == 0)
			p->rate_ms = 60000;
		else
			return -1;
		p->rate = (uint32_t)k;
		return 0;
	case F_SCOPED:
		if (n != 1 || v[0] != '1')
			return -1;
		p->scoped_key = 1;
		return 0;
	default:
		/* a list: items joined by ',', none empty */
		for (const char *end = v + n; v <= end;) {
			const char *comma = memchr(v, ',', (size_t)(end - v));
			const char *stop = comma ? comma : end;
			if (!item_valid(f, v, (size_t)(stop - v)))
				return -1;
			v = stop + 1;
		}
		return 0;
	}
}

int awsv2__policy_parse(const char *s, size_t len, awsv2__policy *p)
{
	const char *end;
	int next = 0;

	memset(p, 0, sizeof *p);
	if (len == 0)
		return 0;  /* the empty policy (s may be NULL) */
	if (len > AWSV2__POLICY_MAX)
		return -1;
	end = s + len;
	for (;;) {
		const char *semi = memchr(s, ';', (size_t)(end - s));
		const char *stop = semi ? semi : end;
		const char *eq = memchr(s, '=', (size_t)(stop - s));
		int f;

		if (!eq)
			goto bad;
		for (f = next; f < F_COUNT; f++)
			if (strlen(field_names[f]) == (size_t)(eq - s)
			    && memcmp(s, field_names[f], (size_t)(eq - s)) == 0)
				break;
		/* unknown, repeated or out of order */
		if (f == F_COUNT || field_value(f, eq + 1, (size_t)(stop - eq - 1), p) != 0)
			goto bad;
		next = f + 1;
		if (!semi)
			break;
		s = semi + 1;
	}
	memcpy(p->text, end - len, len);
	p->len = (uint8_t)len;
	return 0;
bad:
	memset(p, 0, sizeof *p);
	return -1;
}

/* The value of field f in p's text (*n bytes), or NULL when p has none. */
static const char *field(const awsv2__policy *p, int f, size_t *n)
{
	const char *s = p->text, *end = p->text + p->len;
	size_t name = strlen(field_names[f]);

	while (s < end) {
		const char *semi = memchr(s, ';', (size_t)(end - s));
		const char *stop = semi ? semi : end;
		if ((size_t)(stop - s) > name && s[name] == '=' && memcmp(s, field_names[f], name) == 0) {
			*n = (size_t)(stop - s) - name - 1;
			return s + name + 1;
		}
		s = stop + 1;
	}
	return NULL;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether v (n bytes) is one of the list's items: exactly, or ignoring
 * ASCII case when fold is set. */
static int listed(const char *list, size_t ln, const char *v, size_t n, int fold)
{
	const char *end = list + ln;

	for (const char *s = list; s <= end;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *stop = comma ? comma : end;
		if ((size_t)(stop - s) == n) {
			size_t i = 0;
			while (i < n && (fold ? lower(v[i]) == s[i] : v[i] == s[i]))
				i++;
			if (i == n)
				return 1;
		}
		s = stop + 1;
	}
	return 0;
}

/* Whether field f of p allows v: no such field, or v one of its items. */
static int allows(const awsv2__policy *p, int f, const char *v, size_t n, int fold)
{
	size_t ln;
	const char *list = field(p, f, &ln);

	return !list || (v && listed(list, ln, v, n, fold));
}

int awsv2__policy_allows(const awsv2__policy *p, const awsv2__policy_req *r)
{
	const char version = r->version == 2 ? '2' : '4';
	size_t n;

	if (p->len == 0)
		return 1;
	/* A repeated or undecodable Action names no one action. */
	if (field(p, F_ACTION, &n) && r->action_count != 1)
		return 0;
	/* Host names are case-insensitive (DNS); a port must match as listed. */
	return allows(p, F_ACTION, r->action, r->action_len, 0)
	    && allows(p, F_HOST, r->host, r->host_len, 1)
	    && allows(p, F_REGION, r->region, r->region_len, 0)
	    && allows(p, F_SERVICE, r->service, r->service_len, 0)
	    && allows(p, F_VERSION, &version, 1, 0)
	    && allows(p, F_METHOD, r->method, r->method_len, 0);
}

int awsv2__policy_time_allows(const awsv2__policy *p, const awsv2__policy_req *r, int64_t now)
{
	int64_t max = p->max_expires;

	if (p->max_expires == 0)
		return 1;
	if (r->lifetime == 0 || r->lifetime > max)
		return 0;
	if (now < 0)
		now = r->time;
	if (now < 0 || r->end < 0)
		return 0;
	return r->end <= now + max;
}

int awsv2__policy_v2_scope(const char *host, size_t len, const char **region, size_t *rlen,
		const char **service, size_t *slen)
{
	static const char tail[] = ".amazonaws.com";
	const size_t tl = sizeof tail - 1;
	const char *dot1, *dot2;

	if (len <= tl || memcmp(host + len - tl, tail, tl) != 0)
		return 0;
	len -= tl;
	dot1 = memchr(host, '.', len);
	if (!dot1)
		return 0;
	dot2 = memchr(dot1 + 1, '.', (size_t)(host + len - dot1 - 1));
	if (dot2 || dot1 == host || dot1 + 1 == host + len)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (host + i != dot1 && !is_lower_alnum(host[i]) && host[i] != '-')
			return 0;
	*service = host;
	*slen = (size_t)(dot1 - host);
	*region = dot1 + 1;
	*rlen = (size_t)(host + len - dot1 - 1);
	return *slen <= 31 && *rlen <= 63;
}

/* Reads n digits at s; -1 if one is not a digit. */
static long digits(const char *s, int n)
{
	long v = 0;

	for (int i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Unix seconds of a UTC civil time (days_from_civil, proleptic Gregorian). */
static int64_t unix_time(long y, long m, long d, long hh, long mm, long ss)
{
	static const uint8_t mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	int64_t era, yoe, doy, doe;

	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap)
	    || hh > 23 || mm > 59 || ss > 59 || hh < 0 || mm < 0 || ss < 0)
		return -1;
	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return ((era * 146097 + doe - 719468) * 24 + hh) * 3600 + mm * 60 + ss;
}

int64_t awsv2__policy_amz_time(const char *s, size_t len)
{
	if (len != 16 || s[8] != 'T' || s[15] != 'Z')
		return -1;
	return unix_time(digits(s, 4), digits(s + 4, 2), digits(s + 6, 2), digits(s + 9, 2),
			 digits(s + 11, 2), digits(s + 13, 2));
}

int64_t awsv2__policy_iso_time(const char *s, size_t len)
{
	size_t i = 19;

	if (len < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return -1;
	if (s[i] == '.') {
		for (i++; i < len && is_digit(s[i]); i++)
			;
		if (i == 20)
			return -1;
	}
	if (i + 1 != len || s[i] != 'Z')
		return -1;
	return unix_time(digits(s, 4), digits(s + 5, 2), digits(s + 8, 2), digits(s + 11, 2),
			 digits(s + 14, 2), digits(s + 17, 2));
}

void awsv2__audit_chain(const uint8_t prev[AWSV2__AUDIT_HASH], const char *text, size_t len,
		uint8_t next[AWSV2__AUDIT_HASH])
{
	hsm_sha256_ctx c;

	hsm_sha256_init(&c);
	hsm_sha256_update(&c, prev, AWSV2__AUDIT_HASH);
	hsm_sha256_update(&c, text, len);
	hsm_sha256_final(&c, next);
}

int awsv2__audit_verify(const uint8_t prev[AWSV2__AUDIT_HASH], const char *line, size_t len,
		uint32_t *seq, int *restart, uint8_t next[AWSV2__AUDIT_HASH])
{
	uint8_t want[AWSV2__AUDIT_HASH], base[AWSV2__AUDIT_HASH];
	const char *text = line + 6, *f[7], *end = line + len;
	size_t tlen, flen[7];
	long long s = 0;

	if (len < 6 + 1 + 64 || memcmp(line, "AUDIT ", 6) != 0 || end[-65] != ' '
	    || !awsv2__hex_decode(end - 64, 64, want, sizeof want))
		return -1;
	tlen = (size_t)(end - 65 - text);
	/* seven fields, one space apart, none empty */
	for (int i = 0, at = 0; i < 7; i++) {
		const char *sp = i < 6 ? memchr(text + at, ' ', tlen - (size_t)at) : text + tlen;
		if (!sp || sp == text + at)
			return -1;
		f[i] = text + at;
		flen[i] = (size_t)(sp - f[i]);
		at = (int)(sp - text) + 1;
	}
	/* decimal, no leading zero, at most UINT32_MAX */
	if (flen[0] > 10 || (flen[0] > 1 && f[0][0] == '0'))
		return -1;
	for (size_t i = 0; i < flen[0]; i++) {
		if (!is_digit(f[0][i]))
			return -1;
		s = s * 10 + (f[0][i] - '0');
	}
	if (s > 0xffffffffLL || !awsv2__printable(text, tlen) || flen[6] != 64)
		return -1;
	*restart = flen[5] == 7 && memcmp(f[5], "restart", 7) == 0;
	if (*restart) {
		if (!awsv2__hex_decode(f[6], 64, base, sizeof base))
			return -1;
		prev = base;
	}
	awsv2__audit_chain(prev, text, tlen, next);
	if (memcmp(next, want, sizeof want) != 0)
		return -1;
	*seq = (uint32_t)s;
	return 0;
}
