/* awsv2-due-emu's command line (docs/programs.md). */
#ifndef EMU_OPTIONS_H
#define EMU_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

typedef enum emu_link_kind {
	EMU_LINK_NONE, EMU_LINK_UART, EMU_LINK_USB, EMU_LINK_USB_IDEAL, EMU_LINK_PROG
} emu_link_kind;

/* A list of request numbers, with a value each (--stall's milliseconds). */
typedef struct emu_faults {
	unsigned long *req;
	unsigned long *value;
	size_t n;
} emu_faults;

typedef struct emu_options {
	const char *keystore;
	const char *import;
	const char *symlink;
	emu_link_kind link;
	unsigned long baud;
	unsigned long sign_us;
	emu_faults drop, garble, stall, close_after;
	int verbose;
	int no_delta;
} emu_options;

/* Parses argv. Returns -1 to run, or the exit status to leave with at
 * once: 0 after --help / --version (printed to stdout), 2 on a usage error
 * (explained on stderr). */
int emu_options_parse(emu_options *o, int argc, char **argv);
void emu_options_free(emu_options *o);

/* 1 if request number req is listed in f; *value (if not NULL) gets the
 * sum of its values (two --stall 3:100 wait 200 ms). */
int emu_faults_has(const emu_faults *f, unsigned long req, unsigned long *value);

#endif
