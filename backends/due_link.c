/* The pipelined link to a Due (see due_link.h). Its struct, the queue of
 * requests in flight and the resynchronisation all live here: they share
 * every field, under one mutex.
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
 *
 * Never a reply for the wrong request. Replies carry no request id: one
 * dropped reply would shift every later one onto the wrong request, and one
 * repeated reply would give the next request the previous one's MAC. So
 * every reply is provisional until a PING written after its request comes
 * back with its nonce in exactly its place: only then were the lines before
 * it as many as the requests, none lost and none extra. Counting lines is
 * not enough (a repeated line and a real one count alike). Every request
 * is followed by its own checkpoint PING, written with it, so each reply
 * sits between two PONGs whose nonces pin its place: whatever lines a
 * device loses and repeats (in order), a reply that is not its request's
 * puts a PONG where a reply belongs or a reply where a PONG does. One
 * checkpoint per burst would cost less (about 5% of pipelined USB
 * throughput, awsv2-bench serial), but a reply lost and the one before it
 * sent again in its place (a stale reply buffer) would pass it. A lost,
 * extra or garbled line shows up as a reply of the wrong kind, a wrong
 * nonce, a line nobody asked for or a timeout, and fails every unconfirmed
 * request, never guessing. A device whose PONG offers compact frames
 * (due_delta.h) gets signing requests as frames whose tag the reply
 * repeats: the tag pins the reply to its request as a checkpoint would, so
 * no PING follows them.
 *
 * Deadlines. Each request must be over timeout_ms after it was handed to
 * the link (a batch job: after its turn to be written came): waiting for
 * room, recovering the link, writing and reading all count, so a device
 * that trickles bytes or answers PINGs slowly cannot stretch a request.
 *
 * Resynchronising. After open and after any failure, replies and requests
 * are brought back in step with a PING carrying a fresh random nonce;
 * everything before its PONG is stale.
 */
#include <limits.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "awsv2/util.h"
#include "due_delta.h"
#include "due_link.h"
#include "due_reply.h"
#include "internal.h"
#include "serial_port.h"

/* In flight by default: the programming port's UART has no flow control and
 * a small receive buffer, so one; native USB and ptys have flow control, and
 * 16 keep the device busy although USB hands replies over in 1 ms frames
 * (8 lose ~8% of the throughput: awsv2-bench serial). The checkpoint PINGs
 * come on top: 22 bytes each, they fit in the UART's buffer while the
 * device signs. */
#define WINDOW_UART 1
#define WINDOW_FLOW_CONTROLLED 16
#define WINDOW_MAX 256

#define BOOT_TIMEOUT_MS 5000 /* opening the programming port resets the board */
#define PING_RETRY_MS 500    /* bytes sent while it boots are lost: ask again */
#define LEGACY_QUIET_MS 100  /* no PONG this long after "ERROR invalid-command" */

#define NONCE_BYTES 8
#define NONCE_HEX_SIZE (2 * NONCE_BYTES + 1)
#define READ_BUF_SIZE 16384 /* more than any reply line, KEYS included */

enum pending_type { P_SIGN, P_SIGN4, P_PING, P_COMMAND };
enum pending_state { P_WAITING, P_REPLIED, P_DONE };

/* One request, from its write to its confirmed (or failed) reply. Owned by
 * the thread waiting for it; queued while not P_DONE. */
struct pending {
    struct pending *next;
    enum pending_type type;
    enum pending_state state;
    bool pooled;              /* a checkpoint PING: the link's own */
    awsv2_sign_job *job;      /* P_SIGN */
    awsv2_sign4_job *job4;    /* P_SIGN4 */
    const char *command;      /* P_COMMAND */
    char *reply;              /* P_COMMAND: the reply line */
    size_t reply_cap;
    char nonce[NONCE_HEX_SIZE]; /* P_PING */
    bool marked;              /* P_PING in legacy mode: its first marker came */
    long long deadline_ms;    /* awsv2__serial_now_ms clock */
    uint32_t tag;             /* sent as a compact frame: its tag (due_delta.h) */
    bool retry;               /* that frame was not rebuilt: send it again whole */
    awsv2_status status;
    char code[64];  /* the device's error code with AWSV2_E_REFUSED */
    char why[160];  /* for err->message when it failed */
};

struct awsv2__due_link {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *path;
    struct awsv2__serial *port; /* NULL after a failed reopen */
    unsigned long timeout_ms, window;
    bool need_sync;   /* drain and PING before the next request */
    bool need_reopen; /* and reopen the port first */
    bool reading;     /* a thread is the reader; it alone touches rbuf */
    bool exclusive;   /* a command is alone on the link */
    bool delta;       /* the device takes compact frames (its PONG says so) */
    bool legacy;      /* the original firmware (see "Legacy mode" below) */
    bool probing;     /* opening: a device that refuses PING may be one */
    struct pending *head, *tail; /* unconfirmed requests in write order */
    struct pending *awaiting;    /* the oldest one without its reply line */
    unsigned long in_flight;     /* written, reply line not read yet */
    struct pending *pool;        /* window + 1 checkpoint PINGs, enough (checkpoint()) */
    struct pending *spare;       /* the pool's unused ones */
    unsigned long checkpoints;   /* checkpoints written, PONG not read yet */
    char *wbuf;
    size_t wcap;
    struct awsv2__due_delta dz; /* with delta: what the device holds */
    char *zbuf;                 /* a compact frame */
    size_t zcap;
    size_t rlen;
    char rbuf[READ_BUF_SIZE];
};

