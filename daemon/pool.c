/* Routing and re-sending (docs/daemon-api.md, "Several devices").
 *
 * One mutex guards the devices' state (up, key lists, jobs outstanding,
 * counters); it is never held while a signer is called. Signing jobs and
 * audit reads go to a device's queue; a job that a device fails under
 * comes back to device_done on that queue's worker, which gives it to the
 * next holder. Everything that concerns several devices (/healthz, /keys,
 * the admin routes) and the probing of devices that are down run on the
 * control thread, which calls the signers directly: a signer is
 * thread-safe, so this does not wait behind the signatures.
 *
 * Why re-sending is safe: an HMAC is a function of the key and the
 * string, so whatever a failed device may have computed equals what the
 * next holder computes, and the client is answered once, with the result
 * of the one device that answered (job->device). */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "awsv2/status.h"
#include "pool.h"

struct device {
    const char *spec;
    awsv2_signer *signer; /* NULL until opened (then set once, under the lock) */
    hsmd_queue *queue;    /* likewise */
    const char *name;     /* awsv2_signer_describe; the spec until opened */
    bool up;
    bool keys_known; /* false: takes any key id (its own refusal is the answer) */
    char keys[AWSV2_KEY_IDS_SIZE];
    char code[AWSV2_ERROR_CODE_MAX]; /* why it is down */
    size_t outstanding;              /* jobs in its queue or at the device */
    unsigned long ok, failed, resent, downs, rejoins;
};

struct hsmd_pool {
    struct device dev[HSMD_POOL_MAX];
    size_t n;
    awsv2_status (*open)(const char *spec, awsv2_signer **out, awsv2_error *err);
    size_t capacity;
    bool allow_mismatch;
    double probe_interval;
    char describe[64];
    pthread_mutex_t lock;
    pthread_cond_t wake; /* a control job came, a device went down, or closing */
    size_t turn;         /* where the search starts: ties between devices go round */
    bool closing;
    struct hsmd_job *head, *tail; /* the control thread's jobs */
    size_t waiting;
    pthread_t control;
    bool control_running;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether the comma-separated list holds id (len bytes). */
static bool listed(const char *list, const char *id, size_t len)
{
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        if (n == len && memcmp(p, id, len) == 0)
            return true;
        p += n + (p[n] == ',');
    }
    return false;
}

static void unlist(char *list, const char *id)
{
    size_t len = strlen(id);
    for (char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        if (n == len && memcmp(p, id, len) == 0) {
            char *rest = p + n + (p[n] == ',');
            memmove(p, rest, strlen(rest) + 1);
            size_t all = strlen(list);
            if (all > 0 && list[all - 1] == ',')
                list[all - 1] = '\0';
            return;
        }
        p += n + (p[n] == ',');
    }
}

static bool holds(const struct device *d, const char *id)
{
    return !d->keys_known || listed(d->keys, id, strlen(id));
}

/* The failures that are the device's, not the request's: it vanished, did
 * not answer in time, or answered nonsense. The job goes to another
 * holder and the device is marked down. */
static bool device_level(awsv2_status st)
{
    return st == AWSV2_E_DEVICE || st == AWSV2_E_TIMEOUT || st == AWSV2_E_PROTOCOL;
}

static const char *down_code(awsv2_status st)
{
    switch (st) {
    case AWSV2_E_TIMEOUT:
        return "device-timeout";
    case AWSV2_E_PROTOCOL:
        return "device-protocol-error";
    default:
        return "device-unavailable";
    }
}

/* Called with the lock held. */
static void mark_down(hsmd_pool *p, size_t i, const char *code, const char *why)
{
    struct device *d = &p->dev[i];

    if (!d->up)
        return;
    d->up = false;
    d->downs++;
    snprintf(d->code, sizeof d->code, "%s", code);
    fprintf(stderr, "awsv2-hsmd: device %zu (%s) is down: %s\n", i, d->name, why);
    pthread_cond_broadcast(&p->wake); /* the control thread probes it */
}

/* The least busy device that is up, holds key and has not had the job;
 * -1 if none. Called with the lock held. */
static int pick(hsmd_pool *p, const char *key, uint32_t tried)
{
    int best = -1;

    for (size_t k = 0; k < p->n; k++) {
        size_t i = (p->turn + k) % p->n;
        const struct device *d = &p->dev[i];
        if (!d->up || (tried >> i & 1u) || !holds(d, key))
            continue;
        if (best < 0 || d->outstanding < p->dev[best].outstanding)
            best = (int)i;
    }
    if (best >= 0)
        p->turn = (size_t)best + 1;
    return best;
}

/* When every holder is down, a new request still goes to the first of
 * them: the backend reopens a device that has come back (a Due plugged in
 * again), so a request never waits for the next probe. -1: no device
 * holds key. */
