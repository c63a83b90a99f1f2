/* Request framing and the commands of the serial protocol (docs/serial-protocol.md). */
#include <string.h>

#include "awsv2_sts4.h"
#include "hsm_protocol.h"
#include "hsm_sigv4.h"
#include "hsm_util.h"

_Static_assert(HSM_REPLY_MAX > HSM_AUDIT_REPLY_MAX + 1, "an AUDIT reply must fit");
_Static_assert(HSM_REPLY_MAX > sizeof "POLICY \n" + AWSV2__POLICY_MAX, "a POLICY reply must fit");
_Static_assert(HSM_REPLY_MAX > sizeof "D 4294967295 SUCCESS  4294967295\n" + 2 * HSM_HMAC_MAX,
	       "a compact frame's reply must fit");

/* What the bytes of the current request are. */
enum {
	FRAME_PLAIN,   /* a request, whole */
	FRAME_HEADER,  /* "D ": a compact frame's header, in buf */
	FRAME_SCRIPT,  /* its edit script, decoded into buf */
	FRAME_SKIP     /* a compact frame refused: read up to its NUL */
};

void hsm_protocol_init(hsm_protocol *p, hsm_keystore *ks, hsm_reply_fn reply, void *reply_ctx)
{
	memset(p, 0, sizeof *p);
	p->ks = ks;
	p->reply = reply;
	p->reply_ctx = reply_ctx;
}

/* "D <tag> ", the prefix of a compact frame's reply: its length. */
static size_t tag_prefix(uint32_t tag, char pre[2 + 10 + 1])
{
	char digits[10];
	size_t n = 0, k = 0;

	do {
		digits[n++] = (char)('0' + tag % 10);
		tag /= 10;
	} while (tag);
	pre[k++] = 'D';
	pre[k++] = ' ';
	while (n)
		pre[k++] = digits[--n];
	pre[k++] = ' ';
	return k;
}

/* Replies with the n bytes of p->out already composed plus '\n' (between
 * two copies of the tag of the compact frame being answered, if any: bytes
 * lost from the middle of one reply to the middle of the next leave the
 * first one's head on the second one's tail, and the two tags then differ). */
static void send_out(hsm_protocol *p, size_t n)
{
	if (p->tag) {
		char pre[2 + 10 + 1];
		size_t k = tag_prefix(p->tag, pre);

		memmove(p->out + k, p->out, n);
		memcpy(p->out, pre, k);
		n += k;
		p->out[n++] = ' ';
		memcpy(p->out + n, pre + 2, k - 3);
		n += k - 3;
	}
	p->out[n++] = '\n';
	p->reply(p->reply_ctx, p->out, n);
}

static size_t put(hsm_protocol *p, size_t at, const char *s, size_t n)
{
	memcpy(p->out + at, s, n);
	return at + n;
}

static void send_text(hsm_protocol *p, const char *text)
{
	send_out(p, put(p, 0, text, strlen(text)));
}

static void send_error(hsm_protocol *p, const char *code)
{
	size_t n = put(p, 0, "ERROR ", 6);

	send_out(p, put(p, n, code, strlen(code)));
}

static void send_ks(hsm_protocol *p, hsm_ks_status st)
{
	static const char *const codes[] = {
		[HSM_KS_INVALID_ID] = "invalid-awsaccesskeyid",
		[HSM_KS_INVALID_SECRET] = "invalid-command",
		[HSM_KS_EXISTS] = "key-exists",
		[HSM_KS_UNKNOWN] = "unknown-awsaccesskey",
		[HSM_KS_LOCKED] = "locked",
		[HSM_KS_FULL] = "storage-failure",
		[HSM_KS_STORAGE] = "storage-failure",
		[HSM_KS_INVALID_POLICY] = "invalid-command",
	};

	if (st == HSM_KS_OK)
		send_text(p, "OK");
	else
		send_error(p, codes[st]);
}

/* 1 if s[0..n) is 1 or more printable ASCII characters other than space. */
static int token(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return 0;
	return 1;
}

static void send_mac(hsm_protocol *p, const uint8_t *mac, size_t n)
{
	memcpy(p->out, "SUCCESS ", 8);
	awsv2__hex_encode(mac, n, p->out + 8);
	send_out(p, 8 + 2 * n);
}

