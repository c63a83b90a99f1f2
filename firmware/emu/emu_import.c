/* Reads the INI-style shared-credentials file the AWS CLI uses:
 *   [profile]
 *   aws_access_key_id = AKIA...
 *   aws_secret_access_key = ...
 * Lines starting with '#' or ';' are comments. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "emu_import.h"
#include "hsm_util.h"

typedef struct profile {
	char name[128];
	char id[HSM_ID_MAX + 1];
	char secret[HSM_SECRET_MAX + 1];
	int has_id, has_secret;
} profile;

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* Copies value into dst[size]; -1 if it does not fit. */
static int set(char *dst, size_t size, const char *value, int *flag)
{
	size_t n = strlen(value);

	if (n >= size)
		return -1;
	memcpy(dst, value, n + 1);
	*flag = 1;
	return 0;
}

static int store(hsm_keystore *ks, const char *path, const profile *p, int verbose)
{
	static const char *const why[] = {
		[HSM_KS_INVALID_ID] = "is not a valid access key id",
		[HSM_KS_INVALID_SECRET] = "has an empty or too long secret",
		[HSM_KS_LOCKED] = "cannot be stored: the key store is locked",
		[HSM_KS_FULL] = "cannot be stored: the key store is full",
		[HSM_KS_STORAGE] = "cannot be stored: storage failure",
	};
	hsm_ks_status st;

	if (!p->has_id && !p->has_secret)
		return 0;
	if (!p->has_id || !p->has_secret) {
		fprintf(stderr, "awsv2-due-emu: %s: profile [%s] lacks %s\n", path, p->name,
			p->has_id ? "aws_secret_access_key" : "aws_access_key_id");
		return -1;
	}
	st = hsm_keystore_put(ks, p->id, strlen(p->id), (const uint8_t *)p->secret,
			      strlen(p->secret));
	if (st == HSM_KS_OK || st == HSM_KS_EXISTS) {
		if (verbose)
			fprintf(stderr, "awsv2-due-emu: %s %s from profile [%s]\n",
				st == HSM_KS_OK ? "imported" : "kept stored", p->id, p->name);
		return 0;
	}
	fprintf(stderr, "awsv2-due-emu: %s: profile [%s]: key %s %s\n", path, p->name,
		awsv2__key_id_valid(p->id, strlen(p->id)) ? p->id : "(malformed id)", why[st]);
	return -1;
}

/* Handles one line; -1 on an error (already explained). */
static int line(hsm_keystore *ks, const char *path, profile *p, char *l, int verbose)
{
	char *s = trim(l), *eq;

	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		char *close = strchr(s, ']');
		if (!close) {
			fprintf(stderr, "awsv2-due-emu: %s: bad section line\n", path);
			return -1;
		}
		if (store(ks, path, p, verbose) != 0)
			return -1;
		hsm_wipe(p, sizeof *p);
		*close = '\0';
		snprintf(p->name, sizeof p->name, "%s", trim(s + 1));
		return 0;
	}
	if (!(eq = strchr(s, '=')))
		return 0;
	*eq = '\0';
	s = trim(s);
	if (strcmp(s, "aws_access_key_id") == 0
	    && set(p->id, sizeof p->id, trim(eq + 1), &p->has_id) != 0) {
		fprintf(stderr, "awsv2-due-emu: %s: profile [%s]: access key id too long\n", path, p->name);
		return -1;
	}
	if (strcmp(s, "aws_secret_access_key") == 0
	    && set(p->secret, sizeof p->secret, trim(eq + 1), &p->has_secret) != 0) {
		fprintf(stderr, "awsv2-due-emu: %s: profile [%s]: secret too long\n", path, p->name);
		return -1;
	}
	return 0;
}

int emu_import_credentials(hsm_keystore *ks, const char *path, int verbose)
{
	FILE *f = fopen(path, "re");
	char iobuf[4096];  /* ours, so the secrets stdio buffers can be wiped */
	char buf[4096];    /* a line; fixed, as getline's realloc would free secrets unwiped */
	profile p;
	int rc = 0;

	if (!f) {
		fprintf(stderr, "awsv2-due-emu: %s: %s\n", path, strerror(errno));
		return -1;
	}
	setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
	memset(&p, 0, sizeof p);
	while (rc == 0 && fgets(buf, sizeof buf, f)) {
		if (!strchr(buf, '\n') && !feof(f)) {
			fprintf(stderr, "awsv2-due-emu: %s: a line longer than %zu bytes\n", path,
				sizeof buf - 2);
			rc = -1;
		} else {
			rc = line(ks, path, &p, buf, verbose);
		}
	}
	if (rc == 0 && ferror(f)) {
		fprintf(stderr, "awsv2-due-emu: %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	if (rc == 0)
		rc = store(ks, path, &p, verbose);
	hsm_wipe(&p, sizeof p);
	hsm_wipe(buf, sizeof buf);
	fclose(f);
	hsm_wipe(iobuf, sizeof iobuf);
	return rc;
}
