/* See sqs_store.h. A condition variable wakes long polls when a message
 * arrives; visibility runs on the monotonic clock. */
#include "sqs_store.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec.h"

struct sqs_message {
    char id[37];
    char *body;
    char *sender;
    sqs_attrs *attrs;
    int64_t sent_ms;          /* epoch milliseconds */
    int64_t first_receive_ms; /* epoch milliseconds, 0 before the first */
    int64_t visible_at;       /* monotonic milliseconds */
    unsigned long receives;
    char handle[SQS_HANDLE_LEN + 1]; /* of the latest receive, "" before */
};

typedef struct queue {
    char *name;
    sqs_message **msgs; /* in sending order */
    size_t n, cap;
} queue;

struct sqs_store {
    pthread_mutex_t lock;
    pthread_cond_t arrived;
    queue *queues;
    size_t n;
    bool stopping;
};

static int64_t clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t epoch_ms(void)
{
    return clock_ms(CLOCK_REALTIME);
}

sqs_store *sqs_store_new(void)
{
    sqs_store *sqs = calloc(1, sizeof *sqs);
    pthread_condattr_t attr;
    if (sqs == NULL)
        return NULL;
    pthread_mutex_init(&sqs->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&sqs->arrived, &attr);
    pthread_condattr_destroy(&attr);
    return sqs;
}

static void message_free(sqs_message *m)
{
    if (m == NULL)
        return;
    free(m->body);
    free(m->sender);
    sqs_attrs_free(m->attrs);
    free(m);
}

void sqs_store_free(sqs_store *sqs)
{
    if (sqs == NULL)
        return;
    for (size_t i = 0; i < sqs->n; i++) {
        for (size_t j = 0; j < sqs->queues[i].n; j++)
            message_free(sqs->queues[i].msgs[j]);
        free(sqs->queues[i].msgs);
        free(sqs->queues[i].name);
    }
    free(sqs->queues);
    pthread_cond_destroy(&sqs->arrived);
    pthread_mutex_destroy(&sqs->lock);
    free(sqs);
}

void sqs_store_shutdown(sqs_store *sqs)
{
    pthread_mutex_lock(&sqs->lock);
    sqs->stopping = true;
    pthread_cond_broadcast(&sqs->arrived);
    pthread_mutex_unlock(&sqs->lock);
}

static queue *find(sqs_store *sqs, const char *name)
{
    for (size_t i = 0; i < sqs->n; i++)
        if (strcmp(sqs->queues[i].name, name) == 0)
            return &sqs->queues[i];
    return NULL;
}

bool sqs_store_create_queue(sqs_store *sqs, const char *name)
{
    pthread_mutex_lock(&sqs->lock);
    bool ok = find(sqs, name) != NULL;
    queue *v = ok ? NULL : realloc(sqs->queues, (sqs->n + 1) * sizeof *v);
    if (v != NULL) {
        sqs->queues = v;
        v[sqs->n] = (queue){ .name = strdup(name) };
        ok = v[sqs->n].name != NULL;
        sqs->n += ok;
    }
    pthread_mutex_unlock(&sqs->lock);
    return ok;
}

bool sqs_store_has_queue(sqs_store *sqs, const char *name)
{
    pthread_mutex_lock(&sqs->lock);
    bool ok = find(sqs, name) != NULL;
    pthread_mutex_unlock(&sqs->lock);
    return ok;
}

/* A new message; NULL when out of memory (attrs freed). */
static sqs_message *message_new(const char *body, const char *sender, sqs_attrs *attrs,
                                long delay_seconds)
{
    sqs_message *m = calloc(1, sizeof *m);
    if (m == NULL) {
        sqs_attrs_free(attrs);
        return NULL;
    }
    m->attrs = attrs;
    m->body = strdup(body);
    m->sender = strdup(sender);
    if (m->body == NULL || m->sender == NULL) {
        message_free(m);
        return NULL;
    }
    mock_uuid(m->id);
    m->sent_ms = epoch_ms();
    m->visible_at = clock_ms(CLOCK_MONOTONIC) + (int64_t)delay_seconds * 1000;
    return m;
}

