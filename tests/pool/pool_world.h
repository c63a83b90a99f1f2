/* The processes of a pool test: up to POOL_DEVICES awsv2-due-emu, each on a
 * pty reached through a stable symlink and holding the keys of its own
 * credentials file, and one awsv2-hsmd owning them all. The HTTP helpers
 * and the OpenSSL oracle are tests/hsmd/world.h's. */
#ifndef POOL_TEST_WORLD_H
#define POOL_TEST_WORLD_H

#include <limits.h>
#include <stddef.h>

#include "../hsmd/world.h"

#define POOL_DEVICES 3

/* AWS's second example key pair. */
#define KEY_ID2 "AKIAI44QH8DHBEXAMPLE"
#define SECRET2 "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"

struct pool_world {
    struct world w; /* w.dir, w.hsmd, w.url, w.base */
    size_t n;
    struct child emu[POOL_DEVICES];
    char link[POOL_DEVICES][PATH_MAX + 16];  /* dir/dueN */
    char creds[POOL_DEVICES][PATH_MAX + 16]; /* dir/credentialsN */
    const char *spec_options; /* after each "due:<link>", e.g. "?timeout_ms=500"; NULL: none */
};

/* Which example keys a device starts with. */
enum pool_keys { POOL_KEY1 = 1, POOL_KEY2 = 2, POOL_BOTH = 3 };

/* Makes the directory and starts n emulators, device i holding keys[i]
 * (emu_args: extra options for each, NULL-terminated, or NULL). 0 on
 * success. */
int pool_start_emus(struct pool_world *p, size_t n, const enum pool_keys *keys,
                    const char *const *emu_args);

/* (Re)starts emulator i on its symlink, with its credentials. */
int pool_start_emu(struct pool_world *p, size_t i, const char *const *emu_args);

/* Starts the daemon with hsmd_args (NULL-terminated, or NULL) and
 * "due:<link i><spec_options>" for every device. 0 when it printed its
 * URL. */
int pool_start_hsmd(struct pool_world *p, const char *const *hsmd_args);

/* Runs the daemon as pool_start_hsmd would, to its end; its exit status,
 * its stderr in err[size]. */
int pool_run_hsmd(struct pool_world *p, const char *const *hsmd_args, char *err, size_t size);

/* A metric of GET /metrics with its labels, e.g.
 * "awsv2_hsmd_device_up{device=\"1\"}"; -1 when absent. */
long pool_metric(const struct pool_world *p, const char *series);

/* Stops everything, as world_stop; 0 when each exited 0. */
int pool_stop(struct pool_world *p);

#endif
