/* The pipelined, self-healing link to one Due (or awsv2-due-emu): requests
 * written in order with up to `window` of them in flight, replies matched to
 * them strictly in order and each confirmed by a checkpoint PING's nonce
 * coming back in its exact place (a lost or repeated line fails requests,
 * never gives one another's reply), and after any failure a drain, reopen if
 * needed and PING-nonce resynchronisation before the next request.
 * Thread-safe: any number of threads may share one link. */
#ifndef AWSV2_DUE_LINK_H
#define AWSV2_DUE_LINK_H

#include <stdbool.h>
#include <stddef.h>

#include "awsv2/signer.h"

struct awsv2__due_link;

/* Longest request the device takes, not counting its terminating NUL. */
#define AWSV2__DUE_REQUEST_MAX 8192

/* Longest request the original firmware takes whole: it reads at most
 * 8191 bytes into its buffer and signs what it has (legacy mode). */
#define AWSV2__DUE_LEGACY_REQUEST_MAX 8191

/* Opens path (a serial port or a pty), exclusively (serial_port.h), and
 * waits until the device answers a PING (a few seconds at most, or
 * timeout_ms if longer: opening the programming port resets the board).
 * A device that answers PING with "ERROR invalid-command" and never with
 * PONG runs the original firmware (hsm.ino): the link is then in legacy
 * mode (due_link.c), which signs SIGN-AWS-V2 requests of at most
 * AWSV2__DUE_LEGACY_REQUEST_MAX bytes and refuses SIGN-AWS-V4 and every
 * command with AWSV2_E_UNAVAILABLE, before sending anything.
 * timeout_ms bounds each request below from the call (a batch job: from its
 * turn) to its confirmed reply, recovery after an earlier failure included;
 * window 0 picks the default for the kind of port. */
awsv2_status awsv2__due_link_open(struct awsv2__due_link **out, const char *path,
                                  unsigned long timeout_ms, unsigned long window,
                                  awsv2_error *err);
void awsv2__due_link_close(struct awsv2__due_link *link);
unsigned long awsv2__due_link_window(const struct awsv2__due_link *link);
/* Whether the device runs the original firmware (fixed at open). */
bool awsv2__due_link_legacy(const struct awsv2__due_link *link);

/* Signs n jobs, pipelined; each job gets its own status (the strings are
 * checked again here: one that is not a string to sign is never written).
 * Returns the first failed job's status, err describing it. */
awsv2_status awsv2__due_link_sign(struct awsv2__due_link *link, awsv2_sign_job *const *jobs, size_t n,
                                  awsv2_error *err);

/* Signs one SigV4 job with SIGN-AWS-V4 (docs/serial-protocol.md) through
 * the same pipeline. The job's scope words must be printable without
 * spaces and nothing may hold a NUL (AWSV2_E_INVALID, never sent); a
 * request over AWSV2__DUE_REQUEST_MAX is refused here, AWSV2_E_INVALID with
 * err->code "message-too-long". The device's refusals are AWSV2_E_REFUSED
 * with its code. */
awsv2_status awsv2__due_link_sign4(struct awsv2__due_link *link, awsv2_sign4_job *job,
                                   awsv2_error *err);

/* Whether the device answers now: a PING with a fresh nonce, queued like
 * any request (recovering first if the link is broken). */
awsv2_status awsv2__due_link_ping(struct awsv2__due_link *link, awsv2_error *err);

/* Sends one device-management command (printable ASCII, no NUL), alone on
 * the link: nothing else is in flight meanwhile. The reply line goes to
 * reply (cap bytes); "ERROR <code>" is AWSV2_E_REFUSED with err->code. The
 * command may hold a secret: it is wiped from the link's buffers. */
awsv2_status awsv2__due_link_command(struct awsv2__due_link *link, const char *command,
                                     char *reply, size_t cap, awsv2_error *err);

#endif
