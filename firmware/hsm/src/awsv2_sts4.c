/* Reading a Signature Version 4 request (see awsv2_sts4.h). */
#include <string.h>

#include "awsv2_sts4.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define TERMINATOR "aws4_request"
#define UNSIGNED "UNSIGNED-PAYLOAD"
/* key id/date/region/service/aws4_request */
#define CREDENTIAL_MAX (AWSV2__KEY_ID_MAX + 1 + 8 + 1 + AWSV2__STS4_REGION_MAX + 1 + \
	AWSV2__STS4_SERVICE_MAX + 1 + sizeof TERMINATOR - 1)

/* The length of the NUL-terminated s, or max + 1 if it is longer than max:
 * the arguments come from a host, so never read further than needed. */
static size_t bounded_len(const char *s, size_t max)
{
	size_t n = 0;

	while (n <= max && s[n] != '\0')
		n++;
	return n;
}

/* A region or service: 1..max of [a-z0-9-]. */
static int scope_part(const char *s, size_t max)
{
	size_t n = bounded_len(s, max);

	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

static int unreserved(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
	       || c == '-' || c == '_' || c == '.' || c == '~';
}

static int upper_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

/* RFC 3986 as AWS encodes: unreserved characters, everything else as %XX
 * with upper-case digits; extra ('/' in a path) is also allowed. */
static int encoded(const char *s, size_t n, char extra)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n || !upper_hex(s[i + 1]) || !upper_hex(s[i + 2]))
				return 0;
			i += 2;
		} else if (!unreserved(s[i]) && (extra == 0 || s[i] != extra)) {
			return 0;
		}
	}
	return 1;
}

/* Compares a[0..an) with b[0..bn) bytewise, a shorter prefix first. */
static int compare(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c != 0)
		return c;
	return an < bn ? -1 : an > bn;
}

/* The canonical query: name=value pairs joined by '&', each part encoded,
 * sorted by name and then by value; empty when there are no parameters. */
static int query_ok(const char *q, size_t n)
{
	const char *p = q, *end = q + n, *prev = NULL;
	size_t prev_name = 0, prev_value = 0;

	if (n == 0)
		return 1;
	for (;;) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		size_t name, value;

		if (!eq || eq == p)
			return 0;
		name = (size_t)(eq - p);
		value = (size_t)(stop - eq - 1);
		if (!encoded(p, name, 0) || !encoded(eq + 1, value, 0))
			return 0;
		if (prev) {
			int c = compare(prev, prev_name, p, name);
			if (c > 0 || (c == 0 && compare(prev + prev_name + 1, prev_value, eq + 1, value) > 0))
				return 0;
		}
		prev = p;
		prev_name = name;
		prev_value = value;
		if (!amp)
			return 1;
		p = amp + 1;
	}
}

/* A canonical header line "name:value": a lower-case name, a value trimmed
 * and with no run of spaces (AWS's canonical form). */
static int header_ok(const char *h, size_t n, size_t *name_len)
{
	const char *colon = memchr(h, ':', n);
	size_t name = colon ? (size_t)(colon - h) : 0;
	const char *v = h + name + 1;
	size_t vn = n - name - 1;

	if (name == 0)
		return 0;
	for (size_t i = 0; i < name; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= '0' && h[i] <= '9') || h[i] == '-'))
			return 0;
	if (vn > 0 && (v[0] == ' ' || v[vn - 1] == ' '))
		return 0;
	for (size_t i = 1; i < vn; i++)
		if (v[i] == ' ' && v[i - 1] == ' ')
			return 0;
	*name_len = name;
	return 1;
}

/* The next line of [*p, end): its start and length, *p moved past its
 * '\n'. 0 when there is no '\n' left. */
static int next_line(const char **p, const char *end, const char **line, size_t *len)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));

	if (!nl)
		return 0;
	*line = *p;
	*len = (size_t)(nl - *p);
	*p = nl + 1;
	return 1;
}

static int is(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && memcmp(s, word, n) == 0;
}

/* Reads the header lines up to the empty one; keeps the host and
 * x-amz-date values. */
static int read_headers(const char **p, const char *end, struct awsv2__sts4 *out,
			const char **date, size_t *date_len)
{
	const char *line, *prev = NULL;
	size_t len, name, prev_name = 0;

	out->headers = *p;
	for (;;) {
		if (!next_line(p, end, &line, &len) || !awsv2__printable(line, len))
			return 0;
		if (len == 0)
			break;
		if (!header_ok(line, len, &name))
			return 0;
		if (prev && compare(prev, prev_name, line, name) >= 0)
			return 0; /* not sorted, or repeated */
		if (is(line, name, "host")) {
			out->host = line + name + 1;
			out->host_len = len - name - 1;
		} else if (is(line, name, "x-amz-date")) {
			*date = line + name + 1;
			*date_len = len - name - 1;
		}
		prev = line;
		prev_name = name;
	}
	out->headers_len = (size_t)(line - out->headers);
	return out->host != NULL;
}

