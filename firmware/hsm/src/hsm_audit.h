/* The device's audit log (docs/policy.md): a record for every signing
 * request, allowed or refused, each chained to the one before by SHA-256,
 * kept in a ring in RAM and read out by the host with AUDIT <seq>.
 *
 * Flash sees one checkpoint per HSM_AUDIT_RESERVE records (and one per
 * power-up and per AUDIT-MODE), never a write per signature: a checkpoint
 * holds the chain value so far and reserves the next HSM_AUDIT_RESERVE
 * sequence numbers, so that after a power cut the device starts past every
 * number it may have used and says so with a "restart" record. The records
 * in RAM are lost with the power; what survives is the checkpoint. Two
 * pages take the checkpoints in turn, each sealed, so a torn checkpoint
 * leaves the other one. Not thread-safe: one device, one loop. */
#ifndef HSM_AUDIT_H
#define HSM_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "awsv2_policy.h"
#include "hsm_storage.h"

#define HSM_AUDIT_RING 16       /* records kept in RAM */
#define HSM_AUDIT_RESERVE 1024  /* sequence numbers a checkpoint reserves */
/* "<seq> <id> <v> <action> <host> <result> <hash>" at its longest */
#define HSM_AUDIT_TEXT (10 + 1 + AWSV2__KEY_ID_MAX + 3 + AWSV2__POLICY_ACTION_MAX + 1 + \
	AWSV2__POLICY_HOST_MAX + 1 + 32 + 1 + 64)

typedef struct hsm_audit_rec {
	uint16_t len;
	char text[HSM_AUDIT_TEXT];
	uint8_t chain[AWSV2__AUDIT_HASH];  /* after this record */
} hsm_audit_rec;

typedef struct hsm_audit {
	const hsm_storage *storage;
	unsigned page;         /* the first of the two checkpoint pages */
	uint8_t started;
	uint8_t strict;        /* refuse to sign rather than overwrite unread records */
	uint8_t fault;         /* a checkpoint could not be written */
	uint32_t counter;      /* the last checkpoint's number */
	uint32_t first;        /* the first sequence number of this power-up */
	uint32_t next;         /* the next record's */
	uint32_t reserved;     /* the first one the last checkpoint did not reserve */
	uint32_t unread;       /* the first one the host has not read */
	uint8_t chain[AWSV2__AUDIT_HASH];  /* after the last record */
	hsm_audit_rec ring[HSM_AUDIT_RING];
} hsm_audit;

/* Reads the checkpoint from pages page and page + 1, writes the next one
 * and appends the "restart" record. Later calls do nothing. */
void hsm_audit_start(hsm_audit *a, const hsm_storage *storage, unsigned page);

/* Whether a new record would overwrite one the host has not read, in
 * strict mode: the device then refuses to sign (audit-full). */
int hsm_audit_full(const hsm_audit *a);

/* Makes sure the next record's number is covered by a checkpoint,
 * writing one when the reserved numbers have run out: 1, or 0 when it
 * cannot be written (the device then refuses to sign: a number that no
 * checkpoint reserved could be used again after a power cut). */
int hsm_audit_reserve(hsm_audit *a);

/* Appends the record "<seq> <fields>" (fields: "<id> <v> <action> <host>
 * <result> <hash>", n bytes, already checked printable). A signing
 * request adds one, after hsm_audit_reserve. */
void hsm_audit_add(hsm_audit *a, const char *fields, size_t n);

/* Writes the reply to AUDIT <seq> into out (room for HSM_AUDIT_REPLY_MAX
 * bytes) and returns its length (no '\n'), or 0 when seq is past the next
 * record. Reading a record marks it and every earlier one read. */
#define HSM_AUDIT_REPLY_MAX (6 + HSM_AUDIT_TEXT + 1 + 64)
size_t hsm_audit_read(hsm_audit *a, uint32_t seq, char *out);

/* Sets strict (1) or wrap (0) mode and saves it in a checkpoint: 0, or -1
 * when the checkpoint cannot be written (the mode is then unchanged). */
int hsm_audit_set_mode(hsm_audit *a, int strict);

#endif
