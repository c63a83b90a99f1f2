/* awsv2-due-emu: the firmware core served on a pty, with a model of the
 * link's and the device's timing and injected faults. */
#ifndef EMU_H
#define EMU_H

#include <signal.h>
#include <stdint.h>

#include "emu_link.h"
#include "emu_options.h"
#include "emu_pty.h"
#include "hsm_protocol.h"

#define EMU_CHUNK 4096
#define EMU_CHUNKS 16

/* Bytes read from the pty in one read, not yet taken by the device. */
typedef struct emu_chunk {
	uint8_t data[EMU_CHUNK];
	size_t len, pos;
	int64_t first;  /* arrival of data[0] at the device */
} emu_chunk;

/* A reply (or a dropped reply's place) waiting for the link. */
typedef struct emu_reply {
	struct emu_reply *next;
	int close;      /* --close-after: the last thing we send */
	emu_tx tx;
	char data[];
} emu_reply;

typedef struct emu {
	const emu_options *opt;
	emu_pty pty;
	emu_link link;
	hsm_keystore ks;
	hsm_protocol proto;
	emu_chunk in[EMU_CHUNKS];
	unsigned in_head, in_count;
	emu_reply *out_head, *out_tail;
	int64_t dev_now;     /* the device's clock while it handles a byte */
	int64_t busy_until;  /* the device finishes its current request */
	unsigned long nreq;
	int closing;         /* a --close-after request was answered */
	int tx_blocked;      /* the host reads no more: the device waits, as
	                        a Due blocks in write() */
	int failed;          /* out of memory or pty error */
} emu;

/* Serves the pty until a signal in *stop, --close-after, or an error.
 * Returns 0, or -1 after explaining on stderr. */
int emu_serve(emu *e, volatile sig_atomic_t *stop, const sigset_t *wait_mask);

#endif