/* The audit log, started on first use (its start writes a checkpoint). */
static hsm_audit *audit_log(hsm_protocol *p)
{
	hsm_audit_start(&p->ks->audit, p->ks->storage, HSM_AUDIT_PAGE);
	return &p->ks->audit;
}

/* Whether the log can take this request's record; if not, the refusal
 * is sent: audit-full (strict mode), or storage-failure when no checkpoint
 * can reserve its number. */
static int audit_ready(hsm_protocol *p)
{
	hsm_audit *a = audit_log(p);

	if (hsm_audit_full(a))
		send_error(p, "audit-full");
	else if (!hsm_audit_reserve(a))
		send_error(p, "storage-failure");
	else
		return 1;
	return 0;
}

static int action_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Appends a field of an audit record: v when it is 1..max characters that
 * ok accepts, "-" when there is none, "?" when it cannot be shown. */
static size_t audit_field(char *out, size_t at, const char *v, size_t n, size_t max, int ok)
{
	if (!v) {
		out[at++] = '-';
	} else if (n == 0 || n > max || !ok) {
		out[at++] = '?';
	} else {
		memcpy(out + at, v, n);
		at += n;
	}
	out[at++] = ' ';
	return at;
}

/* Records a signing request: its key id (NULL: none read), version, what
 * the device read of it (r, or NULL), the result (a code, or "ok") and the
 * SHA-256 of the request's arguments (args, n bytes). */
static void audit(hsm_protocol *p, const char *id, size_t id_len, int version,
		  const awsv2__policy_req *r, const char *result, const char *args, size_t n)
{
	char f[HSM_AUDIT_TEXT];
	hsm_sha256_ctx c;
	uint8_t d[HSM_SHA256_DIGEST];
	size_t at = 0, i;
	int ok;

	at = audit_field(f, at, id, id_len, AWSV2__KEY_ID_MAX, id && awsv2__key_id_valid(id, id_len));
	f[at++] = (char)('0' + version);
	f[at++] = ' ';
	/* none, one that can be shown, or "?" (repeated, badly escaped, odd) */
	if (!r || r->action_count == 0) {
		at = audit_field(f, at, NULL, 0, 0, 0);
	} else {
		ok = r->action_count == 1;
		for (i = 0; ok && i < r->action_len; i++)
			ok = action_char(r->action[i]);
		at = audit_field(f, at, ok ? r->action : "", r->action_len,
				 AWSV2__POLICY_ACTION_MAX, ok);
	}
	ok = r && r->host && awsv2__printable(r->host, r->host_len) && !memchr(r->host, ' ', r->host_len);
	at = audit_field(f, at, r ? r->host : NULL, r ? r->host_len : 0, AWSV2__POLICY_HOST_MAX, ok);
	i = strlen(result);
	memcpy(f + at, result, i);
	at += i;
	f[at++] = ' ';
	hsm_sha256_init(&c);
	hsm_sha256_update(&c, args, n);
	hsm_sha256_final(&c, d);
	awsv2__hex_encode(d, sizeof d, f + at);
	hsm_audit_add(&p->ks->audit, f, at + 64);
}

/* Refuses a signing request: audits it with the code and answers it. */
static void refuse(hsm_protocol *p, const char *id, size_t id_len, int version,
		   const awsv2__policy_req *r, const char *code, const char *args, size_t n)
{
	audit(p, id, id_len, version, r, code, args, n);
	send_error(p, code);
}

/* Starts what the policy reads of a request (the rest is zero). */
static void req_start(awsv2__policy_req *r, int version, const char *method, size_t method_len,
		      const char *host, size_t host_len)
{
	memset(r, 0, sizeof *r);
	r->version = version;
	r->method = method;
	r->method_len = method_len;
	r->host = host;
	r->host_len = host_len;
}

/* The Action of a request, percent-decoded, from every place it may be:
 * SigV2's query; SigV4's canonical query and, for a POST, its form body.
 * Counted across all of them, so that a second Action anywhere is seen. */
