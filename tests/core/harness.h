/* What the core library's Check suites share: running a suite, temporary
 * files, a clean AWS environment, and an independent HMAC to compare with. */
#ifndef AWSV2_TESTS_CORE_TEST_H
#define AWSV2_TESTS_CORE_TEST_H

#include <stddef.h>
#include <stdint.h>

#include <check.h>

#include "awsv2/credentials.h"
#include "awsv2/request.h"
#include "awsv2/signer.h"
#include "awsv2/status.h"

/* AWS's documented example key pair. */
#define TEST_KEY_ID "AKIAIOSFODNN7EXAMPLE"
#define TEST_SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

/* Runs every test of s and returns the process exit status (0: all passed). */
int core_run(Suite *s);

/* $top_srcdir/rel (make check exports top_srcdir; "." otherwise), malloc'd. */
char *core_srcdir_path(const char *rel);

/* A scratch directory for the tests of tc, with HOME pointing at it and
 * every AWS_* / AWSV2_* variable the library reads unset, so that nothing
 * of the machine's own configuration leaks in. The directory is made and
 * removed around the test case in the parent process (so it goes even when
 * a test fails); before every test it is emptied and the environment reset
 * (Check forks every test, so the environment is the test's own). */
void core_env_fixtures(TCase *tc);
/* The empty-and-reset step alone, for a checked fixture of one's own
 * (registered after core_env_fixtures, it runs after it). */
void core_env_reset(void);
/* The scratch directory. */
const char *core_env_dir(void);

/* Writes text to core_env_dir()/name (making a ".aws" parent if the name has
 * one) and returns the full path (static storage, overwritten by the next
 * call). */
const char *core_write(const char *name, const char *text);

/* HMAC of msg with key by OpenSSL's one-shot HMAC(), independent of the
 * library's keyed-context code; returns the MAC length. */
size_t core_hmac(awsv2_hash hash, const char *key, const char *msg, size_t len,
                 uint8_t mac[AWSV2_MAC_MAX]);

/* Whether creds sign like `secret` would: opens an openssl signer from creds
 * and compares one MAC with core_hmac. The secret itself is not readable. */
int core_creds_have_secret(const awsv2_credentials *creds, const char *secret);

#endif
