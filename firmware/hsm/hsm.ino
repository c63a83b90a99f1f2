/* Arduino Due HSM: keeps AWS secret keys in the SAM3X8E's flash and signs
 * AWS Signature Version 2 and 4 requests over serial (protocol:
 * docs/serial-protocol.md). Serves the native USB port (SerialUSB) and the
 * programming port (Serial), each with its own request state; both share one key store.
 *
 * This file is thin glue: everything else is the portable core in src/,
 * the same code awsv2-due-emu and the host tests run. No credentials live
 * here: provision keys over serial (PUT-KEY), see README.md. */
extern "C" {
#include "src/hsm_protocol.h"
#include "src/hsm_util.h"
}

#include <string.h>

/* The key store lives in the last HSM_KEYSTORE_PAGES pages of flash bank 1
 * (EFC1). Sketches are linked into bank 0, which keeps running while bank 1
 * is programmed, so no code has to be copied to RAM. */
static const uint32_t first_page = IFLASH1_NB_OF_PAGES - HSM_KEYSTORE_PAGES;
static const uint32_t efc_erase_write_page = 0x03; /* EEFC command EWP */

static uint8_t *page_address(unsigned page)
{
	return (uint8_t *)(uintptr_t)(IFLASH1_ADDR + (first_page + page) * IFLASH1_PAGE_SIZE);
}

static int flash_read(void *ctx, unsigned page, uint8_t buf[HSM_PAGE_SIZE])
{
	(void)ctx;
	if (page >= HSM_KEYSTORE_PAGES)
		return -1;
	memcpy(buf, page_address(page), HSM_PAGE_SIZE);
	return 0;
}

/* Fills the page's latch buffer (32-bit writes to its address range) and
 * runs "erase and write page". data NULL programs an erased page. */
static int flash_program(unsigned page, const uint8_t *data)
{
	volatile uint32_t *latch = (volatile uint32_t *)page_address(page);
	uint32_t status, errors = 0;

	if (page >= HSM_KEYSTORE_PAGES)
		return -1;
	for (unsigned i = 0; i < HSM_PAGE_SIZE / 4; i++) {
		uint32_t word = 0xFFFFFFFFu;
		if (data)
			memcpy(&word, data + 4 * i, 4);
		latch[i] = word;
	}
	EFC1->EEFC_FCR = EEFC_FCR_FKEY(0x5A) | EEFC_FCR_FARG(first_page + page)
			 | EEFC_FCR_FCMD(efc_erase_write_page);
	do {  /* reading the status clears its error bits: keep them */
		status = EFC1->EEFC_FSR;
		errors |= status & (EEFC_FSR_FCMDE | EEFC_FSR_FLOCKE);
	} while (!(status & EEFC_FSR_FRDY));
	return errors ? -1 : 0;
}

static int flash_erase(void *ctx, unsigned page)
{
	(void)ctx;
	return flash_program(page, NULL);
}

static int flash_write(void *ctx, unsigned page, const uint8_t buf[HSM_PAGE_SIZE])
{
	(void)ctx;
	return flash_program(page, buf);
}

static const hsm_storage flash = { NULL, flash_read, flash_erase, flash_write };
static hsm_keystore keystore;
static hsm_protocol usb_requests, uart_requests;

static void reply(void *ctx, const char *line, size_t len)
{
	static_cast<Stream *>(ctx)->write(reinterpret_cast<const uint8_t *>(line), len);
}

/* The core's clock (rate limits, the time of docs/policy.md). */
static uint32_t tick(void *ctx)
{
	(void)ctx;
	return millis();
}

/* Hands the core the bytes waiting on a port when it was looked at, a
 * block at a time (framing is by NUL only, so any split works). readBytes
 * is asked for no more than available() said are there, so it never waits
 * out its timeout; what arrives meanwhile is for the next loop(), so that
 * one port cannot starve the other. A PUT-KEY's secret passes through the
 * block: it is wiped. */
static void serve(Stream &port, hsm_protocol *requests)
{
	uint8_t block[64];  /* a full-speed USB packet */
	int left = port.available();

	while (left > 0) {
		size_t want = left < (int)sizeof block ? (size_t)left : sizeof block;
		size_t got = port.readBytes(block, want);

		if (got == 0)
			break;
		hsm_protocol_feed(requests, block, got);
		hsm_wipe(block, got);
		left -= (int)got;
	}
}

void setup()
{
	SerialUSB.begin(115200);  /* native USB: the rate is ignored */
	Serial.begin(115200);     /* programming port, through the 16U2 */
	/* A page that cannot be read, or a torn lock, leaves the store
	 * refusing every change (PONG says store-fault); keep signing with
	 * the keys that could be read. */
	hsm_keystore_load(&keystore, &flash);
	hsm_keystore_set_clock(&keystore, tick, NULL);
	hsm_protocol_init(&usb_requests, &keystore, reply, static_cast<Stream *>(&SerialUSB));
	hsm_protocol_init(&uart_requests, &keystore, reply, static_cast<Stream *>(&Serial));
}

void loop()
{
	serve(SerialUSB, &usb_requests);
	serve(Serial, &uart_requests);
}