static void read_action(awsv2__policy_req *r, char *buf, const char *q, size_t qlen,
			const char *body, size_t blen)
{
	char other[AWSV2__POLICY_ACTION_MAX];
	size_t n1 = 0, n2 = 0;
	int c1 = awsv2__sts_param_decoded(q, qlen, "Action", buf, AWSV2__POLICY_ACTION_MAX, &n1);
	int c2 = body ? awsv2__sts_param_decoded(body, blen, "Action", other,
						 sizeof other, &n2) : 0;

	r->action_count = c1 < 0 || c2 < 0 ? -1 : c1 + c2;
	if (r->action_count != 1)
		return;
	if (c2 == 1) {
		memcpy(buf, other, n2);
		n1 = n2;
	}
	r->action = buf;
	r->action_len = n1;
}

/* A decoded time parameter of a SigV2 query (-1: absent, repeated or bad). */
static int64_t iso_param(const char *q, size_t qlen, const char *name)
{
	char v[40];
	size_t n;

	if (awsv2__sts_param_decoded(q, qlen, name, v, sizeof v, &n) != 1)
		return -1;
	return awsv2__policy_iso_time(v, n);
}

/* The checks of the key's policy, time and rate limit: NULL, or the code
 * of the refusal. */
static const char *enforce(hsm_protocol *p, int slot, const awsv2__policy_req *r)
{
	const awsv2__policy *pol = &p->ks->slot[slot].policy;

	if (!awsv2__policy_allows(pol, r)
	    || !awsv2__policy_time_allows(pol, r, hsm_keystore_time(p->ks)))
		return "policy-denied";
	if (!hsm_keystore_take_token(p->ks, slot))
		return "rate-limited";
	return NULL;
}

static void cmd_sign(hsm_protocol *p, const char *sts, size_t len)
{
	awsv2__sts parsed;
	awsv2__sts_status st;
	awsv2__policy_req r;
	char action[AWSV2__POLICY_ACTION_MAX];
	const hsm_hmac_key *key;
	const char *refused;
	uint8_t mac[HSM_HMAC_MAX];
	size_t n;
	int slot;

	if (!audit_ready(p))
		return;
	memset(&parsed, 0, sizeof parsed);
	st = awsv2__sts_parse(sts, len, &parsed);
	if (st != AWSV2__STS_OK) {
		refuse(p, parsed.key_id_len ? parsed.key_id : NULL, parsed.key_id_len, 2, NULL,
		       awsv2__sts_code(st), sts, len);
		return;
	}
	req_start(&r, 2, parsed.verb, parsed.verb_len, parsed.host, parsed.host_len);
	read_action(&r, action, parsed.query, parsed.query_len, NULL, 0);
	if (!awsv2__policy_v2_scope(r.host, r.host_len, &r.region, &r.region_len, &r.service,
				    &r.service_len))
		r.region = r.service = NULL;
	r.time = iso_param(parsed.query, parsed.query_len, "Timestamp");
	r.end = iso_param(parsed.query, parsed.query_len, "Expires");
	if (r.end < 0)
		r.end = r.time;
	r.lifetime = -1;
	slot = hsm_keystore_slot(p->ks, parsed.key_id, parsed.key_id_len);
	refused = slot < 0 ? "unknown-awsaccesskey" : enforce(p, slot, &r);
	if (refused) {
		refuse(p, parsed.key_id, parsed.key_id_len, 2, &r, refused, sts, len);
		return;
	}
	key = hsm_keystore_find(p->ks, parsed.key_id, parsed.key_id_len,
				parsed.hash == AWSV2__STS_SHA256 ? HSM_SHA256 : HSM_SHA1);
	n = hsm_hmac(key, (const uint8_t *)sts, len, mac);
	hsm_keystore_anchor(p->ks, r.time);
	audit(p, parsed.key_id, parsed.key_id_len, 2, &r, "ok", sts, len);
	send_mac(p, mac, n);
	hsm_wipe(mac, sizeof mac);
}

/* Copies the text at *s up to the byte stop (0: up to end) into out, which
 * has room for cap bytes and a NUL (longer text is cut to cap bytes, cap
 * being one more than any valid argument, so a checker still sees it too
 * long), and moves *s past the stop byte. 0 if there is no stop. */
static int word(const char **s, const char *end, char stop, char *out, size_t cap)
{
	const char *at = stop ? memchr(*s, stop, (size_t)(end - *s)) : end;
	size_t n;

	if (!at)
		return 0;
	n = (size_t)(at - *s);
	if (n > cap)
		n = cap;
	memcpy(out, *s, n);
	out[n] = '\0';
	*s = at + 1;
	return 1;
}

