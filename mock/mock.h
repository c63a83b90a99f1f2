/* awsv2-mock: a local EC2 + SQS endpoint that verifies Signature Version 2.
 * The pieces shared by the mock's files; nothing here is installed. */
#ifndef AWSV2_MOCK_H
#define AWSV2_MOCK_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "awsv2/request.h"

/* The account id in queue URLs and reservations. */
#define MOCK_ACCOUNT_ID "123456789012"
/* The largest form body accepted (a 256 KiB message percent-encoded fits). */
#define MOCK_BODY_MAX ((size_t)1 << 20)
/* The most parameters a request may have (EC2 allows 50 filters of 200
 * values); more is refused before any quadratic work. */
#define MOCK_PARAMS_MAX 10050
/* How far Timestamp may be from the mock's clock, as AWS allows. */
#define MOCK_CLOCK_SKEW_SECONDS 900

/* ---- Credentials (creds.c) ---------------------------------------------- */

typedef struct mock_key {
    char *id;
    char *secret;
} mock_key;

typedef struct mock_keys {
    mock_key *v;
    size_t n;
} mock_keys;

/* Reads every profile's aws_access_key_id / aws_secret_access_key pair of a
 * shared-credentials file. On failure prints why (never a secret) to stderr. */
bool mock_keys_load(mock_keys *keys, const char *path);
/* The secret of id, or NULL. */
const char *mock_keys_secret(const mock_keys *keys, const char *id);
/* Wipes the secrets and frees. */
void mock_keys_free(mock_keys *keys);

/* ---- EC2 data (instances.c, default_instances.c) ------------------------ */

struct json_object;

/* One instance and the reservation it belongs to, both JSON objects owned
 * by mock_ec2_data.root and validated at load (every field read later is a
 * string, so reading them from many threads is safe). */
typedef struct mock_instance {
    struct json_object *reservation;
    struct json_object *instance;
    size_t launch_index; /* its place in the reservation */
} mock_instance;

typedef struct mock_ec2_data {
    struct json_object *root;
    mock_instance *v;
    size_t n;
} mock_ec2_data;

/* The built-in data set (a JSON text in the instances-file format). */
extern const char mock_default_instances[];

/* Loads an instances file, or the built-in set when path is NULL. On
 * failure prints why to stderr. */
bool mock_ec2_data_load(mock_ec2_data *data, const char *path);
void mock_ec2_data_free(mock_ec2_data *data);
/* A string field of a JSON object, or NULL when absent. */
const char *mock_json_str(struct json_object *obj, const char *key);
/* The EC2 state code of a state name ("running" 16), or -1. */
int mock_state_code(const char *name);

/* ---- SQS state (sqs_store.c) -------------------------------------------- */

typedef struct mock_sqs mock_sqs;
mock_sqs *mock_sqs_new(void);
void mock_sqs_free(mock_sqs *sqs);
/* Wakes every ReceiveMessage long poll and makes new ones return at once,
 * so the HTTP server can stop without waiting for them. */
void mock_sqs_shutdown(mock_sqs *sqs);

/* ---- The server ---------------------------------------------------------- */

typedef struct mock_server {
    mock_keys keys;
    mock_ec2_data ec2;
    mock_sqs *sqs;
    bool wrong_md5;
    bool verbose;
    /* Failure injection, under fail_lock: the next ctl_count requests fail
     * with ctl_status (control endpoint), then fail_503 requests with 503,
     * then fail_throttle with a throttling error. */
    pthread_mutex_t fail_lock;
    unsigned long ctl_count;
    unsigned ctl_status;
    unsigned long fail_503;
    unsigned long fail_throttle;
} mock_server;

/* Starts serving on addr (a loopback sockaddr) and writes the base URL into
 * url. Returns an opaque daemon handle or NULL (reason on stderr). */
struct MHD_Daemon *mock_http_start(mock_server *srv, const struct sockaddr *addr,
                                   char *url, size_t url_cap);