/* ---- Requests ----------------------------------------------------------- */

static void set_why(struct pending *p, const char *why)
{
    size_t n = strnlen(why, sizeof p->why - 1);
    memcpy(p->why, why, n);
    p->why[n] = '\0';
}

static awsv2_status make_nonce(char out[NONCE_HEX_SIZE], awsv2_error *err)
{
    unsigned char raw[NONCE_BYTES];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return awsv2__fail(err, AWSV2_E_SIGNER, "no random bytes for a PING nonce");
    awsv2_hex_encode(raw, sizeof raw, out);
    return AWSV2_OK;
}

/* ---- The queue: writing requests, matching replies ---------------------
 * Everything here runs with the mutex held. */

/* A request leaves the queue: its owner may go (a checkpoint goes back to
 * the pool). */
static void finish(struct awsv2__due_link *l, struct pending *p)
{
    if (p->pooled) {
        p->next = l->spare;
        l->spare = p;
    } else {
        p->state = P_DONE;
    }
}

/* Fails every unconfirmed request with st and marks the link for recovery
 * (and for reopening, with AWSV2_E_DEVICE). */
static void fail_all(struct awsv2__due_link *l, awsv2_status st, const char *why)
{
    for (struct pending *p = l->head, *next; p; p = next) {
        next = p->next;
        p->status = st;
        p->code[0] = '\0';
        set_why(p, why);
        finish(l, p);
    }
    l->head = l->tail = l->awaiting = NULL;
    l->in_flight = l->checkpoints = 0;
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
        finish(l, p);
    } while (p != last);
    if (!l->head)
        l->tail = NULL;
    pthread_cond_broadcast(&l->cv);
}

