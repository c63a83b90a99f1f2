/* awsv2-hsmd: the signing daemon. Owns one signer (normally a Due) and
 * signs for local clients over HTTP; see docs/daemon-api.md. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/credentials.h"
#include "awsv2/signer.h"
#include "config.h"
#include "listen.h"
#include "server.h"

#define EXIT_USAGE 2
#define DEFAULT_QUEUE 256
#define DRAIN_SECONDS 10

static const char usage[] =
    "usage: awsv2-hsmd [--listen ADDR] [--token-file F] [--queue N] SIGNER_SPEC\n";

static const char help[] =
    "Signs AWS Signature Version 2 strings for local clients over HTTP\n"
    "(POST /sign/aws), with the signer SIGNER_SPEC (normally due:/dev/ttyACM0).\n"
    "\n"
    "  --listen ADDR      127.0.0.1:PORT, [::1]:PORT, HOST:PORT or unix:/PATH\n"
    "                     (default " HSMD_DEFAULT_LISTEN "; port 0 picks a free one)\n"
    "  --token-file F     require 'Authorization: Bearer <first line of F>';\n"
    "                     needed to listen on a non-loopback address\n"
    "  --queue N          signing requests that may wait; more get 503 (default 256)\n"
    "  --help, --version\n"
    "\n"
    "Prints the URL to sign at (an http: signer spec) as its first line on\n"
    "stdout, logs one line per request to stderr, and drains and exits 0 on\n"
    "SIGTERM or SIGINT.\n";

struct options {
    const char *listen;
    const char *token_file;
    size_t queue;
    const char *spec;
};

/* Returns -1 to go on, else an exit status. */
static int parse(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, 'l'},  {"token-file", required_argument, NULL, 't'},
        {"queue", required_argument, NULL, 'q'},   {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},       {0},
    };
    char *end;
    int opt;

    *o = (struct options){.listen = HSMD_DEFAULT_LISTEN, .queue = DEFAULT_QUEUE};
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case 'l':
            o->listen = optarg;
            break;
        case 't':
            o->token_file = optarg;
            break;
        case 'q':
            o->queue = strtoul(optarg, &end, 10);
            if (*optarg < '0' || *optarg > '9' || *end || o->queue == 0) {
                fprintf(stderr, "awsv2-hsmd: --queue wants a positive number\n%s", usage);
                return EXIT_USAGE;
            }
            break;
        case 'h':
            printf("%s\n%s", usage, help);
            return 0;
        case 'V':
            printf("awsv2-hsmd (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
            return 0;
        default:
            fputs(usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "awsv2-hsmd: want exactly one SIGNER_SPEC\n%s", usage);
        return EXIT_USAGE;
    }
    o->spec = argv[optind];
    return -1;
}

static int fail(const awsv2_error *err)
{
    fprintf(stderr, "awsv2-hsmd: %s\n", err->message);
    return awsv2_exit_code(err->status);
}

/* Only the in-process signer needs credentials (with their secret). */
static awsv2_status open_signer(const char *spec, awsv2_signer **out, awsv2_error *err)
{
    awsv2_credentials *creds = NULL;
    awsv2_status st = AWSV2_OK;

    if (strcmp(spec, "openssl") == 0)
        st = awsv2_credentials_load(&creds, NULL, 0, err);
    if (st == AWSV2_OK)
        st = awsv2_signer_open(out, spec, creds, err);
    awsv2_credentials_free(creds);
    return st;
}

/* Serves until SIGTERM or SIGINT, which every thread blocks (they are all
 * created after this mask is set) so that sigwait gets them here. */
static int serve(const struct options *o, awsv2_signer *signer, const struct hsmd_token *token,
                 struct hsmd_listen *l, const sigset_t *stop)
{
    struct hsmd_server_config cfg = {.listen_fd = l->fd, .token = token};
    hsmd_server *srv = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    int sig;

    awsv2_error_clear(&err);
    cfg.ctx.signer = signer;
    if (hsmd_queue_new(&cfg.ctx.queue, signer, o->queue, &err) != AWSV2_OK)
        return fail(&err);
    if (hsmd_server_start(&srv, &cfg, &err) != AWSV2_OK) {
        hsmd_queue_free(cfg.ctx.queue);
        return fail(&err);
    }
    l->fd = -1; /* the server owns it now */
    printf("%s\n", l->url);
    fflush(stdout);
    fprintf(stderr, "awsv2-hsmd: signing with %s at %s%s\n", awsv2_signer_describe(signer),
            l->url, token ? " (bearer token required)" : "");
    sigwait(stop, &sig);
    fprintf(stderr, "awsv2-hsmd: %s, draining\n", strsignal(sig));
    hsmd_server_quiesce(srv, DRAIN_SECONDS);
    hsmd_queue_close(cfg.ctx.queue); /* what is queued still gets its answer */
    hsmd_server_stop(srv);
    hsmd_queue_free(cfg.ctx.queue);
    return 0;
}

int main(int argc, char **argv)
{
    struct options o;
    struct hsmd_token token;
    struct hsmd_listen l = {.fd = -1};
    awsv2_signer *signer = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    sigset_t stop;
    int rc = parse(argc, argv, &o);

    if (rc >= 0)
        return rc;
    awsv2_error_clear(&err);
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    if (o.token_file && hsmd_token_load(&token, o.token_file, &err) != AWSV2_OK)
        return fail(&err);
    if (hsmd_listen_open(&l, o.listen, &err) != AWSV2_OK)
        return fail(&err);
    if (!l.local && !o.token_file) {
        fprintf(stderr, "awsv2-hsmd: refusing to listen on %s, not a loopback address, "
                        "without --token-file\n", o.listen);
        hsmd_listen_close(&l);
        return EXIT_USAGE;
    }
    if (open_signer(o.spec, &signer, &err) != AWSV2_OK)
        rc = fail(&err);
    else
        rc = serve(&o, signer, o.token_file ? &token : NULL, &l, &stop);
    awsv2_signer_close(signer);
    hsmd_listen_close(&l);
    return rc;
}