/* The value of n (1..8) decimal digits. */
static long atoi_n(const char *s, size_t n)
{
	long v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static void sha256_hex(const char *data, size_t len, char hex[2 * HSM_SHA256_DIGEST])
{
	hsm_sha256_ctx c;
	uint8_t d[HSM_SHA256_DIGEST];

	hsm_sha256_init(&c);
	hsm_sha256_update(&c, data, len);
	hsm_sha256_final(&c, d);
	awsv2__hex_encode(d, sizeof d, hex);
}

/* SIGN-AWS-V4 <key id> <region> <service>\n<canonical request>[\n<payload>]:
 * the device reads the request (awsv2_sts4.c), hashes the payload and the
 * canonical request itself, and signs the string to sign it built from
 * them, with the scope's date taken from the request's timestamp. */
static void cmd_sign4(hsm_protocol *p, const char *args, size_t len)
{
	char id[AWSV2__KEY_ID_MAX + 2], region[AWSV2__STS4_REGION_MAX + 2];
	char service[AWSV2__STS4_SERVICE_MAX + 2], hash[2 * HSM_SHA256_DIGEST];
	char sts[AWSV2__STS4_STS_MAX];
	const char *s = args, *end = args + len, *nl = memchr(args, '\n', len);
	const hsm_hmac_key *key;
	const char *refused;
	struct awsv2__sts4 r;
	awsv2__policy_req q;
	char action[AWSV2__POLICY_ACTION_MAX];
	uint8_t mac[HSM_HMAC_MAX];
	size_t cr_len, n;
	int has_payload, rc, slot;

	if (!audit_ready(p))
		return;
	if (!nl || !word(&s, nl, ' ', id, sizeof id - 1) || !word(&s, nl, ' ', region, sizeof region - 1)
	    || !word(&s, nl, 0, service, sizeof service - 1)) {
		refuse(p, NULL, 0, 4, NULL, "invalid-command", args, len);
		return;
	}
	s = nl + 1;
	/* A body without the lines of a canonical request fails the check. */
	if (!awsv2__sts4_split(s, (size_t)(end - s), &cr_len, &has_payload)) {
		cr_len = (size_t)(end - s);
		has_payload = 0;
	}
	rc = awsv2__sts4_check(id, region, service, s, cr_len, has_payload, &r);
	if (rc == AWSV2__STS4_OK && has_payload) {
		sha256_hex(s + cr_len + 1, (size_t)(end - s) - cr_len - 1, hash);
		if (memcmp(hash, r.payload_hash, sizeof hash) != 0)
			rc = AWSV2__STS4_PAYLOAD_MISMATCH;
	}
	if (rc != AWSV2__STS4_OK) {
		refuse(p, id, strlen(id), 4, NULL, awsv2__sts4_code(rc), args, len);
		return;
	}
	req_start(&q, 4, r.method, r.method_len, r.host, r.host_len);
	q.region = region;
	q.region_len = strlen(region);
	q.service = service;
	q.service_len = strlen(service);
	read_action(&q, action, r.query, r.query_len, has_payload ? s + cr_len + 1 : NULL,
		    has_payload ? (size_t)(end - s) - cr_len - 1 : 0);
	q.time = awsv2__policy_amz_time(r.amz_date, 16);
	q.lifetime = -1;
	if (r.presigned) {
		char v[8];
		size_t vn = 0, i = 0;

		/* a presigned URL that does not say how long it lives: 0, refused */
		if (awsv2__sts_param_decoded(r.query, r.query_len, "X-Amz-Expires", v, sizeof v, &vn) != 1)
			vn = 0;
		while (i < vn && v[i] >= '0' && v[i] <= '9')
			i++;
		/* digits only, no leading zero: one reading for every parser */
		q.lifetime = vn > 0 && i == vn && v[0] != '0' ? atoi_n(v, vn) : 0;
	}
	q.end = q.time < 0 ? -1 : q.time + (q.lifetime > 0 ? q.lifetime : 0);
	slot = hsm_keystore_slot(p->ks, id, strlen(id));
	refused = slot < 0 ? "unknown-awsaccesskey" : enforce(p, slot, &q);
	if (refused) {
		refuse(p, id, strlen(id), 4, &q, refused, args, len);
		return;
	}
	key = hsm_keystore_sigv4(p->ks, id, strlen(id), r.date, region, service);
	sha256_hex(s, cr_len, hash);
	n = awsv2__sts4_string_to_sign(&r, region, service, hash, sts);
	n = hsm_hmac(key, (const uint8_t *)sts, n, mac);
	hsm_keystore_anchor(p->ks, q.time);
	audit(p, id, strlen(id), 4, &q, "ok", args, len);
	send_mac(p, mac, n);
	hsm_wipe(mac, sizeof mac);
}

/* DERIVE-AWS-V4 <key id> <date YYYYMMDD> <region> <service>: kSigning of
 * that scope, for a key whose policy says scoped-key=1 (docs/policy.md).
 * kSigning signs any request of its scope, so the policy's action, host
 * and method limits cannot follow it: a policy that has any of them
 * refuses, as does one whose region, service or version (4) does not
 * allow the scope. With expires=N the date may begin at most N seconds
 * after the device's time, and without a time yet the device refuses (the
 * host would pick the date). A DERIVE neither anchors the time nor is
 * signed for a request: its audit record names no action or host. */
static void cmd_derive4(hsm_protocol *p, const char *args, size_t len)
{
	char id[AWSV2__KEY_ID_MAX + 2], date[10], region[AWSV2__STS4_REGION_MAX + 2];
	char service[AWSV2__STS4_SERVICE_MAX + 2], stamp[17];
	const char *s = args, *end = args + len, *refused = NULL;
	const awsv2__policy *pol;
	struct awsv2__sts4 r;
	awsv2__policy_req q;
	uint8_t k[HSM_SHA256_DIGEST];
	int64_t now;
	int rc, slot;

	if (!audit_ready(p))
		return;
	if (!word(&s, end, ' ', id, sizeof id - 1) || !word(&s, end, ' ', date, sizeof date - 1)
	    || !word(&s, end, ' ', region, sizeof region - 1)
	    || !word(&s, end, 0, service, sizeof service - 1)) {
		refuse(p, NULL, 0, 4, NULL, "invalid-command", args, len);
		return;
	}
	/* The scope's own checks, as SIGN-AWS-V4 makes them: without a
	 * canonical request the check stops after the key id and scope. */
	rc = awsv2__sts4_check(id, region, service, NULL, 0, 0, &r);
	memcpy(stamp, date, 8);
	memcpy(stamp + 8, "T000000Z", 9);
	if (rc == AWSV2__STS4_BAD_KEY_ID)
		refused = awsv2__sts4_code(rc);
	else if (rc == AWSV2__STS4_BAD_SCOPE || strlen(date) != 8
		 || awsv2__policy_amz_time(stamp, 16) < 0)
		refused = "invalid-scope";
	if (refused) {
		refuse(p, id, strlen(id), 4, NULL, refused, args, len);
		return;
	}
	req_start(&q, 4, NULL, 0, NULL, 0);
	q.region = region;
	q.region_len = strlen(region);
	q.service = service;
	q.service_len = strlen(service);
	q.time = q.end = awsv2__policy_amz_time(stamp, 16);
	q.lifetime = -1;
	slot = hsm_keystore_slot(p->ks, id, strlen(id));
	if (slot < 0) {
		refused = "unknown-awsaccesskey";
	} else {
		pol = &p->ks->slot[slot].policy;
		now = hsm_keystore_time(p->ks);
		if (!pol->scoped_key || (pol->max_expires && now < 0))
			refused = "policy-denied";
		else
			refused = enforce(p, slot, &q);
	}
	if (refused) {
		refuse(p, id, strlen(id), 4, &q, refused, args, len);
		return;
	}
	hsm_sigv4_signing_key(&p->ks->slot[slot].aws4, date, region, service, k);
	audit(p, id, strlen(id), 4, &q, "ok", args, len);
	send_mac(p, k, sizeof k);
	hsm_wipe(k, sizeof k);
	/* The reply held kSigning too. */
	hsm_wipe(p->out, sizeof p->out);
}

static void cmd_ping(hsm_protocol *p, const char *nonce, size_t len)
{
	size_t n;

	if (!token(nonce, len) || len > HSM_NONCE_MAX) {
		send_error(p, "invalid-command");
		return;
	}
	n = put(p, 0, "PONG ", 5);
	n = put(p, n, nonce, len);
	n = put(p, n, " " HSM_FIRMWARE_VERSION, sizeof HSM_FIRMWARE_VERSION);
	if (!p->no_delta)
		n = put(p, n, " " HSM_FEATURE_DELTA, sizeof HSM_FEATURE_DELTA);
	/* After the version, where hosts that know nothing of it ignore it. */
	if (p->ks->fault)
		n = put(p, n, " " HSM_STORE_FAULT, sizeof HSM_STORE_FAULT);
	send_out(p, n);
}

static void cmd_keys(hsm_protocol *p, const char *args, size_t len)
{
	size_t n = put(p, 0, "KEYS", 4);
	char sep = ' ';

	(void)args;
	(void)len;
	for (int i = 0; i < HSM_MAX_KEYS; i++) {
		const hsm_ks_entry *e = &p->ks->slot[i];
		if (!e->used)
			continue;
		p->out[n++] = sep;
		n = put(p, n, e->id, e->id_len);
		sep = ',';
	}
	send_out(p, n);
}

/* PUT-KEY <id> <secret>[ <policy>]: without a policy, the empty one. */
static void cmd_put_key(hsm_protocol *p, const char *args, size_t len)
{
	const char *space = memchr(args, ' ', len);
	size_t id_len = space ? (size_t)(space - args) : len;
	const char *secret = args + id_len + 1;
	size_t rest = space ? len - id_len - 1 : 0;
	const char *space2 = memchr(secret, ' ', rest);
	size_t secret_len = space2 ? (size_t)(space2 - secret) : rest;
	const char *policy = secret + secret_len + 1;
	size_t policy_len = space2 ? rest - secret_len - 1 : 0;

	if (!awsv2__key_id_valid(args, id_len)) {
		send_error(p, "invalid-awsaccesskeyid");
		return;
	}
	if (!token(secret, secret_len) || (space2 && !token(policy, policy_len))) {
		send_error(p, "invalid-command");
		return;
	}
	send_ks(p, hsm_keystore_put_policy(p->ks, args, id_len, (const uint8_t *)secret, secret_len,
					   policy, policy_len));
}

static void cmd_policy(hsm_protocol *p, const char *id, size_t len)
{
	int slot;
	size_t n;

	if (!awsv2__key_id_valid(id, len)) {
		send_error(p, "invalid-awsaccesskeyid");
		return;
	}
	slot = hsm_keystore_slot(p->ks, id, len);
	if (slot < 0) {
		send_error(p, "unknown-awsaccesskey");
		return;
	}
	n = put(p, 0, "POLICY", 6);
	if (p->ks->slot[slot].policy.len) {
		p->out[n++] = ' ';
		n = put(p, n, p->ks->slot[slot].policy.text, p->ks->slot[slot].policy.len);
	}
	send_out(p, n);
}

/* AUDIT <seq>: one record, AUDIT-END or AUDIT-GAP. */
static void cmd_audit(hsm_protocol *p, const char *args, size_t len)
{
	uint32_t seq = 0;
	size_t n = 0;

	if (len == 0 || len > 10 || (len > 1 && args[0] == '0'))
		len = 0;
	for (size_t i = 0; i < len; i++) {
		if (args[i] < '0' || args[i] > '9' || seq > (UINT32_MAX - 9) / 10) {
			len = 0;
			break;
		}
		seq = seq * 10 + (uint32_t)(args[i] - '0');
	}
	if (len)
		n = hsm_audit_read(audit_log(p), seq, p->out);
	if (n == 0)
		send_error(p, "invalid-command");
	else
		send_out(p, n);
}

/* AUDIT-MODE wrap|strict: saved with the log's checkpoint, frozen by LOCK. */
static void cmd_audit_mode(hsm_protocol *p, const char *args, size_t len)
{
	int strict = len == 6 && memcmp(args, "strict", 6) == 0;

	if (!strict && !(len == 4 && memcmp(args, "wrap", 4) == 0))
		send_error(p, "invalid-command");
	else if (p->ks->fault)
		send_error(p, "storage-failure");
	else if (p->ks->locked)
		send_error(p, "locked");
	else
		send_ks(p, hsm_audit_set_mode(audit_log(p), strict) == 0 ? HSM_KS_OK : HSM_KS_STORAGE);
}

static void cmd_delete_key(hsm_protocol *p, const char *id, size_t len)
{
	if (!awsv2__key_id_valid(id, len))
		send_error(p, "invalid-awsaccesskeyid");
	else
		send_ks(p, hsm_keystore_delete(p->ks, id, len));
}

static void cmd_lock(hsm_protocol *p, const char *args, size_t len)
{
	(void)args;
	(void)len;
	send_ks(p, hsm_keystore_lock(p->ks));
}

static const struct command {
	const char *name;
	hsm_command cmd;
	uint8_t has_args;  /* `NAME args` rather than `NAME` alone */
	void (*run)(hsm_protocol *p, const char *args, size_t len);
} commands[] = {
	{ "SIGN-AWS-V2", HSM_CMD_SIGN, 1, cmd_sign },
	{ "SIGN-AWS-V4", HSM_CMD_SIGN4, 1, cmd_sign4 },
	{ "PING", HSM_CMD_PING, 1, cmd_ping },
	{ "KEYS", HSM_CMD_KEYS, 0, cmd_keys },
	{ "PUT-KEY", HSM_CMD_PUT_KEY, 1, cmd_put_key },
	{ "DELETE-KEY", HSM_CMD_DELETE_KEY, 1, cmd_delete_key },
	{ "LOCK", HSM_CMD_LOCK, 0, cmd_lock },
	{ "POLICY", HSM_CMD_POLICY, 1, cmd_policy },
	{ "AUDIT", HSM_CMD_AUDIT, 1, cmd_audit },
	{ "AUDIT-MODE", HSM_CMD_AUDIT_MODE, 1, cmd_audit_mode },
	{ "DERIVE-AWS-V4", HSM_CMD_DERIVE4, 1, cmd_derive4 },
};

/* 1 if the request is c's name alone or, for a command with arguments,
 * its name, a space and the arguments (in *args, *alen). */
static int matches(const struct command *c, const char *req, size_t len, const char **args,
		   size_t *alen)
{
	size_t n = strlen(c->name);

	if (len < n || memcmp(req, c->name, n) != 0)
		return 0;
	if (!c->has_args)
		return len == n;
	if (len == n || req[n] != ' ')
		return 0;
	*args = req + n + 1;
	*alen = len - n - 1;
	return 1;
}

static void dispatch(hsm_protocol *p)
{
	const char *args = NULL;
	size_t alen = 0;

	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (matches(&commands[i], p->buf, p->len, &args, &alen)) {
			p->cmd = commands[i].cmd;
			commands[i].run(p, args, alen);
			return;
		}
	}
	p->cmd = HSM_CMD_INVALID;
	send_error(p, "invalid-command");
}