/* Reads one reply line into p; false if it cannot be p's reply. */
static bool take_reply_modern(struct pending *p, const char *line, size_t len)
{
    /* A compact frame's reply names it: a lost, repeated or extra line
     * shows up as a wrong tag, with no checkpoint needed. */
    if (p->tag && !awsv2__due_delta_reply(line, len, p->tag, &line, &len))
        return false;
    switch (p->type) {
    case P_SIGN:
        p->status = awsv2__due_parse_sign(line, len, p->job->hash, p->job->mac,
                                          &p->job->mac_len, p->code, sizeof p->code);
        return p->status != AWSV2_E_PROTOCOL;
    case P_SIGN4: {
        size_t n = 0; /* a SigV4 signature is an HMAC-SHA256 */
        p->status = awsv2__due_parse_sign(line, len, AWSV2_HMAC_SHA256, p->job4->signature, &n,
                                          p->code, sizeof p->code);
        return p->status != AWSV2_E_PROTOCOL;
    }
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

/* ---- Legacy mode --------------------------------------------------------
 * The original firmware (hsm.ino of the hack this project grew from) knows
 * SIGN-AWS-V2 alone. It answers any other request "ERROR invalid-command"
 * (marker E), a SIGN-AWS-V2 without "AWSAccessKeyId=" "ERROR
 * awsaccesskeyid-not-found" (marker N), and an empty request (a lone NUL)
 * not at all; its replies carry nothing of the request, so there is no
 * nonce to wait for. A device that answers PING with E and never with PONG
 * is taken for it at open (due_link.h).
 *
 * The checkpoint after each request is then the pair "SIGN-AWS-V2 -" and
 * "PING <nonce>": N and E, in exactly that order and place. due.c sends
 * only strings whose first "AWSAccessKeyId=" is the parameter, so no reply
 * to a signing request is N or E: a lost, repeated or extra line anywhere
 * puts a marker where a signature belongs, a signature where a marker does,
 * or E where N does. (A single E would not do: a request the device cut in
 * two, after its one-second pause or its 8191 bytes, gives an extra E that
 * would pass for the checkpoint while the first half's MAC passed for the
 * request's. due.c never sends more than 8191 bytes.)
 *
 * Resynchronising writes a random sequence of SYNC_MARKS markers starting
 * with E E N, and skips every line until that exact sequence came back in a
 * row. Stale signing traffic never holds E E (it alternates a reply with N
 * E), and a stale sync sequence (an earlier attempt's) that happens to match
 * leaves only markers behind it, which fail the next request as out of step:
 * never a signature for the wrong request. A current device answers both
 * markers' requests E, never N, so it can never pass for the original. */
#define SYNC_MARKS 16
enum { MARK_N = 0, MARK_E = 1 };

/* MARK_E, MARK_N, or -1 for any other line. */
static int legacy_marker(const char *line, size_t len)
{
    static const char e[] = "ERROR invalid-command", n[] = "ERROR awsaccesskeyid-not-found";
    if (len == sizeof e - 1 && memcmp(line, e, len) == 0)
        return MARK_E;
    if (len == sizeof n - 1 && memcmp(line, n, len) == 0)
        return MARK_N;
    return -1;
}

/* Reads one reply line into p: REPLY_DONE, REPLY_MORE (p wants another
 * line: a legacy checkpoint's first marker) or REPLY_WRONG if it cannot be
 * p's reply. */
enum { REPLY_WRONG, REPLY_MORE, REPLY_DONE };
static int take_reply(const struct awsv2__due_link *l, struct pending *p, const char *line,
                      size_t len)
{
    if (l->legacy) {
        int m = legacy_marker(line, len);
        if (p->type != P_PING)
            return m < 0 && take_reply_modern(p, line, len) ? REPLY_DONE : REPLY_WRONG;
        p->status = AWSV2_OK;
        if (m != (p->marked ? MARK_E : MARK_N))
            return REPLY_WRONG;
        if (p->marked)
            return REPLY_DONE;
        p->marked = true;
        return REPLY_MORE;
    }
    return take_reply_modern(p, line, len) ? REPLY_DONE : REPLY_WRONG;
}

static bool handle_line(struct awsv2__due_link *l, const char *line, size_t len)
{
    struct pending *p = l->awaiting;
    if (!p) {
        fail_all(l, AWSV2_E_PROTOCOL, "the device sent a reply nobody asked for");
        return false;
    }
    int got = take_reply(l, p, line, len);
    if (got == REPLY_WRONG) {
        bool marker = p->type == P_PING || (l->legacy && legacy_marker(line, len) >= 0);
        fail_all(l, AWSV2_E_PROTOCOL, marker ? "the device's replies are out of step (lost reply)"
                                             : "garbled or unexpected reply from the device");
        return false;
    }
    if (got == REPLY_MORE)
        return true;
    p->state = P_REPLIED;
    l->awaiting = p->next;
    l->in_flight--;
    if (p->type == P_PING) {
        if (p->pooled)
            l->checkpoints--;
        confirm_through(l, p);
    } else if (p->tag) {
        bool retry = false;
        if (p->status == AWSV2_E_REFUSED && awsv2__due_delta_code_drops(p->code, &retry)) {
            awsv2__due_delta_dropped(&l->dz, p->tag);
            p->retry = retry;
        }
        confirm_through(l, p);
    }
    return true;
}

/* Hands every complete line in rbuf to its request. */
static void dispatch(struct awsv2__due_link *l)
{
    size_t start = 0;
    char *nl;
    while ((nl = memchr(l->rbuf + start, '\n', l->rlen - start))) {
        size_t len = (size_t)(nl - (l->rbuf + start));
        if (len && l->rbuf[start + len - 1] == '\r')
            len--;
        /* Once broken, no line is attributed to anything until resync. */
        if (l->need_sync || !handle_line(l, l->rbuf + start, len)) {
            awsv2_wipe(l->rbuf, l->rlen);
            l->rlen = 0;
            return;
        }
        start = (size_t)(nl - l->rbuf) + 1;
    }
    memmove(l->rbuf, l->rbuf + start, l->rlen - start);
    /* A reply can hold key material (DERIVE-AWS-V4): leave no stale copy. */
    awsv2_wipe(l->rbuf + l->rlen - start, start);
    l->rlen -= start;
    if (l->rlen == sizeof l->rbuf) {
        fail_all(l, AWSV2_E_PROTOCOL, "the device sent an overlong line");
        l->rlen = 0;
    }
}

#define WORD_MAX 128 /* a SIGN-AWS-V4 scope word: the longest key id */

/* A request is up to four pieces before its NUL. */
struct pieces {
    char head[16 + 3 * (WORD_MAX + 1)]; /* "SIGN-AWS-V4 <key id> <region> <service>\n" */
    const char *part[4];
    size_t len[4], n, total;
};

static void add_piece(struct pieces *r, const char *s, size_t len)
{
    r->part[r->n] = s;
    r->len[r->n++] = len;
    r->total += len;
}

/* False when the SIGN-AWS-V4 line does not fit (never once its words were
 * checked). */
static bool request_pieces(const struct pending *p, bool legacy, struct pieces *r)
{
    r->n = r->total = 0;
    switch (p->type) {
    case P_SIGN:
        add_piece(r, "SIGN-AWS-V2 ", 12);
        add_piece(r, p->job->string_to_sign, p->job->len);
        break;
    case P_SIGN4: {
        const awsv2_sign4_job *j = p->job4;
        int n = snprintf(r->head, sizeof r->head, "SIGN-AWS-V4 %s %s %s\n", j->key_id, j->region,
                         j->service);
        if (n < 0 || (size_t)n >= sizeof r->head)
            return false;
        add_piece(r, r->head, (size_t)n);
        add_piece(r, j->canonical_request, j->canonical_request_len);
        if (j->payload) {
            add_piece(r, "\n", 1);
            add_piece(r, j->payload, j->payload_len);
        }
        break;
    }
    case P_PING:
        if (legacy) /* the checkpoint pair: see "Legacy mode" */
            add_piece(r, "SIGN-AWS-V2 -\0", 14);
        add_piece(r, "PING ", 5);
        add_piece(r, p->nonce, strlen(p->nonce));
        break;
    case P_COMMAND:
        add_piece(r, p->command, strlen(p->command));
        break;
    }
    return true;
}

static awsv2_status build_request(struct awsv2__due_link *l, const struct pending *p, size_t *n,
                                  awsv2_error *err)
{
    struct pieces r;
    if (!request_pieces(p, l->legacy, &r))
        return awsv2__fail(err, AWSV2_E_INVALID, "request too long for the device");
    *n = r.total + 1;
    if (*n > l->wcap) {
        /* The old buffer may hold a PUT-KEY's secret: never leave it to
         * realloc. */
        char *w = malloc(*n);
        if (!w)
            return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
        awsv2_wipe(l->wbuf, l->wcap);
        free(l->wbuf);
        l->wbuf = w;
        l->wcap = *n;
    }
    size_t at = 0;
    for (size_t i = 0; i < r.n; i++) {
        memcpy(l->wbuf + at, r.part[i], r.len[i]);
        at += r.len[i];
    }
    l->wbuf[at] = '\0';
    return AWSV2_OK;
}

/* Writes p and queues it; on failure p is P_DONE with the reason and
 * everything in flight has failed with it. */
static awsv2_status send_request(struct awsv2__due_link *l, struct pending *p)
{
    awsv2_error e = AWSV2_ERROR_INIT;
    size_t n = 0;
    awsv2_status st = build_request(l, p, &n, &e);
    const char *data = l->wbuf;
    p->tag = 0;
    /* A signing request goes as a compact frame when the device takes
     * them; one too long for the device goes whole, to be refused. */
    if (!st && l->delta && (p->type == P_SIGN || p->type == P_SIGN4) &&
        n - 1 <= AWSV2__DUE_REQUEST_MAX) {
        st = awsv2__due_delta_frame(&l->dz, l->wbuf, n - 1, &l->zbuf, &l->zcap, &n, &p->tag, &e);
        if (!st) {
            l->zbuf[n++] = '\0';
            data = l->zbuf;
        }
    }
    if (!st)
        st = awsv2__serial_write(l->port, data, n, p->deadline_ms, &e);
    if (p->type == P_COMMAND)
        awsv2_wipe(l->wbuf, n); /* PUT-KEY carries a secret */
    if (st) {
        if (st == AWSV2_E_TIMEOUT)
            snprintf(e.message, sizeof e.message, "the device did not take the request within "
                     "%lu ms", l->timeout_ms);
        if (st != AWSV2_E_NOMEM && st != AWSV2_E_INVALID)
            fail_all(l, st, e.message);
        p->status = st;
        set_why(p, e.message);
        p->state = P_DONE;
        return st;
    }
    p->state = P_WAITING;
    p->next = NULL;
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

/* Writes a checkpoint PING behind the last request unless a PING follows
 * it already (see the top of the file). The pool cannot run dry: a queued
 * checkpoint follows its own request, which is in flight (at most window)
 * or, for the one whose PONG is due next, just answered. */
static void checkpoint(struct awsv2__due_link *l)
{
    if (!l->tail || l->tail->type == P_PING || l->tail->tag || l->need_sync || !l->spare)
        return;
    struct pending *p = l->spare;
    l->spare = p->next;
    memset(p, 0, sizeof *p);
    p->type = P_PING;
    p->pooled = true;
    p->deadline_ms = l->tail->deadline_ms;
    awsv2_error e = AWSV2_ERROR_INIT;
    if (make_nonce(p->nonce, &e)) {
        finish(l, p);
        fail_all(l, AWSV2_E_SIGNER, e.message);
        return;
    }
    if (send_request(l, p) == AWSV2_OK)
        l->checkpoints++;
    else
        finish(l, p);
}

/* ---- Resynchronising ---------------------------------------------------
 * With the mutex, nothing in flight, nobody reading. */

/* What resynchronising waits for: "PONG <nonce>", or in legacy mode the
 * whole sequence of markers `pattern` (SYNC_MARKS bits, E a 1, first
 * written first). */
struct sync_wait {
    const char *nonce;
    uint32_t pattern, bits;
    unsigned run;       /* markers in a row so far */
    bool heard;         /* any byte came */
    bool refused;       /* a line was "ERROR invalid-command" */
    long long quiet_ms; /* after such a line, wait this long at most for the PONG */
};

static bool sync_line(struct sync_wait *w, const char *line, size_t len)
{
    int m = legacy_marker(line, len);
    if (m == MARK_E)
        w->refused = true;
    if (w->nonce)
        return awsv2__due_is_pong(line, len, w->nonce);
    if (m < 0) {
        w->run = 0;
        return false;
    }
    w->bits = (w->bits << 1 | (uint32_t)m) & ((1u << SYNC_MARKS) - 1);
    if (w->run < SYNC_MARKS)
        w->run++;
    return w->run == SYNC_MARKS && w->bits == w->pattern;
}

/* Replies and requests are in step again, after line (the PONG, or NULL
 * in legacy mode): the device dropped its compact frames' reference with
 * the lone NUL, and takes such frames if its PONG says so. */
static void synced(struct awsv2__due_link *l, const char *line, size_t len)
{
    l->delta = line && awsv2__due_delta_in_pong(line, len);
    awsv2__due_delta_reset(&l->dz);
}

/* Reads lines until the one w waits for; everything before it is stale
 * and skipped. */
static awsv2_status await_sync(struct awsv2__due_link *l, struct sync_wait *w, long long deadline,
                               awsv2_error *err)
{
    for (;;) {
        char *nl;
        while ((nl = memchr(l->rbuf, '\n', l->rlen))) {
            size_t len = (size_t)(nl - l->rbuf), rest = l->rlen - len - 1;
            bool done = sync_line(w, l->rbuf, len && nl[-1] == '\r' ? len - 1 : len);
            if (done) /* in step: compact frames start over, if the PONG offers them */
                synced(l, w->nonce ? l->rbuf : NULL, len && nl[-1] == '\r' ? len - 1 : len);
            memmove(l->rbuf, nl + 1, rest);
            l->rlen = rest;
            if (done)
                return AWSV2_OK;
        }
        if (l->rlen == sizeof l->rbuf)
            l->rlen = 0; /* line noise while the board boots */
        if (w->refused && w->quiet_ms) {
            long long quiet = awsv2__serial_now_ms() + w->quiet_ms;
            if (quiet < deadline)
                deadline = quiet;
            w->quiet_ms = 0;
        }
        size_t got = 0;
        awsv2_status st = awsv2__serial_read(l->port, l->rbuf + l->rlen,
                                             sizeof l->rbuf - l->rlen, &got, deadline, err);
        if (st)
            return st;
        w->heard = true;
        l->rlen += got;
    }
}

/* Resynchronising in legacy mode (see "Legacy mode"), by end. */
static awsv2_status legacy_sync(struct awsv2__due_link *l, long long end, struct sync_wait *w,
                                awsv2_error *err)
{
    while (awsv2__serial_now_ms() < end) {
        unsigned char raw[2];
        if (RAND_bytes(raw, sizeof raw) != 1)
            return awsv2__fail(err, AWSV2_E_SIGNER, "no random bytes for a resynchronisation");
        w->nonce = NULL;
        w->run = 0;
        /* E E N, then random markers */
        w->pattern = (6u << (SYNC_MARKS - 3)) |
                     (((uint32_t)raw[0] << 8 | raw[1]) & ((1u << (SYNC_MARKS - 3)) - 1));
        char req[1 + SYNC_MARKS * sizeof "SIGN-AWS-V2 -"];
        size_t n = 0;
        req[n++] = '\0'; /* ends a half-written request; answered with nothing */
        for (int i = SYNC_MARKS - 1; i >= 0; i--) {
            const char *m = (w->pattern >> i) & 1 ? "PING" : "SIGN-AWS-V2 -";
            memcpy(req + n, m, strlen(m) + 1);
            n += strlen(m) + 1;
        }
        long long attempt = awsv2__serial_now_ms() + PING_RETRY_MS;
        if (attempt > end)
            attempt = end;
        awsv2_status st = awsv2__serial_write(l->port, req, n, attempt, err);
        if (!st)
            st = await_sync(l, w, attempt, err);
        if (st != AWSV2_E_TIMEOUT)
            return st;
    }
    return AWSV2_E_TIMEOUT;
}

/* Drains, ends any half-written request with a lone NUL (the device answers
 * it with an error we skip), then PINGs with fresh nonces until the matching
 * PONG or the deadline: from there on, replies and requests are in step.
 * While opening (l->probing), a device that answers "ERROR invalid-command"
 * and no PONG is tried as the original firmware. */
static awsv2_status sync_link(struct awsv2__due_link *l, long long end, awsv2_error *err)
{
    long long start = awsv2__serial_now_ms();
    struct sync_wait w = {0};
    awsv2__serial_discard_input(l->port);
    l->rlen = 0;
    if (l->legacy) {
        awsv2_status st = legacy_sync(l, end, &w, err);
        return st != AWSV2_E_TIMEOUT ? st
                                     : awsv2__fail(err, st, "the device at '%s' (original "
                                                   "firmware) did not answer within %lld ms",
                                                   l->path, end - start);
    }
    for (bool first = true; awsv2__serial_now_ms() < end; first = false) {
        char nonce[NONCE_HEX_SIZE], ping[1 + 5 + NONCE_HEX_SIZE];
        awsv2_status st = make_nonce(nonce, err);
        if (st)
            return st;
        size_t n = first ? 1 : 0; /* the lone NUL */
        ping[0] = '\0';
        n += (size_t)snprintf(ping + n, sizeof ping - n, "PING %s", nonce) + 1;
        long long attempt = awsv2__serial_now_ms() + PING_RETRY_MS;
        if (attempt > end)
            attempt = end;
        w.nonce = nonce;
        w.refused = false;
        /* A current device answers PING with PONG at once; an error line
         * before it can only answer a half-written request the lone NUL
         * ended, and comes right before the PONG. A silence after the error
         * is the original firmware's (probed below; a slow current device
         * only costs the probe). */
        w.quiet_ms = l->probing ? LEGACY_QUIET_MS : 0;
        st = awsv2__serial_write(l->port, ping, n, attempt, err);
        if (!st)
            st = await_sync(l, &w, attempt, err);
        if (st == AWSV2_E_TIMEOUT && w.refused && l->probing) {
            long long probe = awsv2__serial_now_ms() + 2 * PING_RETRY_MS;
            l->legacy = true;
            st = legacy_sync(l, probe < end ? probe : end, &w, err);
            if (st)
                l->legacy = false;
        }
        if (st != AWSV2_E_TIMEOUT)
            return st;
    }
    if (!w.heard)
        return awsv2__fail(err, AWSV2_E_TIMEOUT,
                           "the device at '%s' sent nothing within %lld ms: check that it is "
                           "the Due's port (its native USB port, or its programming port, "
                           "which takes a few seconds to boot after opening) and that the "
                           "sketch is loaded (firmware/hsm, or the original hsm.ino)",
                           l->path, end - start);
    return awsv2__fail(err, AWSV2_E_TIMEOUT,
                       "the device at '%s' did not answer PING within %lld ms although it "
                       "sent something: is it running the sketch (firmware/hsm, or the "
                       "original hsm.ino), at 115200 baud?",
                       l->path, end - start);
}

/* Before the next request after a failure, by its deadline. Reopens the
 * same path (a device that re-enumerated, or the emulator's --symlink) when
 * the old one vanished, then resynchronises. */
static awsv2_status recover(struct awsv2__due_link *l, long long deadline, awsv2_error *err)
{
    if (l->need_reopen || !l->port) {
        awsv2__serial_close(l->port);
        l->port = NULL;
        awsv2_status st = awsv2__serial_open(&l->port, l->path, err);
        if (st)
            return st;
        l->need_reopen = false;
    }
    awsv2_status st = sync_link(l, deadline, err);
    if (st == AWSV2_E_DEVICE)
        l->need_reopen = true;
    if (st)
        return st;
    l->need_sync = false;
    return AWSV2_OK;
}

/* ---- Taking turns at I/O ------------------------------------------------ */

/* One round as the reader: write the checkpoint the queue lacks, if any, wait
 * (without the mutex) for bytes until the earliest deadline of the
 * unconfirmed requests, then give out the lines. Called with the mutex,
 * nobody reading, something unconfirmed, no recovery pending. */
static void read_round(struct awsv2__due_link *l)
{
    checkpoint(l);
    if (l->need_sync || !l->awaiting)
        return; /* the checkpoint could not be written: all failed */
    long long deadline = LLONG_MAX;
    for (const struct pending *p = l->head; p; p = p->next)
        if (p->deadline_ms < deadline)
            deadline = p->deadline_ms;
    struct awsv2__serial *port = l->port;
    char *dst = l->rbuf + l->rlen;
    size_t room = sizeof l->rbuf - l->rlen, got = 0;
    awsv2_error e = AWSV2_ERROR_INIT;

    l->reading = true;
    pthread_mutex_unlock(&l->mu);
    awsv2_status st = awsv2__serial_read(port, dst, room, &got, deadline, &e);
    pthread_mutex_lock(&l->mu);
    l->reading = false;
    if (st == AWSV2_E_TIMEOUT)
        snprintf(e.message, sizeof e.message, "the device did not answer within %lu ms",
                 l->timeout_ms);
    if (st) {
        fail_all(l, st, e.message);
    } else {
        l->rlen += got;
        dispatch(l);
    }
    pthread_cond_broadcast(&l->cv);
}

/* Moves things along: be the reader if something is unconfirmed and nobody
 * reads, else sleep until someone changes something (or deadline_ms). */
static void progress(struct awsv2__due_link *l, long long deadline_ms)
{
    if (!l->reading && l->head && !l->need_sync) {
        read_round(l);
        return;
    }
    struct timespec ts = {.tv_sec = deadline_ms / 1000, .tv_nsec = deadline_ms % 1000 * 1000000};
    pthread_cond_timedwait(&l->cv, &l->mu, &ts);
}

/* Whoever reads waits no later than the earliest deadline in the queue, so
 * a queued request is done by its own. */
static void wait_done(struct awsv2__due_link *l, struct pending *p)
{
    while (p->state != P_DONE)
        progress(l, p->deadline_ms);
}

static void fail_one(struct pending *p, awsv2_status st, const char *why)
{
    p->status = st;
    set_why(p, why);
    p->state = P_DONE;
}

/* Waits for room (recovering first when needed), then writes p; all by
 * p->deadline_ms. */
static awsv2_status submit(struct awsv2__due_link *l, struct pending *p)
{
    for (;;) {
        if (awsv2__serial_now_ms() >= p->deadline_ms) {
            char why[96];
            snprintf(why, sizeof why, "the link stayed busy for %lu ms", l->timeout_ms);
            fail_one(p, AWSV2_E_TIMEOUT, why);
            return AWSV2_E_TIMEOUT;
        }
        if (l->need_sync && !l->reading && !l->head) {
            awsv2_error e = AWSV2_ERROR_INIT;
            awsv2_status st = recover(l, p->deadline_ms, &e);
            if (st) {
                fail_one(p, st, e.message);
                return st;
            }
            continue;
        }
        bool room = p->type == P_COMMAND ? !l->head
                                         : l->in_flight - l->checkpoints < l->window;
        if (!l->need_sync && !l->exclusive && room) {
            awsv2_status st = send_request(l, p);
            if (!st)
                checkpoint(l);
            return st;
        }
        progress(l, p->deadline_ms);
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
    if (window > WINDOW_MAX || timeout_ms == 0 || timeout_ms > LLONG_MAX / 4)
        return awsv2__fail(err, AWSV2_E_SPEC, "window must be 1..%d and timeout_ms positive",
                           WINDOW_MAX);
    struct awsv2__due_link *l = calloc(1, sizeof *l);
    if (!l || !(l->path = awsv2__strdup(path))) {
        free(l);
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* awsv2__serial_now_ms's clock */
    pthread_mutex_init(&l->mu, NULL);
    pthread_cond_init(&l->cv, &ca);
    pthread_condattr_destroy(&ca);
    l->timeout_ms = timeout_ms;
    awsv2_status st = awsv2__serial_open(&l->port, path, err);
    if (!st) {
        l->window = window ? window : default_window(awsv2__serial_kind(l->port));
        if (!(l->pool = calloc(l->window + 1, sizeof *l->pool)))
            st = awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
        for (unsigned long i = 0; !st && i <= l->window; i++) {
            l->pool[i].pooled = true;
            l->pool[i].next = l->spare;
            l->spare = &l->pool[i];
        }
    }
    if (!st) {
        /* Opening the programming port resets the board: give it time. */
        unsigned long wait = timeout_ms > BOOT_TIMEOUT_MS ? timeout_ms : BOOT_TIMEOUT_MS;
        l->probing = true;
        st = sync_link(l, awsv2__serial_now_ms() + (long long)wait, err);
        l->probing = false;
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
    awsv2_wipe(l->wbuf, l->wcap);
    awsv2_wipe(l->rbuf, sizeof l->rbuf);
    awsv2_wipe(l->zbuf, l->zcap);
    awsv2__due_delta_free(&l->dz);
    free(l->zbuf);
    free(l->wbuf);
    free(l->pool);
    free(l->path);
    free(l);
}

unsigned long awsv2__due_link_window(const struct awsv2__due_link *l)
{
    return l->window;
}

bool awsv2__due_link_legacy(const struct awsv2__due_link *l)
{
    return l->legacy;
}

/* What the original firmware cannot do, refused before anything is sent. */
static awsv2_status legacy_refuse(const struct awsv2__due_link *l, const char *what,
                                  awsv2_error *err)
{
    return awsv2__fail(err, AWSV2_E_UNAVAILABLE,
                       "the device at '%s' runs the original firmware (hsm.ino), which knows "
                       "SIGN-AWS-V2 with HmacSHA1 only: it cannot %s; load firmware/hsm for "
                       "that",
                       l->path, what);
}

static long long deadline_after(const struct awsv2__due_link *l)
{
    return awsv2__serial_now_ms() + (long long)l->timeout_ms;
}

static awsv2_status pending_error(const struct awsv2__due_link *l, const struct pending *p,
                                  awsv2_error *err)
{
    if (p->status == AWSV2_E_REFUSED)
        return awsv2_error_set(err, p->status, p->code, "the device at '%s' refused: %s",
                                l->path, p->code);
    if (p->status == AWSV2_E_INVALID)
        return awsv2__fail(err, p->status, "not a string to sign: never sent to the device");
    return awsv2__fail(err, p->status, "device '%s': %s", l->path, p->why);
}

/* Sends again, whole, each of the n requests whose compact frame the
 * device could not rebuild (its reference was gone, or the frame was
 * damaged), and waits for them. Once: a second such refusal stands. */
static void retry_whole(struct awsv2__due_link *l, struct pending *ps, size_t n)
{
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        struct pending *p = &ps[i];
        if (!p->retry)
            continue;
        p->retry = false;
        p->status = AWSV2_OK;
        p->code[0] = '\0';
        p->deadline_ms = deadline_after(l);
        submit(l, p);
        any = true;
    }
    for (size_t i = 0; any && i < n; i++)
        wait_done(l, &ps[i]);
}

/* Sends p alone, in turn with the other callers' requests, and waits for
 * its reply or its deadline. */
static awsv2_status run_one(struct awsv2__due_link *l, struct pending *p, awsv2_error *err)
{
    pthread_mutex_lock(&l->mu);
    if (!submit(l, p))
        wait_done(l, p);
    retry_whole(l, p, 1);
    if (p->status)
        pending_error(l, p, err);
    pthread_mutex_unlock(&l->mu);
    return p->status;
}

awsv2_status awsv2__due_link_sign(struct awsv2__due_link *l, awsv2_sign_job *const *jobs, size_t n,
                                  awsv2_error *err)
{
    long long start_deadline = deadline_after(l);
    struct pending *ps = calloc(n ? n : 1, sizeof *ps);
    if (!ps)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    pthread_mutex_lock(&l->mu);
    /* Once the device cannot be reached (recovery or a write failed), the
     * rest is not sent: each try could cost the whole timeout again. */
    const struct pending *gone = NULL;
    for (size_t i = 0; i < n; i++) {
        struct pending *p = &ps[i];
        p->type = P_SIGN;
        p->job = jobs[i];
        /* A job's clock starts with the call or, in a batch, when the job
         * before it went out. */
        p->deadline_ms = i ? deadline_after(l) : start_deadline;
        /* Defence in depth: awsv2_signer_sign checked already, but a NUL or
         * a newline too many would smuggle a command to the device. */
        if (!awsv2_string_to_sign_is_valid(jobs[i]->string_to_sign, jobs[i]->len)) {
            p->status = AWSV2_E_INVALID;
            p->state = P_DONE;
        } else if (gone) {
            fail_one(p, gone->status, gone->why);
        } else if (submit(l, p)) {
            gone = p;
        }
    }
    for (size_t i = 0; i < n; i++)
        wait_done(l, &ps[i]);
    retry_whole(l, ps, n);
    awsv2_status first = AWSV2_OK;
    for (size_t i = 0; i < n; i++) {
        jobs[i]->status = ps[i].status;
        if (ps[i].status && !first)
            first = pending_error(l, &ps[i], err);
    }
    pthread_mutex_unlock(&l->mu);
    free(ps);
    return first;
}

/* One word of printable ASCII: the SIGN-AWS-V4 line separates its
 * arguments with single spaces. */
static bool word(const char *s)
{
    if (!s || !*s || strlen(s) > WORD_MAX)
        return false;
    for (; *s; s++)
        if (*s <= ' ' || *s > '~')
            return false;
    return true;
}

awsv2_status awsv2__due_link_sign4(struct awsv2__due_link *l, awsv2_sign4_job *job,
                                   awsv2_error *err)
{
    struct pending p = {.type = P_SIGN4, .job4 = job, .deadline_ms = deadline_after(l)};
    /* Defence in depth, as for SIGN-AWS-V2: a NUL would end the request and
     * make the rest a second command; a space or newline would move the
     * scope's words. */
    if (!word(job->key_id) || !word(job->region) || !word(job->service) ||
        memchr(job->canonical_request, '\0', job->canonical_request_len) ||
        (job->payload && memchr(job->payload, '\0', job->payload_len)))
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "not a SigV4 request the device can take: never sent to it");
    if (l->legacy)
        return legacy_refuse(l, "sign Signature Version 4 (--signature-version 2 signs where "
                                "the region takes SigV2)", err);
    struct pieces r;
    if (!request_pieces(&p, false, &r) || r.total > AWSV2__DUE_REQUEST_MAX)
        return awsv2_error_set(err, AWSV2_E_INVALID, "message-too-long",
                               "the SIGN-AWS-V4 request would be %zu bytes; the device at '%s' "
                               "takes at most %d (message-too-long): never sent to it",
                               r.total, l->path, AWSV2__DUE_REQUEST_MAX);
    return run_one(l, &p, err);
}

awsv2_status awsv2__due_link_ping(struct awsv2__due_link *l, awsv2_error *err)
{
    struct pending p = {.type = P_PING, .deadline_ms = deadline_after(l)};
    awsv2_status st = make_nonce(p.nonce, err);
    if (st)
        return st;
    return run_one(l, &p, err);
}

awsv2_status awsv2__due_link_command(struct awsv2__due_link *l, const char *command, char *reply,
                                     size_t cap, awsv2_error *err)
{
    if (!awsv2__due_line_printable(command, strlen(command)) || !*command)
        return awsv2__fail(err, AWSV2_E_INVALID, "a device command is printable ASCII");
    if (l->legacy) {
        char what[48];
        snprintf(what, sizeof what, "take %.*s", (int)strcspn(command, " "), command);
        return legacy_refuse(l, what, err);
    }
    struct pending p = {.type = P_COMMAND, .command = command, .reply = reply, .reply_cap = cap,
                        .deadline_ms = deadline_after(l)};
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