static int last_resort(hsmd_pool *p, const char *key)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->dev[i].queue && holds(&p->dev[i], key))
            return (int)i;
    return -1;
}

static void finish(struct hsmd_job *job)
{
    job->done = job->caller_done;
    job->done(job);
}

static void set_failure(struct hsmd_job *job, awsv2_status st, const awsv2_error *err)
{
    bool described = err->status != AWSV2_OK;

    job->status = st;
    snprintf(job->code, sizeof job->code, "%s", described ? err->code : "");
    snprintf(job->message, sizeof job->message, "%s",
             described ? err->message : awsv2_strerror(st));
}

static void device_done(struct hsmd_job *job);

/* Gives job to device i's queue. Called with the lock held; returns with
 * it released. */
static bool give(hsmd_pool *p, struct hsmd_job *job, size_t i, bool resent)
{
    struct device *d = &p->dev[i];
    hsmd_queue *q = d->queue;

    d->outstanding++;
    job->tried |= 1u << i;
    job->device = (unsigned)i;
    job->done = device_done;
    pthread_mutex_unlock(&p->lock);
    if (hsmd_queue_submit(q, job, resent))
        return true;
    pthread_mutex_lock(&p->lock);
    d->outstanding--;
    pthread_mutex_unlock(&p->lock);
    job->tried &= ~(1u << i); /* it never reached the device */
    job->done = job->caller_done;
    return false;
}

/* On device job->device's worker, once it has answered (or failed). */
static void device_done(struct hsmd_job *job)
{
    hsmd_pool *p = job->pool;
    size_t i = job->device;
    struct device *d = &p->dev[i];
    bool signing = job->kind == HSMD_JOB_SIGN || job->kind == HSMD_JOB_SIGN4;
    bool lost = !job->cancelled && device_level(job->status);
    /* its key list was stale (or unknown): the key is another device's */
    bool elsewhere = !job->cancelled && signing && job->status == AWSV2_E_REFUSED &&
                     strcmp(job->code, "unknown-awsaccesskey") == 0;

    pthread_mutex_lock(&p->lock);
    d->outstanding--;
    if (job->status == AWSV2_OK)
        d->ok++;
    else
        d->failed++;
    if (lost)
        mark_down(p, i, down_code(job->status), job->message);
    if (elsewhere && d->keys_known)
        unlist(d->keys, job->route_key);
    if (signing && (lost || elsewhere) && !p->closing) {
        int next = pick(p, job->route_key, job->tried);
        if (next >= 0) {
            d->resent++;
            if (give(p, job, (size_t)next, true))
                return;
            job->cancelled = true; /* the pool closed meanwhile */
            job->status = AWSV2_E_UNAVAILABLE;
            finish(job);
            return;
        }
    }
    pthread_mutex_unlock(&p->lock);
    finish(job);
}

/* The key id job is routed by, into job->route_key. */
static bool route_key(struct hsmd_job *job)
{
    const char *id = job->kind == HSMD_JOB_SIGN4 ? job->sign4.key_id : job->key_id;
    awsv2_sts_info info = {.size = sizeof info};
    awsv2_error err = AWSV2_ERROR_INIT;

    if (!id && job->kind == HSMD_JOB_SIGN) {
        if (awsv2_string_to_sign_inspect(job->sts, job->len, &info, &err) != AWSV2_OK)
            return false;
        id = info.key_id;
    }
    if (!id || !*id || strlen(id) >= sizeof job->route_key)
        return false;
    strcpy(job->route_key, id);
    return true;
}

static bool route(hsmd_pool *p, struct hsmd_job *job)
{
    awsv2_error err = AWSV2_ERROR_INIT;

    if (!route_key(job)) {
        awsv2_error_set(&err, AWSV2_E_INVALID, "invalid-awsaccesskeyid", "no key id to route by");
        set_failure(job, AWSV2_E_INVALID, &err);
        finish(job);
        return true;
    }
    pthread_mutex_lock(&p->lock);
    if (p->closing) {
        pthread_mutex_unlock(&p->lock);
        return false;
    }
    int i = pick(p, job->route_key, 0);
    if (i < 0)
        i = last_resort(p, job->route_key);
    if (i < 0) {
        pthread_mutex_unlock(&p->lock);
        awsv2_error_set(&err, AWSV2_E_REFUSED, "unknown-awsaccesskey",
                        "no device holds this key id");
        set_failure(job, AWSV2_E_REFUSED, &err);
        finish(job);
        return true;
    }
    return give(p, job, (size_t)i, false);
}

static bool to_control(hsmd_pool *p, struct hsmd_job *job)
{
    pthread_mutex_lock(&p->lock);
    if (p->closing || p->waiting >= p->capacity) {
        pthread_mutex_unlock(&p->lock);
        return false;
    }
    job->next = NULL;
    if (p->tail)
        p->tail->next = job;
    else
        p->head = job;
    p->tail = job;
    p->waiting++;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    return true;
}

