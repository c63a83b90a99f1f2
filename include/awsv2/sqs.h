/* SQS on the query API (version 2012-11-05): SendMessage, ReceiveMessage,
 * DeleteMessage, CreateQueue, GetQueueUrl. Requests are POSTed; queue
 * actions go to the queue URL, CreateQueue and GetQueueUrl to the client's
 * endpoint.
 *
 * Threads: the calls are as thread-safe as the awsv2_client they are given
 * (see client.h); the MD5 functions are thread-safe. Inputs are borrowed for
 * the duration of a call; received messages are the caller's until
 * awsv2_sqs_messages_free.
 *
 * Growing the ABI: the input and result structs the caller allocates start
 * with `size`; set it with their _INIT macro (a size of 0 means the first
 * published layout, the one below, so `= {0}` keeps working; a size
 * between 1 and that layout's size is AWSV2_E_INVALID). The library reads
 * and writes no member beyond size. */
#ifndef AWSV2_SQS_H
#define AWSV2_SQS_H

#include <stddef.h>

#include "awsv2/client.h"
#include "awsv2/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AWSV2_SQS_API_VERSION "2012-11-05"
/* The largest message: body and attributes (names, types, values)
 * together. */
#define AWSV2_SQS_MESSAGE_MAX 262144
/* A hex MD5 and its NUL. */
#define AWSV2_SQS_MD5_SIZE 33

/* One message attribute. data_type is "String", "Number" or "Binary",
 * optionally with a custom suffix ("Number.float"). value is value_len bytes:
 * UTF-8 text for String and Number, any bytes for Binary (the library
 * base64-encodes them on the wire). In a received message the strings
 * belong to the message (and value is NUL-terminated too).
 *
 * Frozen: callers build arrays of this value type, so it never grows (it
 * has no size field); a richer attribute would be a new type. */
typedef struct awsv2_sqs_attribute {
    const char *name;
    const char *data_type;
    const void *value;
    size_t value_len;
} awsv2_sqs_attribute;

/* Zero every field you do not set. All borrowed. */
typedef struct awsv2_sqs_send_input {
    size_t size; /* AWSV2_SQS_SEND_INPUT_INIT */
    const char *queue_url;
    /* UTF-8 of the characters SQS allows (#x9 #xA #xD #x20-#xD7FF
     * #xE000-#xFFFD #x10000-#x10FFFF); checked before sending. */
    const char *body;
    int delay_seconds; /* 0..900; sent when > 0 */
    const awsv2_sqs_attribute *attributes;
    size_t n_attributes;
} awsv2_sqs_send_input;

#define AWSV2_SQS_SEND_INPUT_INIT {.size = sizeof(awsv2_sqs_send_input)}

/* Filled by awsv2_sqs_send_message (zeroed first, within size). */
typedef struct awsv2_sqs_send_result {
    size_t size; /* AWSV2_SQS_SEND_RESULT_INIT */
    char message_id[128];
    char md5_of_body[AWSV2_SQS_MD5_SIZE];
    char md5_of_attributes[AWSV2_SQS_MD5_SIZE]; /* "" without attributes */
} awsv2_sqs_send_result;

#define AWSV2_SQS_SEND_RESULT_INIT {.size = sizeof(awsv2_sqs_send_result)}

/* Sends one message and checks the MD5s SQS computed against ours:
 * AWSV2_E_CHECKSUM on a mismatch (the message may still have been queued).
 * AWSV2_E_INVALID, before anything is sent, for a size field that is too
 * small or a message SQS would refuse. */
AWSV2_API awsv2_status awsv2_sqs_send_message(awsv2_client *client,
                                              const awsv2_sqs_send_input *in,
                                              awsv2_sqs_send_result *out, awsv2_error *err);

/* Zero every field you do not set. All borrowed. */
typedef struct awsv2_sqs_receive_input {
    size_t size; /* AWSV2_SQS_RECEIVE_INPUT_INIT */
    const char *queue_url;
    int max_messages;       /* 1..10; 0: 1 */
    int wait_time_seconds;  /* long polling, 0..20; 0: not sent */
    int visibility_timeout; /* seconds; 0: the queue's default */
} awsv2_sqs_receive_input;

#define AWSV2_SQS_RECEIVE_INPUT_INIT {.size = sizeof(awsv2_sqs_receive_input)}

/* A received message; every pointer is owned by its awsv2_sqs_messages.
 * Only the library allocates it, so it may grow at its end: callers reach
 * it through awsv2_sqs_messages.messages and never copy or allocate one. */
typedef struct awsv2_sqs_message {
    char *message_id;
    char *receipt_handle; /* for awsv2_sqs_delete_message */
    char *body;           /* NUL-terminated, body_len bytes */
    size_t body_len;
    awsv2_sqs_attribute *attributes;
    size_t n_attributes;
} awsv2_sqs_message;

/* What one ReceiveMessage returned: messages[0 .. n_messages - 1]. Allocated
 * by the library (it may grow at its end); free it with
 * awsv2_sqs_messages_free. */
typedef struct awsv2_sqs_messages {
    awsv2_sqs_message **messages;
    size_t n_messages;
} awsv2_sqs_messages;

/* Receives up to max_messages messages with all their message attributes,
 * checking each one's MD5OfBody and MD5OfMessageAttributes
 * (AWSV2_E_CHECKSUM on a mismatch). An empty queue is success with
 * n_messages 0. *out is the caller's: free it with awsv2_sqs_messages_free
 * (NULL on failure). */
AWSV2_API awsv2_status awsv2_sqs_receive_message(awsv2_client *client,
                                                 const awsv2_sqs_receive_input *in,
                                                 awsv2_sqs_messages **out, awsv2_error *err);
/* Frees messages and every message and string in it; NULL is fine. */
AWSV2_API void awsv2_sqs_messages_free(awsv2_sqs_messages *messages);

AWSV2_API awsv2_status awsv2_sqs_delete_message(awsv2_client *client, const char *queue_url,
                                                const char *receipt_handle, awsv2_error *err);

/* Creates a queue (or finds the existing one of that name and attributes)
 * and writes its URL into url (cap bytes). attributes: NULL, or
 * name, value, name, value, ..., NULL (e.g. "VisibilityTimeout", "60"). */
AWSV2_API awsv2_status awsv2_sqs_create_queue(awsv2_client *client, const char *name,
                                              const char *const *attributes, char *url,
                                              size_t cap, awsv2_error *err);

/* The URL of an existing queue; owner_account_id may be NULL. */
AWSV2_API awsv2_status awsv2_sqs_get_queue_url(awsv2_client *client, const char *name,
                                               const char *owner_account_id, char *url,
                                               size_t cap, awsv2_error *err);

/* The MD5s SQS reports, computed locally: of a body, and of a set of
 * message attributes by AWS's documented algorithm (names sorted; each
 * name, data type and value length-prefixed, with transport type 1 for
 * String/Number and 2 for Binary). Lower-case hex into out. */
AWSV2_API awsv2_status awsv2_sqs_md5_of_body(const char *body, size_t len,
                                             char out[AWSV2_SQS_MD5_SIZE], awsv2_error *err);
AWSV2_API awsv2_status awsv2_sqs_md5_of_attributes(const awsv2_sqs_attribute *attributes,
                                                   size_t n, char out[AWSV2_SQS_MD5_SIZE],
                                                   awsv2_error *err);

#ifdef __cplusplus
}
#endif
#endif
