/* Command-line parsing for awsv2-due-emu. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "emu_options.h"
#include "hsm_protocol.h"

static const char usage_text[] =
	"usage: awsv2-due-emu [OPTION]...\n"
	"Runs the Arduino Due HSM firmware core on a new pty and prints the pty's\n"
	"path as the first line on stdout. Serves until SIGINT or SIGTERM.\n"
	"\n"
	"  --keystore FILE            keep keys in FILE (created 0600); default: memory\n"
	"  --import-credentials FILE  store every profile's key pair of a shared-\n"
	"                             credentials FILE at start (stored ids are kept)\n"
	"  --symlink PATH             also make PATH a symlink to the pty\n"
	"  --link MODEL               model the serial link: none (default), usb\n"
	"                             (native port, calibrated), usb-ideal (1 MB/s),\n"
	"                             prog (programming port) or uart:BAUD\n"
	"  --no-delta                 refuse compact frames, as older firmware\n"
	"  --sign-us N                every SIGN-AWS-V2, -V4 or DERIVE-AWS-V4 takes\n"
	"                             at least N us\n"
	"  --drop-reply N             execute request N but send no reply\n"
	"  --garble-reply N           replace request N's reply by garbage\n"
	"  --stall N:MS               wait MS ms before answering request N\n"
	"  --close-after N            close the pty and exit after request N\n"
	"  --verbose                  log requests and faults on stderr\n"
	"  --help, --version\n"
	"Requests are numbered 1, 2, 3... in arrival order; fault options may be\n"
	"repeated.\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "awsv2-due-emu: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nusage: awsv2-due-emu [OPTION]...\n");
	return 2;
}

/* Parses a whole decimal number in [min, max]; end, if not NULL, may stop
 * at the first character that is not a digit. */
static int number(const char *s, unsigned long min, unsigned long max, unsigned long *out,
		  const char **end)
{
	char *e;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &e, 10);
	if (errno || v < min || v > max || (!end && *e))
		return -1;
	if (end)
		*end = e;
	*out = v;
	return 0;
}

static int add_fault(emu_faults *f, unsigned long req, unsigned long value)
{
	unsigned long *r = realloc(f->req, (f->n + 1) * sizeof *r);
	unsigned long *v;

	if (!r)
		return -1;
	f->req = r;
	v = realloc(f->value, (f->n + 1) * sizeof *v);
	if (!v)
		return -1;
	f->value = v;
	f->req[f->n] = req;
	f->value[f->n++] = value;
	return 0;
}

static int parse_link(emu_options *o, const char *arg)
{
	if (strcmp(arg, "none") == 0) {
		o->link = EMU_LINK_NONE;
	} else if (strcmp(arg, "usb") == 0) {
		o->link = EMU_LINK_USB;
	} else if (strcmp(arg, "usb-ideal") == 0) {
		o->link = EMU_LINK_USB_IDEAL;
	} else if (strcmp(arg, "prog") == 0) {
		o->link = EMU_LINK_PROG;
	} else if (strncmp(arg, "uart:", 5) == 0
		   && number(arg + 5, 1, 100000000, &o->baud, NULL) == 0) {
		o->link = EMU_LINK_UART;
	} else {
		return usage_error("bad --link '%s' (none, usb, usb-ideal, prog or uart:BAUD)", arg);
	}
	return 0;
}

static int parse_fault(emu_faults *f, const char *name, const char *arg, int with_ms)
{
	unsigned long req, ms = 0;
	const char *end = NULL;

	if (number(arg, 1, ~0ul, &req, with_ms ? &end : NULL) != 0
	    || (with_ms && (*end != ':' || number(end + 1, 0, 3600000, &ms, NULL) != 0))) {
		fprintf(stderr, "awsv2-due-emu: bad %s '%s' (%s)\n", name, arg,
			with_ms ? "N:MS, N >= 1" : "a request number >= 1");
		return 2;
	}
	if (add_fault(f, req, ms) != 0) {
		fprintf(stderr, "awsv2-due-emu: out of memory\n");
		return 2;
	}
	return 0;
}

enum { OPT_KEYSTORE = 256, OPT_IMPORT, OPT_SYMLINK, OPT_LINK, OPT_SIGN_US, OPT_DROP,
       OPT_GARBLE, OPT_STALL, OPT_CLOSE, OPT_VERBOSE, OPT_NO_DELTA, OPT_HELP, OPT_VERSION };

static const struct option long_options[] = {
	{ "keystore", required_argument, NULL, OPT_KEYSTORE },
	{ "import-credentials", required_argument, NULL, OPT_IMPORT },
	{ "symlink", required_argument, NULL, OPT_SYMLINK },
	{ "link", required_argument, NULL, OPT_LINK },
	{ "sign-us", required_argument, NULL, OPT_SIGN_US },
	{ "drop-reply", required_argument, NULL, OPT_DROP },
	{ "garble-reply", required_argument, NULL, OPT_GARBLE },
	{ "stall", required_argument, NULL, OPT_STALL },
	{ "close-after", required_argument, NULL, OPT_CLOSE },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "no-delta", no_argument, NULL, OPT_NO_DELTA },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static int option(emu_options *o, int opt, const char *arg)
{
	switch (opt) {
	case OPT_KEYSTORE: o->keystore = arg; return 0;
	case OPT_IMPORT: o->import = arg; return 0;
	case OPT_SYMLINK: o->symlink = arg; return 0;
	case OPT_LINK: return parse_link(o, arg);
	case OPT_SIGN_US:
		if (number(arg, 0, 60000000, &o->sign_us, NULL) != 0)
			return usage_error("bad --sign-us '%s' (microseconds)", arg);
		return 0;
	case OPT_DROP: return parse_fault(&o->drop, "--drop-reply", arg, 0);
	case OPT_GARBLE: return parse_fault(&o->garble, "--garble-reply", arg, 0);
	case OPT_STALL: return parse_fault(&o->stall, "--stall", arg, 1);
	case OPT_CLOSE: return parse_fault(&o->close_after, "--close-after", arg, 0);
	case OPT_VERBOSE: o->verbose = 1; return 0;
	case OPT_NO_DELTA: o->no_delta = 1; return 0;
	default: return 2;  /* getopt_long has explained it */
	}
}

int emu_options_parse(emu_options *o, int argc, char **argv)
{
	int opt, rc;

	memset(o, 0, sizeof *o);
	opterr = 1;
	while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		if (opt == OPT_HELP) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (opt == OPT_VERSION) {
			printf("awsv2-due-emu (%s) %s, firmware %s\n", PACKAGE_NAME, PACKAGE_VERSION,
			       HSM_FIRMWARE_VERSION);
			return 0;
		}
		if ((rc = option(o, opt, optarg)) != 0) {
			if (opt == '?')
				fprintf(stderr, "usage: awsv2-due-emu [OPTION]...\n");
			return rc;
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	return -1;
}

void emu_options_free(emu_options *o)
{
	emu_faults *lists[] = { &o->drop, &o->garble, &o->stall, &o->close_after };

	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		free(lists[i]->req);
		free(lists[i]->value);
	}
}

int emu_faults_has(const emu_faults *f, unsigned long req, unsigned long *value)
{
	int found = 0;

	if (value)
		*value = 0;
	for (size_t i = 0; i < f->n; i++) {
		if (f->req[i] == req) {
			found = 1;
			if (value)
				*value += f->value[i];
		}
	}
	return found;
}
