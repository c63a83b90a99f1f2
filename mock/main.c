/* awsv2-mock: command line, startup and shutdown. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "codec.h"
#include "server.h"

typedef struct options {
    unsigned long port;
    const char *bind;
    const char *credentials;
    const char *instances;
    unsigned long fail_503;
    unsigned long fail_throttle;
} options;

static void usage(FILE *f)
{
    fputs("usage: awsv2-mock [--port N] [--bind ADDR] --credentials FILE [--instances FILE]\n"
          "                  [--fail-503 N] [--fail-throttle N] [--wrong-md5] [--verbose]\n"
          "                  [--now TIME] [--clock-offset SECONDS]\n"
          "A local EC2 + SQS endpoint that verifies Signature Versions 2 and 4.\n"
          "  --port N            port to listen on (default 0: any free port)\n"
          "  --bind ADDR         loopback address (default 127.0.0.1; ::1 allowed)\n"
          "  --credentials FILE  shared-credentials file: every profile's key is valid\n"
          "  --instances FILE    EC2 instances (JSON, see the README); default: built in\n"
          "  --fail-503 N        the first N requests get HTTP 503\n"
          "  --fail-throttle N   the next N requests get a throttling error\n"
          "  --wrong-md5         SendMessage answers with wrong MD5s\n"
          "  --verbose           log every request to stderr\n"
          "  --now TIME          tests only: check request times against this fixed time\n"
          "                      (YYYYMMDDTHHMMSSZ or YYYY-MM-DDTHH:MM:SSZ), not the clock\n"
          "  --clock-offset SECONDS  tests only: run the clock that checks request times\n"
          "                      and dates replies SECONDS (may be negative) off\n"
          "The first line on stdout is the base URL. Runs until SIGINT or SIGTERM.\n",
          f);
}

static bool number(const char *text, unsigned long max, unsigned long *out)
{
    char *end;
    if (*text < '0' || *text > '9')
        return false;
    errno = 0;
    *out = strtoul(text, &end, 10);
    return *end == '\0' && errno == 0 && *out <= max;
}

/* Parses argv; returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, options *o, mock_server *srv)
{
    static const struct option longopts[] = {
        { "port", required_argument, NULL, 'p' },
        { "bind", required_argument, NULL, 'b' },
        { "credentials", required_argument, NULL, 'c' },
        { "instances", required_argument, NULL, 'i' },
        { "fail-503", required_argument, NULL, '5' },
        { "fail-throttle", required_argument, NULL, 't' },
        { "wrong-md5", no_argument, NULL, 'm' },
        { "verbose", no_argument, NULL, 'v' },
        { "now", required_argument, NULL, 'n' },
        { "clock-offset", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        bool ok = true;
        switch (ch) {
        case 'p': ok = number(optarg, 65535, &o->port); break;
        case 'b': o->bind = optarg; break;
        case 'c': o->credentials = optarg; break;
        case 'i': o->instances = optarg; break;
        case '5': ok = number(optarg, ULONG_MAX, &o->fail_503); break;
        case 't': ok = number(optarg, ULONG_MAX, &o->fail_throttle); break;
        case 'm': srv->wrong_md5 = true; break;
        case 'v': srv->verbose = true; break;
        case 'n':
            if (!mock_amz_date(optarg, &srv->now) && !mock_iso8601(optarg, &srv->now)) {
                fprintf(stderr, "awsv2-mock: invalid time '%s'\n", optarg);
                usage(stderr);
                return 2;
            }
            break;
        case 'o': {
            char *end;
            errno = 0;
            srv->clock_offset = strtol(optarg, &end, 10);
            ok = errno == 0 && end != optarg && *end == '\0' &&
                 labs(srv->clock_offset) <= 10L * 365 * 86400;
            break;
        }
        case 'h': usage(stdout); return 0;
        case 'V': puts("awsv2-mock (" PACKAGE_NAME ") " PACKAGE_VERSION); return 0;
        default: ok = false; optarg = NULL; break;
        }
        if (!ok) {
            if (optarg != NULL)
                fprintf(stderr, "awsv2-mock: invalid number '%s'\n", optarg);
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc || o->credentials == NULL) {
        fputs(optind < argc ? "awsv2-mock: unexpected argument\n"
                            : "awsv2-mock: --credentials FILE is required\n",
              stderr);
        usage(stderr);
        return 2;
    }
    return -1;
}

/* The listening address: a loopback address only, never the network. */
static bool loopback_addr(const char *text, unsigned long port, struct sockaddr_storage *ss)
{
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    memset(ss, 0, sizeof *ss);
    if (inet_pton(AF_INET, text, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        return (ntohl(in4->sin_addr.s_addr) >> 24) == 127;
    }
    if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    return false;
}

static bool load(mock_server *srv, const options *o)
{
    if ((srv->keys = mock_keys_load(o->credentials)) == NULL ||
        (srv->ec2 = ec2_instances_load(o->instances)) == NULL)
        return false;
    srv->sqs = sqs_store_new();
    srv->faults = mock_faults_new(o->fail_503, o->fail_throttle);
    if (srv->sqs == NULL || srv->faults == NULL)
        fputs("awsv2-mock: out of memory\n", stderr);
    return srv->sqs != NULL && srv->faults != NULL;
}

/* Serves until SIGINT or SIGTERM (blocked in every thread, taken here). */
static int serve(const mock_server *srv, const struct sockaddr *addr)
{
    sigset_t set;
    int sig;
    char url[128];
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct MHD_Daemon *d = mock_http_start(srv, addr, url, sizeof url);
    if (d == NULL)
        return 1;
    printf("%s\n", url);
    fflush(stdout);
    sigwait(&set, &sig);
    sqs_store_shutdown(srv->sqs);
    MHD_stop_daemon(d);
    return 0;
}

int main(int argc, char **argv)
{
    options o = { .port = 0, .bind = "127.0.0.1" };
    mock_server srv = { .verbose = false };
    struct sockaddr_storage addr;
    int status = parse_args(argc, argv, &o, &srv);
    if (status < 0 && !loopback_addr(o.bind, o.port, &addr)) {
        fprintf(stderr, "awsv2-mock: --bind %s is not a loopback address\n", o.bind);
        status = 2;
    }
    if (status < 0)
        status = load(&srv, &o) ? serve(&srv, (struct sockaddr *)&addr) : 2;
    mock_faults_free(srv.faults);
    sqs_store_free(srv.sqs);
    ec2_instances_free(srv.ec2);
    mock_keys_free(srv.keys);
    return status;
}