bool hsmd_pool_submit(hsmd_pool *p, struct hsmd_job *job)
{
    job->pool = p;
    job->caller_done = job->done;
    job->tried = 0;
    job->cancelled = false;
    job->code[0] = job->message[0] = '\0';
    switch (job->kind) {
    case HSMD_JOB_SIGN:
    case HSMD_JOB_SIGN4:
        return route(p, job);
    case HSMD_JOB_AUDIT: /* that device's log, or none */
        if (job->device >= p->n)
            return false;
        pthread_mutex_lock(&p->lock);
        if (p->closing) {
            pthread_mutex_unlock(&p->lock);
            return false;
        }
        if (!p->dev[job->device].queue) {
            pthread_mutex_unlock(&p->lock);
            awsv2_error err = AWSV2_ERROR_INIT;
            awsv2_error_set(&err, AWSV2_E_DEVICE, NULL, "the device was never opened");
            set_failure(job, AWSV2_E_DEVICE, &err);
            finish(job);
            return true;
        }
        return give(p, job, job->device, false);
    default:
        return to_control(p, job);
    }
}

/* ---- The control thread ------------------------------------------------ */

/* Notes a control call's failure on device i. */
static void note(hsmd_pool *p, size_t i, awsv2_status st, const awsv2_error *err)
{
    if (!device_level(st))
        return;
    pthread_mutex_lock(&p->lock);
    mark_down(p, i, down_code(st), err->message);
    pthread_mutex_unlock(&p->lock);
}

/* Device i's key list into keys (AWSV2_KEY_IDS_SIZE); *known false when
 * the signer cannot tell. */
static awsv2_status read_keys(struct device *d, char *keys, bool *known, awsv2_error *err)
{
    awsv2_status st = awsv2_signer_key_ids(d->signer, keys, AWSV2_KEY_IDS_SIZE, err);

    *known = st == AWSV2_OK;
    if (st == AWSV2_E_UNAVAILABLE) {
        keys[0] = '\0';
        awsv2_error_clear(err);
        return AWSV2_OK;
    }
    return st;
}

/* A key's policy on a device; a signer without policies allows
 * everything ("", as the empty policy). */
static awsv2_status policy_of(struct device *d, const char *key, char *out, awsv2_error *err)
{
    awsv2_status st = awsv2_signer_key_policy(d->signer, key, out, AWSV2_KEY_POLICY_SIZE, err);
    if (st == AWSV2_E_UNAVAILABLE) {
        out[0] = '\0';
        awsv2_error_clear(err);
        return AWSV2_OK;
    }
    return st;
}

/* Whether device i, holding keys, has a key another device that is up
 * holds with a different policy: AWSV2_E_CONFIG naming both, or the
 * failure that kept a policy from being read. Not with
 * --allow-policy-mismatch. */
static awsv2_status check_policies(hsmd_pool *p, size_t i, const char *keys, bool known,
                                   awsv2_error *err)
{
    char other[AWSV2_KEY_IDS_SIZE], mine[AWSV2_KEY_POLICY_SIZE], theirs[AWSV2_KEY_POLICY_SIZE];

    if (p->allow_mismatch || !known)
        return AWSV2_OK;
    for (size_t j = 0; j < p->n; j++) {
        if (j == i)
            continue;
        pthread_mutex_lock(&p->lock);
        bool usable = p->dev[j].up && p->dev[j].keys_known;
        snprintf(other, sizeof other, "%s", p->dev[j].keys);
        pthread_mutex_unlock(&p->lock);
        if (!usable)
            continue;
        for (const char *k = keys; *k;) {
            size_t n = strcspn(k, ",");
            char id[AWSV2_KEY_ID_SIZE];
            snprintf(id, sizeof id, "%.*s", (int)n, k);
            k += n + (k[n] == ',');
            if (!listed(other, id, strlen(id)))
                continue;
            awsv2_status st = policy_of(&p->dev[i], id, mine, err);
            if (st) {
                note(p, i, st, err);
                return st;
            }
            if ((st = policy_of(&p->dev[j], id, theirs, err))) {
                note(p, j, st, err);
                return st;
            }
            if (strcmp(mine, theirs) != 0)
                return awsv2_error_set(err, AWSV2_E_CONFIG, "policy-mismatch",
                                       "key %s has %s%s%s on device %zu (%s) but %s%s%s on "
                                       "device %zu (%s): store it alike on both (awsv2-keys), "
                                       "or start with --allow-policy-mismatch",
                                       id, *mine ? "the policy \"" : "no policy", mine,
                                       *mine ? "\"" : "", i, p->dev[i].name,
                                       *theirs ? "the policy \"" : "no policy", theirs,
                                       *theirs ? "\"" : "", j, p->dev[j].name);
        }
    }
    return AWSV2_OK;
}

