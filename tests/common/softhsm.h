/* A SoftHSM2 token of its own for a test or benchmark: a temporary
 * directory with a softhsm2.conf whose token directory is inside it, and
 * a token initialised there with softhsm2-util. Not thread-safe (it sets
 * SOFTHSM2_CONF in the environment): make it before starting threads. */
#ifndef AWSV2_TESTS_SOFTHSM_H
#define AWSV2_TESTS_SOFTHSM_H

#include <stddef.h>

struct softhsm {
    char dir[512];      /* the temporary directory */
    char tokens[600];   /* its token directory (dir/tokens) */
    char module[512];   /* the path of libsofthsm2.so */
    char util[512];     /* the path of softhsm2-util */
};

/* Finds libsofthsm2.so ($SOFTHSM2_MODULE, else the places Debian, Fedora
 * and a source install put it) and softhsm2-util ($PATH). 0 when both are
 * found; else -1 with why[cap] saying what is missing and how to install
 * it. */
int softhsm_find(struct softhsm *t, char *why, size_t cap);

/* softhsm_find, then a fresh directory $TMPDIR/<prefix>.XXXXXX with its
 * configuration, SOFTHSM2_CONF pointing at it, and a token labelled label
 * with user PIN pin (and SO PIN "12345678"). 0 on success; else -1 with
 * why[cap] saying why (nothing is left behind). */
int softhsm_create(struct softhsm *t, const char *prefix, const char *label, const char *pin,
                   char *why, size_t cap);

/* The path of program name in $PATH, into out[cap]. 0 when found. */
int softhsm_find_program(const char *name, char *out, size_t cap);

/* Removes the directory and everything in it. */
void softhsm_remove(struct softhsm *t);

#endif