/* A decimal number 1 to 2^32 - 1 without a leading zero, the whole of s[0..n). */
static int read_tag(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;

	if (n == 0 || n > 10 || s[0] == '0')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (UINT32_MAX - (uint32_t)(s[i] - '0')) / 10)
			return 0;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	*out = v;
	return 1;
}

/* Exactly 8 lower-case hex digits. */
static int read_crc(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;

	if (n != 8)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			v = v << 4 | (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (uint32_t)(c - 'a' + 10);
		else
			return 0;
	}
	*out = v;
	return 1;
}

/* buf holds "D <tag> <base> <crc> ", the header of a compact frame: reads
 * it and starts decoding the script, or refuses the frame. */
static void start_delta(hsm_protocol *p)
{
	const char *s = p->buf + 2, *end = p->buf + p->len - 1, *w[3];
	size_t n[3];
	uint32_t tag = 0, base = 0, crc = 0;

	p->frame = FRAME_SKIP;
	for (int i = 0; i < 3; i++) {
		const char *sp = i < 2 ? memchr(s, ' ', (size_t)(end - s)) : end;
		w[i] = s;
		n[i] = (size_t)(sp - s);
		s = sp + 1;
	}
	if (!read_tag(w[0], n[0], &tag) || !read_crc(w[2], n[2], &crc)
	    || (!(n[1] == 1 && w[1][0] == '-') && !read_tag(w[1], n[1], &base)))
		return;  /* untagged: invalid-command */
	p->tag = tag;
	p->crc = crc;
	/* The CRC covers the tag and the base too: bytes lost from one frame's
	 * crc to the next one's must not leave the first one's tag on the
	 * second one's request. */
	p->crc_head = hsm_crc32(0, p->buf, (size_t)(w[2] - p->buf));
	if (base && base != p->ref_tag) {
		p->delta_error = "delta-reference";
		return;
	}
	hsm_delta_start(&p->delta, p->buf, sizeof p->buf, sizeof p->buf - p->ref_len,
			base ? p->ref_len : 0);
	p->frame = FRAME_SCRIPT;
	p->len = 0;
}