/* Opens device i's signer and its queue (the control thread's, or at
 * start). */
static awsv2_status open_device(hsmd_pool *p, size_t i, awsv2_error *err)
{
    struct device *d = &p->dev[i];
    awsv2_signer *signer = NULL;
    hsmd_queue *queue = NULL;
    awsv2_status st = p->open(d->spec, &signer, err);

    if (!st && (st = hsmd_queue_new(&queue, signer, p->capacity, err)))
        awsv2_signer_close(signer);
    if (st)
        return st;
    pthread_mutex_lock(&p->lock);
    d->signer = signer;
    d->queue = queue;
    d->name = awsv2_signer_describe(signer);
    pthread_mutex_unlock(&p->lock);
    return AWSV2_OK;
}

/* Opens device i if it is not yet, pings it, which is down; when it
 * answers, reads its key list, checks its policies and lets it rejoin. */
static awsv2_status probe(hsmd_pool *p, size_t i, awsv2_error *err)
{
    struct device *d = &p->dev[i];
    char keys[AWSV2_KEY_IDS_SIZE];
    bool known = false;
    awsv2_status st = d->signer ? AWSV2_OK : open_device(p, i, err);

    if (!st)
        st = awsv2_signer_ping(d->signer, err);

    if (!st)
        st = read_keys(d, keys, &known, err);
    if (!st)
        st = check_policies(p, i, keys, known, err);
    pthread_mutex_lock(&p->lock);
    if (st == AWSV2_E_CONFIG && strcmp(d->code, "policy-mismatch") != 0) {
        snprintf(d->code, sizeof d->code, "policy-mismatch");
        fprintf(stderr, "awsv2-hsmd: device %zu (%s) answers again but stays out: %s\n", i,
                d->name, err->message);
    } else if (!st && !d->up) {
        d->up = true;
        d->keys_known = known;
        snprintf(d->keys, sizeof d->keys, "%s", keys);
        d->code[0] = '\0';
        d->rejoins++;
        fprintf(stderr, "awsv2-hsmd: device %zu (%s) is back, keys: %s\n", i, d->name,
                known ? (*keys ? keys : "none") : "any");
    }
    pthread_mutex_unlock(&p->lock);
    return st;
}

static bool is_up(hsmd_pool *p, size_t i)
{
    pthread_mutex_lock(&p->lock);
    bool up = p->dev[i].up;
    pthread_mutex_unlock(&p->lock);
    return up;
}

/* /healthz: pings every device that is up, probes the others. Healthy
 * when one answers; else the first device's failure. */
static awsv2_status health(hsmd_pool *p, awsv2_error *err)
{
    awsv2_error e = AWSV2_ERROR_INIT;
    awsv2_status first = AWSV2_OK;
    size_t healthy = 0;

    for (size_t i = 0; i < p->n; i++) {
        awsv2_error_clear(&e);
        awsv2_status st;
        if (is_up(p, i)) {
            st = awsv2_signer_ping(p->dev[i].signer, &e);
            note(p, i, st, &e);
        } else {
            st = probe(p, i, &e);
        }
        healthy += st == AWSV2_OK;
        if (st && !first) {
            first = st;
            *err = e;
        }
    }
    return healthy > 0 ? AWSV2_OK : first;
}

/* Appends the ids of list not yet in out (cap bytes). */
static void add_ids(char *out, size_t cap, const char *list)
{
    for (const char *k = list; *k;) {
        size_t n = strcspn(k, ",");
        size_t used = strlen(out);
        if (!listed(out, k, n) && used + n + 2 <= cap) {
            if (used > 0)
                out[used++] = ',';
            memcpy(out + used, k, n);
            out[used + n] = '\0';
        }
        k += n + (k[n] == ',');
    }
}

/* Reads the key lists of the devices that are up, and writes their union
 * to ids (cap bytes). AWSV2_OK when one device answered. */
static awsv2_status refresh_keys(hsmd_pool *p, char *ids, size_t cap, awsv2_error *err)
{
    awsv2_error e = AWSV2_ERROR_INIT;
    awsv2_status first = AWSV2_OK;
    size_t answered = 0;
    char keys[AWSV2_KEY_IDS_SIZE];

    if (ids && cap)
        ids[0] = '\0';
    for (size_t i = 0; i < p->n; i++) {
        bool known = false;
        if (!is_up(p, i))
            continue;
        awsv2_error_clear(&e);
        awsv2_status st = awsv2_signer_key_ids(p->dev[i].signer, keys, sizeof keys, &e);
        known = st == AWSV2_OK;
        note(p, i, st, &e);
        if (st && !first) {
            first = st;
            *err = e;
        }
        if (st == AWSV2_E_UNAVAILABLE || known) {
            pthread_mutex_lock(&p->lock);
            p->dev[i].keys_known = known;
            snprintf(p->dev[i].keys, sizeof p->dev[i].keys, "%s", known ? keys : "");
            pthread_mutex_unlock(&p->lock);
        }
        if (known) {
            answered++;
            if (ids)
                add_ids(ids, cap, keys);
        }
    }
    if (answered > 0)
        return AWSV2_OK;
    if (!first)
        return awsv2_error_set(err, AWSV2_E_DEVICE, NULL, "no device is up");
    return first;
}

