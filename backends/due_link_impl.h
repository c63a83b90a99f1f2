/* The inside of the due link, shared by due_link.c (threads, API),
 * due_queue.c (requests in flight, matching replies) and due_sync.c
 * (PING-nonce resynchronisation). Every function here is called with the
 * link's mutex held. */
#ifndef AWSV2_DUE_LINK_IMPL_H
#define AWSV2_DUE_LINK_IMPL_H

#include <pthread.h>
#include <stdbool.h>

#include "due_link.h"
#include "serial_port.h"

#define NONCE_BYTES 8
#define READ_BUF_SIZE 16384 /* more than any reply line, KEYS included */
enum pending_type { P_SIGN, P_PING, P_COMMAND };
enum pending_state { P_WAITING, P_REPLIED, P_DONE };

/* One request, from its write to its confirmed (or failed) reply. Owned by
 * the thread waiting for it; queued while not P_DONE. */
struct pending {
    struct pending *next;
    enum pending_type type;
    enum pending_state state;
    awsv2_sign_job *job;      /* P_SIGN */
    const char *command;      /* P_COMMAND */
    char *reply;              /* P_COMMAND: the reply line */
    size_t reply_cap;
    char nonce[2 * NONCE_BYTES + 1]; /* P_PING */
    long long sent_ms;
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
    struct pending *head, *tail; /* unconfirmed requests in write order */
    struct pending *awaiting;    /* the oldest one without its reply line */
    unsigned long in_flight;     /* written, reply line not read yet */
    struct pending checkpoint;   /* the checkpoint PING; one at a time */
    bool checkpoint_busy;
    long long last_reply_ms;
    char *wbuf;
    size_t wcap;
    size_t rlen;
    char rbuf[READ_BUF_SIZE];
};

/* Copies why (truncated) into p->why. */
void awsv2__due_set_why(struct pending *p, const char *why);
/* Fails every unconfirmed request with st and marks the link for recovery
 * (and for reopening, with AWSV2_E_DEVICE). */
void awsv2__due_fail_all(struct awsv2__due_link *l, awsv2_status st, const char *why);
/* Hands every complete line in rbuf to its request. */
void awsv2__due_dispatch(struct awsv2__due_link *l);
/* Writes p and queues it; on failure p is P_DONE with the reason and
 * everything in flight has failed with it. */
awsv2_status awsv2__due_send(struct awsv2__due_link *l, struct pending *p);
/* Writes a checkpoint PING when provisional replies need one. */
void awsv2__due_checkpoint(struct awsv2__due_link *l);

/* A fresh random nonce, in hex. */
awsv2_status awsv2__due_nonce(char out[2 * NONCE_BYTES + 1], awsv2_error *err);
/* Drains, then PINGs until the matching PONG (a few seconds at most). */
awsv2_status awsv2__due_sync(struct awsv2__due_link *l, awsv2_error *err);
/* Reopens if needed, then awsv2__due_sync. Nothing in flight, nobody
 * reading. */
awsv2_status awsv2__due_recover(struct awsv2__due_link *l, awsv2_error *err);

#endif