/* The end of a compact frame's script: the request it rebuilt is read,
 * checked and signed like a whole one and becomes the reference (moved to
 * the buffer's end), if it is a SIGN-AWS-V2 or SIGN-AWS-V4 that arrived
 * intact. */
static void end_delta(hsm_protocol *p)
{
	size_t len = 0;
	hsm_delta_status st = hsm_delta_finish(&p->delta, &len);
	const char *args = NULL;
	size_t alen = 0;

	p->len = p->delta.len;
	p->cmd = HSM_CMD_INVALID;
	if (st == HSM_DELTA_TOO_LONG) {
		send_error(p, "message-too-long");
	} else if (st != HSM_DELTA_OK) {
		send_error(p, "delta-invalid");
	} else if (hsm_crc32(p->crc_head, p->buf, p->len) != p->crc) {
		send_error(p, "delta-checksum");
	} else {
		for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
			const struct command *c = &commands[i];

			if ((c->cmd == HSM_CMD_SIGN || c->cmd == HSM_CMD_SIGN4)
			    && matches(c, p->buf, p->len, &args, &alen)) {
				p->cmd = c->cmd;
				c->run(p, args, alen);
				memmove(p->buf + sizeof p->buf - p->len, p->buf, p->len);
				p->ref_len = p->len;
				p->ref_tag = p->tag;
				p->len = 0;  /* a string to sign: nothing to wipe */
				return;
			}
		}
		send_error(p, "invalid-command");
	}
}

