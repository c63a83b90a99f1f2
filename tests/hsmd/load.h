/* The clients of the load tests (tests/hsmd/test_load, tests/pool/
 * test_fault): threads signing distinct strings through one signer, every
 * signature checked against OpenSSL (world_expected_hex); and the checked
 * signature the tests of the http: backend make one at a time. */
#ifndef HSMD_TEST_LOAD_H
#define HSMD_TEST_LOAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "awsv2/signer.h"

struct load_client;

/* Set signer, clients and per_client (the rest zero), then load_start.
 * Client id signs world_sts(KEY_ID, id * per_client + i) for i below
 * per_client, with HmacSHA1 for odd i and HmacSHA256 for even. */
struct load {
    awsv2_signer *signer;
    size_t clients;
    unsigned per_client;
    atomic_int done;       /* requests made so far */
    atomic_int failures;   /* the signer's errors (the first 5 go to stderr) */
    atomic_int mismatches; /* signatures unlike OpenSSL's */
    pthread_t *threads;
    struct load_client *args;
};

/* Starts the clients. 0, or -1 when not all of them could be started (those
 * that were are joined first). */
int load_start(struct load *l);

/* Waits for the clients to finish and frees what load_start made. */
void load_join(struct load *l);

/* Signs world_sts(key_id, n) with HmacSHA1 (sha1) or HmacSHA256 through
 * signer; the hex MAC goes to got[65], OpenSSL's with AWS's example secret
 * to want[65] (both "" on failure). The signer's status. */
awsv2_status load_sign_hex(awsv2_signer *signer, const char *key_id, unsigned n, int sha1,
                           char *got, char *want, awsv2_error *err);

/* Signs world_sts(key_id, n) with HmacSHA256 through signer, err cleared
 * first; a success must be OpenSSL's MAC with AWS's example secret, or
 * the test fails. The signer's status. */
awsv2_status load_sign_checked(awsv2_signer *signer, const char *key_id, unsigned n,
                               awsv2_error *err);

/* Seconds on the monotonic clock. */
double load_now(void);

#endif
