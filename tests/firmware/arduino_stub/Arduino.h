/* A minimal stand-in for the Arduino SAM core, just enough of its API
 * (Stream, SerialUSB, Serial, the EFC registers and flash constants) to
 * compile firmware/hsm/hsm.ino on the host and run it against fake ports
 * and a fake flash bank. Not the real thing: names and types follow the
 * arduino:sam core and its CMSIS headers. */
#ifndef ARDUINO_STUB_H
#define ARDUINO_STUB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <string>

class Print {
public:
	virtual ~Print() {}
	virtual size_t write(uint8_t b) = 0;
	virtual size_t write(const uint8_t *buf, size_t n)
	{
		size_t done = 0;
		while (n--)
			done += write(*buf++);
		return done;
	}
};

/* As the core's Stream: readBytes reads up to length bytes, waiting up to
 * its timeout (1 s by default) for each; it returns how many it read. */
class Stream : public Print {
public:
	virtual int available() = 0;
	virtual int read() = 0;
	virtual size_t readBytes(char *buffer, size_t length)
	{
		size_t n = 0;
		int c;
		while (n < length && (c = read()) >= 0)
			buffer[n++] = (char)c;
		return n;
	}
	size_t readBytes(uint8_t *buffer, size_t length)
	{
		return readBytes((char *)buffer, length);
	}
};

/* A port whose input the test fills and whose output it inspects; it
 * counts the calls that read its input. */
class StubSerial : public Stream {
public:
	std::string input, output;
	unsigned long byte_reads = 0, block_reads = 0;
	void begin(unsigned long baud) { (void)baud; }
	int available() { return (int)input.size(); }
	int read()
	{
		byte_reads++;
		if (input.empty())
			return -1;
		int b = (uint8_t)input[0];
		input.erase(0, 1);
		return b;
	}
	size_t readBytes(char *buffer, size_t length)
	{
		size_t n = length < input.size() ? length : input.size();
		block_reads++;
		memcpy(buffer, input.data(), n);
		input.erase(0, n);
		return n;
	}
	using Stream::readBytes;
	size_t write(uint8_t b) { output += (char)b; return 1; }
	using Print::write;
};

extern StubSerial SerialUSB, Serial;

/* The SAM core's millisecond tick; the test sets it. */
extern uint32_t stub_millis;
static inline uint32_t millis(void)
{
	return stub_millis;
}

/* The Enhanced Embedded Flash Controller, as CMSIS's component_efc.h. */
typedef struct {
	volatile uint32_t EEFC_FMR, EEFC_FCR, EEFC_FSR, EEFC_FRR;
} Efc;
extern Efc stub_efc1;
#define EFC1 (&stub_efc1)
#define EEFC_FCR_FCMD(value) ((0xFFu << 0) & ((uint32_t)(value) << 0))
#define EEFC_FCR_FARG(value) ((0xFFFFu << 8) & ((uint32_t)(value) << 8))
#define EEFC_FCR_FKEY(value) ((0xFFu << 24) & ((uint32_t)(value) << 24))
#define EEFC_FSR_FRDY (0x1u << 0)
#define EEFC_FSR_FCMDE (0x1u << 1)
#define EEFC_FSR_FLOCKE (0x1u << 2)

/* A small fake flash bank 1 (the real one: 1024 pages at 0xC0000). */
#define IFLASH1_PAGE_SIZE 256
#define IFLASH1_NB_OF_PAGES 32
extern uint8_t stub_flash[IFLASH1_PAGE_SIZE * IFLASH1_NB_OF_PAGES];
#define IFLASH1_ADDR ((uintptr_t)stub_flash)

void setup();
void loop();

#endif