/* Every target device up and answering a PING, else AWSV2_E_DEVICE naming
 * one that is not: the admin routes change all of them or none. */
static awsv2_status all_up(hsmd_pool *p, uint32_t targets, const char *what, awsv2_error *err)
{
    for (size_t i = 0; i < p->n; i++) {
        awsv2_error e = AWSV2_ERROR_INIT;
        if (!(targets >> i & 1u))
            continue;
        awsv2_status st = is_up(p, i) ? awsv2_signer_ping(p->dev[i].signer, &e) : AWSV2_E_DEVICE;
        note(p, i, st, &e);
        if (st)
            return awsv2_error_set(err, AWSV2_E_DEVICE, NULL,
                                   "device %zu (%s) is down: nothing %s", i, p->dev[i].name,
                                   what);
    }
    return AWSV2_OK;
}

static uint32_t every(const hsmd_pool *p)
{
    return p->n == 32 ? UINT32_MAX : (1u << p->n) - 1;
}

/* A key stored on some devices only must have the policy the devices
 * outside targets that are up hold it with, as at start: else which
 * device answers would decide what is signed. AWSV2_E_REFUSED
 * "policy-mismatch" naming one, or the failure that kept its policy from
 * being read. Not with --allow-policy-mismatch. */
static awsv2_status same_policy(hsmd_pool *p, const struct hsmd_job *job, uint32_t targets,
                                awsv2_error *err)
{
    const char *mine = job->policy ? awsv2_key_policy_text(job->policy) : "";
    char theirs[AWSV2_KEY_POLICY_SIZE];

    for (size_t j = 0; !p->allow_mismatch && j < p->n; j++) {
        if (targets >> j & 1u)
            continue;
        pthread_mutex_lock(&p->lock);
        bool holder = p->dev[j].up && p->dev[j].keys_known &&
                      listed(p->dev[j].keys, job->key_id, strlen(job->key_id));
        pthread_mutex_unlock(&p->lock);
        if (!holder)
            continue;
        awsv2_error e = AWSV2_ERROR_INIT;
        awsv2_status st = policy_of(&p->dev[j], job->key_id, theirs, &e);
        if (st == AWSV2_E_REFUSED && strcmp(e.code, "unknown-awsaccesskey") == 0)
            continue; /* its key list was stale */
        if (st) {
            note(p, j, st, &e);
            *err = e;
            return st;
        }
        if (strcmp(mine, theirs) != 0)
            return awsv2_error_set(err, AWSV2_E_REFUSED, "policy-mismatch",
                                   "key %s has %s%s%s on device %zu (%s): store it with that "
                                   "policy, on every device, or start with "
                                   "--allow-policy-mismatch",
                                   job->key_id, *theirs ? "the policy \"" : "no policy", theirs,
                                   *theirs ? "\"" : "", j, p->dev[j].name);
    }
    return AWSV2_OK;
}

/* POST /admin/keys: the key on every target device, or on none (those
 * that took it lose it again when a later one refuses). */
static awsv2_status key_put(hsmd_pool *p, struct hsmd_job *job, awsv2_error *err)
{
    uint32_t targets = job->targets ? job->targets : every(p), stored = 0;
    awsv2_error ignored = AWSV2_ERROR_INIT;
    awsv2_status st = all_up(p, targets, "stored", err);

    if (!st)
        st = same_policy(p, job, targets, err);

    for (size_t i = 0; !st && i < p->n; i++) {
        if (!(targets >> i & 1u))
            continue;
        st = awsv2_signer_key_put(p->dev[i].signer, job->key_id, job->secret, job->policy, err);
        if (st)
            note(p, i, st, err);
        else
            stored |= 1u << i;
    }
    for (size_t i = 0; st && i < p->n; i++) {
        awsv2_error e = AWSV2_ERROR_INIT;
        if ((stored >> i & 1u) &&
            awsv2_signer_key_delete(p->dev[i].signer, job->key_id, &e) != AWSV2_OK)
            fprintf(stderr, "awsv2-hsmd: device %zu (%s) keeps %s after a failed put: %s\n", i,
                    p->dev[i].name, job->key_id, e.message);
    }
    refresh_keys(p, NULL, 0, &ignored);
    return st;
}

/* DELETE /admin/keys/ID: from every device that holds it. Refused when a
 * device that may hold it is down: the key would come back with it. A
 * device lost between its PING and its turn keeps the key (the answer is
 * its error): delete again once it is back. */
