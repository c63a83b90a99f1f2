/* One HTTP(S) connection to reuse across requests: a libcurl easy handle
 * with the client's timeouts, TLS settings and response size limit. Not
 * thread-safe; the client serialises its use. */
#ifndef AWSV2_CLIENT_TRANSPORT_H
#define AWSV2_CLIENT_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "awsv2/request.h"
#include "awsv2/status.h"
#include "buf.h"

typedef struct awsv2__transport awsv2__transport;

struct awsv2__transport_options {
    long connect_timeout_ms;
    long timeout_ms;
    size_t max_response_bytes;
    const char *ca_bundle; /* NULL: the system's */
};

awsv2_status awsv2__transport_new(awsv2__transport **out,
                                  const struct awsv2__transport_options *options,
                                  awsv2_error *err);
void awsv2__transport_free(awsv2__transport *t);

/* One exchange of a signed request: a GET of its URL when form is NULL,
 * else a POST of the url-encoded form, with the headers the request must
 * be sent with (a SigV4 Authorization). Its host names the peer in error
 * messages (the URL may carry a session token, so it is never printed). On
 * AWSV2_OK, *http_status is the reply's status, whatever it is, and resp
 * its body. Fails with AWSV2_E_NETWORK (including timeouts), AWSV2_E_TLS,
 * or AWSV2_E_RESPONSE for a body over the limit. */
/* Of the last exchange: whether it failed by a timeout, and the time of
 * its reply's Date header (0 when it had none, or no reply came). */
bool awsv2__transport_timed_out(const awsv2__transport *t);
time_t awsv2__transport_date(const awsv2__transport *t);

awsv2_status awsv2__transport_perform(awsv2__transport *t, const awsv2_request *req,
                                      const char *form, long *http_status, awsv2__buf *resp,
                                      awsv2_error *err);

#endif
