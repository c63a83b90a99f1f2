/* What a running mock serves, and its HTTP side (libmicrohttpd, one thread
 * per connection, so a ReceiveMessage long poll blocks only its own
 * client). */
#ifndef AWSV2_MOCK_SERVER_H
#define AWSV2_MOCK_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <time.h>

#include "ec2_instances.h"
#include "faults.h"
#include "keys.h"
#include "sqs_store.h"

/* The account id in queue URLs and reservations. */
#define MOCK_ACCOUNT_ID "123456789012"

/* The parts of a running mock, each a thread-safe object of its own file;
 * main() owns them, every request reads this bundle. */
typedef struct mock_server {
    mock_keys *keys;
    ec2_instances *ec2;
    sqs_store *sqs;
    mock_faults *faults;
    bool wrong_md5;
    bool verbose;
    /* --now (tests only): the fixed time request times are checked
     * against; 0: the real clock. */
    time_t now;
    /* --clock-offset (tests only): seconds added to the real clock, so a
     * client meets a service whose clock is off; 0: none. */
    long clock_offset;
} mock_server;

/* The time a request's timestamp or expiry is checked against, and the
 * time every reply's Date header gives. */
time_t mock_server_now(const mock_server *srv);

/* Starts serving on addr (a loopback sockaddr) and writes the base URL into
 * url. Returns the daemon handle (stop it with MHD_stop_daemon) or NULL
 * (reason on stderr). */
struct MHD_Daemon *mock_http_start(const mock_server *srv, const struct sockaddr *addr,
                                   char *url, size_t url_cap);

#endif
