/* Reading the Due's reply lines (docs/serial-protocol.md). Pure
 * functions on one line without its "\n" (a "\r" before it already cut). */
#ifndef AWSV2_DUE_REPLY_H
#define AWSV2_DUE_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "awsv2/request.h"
#include "awsv2/status.h"

/* Printable ASCII only: anything else is line noise or a garbled reply. */
bool awsv2__due_line_printable(const char *line, size_t len);

/* The reply to SIGN-AWS-V2 for hash: "SUCCESS <hex>" with exactly the
 * hash's length of hex digits (either case) gives AWSV2_OK and the MAC;
 * "ERROR <code>" gives AWSV2_E_REFUSED and the code (lower-case, digits and
 * '-', at most code_cap - 1 bytes); anything else AWSV2_E_PROTOCOL. */
awsv2_status awsv2__due_parse_sign(const char *line, size_t len, awsv2_hash hash, uint8_t *mac,
                                   size_t *mac_len, char *code, size_t code_cap);

/* "ERROR <code>" to any command: true and the code, as above. */
bool awsv2__due_parse_error(const char *line, size_t len, char *code, size_t code_cap);

/* The reply to KEYS: "KEYS" alone (no key stored) or "KEYS " and access
 * key ids (awsv2__key_id_valid) separated by single commas. True and the
 * list (*ids, *ids_len bytes, pointing into line; empty for none). */
bool awsv2__due_parse_keys(const char *line, size_t len, const char **ids, size_t *ids_len);

/* The reply to POLICY: "POLICY" alone (the empty policy) or "POLICY " and
 * one word. True and the policy (*text, *text_len bytes, pointing into line). */
bool awsv2__due_parse_policy(const char *line, size_t len, const char **text, size_t *text_len);

/* The reply to AUDIT: 0 for "AUDIT <seq> ...", 1 for "AUDIT-END <seq>
 * <chain>", 2 for "AUDIT-GAP <seq>", with *seq; -1 for anything else. The
 * chain is not checked here (awsv2_audit_verify does). */
int awsv2__due_parse_audit(const char *line, size_t len, uint32_t *seq);

/* Whether line is "PONG <nonce>" followed by the end or " <version>". */
bool awsv2__due_is_pong(const char *line, size_t len, const char *nonce);

#endif
