/* A tiny HTTP/1.1 server on 127.0.0.1 for the client's tests: it answers
 * every request with the next reply of a script (the last one repeats),
 * including the misbehaviours a real endpoint must never show. One
 * connection at a time, in its own thread. */
#ifndef AWSV2_TESTS_STUB_SERVER_H
#define AWSV2_TESTS_STUB_SERVER_H

#include <stddef.h>

enum stub_kind {
    STUB_REPLY,       /* status and body, with Content-Length, keep-alive */
    STUB_SILENT,      /* read the request, never answer (until stopped) */
    STUB_STREAM,      /* 200, no Content-Length, body repeated until the peer
                       * hangs up or stream_bytes are sent, then close */
    STUB_HUGE_LENGTH, /* 200 announcing a Content-Length of stream_bytes,
                       * streamed as STUB_STREAM */
};

struct stub_reply {
    enum stub_kind kind;
    int status;
    const char *body; /* NUL-terminated */
    size_t stream_bytes;
};

struct stub_server;

/* Starts serving script (borrowed; n >= 1) on a free port; aborts the
 * test when it cannot. */
struct stub_server *stub_start(const struct stub_reply *script, size_t n);
/* "http://127.0.0.1:PORT/". */
const char *stub_url(const struct stub_server *s);
/* Requests and connections seen so far. */
int stub_requests(struct stub_server *s);
int stub_connections(struct stub_server *s);
/* Copies the head and body of the last request into buf (cap bytes). */
void stub_last_request(struct stub_server *s, char *buf, size_t cap);
/* Stops the thread, closes everything and frees. */
void stub_stop(struct stub_server *s);

#endif
