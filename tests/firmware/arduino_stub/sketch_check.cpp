/* Runs firmware/hsm/hsm.ino against the Arduino stand-in: its glue must
 * serve both ports and keep keys in (fake) flash across a restart. */
#include <stdio.h>
#include <stdlib.h>

#include "Arduino.h"
extern "C" {
#include "hsm_keystore.h"
}

StubSerial SerialUSB, Serial;
Efc stub_efc1 = { 0, 0, EEFC_FSR_FRDY, 0 };
uint8_t stub_flash[IFLASH1_PAGE_SIZE * IFLASH1_NB_OF_PAGES];
uint32_t stub_millis;

static int failures;

static void expect(StubSerial &port, const std::string &request, const char *want)
{
	port.input += request;
	port.output.clear();
	for (int i = 0; i < 3; i++)
		loop();
	if (port.output != want) {
		fprintf(stderr, "FAIL: %s: got '%s', want '%s'\n", request.c_str(),
			port.output.c_str(), want);
		failures++;
	}
}

#define REQ(s) std::string(s, sizeof(s) - 1)
#define STS "GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Action=DescribeInstances" \
	"&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2011-10-03T15%3A19%3A30&Version=2011-10-01"

int main()
{
	memset(stub_flash, 0xFF, sizeof stub_flash);
	setup();
	expect(SerialUSB, REQ("PING 1\0"), "PONG 1 awsv2-hsm/0.1.0 delta\n");
	expect(Serial, REQ("PING 2\0"), "PONG 2 awsv2-hsm/0.1.0 delta\n");
	expect(Serial, REQ("PUT-KEY AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\0"), "OK\n");
	/* The last flash command: EWP (3), key 0x5A, on a page of the last nine. */
	if ((stub_efc1.EEFC_FCR & 0xFF) != 3 || stub_efc1.EEFC_FCR >> 24 != 0x5A
	    || ((stub_efc1.EEFC_FCR >> 8) & 0xFFFF) < IFLASH1_NB_OF_PAGES - HSM_KEYSTORE_PAGES) {
		fprintf(stderr, "FAIL: flash command 0x%08x\n", (unsigned)stub_efc1.EEFC_FCR);
		failures++;
	}
	setup();  /* a power cycle: RAM state is rebuilt from flash */
	expect(SerialUSB, REQ("KEYS\0"), "KEYS AKIAIOSFODNN7EXAMPLE\n");
	SerialUSB.byte_reads = SerialUSB.block_reads = 0;
	expect(SerialUSB, REQ("SIGN-AWS-V2 " STS "\0"),
	       "SUCCESS 32b4c4ac0e8001e790ef2615f59a299b41f18bdb89592b3c81c7bbb53cc3d622\n");
	/* drained in blocks of up to 64 bytes, never a byte at a time */
	if (SerialUSB.byte_reads != 0
	    || SerialUSB.block_reads != (sizeof("SIGN-AWS-V2 " STS) + 63) / 64) {
		fprintf(stderr, "FAIL: %lu read() and %lu readBytes() calls\n", SerialUSB.byte_reads,
			SerialUSB.block_reads);
		failures++;
	}
	/* a compact frame: the whole request, then one timestamp digit changed
	 * (each CRC is Python's zlib.crc32 of "D <tag> <base> " and the request) */
	expect(SerialUSB, REQ("D 1 - 1334362d 195+SIGN-AWS-V2 " STS "\0"),
	       "D 1 SUCCESS 32b4c4ac0e8001e790ef2615f59a299b41f18bdb89592b3c81c7bbb53cc3d622 1\n");
	expect(SerialUSB, REQ("D 2 1 d7cfda80 175=1-1+1\0"),
	       "D 2 SUCCESS a5a88dc9f5ce88faffb344941afa422905a156b59afaaabebf8c937018104c54 2\n");
	/* A request split across loop() calls and ports served independently. */
	SerialUSB.input += "PIN";
	Serial.output.clear();
	Serial.input += REQ("KEYS\0");
	loop();
	expect(SerialUSB, REQ("G 3\0"), "PONG 3 awsv2-hsm/0.1.0 delta\n");
	if (Serial.output != "KEYS AKIAIOSFODNN7EXAMPLE\n") {
		fprintf(stderr, "FAIL: programming port got '%s'\n", Serial.output.c_str());
		failures++;
	}
	stub_efc1.EEFC_FSR = EEFC_FSR_FRDY | EEFC_FSR_FLOCKE;  /* a locked region */
	expect(SerialUSB, REQ("DELETE-KEY AKIAIOSFODNN7EXAMPLE\0"), "ERROR storage-failure\n");
	stub_efc1.EEFC_FSR = EEFC_FSR_FRDY;
	expect(SerialUSB, REQ("PUT-KEY AKIA2 s\0"), "OK\n");
	expect(SerialUSB, REQ("DELETE-KEY AKIA2\0"), "OK\n");
	printf("%s\n", failures ? "sketch check failed" : "sketch check passed");
	return failures ? 1 : 0;
}