/* The signed headers line must name exactly the header lines, in order. */
static int signed_headers_ok(const struct awsv2__sts4 *r)
{
	const char *h = r->headers, *hend = r->headers + r->headers_len;
	const char *s = r->signed_headers, *send = s + r->signed_headers_len;

	while (h < hend) {
		size_t name = (size_t)((const char *)memchr(h, ':', (size_t)(hend - h)) - h);
		if ((size_t)(send - s) < name || memcmp(s, h, name) != 0)
			return 0;
		s += name;
		h = (const char *)memchr(h, '\n', (size_t)(hend - h)) + 1;
		if (h < hend) {
			if (s == send || *s != ';')
				return 0;
			s++;
		}
	}
	return s == send;
}

static int hex64(const char *s, size_t n)
{
	if (n != 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* The lines of a canonical request, each checked for its form. */
static int read_lines(const char *cr, size_t cr_len, int has_payload, struct awsv2__sts4 *out,
		      const char **date, size_t *date_len)
{
	const char *p = cr, *end = cr + cr_len;

	if (!next_line(&p, end, &out->method, &out->method_len)
	    || !(is(out->method, out->method_len, "GET") || is(out->method, out->method_len, "POST")))
		return 0;
	if (!next_line(&p, end, &out->path, &out->path_len) || out->path_len == 0
	    || out->path[0] != '/' || !encoded(out->path, out->path_len, '/'))
		return 0;
	if (!next_line(&p, end, &out->query, &out->query_len)
	    || !query_ok(out->query, out->query_len))
		return 0;
	if (!read_headers(&p, end, out, date, date_len))
		return 0;
	if (!next_line(&p, end, &out->signed_headers, &out->signed_headers_len)
	    || !signed_headers_ok(out))
		return 0;
	out->payload_hash = p;
	out->payload_hash_len = (size_t)(end - p);
	if (has_payload)
		return hex64(p, out->payload_hash_len);
	return is(p, out->payload_hash_len, UNSIGNED);
}

/* n decimal digits at s, in *v, if min <= *v <= max. */
static int number(const char *s, int n, int min, int max, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return *v >= min && *v <= max;
}

/* YYYYMMDDTHHMMSSZ, a real date and time of day. */
static int timestamp_ok(const char *t, size_t n)
{
	static const int days[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, v;

	if (n != 16 || t[8] != 'T' || t[15] != 'Z')
		return 0;
	if (!number(t, 4, 1970, 9999, &y) || !number(t + 4, 2, 1, 12, &m)
	    || !number(t + 6, 2, 1, days[m - 1], &d))
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	return number(t + 9, 2, 0, 23, &v) && number(t + 11, 2, 0, 59, &v)
	       && number(t + 13, 2, 0, 59, &v);
}

/* Exactly one timestamp: the x-amz-date header or the X-Amz-Date parameter. */
static int read_timestamp(struct awsv2__sts4 *out, const char *header, size_t header_len)
{
	char t[16];
	size_t n = 0;
	int in_query = awsv2__sts_param_decoded(out->query, out->query_len, "X-Amz-Date", t,
						 sizeof t, &n);

	if (in_query < 0 || in_query + (header != NULL) != 1)
		return 0;
	if (header) {
		if (header_len > sizeof t)
			return 0;
		memcpy(t, header, header_len);
		n = header_len;
	}
	if (!timestamp_ok(t, n))
		return 0;
	memcpy(out->amz_date, t, 16);
	out->amz_date[16] = '\0';
	memcpy(out->date, t, 8);
	out->date[8] = '\0';
	out->presigned = in_query == 1;
	return 1;
}

/* Whether the percent-encoded enc (n bytes) decodes to exactly want
 * (want_len bytes), however long. */
static int decodes_to(const char *enc, size_t n, const char *want, size_t want_len)
{
	size_t j = 0;

	for (size_t i = 0; i < n; i++, j++) {
		int c = (unsigned char)enc[i];
		if (c == '%') {
			int hi = i + 2 < n ? awsv2__hex_digit(enc[i + 1]) : -1;
			int lo = i + 2 < n ? awsv2__hex_digit(enc[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return 0;
			c = hi << 4 | lo;
			i += 2;
		}
		if (j == want_len || (unsigned char)want[j] != c)
			return 0;
	}
	return j == want_len;
}

/* What a presigned query says of the signature beyond the timestamp:
 * no X-Amz-Signature (the signature is not part of what it signs), and an
 * X-Amz-SignedHeaders, if any, that is the signed headers line. */
static int presigned_query_ok(const struct awsv2__sts4 *r)
{
	const char *v;
	size_t vn;

	if (awsv2__sts_param(r->query, r->query_len, "X-Amz-Signature", &v, &vn) != 0)
		return 0;
	switch (awsv2__sts_param(r->query, r->query_len, "X-Amz-SignedHeaders", &v, &vn)) {
	case 0:
		return 1;
	case 1:
		return decodes_to(v, vn, r->signed_headers, r->signed_headers_len);
	default:
		return 0;
	}
}

/* Consumes word (n bytes) from the front of [*p, *p + *left). */
static int eat(const char **p, size_t *left, const char *word, size_t n)
{
	if (*left < n || memcmp(*p, word, n) != 0)
		return 0;
	*p += n;
	*left -= n;
	return 1;
}

/* X-Amz-Algorithm and X-Amz-Credential, when the query has either (a
 * presigned request must have both), agree with the signature asked for. */
static int presigned_scope_ok(const struct awsv2__sts4 *r, const char *key_id, const char *region,
			      const char *service)
{
	char alg[sizeof ALGORITHM], cred[CREDENTIAL_MAX];
	const char *c = cred;
	size_t alg_len = 0, left = 0;
	int na = awsv2__sts_param_decoded(r->query, r->query_len, "X-Amz-Algorithm", alg,
					  sizeof alg, &alg_len);
	int nc = awsv2__sts_param_decoded(r->query, r->query_len, "X-Amz-Credential", cred,
					  sizeof cred, &left);

	if (!r->presigned && na == 0 && nc == 0)
		return 1;
	if (na != 1 || nc != 1 || !is(alg, alg_len, ALGORITHM))
		return 0;
	return eat(&c, &left, key_id, strlen(key_id)) && eat(&c, &left, "/", 1)
	       && eat(&c, &left, r->date, 8) && eat(&c, &left, "/", 1)
	       && eat(&c, &left, region, strlen(region)) && eat(&c, &left, "/", 1)
	       && eat(&c, &left, service, strlen(service)) && eat(&c, &left, "/", 1)
	       && eat(&c, &left, TERMINATOR, sizeof TERMINATOR - 1) && left == 0;
}

int awsv2__sts4_check(const char *key_id, const char *region, const char *service,
		const char *cr, size_t cr_len, int has_payload, struct awsv2__sts4 *out)
{
	const char *date = NULL;
	size_t date_len = 0;

	memset(out, 0, sizeof *out);
	if (!key_id || !awsv2__key_id_valid(key_id, bounded_len(key_id, AWSV2__KEY_ID_MAX)))
		return AWSV2__STS4_BAD_KEY_ID;
	if (!region || !service || !scope_part(region, AWSV2__STS4_REGION_MAX)
	    || !scope_part(service, AWSV2__STS4_SERVICE_MAX))
		return AWSV2__STS4_BAD_SCOPE;
	if (!cr || !read_lines(cr, cr_len, has_payload, out, &date, &date_len)
	    || !read_timestamp(out, date, date_len) || !presigned_query_ok(out))
		return AWSV2__STS4_BAD_REQUEST;
	if (!presigned_scope_ok(out, key_id, region, service))
		return AWSV2__STS4_BAD_SCOPE;
	return AWSV2__STS4_OK;
}

const char *awsv2__sts4_code(int rc)
{
	switch (rc) {
	case AWSV2__STS4_OK:
		return "ok";
	case AWSV2__STS4_BAD_KEY_ID:
		return "invalid-awsaccesskeyid";
	case AWSV2__STS4_BAD_SCOPE:
		return "invalid-scope";
	case AWSV2__STS4_PAYLOAD_MISMATCH:
		return "payload-mismatch";
	default:
		return "invalid-canonical-request";
	}
}

int awsv2__sts4_split(const char *body, size_t len, size_t *cr_len, int *has_payload)
{
	const char *p = body, *end = body + len, *line;
	size_t n;

	/* method, path, query, the header lines and the empty line, signed headers */
	for (int i = 0; i < 3; i++)
		if (!next_line(&p, end, &line, &n))
			return 0;
	do {
		if (!next_line(&p, end, &line, &n))
			return 0;
	} while (n > 0);
	if (!next_line(&p, end, &line, &n))
		return 0;
	line = memchr(p, '\n', (size_t)(end - p));
	*has_payload = line != NULL;
	*cr_len = (size_t)((line ? line : end) - body);
	return 1;
}

static size_t append(char *out, size_t at, const char *s, size_t n)
{
	memcpy(out + at, s, n);
	return at + n;
}

size_t awsv2__sts4_string_to_sign(const struct awsv2__sts4 *r, const char *region,
		const char *service, const char cr_hash[64], char *out)
{
	size_t n = append(out, 0, ALGORITHM "\n", sizeof ALGORITHM);

	n = append(out, n, r->amz_date, 16);
	n = append(out, n, "\n", 1);
	n = append(out, n, r->date, 8);
	n = append(out, n, "/", 1);
	n = append(out, n, region, bounded_len(region, AWSV2__STS4_REGION_MAX));
	n = append(out, n, "/", 1);
	n = append(out, n, service, bounded_len(service, AWSV2__STS4_SERVICE_MAX));
	n = append(out, n, "/" TERMINATOR "\n", sizeof TERMINATOR + 1);
	return append(out, n, cr_hash, 64);
}
