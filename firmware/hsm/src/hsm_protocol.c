/* Request framing and the commands of the serial protocol (docs/serial-protocol.md). */
#include <string.h>

#include "hsm_protocol.h"
#include "hsm_util.h"

void hsm_protocol_init(hsm_protocol *p, hsm_keystore *ks, hsm_reply_fn reply, void *reply_ctx)
{
	memset(p, 0, sizeof *p);
	p->ks = ks;
	p->reply = reply;
	p->reply_ctx = reply_ctx;
}

/* Replies with the n bytes of p->out already composed plus '\n'. */
static void send_out(hsm_protocol *p, size_t n)
{
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

static void cmd_sign(hsm_protocol *p, const char *sts, size_t len)
{
	awsv2__sts parsed;
	awsv2__sts_status st = awsv2__sts_parse(sts, len, &parsed);
	const hsm_hmac_key *key;
	uint8_t mac[HSM_HMAC_MAX];
	size_t n;

	if (st != AWSV2__STS_OK) {
		send_error(p, awsv2__sts_code(st));
		return;
	}
	key = hsm_keystore_find(p->ks, parsed.key_id, parsed.key_id_len,
				parsed.hash == AWSV2__STS_SHA256 ? HSM_SHA256 : HSM_SHA1);
	if (!key) {
		send_error(p, "unknown-awsaccesskey");
		return;
	}
	n = hsm_hmac(key, (const uint8_t *)sts, len, mac);
	memcpy(p->out, "SUCCESS ", 8);
	awsv2__hex_encode(mac, n, p->out + 8);
	hsm_wipe(mac, sizeof mac);
	send_out(p, 8 + 2 * n);
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

static void cmd_put_key(hsm_protocol *p, const char *args, size_t len)
{
	const char *space = memchr(args, ' ', len);
	size_t id_len = space ? (size_t)(space - args) : len;
	const char *secret = args + id_len + 1;
	size_t secret_len = space ? len - id_len - 1 : 0;

	if (!awsv2__key_id_valid(args, id_len)) {
		send_error(p, "invalid-awsaccesskeyid");
		return;
	}
	if (!token(secret, secret_len)) {
		send_error(p, "invalid-command");
		return;
	}
	send_ks(p, hsm_keystore_put(p->ks, args, id_len, (const uint8_t *)secret, secret_len));
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
	{ "PING", HSM_CMD_PING, 1, cmd_ping },
	{ "KEYS", HSM_CMD_KEYS, 0, cmd_keys },
	{ "PUT-KEY", HSM_CMD_PUT_KEY, 1, cmd_put_key },
	{ "DELETE-KEY", HSM_CMD_DELETE_KEY, 1, cmd_delete_key },
	{ "LOCK", HSM_CMD_LOCK, 0, cmd_lock },
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

static void end_request(hsm_protocol *p)
{
	if (p->overflow) {
		p->cmd = HSM_CMD_INVALID;
		send_error(p, "message-too-long");
	} else if (p->len > 0) {
		dispatch(p);
	}
	/* A PUT-KEY carried a secret: leave none of it behind. */
	memset(p->buf, 0, p->len);
	p->len = 0;
	p->overflow = 0;
}

void hsm_protocol_byte(hsm_protocol *p, uint8_t b)
{
	if (b == 0)
		end_request(p);
	else if (p->len == 0 && !p->overflow && (b == '\r' || b == '\n' || b == ' ' || b == '\t'))
		return;
	else if (p->len < HSM_REQUEST_MAX)
		p->buf[p->len++] = (char)b;
	else
		p->overflow = 1;
}

void hsm_protocol_feed(hsm_protocol *p, const void *data, size_t n)
{
	const uint8_t *d = data;

	for (size_t i = 0; i < n; i++)
		hsm_protocol_byte(p, d[i]);
}