static void end_request(hsm_protocol *p)
{
	uint32_t had = p->ref_tag;

	/* Any failure, and a lone NUL (a host resynchronising), drop the
	 * reference; a request rebuilt and taken sets it again. */
	p->ref_tag = 0;
	if (p->frame == FRAME_SCRIPT) {
		end_delta(p);
	} else if (p->frame != FRAME_PLAIN) {
		p->cmd = HSM_CMD_INVALID;
		send_error(p, p->delta_error ? p->delta_error : "invalid-command");
	} else if (p->overflow) {
		p->cmd = HSM_CMD_INVALID;
		send_error(p, "message-too-long");
	} else if (p->len > 0) {
		p->ref_tag = had;  /* PING, KEYS...: the reference stays */
		dispatch(p);
	}
	/* A PUT-KEY carried a secret: leave none of it behind. */
	memset(p->buf, 0, p->len);
	p->len = 0;
	p->overflow = 0;
	p->frame = FRAME_PLAIN;
	p->tag = 0;
	p->delta_error = NULL;
}

void hsm_protocol_byte(hsm_protocol *p, uint8_t b)
{
	if (b == 0) {
		end_request(p);
	} else if (p->frame == FRAME_SCRIPT) {
		hsm_delta_byte(&p->delta, b);
	} else if (p->frame == FRAME_SKIP) {
		return;
	} else if (p->len == 0 && !p->overflow
		   && (b == '\r' || b == '\n' || b == ' ' || b == '\t')) {
		return;
	} else if (p->len < HSM_REQUEST_MAX) {
		if (p->len >= HSM_REQUEST_MAX - p->ref_len)
			p->ref_tag = 0;  /* the request needs the reference's room */
		p->buf[p->len++] = (char)b;
		if (p->frame == FRAME_HEADER && b == ' ') {
			size_t spaces = 0;
			for (size_t i = 0; i < p->len; i++)
				spaces += p->buf[i] == ' ';
			if (spaces == 4)
				start_delta(p);
		} else if (p->frame == FRAME_HEADER && p->len > HSM_DELTA_HEADER_MAX) {
			p->frame = FRAME_SKIP;
		} else if (p->len == 2 && p->buf[0] == 'D' && b == ' ' && !p->no_delta) {
			p->frame = FRAME_HEADER;
		}
	} else {
		p->overflow = 1;
	}
}

void hsm_protocol_feed(hsm_protocol *p, const void *data, size_t n)
{
	const uint8_t *d = data;

	for (size_t i = 0; i < n; i++)
		hsm_protocol_byte(p, d[i]);
}
