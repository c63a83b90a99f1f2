/* The devices behind awsv2-hsmd (docs/daemon-api.md, "Several devices"):
 * one signer per SPEC of the command line, each with its own queue
 * (queue.h). A signing job goes to a device that holds its key id, the
 * least busy one; when that device fails under it (vanished, timed out,
 * garbled), the job is re-sent to another holder and the device is marked
 * down. A control thread answers what concerns every device (/healthz,
 * /keys, the admin routes) and probes the devices that are down until they
 * answer again, reads their key lists and lets them rejoin. Thread-safe:
 * any thread may submit. */
#ifndef HSMD_POOL_H
#define HSMD_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "awsv2/signer.h"
#include "queue.h"

/* Devices in one pool: job->tried is a bit mask. */
#define HSMD_POOL_MAX 32

typedef struct hsmd_pool hsmd_pool;

struct hsmd_pool_config {
    const char *const *specs; /* n signer specs, borrowed: they outlive the pool */
    size_t n;
    /* Opens one (the pool owns what it opens); called again for a device
     * that could not be opened at start, until it can. */
    awsv2_status (*open)(const char *spec, awsv2_signer **out, awsv2_error *err);
    size_t capacity; /* jobs that may wait for each device (--queue) */
    /* Two devices may hold one key id with different policies
     * (--allow-policy-mismatch); else the pool refuses to start, and a
     * device that comes back with a different policy stays out. */
    bool allow_policy_mismatch;
    double probe_interval; /* seconds between probes of a device that is down */
};

/* Opens every device, reads its key list and checks the policies of the
 * key ids that several hold (with one device: nothing, it takes every
 * request), then starts the queues and the control thread. With several
 * devices, one that cannot be opened or read (a device-level failure) is
 * down from the start and joins when it answers; a spec that cannot be
 * parsed, a policy mismatch (AWSV2_E_CONFIG) or no device usable at all
 * fails, with a message naming the devices. */
awsv2_status hsmd_pool_new(hsmd_pool **out, const struct hsmd_pool_config *cfg,
                           awsv2_error *err);

/* Takes job (queue.h says what each kind needs; HSMD_JOB_SIGN also
 * job->key_id, the string's AWSAccessKeyId, borrowed: it routes by it;
 * HSMD_JOB_AUDIT job->device). job->done is called exactly once: on a
 * worker thread, or before this returns when no device can take the job
 * (status AWSV2_E_REFUSED "unknown-awsaccesskey" when no device holds the
 * key, AWSV2_E_DEVICE when every holder is down and failed). Returns false
 * (done never called) when the chosen device's queue is full or the pool
 * is closing: the caller answers queue-full. The job's result comes from
 * exactly one device, job->device after done. */
bool hsmd_pool_submit(hsmd_pool *pool, struct hsmd_job *job);

size_t hsmd_pool_size(const hsmd_pool *pool);

/* The signer's description with one device, else "pool of N devices".
 * Borrowed for the pool's lifetime. */
const char *hsmd_pool_describe(const hsmd_pool *pool);

/* One device as the pool sees it now. */
struct hsmd_device_info {
    const char *signer; /* awsv2_signer_describe: no secret; the pool's */
    bool up;
    char code[AWSV2_ERROR_CODE_MAX]; /* why it is down ("" while up) */
};
void hsmd_pool_device(hsmd_pool *pool, size_t i, struct hsmd_device_info *out);

/* Whether device i is up and lists key_id (len bytes) in its key list. */
bool hsmd_pool_holds(hsmd_pool *pool, size_t i, const char *key_id, size_t len);

/* Jobs waiting in the device queues, and what they may hold in all. */
size_t hsmd_pool_depth(hsmd_pool *pool);
size_t hsmd_pool_capacity(const hsmd_pool *pool);

/* The per-device series of GET /metrics, in the Prometheus text format. */
void hsmd_pool_metrics(hsmd_pool *pool, FILE *f);

/* Refuses new jobs, cancels the waiting ones (done called for each, with
 * job->cancelled), lets the devices finish what they have and stops the
 * threads. Idempotent. */
void hsmd_pool_close(hsmd_pool *pool);

/* Closes (if not yet), closes the signers and frees. NULL is fine. */
void hsmd_pool_free(hsmd_pool *pool);

#endif