/* ---- One request (handle.c) --------------------------------------------- */

typedef enum mock_service { MOCK_EC2, MOCK_SQS } mock_service;

/* A reply: HTTP status and a malloc'ed body. */
typedef struct mock_reply {
    unsigned status;
    char *body;
    size_t len;
} mock_reply;

/* Everything an action handler needs about the request it answers. */
typedef struct mock_call {
    mock_server *srv;
    mock_service service;
    const char *method; /* "GET" or "POST" */
    const char *host;   /* the Host header as received */
    const char *path;   /* the raw request path */
    const char *action; /* the Action parameter, or NULL */
    awsv2_params *params;
    char request_id[37];
    mock_reply reply;
} mock_call;

/* Starts a call (a new request id; the service guessed from the path). */
void mock_call_init(mock_call *c, mock_server *srv, const char *method, const char *host,
                    const char *path);
/* Frees the parameters and the reply body (unless taken: set it NULL). */
void mock_call_free(mock_call *c);
/* Answers one request into c->reply: raw_query (may be NULL) and a body
 * that must be a form when it is not empty. */
void mock_handle(mock_call *c, const char *raw_query, const char *content_type, const char *body,
                 size_t body_len);

/* ---- Replies (reply.c, xml.c) ------------------------------------------- */

/* Writes s XML-escaped: markup characters as entities, CR as &#xD; (so a
 * parser gives back the same bytes), and anything that is not a legal XML
 * character or not valid UTF-8 as U+FFFD. */
void mock_xml_text(FILE *f, const char *s, size_t n);
/* True when text is valid UTF-8 of XML characters only, which is also the
 * set SQS accepts in messages (#x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD
 * #x10000-#x10FFFF). */
bool mock_valid_text(const char *text, size_t n);
/* <name>escaped text</name>; an empty or NULL text gives <name/>. */
void mock_xml_elem(FILE *f, const char *name, const char *text);

/* Starts an XML reply body of a call; the caller writes to the stream and
 * ends with mock_reply_end. NULL when out of memory. */
FILE *mock_reply_begin(mock_call *c, unsigned status);
void mock_reply_end(mock_call *c, FILE *f);
/* Replies with an error in the shape of the call's service. */
void mock_reply_error(mock_call *c, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The SQS response envelope: <ActionResponse xmlns=...>[<ActionResult>] ...
 * (result false for actions without a result element, as DeleteMessage) */
FILE *mock_sqs_begin(mock_call *c, bool result);
/* ... [</ActionResult>]<ResponseMetadata>...</ActionResponse>. */
void mock_sqs_end(mock_call *c, FILE *f, bool result);
/* Fills out with a random UUID (36 characters and a NUL). */
void mock_uuid(char out[37]);

/* ---- Parameters (form.c) ------------------------------------------------ */

/* Adds the pairs of a query string or form body (percent-decoding, '+' is a
 * space) to params. False on a malformed pair, a NUL, or a repeated name;
 * *why then says which. */
bool mock_form_parse(awsv2_params *params, const char *s, size_t n, const char **why);
/* Parses a decimal parameter in [min, max]. Absent: *out = dflt, true.
 * Replies InvalidParameterValue and returns false when it is malformed. */
bool mock_param_long(mock_call *c, const char *name, long min, long max, long dflt, long *out);

/* ---- Signature check (auth.c) ------------------------------------------- */

/* Verifies the call's signature, key and time; on failure replies with the
 * AWS error and returns false. */
bool mock_auth_check(mock_call *c);

/* ---- Actions ------------------------------------------------------------- */

void mock_ec2_describe_instances(mock_call *c);
void mock_sqs_create_queue(mock_call *c);
void mock_sqs_get_queue_url(mock_call *c);
void mock_sqs_send_message(mock_call *c);
void mock_sqs_receive_message(mock_call *c);
void mock_sqs_delete_message(mock_call *c);

#endif
