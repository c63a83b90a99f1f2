/* SQS queues in memory, behind one lock; a condition variable wakes
 * ReceiveMessage long polls when a message arrives. */
#include "sqs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "hex.h"

typedef struct queue {
    char *name;
    sqs_message **msgs; /* in sending order */
    size_t n, cap;
} queue;

struct mock_sqs {
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

int64_t sqs_epoch_ms(void)
{
    return clock_ms(CLOCK_REALTIME);
}

int64_t sqs_mono_ms(void)
{
    return clock_ms(CLOCK_MONOTONIC);
}

mock_sqs *mock_sqs_new(void)
{
    mock_sqs *sqs = calloc(1, sizeof *sqs);
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

void sqs_message_free(sqs_message *m)
{
    if (m == NULL)
        return;
    free(m->body);
    free(m->sender);
    sqs_attrs_free(&m->attrs);
    free(m);
}

void mock_sqs_free(mock_sqs *sqs)
{
    if (sqs == NULL)
        return;
    for (size_t i = 0; i < sqs->n; i++) {
        for (size_t j = 0; j < sqs->queues[i].n; j++)
            sqs_message_free(sqs->queues[i].msgs[j]);
        free(sqs->queues[i].msgs);
        free(sqs->queues[i].name);
    }
    free(sqs->queues);
    pthread_cond_destroy(&sqs->arrived);
    pthread_mutex_destroy(&sqs->lock);
    free(sqs);
}

void mock_sqs_shutdown(mock_sqs *sqs)
{
    pthread_mutex_lock(&sqs->lock);
    sqs->stopping = true;
    pthread_cond_broadcast(&sqs->arrived);
    pthread_mutex_unlock(&sqs->lock);
}

static queue *find(mock_sqs *sqs, const char *name)
{
    for (size_t i = 0; i < sqs->n; i++)
        if (strcmp(sqs->queues[i].name, name) == 0)
            return &sqs->queues[i];
    return NULL;
}

bool sqs_queue_create(mock_sqs *sqs, const char *name)
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

bool sqs_queue_exists(mock_sqs *sqs, const char *name)
{
    pthread_mutex_lock(&sqs->lock);
    bool ok = find(sqs, name) != NULL;
    pthread_mutex_unlock(&sqs->lock);
    return ok;
}

bool sqs_send(mock_sqs *sqs, const char *name, sqs_message *msg)
{
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
    return ok;
}

static void new_handle(char out[SQS_HANDLE_LEN + 1])
{
    unsigned char b[SQS_HANDLE_LEN / 2];
    if (RAND_bytes(b, sizeof b) != 1)
        abort(); /* no randomness: handles would repeat */
    awsv2__hex_encode(b, sizeof b, out);
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
            m->first_receive_ms = sqs_epoch_ms();
        new_handle(m->handle);
        emit(ctx, m);
        taken++;
    }
    return taken;
}

bool sqs_receive(mock_sqs *sqs, const char *name, size_t max, int64_t visibility_ms,
                 int64_t wait_ms, void (*emit)(void *ctx, const sqs_message *m), void *ctx)
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

bool sqs_delete(mock_sqs *sqs, const char *name, const char *handle)
{
    pthread_mutex_lock(&sqs->lock);
    queue *q = find(sqs, name);
    for (size_t i = 0; q != NULL && i < q->n; i++) {
        if (strcmp(q->msgs[i]->handle, handle) == 0) {
            sqs_message_free(q->msgs[i]);
            memmove(&q->msgs[i], &q->msgs[i + 1], (q->n - i - 1) * sizeof q->msgs[0]);
            q->n--;
            break;
        }
    }
    pthread_mutex_unlock(&sqs->lock);
    return q != NULL;
}