bool sqs_store_send(sqs_store *sqs, const char *name, const char *body, const char *sender,
                    sqs_attrs *attrs, long delay_seconds, char id[37])
{
    sqs_message *msg = message_new(body, sender, attrs, delay_seconds);
    if (msg == NULL)
        return false;
    memcpy(id, msg->id, 37);
    pthread_mutex_lock(&sqs->lock);
    queue *q = find(sqs, name);
    bool ok = q != NULL;
    if (ok && q->n == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : 16;
        sqs_message **v = realloc(q->msgs, cap * sizeof *v);
        ok = v != NULL;
        if (ok)
            q->msgs = v, q->cap = cap;
    }
    if (ok) {
        q->msgs[q->n++] = msg;
        pthread_cond_broadcast(&sqs->arrived);
    }
    pthread_mutex_unlock(&sqs->lock);
    if (!ok)
        message_free(msg);
    return ok;
}

/* Emits up to max visible messages of q; returns how many, and in
 * *next_visible the earliest time a hidden one shows (INT64_MAX: none). */
static size_t take_visible(queue *q, size_t max, int64_t visibility_ms, int64_t *next_visible,
                           void (*emit)(void *ctx, const sqs_message *m), void *ctx)
{
    int64_t now = clock_ms(CLOCK_MONOTONIC);
    size_t taken = 0;
    *next_visible = INT64_MAX;
    for (size_t i = 0; i < q->n && taken < max; i++) {
        sqs_message *m = q->msgs[i];
        if (m->visible_at > now) {
            if (m->visible_at < *next_visible)
                *next_visible = m->visible_at;
            continue;
        }
        m->visible_at = now + visibility_ms;
        m->receives++;
        if (m->first_receive_ms == 0)
            m->first_receive_ms = epoch_ms();
        mock_random_hex(SQS_HANDLE_LEN / 2, m->handle);
        emit(ctx, m);
        taken++;
    }
    return taken;
}

bool sqs_store_receive(sqs_store *sqs, const char *name, size_t max, int64_t visibility_ms,
                       int64_t wait_ms, void (*emit)(void *ctx, const sqs_message *m),
                       void *ctx)
{
    int64_t deadline = clock_ms(CLOCK_MONOTONIC) + wait_ms, next;
    pthread_mutex_lock(&sqs->lock);
    queue *q;
    while ((q = find(sqs, name)) != NULL &&
           take_visible(q, max, visibility_ms, &next, emit, ctx) == 0 && !sqs->stopping) {
        int64_t until = next < deadline ? next : deadline;
        if (clock_ms(CLOCK_MONOTONIC) >= deadline)
            break;
        struct timespec ts = { (time_t)(until / 1000), (long)(until % 1000) * 1000000 };
        pthread_cond_timedwait(&sqs->arrived, &sqs->lock, &ts);
    }
    pthread_mutex_unlock(&sqs->lock);
    return q != NULL;
}

bool sqs_store_delete(sqs_store *sqs, const char *name, const char *handle)
{
    pthread_mutex_lock(&sqs->lock);
    queue *q = find(sqs, name);
    for (size_t i = 0; q != NULL && i < q->n; i++) {
        if (strcmp(q->msgs[i]->handle, handle) == 0) {
            message_free(q->msgs[i]);
            memmove(&q->msgs[i], &q->msgs[i + 1], (q->n - i - 1) * sizeof q->msgs[0]);
            q->n--;
            break;
        }
    }
    pthread_mutex_unlock(&sqs->lock);
    return q != NULL;
}

const char *sqs_message_id(const sqs_message *m)
{
    return m->id;
}

const char *sqs_message_body(const sqs_message *m)
{
    return m->body;
}

const char *sqs_message_handle(const sqs_message *m)
{
    return m->handle;
}

const char *sqs_message_sender(const sqs_message *m)
{
    return m->sender;
}

const sqs_attrs *sqs_message_attrs(const sqs_message *m)
{
    return m->attrs;
}

int64_t sqs_message_sent_ms(const sqs_message *m)
{
    return m->sent_ms;
}

int64_t sqs_message_first_receive_ms(const sqs_message *m)
{
    return m->first_receive_ms;
}

unsigned long sqs_message_receives(const sqs_message *m)
{
    return m->receives;
}
