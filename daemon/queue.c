/* A FIFO list of jobs under one mutex. Workers take up to BATCH_MAX signing
 * jobs at once: under load the batch grows by itself (everything that
 * arrived while the previous batch was at the device), and with several
 * workers one batch is being sent while another's replies come back, so
 * the device never waits for the HTTP side. Any other job goes alone. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/status.h"
#include "queue.h"

/* Two workers: one batch can be sent while the replies to another are
 * still coming (over USB they come on 1 ms frames). More only cost
 * wake-ups. */
#define WORKERS 2
#define BATCH_MAX 32
#define OVERLAP_MIN 4

struct hsmd_queue {
    awsv2_signer *signer;
    size_t capacity;
    pthread_mutex_t lock;
    pthread_cond_t ready; /* a job was queued, or the queue is closing */
    struct hsmd_job *head, *tail;
    size_t depth;
    size_t idle;      /* workers waiting for ready */
    size_t busy;      /* workers signing a batch */
    bool woken;       /* one of them was signalled and has not taken yet */
    bool closing;
    pthread_t workers[WORKERS];
    size_t n_workers;
};

/* Takes a job of another kind, or up to BATCH_MAX signing jobs; returns 0
 * only when closing and empty. *busy says whether the calling worker holds
 * a batch: on entry from its previous take, on return from this one. */
static size_t take(hsmd_queue *q, struct hsmd_job **batch, bool *busy)
{
    size_t n = 0;

    pthread_mutex_lock(&q->lock);
    q->busy -= *busy;
    while (!q->head && !q->closing) {
        q->idle++;
        pthread_cond_wait(&q->ready, &q->lock);
        q->idle--;
    }
    q->woken = false;
    while (q->head && n < BATCH_MAX) {
        struct hsmd_job *job = q->head;
        if (n > 0 && job->kind != HSMD_JOB_SIGN)
            break;
        batch[n++] = job;
        q->head = job->next;
        q->depth--;
        if (job->kind != HSMD_JOB_SIGN)
            break; /* goes alone */
    }
    if (!q->head)
        q->tail = NULL;
    *busy = n > 0;
    q->busy += *busy;
    pthread_mutex_unlock(&q->lock);
    return n;
}

/* Records a failure st; err says why when it describes this job. */
static void fail_job(struct hsmd_job *job, awsv2_status st, const awsv2_error *err)
{
    bool described = err->status != AWSV2_OK;

    job->status = st;
    snprintf(job->code, sizeof job->code, "%s", described ? err->code : "");
    snprintf(job->message, sizeof job->message, "%s",
             described ? err->message : awsv2_strerror(st));
}

/* The batch call describes only its first failure; a later job that the
 * signer refused is signed again alone to learn its own error code (a
 * refusal is deterministic, and rare: the daemon checks requests first). */
static void explain(hsmd_queue *q, struct hsmd_job *job, awsv2_status st, bool first,
                    const awsv2_error *err)
{
    awsv2_error again = AWSV2_ERROR_INIT;

    if (first) {
        fail_job(job, st, err);
        return;
    }
    awsv2_error_clear(&again);
    if (st == AWSV2_E_REFUSED &&
        awsv2_signer_sign(q->signer, job->hash, job->sts, job->len, job->mac, &job->mac_len,
                          &again) == AWSV2_OK) {
        job->status = AWSV2_OK;
        return;
    }
    fail_job(job, again.status != AWSV2_OK ? again.status : st, &again);
}

static void sign(hsmd_queue *q, struct hsmd_job **batch, size_t n)
{
    awsv2_sign_job jobs[BATCH_MAX];
    awsv2_sign_job *ptrs[BATCH_MAX];
    awsv2_error err = AWSV2_ERROR_INIT;
    bool first = true;

    awsv2_error_clear(&err);
    memset(jobs, 0, n * sizeof jobs[0]);
    for (size_t i = 0; i < n; i++) {
        ptrs[i] = &jobs[i];
        jobs[i].size = sizeof jobs[i];
        jobs[i].string_to_sign = batch[i]->sts;
        jobs[i].len = batch[i]->len;
        jobs[i].hash = batch[i]->hash;
    }
    awsv2_signer_sign_batch(q->signer, ptrs, n, &err);
    for (size_t i = 0; i < n; i++) {
        struct hsmd_job *job = batch[i];
        job->code[0] = job->message[0] = '\0';
        job->status = jobs[i].status;
        if (jobs[i].status == AWSV2_OK) {
            memcpy(job->mac, jobs[i].mac, jobs[i].mac_len);
            job->mac_len = jobs[i].mac_len;
        } else {
            explain(q, job, jobs[i].status, first, &err);
            first = false;
        }
        job->done(job);
    }
}

/* The device's audit lines from job->since on into job->ids: a gap is
 * followed to the oldest record held, and reading stops at AUDIT-END or
 * when another line might not fit. */
static awsv2_status read_audit(awsv2_signer *signer, struct hsmd_job *job, awsv2_error *err)
{
    awsv2_audit_entry entry = AWSV2_AUDIT_ENTRY_INIT;
    uint32_t seq = job->since;
    size_t used = 0;

    job->ids[0] = '\0';
    while (job->ids_cap - used > sizeof entry.line) {
        awsv2_status st = awsv2_signer_audit_read(signer, seq, &entry, err);
        if (st)
            return st;
        size_t n = strlen(entry.line);
        memcpy(job->ids + used, entry.line, n);
        job->ids[used + n] = '\n';
        used += n + 1;
        job->ids[used] = '\0';
        if (entry.kind == AWSV2_AUDIT_END || (entry.kind == AWSV2_AUDIT_GAP && entry.seq <= seq))
            break; /* the end, or a gap that moves nowhere */
        seq = entry.kind == AWSV2_AUDIT_GAP ? entry.seq : seq + 1;
    }
    return AWSV2_OK;
}

