/* The pipelined link to a Due (see due_link.h): taking turns at I/O,
 * submitting, and the API. The queue is in due_queue.c, synchronising in
 * due_sync.c.
 *
 * Threads. There is no I/O thread: the threads that wait for replies take
 * turns at reading (leader/followers). One mutex guards everything. A thread
 * writes its request while holding it, so the write order is the queue
 * order, then waits; whichever waiting thread finds nobody reading becomes
 * the reader for one round: it lets go of the mutex, reads what the device
 * sent, takes the mutex back, gives each complete line to the oldest request
 * still without a reply and wakes everybody. Recovery (drain, reopen,
 * resynchronise) happens under the mutex when nothing is in flight and
 * nobody reads, so it never races with I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "due_link_impl.h"
#include "due_reply.h"
#include "internal.h"

/* In flight by default: the programming port's UART has no flow control and
 * a small receive buffer, so one; native USB and ptys have flow control, and
 * 16 keep the device busy although USB hands replies over in 1 ms frames
 * (8 lose ~8% of the throughput: awsv2-bench serial). */
#define WINDOW_UART 1
#define WINDOW_FLOW_CONTROLLED 16
#define WINDOW_MAX 256

/* ---- Reading ------------------------------------------------------------ */

/* One round as the reader: wait (without the mutex) for bytes, then give
 * out the lines. Called with the mutex, nobody reading, a reply awaited. */
static void read_round(struct awsv2__due_link *l)
{
    long long since = l->awaiting->sent_ms > l->last_reply_ms ? l->awaiting->sent_ms
                                                               : l->last_reply_ms;
    long long deadline = since + (long long)l->timeout_ms;
    struct awsv2__serial *port = l->port;
    char *dst = l->rbuf + l->rlen;
    size_t room = sizeof l->rbuf - l->rlen, got = 0;
    awsv2_error e;

    l->reading = true;
    pthread_mutex_unlock(&l->mu);
    awsv2_status st = awsv2__serial_read(port, dst, room, &got, deadline, &e);
    pthread_mutex_lock(&l->mu);
    l->reading = false;
    if (st == AWSV2_E_TIMEOUT)
        snprintf(e.message, sizeof e.message, "the device did not answer within %lu ms",
                 l->timeout_ms);
    if (st) {
        awsv2__due_fail_all(l, st, e.message);
    } else {
        l->rlen += got;
        awsv2__due_dispatch(l);
        awsv2__due_checkpoint(l);
    }
    pthread_cond_broadcast(&l->cv);
}

/* Moves things along: be the reader if a reply is due and nobody reads,
 * else sleep until someone changes something. */
static void progress(struct awsv2__due_link *l)
{
    if (!l->reading && l->awaiting && !l->need_sync)
        read_round(l);
    else
        pthread_cond_wait(&l->cv, &l->mu);
}

static void wait_done(struct awsv2__due_link *l, struct pending *p)
{
    while (p->state != P_DONE)
        progress(l);
}

/* Waits for room (recovering first when needed), then writes p. */
static awsv2_status submit(struct awsv2__due_link *l, struct pending *p)
{
    for (;;) {
        if (l->need_sync && !l->reading && !l->head) {
            awsv2_error e;
            awsv2_status st = awsv2__due_recover(l, &e);
            if (st) {
                p->status = st;
                awsv2__due_set_why(p, e.message);
                p->state = P_DONE;
                return st;
            }
            continue;
        }
        bool room = p->type == P_COMMAND ? !l->head : l->in_flight < l->window;
        if (!l->need_sync && !l->exclusive && room)
            return awsv2__due_send(l, p);
        progress(l);
    }
}

/* ---- The API ------------------------------------------------------------ */

static unsigned long default_window(enum awsv2__serial_kind kind)
{
    return kind == AWSV2__SERIAL_DUE_NATIVE || kind == AWSV2__SERIAL_PTY ? WINDOW_FLOW_CONTROLLED
                                                                          : WINDOW_UART;
}