static awsv2_status key_delete(hsmd_pool *p, const char *id, awsv2_error *err)
{
    size_t deleted = 0;
    awsv2_status st = AWSV2_OK;
    awsv2_error ignored = AWSV2_ERROR_INIT;

    uint32_t may_hold = 0;

    pthread_mutex_lock(&p->lock);
    for (size_t i = 0; i < p->n; i++)
        may_hold |= (uint32_t)holds(&p->dev[i], id) << i;
    pthread_mutex_unlock(&p->lock);
    if ((st = all_up(p, may_hold, "deleted", err)))
        return st;
    for (size_t i = 0; !st && i < p->n; i++) {
        pthread_mutex_lock(&p->lock);
        bool holder = p->dev[i].up && holds(&p->dev[i], id);
        pthread_mutex_unlock(&p->lock);
        if (!holder)
            continue;
        awsv2_error e = AWSV2_ERROR_INIT;
        st = awsv2_signer_key_delete(p->dev[i].signer, id, &e);
        if (st == AWSV2_E_REFUSED && strcmp(e.code, "unknown-awsaccesskey") == 0) {
            st = AWSV2_OK; /* not on this one */
            if (!deleted)
                *err = e;
            continue;
        }
        note(p, i, st, &e);
        if (st)
            *err = e;
        else
            deleted++;
    }
    refresh_keys(p, NULL, 0, &ignored);
    if (!st && !deleted)
        return err->status == AWSV2_E_REFUSED
                   ? AWSV2_E_REFUSED
                   : awsv2_error_set(err, AWSV2_E_REFUSED, "unknown-awsaccesskey",
                                     "no device holds %s", id);
    if (deleted)
        awsv2_error_clear(err);
    return st;
}

/* POST /admin/lock: every device, all up first. A lock cannot be undone:
 * after a failure the ones before it stay locked. */
static awsv2_status lock_all(hsmd_pool *p, awsv2_error *err)
{
    awsv2_status st = all_up(p, every(p), "locked", err);

    for (size_t i = 0; !st && i < p->n; i++)
        if ((st = awsv2_signer_lock(p->dev[i].signer, err)))
            note(p, i, st, err);
    return st;
}

/* GET /admin/keys/ID/policy: from the first holder that answers (the
 * policies agree unless --allow-policy-mismatch). */
static awsv2_status key_policy(hsmd_pool *p, struct hsmd_job *job, awsv2_error *err)
{
    bool down_holder = false;

    for (size_t i = 0; i < p->n; i++) {
        pthread_mutex_lock(&p->lock);
        bool holder = holds(&p->dev[i], job->key_id), up = p->dev[i].up;
        pthread_mutex_unlock(&p->lock);
        if (!holder)
            continue;
        if (!up) {
            down_holder = true;
            continue;
        }
        awsv2_error e = AWSV2_ERROR_INIT;
        awsv2_status st =
            awsv2_signer_key_policy(p->dev[i].signer, job->key_id, job->ids, job->ids_cap, &e);
        note(p, i, st, &e);
        down_holder |= device_level(st);
        if (device_level(st) ||
            (st == AWSV2_E_REFUSED && strcmp(e.code, "unknown-awsaccesskey") == 0))
            continue; /* another holder may answer */
        *err = e;
        return st;
    }
    if (down_holder)
        return awsv2_error_set(err, AWSV2_E_DEVICE, NULL, "every device holding %s is down",
                               job->key_id);
    return awsv2_error_set(err, AWSV2_E_REFUSED, "unknown-awsaccesskey", "no device holds %s",
                           job->key_id);
}

static void run(hsmd_pool *p, struct hsmd_job *job)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    awsv2_status st;

    awsv2_error_clear(&err);
    switch (job->kind) {
    case HSMD_JOB_PING:
        st = health(p, &err);
        break;
    case HSMD_JOB_KEY_IDS:
        st = refresh_keys(p, job->ids, job->ids_cap, &err);
        break;
    case HSMD_JOB_KEY_PUT:
        st = key_put(p, job, &err);
        break;
    case HSMD_JOB_KEY_DELETE:
        st = key_delete(p, job->key_id, &err);
        break;
    case HSMD_JOB_LOCK:
        st = lock_all(p, &err);
        break;
    case HSMD_JOB_KEY_POLICY:
        st = key_policy(p, job, &err);
        break;
    default:
        st = awsv2_error_set(&err, AWSV2_E_INVALID, NULL, "not a job for the pool");
        break;
    }
    job->status = st;
    if (st)
        set_failure(job, st, &err);
    finish(job);
}

static bool any_down(hsmd_pool *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (!p->dev[i].up)
            return true;
    return false;
}

