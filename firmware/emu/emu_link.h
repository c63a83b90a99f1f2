/* The timing model of the serial link between host and device
 * (docs/serial-protocol.md, "Link models").
 *
 * none: bytes move at once. uart:BAUD: every byte costs 10 bit times in
 * each direction. prog: the programming port as measured, 11,700 bytes/s
 * each way. usb: the native port with the Arduino core as measured: the
 * device takes in 127,000 bytes/s, each byte costing it 7.9 us it cannot
 * spend signing, and sends 850,000 bytes/s; a reply is released only on a
 * 1 ms frame boundary (counted from the emulator's start). usb-ideal: the
 * model before that calibration, 1 MB/s each way and no cost to take a
 * byte, with the same frames. All times are CLOCK_MONOTONIC nanoseconds. */
#ifndef EMU_LINK_H
#define EMU_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "emu_options.h"

/* The calibration (docs/serial-protocol.md, "Link models"): the native
 * port takes in 121-133 KB/s and sends 0.85-5 MB/s; the programming port
 * moves 11.7 KB/s. awsv2-bench serial computes its limits from these. */
#define EMU_USB_WIRE_NS 1000    /* full-speed bulk: about 1 MB/s */
#define EMU_USB_TAKE_NS 7874    /* 127,000 bytes/s, device time */
#define EMU_USB_TX_NS 1176      /* 850,000 bytes/s */
#define EMU_USB_IDEAL_NS 1000   /* 1 MB/s each way */
#define EMU_PROG_NS 85470       /* 11,700 bytes/s each way */
#define EMU_FRAME_NS 1000000    /* a USB frame */

typedef struct emu_link {
	int64_t rx_ns;     /* host to device: one byte on the wire, 0 for none */
	int64_t take_ns;   /* the device's own time to take in one byte */
	int64_t tx_ns;     /* device to host: one byte on the wire */
	int frames;        /* usb: release replies on frame boundaries */
	int64_t epoch;     /* frame boundaries are epoch + k ms */
	int64_t rx_last;   /* arrival at the device of the last byte read */
	int64_t tx_free;   /* when the device-to-host direction is idle */
} emu_link;

/* A reply on its way to the host. */
typedef struct emu_tx {
	int64_t start;     /* its first byte starts on the wire */
	int64_t release;   /* usb/none: every byte is released at this time */
	size_t len, sent;
} emu_tx;

int64_t emu_now(void);

void emu_link_init(emu_link *l, emu_link_kind kind, unsigned long baud, int64_t now);

/* A chunk of n bytes the host has written, read from the pty at `now`:
 * returns when its first byte arrives at the device. Byte j of it
 * arrives rx_ns * j later. */
int64_t emu_link_rx(emu_link *l, int64_t now, size_t n);

/* Schedules a reply of len bytes that the device has ready at `ready`. */
void emu_link_tx(emu_link *l, emu_tx *t, int64_t ready, size_t len);

/* How many of t's bytes the host may have by `now` (sent ones included). */
size_t emu_link_due(const emu_link *l, const emu_tx *t, int64_t now);

/* When t's next unsent byte becomes due. */
int64_t emu_link_next(const emu_link *l, const emu_tx *t);

#endif