/* A job other than a SigV2 signature: /sign/aws4 (the signer has no batch
 * call for it), /keys, /healthz, /audit or an admin route's. */
static void ask_signer(hsmd_queue *q, struct hsmd_job *job)
{
    awsv2_error err = AWSV2_ERROR_INIT;

    awsv2_error_clear(&err);
    job->code[0] = job->message[0] = '\0';
    switch (job->kind) {
    case HSMD_JOB_SIGN4:
        job->status = awsv2_signer_sign4(q->signer, &job->sign4, &err);
        break;
    case HSMD_JOB_PING:
        job->status = awsv2_signer_ping(q->signer, &err);
        break;
    case HSMD_JOB_AUDIT:
        job->status = read_audit(q->signer, job, &err);
        break;
    case HSMD_JOB_KEY_PUT:
        job->status =
            awsv2_signer_key_put(q->signer, job->key_id, job->secret, job->policy, &err);
        break;
    case HSMD_JOB_KEY_DELETE:
        job->status = awsv2_signer_key_delete(q->signer, job->key_id, &err);
        break;
    case HSMD_JOB_LOCK:
        job->status = awsv2_signer_lock(q->signer, &err);
        break;
    case HSMD_JOB_KEY_POLICY:
        job->status =
            awsv2_signer_key_policy(q->signer, job->key_id, job->ids, job->ids_cap, &err);
        break;
    default:
        job->status = awsv2_signer_key_ids(q->signer, job->ids, job->ids_cap, &err);
        break;
    }
    if (job->status != AWSV2_OK)
        fail_job(job, job->status, &err);
    job->done(job);
}

static void *worker(void *arg)
{
    hsmd_queue *q = arg;
    struct hsmd_job *batch[BATCH_MAX];
    size_t n;
    bool busy = false;

    while ((n = take(q, batch, &busy)) > 0) {
        if (batch[0]->kind != HSMD_JOB_SIGN)
            ask_signer(q, batch[0]);
        else
            sign(q, batch, n);
    }
    return NULL;
}

bool hsmd_queue_submit(hsmd_queue *q, struct hsmd_job *job, bool over_capacity)
{
    pthread_mutex_lock(&q->lock);
    if (q->closing || (q->depth >= q->capacity && !over_capacity)) {
        pthread_mutex_unlock(&q->lock);
        return false;
    }
    job->next = NULL;
    if (q->tail)
        q->tail->next = job;
    else
        q->head = job;
    q->tail = job;
    q->depth++;
    /* One wake-up per batch, not per job: jobs that come while a woken
     * worker is on its way join its batch. While a batch is at the device,
     * a second one is started only once OVERLAP_MIN jobs wait; fewer wait
     * for the busy worker, which takes them without sleeping when its
     * batch is done (wake-ups are what a request costs most here). */
    if (q->idle > 0 && !q->woken && (q->busy == 0 || q->depth >= OVERLAP_MIN)) {
        q->woken = true;
        pthread_cond_signal(&q->ready);
    }
    pthread_mutex_unlock(&q->lock);
    return true;
}

size_t hsmd_queue_depth(hsmd_queue *q)
{
    pthread_mutex_lock(&q->lock);
    size_t depth = q->depth;
    pthread_mutex_unlock(&q->lock);
    return depth;
}

awsv2_status hsmd_queue_new(hsmd_queue **out, awsv2_signer *signer, size_t capacity,
                            awsv2_error *err)
{
    hsmd_queue *q = calloc(1, sizeof *q);

    if (!q)
        return awsv2_error_set(err, AWSV2_E_NOMEM, NULL, "out of memory");
    q->signer = signer;
    q->capacity = capacity;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->ready, NULL);
    for (; q->n_workers < WORKERS; q->n_workers++)
        if (pthread_create(&q->workers[q->n_workers], NULL, worker, q) != 0) {
            hsmd_queue_free(q);
            return awsv2_error_set(err, AWSV2_E_NOMEM, NULL, "cannot start the signing threads");
        }
    *out = q;
    return AWSV2_OK;
}

void hsmd_queue_close(hsmd_queue *q)
{
    pthread_mutex_lock(&q->lock);
    struct hsmd_job *waiting = q->head;
    q->head = q->tail = NULL;
    q->depth = 0;
    q->closing = true;
    pthread_cond_broadcast(&q->ready);
    pthread_mutex_unlock(&q->lock);
    while (waiting) {
        struct hsmd_job *job = waiting;
        waiting = job->next; /* before done: it may free the job */
        job->status = AWSV2_E_UNAVAILABLE;
        job->cancelled = true;
        job->done(job);
    }
    for (size_t i = 0; i < q->n_workers; i++)
        pthread_join(q->workers[i], NULL);
    q->n_workers = 0;
}

void hsmd_queue_free(hsmd_queue *q)
{
    if (!q)
        return;
    hsmd_queue_close(q);
    pthread_cond_destroy(&q->ready);
    pthread_mutex_destroy(&q->lock);
    free(q);
}
