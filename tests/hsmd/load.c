#include "load.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "world.h"

struct load_client {
    struct load *load;
    unsigned id;
};

awsv2_status load_sign_hex(awsv2_signer *signer, const char *key_id, unsigned n, int sha1,
                           char *got, char *want, awsv2_error *err)
{
    char sts[1024];
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len = 0, len = world_sts(sts, sizeof sts, key_id,
                                        sha1 ? "HmacSHA1" : "HmacSHA256", n);

    got[0] = want[0] = '\0';
    awsv2_status st = awsv2_signer_sign(signer, sha1 ? AWSV2_HMAC_SHA1 : AWSV2_HMAC_SHA256, sts,
                                        len, mac, &mac_len, err);
    if (st != AWSV2_OK)
        return st;
    world_expected_hex(sts, len, sha1, want);
    for (size_t j = 0; j < mac_len; j++)
        sprintf(got + 2 * j, "%02x", mac[j]);
    got[2 * mac_len] = '\0';
    return st;
}

awsv2_status load_sign_checked(awsv2_signer *signer, const char *key_id, unsigned n,
                               awsv2_error *err)
{
    char want[65], got[65];

    awsv2_error_clear(err);
    awsv2_status st = load_sign_hex(signer, key_id, n, 0, got, want, err);
    if (st == AWSV2_OK) {
        ck_assert_uint_eq(strlen(got), 64); /* 32 bytes */
        ck_assert_str_eq(got, want);
    }
    return st;
}

static void *client(void *arg)
{
    struct load_client *c = arg;
    struct load *l = c->load;
    char want[65], got[65];
    awsv2_error err = AWSV2_ERROR_INIT;

    for (unsigned i = 0; i < l->per_client; i++) {
        awsv2_status st = load_sign_hex(l->signer, KEY_ID, c->id * l->per_client + i, i & 1,
                                        got, want, &err);
        atomic_fetch_add(&l->done, 1);
        if (st != AWSV2_OK) {
            if (atomic_fetch_add(&l->failures, 1) < 5)
                fprintf(stderr, "client error: %s\n", err.message);
            continue;
        }
        if (strcmp(got, want) != 0)
            atomic_fetch_add(&l->mismatches, 1);
    }
    return NULL;
}

int load_start(struct load *l)
{
    size_t started = 0;

    l->threads = calloc(l->clients, sizeof *l->threads);
    l->args = calloc(l->clients, sizeof *l->args);
    if (!l->threads || !l->args) {
        load_join(l);
        return -1;
    }
    for (; started < l->clients; started++) {
        l->args[started] = (struct load_client){l, (unsigned)started};
        if (pthread_create(&l->threads[started], NULL, client, &l->args[started]) != 0)
            break;
    }
    if (started == l->clients)
        return 0;
    l->clients = started;
    load_join(l);
    return -1;
}

void load_join(struct load *l)
{
    for (size_t i = 0; l->threads && i < l->clients; i++)
        pthread_join(l->threads[i], NULL);
    free(l->threads);
    free(l->args);
    l->threads = NULL;
    l->args = NULL;
}

double load_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}
