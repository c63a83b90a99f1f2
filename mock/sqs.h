/* SQS's pieces (sqs.c, sqs_store.c, sqs_attrs.c). */
#ifndef AWSV2_MOCK_SQS_H
#define AWSV2_MOCK_SQS_H

#include "mock.h"

/* SQS's limits. */
#define SQS_MESSAGE_MAX 262144
#define SQS_ATTRS_MAX 10
#define SQS_HANDLE_LEN 64

/* One message attribute; value holds the String/Number text or the decoded
 * Binary bytes. */
typedef struct sqs_attr {
    char *name;
    char *type;
    unsigned char *value;
    size_t len;
} sqs_attr;

typedef struct sqs_attrs {
    sqs_attr *v;
    size_t n;
} sqs_attrs;

typedef struct sqs_message {
    char id[37];
    char *body;
    sqs_attrs attrs;
    char *sender;               /* the AWSAccessKeyId that sent it */
    int64_t sent_ms;            /* epoch milliseconds */
    int64_t first_receive_ms;   /* epoch milliseconds, 0 before the first */
    int64_t visible_at;         /* monotonic milliseconds */
    unsigned long receives;
    char handle[SQS_HANDLE_LEN + 1]; /* of the latest receive, "" before */
} sqs_message;

/* Attributes of a SendMessage (MessageAttribute.N.*); replies and returns
 * false when they are malformed. *size adds up names, types and values.
 * Free out with sqs_attrs_free either way. */
bool sqs_attrs_parse(mock_call *c, sqs_attrs *out, size_t *size);
void sqs_attrs_free(sqs_attrs *attrs);
/* AWS's MD5OfMessageAttributes of n attributes (in any order), lower-case
 * hex. */
void sqs_attrs_md5(const sqs_attr *const *v, size_t n, char hex[33]);

/* Lower-case hex MD5 of len bytes (MD5OfMessageBody). */
void sqs_md5_hex(const void *data, size_t len, char hex[33]);

/* The queue a message action is for: the path /ACCOUNT/NAME, else the
 * QueueUrl parameter; it exists. NULL after replying. */
const char *mock_sqs_queue_of(mock_call *c);

/* The store; every call takes the store's lock. False: no such queue. */
bool sqs_queue_create(mock_sqs *sqs, const char *name);
bool sqs_queue_exists(mock_sqs *sqs, const char *name);
/* Takes msg (heap-allocated) on success. */
bool sqs_send(mock_sqs *sqs, const char *queue, sqs_message *msg);
/* Hands up to max visible messages to emit (under the lock), hiding each
 * for visibility_ms with a new receipt handle; waits up to wait_ms for a
 * first one. */
bool sqs_receive(mock_sqs *sqs, const char *queue, size_t max, int64_t visibility_ms,
                 int64_t wait_ms, void (*emit)(void *ctx, const sqs_message *m), void *ctx);
/* Deletes the message whose latest receipt handle is handle (none: fine). */
bool sqs_delete(mock_sqs *sqs, const char *queue, const char *handle);
void sqs_message_free(sqs_message *m);

int64_t sqs_epoch_ms(void);
/* The clock of visible_at. */
int64_t sqs_mono_ms(void);

#endif