static void *control(void *arg)
{
    hsmd_pool *p = arg;
    double next_probe = 0;

    pthread_mutex_lock(&p->lock);
    while (!p->closing) {
        struct hsmd_job *job = p->head;
        if (job) {
            p->head = job->next;
            if (!p->head)
                p->tail = NULL;
            p->waiting--;
            pthread_mutex_unlock(&p->lock);
            run(p, job);
            pthread_mutex_lock(&p->lock);
            continue;
        }
        if (!any_down(p)) {
            pthread_cond_wait(&p->wake, &p->lock);
            next_probe = now() + p->probe_interval; /* a device that just failed */
            continue;
        }
        if (now() >= next_probe) {
            pthread_mutex_unlock(&p->lock);
            for (size_t i = 0; i < p->n; i++) {
                awsv2_error e = AWSV2_ERROR_INIT;
                if (!is_up(p, i))
                    probe(p, i, &e);
            }
            pthread_mutex_lock(&p->lock);
            next_probe = now() + p->probe_interval;
            continue;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        double wait = next_probe - now();
        long long ns = (long long)ts.tv_nsec + (long long)(wait * 1e9);
        ts.tv_sec += (time_t)(ns / 1000000000LL);
        ts.tv_nsec = (long)(ns % 1000000000LL);
        pthread_cond_timedwait(&p->wake, &p->lock, &ts);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* ---- Life cycle and views ---------------------------------------------- */

/* At start: device i could not be used; a device-level failure leaves it
 * down, to join when it answers, anything else stops the daemon. */
static awsv2_status start_failed(hsmd_pool *p, size_t i, awsv2_status st, const awsv2_error *e,
                                 const char *what, awsv2_error *err)
{
    struct device *d = &p->dev[i];

    if (p->n == 1 || !device_level(st))
        return awsv2_error_set(err, st, e->code, "%s%s", p->n == 1 ? "" : what, e->message);
    d->up = false;
    snprintf(d->code, sizeof d->code, "%s", down_code(st));
    fprintf(stderr, "awsv2-hsmd: device %zu (%s) is down: %s%s; it joins when it answers\n", i,
            d->name, what, e->message);
    return AWSV2_OK;
}

awsv2_status hsmd_pool_new(hsmd_pool **out, const struct hsmd_pool_config *cfg,
                           awsv2_error *err)
{
    awsv2_status st = AWSV2_OK;

    if (cfg->n == 0 || cfg->n > HSMD_POOL_MAX)
        return awsv2_error_set(err, AWSV2_E_INVALID, NULL, "from 1 to %d devices",
                               HSMD_POOL_MAX);
    hsmd_pool *p = calloc(1, sizeof *p);
    if (!p)
        return awsv2_error_set(err, AWSV2_E_NOMEM, NULL, "out of memory");
    p->n = cfg->n;
    p->open = cfg->open;
    p->capacity = cfg->capacity;
    p->allow_mismatch = cfg->allow_policy_mismatch;
    p->probe_interval = cfg->probe_interval > 0 ? cfg->probe_interval : 0.5;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    snprintf(p->describe, sizeof p->describe, "pool of %zu devices", p->n);
    size_t up = 0;
    for (size_t i = 0; !st && i < p->n; i++) {
        struct device *d = &p->dev[i];
        awsv2_error e = AWSV2_ERROR_INIT;
        d->spec = d->name = cfg->specs[i];
        d->up = true;
        if ((st = open_device(p, i, &e))) {
            st = start_failed(p, i, st, &e, "", err);
            continue;
        }
        /* One device takes every request: nothing to route or compare. */
        if (p->n > 1 && (st = read_keys(d, d->keys, &d->keys_known, &e)))
            st = start_failed(p, i, st, &e, "cannot read its key list: ", err);
        up += d->up;
    }
    for (size_t i = 0; !st && i < p->n; i++)
        if (p->dev[i].up && (st = check_policies(p, i, p->dev[i].keys,
                                                 p->dev[i].keys_known, err)) &&
            device_level(st))
            st = AWSV2_OK; /* a policy could not be read: that device is down now */
    up = 0;
    for (size_t i = 0; i < p->n; i++)
        up += p->dev[i].up;
    if (!st && up == 0)
        st = awsv2_error_set(err, AWSV2_E_DEVICE, NULL, "none of the %zu devices can be used",
                             p->n);
    if (!st && pthread_create(&p->control, NULL, control, p) != 0)
        st = awsv2_error_set(err, AWSV2_E_NOMEM, NULL, "cannot start the pool's thread");
    if (st) {
        hsmd_pool_free(p);
        return st;
    }
    p->control_running = true;
    *out = p;
    return AWSV2_OK;
}

size_t hsmd_pool_size(const hsmd_pool *p)
{
    return p->n;
}

const char *hsmd_pool_describe(const hsmd_pool *p)
{
    return p->n == 1 ? p->dev[0].name : p->describe;
}

void hsmd_pool_device(hsmd_pool *p, size_t i, struct hsmd_device_info *out)
{
    pthread_mutex_lock(&p->lock);
    out->signer = p->dev[i].name;
    out->up = p->dev[i].up;
    snprintf(out->code, sizeof out->code, "%s", p->dev[i].code);
    pthread_mutex_unlock(&p->lock);
}

bool hsmd_pool_holds(hsmd_pool *p, size_t i, const char *key_id, size_t len)
{
    pthread_mutex_lock(&p->lock);
    bool held = p->dev[i].up && p->dev[i].keys_known && listed(p->dev[i].keys, key_id, len);
    pthread_mutex_unlock(&p->lock);
    return held;
}

size_t hsmd_pool_depth(hsmd_pool *p)
{
    size_t depth = 0;
    for (size_t i = 0; i < p->n; i++) {
        pthread_mutex_lock(&p->lock);
        hsmd_queue *q = p->dev[i].queue;
        pthread_mutex_unlock(&p->lock);
        depth += q ? hsmd_queue_depth(q) : 0; /* a queue lives as long as the pool */
    }
    return depth;
}

size_t hsmd_pool_capacity(const hsmd_pool *p)
{
    return p->capacity * p->n;
}

/* A label value: backslash, double quote and newline escaped. */
static void label(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '"')
            fputc('\\', f);
        if (*s == '\n')
            fputs("\\n", f);
        else
            fputc(*s, f);
    }
}

void hsmd_pool_metrics(hsmd_pool *p, FILE *f)
{
    struct device snap[HSMD_POOL_MAX];

    pthread_mutex_lock(&p->lock);
    memcpy(snap, p->dev, p->n * sizeof snap[0]);
    pthread_mutex_unlock(&p->lock);
    fputs("# HELP awsv2_hsmd_device_info The daemon's devices, numbered in command-line order.\n"
          "# TYPE awsv2_hsmd_device_info gauge\n",
          f);
    for (size_t i = 0; i < p->n; i++) {
        fprintf(f, "awsv2_hsmd_device_info{device=\"%zu\",signer=\"", i);
        label(f, snap[i].name);
        fputs("\"} 1\n", f);
    }
    static const struct {
        const char *name, *type, *help;
    } series[] = {
        {"awsv2_hsmd_device_up", "gauge", "1 while the device takes requests."},
        {"awsv2_hsmd_device_queue_depth", "gauge",
         "Jobs given to the device and not answered yet."},
        {"awsv2_hsmd_device_jobs_total", "counter", "Jobs the device answered, by result."},
        {"awsv2_hsmd_device_resent_total", "counter",
         "Jobs the device failed under that went to another device."},
        {"awsv2_hsmd_device_down_total", "counter", "Times the device was marked down."},
        {"awsv2_hsmd_device_rejoined_total", "counter", "Times the device came back."},
    };
    for (size_t s = 0; s < sizeof series / sizeof series[0]; s++) {
        fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", series[s].name, series[s].help,
                series[s].name, series[s].type);
        for (size_t i = 0; i < p->n; i++) {
            const struct device *d = &snap[i];
            switch (s) {
            case 0:
                fprintf(f, "%s{device=\"%zu\"} %d\n", series[s].name, i, d->up);
                break;
            case 1:
                fprintf(f, "%s{device=\"%zu\"} %zu\n", series[s].name, i, d->outstanding);
                break;
            case 2:
                fprintf(f, "%s{device=\"%zu\",result=\"ok\"} %lu\n", series[s].name, i, d->ok);
                fprintf(f, "%s{device=\"%zu\",result=\"failed\"} %lu\n", series[s].name, i,
                        d->failed);
                break;
            default:
                fprintf(f, "%s{device=\"%zu\"} %lu\n", series[s].name, i,
                        s == 3 ? d->resent : s == 4 ? d->downs : d->rejoins);
                break;
            }
        }
    }
}

void hsmd_pool_close(hsmd_pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->closing = true;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    if (p->control_running) {
        pthread_join(p->control, NULL);
        p->control_running = false;
    }
    pthread_mutex_lock(&p->lock);
    struct hsmd_job *waiting = p->head;
    p->head = p->tail = NULL;
    p->waiting = 0;
    pthread_mutex_unlock(&p->lock);
    while (waiting) {
        struct hsmd_job *job = waiting;
        waiting = job->next; /* before done: it may free the job */
        job->status = AWSV2_E_UNAVAILABLE;
        job->cancelled = true;
        finish(job);
    }
    for (size_t i = 0; i < p->n; i++)
        if (p->dev[i].queue)
            hsmd_queue_close(p->dev[i].queue);
}

void hsmd_pool_free(hsmd_pool *p)
{
    if (!p)
        return;
    hsmd_pool_close(p);
    for (size_t i = 0; i < p->n; i++) {
        hsmd_queue_free(p->dev[i].queue);
        awsv2_signer_close(p->dev[i].signer);
    }
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
