/* SQS queues and their messages, in memory. Thread-safe: every call takes
 * the store's one lock; a ReceiveMessage long poll waits on it for a
 * message to arrive. */
#ifndef AWSV2_MOCK_SQS_STORE_H
#define AWSV2_MOCK_SQS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sqs_attrs.h"

/* Receipt handles: this many lower-case hex digits. */
#define SQS_HANDLE_LEN 64

typedef struct sqs_store sqs_store;
/* A message in a queue; owned by the store. */
typedef struct sqs_message sqs_message;

/* NULL when out of memory. */
sqs_store *sqs_store_new(void);
void sqs_store_free(sqs_store *s);
/* Wakes every long poll and makes new ones return at once, so the HTTP
 * server can stop without waiting for them. */
void sqs_store_shutdown(sqs_store *s);

/* Idempotent; false when out of memory. */
bool sqs_store_create_queue(sqs_store *s, const char *name);
bool sqs_store_has_queue(sqs_store *s, const char *name);
/* Adds a message, visible after delay_seconds, and writes its id. Takes
 * attrs whatever happens; false: no such queue, or out of memory. */
bool sqs_store_send(sqs_store *s, const char *queue, const char *body, const char *sender,
                    sqs_attrs *attrs, long delay_seconds, char id[37]);
/* Hands up to max visible messages to emit (called under the lock), hiding
 * each for visibility_ms with a new receipt handle; waits up to wait_ms for
 * a first one. False: no such queue. */
bool sqs_store_receive(sqs_store *s, const char *queue, size_t max, int64_t visibility_ms,
                       int64_t wait_ms, void (*emit)(void *ctx, const sqs_message *m),
                       void *ctx);
/* Deletes the message whose latest receipt handle is handle (none: fine).
 * False: no such queue. */
bool sqs_store_delete(sqs_store *s, const char *queue, const char *handle);

/* What emit may read of a message. */
const char *sqs_message_id(const sqs_message *m);
const char *sqs_message_body(const sqs_message *m);
const char *sqs_message_handle(const sqs_message *m); /* of this receive */
const char *sqs_message_sender(const sqs_message *m); /* the key id that signed it */
const sqs_attrs *sqs_message_attrs(const sqs_message *m);
int64_t sqs_message_sent_ms(const sqs_message *m);          /* epoch milliseconds */
int64_t sqs_message_first_receive_ms(const sqs_message *m); /* epoch milliseconds */
unsigned long sqs_message_receives(const sqs_message *m);

#endif
