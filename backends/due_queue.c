/* The queue of requests in flight and how replies are matched to them.
 *
 * Never a reply for the wrong request. Replies carry no request id: one
 * dropped reply would shift every later one onto the wrong request. So a
 * reply that arrives while later requests are still unanswered is only
 * provisional. It is confirmed when the device has answered everything
 * written so far (as many lines as requests since the last sync point: none
 * was lost), or when a checkpoint PING written after it comes back with its
 * nonce in exactly its place. The reader writes such a PING whenever
 * provisional replies exist and no PING is in flight, so a stream of
 * pipelined requests costs about one short PING per window. A lost, extra
 * or garbled line shows up as a reply of the wrong kind, a wrong nonce or a
 * timeout, and fails every unconfirmed request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "due_link_impl.h"
#include "due_reply.h"
#include "internal.h"

void awsv2__due_set_why(struct pending *p, const char *why)
{
    size_t n = strnlen(why, sizeof p->why - 1);
    memcpy(p->why, why, n);
    p->why[n] = '\0';
}

void awsv2__due_fail_all(struct awsv2__due_link *l, awsv2_status st, const char *why)
{
    for (struct pending *p = l->head; p; p = p->next) {
        p->status = st;
        p->code[0] = '\0';
        awsv2__due_set_why(p, why);
        p->state = P_DONE;
    }
    l->head = l->tail = l->awaiting = NULL;
    l->in_flight = 0;
    l->checkpoint_busy = false;
    l->need_sync = true;
    if (st == AWSV2_E_DEVICE)
        l->need_reopen = true;
    pthread_cond_broadcast(&l->cv);
}

/* The replies up to and including last are proven to be theirs. */
static void confirm_through(struct awsv2__due_link *l, struct pending *last)
{
    struct pending *p;
    do {
        p = l->head;
        l->head = p->next;
        if (p == &l->checkpoint)
            l->checkpoint_busy = false;
        p->state = P_DONE;
    } while (p != last);
    if (!l->head)
        l->tail = NULL;
    pthread_cond_broadcast(&l->cv);
}

/* Reads one reply line into p; false if it cannot be p's reply. */
static bool take_reply(struct pending *p, const char *line, size_t len)
{
    switch (p->type) {
    case P_SIGN:
        p->status = awsv2__due_parse_sign(line, len, p->job->hash, p->job->mac,
                                          &p->job->mac_len, p->code, sizeof p->code);
        return p->status != AWSV2_E_PROTOCOL;
    case P_PING:
        p->status = AWSV2_OK;
        return awsv2__due_is_pong(line, len, p->nonce);
    case P_COMMAND:
        if (!awsv2__due_line_printable(line, len) || len >= p->reply_cap)
            return false;
        memcpy(p->reply, line, len);
        p->reply[len] = '\0';
        p->status = awsv2__due_parse_error(line, len, p->code, sizeof p->code)
                        ? AWSV2_E_REFUSED
                        : AWSV2_OK;
        return true;
    }
    return false;
}

static bool handle_line(struct awsv2__due_link *l, const char *line, size_t len)
{
    struct pending *p = l->awaiting;
    if (!p) {
        awsv2__due_fail_all(l, AWSV2_E_PROTOCOL, "the device sent a reply nobody asked for");
        return false;
    }
    if (!take_reply(p, line, len)) {
        awsv2__due_fail_all(l, AWSV2_E_PROTOCOL, p->type == P_PING
                                          ? "the device's replies are out of step (lost reply)"
                                          : "garbled or unexpected reply from the device");
        return false;
    }
    p->state = P_REPLIED;
    l->awaiting = p->next;
    l->in_flight--;
    l->last_reply_ms = awsv2__serial_now_ms();
    if (!l->awaiting || p->type == P_PING)
        confirm_through(l, p);
    return true;
}

void awsv2__due_dispatch(struct awsv2__due_link *l)
{
    size_t start = 0;
    char *nl;
    while ((nl = memchr(l->rbuf + start, '\n', l->rlen - start))) {
        size_t len = (size_t)(nl - (l->rbuf + start));
        if (len && l->rbuf[start + len - 1] == '\r')
            len--;
        /* Once broken, no line is attributed to anything until resync. */
        if (l->need_sync || !handle_line(l, l->rbuf + start, len)) {
            l->rlen = 0;
            return;
        }
        start = (size_t)(nl - l->rbuf) + 1;
    }
    memmove(l->rbuf, l->rbuf + start, l->rlen - start);
    l->rlen -= start;
    if (l->rlen == sizeof l->rbuf) {
        awsv2__due_fail_all(l, AWSV2_E_PROTOCOL, "the device sent an overlong line");
        l->rlen = 0;
    }
}

static awsv2_status build_request(struct awsv2__due_link *l, const struct pending *p, size_t *n,
                                  awsv2_error *err)
{
    const char *prefix = p->type == P_SIGN ? "SIGN-AWS-V2 " : p->type == P_PING ? "PING " : "";
    const char *body = p->type == P_SIGN ? p->job->string_to_sign
                     : p->type == P_PING ? p->nonce
                                         : p->command;
    size_t plen = strlen(prefix), blen = p->type == P_SIGN ? p->job->len : strlen(body);
    *n = plen + blen + 1;
    if (*n > l->wcap) {
        char *w = realloc(l->wbuf, *n);
        if (!w)
            return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
        l->wbuf = w;
        l->wcap = *n;
    }
    memcpy(l->wbuf, prefix, plen);
    memcpy(l->wbuf + plen, body, blen);
    l->wbuf[plen + blen] = '\0';
    return AWSV2_OK;
}

awsv2_status awsv2__due_send(struct awsv2__due_link *l, struct pending *p)
{
    awsv2_error e;
    size_t n = 0;
    awsv2_status st = build_request(l, p, &n, &e);
    if (!st)
        st = awsv2__serial_write(l->port, l->wbuf, n,
                                 awsv2__serial_now_ms() + (long long)l->timeout_ms, &e);
    if (p->type == P_COMMAND)
        awsv2__wipe(l->wbuf, n); /* PUT-KEY carries a secret */
    if (st) {
        if (st != AWSV2_E_NOMEM)
            awsv2__due_fail_all(l, st, e.message);
        p->status = st;
        awsv2__due_set_why(p, e.message);
        p->state = P_DONE;
        return st;
    }
    p->state = P_WAITING;
    p->next = NULL;
    p->sent_ms = awsv2__serial_now_ms();
    if (l->tail)
        l->tail->next = p;
    else
        l->head = p;
    l->tail = p;
    if (!l->awaiting)
        l->awaiting = p;
    l->in_flight++;
    return AWSV2_OK;
}

/* Provisional replies need a PING behind them (see the top of the file). */
void awsv2__due_checkpoint(struct awsv2__due_link *l)
{
    if (!l->head || l->head->state != P_REPLIED || l->checkpoint_busy || l->need_sync ||
        l->in_flight >= l->window)
        return;
    struct pending *p = &l->checkpoint;
    memset(p, 0, sizeof *p);
    p->type = P_PING;
    awsv2_error e;
    if (awsv2__due_nonce(p->nonce, &e)) {
        awsv2__due_fail_all(l, AWSV2_E_SIGNER, e.message);
        return;
    }
    if (awsv2__due_send(l, p) == AWSV2_OK)
        l->checkpoint_busy = true;
}

