/* The bounded queue between the HTTP side and the signer. A few worker
 * threads take whatever is waiting (up to a batch) and hand it to
 * awsv2_signer_sign_batch, so that a device signer gets several requests
 * in flight (pipelined) instead of one serial round trip per HTTP request.
 * Submitting never blocks: the job's done callback reports the result (on
 * a worker thread). Thread-safe. */
#ifndef HSMD_QUEUE_H
#define HSMD_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "awsv2/credentials.h"
#include "awsv2/signer.h"

enum hsmd_job_kind {
    HSMD_JOB_SIGN,    /* sign sts */
    HSMD_JOB_KEY_IDS, /* awsv2_signer_key_ids into ids: /keys */
    HSMD_JOB_PING,    /* awsv2_signer_ping: /healthz */
    HSMD_JOB_SIGN4,   /* awsv2_signer_sign4 of sign4: /sign/aws4 */
    HSMD_JOB_AUDIT,   /* awsv2_signer_audit_read from since, lines into ids: /audit */
    /* The admin listener's (docs/daemon-api.md): */
    HSMD_JOB_KEY_PUT,    /* awsv2_signer_key_put of key_id, secret */
    HSMD_JOB_KEY_DELETE, /* awsv2_signer_key_delete of key_id */
    HSMD_JOB_LOCK,       /* awsv2_signer_lock */
    HSMD_JOB_KEY_POLICY, /* awsv2_signer_key_policy of key_id into ids */
};

/* One request for the signer, owned by the submitter until done runs. */
struct hsmd_job {
    enum hsmd_job_kind kind;
    const char *sts; /* HSMD_JOB_SIGN: string to sign, already validated; borrowed */
    size_t len;
    awsv2_hash hash;
    /* HSMD_JOB_KEY_IDS: where the comma-separated ids go. HSMD_JOB_AUDIT:
     * where the device's audit reply lines go, each ended by "\n", from
     * record since on, until AUDIT-END or the buffer is full. */
    char *ids;
    size_t ids_cap;
    uint32_t since;
    awsv2_sign4_job sign4; /* HSMD_JOB_SIGN4: its strings borrowed; signature filled */
    /* HSMD_JOB_KEY_PUT, HSMD_JOB_KEY_DELETE: borrowed; the submitter wipes
     * the secret once done has run. */
    const char *key_id, *secret;
    awsv2_key_policy *policy; /* HSMD_JOB_KEY_PUT: NULL allows everything; borrowed */
    /* For the pool (pool.h): HSMD_JOB_AUDIT: the device to read, numbered
     * from 0 in command-line order; once done: the device that answered. */
    unsigned device;
    uint32_t targets; /* HSMD_JOB_KEY_PUT: the devices to store on, a bit each; 0: all */
    void (*done)(struct hsmd_job *job); /* called once, on a worker thread */
    /* Filled in by the queue before done: */
    uint8_t mac[AWSV2_MAC_MAX];
    size_t mac_len;
    awsv2_status status;
    bool cancelled; /* never given to the signer: the queue was closed first */
    char code[AWSV2_ERROR_CODE_MAX];       /* the signer's error code or "" */
    char message[AWSV2_ERROR_MESSAGE_MAX]; /* for the log; never a secret */
    struct hsmd_job *next;                 /* private to the queue */
    /* Private to the pool: */
    struct hsmd_pool *pool;
    void (*caller_done)(struct hsmd_job *job);
    uint32_t tried;                     /* devices it was given to, a bit each */
    char route_key[AWSV2_KEY_ID_SIZE];  /* the key id it is routed by */
};

typedef struct hsmd_queue hsmd_queue;

/* Starts the workers; at most capacity jobs wait at a time. The signer is
 * borrowed and must outlive the queue. */
awsv2_status hsmd_queue_new(hsmd_queue **out, awsv2_signer *signer, size_t capacity,
                            awsv2_error *err);

/* Queues job; false (and done is never called) when the queue is closed,
 * or full unless over_capacity (a job re-sent from another device: it was
 * admitted once already). */
bool hsmd_queue_submit(hsmd_queue *q, struct hsmd_job *job, bool over_capacity);

/* Jobs waiting for a worker now. */
size_t hsmd_queue_depth(hsmd_queue *q);

/* Refuses new jobs, reports the ones still waiting as cancelled (done is
 * called for each, here), lets the workers finish what they gave the
 * signer (bounded by the signer's own timeout) and joins them.
 * Idempotent. */
void hsmd_queue_close(hsmd_queue *q);

/* Closes (if not yet) and frees. NULL is fine. */
void hsmd_queue_free(hsmd_queue *q);

#endif