awsv2_status awsv2__due_link_open(struct awsv2__due_link **out, const char *path,
                                  unsigned long timeout_ms, unsigned long window,
                                  awsv2_error *err)
{
    if (window > WINDOW_MAX || timeout_ms == 0)
        return awsv2__fail(err, AWSV2_E_SPEC, "window must be 1..%d and timeout_ms positive",
                           WINDOW_MAX);
    struct awsv2__due_link *l = calloc(1, sizeof *l);
    if (!l || !(l->path = awsv2__strdup(path))) {
        free(l);
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    }
    pthread_mutex_init(&l->mu, NULL);
    pthread_cond_init(&l->cv, NULL);
    l->timeout_ms = timeout_ms;
    awsv2_status st = awsv2__serial_open(&l->port, path, err);
    if (!st) {
        l->window = window ? window : default_window(awsv2__serial_kind(l->port));
        st = awsv2__due_sync(l, err);
    }
    if (st) {
        awsv2__due_link_close(l);
        return st;
    }
    *out = l;
    return AWSV2_OK;
}

void awsv2__due_link_close(struct awsv2__due_link *l)
{
    if (!l)
        return;
    awsv2__serial_close(l->port);
    pthread_cond_destroy(&l->cv);
    pthread_mutex_destroy(&l->mu);
    awsv2__wipe(l->wbuf, l->wcap);
    free(l->wbuf);
    free(l->path);
    free(l);
}

unsigned long awsv2__due_link_window(const struct awsv2__due_link *l)
{
    return l->window;
}

static awsv2_status pending_error(const struct awsv2__due_link *l, const struct pending *p,
                                  awsv2_error *err)
{
    if (p->status == AWSV2_E_REFUSED)
        return awsv2__fail_code(err, p->status, p->code, "the device at '%s' refused: %s",
                                l->path, p->code);
    if (p->status == AWSV2_E_INVALID)
        return awsv2__fail(err, p->status, "not a string to sign: never sent to the device");
    return awsv2__fail(err, p->status, "device '%s': %s", l->path, p->why);
}

awsv2_status awsv2__due_link_sign(struct awsv2__due_link *l, awsv2_sign_job *jobs, size_t n,
                                  awsv2_error *err)
{
    struct pending *ps = calloc(n ? n : 1, sizeof *ps);
    if (!ps)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    pthread_mutex_lock(&l->mu);
    /* Once the device cannot be reached (recovery or a write failed), the
     * rest is not sent: each try could cost the boot timeout again. */
    const struct pending *gone = NULL;
    for (size_t i = 0; i < n; i++) {
        struct pending *p = &ps[i];
        p->type = P_SIGN;
        p->job = &jobs[i];
        /* Defence in depth: awsv2_signer_sign checked already, but a NUL or
         * a newline too many would smuggle a command to the device. */
        if (!awsv2_string_to_sign_is_valid(jobs[i].string_to_sign, jobs[i].len)) {
            p->status = AWSV2_E_INVALID;
            p->state = P_DONE;
        } else if (gone) {
            p->status = gone->status;
            awsv2__due_set_why(p, gone->why);
            p->state = P_DONE;
        } else if (submit(l, p)) {
            gone = p;
        }
    }
    awsv2_status first = AWSV2_OK;
    for (size_t i = 0; i < n; i++) {
        wait_done(l, &ps[i]);
        jobs[i].status = ps[i].status;
        if (ps[i].status && !first)
            first = pending_error(l, &ps[i], err);
    }
    pthread_mutex_unlock(&l->mu);
    free(ps);
    return first;
}

awsv2_status awsv2__due_link_ping(struct awsv2__due_link *l, awsv2_error *err)
{
    struct pending p = {.type = P_PING};
    awsv2_status st = awsv2__due_nonce(p.nonce, err);
    if (st)
        return st;
    pthread_mutex_lock(&l->mu);
    if (!submit(l, &p))
        wait_done(l, &p);
    if (p.status)
        pending_error(l, &p, err);
    pthread_mutex_unlock(&l->mu);
    return p.status;
}

awsv2_status awsv2__due_link_command(struct awsv2__due_link *l, const char *command, char *reply,
                                     size_t cap, awsv2_error *err)
{
    if (!awsv2__due_line_printable(command, strlen(command)) || !*command)
        return awsv2__fail(err, AWSV2_E_INVALID, "a device command is printable ASCII");
    struct pending p = {.type = P_COMMAND, .command = command, .reply = reply, .reply_cap = cap};
    pthread_mutex_lock(&l->mu);
    awsv2_status st = submit(l, &p);
    if (!st) {
        l->exclusive = true;
        wait_done(l, &p);
        l->exclusive = false;
        pthread_cond_broadcast(&l->cv);
    }
    if (p.status)
        pending_error(l, &p, err);
    pthread_mutex_unlock(&l->mu);
    return p.status;
}
